import type { Redis } from 'ioredis';
import type { Clock } from '../lib/clock.ts';

export interface RateWindow {
  /** Stable name of the window, part of the counter key ("minute", "day"). */
  readonly name: string;
  readonly limit: number;
  readonly windowMs: number;
}

export type RateDecision =
  | {
      allowed: true;
      limit: number;
      remaining: number;
      resetSeconds: number;
      /** The clock time (epoch ms) the request was counted at; `release` needs it. */
      at: number;
    }
  | { allowed: false; window: string; limit: number; retryAfterSeconds: number };

export interface RateLimiter {
  /**
   * Counts one request against every window, or against none: a request refused by one window
   * consumes nothing from the others. Windows are fixed, aligned to the clock (UTC minute, day).
   */
  take(subject: string, windows: readonly RateWindow[]): Promise<RateDecision>;
  /**
   * What `take` would decide, counting nothing. Not for guarding an attempt: concurrent attempts
   * would all pass the same peek; take before the attempt and `release` instead.
   */
  peek(subject: string, windows: readonly RateWindow[]): Promise<RateDecision>;
  /**
   * Gives back one count that `take` took at `at` (its decision's `at`) from every window, never
   * going below zero. For limits on outcomes: the attempt is taken before the slow check, so
   * concurrent attempts cannot all pass a peek, and released when it turned out to succeed.
   */
  release(subject: string, windows: readonly RateWindow[], at: number): Promise<void>;
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
  return { allowed: true, ...best, at: nowMs };
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

  release(subject: string, windows: readonly RateWindow[], at: number): Promise<void> {
    const nowMs = this.#clock.now().getTime();
    for (const w of windows) {
      const entry = this.#counters.get(`${subject}:${w.name}:${windowStart(at, w.windowMs)}`);
      if (entry && entry.expiresAt > nowMs && entry.count > 0) entry.count -= 1;
    }
    return Promise.resolve();
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

// Decrements every counter that is above zero, in one atomic script; a missing (expired)
// counter stays missing, so nothing is created without a TTL. KEYS: one counter per window.
const RELEASE_SCRIPT = `
for i = 1, #KEYS do
  local count = tonumber(redis.call('GET', KEYS[i]) or '0')
  if count > 0 then redis.call('DECR', KEYS[i]) end
end
return 1
`;

type RedisWithTake = Redis & {
  playloopTake(keyCount: number, ...args: (string | number)[]): Promise<number[]>;
  playloopRelease(keyCount: number, ...keys: string[]): Promise<number>;
};

/**
 * How long one Redis call may take before the request is decided in-process instead (the
 * default of REDIS_LIMIT_TIMEOUT_MS).
 */
export const REDIS_TIMEOUT_MS = 500;
/** After a call timed out, Redis is skipped this long; then one call probes it again. */
export const REDIS_PAUSE_MS = 1000;

class RedisTimeout extends Error {}

/**
 * Exact across every process sharing the Redis. When Redis cannot be reached the limiter
 * fails open to per-process counting (so each process still enforces the limits on its own
 * traffic) and logs the outage; see README "Rate limits".
 *
 * A Redis that is connected but silent (stopped, partitioned, stuck in a slow command) is
 * unreachable too: the client has no deadline of its own, so without `timeoutMs` every limited
 * request would wait for it indefinitely. After a timeout Redis is left alone for `pauseMs`
 * (no commands pile up on the silent connection), then a single call probes it.
 */
export class RedisRateLimiter implements RateLimiter {
  readonly #redis: RedisWithTake;
  readonly #prefix: string;
  readonly #clock: Clock;
  readonly #fallback: MemoryRateLimiter;
  readonly #onFallback: (error: unknown) => void;
  readonly #timeoutMs: number;
  readonly #pauseMs: number;
  /** performance.now() until which Redis is skipped; 0 while it answers. Not the domain clock. */
  #pausedUntil = 0;
  #probing = false;

  constructor(
    redis: Redis,
    prefix: string,
    clock: Clock,
    onFallback: (error: unknown) => void,
    options: { timeoutMs?: number; pauseMs?: number } = {},
  ) {
    redis.defineCommand('playloopTake', { lua: TAKE_SCRIPT });
    redis.defineCommand('playloopRelease', { lua: RELEASE_SCRIPT });
    this.#redis = redis as RedisWithTake;
    this.#prefix = prefix;
    this.#clock = clock;
    this.#fallback = new MemoryRateLimiter(clock);
    this.#onFallback = onFallback;
    this.#timeoutMs = options.timeoutMs ?? REDIS_TIMEOUT_MS;
    this.#pauseMs = options.pauseMs ?? REDIS_PAUSE_MS;
  }

  /**
   * One Redis call within the deadline; undefined when it failed, timed out or was skipped
   * because Redis is paused (the caller then decides in-process).
   */
  async #call<T>(run: () => Promise<T>): Promise<T | undefined> {
    let probe = false;
    if (this.#pausedUntil !== 0) {
      if (this.#probing || performance.now() < this.#pausedUntil) return undefined;
      probe = this.#probing = true;
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        run(),
        new Promise<never>((_, reject) => {
          // The deadline yields once to I/O before it rules (setImmediate runs after the poll
          // phase): when a busy process wakes late, an answer already received is used rather
          // than counted as a timeout, which would wrongly decide in-process.
          timer = setTimeout(
            () =>
              setImmediate(() =>
                reject(new RedisTimeout(`Redis did not answer within ${this.#timeoutMs} ms`)),
              ),
            this.#timeoutMs,
          );
        }),
      ]);
      this.#pausedUntil = 0;
      return result;
    } catch (error) {
      if (probe || error instanceof RedisTimeout) {
        this.#pausedUntil = performance.now() + this.#pauseMs;
      }
      this.#onFallback(error);
      return undefined;
    } finally {
      clearTimeout(timer);
      if (probe) this.#probing = false;
    }
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
    const reply = await this.#call(() => this.#redis.playloopTake(keys.length, ...keys, ...args));
    if (!reply) return this.#fallback.take(subject, windows);
    const [refusedAt = 0, ...counts] = reply;
    return decide(nowMs, windows, counts, refusedAt - 1);
  }

  async peek(subject: string, windows: readonly RateWindow[]): Promise<RateDecision> {
    const nowMs = this.#clock.now().getTime();
    const values = await this.#call(() => this.#redis.mget(...this.#keys(subject, windows, nowMs)));
    if (!values) return this.#fallback.peek(subject, windows);
    const counts = values.map((value) => Number(value ?? 0));
    const refused = windows.findIndex((w, i) => counts[i]! >= w.limit);
    return decide(nowMs, windows, counts, refused);
  }

  async release(subject: string, windows: readonly RateWindow[], at: number): Promise<void> {
    const keys = this.#keys(subject, windows, at);
    const reply = await this.#call(() => this.#redis.playloopRelease(keys.length, ...keys));
    if (reply === undefined) await this.#fallback.release(subject, windows, at);
  }

  close(): Promise<void> {
    return this.#fallback.close();
  }
}
