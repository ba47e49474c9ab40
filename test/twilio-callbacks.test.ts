import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createTwilioSender,
  parseStatusCallback,
  statusRank,
  verifyTwilioRequest,
} from '../src/adapters/sms/twilio.ts';
import { makePropertyTenant } from './factories.ts';
import { createHarness, type Harness, json } from './harness.ts';
import { freePort, startTwilioServer, type TwilioServer } from './twilio-server.ts';
import { type Receiver, startReceiver } from './webhook-receiver.ts';

// What Twilio posts back: signed delivery statuses for messages the adapter sent, and a
// person's STOP reply reaching the running app over HTTP, as the local Twilio server posts them.

const FROM = '+17025550100';
const PHONE = '+12125550177';

let twilio: TwilioServer;
const closing: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  twilio = await startTwilioServer();
});

afterEach(async () => {
  await Promise.all(closing.splice(0).map((server) => server.close()));
});

afterAll(async () => {
  await twilio.close();
});

function sender(statusCallbackUrl: string) {
  return createTwilioSender({
    baseUrl: twilio.url,
    accountSid: twilio.accountSid,
    authToken: twilio.authToken,
    from: FROM,
    statusCallbackUrl,
    timeoutMs: 2000,
  });
}

async function receiver(handler?: Parameters<typeof startReceiver>[0]): Promise<Receiver> {
  const started = await startReceiver(handler);
  closing.push(started);
  return started;
}

describe('status callbacks', () => {
  it('arrive signed so that verifyTwilioRequest accepts them, and a tampered one is refused', async () => {
    const app = await receiver((_req, res) => res.writeHead(204).end());
    const callbackUrl = `${app.url}/api/sms/status/prop-1`;
    const sent = await sender(callbackUrl).send({
      to: PHONE,
      body: 'hi',
      idempotencyKey: 'msg-7',
    });
    const answers = await twilio.progress(sent.providerId, 'delivered');
    expect(answers.map((answer) => answer.status)).toEqual([204, 204, 204]);
    expect(app.received).toHaveLength(3);
    const updates = app.received.map((request) => {
      const params = Object.fromEntries(new URLSearchParams(request.body));
      const url = `${app.url}${request.path}`;
      const signature = request.headers['x-twilio-signature'] as string;
      expect(request.path).toBe('/api/sms/status/prop-1?ref=msg-7');
      expect(verifyTwilioRequest(twilio.authToken, url, params, signature)).toBe(true);
      // The same post with one field changed, another URL, another token or no signature.
      expect(
        verifyTwilioRequest(
          twilio.authToken,
          url,
          { ...params, MessageStatus: 'failed' },
          signature,
        ),
      ).toBe(false);
      expect(
        verifyTwilioRequest(
          twilio.authToken,
          url.replace('ref=msg-7', 'ref=msg-8'),
          params,
          signature,
        ),
      ).toBe(false);
      expect(verifyTwilioRequest('another-token', url, params, signature)).toBe(false);
      expect(verifyTwilioRequest(twilio.authToken, url, params, undefined)).toBe(false);
      expect(verifyTwilioRequest(twilio.authToken, url, params, signature.slice(1))).toBe(false);
      return parseStatusCallback(params);
    });
    expect(updates).toEqual([
      { providerId: sent.providerId, status: 'queued' },
      { providerId: sent.providerId, status: 'sent' },
      { providerId: sent.providerId, status: 'delivered' },
    ]);
  });

  it('carries the error code of an undelivered message', async () => {
    const app = await receiver((_req, res) => res.writeHead(200).end());
    const sent = await sender(`${app.url}/status`).send({
      to: PHONE,
      body: 'hi',
    });
    await twilio.progress(sent.providerId, 'undelivered');
    const last = Object.fromEntries(new URLSearchParams(app.received.at(-1)!.body));
    expect(last.ErrorCode).toBe('30003');
    expect(parseStatusCallback(last)).toEqual({
      providerId: sent.providerId,
      status: 'undelivered',
      errorCode: 30003,
    });
  });

  it('ignores statuses it does not track, and ranks the ones it does', () => {
    expect(parseStatusCallback({ MessageSid: 'SM1', MessageStatus: 'received' })).toBeNull();
    expect(parseStatusCallback({ MessageStatus: 'delivered' })).toBeNull();
    expect(parseStatusCallback({ MessageSid: 'SM1', MessageStatus: 'read' })).toEqual({
      providerId: 'SM1',
      status: 'delivered',
    });
    expect(statusRank('queued')).toBeLessThan(statusRank('sent'));
    expect(statusRank('sent')).toBeLessThan(statusRank('delivered'));
    expect(statusRank('undelivered')).toBe(statusRank('delivered'));
  });
});

describe('a STOP reply through the running app', () => {
  let h: Harness;
  let publicUrl: string;

  beforeAll(async () => {
    // Twilio signs the URL it posts to, and the app checks against PUBLIC_URL: the app listens
    // on a port chosen first, so that both name the same URL.
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    h = await createHarness({ config: { publicUrl } });
    await h.app.listen({ host: '127.0.0.1', port });
  });

  afterAll(async () => {
    await h.close();
  });

  it('revokes the consent, answers the confirmation as an SMS, and the pre-send check skips', async () => {
    const t = await makePropertyTenant(h);
    const settings = await h.inject({
      method: 'PATCH',
      url: '/api/functions/compliance-settings',
      headers: t.keyHeaders,
      payload: { sms_auth_token: twilio.authToken, sms_program_name: 'Lucky Club SMS' },
    });
    expect(settings.statusCode, settings.body).toBe(200);
    const player = await h.inject({
      method: 'POST',
      url: '/api/players',
      headers: t.keyHeaders,
      payload: { player_id: 'sms-e2e', phone: PHONE },
    });
    expect(player.statusCode, player.body).toBe(201);
    const grant = await h.inject({
      method: 'POST',
      url: '/api/functions/record-consent',
      headers: t.keyHeaders,
      payload: {
        player_id: 'sms-e2e',
        channel: 'sms',
        consent_type: 'pewc',
        purpose: 'marketing',
        disclosure_version: 'v1',
        captured_at: new Date(Date.now() - 3_600_000).toISOString(),
      },
    });
    expect(grant.statusCode, grant.body).toBe(201);
    const check = async () => {
      const response = await h.inject({
        method: 'POST',
        url: '/api/functions/tcpa-check',
        headers: t.keyHeaders,
        payload: {
          channel: 'sms',
          purpose: 'marketing',
          send_at: tomorrowAt16Utc(),
          recipients: [{ player_id: 'sms-e2e' }],
        },
      });
      return json<{ data: { outcome: string; reasons: string[] }[] }>(response).data[0]!;
    };
    expect((await check()).outcome).toBe('allow');

    const webhook = `${publicUrl}/api/sms/inbound/${t.property.id}`;
    // Another account's signature is refused and changes nothing.
    const stranger = await startTwilioServer();
    closing.push(stranger);
    const forged = await stranger.inbound(webhook, { from: PHONE, to: FROM, body: 'STOP' });
    expect(forged.status).toBe(403);
    expect((await check()).outcome).toBe('allow');

    const before = twilio.messages.length;
    const answer = await twilio.inbound(webhook, { from: PHONE, to: FROM, body: 'STOP' });
    expect(answer.status, answer.body).toBe(200);
    expect(answer.contentType).toContain('text/xml');
    expect(answer.body).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?><Response><Message>You are unsubscribed from Lucky Club SMS[^<]*<\/Message><\/Response>$/,
    );
    const confirmation = twilio.messages.slice(before);
    expect(confirmation).toHaveLength(1);
    expect(confirmation[0]).toMatchObject({ direction: 'outbound-reply', to: PHONE, from: FROM });
    expect(confirmation[0]!.body).toMatch(/^You are unsubscribed from Lucky Club SMS/);
    expect(await check()).toMatchObject({ outcome: 'skip', reasons: ['revoked'] });
  });
});

/** 16:00 UTC tomorrow: late morning in New York. */
function tomorrowAt16Utc(): string {
  const day = new Date(Date.now() + 86_400_000);
  day.setUTCHours(16, 0, 0, 0);
  return day.toISOString();
}
