import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePropertyTenant, type PropertyTenant } from '../../../test/factories.ts';
import { createHarness, expectError, type Harness, json } from '../../../test/harness.ts';
import type { ManualClock } from '../../lib/clock.ts';

// Replies by SMS through the carrier webhook: STOP, START, HELP, review, signatures.

let h: Harness;
let t: PropertyTenant;
const TOKEN = 'twilio-auth-token-0123456789';
const PHONE = '+12125550177';

beforeAll(async () => {
  h = await createHarness();
  t = await makePropertyTenant(h);
  const settings = await h.inject({
    method: 'PATCH',
    url: '/api/functions/compliance-settings',
    headers: t.keyHeaders,
    payload: { sms_auth_token: TOKEN, sms_program_name: 'Lucky Club SMS' },
  });
  expect(settings.statusCode, settings.body).toBe(200);
  expect(settings.body).not.toContain(TOKEN);
  expect(json<{ data: { sms_auth_token_set: boolean } }>(settings).data.sms_auth_token_set).toBe(
    true,
  );
  await h.inject({
    method: 'POST',
    url: '/api/players',
    headers: t.keyHeaders,
    payload: { player_id: 'sms-1', phone: PHONE },
  });
  const grant = await h.inject({
    method: 'POST',
    url: '/api/functions/record-consent',
    headers: t.keyHeaders,
    payload: {
      player_id: 'sms-1',
      channel: 'sms',
      consent_type: 'pewc',
      purpose: 'marketing',
      disclosure_version: 'v1',
      captured_at: new Date(Date.now() - 3_600_000).toISOString(),
    },
  });
  expect(grant.statusCode, grant.body).toBe(201);
});

afterAll(async () => {
  await h.close();
});

/** 16:00 UTC tomorrow: late morning in New York, after every record this file makes. */
function tomorrowAt16Utc(): string {
  const day = new Date(Date.now() + 86_400_000);
  day.setUTCHours(16, 0, 0, 0);
  return day.toISOString();
}

/** Twilio's signature, computed here: HMAC-SHA1 of the URL and the sorted name+value pairs. */
function sign(url: string, params: Record<string, string>, token = TOKEN): string {
  const data =
    url +
    Object.keys(params)
      .sort()
      .map((k) => k + params[k])
      .join('');
  return createHmac('sha1', token).update(data).digest('base64');
}

async function reply(
  body: string,
  options: { sid?: string; token?: string; propertyId?: string } = {},
) {
  // Each reply a second after the last: a revocation and a grant at the same instant resolve to
  // the revocation (the stricter reading), so the test keeps them apart as real replies are.
  (h.clock as ManualClock).advance(1000);
  const path = `/api/sms/inbound/${options.propertyId ?? t.property.id}`;
  const params = {
    From: PHONE,
    To: '+17025550100',
    Body: body,
    MessageSid: options.sid ?? `SM${randomBytes(16).toString('hex')}`,
  };
  return h.inject({
    method: 'POST',
    url: path,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': sign(`http://playloop.test${path}`, params, options.token),
    },
    payload: new URLSearchParams(params).toString(),
  });
}

async function outcome(): Promise<{ outcome: string; reasons: string[] }> {
  const response = await h.inject({
    method: 'POST',
    url: '/api/functions/tcpa-check',
    headers: t.keyHeaders,
    payload: {
      channel: 'sms',
      purpose: 'marketing',
      send_at: tomorrowAt16Utc(),
      recipients: [{ player_id: 'sms-1' }],
    },
  });
  const decision = json<{ data: { outcome: string; reasons: string[] }[] }>(response).data[0]!;
  return decision;
}

describe('inbound SMS', () => {
  it('opts out on STOP at once, confirms once, and START restores the consent', async () => {
    expect((await outcome()).outcome).toBe('allow');
    const stop = await reply('  Stop. ');
    expect(stop.statusCode, stop.body).toBe(200);
    expect(stop.headers['content-type']).toContain('text/xml');
    expect(stop.body).toContain('<Message>You are unsubscribed from Lucky Club SMS');
    expect(stop.body).not.toMatch(/offer|bonus|win/i);
    expect((await outcome()).reasons).toEqual(['revoked']);
    // A second STOP records again but sends no second confirmation.
    const again = await reply('STOP');
    expect(again.body).not.toContain('<Message>');
    const start = await reply('start');
    expect(start.body).toContain('resubscribed');
    expect((await outcome()).outcome).toBe('allow');
  });

  it('handles a carrier retry of the same message once', async () => {
    // Unique per run: the PostgreSQL test database keeps earlier runs' rows.
    const sid = `SM${randomBytes(16).toString('hex')}`;
    const first = await reply('UNSUBSCRIBE', { sid });
    const retry = await reply('UNSUBSCRIBE', { sid });
    expect(first.body).toContain('<Message>');
    expect(retry.body).not.toContain('<Message>');
    const rows = await h.deps.database.db
      .selectFrom('inbound_messages')
      .select('id')
      .where('property_id', '=', t.property.id)
      .where('message_sid', '=', sid)
      .execute();
    expect(rows).toHaveLength(1);
    await reply('UNSTOP');
  });

  it('answers HELP with the help text, and keeps free text for review without opting out', async () => {
    expect((await reply('help')).body).toContain('Lucky Club SMS: Msg &#38; data rates may apply');
    const free = await reply('please stop it');
    expect(free.body).not.toContain('<Message>');
    expect((await outcome()).outcome).toBe('allow');
    const flagged = await h.deps.database.db
      .selectFrom('inbound_messages')
      .select(['intent', 'body'])
      .where('property_id', '=', t.property.id)
      .where('intent', '=', 'review')
      .execute();
    expect(flagged).toEqual([{ intent: 'review', body: 'please stop it' }]);
    // A sentence containing the word is not a keyword.
    await reply('Stopping by later');
    expect((await outcome()).outcome).toBe('allow');
  });

  it('refuses a request not signed with the property token', async () => {
    expectError(await reply('STOP', { token: 'another-token-000000' }), 403, 'forbidden');
    expectError(
      await reply('STOP', { propertyId: '00000000-0000-4000-8000-000000000000' }),
      403,
      'forbidden',
    );
    expectError(await reply('STOP', { propertyId: 'not-a-uuid' }), 403, 'forbidden');
    const wrongType = await h.inject({
      method: 'POST',
      url: `/api/sms/inbound/${t.property.id}`,
      headers: { 'content-type': 'application/json' },
      payload: { From: PHONE, Body: 'STOP' },
    });
    expect(wrongType.statusCode).toBe(415);
    expect((await outcome()).outcome).toBe('allow');
  });
});
