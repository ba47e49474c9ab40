import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createConnection, linkStream } from '../../../test/connections.ts';
import { makeTenant, type Tenant } from '../../../test/factories.ts';
import { createHarness, type Harness, json } from '../../../test/harness.ts';
import { activeStream, completePlay, startPlay, viewOf } from '../../../test/play.ts';
import { type Receiver, startReceiver } from '../../../test/webhook-receiver.ts';
import { EventConsumers } from '../events/events.dispatch.ts';
import { drainEvents } from '../../../test/events.ts';
import { deliverDue, webhookFanout } from '../webhooks/index.ts';

// End to end: a play of a stream → its events → the fan-out → one message per linked, enabled
// connection whose link selects the trigger → an attempt against a local receiver, signed per
// Standard Webhooks with the connection's secret, and the connection's delivery log.

let h: Harness;
let receiver: Receiver;
beforeAll(async () => {
  h = await createHarness();
  await h.deps.jobs.start();
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
  await h.close();
});
beforeEach(() => {
  receiver.received.length = 0;
});

interface Campaign {
  t: Tenant;
  stream: { id: number; slug: string };
  gameId: number;
  connection: { id: number; signing_secret: string | null };
}

/** A tenant with an Active stream of one game and a webhook connection to the receiver. */
async function campaign(): Promise<Campaign> {
  const t = await makeTenant(h);
  const gameId = t.gameIds[0];
  const stream = await activeStream(h, t, [gameId], { name: 'Summer Campaign' });
  const connection = await createConnection(h, t, {
    provider: 'webhook',
    url: `${receiver.url}/dailyplay`,
    auth_header_name: 'Authorization',
    auth_header_value: 'Bearer crm-token',
  });
  return { t, stream, gameId, connection };
}

/** A player opens the public stream link and plays its game to the end. */
async function playOnce(c: Campaign): Promise<void> {
  const player = randomUUID();
  const page = await h.inject({
    method: 'GET',
    url: `/stream/${c.t.org.slug}/${c.stream.slug}`,
    cookies: { pl_player: player },
  });
  const started = await startPlay(h, viewOf(page).start!, player);
  expect(started.statusCode, started.body).toBe(200);
  await completePlay(h, json<{ data: { play: { id: number } } }>(started).data.play.id, player);
}

/** Hands the tenant's committed events to the fan-out, as a worker's dispatcher would. */
async function dispatch(t: Tenant): Promise<void> {
  const consumers = new EventConsumers();
  consumers.register('webhooks.fanout', webhookFanout(h.deps));
  await drainEvents(h, t.org.id, consumers);
}

interface LoggedMessage {
  id: string;
  event_type: string;
  status: string;
  attempts: number;
  last_attempt: { http_status: number | null; url: string } | null;
}

async function deliveryLog(c: Campaign): Promise<LoggedMessage[]> {
  const response = await h.inject({
    method: 'GET',
    url: `/api/connections/${c.connection.id}/messages?org_id=${c.t.org.id}`,
    headers: c.t.owner.auth,
  });
  expect(response.statusCode, response.body).toBe(200);
  return json<{ data: LoggedMessage[] }>(response).data;
}

describe('connection delivery', () => {
  it("delivers a play_complete to a linked webhook connection: DailyPlay's JSON, signed", async () => {
    const c = await campaign();
    await linkStream(h, c.t, c.stream.id, c.connection.id, ['play_complete']);
    await playOnce(c);
    await dispatch(c.t);
    expect(await deliverDue(h.deps, { orgId: c.t.org.id })).toEqual(['delivered']);

    expect(receiver.received).toHaveLength(1);
    const request = receiver.received[0]!;
    expect(request).toMatchObject({ method: 'POST', path: '/dailyplay' });
    const headers = request.headers as Record<string, string>;
    expect(headers.authorization).toBe('Bearer crm-token');
    expect(headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
    // The package verifies the signature with the secret shown at creation, and the timestamp.
    const payload = new Webhook(c.connection.signing_secret!).verify(request.body, headers) as {
      score: unknown;
      player_uuid: unknown;
    };
    expect(payload).toMatchObject({
      event_type: 'play_complete',
      game_id: String(c.gameId),
      stream_id: c.stream.id,
      stream_slug: c.stream.slug,
      stream_name: 'Summer Campaign',
      outcome: 'finished',
    });
    expect(typeof payload.score).toBe('number');
    expect(typeof payload.player_uuid).toBe('string');

    const log = await deliveryLog(c);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      id: headers['webhook-id'],
      event_type: 'play.completed',
      status: 'delivered',
      attempts: 1,
      last_attempt: { http_status: 200, url: `${receiver.url}/dailyplay` },
    });
    const one = await h.inject({
      method: 'GET',
      url: `/api/connections/${c.connection.id}/messages/${log[0]!.id}?org_id=${c.t.org.id}`,
      headers: c.t.owner.auth,
    });
    expect(json<{ data: { attempts_log: unknown[] } }>(one).data.attempts_log).toHaveLength(1);
  });

  it('sends a replayed message again with the same webhook-id', async () => {
    const c = await campaign();
    await linkStream(h, c.t, c.stream.id, c.connection.id, ['play_complete']);
    await playOnce(c);
    await dispatch(c.t);
    await deliverDue(h.deps, { orgId: c.t.org.id });
    const [message] = await deliveryLog(c);
    const replay = await h.inject({
      method: 'POST',
      url: `/api/connections/${c.connection.id}/messages/${message!.id}/replay`,
      headers: c.t.owner.auth,
      payload: { org_id: c.t.org.id },
    });
    expect(replay.statusCode, replay.body).toBe(202);
    expect(await deliverDue(h.deps, { orgId: c.t.org.id })).toEqual(['delivered']);
    expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual([
      message!.id,
      message!.id,
    ]);
  });

  it('sends nothing for a trigger the link does not select', async () => {
    const c = await campaign();
    await linkStream(h, c.t, c.stream.id, c.connection.id, ['prize_redemption']);
    await playOnce(c);
    await dispatch(c.t);
    expect(await deliverDue(h.deps, { orgId: c.t.org.id })).toEqual([]);
    expect(receiver.received).toHaveLength(0);
    expect(await deliveryLog(c)).toEqual([]);
  });

  it('sends nothing to a disabled connection', async () => {
    const c = await campaign();
    await linkStream(h, c.t, c.stream.id, c.connection.id, ['play_start', 'play_complete']);
    const disabled = await h.inject({
      method: 'POST',
      url: `/api/connections/${c.connection.id}/disable`,
      headers: c.t.owner.auth,
      payload: { org_id: c.t.org.id },
    });
    expect(disabled.statusCode, disabled.body).toBe(200);
    await playOnce(c);
    await dispatch(c.t);
    expect(await deliverDue(h.deps, { orgId: c.t.org.id })).toEqual([]);
    expect(receiver.received).toHaveLength(0);
    expect(await deliveryLog(c)).toEqual([]);
  });

  it('sends each selected trigger of the stream once', async () => {
    const c = await campaign();
    await linkStream(h, c.t, c.stream.id, c.connection.id, ['stream_access', 'play_start']);
    await playOnce(c);
    await dispatch(c.t);
    expect(await deliverDue(h.deps, { orgId: c.t.org.id })).toEqual(['delivered', 'delivered']);
    const types = receiver.received.map(
      (r) => (JSON.parse(r.body) as { event_type: string }).event_type,
    );
    expect(types.sort()).toEqual(['play_start', 'stream_access']);
  });
});
