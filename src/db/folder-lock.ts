import { chmodSync, closeSync, openSync, statSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { relative, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * One process per PGlite folder. PGlite keeps the database in the memory of the process that
 * opened it and writes it back on its own schedule: a second process opening the same folder
 * works on a private copy, its writes never reach the first, and whichever writes last can
 * leave the folder inconsistent.
 *
 * The claim is a Unix socket in the folder (`playloop.sock`). Binding it is atomic, the kernel
 * closes it when its process dies however it dies, and whoever holds it answers on it: the
 * server runs CLI commands sent there (src/cli/control.ts), so `npm run cli` works beside
 * `npm start`. A socket file nobody answers on is left over from a crash and is taken over.
 */

export const SOCKET_NAME = 'playloop.sock';
/** Who holds the folder, as the holder itself reports it on the socket. */
export interface Holder {
  readonly pid: number;
  /** `server` (accepts CLI commands) or what else opened it (`cli`, `migrate`, `bench`…). */
  readonly role: string;
  readonly since: string;
  /** It runs CLI commands sent to it (a server does). */
  readonly serving?: boolean;
}

/**
 * Takes a connection from another process and returns what to do with each frame it sends
 * after its `hello` (which the lock answers itself).
 */
export type ControlHandler = (socket: Socket) => (frame: Record<string, unknown>) => void;

export class FolderInUseError extends Error {
  readonly holder: Holder | undefined;
  constructor(dataDir: string, holder: Holder | undefined) {
    const who = holder
      ? `${holder.role === 'server' ? 'a PlayLoop server' : `a PlayLoop ${holder.role} command`} (pid ${holder.pid}, since ${holder.since})`
      : 'another process';
    super(
      `the data folder ${dataDir} is in use by ${who}. PGlite allows one process per folder: ` +
        'stop it first, or use another DATA_DIR (or DATABASE_URL for PostgreSQL)',
    );
    this.holder = holder;
  }
}

export interface FolderLock {
  readonly holder: Holder;
  /** From now on connections are given to `handler` (before, they are told who holds it). */
  serve(handler: ControlHandler): void;
  release(): Promise<void>;
}

// sockaddr_un.sun_path is 108 bytes on Linux, including the terminating NUL.
const MAX_SOCKET_PATH = 107;

/** The path to bind and connect to; relative to the working directory when that is shorter. */
export function socketPath(dataDir: string): string {
  const absolute = resolve(dataDir, SOCKET_NAME);
  const fromHere = relative(process.cwd(), absolute) || SOCKET_NAME;
  const path = fromHere.length < absolute.length ? fromHere : absolute;
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH) {
    throw new Error(
      `the data folder path is too long for its control socket (${Buffer.byteLength(absolute)} bytes, ` +
        `at most ${MAX_SOCKET_PATH - SOCKET_NAME.length - 1}): use a shorter DATA_DIR or run from nearer to it`,
    );
  }
  return path;
}

/** One line of JSON each way: `{"type":"hello"}` is answered with `{"type":"holder",…}`. */
export function writeFrame(socket: Socket, frame: object): void {
  if (!socket.destroyed && socket.writable) socket.write(`${JSON.stringify(frame)}\n`);
}

/** Calls `onFrame` for each JSON line received; a line that is not JSON ends the connection. */
export function readFrames(socket: Socket, onFrame: (frame: Record<string, unknown>) => void) {
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      let frame: unknown;
      try {
        frame = JSON.parse(line);
      } catch {
        socket.destroy();
        return;
      }
      if (frame && typeof frame === 'object') onFrame(frame as Record<string, unknown>);
    }
  });
}

export type Probe =
  | { state: 'free' }
  | { state: 'stale' }
  | { state: 'held'; holder: Holder | undefined; socket: Socket };

/**
 * Connects to the folder's socket: `free` (no socket file), `stale` (a file nobody listens
 * on) or `held`, with the open connection and what the holder says of itself.
 */
export async function probe(path: string, timeoutMs = 2_000): Promise<Probe> {
  return new Promise((done) => {
    const socket = createConnection(path);
    const timer = setTimeout(() => done({ state: 'held', holder: undefined, socket }), timeoutMs);
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (error.code === 'ENOENT') done({ state: 'free' });
      else if (error.code === 'ECONNREFUSED') done({ state: 'stale' });
      else done({ state: 'held', holder: undefined, socket });
    });
    socket.once('connect', () => {
      readFrames(socket, (frame) => {
        if (frame.type !== 'holder') return;
        clearTimeout(timer);
        socket.removeAllListeners('data');
        done({ state: 'held', holder: frame as unknown as Holder, socket });
      });
      writeFrame(socket, { type: 'hello' });
    });
  });
}

function listen(server: Server, path: string): Promise<'listening' | 'in-use'> {
  return new Promise((done, fail) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') done('in-use');
      else fail(error);
    };
    const onListening = () => {
      server.off('error', onError);
      done('listening');
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(path);
  });
}

/**
 * Removes a stale socket file. Only one process at a time may do it (an exclusive lock file),
 * and it probes again first: between our probe and the unlink another process may have taken
 * the folder over, and unlinking its live socket would let a third one in beside it.
 */
async function removeStale(path: string): Promise<void> {
  const mutex = `${path}.takeover`;
  let fd: number;
  try {
    fd = openSync(mutex, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // A takeover whose process died midway leaves the file behind; it takes milliseconds.
    try {
      if (Date.now() - statSync(mutex).mtimeMs > 10_000) unlinkSync(mutex);
    } catch {
      // gone already
    }
    await sleep(50);
    return;
  }
  try {
    const again = await probe(path, 500);
    if (again.state === 'held') again.socket.destroy();
    if (again.state === 'stale') unlinkSync(path);
  } finally {
    closeSync(fd);
    unlinkSync(mutex);
  }
}

/** Claims `dataDir` for this process, or throws FolderInUseError naming the holder. */
export async function lockFolder(dataDir: string, role: string): Promise<FolderLock> {
  const path = socketPath(dataDir);
  const holder: Holder = { pid: process.pid, role, since: new Date().toISOString() };
  let handler: ControlHandler | undefined;
  const connections = new Set<Socket>();
  const server = createServer((socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
    socket.on('error', () => undefined);
    const onFrame = handler?.(socket);
    readFrames(socket, (frame) => {
      if (frame.type === 'hello') {
        writeFrame(socket, { type: 'holder', ...holder, serving: Boolean(onFrame) });
      } else if (onFrame) {
        onFrame(frame);
      } else {
        // Not serving (a CLI command or a migration holds the folder): say who, then hang up.
        writeFrame(socket, { type: 'busy', ...holder });
        socket.end();
      }
    });
  });
  // The claim must not keep a CLI process alive once its work is done.
  server.unref();
  for (let attempt = 0; attempt < 50; attempt++) {
    if ((await listen(server, path)) === 'listening') {
      // Whoever may connect may run CLI commands: the owner only.
      chmodSync(path, 0o600);
      return {
        holder,
        serve(next) {
          handler = next;
        },
        async release() {
          for (const socket of connections) socket.destroy();
          // Closing a listening Unix socket removes its file.
          await new Promise<void>((done) => server.close(() => done()));
        },
      };
    }
    const found = await probe(path);
    if (found.state === 'held') {
      found.socket.destroy();
      throw new FolderInUseError(dataDir, found.holder);
    }
    if (found.state === 'stale') await removeStale(path);
  }
  throw new FolderInUseError(dataDir, undefined);
}
