import { isAbsolute } from 'node:path';
import { Readable } from 'node:stream';
import type { Socket } from 'node:net';
import type { ControlHandler } from '../db/folder-lock.ts';
import { writeFrame } from '../db/folder-lock.ts';
import type { Deps } from '../deps.ts';
import type { CliIo } from './io.ts';
import { runCommandLine } from './run.ts';

/**
 * The server's side of `npm run cli` on an embedded database: a CLI process that finds the
 * folder held by this server sends its command line here (remote.ts) and the command runs in
 * this process, on this process's database, with the CLI's output, input and working directory
 * relayed over the socket. Only the folder's owner can connect (the socket is mode 0600).
 *
 * Frames, one JSON object per line. CLI → server: `run` {argv, cwd, stdoutTTY, stderrTTY},
 * then `stdin` {data: base64} … `stdin-end` if asked. Server → CLI: `out` {stream, data},
 * `stdin-want` when the command first reads its input, and `exit` {code} last.
 */
export function cliControl(deps: Deps): { handler: ControlHandler; drain(): Promise<void> } {
  const running = new Set<Promise<void>>();

  const handler: ControlHandler = (socket: Socket) => {
    let started = false;
    let asked = false;
    const stdin = new Readable({
      read() {
        if (!asked) {
          asked = true;
          writeFrame(socket, { type: 'stdin-want' });
        }
        socket.resume();
      },
    });
    socket.on('close', () => stdin.destroy());
    return (frame) => {
      if (frame.type === 'stdin' && typeof frame.data === 'string') {
        if (!stdin.push(Buffer.from(frame.data, 'base64'))) socket.pause();
        return;
      }
      if (frame.type === 'stdin-end') {
        stdin.push(null);
        return;
      }
      if (frame.type !== 'run' || started) return;
      started = true;
      const argv = frame.argv;
      const cwd = frame.cwd;
      if (
        !Array.isArray(argv) ||
        !argv.every((word) => typeof word === 'string') ||
        typeof cwd !== 'string' ||
        !isAbsolute(cwd)
      ) {
        writeFrame(socket, { type: 'exit', code: 2 });
        socket.end();
        return;
      }
      const output = (stream: 'stdout' | 'stderr', isTTY: boolean) => ({
        isTTY,
        write: (text: string) => writeFrame(socket, { type: 'out', stream, data: text }),
      });
      const io: CliIo = {
        stdout: output('stdout', frame.stdoutTTY === true),
        stderr: output('stderr', frame.stderrTTY === true),
        stdin,
        cwd,
      };
      // The command line may hold a password (user create): only the command's name is logged.
      deps.logger.info({ command: argv.slice(0, 2).join(' ') }, 'running a CLI command');
      const run = runCommandLine(argv, io, async (work) => ({ ran: await work(deps) }))
        .then((code) => {
          writeFrame(socket, { type: 'exit', code });
          socket.end();
        })
        .finally(() => running.delete(run));
      running.add(run);
    };
  };

  return {
    handler,
    // Shutdown waits for commands already running: they hold the database the server closes.
    async drain() {
      await Promise.allSettled([...running]);
    },
  };
}
