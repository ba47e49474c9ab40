import { createHmac } from 'node:crypto';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import {
  isWebhookSecret,
  liveSecrets,
  newWebhookSecret,
  SECRET_ROTATION_WINDOW_MS,
  signatureHeaders,
  signRequest,
} from './webhooks.signing.ts';

/** The spec's HMAC, computed here without the package. */
function independentSignature(secret: string, id: string, timestamp: string, body: string): string {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
}

const body = JSON.stringify({
  event_type: 'play_complete',
  game_id: '163',
  stream_id: 453,
  score: 4200,
});

describe('webhook secrets', () => {
  it('are whsec_ and the base64 of 32 random bytes, different each time', () => {
    const a = newWebhookSecret();
    const b = newWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(a.slice(6), 'base64')).toHaveLength(32);
    expect(a).not.toBe(b);
    expect(isWebhookSecret(a)).toBe(true);
  });

  it('are refused when malformed or shorter than 24 bytes', () => {
    expect(isWebhookSecret(`whsec_${Buffer.alloc(24, 7).toString('base64')}`)).toBe(true);
    expect(isWebhookSecret(`whsec_${Buffer.alloc(23, 7).toString('base64')}`)).toBe(false);
    expect(isWebhookSecret(`whsec_${Buffer.alloc(65, 7).toString('base64')}`)).toBe(false);
    expect(isWebhookSecret(Buffer.alloc(32, 7).toString('base64'))).toBe(false);
    expect(isWebhookSecret('whsec_not base64!')).toBe(false);
    expect(isWebhookSecret('whsec_abc')).toBe(false);
  });
});

describe('signatureHeaders', () => {
  it('produces headers the standardwebhooks package verifies, and an HMAC computed independently', () => {
    const secret = newWebhookSecret();
    const timestamp = new Date();
    const headers = signatureHeaders({ id: 'msg_2b8f', timestamp, body, secrets: [secret] });

    expect(headers['webhook-id']).toBe('msg_2b8f');
    expect(headers['webhook-timestamp']).toBe(String(Math.floor(timestamp.getTime() / 1000)));
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
    expect(headers['webhook-signature']).toBe(
      `v1,${independentSignature(secret, 'msg_2b8f', headers['webhook-timestamp'], body)}`,
    );
  });

  it('fails verification when the body, id or secret differ', () => {
    const secret = newWebhookSecret();
    const headers = signatureHeaders({
      id: 'msg_1',
      timestamp: new Date(),
      body,
      secrets: [secret],
    });
    const wh = new Webhook(secret);
    expect(() => wh.verify(body.replace('4200', '4201'), { ...headers })).toThrow(
      WebhookVerificationError,
    );
    expect(() => wh.verify(body, { ...headers, 'webhook-id': 'msg_2' })).toThrow(
      WebhookVerificationError,
    );
    expect(() => new Webhook(newWebhookSecret()).verify(body, { ...headers })).toThrow(
      WebhookVerificationError,
    );
  });

  it('signs with both secrets during a rotation window, newest first, each verifying alone', () => {
    const oldSecret = newWebhookSecret();
    const newSecret = newWebhookSecret();
    const timestamp = new Date();
    const headers = signatureHeaders({
      id: 'msg_rot',
      timestamp,
      body,
      secrets: [newSecret, oldSecret],
    });
    const ts = headers['webhook-timestamp'];

    expect(headers['webhook-signature']).toBe(
      `v1,${independentSignature(newSecret, 'msg_rot', ts, body)} v1,${independentSignature(oldSecret, 'msg_rot', ts, body)}`,
    );
    expect(() => new Webhook(oldSecret).verify(body, { ...headers })).not.toThrow();
    expect(() => new Webhook(newSecret).verify(body, { ...headers })).not.toThrow();
  });

  it('uses the timestamp of the attempt, so a retry carries the same id and a fresh timestamp', () => {
    const secret = newWebhookSecret();
    const first = signatureHeaders({
      id: 'msg_r',
      timestamp: new Date(1_800_000_000_000),
      body,
      secrets: [secret],
    });
    const retry = signatureHeaders({
      id: 'msg_r',
      timestamp: new Date(1_800_000_005_000),
      body,
      secrets: [secret],
    });
    expect(retry['webhook-id']).toBe(first['webhook-id']);
    expect(retry['webhook-timestamp']).toBe('1800000005');
    expect(retry['webhook-signature']).not.toBe(first['webhook-signature']);
  });

  it('refuses to sign without a secret', () => {
    expect(() => signatureHeaders({ id: 'x', timestamp: new Date(), body, secrets: [] })).toThrow();
  });
});

describe('liveSecrets', () => {
  const rotatedAt = new Date('2026-12-06T12:00:00Z');
  const set = {
    secret: 'whsec_new',
    previousSecret: 'whsec_old',
    previousSecretExpiresAt: new Date(rotatedAt.getTime() + SECRET_ROTATION_WINDOW_MS),
  };

  it('keeps the previous secret until the window ends, then drops it', () => {
    expect(liveSecrets(set, rotatedAt)).toEqual(['whsec_new', 'whsec_old']);
    expect(liveSecrets(set, new Date(rotatedAt.getTime() + SECRET_ROTATION_WINDOW_MS - 1))).toEqual(
      ['whsec_new', 'whsec_old'],
    );
    expect(liveSecrets(set, new Date(rotatedAt.getTime() + SECRET_ROTATION_WINDOW_MS))).toEqual([
      'whsec_new',
    ]);
    expect(liveSecrets({ secret: 'whsec_new' }, rotatedAt)).toEqual(['whsec_new']);
  });
});

describe('signRequest', () => {
  it('adds the three headers over the exact body and keeps the others', () => {
    const secret = newWebhookSecret();
    const signed = signRequest(
      {
        method: 'POST',
        url: 'https://example.com/h',
        headers: { 'content-type': 'application/json' },
        body,
      },
      { id: 'evt_1', timestamp: new Date(), secrets: [secret] },
    );
    expect(signed.headers['content-type']).toBe('application/json');
    expect(signed.body).toBe(body);
    expect(() => new Webhook(secret).verify(signed.body, signed.headers)).not.toThrow();
  });
});
