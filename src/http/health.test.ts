import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness, json, onRedis } from '../../test/harness.ts';
import { useSilentRedis } from '../../test/silent-redis.ts';
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
    const silent = useSilentRedis();
    let app: App;

    beforeAll(async () => {
      app = await buildApp({ ...h.deps, redis: silent.client });
      await app.ready();
    });

    afterAll(async () => {
      await app.close();
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
