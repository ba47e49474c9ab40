import { readdir, readFile, readlink } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * The webhook receiver of section 9: records each delivery (path, `webhook-id`, the envelope's
 * event id, which process sent it) when its body has arrived, then holds the answer for a while
 * so deliveries are in flight when a worker is killed. It can listen on a given port, so a test
 * can leave that port closed (connection refused) and open it later.
 */

export interface Delivery {
  readonly path: string;
  readonly webhookId: string;
  readonly eventId: string;
  readonly at: number;
  /** The name of the process that opened the connection, when /proc could tell. */
  readonly by: Promise<string>;
}

export interface HookReceiver {
  readonly port: number;
  readonly url: string;
  readonly deliveries: Delivery[];
  /** Requests received and not answered yet (held). */
  inFlight(): number;
  close(): Promise<void>;
}

export interface ReceiverOptions {
  readonly port?: number;
  /** Each answer is held a random time in [min, max] ms (default: answered at once). */
  readonly holdMs?: readonly [number, number];
  /** The processes that may connect, pid → name (read when a connection opens). */
  readonly senders?: () => ReadonlyMap<number, string>;
}

export async function startHookReceiver(options: ReceiverOptions = {}): Promise<HookReceiver> {
  const deliveries: Delivery[] = [];
  const peers = new WeakMap<Socket, Promise<string>>();
  let held = 0;
  const [min, max] = options.holdMs ?? [0, 0];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let eventId = '';
      try {
        eventId = String(
          (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id?: unknown }).id,
        );
      } catch {
        // not an envelope: recorded with no event id, so the test sees it as missing
      }
      deliveries.push({
        path: req.url ?? '',
        webhookId: String(req.headers['webhook-id'] ?? ''),
        eventId,
        at: performance.now(),
        by: peers.get(req.socket) ?? Promise.resolve('unknown'),
      });
      held += 1;
      setTimeout(
        () => {
          held -= 1;
          res.end('ok');
        },
        min + Math.random() * (max - min),
      );
    });
  });
  server.on('connection', (socket: Socket) => {
    const by = options.senders
      ? ownerOf(socket, options.senders()).catch(() => 'unknown')
      : Promise.resolve('unknown');
    peers.set(socket, by);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    deliveries,
    inFlight: () => held,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Which of `candidates` holds the other end of an accepted loopback connection: the kernel's
 * socket table gives the client socket's inode, and the owner has it among its descriptors.
 */
async function ownerOf(socket: Socket, candidates: ReadonlyMap<number, string>): Promise<string> {
  const hex = (port: number) => port.toString(16).toUpperCase().padStart(4, '0');
  const local = `:${hex(socket.remotePort ?? 0)}`;
  const remote = `:${hex(socket.localPort ?? 0)}`;
  const table = await readFile('/proc/net/tcp', 'utf8');
  const row = table
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .find((cols) => cols[1]?.endsWith(local) && cols[2]?.endsWith(remote));
  const inode = row?.[9];
  if (!inode) return 'unknown';
  const target = `socket:[${inode}]`;
  for (const [pid, name] of candidates) {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => []);
    for (const fd of fds) {
      if ((await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')) === target) return name;
    }
  }
  return 'unknown';
}
