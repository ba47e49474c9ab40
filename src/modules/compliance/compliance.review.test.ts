import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePropertyTenant, type PropertyTenant } from '../../../test/factories.ts';
import { createHarness, expectError, type Harness, json } from '../../../test/harness.ts';
import type { ManualClock } from '../../lib/clock.ts';

// How far a STOP reaches (the property's revocation scope), the review of replies that read
// like an opt-out, and the allowance of refused inbound requests per client address.

let h: Harness;
const TOKEN = 'twilio-auth-token-review-0123';

beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
});

const sign = (url: string, params: Record<string, string>, token: string) =>
  createHmac('sha1', token)
    .update(
      url +
        Object.keys(params)
          .sort()
          .map((k) => k + params[k])
          .join(''),
    )
    .digest('base64');

/** A property with SMS set up, and one player with written consent for every program. */
async function smsProperty(settings: Record<string, unknown>) {
  const t = await makePropertyTenant(h);
  const phone = `+1212555${String(1000 + Math.floor(Math.random() * 8999))}`;
  const patch = await h.inject({
    method: 'PATCH',
    url: '/api/functions/compliance-settings',
    headers: t.keyHeaders,
    payload: { sms_auth_token: TOKEN, sms_program_name: 'Lucky Club SMS', ...settings },
  });
  expect(patch.statusCode, patch.body).toBe(200);
  const created = await h.inject({
    method: 'POST',
    url: '/api/players',
    headers: t.keyHeaders,
    payload: { player_id: 'p-1', phone },
  });
  expect(created.statusCode, created.body).toBe(201);
  for (const channel of ['sms', 'voice']) {
    const grant = await h.inject({
      method: 'POST',
      url: '/api/functions/record-consent',
      headers: t.keyHeaders,
      payload: {
        player_id: 'p-1',
        channel,
        consent_type: 'pewc',
        purpose: 'marketing',
        disclosure_version: 'v1',
        captured_at: new Date(h.clock.now().getTime() - 3_600_000).toISOString(),
      },
    });
    expect(grant.statusCode, grant.body).toBe(201);
  }
  return { t, phone };
}

async function reply(
  t: PropertyTenant,
  from: string,
  body: string,
  options: { token?: string; ip?: string; tick?: boolean } = {},
) {
  // A second between replies keeps records apart; the allowance test keeps the clock still so
  // its requests share one rate window.
  if (options.tick !== false) (h.clock as ManualClock).advance(1000);
  const path = `/api/sms/inbound/${t.property.id}`;
  const params = {
    From: from,
    To: '+17025550100',
    Body: body,
    MessageSid: `SM${randomBytes(16).toString('hex')}`,
  };
  return h.inject({
    method: 'POST',
    url: path,
    remoteAddress: options.ip ?? '127.0.0.1',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': sign(`http://playloop.test${path}`, params, options.token ?? TOKEN),
    },
    payload: new URLSearchParams(params).toString(),
  });
}

/** The decision for the player, a day ahead at 16:00 UTC (late morning in New York). */
async function decide(t: PropertyTenant, channel: 'sms' | 'voice', program?: string) {
  const sendAt = new Date(h.clock.now().getTime() + 86_400_000);
  sendAt.setUTCHours(16, 0, 0, 0);
  const response = await h.inject({
    method: 'POST',
    url: '/api/functions/tcpa-check',
    headers: t.keyHeaders,
    payload: {
      channel,
      purpose: 'marketing',
      ...(program ? { program } : {}),
      send_at: sendAt.toISOString(),
      recipients: [{ player_id: 'p-1' }],
    },
  });
  expect(response.statusCode, response.body).toBe(200);
  return json<{ data: { outcome: string; reasons: string[] }[] }>(response).data[0]!;
}

describe('revocation scope', () => {
  it("program (the default): STOP revokes the property's SMS program, not voice or another program", async () => {
    const { t, phone } = await smsProperty({});
    const settings = await h.inject({
      method: 'GET',
      url: '/api/functions/compliance-settings',
      headers: t.keyHeaders,
    });
    expect(json<{ data: { revocation_scope: string } }>(settings).data.revocation_scope).toBe(
      'program',
    );
    expect((await reply(t, phone, 'STOP')).body).toContain('unsubscribed from Lucky Club SMS');
    // A text naming no program is the property's program.
    expect(await decide(t, 'sms')).toMatchObject({ outcome: 'skip', reasons: ['revoked'] });
    expect(await decide(t, 'sms', 'Lucky Club SMS')).toMatchObject({ reasons: ['revoked'] });
    expect(await decide(t, 'sms', 'Poker Nights')).toMatchObject({ outcome: 'allow' });
    expect(await decide(t, 'voice')).toMatchObject({ outcome: 'allow' });
  });

  it('sender: STOP revokes every SMS and voice program of the property', async () => {
    const { t, phone } = await smsProperty({ revocation_scope: 'sender' });
    expect((await reply(t, phone, 'quit')).body).toContain('<Message>');
    expect(await decide(t, 'sms')).toMatchObject({ reasons: ['revoked'] });
    expect(await decide(t, 'sms', 'Poker Nights')).toMatchObject({ reasons: ['revoked'] });
    expect(await decide(t, 'voice')).toMatchObject({ reasons: ['revoked'] });
    // Already opted out that far: no second confirmation.
    expect((await reply(t, phone, 'STOP')).body).not.toContain('<Message>');
  });

  it('refuses a scope it does not know', async () => {
    const t = await makePropertyTenant(h);
    const response = await h.inject({
      method: 'PATCH',
      url: '/api/functions/compliance-settings',
      headers: t.keyHeaders,
      payload: { revocation_scope: 'everything' },
    });
    expectError(response, 400, 'validation_failed');
  });
});

describe('review of replies that read like an opt-out', () => {
  async function flagged(t: PropertyTenant) {
    const response = await h.inject({
      method: 'GET',
      url: '/api/inbound_messages?intent=eq.review&reviewed_at=is.null&order=received_at.asc',
      headers: t.keyHeaders,
    });
    expect(response.statusCode, response.body).toBe(200);
    return json<{ data: { id: string; body: string }[] }>(response).data;
  }
  const review = (
    t: PropertyTenant,
    id: string,
    outcome: string,
    headers: Record<string, string> = t.keyHeaders,
  ) =>
    h.inject({
      method: 'POST',
      url: '/api/functions/review-sms-reply',
      headers,
      payload: { id, outcome },
    });

  it('lists flagged replies; opt_out records the revocation, not_opt_out only closes', async () => {
    const { t, phone } = await smsProperty({});
    await reply(t, phone, 'please stop texting me');
    await reply(t, phone, 'can you stop by the desk');
    await reply(t, phone, 'HELP');
    const queue = await flagged(t);
    expect(queue.map((m) => m.body)).toEqual([
      'please stop texting me',
      'can you stop by the desk',
    ]);
    expect((await decide(t, 'sms')).outcome).toBe('allow');

    const notOptOut = await review(t, queue[1]!.id, 'not_opt_out');
    expect(notOptOut.statusCode, notOptOut.body).toBe(200);
    const settled = json<{ data: { review_outcome: string; reviewed_by: string } }>(notOptOut).data;
    expect(settled.review_outcome).toBe('not_opt_out');
    expect(settled.reviewed_by).toMatch(/^key:/);
    expect((await decide(t, 'sms')).outcome).toBe('allow');

    const optOut = await review(t, queue[0]!.id, 'opt_out');
    expect(optOut.statusCode, optOut.body).toBe(200);
    expect(await decide(t, 'sms')).toMatchObject({ outcome: 'skip', reasons: ['revoked'] });
    const revocations = await h.inject({
      method: 'GET',
      url: '/api/consents?action=eq.revoke',
      headers: t.keyHeaders,
    });
    const rows = json<{ data: { source: { method: string; inbound_message_id: string } }[] }>(
      revocations,
    ).data;
    expect(rows).toHaveLength(1);
    expect(rows[0]!.source).toMatchObject({
      method: 'sms_reply_reviewed',
      inbound_message_id: queue[0]!.id,
    });
    expect(await flagged(t)).toEqual([]);

    // Settled once: a second review, or a reply that was never flagged, is a conflict.
    expectError(await review(t, queue[0]!.id, 'not_opt_out'), 409, 'conflict');
    const all = await h.inject({
      method: 'GET',
      url: '/api/inbound_messages?intent=eq.help',
      headers: t.keyHeaders,
    });
    const help = json<{ data: { id: string }[] }>(all).data[0]!;
    expectError(await review(t, help.id, 'opt_out'), 409, 'conflict');
  });

  it('validates, authenticates, authorizes and keeps properties apart', async () => {
    const { t, phone } = await smsProperty({});
    await reply(t, phone, 'unsubscribe me please');
    const [message] = await flagged(t);
    expectError(await review(t, message!.id, 'maybe'), 400, 'validation_failed');
    expectError(await review(t, 'not-a-uuid', 'opt_out'), 400, 'validation_failed');
    expectError(await review(t, message!.id, 'opt_out', {}), 401, 'unauthorized');
    const reader = await makePropertyTenant(h, { scopes: ['read'] });
    expectError(await review(reader, message!.id, 'opt_out', reader.keyHeaders), 403, 'forbidden');
    const other = await makePropertyTenant(h);
    expectError(await review(other, message!.id, 'opt_out', other.keyHeaders), 404, 'not_found');
    expect(await flagged(other)).toEqual([]);
    // The table is the carrier's record: not written through /api/{table}.
    const write = await h.inject({
      method: 'PATCH',
      url: `/api/inbound_messages?id=eq.${message!.id}`,
      headers: t.keyHeaders,
      payload: { reviewed_at: new Date().toISOString() },
    });
    expectError(write, 400, 'validation_failed');
    expect(await flagged(t)).toHaveLength(1);
  });
});

describe('refused inbound requests per client address', () => {
  it('refuses an address after its allowance of refusals, and never counts signed replies', async () => {
    const { t, phone } = await smsProperty({});
    // Addresses of their own per run: on Redis the counters outlive the process.
    const net = () => randomBytes(2).toString('hex');
    const forger = `2001:db8:${net()}:${net()}::9`;
    const carrier = `2001:db8:${net()}:${net()}::4`;
    // Signed replies from the carrier's address, well past the allowance, all pass.
    for (let i = 0; i < 25; i++) {
      expect((await reply(t, phone, 'HELP', { ip: carrier, tick: false })).statusCode).toBe(200);
    }
    const limit = h.deps.config.inboundSmsRefusalsPerIp.limit;
    for (let i = 0; i < limit; i++) {
      expectError(
        await reply(t, phone, 'STOP', { ip: forger, token: 'wrong-token-0000', tick: false }),
        403,
        'forbidden',
      );
    }
    const refused = await reply(t, phone, 'STOP', {
      ip: forger,
      token: 'wrong-token-0000',
      tick: false,
    });
    expectError(refused, 429, 'rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // Even a well-signed request from that address waits: the address is refused before work.
    expectError(await reply(t, phone, 'STOP', { ip: forger, tick: false }), 429, 'rate_limited');
    expect((await reply(t, phone, 'HELP', { ip: carrier, tick: false })).statusCode).toBe(200);
    expect((await decide(t, 'sms')).outcome).toBe('allow');
  });
});
