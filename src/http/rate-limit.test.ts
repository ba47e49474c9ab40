import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTenant } from '../../test/factories.ts';
import { createHarness, errorBody, type Harness } from '../../test/harness.ts';
import { useSilentRedis } from '../../test/silent-redis.ts';
import { ManualClock } from '../lib/clock.ts';
import { MemoryRateLimiter, RedisRateLimiter, type RateLimiter } from './rate-limit.ts';

const windows = (perMinute: number, perDay: number) => [
  { name: 'minute', limit: perMinute, windowMs: 60_000 },
  { name: 'day', limit: perDay, windowMs: 86_400_000 },
];

const limiters: [string, (clock: ManualClock) => RateLimiter][] = [
  ['in-process', (clock) => new MemoryRateLimiter(clock)],
];
let redis: Redis | undefined;
if (process.env.TEST_REDIS_URL) {
  redis = new Redis(process.env.TEST_REDIS_URL);
  const prefix = `playloop:test:${randomBytes(6).toString('hex')}:`;
  limiters.push(['Redis', (clock) => new RedisRateLimiter(redis!, prefix, clock, () => {})]);
}
afterAll(() => redis?.disconnect());

// Start at a minute boundary so the windows in these tests do not roll over by accident.
const start = () => new ManualClock(new Date('2026-11-22T10:00:00.000Z'));

describe.each(limiters)('%s limiter', (_name, make) => {
  it('allows exactly the limit in a minute, then refuses with the time to wait', async () => {
    const clock = start();
    const limiter = make(clock);
    const subject = `s-${randomBytes(4).toString('hex')}`;
    for (let i = 0; i < 5; i++) {
      const d = await limiter.take(subject, windows(5, 100));
      expect(d).toMatchObject({ allowed: true, remaining: 4 - i });
    }
    clock.advance(15_000);
    expect(await limiter.take(subject, windows(5, 100))).toEqual({
      allowed: false,
      window: 'minute',
      limit: 5,
      retryAfterSeconds: 45,
    });
    clock.advance(45_000);
    expect((await limiter.take(subject, windows(5, 100))).allowed).toBe(true);
  });

  it('consumes nothing from the day when the minute refuses', async () => {
    const clock = start();
    const limiter = make(clock);
    const subject = `s-${randomBytes(4).toString('hex')}`;
    // 2 per minute, 3 per day: the refused third request of minute one must not count.
    expect((await limiter.take(subject, windows(2, 3))).allowed).toBe(true);
    expect((await limiter.take(subject, windows(2, 3))).allowed).toBe(true);
    expect(await limiter.take(subject, windows(2, 3))).toMatchObject({ window: 'minute' });
    expect(await limiter.take(subject, windows(2, 3))).toMatchObject({ window: 'minute' });
    clock.advance(60_000);
    expect((await limiter.take(subject, windows(2, 3))).allowed).toBe(true);
    expect(await limiter.take(subject, windows(2, 3))).toMatchObject({
      allowed: false,
      window: 'day',
    });
  });

  it('peeks at the counters without counting', async () => {
    const clock = start();
    const limiter = make(clock);
    const subject = `s-${randomBytes(4).toString('hex')}`;
    expect(await limiter.peek(subject, windows(2, 100))).toMatchObject({
      allowed: true,
      remaining: 2,
    });
    await limiter.take(subject, windows(2, 100));
    await limiter.take(subject, windows(2, 100));
    clock.advance(20_000);
    for (let i = 0; i < 3; i++) {
      expect(await limiter.peek(subject, windows(2, 100))).toEqual({
        allowed: false,
        window: 'minute',
        limit: 2,
        retryAfterSeconds: 40,
      });
    }
    clock.advance(40_000);
    expect(await limiter.peek(subject, windows(2, 100))).toMatchObject({ allowed: true });
  });

  it('decides concurrent takes exactly', async () => {
    const limiter = make(start());
    const subject = `s-${randomBytes(4).toString('hex')}`;
    const decisions = await Promise.all(
      Array.from({ length: 300 }, () => limiter.take(subject, windows(100, 1000))),
    );
    expect(decisions.filter((d) => d.allowed)).toHaveLength(100);
  });
});

describe('Redis limiter when Redis stops answering', () => {
  // The options of deps.ts, on a Redis that never answers.
  const silent = useSilentRedis({ enableAutoPipelining: true });

  const timed = async <T>(work: Promise<T>): Promise<[T, number]> => {
    const started = performance.now();
    const value = await work;
    return [value, performance.now() - started];
  };

  it('decides in-process after the deadline, then skips Redis until one call probes it again', async () => {
    const { limiter, errors } = silent.limiter(start(), { timeoutMs: 300, pauseMs: 600 });
    const [first, firstMs] = await timed(limiter.take('s', windows(2, 100)));
    expect(first).toMatchObject({ allowed: true, remaining: 1 });
    expect(firstMs).toBeGreaterThanOrEqual(295);
    expect(firstMs).toBeLessThan(2000);
    expect(String(errors[0])).toContain('did not answer within 300 ms');

    // Paused: answered at once, by the in-process counters, without asking Redis.
    const [paused, pausedMs] = await timed(
      Promise.all([limiter.take('s', windows(2, 100)), limiter.take('s', windows(2, 100))]),
    );
    expect(paused.map((d) => d.allowed)).toEqual([true, false]);
    // Under the deadline: Redis was not asked (a call to it would wait the whole 300 ms).
    expect(pausedMs).toBeLessThan(295);
    expect(errors).toHaveLength(1);

    // After the pause one call probes (and waits for the deadline); the others still do not.
    await new Promise((resolve) => setTimeout(resolve, 650));
    const probe = timed(limiter.peek('s', windows(2, 100)));
    const [others, othersMs] = await timed(
      Promise.all([limiter.take('t', windows(2, 100)), limiter.peek('s', windows(2, 100))]),
    );
    expect(others).toMatchObject([{ allowed: true }, { allowed: false, window: 'minute' }]);
    expect(othersMs).toBeLessThan(295);
    const [probed, probeMs] = await probe;
    expect(probed).toMatchObject({ allowed: false, window: 'minute' });
    expect(probeMs).toBeGreaterThanOrEqual(295);
    expect(errors).toHaveLength(2);
  });
});

describe.runIf(process.env.TEST_REDIS_URL)('Redis limiter in a process that wakes late', () => {
  it('uses an answer that arrived while the process was busy past the deadline', async () => {
    const errors: unknown[] = [];
    const prefix = `playloop:test:${randomBytes(6).toString('hex')}:`;
    const limiter = new RedisRateLimiter(redis!, prefix, start(), (error) => errors.push(error), {
      timeoutMs: 100,
    });
    await limiter.take('warm', windows(5, 100));
    const decision = limiter.take('late', windows(5, 100));
    // The event loop is held past the deadline; Redis answers meanwhile (into the socket).
    const until = performance.now() + 400;
    while (performance.now() < until) {
      // busy: a starved process
    }
    expect(await decision).toMatchObject({ allowed: true, remaining: 4 });
    expect(errors).toEqual([]);
    // Counted in Redis, where the other processes see it.
    expect(await redis!.keys(`${prefix}rl:late:minute:*`)).toHaveLength(1);
  });
});

describe('rate limits over HTTP', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ start: new Date('2026-11-22T10:00:00.000Z') });
  });
  afterAll(async () => {
    await h.close();
  });

  const create = (headers: Record<string, string>, gameId: number) =>
    h.inject({
      method: 'POST',
      url: '/api/org-api-keys?action=create-session',
      headers,
      payload: { game_id: gameId },
    });

  it('answers 429 with Retry-After, RateLimit headers and retry_after past the minute limit', async () => {
    const t = await makeTenant(h, { perMinute: 3, perDay: 100 });
    for (let i = 0; i < 3; i++) {
      const ok = await create(t.keyHeaders, t.gameIds[0]);
      expect(ok.statusCode).toBe(200);
      expect(ok.headers['ratelimit-limit']).toBe('3');
      expect(ok.headers['ratelimit-remaining']).toBe(String(2 - i));
    }
    h.clock.advance(10_000);
    const refused = await create(t.keyHeaders, t.gameIds[0]);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('50');
    expect(refused.headers['ratelimit-remaining']).toBe('0');
    expect(errorBody(refused)).toMatchObject({ code: 'rate_limited', retry_after: 50 });
    h.clock.advance(50_000);
    expect((await create(t.keyHeaders, t.gameIds[0])).statusCode).toBe(200);
  });

  it('answers 429 past the day limit even in a fresh minute', async () => {
    const t = await makeTenant(h, { perMinute: 100, perDay: 2 });
    expect((await create(t.keyHeaders, t.gameIds[0])).statusCode).toBe(200);
    expect((await create(t.keyHeaders, t.gameIds[0])).statusCode).toBe(200);
    h.clock.advance(60_000);
    const refused = await create(t.keyHeaders, t.gameIds[0]);
    expect(refused.statusCode).toBe(429);
    expect(errorBody(refused).error).toContain('per day');
  });

  it('counts each key on its own', async () => {
    const a = await makeTenant(h, { perMinute: 1, perDay: 100 });
    const b = await makeTenant(h, { perMinute: 1, perDay: 100 });
    expect((await create(a.keyHeaders, a.gameIds[0])).statusCode).toBe(200);
    expect((await create(a.keyHeaders, a.gameIds[0])).statusCode).toBe(429);
    expect((await create(b.keyHeaders, b.gameIds[0])).statusCode).toBe(200);
  });
});
