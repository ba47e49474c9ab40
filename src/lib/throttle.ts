import type { ThrottleRule } from '../config.ts';
import type { RateDecision, RateLimiter, RateWindow } from '../http/rate-limit.ts';
import { AppError } from './errors.ts';
import { sha256Hex } from './secrets.ts';

function windows(rule: ThrottleRule): RateWindow[] {
  return [
    { name: `${rule.windowSeconds}s`, limit: rule.limit, windowMs: rule.windowSeconds * 1000 },
  ];
}

function refusal(decision: RateDecision, message: string): AppError | undefined {
  if (decision.allowed) return undefined;
  const seconds = decision.retryAfterSeconds;
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

/** Throws `rate_limited` when the rule is used up already, counting nothing. */
export async function checkLimit(
  limiter: RateLimiter,
  subject: string,
  rule: ThrottleRule,
  message: string,
): Promise<void> {
  const error = refusal(await limiter.peek(subject, windows(rule)), message);
  if (error) throw error;
}

/** Counts an attempt after the fact (a failure); a full window simply stays full. */
export async function countAfter(
  limiter: RateLimiter,
  subject: string,
  rule: ThrottleRule,
): Promise<void> {
  await limiter.take(subject, windows(rule));
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
