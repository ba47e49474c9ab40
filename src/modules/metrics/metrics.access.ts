import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Whether an Authorization header may read the metrics: any, when no METRICS_TOKEN is set (the
 * endpoint must then not be reachable from outside: docs/deploy.md), else `Bearer <token>`.
 * Compared as digests in constant time, so the answer time says nothing about the token.
 */
export function metricsAllowed(token: string | undefined, authorization: string | undefined) {
  if (token === undefined) return true;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match?.[1]) return false;
  return timingSafeEqual(digest(match[1]), digest(token));
}
