import type { Socket } from 'node:net';
import { type Holder, readFrames, writeFrame } from '../db/folder-lock.ts';
import type { CliIo } from './io.ts';

/**
 * Sends a command line to the server that holds the data folder (control.ts) and relays its
 * output, and this process's input when the command reads it. Resolves with the exit status.
 */
export function forwardCommand(
  socket: Socket,
  holder: Holder,
  argv: readonly string[],
  io: CliIo,
): Promise<number> {
  io.stderr.write(
    `(running in the PlayLoop server that holds the data folder, pid ${holder.pid})\n`,
  );
  return new Promise((done, fail) => {
    let exited = false;
    let reading = false;
    const sendStdin = () => {
      reading = true;
      io.stdin.on('data', (chunk: Buffer) => {
        const data = (typeof chunk === 'string' ? Buffer.from(chunk) : chunk).toString('base64');
        if (!socket.write(`${JSON.stringify({ type: 'stdin', data })}\n`)) {
          io.stdin.pause();
          socket.once('drain', () => io.stdin.resume());
        }
      });
      io.stdin.on('end', () => writeFrame(socket, { type: 'stdin-end' }));
    };
    readFrames(socket, (frame) => {
      if (frame.type === 'out' && typeof frame.data === 'string') {
        (frame.stream === 'stderr' ? io.stderr : io.stdout).write(frame.data);
      } else if (frame.type === 'stdin-want') {
        sendStdin();
      } else if (frame.type === 'exit') {
        exited = true;
        if (reading) io.stdin.pause();
        socket.end();
        done(typeof frame.code === 'number' ? frame.code : 1);
      }
    });
    socket.on('close', () => {
      if (exited) return;
      fail(
        new Error(
          'the server closed the connection before the command finished (did it stop?); ' +
            'the command may or may not have been applied: check before running it again',
        ),
      );
    });
    writeFrame(socket, {
      type: 'run',
      argv,
      cwd: io.cwd,
      stdoutTTY: io.stdout.isTTY === true,
      stderrTTY: io.stderr.isTTY === true,
    });
  });
}
