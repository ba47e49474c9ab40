import { createServer, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness, json, onRedis } from '../../test/harness.ts';
import { buildApp } from '../app.ts';
import type { App } from './types.ts';

let h: Harness;

beforeAll(async () => {
  h = await createHarness();
});

afterAll(async () => {
  await h.close();
});

describe('health', () => {
  it('answers liveness and readiness with the Redis state', async () => {
    expect(json(await h.inject({ url: '/healthz' }))).toEqual({ status: 'ok' });
    const ready = await h.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(json(ready)).toMatchObject({
      status: 'ready',
      database: 'ok',
      redis: onRedis ? 'ok' : 'not_configured',
    });
  });

  describe('with a Redis that stops answering', () => {
    // Accepts and reads but never answers: a stopped or partitioned Redis.
    const sockets = new Set<Socket>();
    const silentServer = createServer((socket) => {
      sockets.add(socket);
      socket.resume();
    });
    let silent: Redis;
    let app: App;

    beforeAll(async () => {
      await new Promise<void>((resolve) => silentServer.listen(0, '127.0.0.1', resolve));
      const address = silentServer.address();
      if (typeof address !== 'object' || !address) throw new Error('no port');
      // No handshake: the silent server would never answer it.
      silent = new Redis(address.port, '127.0.0.1', {
        maxRetriesPerRequest: 1,
        enableOfflineQueue: false,
        enableReadyCheck: false,
        disableClientInfo: true,
        protocol: 2,
      });
      await new Promise((resolve) => silent.once('ready', resolve));
      app = await buildApp({ ...h.deps, redis: silent });
      await app.ready();
    });

    afterAll(async () => {
      await app.close();
      silent.disconnect();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silentServer.close(resolve));
    });

    it('stays ready, reports Redis unreachable, and answers within the deadline', async () => {
      const started = performance.now();
      const ready = await app.inject({ url: '/readyz' });
      const elapsed = performance.now() - started;
      expect(ready.statusCode).toBe(200);
      expect(json(ready)).toMatchObject({ status: 'ready', redis: 'unreachable' });
      expect(elapsed).toBeLessThan(1500);
    });
  });
});
