import type { Redis } from 'ioredis';
import type { Clock } from '../lib/clock.ts';

export interface RateWindow {
  /** Stable name of the window, part of the counter key ("minute", "day"). */
  readonly name: string;
  readonly limit: number;
  readonly windowMs: number;
}

export type RateDecision =
  | { allowed: true; limit: number; remaining: number; resetSeconds: number }
  | { allowed: false; window: string; limit: number; retryAfterSeconds: number };

export interface RateLimiter {
  /**
   * Counts one request against every window, or against none: a request refused by one window
   * consumes nothing from the others. Windows are fixed, aligned to the clock (UTC minute, day).
   */
  take(subject: string, windows: readonly RateWindow[]): Promise<RateDecision>;
  /**
   * What `take` would decide, counting nothing: for limits on outcomes (failed logins), which
   * are checked before the attempt and counted only after it failed.
   */
  peek(subject: string, windows: readonly RateWindow[]): Promise<RateDecision>;
  close(): Promise<void>;
}

function windowStart(nowMs: number, windowMs: number): number {
  return Math.floor(nowMs / windowMs) * windowMs;
}

function decide(
  nowMs: number,
  windows: readonly RateWindow[],
  counts: readonly number[],
  refusedIndex: number,
): RateDecision {
  if (refusedIndex >= 0) {
    const window = windows[refusedIndex]!;
    const reset = windowStart(nowMs, window.windowMs) + window.windowMs;
    return {
      allowed: false,
      window: window.name,
      limit: window.limit,
      retryAfterSeconds: Math.max(1, Math.ceil((reset - nowMs) / 1000)),
    };
  }
  // Report the window closest to refusing, as clients care about the tightest one.
  let best = { limit: 0, remaining: Number.POSITIVE_INFINITY, resetSeconds: 0 };
  windows.forEach((window, i) => {
    const remaining = Math.max(0, window.limit - (counts[i] ?? 0));
    if (remaining < best.remaining) {
      const reset = windowStart(nowMs, window.windowMs) + window.windowMs;
      best = { limit: window.limit, remaining, resetSeconds: Math.ceil((reset - nowMs) / 1000) };
    }
  });
  return { allowed: true, ...best };
}

/** Exact for one process; used when no REDIS_URL is configured and as Redis's fallback. */
export class MemoryRateLimiter implements RateLimiter {
  readonly #counters = new Map<string, { count: number; expiresAt: number }>();
  readonly #clock: Clock;
  #takesSinceSweep = 0;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  take(subject: string, windows: readonly RateWindow[]): Promise<RateDecision> {
    const nowMs = this.#clock.now().getTime();
    this.#sweep(nowMs);
    const keys = windows.map((w) => `${subject}:${w.name}:${windowStart(nowMs, w.windowMs)}`);
    const counts = keys.map((key) => {
      const entry = this.#counters.get(key);
      return entry && entry.expiresAt > nowMs ? entry.count : 0;
    });
    const refused = windows.findIndex((w, i) => counts[i]! >= w.limit);
    if (refused < 0) {
      keys.forEach((key, i) => {
        const w = windows[i]!;
        const expiresAt = windowStart(nowMs, w.windowMs) + w.windowMs;
        this.#counters.set(key, { count: counts[i]! + 1, expiresAt });
        counts[i] = counts[i]! + 1;
      });
    }
    return Promise.resolve(decide(nowMs, windows, counts, refused));
  }

  peek(subject: string, windows: readonly RateWindow[]): Promise<RateDecision> {
    const nowMs = this.#clock.now().getTime();
    const counts = windows.map((w) => {
      const entry = this.#counters.get(`${subject}:${w.name}:${windowStart(nowMs, w.windowMs)}`);
      return entry && entry.expiresAt > nowMs ? entry.count : 0;
    });
    const refused = windows.findIndex((w, i) => counts[i]! >= w.limit);
    return Promise.resolve(decide(nowMs, windows, counts, refused));
  }

  #sweep(nowMs: number): void {
    if (++this.#takesSinceSweep < 10_000) return;
    this.#takesSinceSweep = 0;
    for (const [key, entry] of this.#counters) {
      if (entry.expiresAt <= nowMs) this.#counters.delete(key);
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

// Checks every window first and increments only when all allow, in one atomic script.
// KEYS: one counter per window. ARGV: limit and ttl (ms) per window, in KEYS order.
const TAKE_SCRIPT = `
local counts = {}
for i = 1, #KEYS do
  local count = tonumber(redis.call('GET', KEYS[i]) or '0')
  if count >= tonumber(ARGV[i * 2 - 1]) then return {i, count} end
  counts[i] = count
end
for i = 1, #KEYS do
  counts[i] = redis.call('INCR', KEYS[i])
  if counts[i] == 1 then redis.call('PEXPIRE', KEYS[i], ARGV[i * 2]) end
end
table.insert(counts, 1, 0)
return counts
`;

type RedisWithTake = Redis & {
  playloopTake(keyCount: number, ...args: (string | number)[]): Promise<number[]>;
};

/**
 * Exact across every process sharing the Redis. When Redis cannot be reached the limiter
 * fails open to per-process counting (so each process still enforces the limits on its own
 * traffic) and logs the outage; see README "Rate limits".
 */
export class RedisRateLimiter implements RateLimiter {
  readonly #redis: RedisWithTake;
  readonly #prefix: string;
  readonly #clock: Clock;
  readonly #fallback: MemoryRateLimiter;
  readonly #onFallback: (error: unknown) => void;

  constructor(redis: Redis, prefix: string, clock: Clock, onFallback: (error: unknown) => void) {
    redis.defineCommand('playloopTake', { lua: TAKE_SCRIPT });
    this.#redis = redis as RedisWithTake;
    this.#prefix = prefix;
    this.#clock = clock;
    this.#fallback = new MemoryRateLimiter(clock);
    this.#onFallback = onFallback;
  }

  #keys(subject: string, windows: readonly RateWindow[], nowMs: number): string[] {
    return windows.map(
      (w) => `${this.#prefix}rl:${subject}:${w.name}:${windowStart(nowMs, w.windowMs)}`,
    );
  }

  async take(subject: string, windows: readonly RateWindow[]): Promise<RateDecision> {
    const nowMs = this.#clock.now().getTime();
    const keys = this.#keys(subject, windows, nowMs);
    // Counters live one window past their end, so a slow clock in one process cannot reopen them.
    const args = windows.flatMap((w) => [w.limit, w.windowMs * 2]);
    let reply: number[];
    try {
      reply = await this.#redis.playloopTake(keys.length, ...keys, ...args);
    } catch (error) {
      this.#onFallback(error);
      return this.#fallback.take(subject, windows);
    }
    const [refusedAt = 0, ...counts] = reply;
    return decide(nowMs, windows, counts, refusedAt - 1);
  }

  async peek(subject: string, windows: readonly RateWindow[]): Promise<RateDecision> {
    const nowMs = this.#clock.now().getTime();
    let counts: number[];
    try {
      const values = await this.#redis.mget(...this.#keys(subject, windows, nowMs));
      counts = values.map((value) => Number(value ?? 0));
    } catch (error) {
      this.#onFallback(error);
      return this.#fallback.peek(subject, windows);
    }
    const refused = windows.findIndex((w, i) => counts[i]! >= w.limit);
    return decide(nowMs, windows, counts, refused);
  }

  close(): Promise<void> {
    return this.#fallback.close();
  }
}
