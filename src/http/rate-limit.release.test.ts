import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
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
const redis = process.env.TEST_REDIS_URL ? new Redis(process.env.TEST_REDIS_URL) : undefined;
const prefix = `playloop:test:${randomBytes(6).toString('hex')}:`;
if (redis) {
  limiters.push(['Redis', (clock) => new RedisRateLimiter(redis, prefix, clock, () => {})]);
}
afterAll(() => redis?.disconnect());

const start = () => new ManualClock(new Date('2026-11-22T10:00:00.000Z'));
const newSubject = () => `s-${randomBytes(4).toString('hex')}`;

async function takeAt(limiter: RateLimiter, subject: string, perMinute: number, perDay: number) {
  const decision = await limiter.take(subject, windows(perMinute, perDay));
  if (!decision.allowed) throw new Error(`refused by ${decision.window}`);
  return decision.at;
}

describe.each(limiters)('%s limiter release', (_name, make) => {
  it('gives one count back to every window', async () => {
    const limiter = make(start());
    const subject = newSubject();
    await takeAt(limiter, subject, 2, 3);
    const at = await takeAt(limiter, subject, 2, 3);
    expect(await limiter.take(subject, windows(2, 3))).toMatchObject({ window: 'minute' });
    await limiter.release(subject, windows(2, 3), at);
    expect(await limiter.peek(subject, windows(2, 3))).toMatchObject({
      allowed: true,
      remaining: 1,
    });
    // Both windows got it back: the minute allows one more, and so does the day (3 - 2).
    expect((await limiter.take(subject, windows(2, 3))).allowed).toBe(true);
    expect(await limiter.take(subject, windows(2, 3))).toMatchObject({ allowed: false });
  });

  it('never goes below zero', async () => {
    const limiter = make(start());
    const subject = newSubject();
    const at = await takeAt(limiter, subject, 2, 100);
    for (let i = 0; i < 5; i++) await limiter.release(subject, windows(2, 100), at);
    // Releasing more than was taken buys nothing: still exactly 2 in the minute.
    expect((await limiter.take(subject, windows(2, 100))).allowed).toBe(true);
    expect((await limiter.take(subject, windows(2, 100))).allowed).toBe(true);
    expect(await limiter.take(subject, windows(2, 100))).toMatchObject({ window: 'minute' });
    // Releasing a subject that never took anything creates nothing either.
    const other = newSubject();
    await limiter.release(other, windows(1, 100), at);
    expect((await limiter.take(other, windows(1, 100))).allowed).toBe(true);
    expect((await limiter.take(other, windows(1, 100))).allowed).toBe(false);
  });

  it('gives back to the window the count was taken in, not the one that is open now', async () => {
    const clock = start();
    const limiter = make(clock);
    const subject = newSubject();
    clock.advance(59_000);
    const before = await takeAt(limiter, subject, 1, 100);
    clock.advance(2_000);
    // A new minute: one count in it, then the release of the old minute's count.
    await takeAt(limiter, subject, 1, 100);
    await limiter.release(subject, windows(1, 100), before);
    expect(await limiter.take(subject, windows(1, 100))).toMatchObject({ window: 'minute' });
  });

  it('keeps concurrent take-then-release exact', async () => {
    const limiter = make(start());
    const subject = newSubject();
    // 200 attempts at 50: each taken one is released again, so in-flight never exceeds 50 and
    // at the end nothing is left counted.
    const results = await Promise.all(
      Array.from({ length: 200 }, async () => {
        const d = await limiter.take(subject, windows(50, 1000));
        if (d.allowed) await limiter.release(subject, windows(50, 1000), d.at);
        return d.allowed;
      }),
    );
    expect(results.filter(Boolean).length).toBeGreaterThanOrEqual(50);
    expect(await limiter.peek(subject, windows(50, 1000))).toMatchObject({
      allowed: true,
      remaining: 50,
    });
  });
});

if (redis) {
  it('does not leave a counter without an expiry in Redis', async () => {
    const limiter = new RedisRateLimiter(redis, prefix, start(), () => {});
    const subject = newSubject();
    await limiter.release(subject, windows(1, 1), start().now().getTime());
    expect(await redis.keys(`${prefix}rl:${subject}:*`)).toEqual([]);
    const at = await takeAt(limiter, subject, 2, 2);
    await limiter.release(subject, windows(2, 2), at);
    const keys = await redis.keys(`${prefix}rl:${subject}:*`);
    expect(keys).toHaveLength(2);
    for (const key of keys) {
      expect(await redis.get(key)).toBe('0');
      expect(await redis.pttl(key)).toBeGreaterThan(0);
    }
  });
}

describe('Redis limiter release when Redis is down', () => {
  const silent = useSilentRedis({ enableAutoPipelining: true });

  it('releases in-process, like take falls back in-process', async () => {
    const { limiter, errors } = silent.limiter(start(), { timeoutMs: 100, pauseMs: 60_000 });
    // The first call waits for the deadline; the rest are decided in-process while paused.
    const at = await takeAt(limiter, 's', 1, 100);
    expect(await limiter.take('s', windows(1, 100))).toMatchObject({ allowed: false });
    await limiter.release('s', windows(1, 100), at);
    expect((await limiter.take('s', windows(1, 100))).allowed).toBe(true);
    expect(errors).toHaveLength(1);
  });
});
