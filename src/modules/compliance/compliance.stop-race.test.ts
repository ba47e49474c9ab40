import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePropertyTenant, type PropertyTenant } from '../../../test/factories.ts';
import { createHarness, type Harness, json } from '../../../test/harness.ts';
import { twilioSignature } from '../../adapters/sms/twilio.ts';

// STOP replies racing pre-send checks for one player: once the carrier has the answer to a STOP,
// no check that starts afterwards may allow a message, and the opt-out is confirmed once.

/** Wednesday 15 July 2026, noon in New York: inside every window, so only consent decides. */
const NOON = new Date('2026-07-15T16:00:00Z');
const TOKEN = `race-token-${randomBytes(8).toString('hex')}`;
const PHONE = '+12125550188';
const REQUESTS = 100;
/** Requests in flight at once: later ones start after earlier ones, STOPs among them, answer. */
const IN_FLIGHT = 25;
const STOP_AT = new Set([3, 15, 27, 40, 55, 70, 85]);

let h: Harness;
let t: PropertyTenant;

beforeAll(async () => {
  h = await createHarness({ start: NOON });
  t = await makePropertyTenant(h);
  const settings = await h.inject({
    method: 'PATCH',
    url: '/api/functions/compliance-settings',
    headers: t.keyHeaders,
    payload: { sms_auth_token: TOKEN },
  });
  expect(settings.statusCode, settings.body).toBe(200);
  const player = await h.inject({
    method: 'POST',
    url: '/api/players',
    headers: t.keyHeaders,
    payload: { player_id: 'racer', phone: PHONE },
  });
  expect(player.statusCode, player.body).toBe(201);
  const grant = await h.inject({
    method: 'POST',
    url: '/api/functions/record-consent',
    headers: t.keyHeaders,
    payload: {
      player_id: 'racer',
      channel: 'sms',
      consent_type: 'pewc',
      purpose: 'marketing',
      disclosure_version: 'sms-terms-v3',
      captured_at: '2026-07-01T12:00:00Z',
    },
  });
  expect(grant.statusCode, grant.body).toBe(201);
});

afterAll(async () => {
  await h.close();
});

async function check(): Promise<{ outcome: string; reasons: string[] }> {
  const response = await h.inject({
    method: 'POST',
    url: '/api/functions/tcpa-check',
    headers: t.keyHeaders,
    payload: { channel: 'sms', purpose: 'marketing', recipients: [{ player_id: 'racer' }] },
  });
  expect(response.statusCode, response.body).toBe(200);
  const { outcome, reasons } = json<{ data: { outcome: string; reasons: string[] }[] }>(response)
    .data[0]!;
  return { outcome, reasons };
}

async function stop(): Promise<string> {
  const path = `/api/sms/inbound/${t.property.id}`;
  const params = {
    From: PHONE,
    To: '+17025550100',
    Body: 'STOP',
    MessageSid: `SM${randomBytes(16).toString('hex')}`,
  };
  const response = await h.inject({
    method: 'POST',
    url: path,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilioSignature(TOKEN, `http://playloop.test${path}`, params),
    },
    payload: new URLSearchParams(params).toString(),
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.body;
}

describe('STOP racing the pre-send check', () => {
  it('allows nothing once a STOP is acknowledged, and confirms the opt-out once', async () => {
    expect(await check()).toEqual({ outcome: 'allow', reasons: [] });

    const checks: { startedAt: number; outcome: string; reasons: string[] }[] = [];
    const stops: { acknowledgedAt: number; body: string }[] = [];
    let next = 0;
    const lane = async () => {
      while (next < REQUESTS) {
        const i = next++;
        if (STOP_AT.has(i)) {
          const body = await stop();
          stops.push({ acknowledgedAt: performance.now(), body });
        } else {
          const startedAt = performance.now();
          checks.push({ startedAt, ...(await check()) });
        }
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, lane));

    expect(stops).toHaveLength(STOP_AT.size);
    expect(checks).toHaveLength(REQUESTS - STOP_AT.size);
    const firstAcknowledged = Math.min(...stops.map((s) => s.acknowledgedAt));
    const after = checks.filter((c) => c.startedAt > firstAcknowledged);
    // The race is real: many checks start after the first acknowledgement.
    expect(after.length).toBeGreaterThanOrEqual(IN_FLIGHT);
    expect(after.filter((c) => c.outcome !== 'skip' || c.reasons.join() !== 'revoked')).toEqual([]);
    expect(await check()).toEqual({ outcome: 'skip', reasons: ['revoked'] });

    // One confirmation; every other STOP is answered with an empty TwiML response.
    const confirmed = stops.filter((s) => s.body.includes('<Message>'));
    expect(confirmed).toHaveLength(1);
    expect(confirmed[0]!.body).toContain('You are unsubscribed');
    expect(stops.filter((s) => s.body.endsWith('<Response></Response>'))).toHaveLength(
      STOP_AT.size - 1,
    );
    // Each STOP is kept and recorded as a revocation of every program.
    const revocations = await h.deps.database.db
      .selectFrom('consents')
      .select(['program', 'purpose'])
      .where('property_id', '=', t.property.id)
      .where('address', '=', PHONE)
      .where('action', '=', 'revoke')
      .execute();
    expect(revocations).toEqual(
      Array.from({ length: STOP_AT.size }, () => ({ program: null, purpose: null })),
    );
    const inbound = await h.deps.database.db
      .selectFrom('inbound_messages')
      .select('intent')
      .where('property_id', '=', t.property.id)
      .where('from_address', '=', PHONE)
      .execute();
    expect(inbound).toEqual(Array.from({ length: STOP_AT.size }, () => ({ intent: 'opt_out' })));
  });
});
