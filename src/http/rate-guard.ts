import type { FastifyReply } from 'fastify';
import type { Deps } from '../deps.ts';
import { AppError } from '../lib/errors.ts';
import type { RateDecision, RateWindow } from './rate-limit.ts';

/**
 * Counts one request of `subject` against `windows` (deps.rateLimiter) and answers like every
 * per-credential limit does: `RateLimit-Limit/Remaining/Reset` on every answer, and when refused
 * 429 rate_limited with `Retry-After` and `retry_after`. Used for dpk_ keys, pk_ keys and user
 * bearer tokens alike.
 */
export async function enforceRateLimit(
  deps: Deps,
  reply: FastifyReply,
  subject: string,
  windows: readonly RateWindow[],
): Promise<void> {
  const decision = await deps.rateLimiter.take(subject, windows);
  if (!decision.allowed) throw rateLimited(reply, decision);
  setRateHeaders(reply, decision);
}

/** `RateLimit-Limit/Remaining/Reset` of an allowed request. */
export function setRateHeaders(
  reply: FastifyReply,
  decision: RateDecision & { allowed: true },
): void {
  reply.header('RateLimit-Limit', decision.limit);
  reply.header('RateLimit-Remaining', decision.remaining);
  reply.header('RateLimit-Reset', decision.resetSeconds);
}

/** The 429 of a refused request, its headers set (`Retry-After` comes from `retry_after`). */
export function rateLimited(
  reply: FastifyReply,
  decision: RateDecision & { allowed: false },
): AppError {
  reply.header('RateLimit-Limit', decision.limit);
  reply.header('RateLimit-Remaining', 0);
  reply.header('RateLimit-Reset', decision.retryAfterSeconds);
  return new AppError(
    'rate_limited',
    `Rate limit exceeded: ${decision.limit} requests per ${decision.window}`,
    { retry_after: decision.retryAfterSeconds, window: decision.window },
  );
}

/** A user's bearer tokens together: `USER_RATE_LIMIT_PER_MINUTE` per user. */
export function enforceUserRateLimit(
  deps: Deps,
  reply: FastifyReply,
  userId: number,
): Promise<void> {
  return enforceRateLimit(deps, reply, `user:${userId}`, [
    { name: 'minute', limit: deps.config.userRateLimitPerMinute, windowMs: 60_000 },
  ]);
}
