import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { OutboundRequest } from './webhooks.types.ts';

// Standard Webhooks (https://www.standardwebhooks.com): every delivery carries
//   webhook-id         the message id, the same on every retry (receivers deduplicate by it)
//   webhook-timestamp  unix seconds of this attempt (receivers refuse stale ones: replay guard)
//   webhook-signature  space-separated `v1,<base64 HMAC-SHA256(key, "${id}.${timestamp}.${body}")>`
// with key = the base64-decoded part of the `whsec_` secret. During a rotation window the header
// carries one signature per live secret, newest first, so receivers verifying with either the
// old or the new secret accept the message while they switch.

export const WEBHOOK_SECRET_PREFIX = 'whsec_';
/** Bytes of randomness in a new secret (the spec asks for 24 to 64). */
export const WEBHOOK_SECRET_BYTES = 32;
/** How long the previous secret keeps signing after a rotation. */
export const SECRET_ROTATION_WINDOW_MS = 24 * 60 * 60 * 1000;

const SECRET_PATTERN = /^whsec_[A-Za-z0-9+/]+={0,2}$/;

/** `whsec_` + base64 of 32 random bytes; shown once at creation and rotation. */
export function newWebhookSecret(): string {
  return `${WEBHOOK_SECRET_PREFIX}${randomBytes(WEBHOOK_SECRET_BYTES).toString('base64')}`;
}

/** A well-formed secret: `whsec_` + standard base64 of 24 to 64 bytes. */
export function isWebhookSecret(secret: string): boolean {
  if (!SECRET_PATTERN.test(secret)) return false;
  const body = secret.slice(WEBHOOK_SECRET_PREFIX.length);
  if (body.length % 4 !== 0) return false;
  const bytes = Buffer.from(body, 'base64').length;
  return bytes >= 24 && bytes <= 64;
}

export interface SecretSet {
  secret: string;
  /** The secret replaced by the last rotation, if any. */
  previousSecret?: string | null | undefined;
  /** When the previous secret stops signing (rotation time + the window). */
  previousSecretExpiresAt?: Date | null | undefined;
}

/** The secrets to sign with at `now`: the current one, then the previous one while it lives. */
export function liveSecrets(set: SecretSet, now: Date): string[] {
  const { secret, previousSecret, previousSecretExpiresAt } = set;
  if (previousSecret && previousSecretExpiresAt && previousSecretExpiresAt > now) {
    return [secret, previousSecret];
  }
  return [secret];
}

export interface SignatureHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

export interface SignInput {
  /** Message id: the same for every attempt of one message. */
  id: string;
  /** Time of this attempt. */
  timestamp: Date;
  /** The exact body bytes that will be sent. */
  body: string;
  /** Newest first; at least one. */
  secrets: readonly string[];
}

export function signatureHeaders({ id, timestamp, body, secrets }: SignInput): SignatureHeaders {
  if (secrets.length === 0) throw new Error('signatureHeaders needs at least one secret');
  const signatures = secrets.map((secret) => new Webhook(secret).sign(id, timestamp, body));
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
  };
}

/** The request with the three Standard Webhooks headers added for this attempt. */
export function signRequest(
  request: OutboundRequest,
  input: Omit<SignInput, 'body'>,
): OutboundRequest {
  return {
    ...request,
    headers: { ...request.headers, ...signatureHeaders({ ...input, body: request.body }) },
  };
}
