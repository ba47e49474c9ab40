import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** 127.0.0.0/8 and ::1, also written as IPv4-mapped IPv6. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') || address === '::1';
}

/**
 * Whether a request may read the metrics. With METRICS_TOKEN, `Authorization: Bearer <token>`,
 * compared as digests in constant time (the answer time says nothing about the token). Without
 * it, only a client on this machine: route counts and campaign progress are not for the
 * internet, and a server started with HOST=0.0.0.0 and no token must not hand them out.
 */
export function metricsAllowed(
  token: string | undefined,
  authorization: string | undefined,
  clientAddress: string | undefined,
): boolean {
  if (token === undefined) return isLoopback(clientAddress);
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match?.[1]) return false;
  return timingSafeEqual(digest(match[1]), digest(token));
}
