import type { ThrottleRule } from '../config.ts';
import type { RateDecision, RateLimiter, RateWindow } from '../http/rate-limit.ts';
import { AppError } from './errors.ts';
import { sha256Hex } from './secrets.ts';

/** The rule's window; a scope makes its counter distinct from the subject's other windows. */
function ruleWindow(rule: ThrottleRule, scope = ''): RateWindow {
  const name = `${scope === '' ? '' : `${scope}:`}${rule.windowSeconds}s`;
  return { name, limit: rule.limit, windowMs: rule.windowSeconds * 1000 };
}

function windows(rule: ThrottleRule): RateWindow[] {
  return [ruleWindow(rule)];
}

function refusal(decision: RateDecision, message: string): AppError | undefined {
  return decision.allowed ? undefined : rateLimited(decision.retryAfterSeconds, message);
}

function rateLimited(seconds: number, message: string): AppError {
  return new AppError('rate_limited', `${message}; try again in ${seconds} s`, {
    retry_after: seconds,
  });
}

/** Counts one attempt against the rule; throws `rate_limited` (429) once it is used up. */
export async function countAttempt(
  limiter: RateLimiter,
  subject: string,
  rule: ThrottleRule,
  message: string,
): Promise<void> {
  const error = refusal(await limiter.take(subject, windows(rule)), message);
  if (error) throw error;
}

/**
 * Runs `work`, counting it against `rule` only when it fails (`failed(error)`), and refuses at
 * once (429) when the failures are used up. For public endpoints whose legitimate callers send
 * bursts from few addresses (a carrier, a mail provider): the allowance is peeked, not reserved
 * ahead as `takeAttempt` does, so valid requests in flight never refuse each other. The price:
 * concurrent failing requests can overshoot the allowance by their number in flight, so the work
 * before a failure must be cheap.
 */
export async function withFailureLimit<T>(
  limiter: RateLimiter,
  subject: string,
  rule: ThrottleRule,
  message: string,
  failed: (error: unknown) => boolean,
  work: () => Promise<T>,
): Promise<T> {
  const window = [ruleWindow(rule)];
  const before = await limiter.peek(subject, window);
  if (!before.allowed) throw rateLimited(before.retryAfterSeconds, message);
  try {
    return await work();
  } catch (error) {
    if (failed(error)) await limiter.take(subject, window);
    throw error;
  }
}

/** One limit of `takeAttempt`: a rule, under a scope of its own within the subject. */
export interface ScopedLimit {
  /** Distinguishes this limit's counter from the subject's others (e.g. a client address). */
  readonly scope: string;
  readonly rule: ThrottleRule;
  /** The 429's message when this limit refuses. */
  readonly message: string;
}

/** An attempt counted by `takeAttempt`; `release` gives it back (once). */
export interface TakenAttempt {
  release(): Promise<void>;
}

/**
 * Counts one attempt against every limit at once, or against none (one atomic `take`), BEFORE
 * the attempt is made, and throws `rate_limited` when a limit is used up. For limits on
 * outcomes (failed passwords): the caller releases the attempt when it succeeded. Checking
 * first and counting after the slow check would let concurrent attempts all pass the check.
 */
export async function takeAttempt(
  limiter: RateLimiter,
  subject: string,
  limits: readonly ScopedLimit[],
): Promise<TakenAttempt> {
  const scoped = limits.map((limit) => ({
    ...ruleWindow(limit.rule, limit.scope),
    message: limit.message,
  }));
  const decision = await limiter.take(subject, scoped);
  if (!decision.allowed) {
    const refusedBy = scoped.find((w) => w.name === decision.window);
    throw rateLimited(decision.retryAfterSeconds, refusedBy?.message ?? 'Too many attempts');
  }
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      await limiter.release(subject, scoped, decision.at);
    },
  };
}

/**
 * The throttling key of a client address. An IPv6 client controls a whole /64, so the /64 is
 * the client; IPv4-mapped IPv6 addresses count as their IPv4 address.
 */
export function ipSubject(ip: string): string {
  const address = (ip.split('%')[0] ?? '').toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(address);
  if (mapped) return mapped[1]!;
  if (!address.includes(':')) return address;
  const [head = '', tail] = address.split('::');
  const first = head ? head.split(':') : [];
  const last = tail ? tail.split(':') : [];
  const groups =
    tail === undefined
      ? first
      : [
          ...first,
          ...Array<string>(Math.max(0, 8 - first.length - last.length)).fill('0'),
          ...last,
        ];
  const prefix = groups.slice(0, 4).map((group) => Number.parseInt(group, 16));
  if (prefix.length < 4 || prefix.some((n) => Number.isNaN(n))) return address;
  return `${prefix.map((n) => n.toString(16)).join(':')}::/64`;
}

/** The throttling key of an account: its email, lower-cased, hashed so no address sits in Redis. */
export function accountSubject(email: string): string {
  return sha256Hex(email.trim().toLowerCase()).slice(0, 32);
}
