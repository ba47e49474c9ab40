import { createServer, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { RedisRateLimiter } from '../src/http/rate-limit.ts';
import type { Clock } from '../src/lib/clock.ts';

export interface SilentRedis {
  /** Connected to a server that never answers; set once the `beforeAll` ran. */
  client: Redis;
  /** A Redis rate limiter on `client`, and the errors it reports. */
  limiter: (
    clock: Clock,
    timing: { timeoutMs: number; pauseMs: number },
  ) => { limiter: RedisRateLimiter; errors: unknown[] };
}

/**
 * For the enclosing suite: a TCP server that accepts and reads but never answers (a stopped or
 * partitioned Redis), and a client connected to it. The client skips the handshake (HELLO,
 * CLIENT SETINFO, INFO), which the silent server would never answer, so it would never become
 * ready. `enableAutoPipelining` as deps.ts sets it, where the test is about deps.ts's client.
 */
export function useSilentRedis(options: { enableAutoPipelining?: boolean } = {}): SilentRedis {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.resume();
  });
  const silent = {
    limiter(clock, timing) {
      const errors: unknown[] = [];
      const limiter = new RedisRateLimiter(
        silent.client,
        'playloop:silent:',
        clock,
        (error) => errors.push(error),
        timing,
      );
      return { limiter, errors };
    },
  } as SilentRedis;

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (typeof address !== 'object' || !address) throw new Error('no port');
    silent.client = new Redis(address.port, '127.0.0.1', {
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      enableReadyCheck: false,
      disableClientInfo: true,
      protocol: 2,
      enableAutoPipelining: options.enableAutoPipelining ?? false,
    });
    await new Promise((resolve) => silent.client.once('ready', resolve));
  });

  afterAll(async () => {
    silent.client.disconnect();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  return silent;
}
