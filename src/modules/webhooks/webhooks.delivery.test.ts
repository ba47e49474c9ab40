import { createHmac, randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../lib/clock.ts';
import { EventConsumers } from '../events/events.dispatch.ts';
import { drainEvents } from '../../../test/events.ts';
import { makePropertyTenant, type PropertyTenant } from '../../../test/factories.ts';
import { createHarness, expectError, type Harness, json } from '../../../test/harness.ts';
import { type Receiver, startReceiver } from '../../../test/webhook-receiver.ts';
import { attemptJobId, deliverDue, sweepOverdue, webhookFanout } from './index.ts';
import { sql } from 'kysely';
import { RETRY_DELAYS_MS } from './webhooks.schedule.ts';

// PlayerOS webhook delivery end to end, on a simulated clock: a player change → its event →
// the fan-out consumer → messages → attempts against a local receiver.

const SECOND = 1000;
const HOUR = 3_600_000;

let h: Harness;
let clock: ManualClock;
let receiver: Receiver;
/** What the receiver answers next. */
let answer: { status: number; body?: string } = { status: 200 };

beforeAll(async () => {
  h = await createHarness();
  clock = h.clock as ManualClock;
  await h.deps.jobs.start();
  receiver = await startReceiver((_req, res) => {
    res.statusCode = answer.status;
    res.end(answer.body ?? 'ok');
  });
});

afterAll(async () => {
  await receiver.close();
  await h.close();
});

beforeEach(() => {
  answer = { status: 200 };
  receiver.received.length = 0;
  clock.set(new Date());
});

interface Created {
  id: string;
  secret: string;
}

async function createEndpoint(
  t: PropertyTenant,
  body: Record<string, unknown> = {},
): Promise<Created> {
  const response = await h.inject({
    method: 'POST',
    url: '/api/webhooks',
    headers: t.keyHeaders,
    payload: { url: `${receiver.url}/hooks`, event_types: ['player.created'], ...body },
  });
  expect(response.statusCode, response.body).toBe(201);
  return json<{ data: Created }>(response).data;
}

/** Hands the tenant's committed events to the fan-out, as a worker's dispatcher would. */
async function dispatch(t: PropertyTenant): Promise<void> {
  const consumers = new EventConsumers();
  consumers.register('webhooks.fanout', webhookFanout(h.deps));
  await drainEvents(h, t.org.id, consumers);
}

async function addPlayer(t: PropertyTenant, email = 'ana@example.test'): Promise<void> {
  const response = await h.inject({
    method: 'POST',
    url: '/api/players',
    headers: t.keyHeaders,
    payload: { email, first_name: 'Ana' },
  });
  expect(response.statusCode, response.body).toBe(201);
}

async function messages(t: PropertyTenant, endpointId: string) {
  const response = await h.inject({
    method: 'GET',
    url: `/api/webhooks/${endpointId}/messages`,
    headers: t.keyHeaders,
  });
  expect(response.statusCode, response.body).toBe(200);
  return json<{
    data: {
      id: string;
      status: string;
      attempts: number;
      last_attempt: { http_status: number } | null;
    }[];
  }>(response).data;
}

/** Standard Webhooks v1 signature, computed here without the package. */
function independentSignature(secret: string, id: string, timestamp: string, body: string): string {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

describe('webhook delivery', () => {
  it('delivers a player event signed per Standard Webhooks, checked two ways', async () => {
    const t = await makePropertyTenant(h);
    const endpoint = await createEndpoint(t);
    await addPlayer(t);
    await dispatch(t);
    expect(await deliverDue(h.deps, { orgId: t.org.id })).toEqual(['delivered']);

    expect(receiver.received).toHaveLength(1);
    const request = receiver.received[0]!;
    expect(request.path).toBe('/hooks');
    const headers = request.headers as Record<string, string>;
    // The package's verification (it also checks the timestamp is recent).
    const verified = new Webhook(endpoint.secret).verify(request.body, headers) as {
      type: string;
      property_id: string;
      data: { player: { email: string } };
    };
    expect(verified.type).toBe('player.created');
    expect(verified.property_id).toBe(t.property.id);
    expect(verified.data.player.email).toBe('ana@example.test');
    // And an HMAC computed independently.
    expect(headers['webhook-signature']).toBe(
      independentSignature(
        endpoint.secret,
        headers['webhook-id']!,
        headers['webhook-timestamp']!,
        request.body,
      ),
    );
    expect(headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);

    const log = await messages(t, endpoint.id);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ id: headers['webhook-id'], status: 'delivered', attempts: 1 });
    expect(log[0]!.last_attempt?.http_status).toBe(200);
  });

  it('sends only subscribed types, and nothing to another property', async () => {
    const t = await makePropertyTenant(h);
    const other = await makePropertyTenant(h);
    await createEndpoint(t, { event_types: ['player.deleted'] });
    const otherEndpoint = await createEndpoint(other);
    await addPlayer(t);
    await dispatch(t);
    await dispatch(other);
    expect(await deliverDue(h.deps, { orgId: t.org.id })).toEqual([]);
    expect(receiver.received).toHaveLength(0);
    expect(await messages(other, otherEndpoint.id)).toHaveLength(0);
  });

  it('fans an event out once even when the consumer runs again', async () => {
    const t = await makePropertyTenant(h);
    const endpoint = await createEndpoint(t);
    await addPlayer(t);
    const [event] = await h.deps.database.db
      .selectFrom('events')
      .select(['id', 'seq', 'type', 'version', 'occurred_at', 'org_id', 'property_id', 'payload'])
      .where('property_id', '=', t.property.id)
      .execute();
    const fanout = webhookFanout(h.deps);
    const dispatched = {
      seq: event!.seq,
      id: event!.id,
      type: event!.type,
      version: event!.version,
      occurredAt: event!.occurred_at,
      orgId: event!.org_id,
      propertyId: event!.property_id,
      payload: event!.payload,
    };
    for (let i = 0; i < 3; i++) {
      await h.deps.database.db.transaction().execute((trx) => fanout(dispatched, trx));
    }
    expect(await messages(t, endpoint.id)).toHaveLength(1);
  });

  it('retries on the schedule with the same webhook-id, then gives up', async () => {
    const t = await makePropertyTenant(h);
    const endpoint = await createEndpoint(t);
    answer = { status: 503, body: 'x'.repeat(10_000) };
    await addPlayer(t);
    await dispatch(t);
    const start = clock.now().getTime();
    expect(await deliverDue(h.deps, { orgId: t.org.id })).toEqual(['retrying']);
    const times = [start];
    for (let attempt = 1; attempt < RETRY_DELAYS_MS.length; attempt++) {
      const delay = RETRY_DELAYS_MS[attempt]!;
      clock.advance(delay - SECOND);
      expect(
        await deliverDue(h.deps, { orgId: t.org.id }),
        `attempt ${attempt + 1} is not due yet`,
      ).toEqual([]);
      clock.advance(SECOND);
      const last = attempt === RETRY_DELAYS_MS.length - 1;
      expect(await deliverDue(h.deps, { orgId: t.org.id })).toEqual([last ? 'failed' : 'retrying']);
      times.push(clock.now().getTime());
    }
    clock.advance(24 * HOUR);
    expect(await deliverDue(h.deps, { orgId: t.org.id })).toEqual([]);

    expect(receiver.received).toHaveLength(8);
    const ids = new Set(receiver.received.map((r) => r.headers['webhook-id']));
    expect(ids.size).toBe(1);
    const [message] = await messages(t, endpoint.id);
    expect(message).toMatchObject({ status: 'failed', attempts: 8 });
    const detail = json<{
      data: {
        attempts_log: {
          attempted_at: string;
          response_body: string;
          response_truncated: boolean;
        }[];
      };
    }>(
      await h.inject({
        method: 'GET',
        url: `/api/webhooks/${endpoint.id}/messages/${message!.id}`,
        headers: t.keyHeaders,
      }),
    ).data;
    expect(detail.attempts_log.map((a) => Date.parse(a.attempted_at))).toEqual(times);
    expect(detail.attempts_log[0]!.response_truncated).toBe(true);
    expect(detail.attempts_log[0]!.response_body.length).toBeLessThanOrEqual(4096);
  });

  it('disables the endpoint on 410 and records why', async () => {
    const t = await makePropertyTenant(h);
    const endpoint = await createEndpoint(t);
    answer = { status: 410 };
    await addPlayer(t);
    await dispatch(t);
    expect(await deliverDue(h.deps, { orgId: t.org.id })).toEqual(['failed']);
    const got = json<{ data: { enabled: boolean; disabled_reason: string } }>(
      await h.inject({ method: 'GET', url: `/api/webhooks/${endpoint.id}`, headers: t.keyHeaders }),
    ).data;
    expect(got).toMatchObject({ enabled: false, disabled_reason: 'gone' });
    const events = await h.deps.database.db
      .selectFrom('events')
      .select(['type', 'payload'])
      .where('property_id', '=', t.property.id)
      .where('type', '=', 'webhook.disabled')
      .execute();
    expect(events).toHaveLength(1);
    expect(events[0]!.payload).toMatchObject({ endpoint_id: endpoint.id, reason: 'gone' });
    // New events make no message for a disabled endpoint.
    answer = { status: 200 };
    await addPlayer(t, 'second@example.test');
    await dispatch(t);
    expect(await deliverDue(h.deps, { orgId: t.org.id })).toEqual([]);
  });

  it('disables an endpoint failing for five days', async () => {
    const t = await makePropertyTenant(h);
    const endpoint = await createEndpoint(t);
    answer = { status: 500 };
    await addPlayer(t, 'a@example.test');
    await dispatch(t);
    expect(await deliverDue(h.deps, { orgId: t.org.id })).toEqual(['retrying']);
    clock.advance(5 * 24 * HOUR);
    await addPlayer(t, 'b@example.test');
    await dispatch(t);
    await deliverDue(h.deps, { orgId: t.org.id });
    const got = json<{ data: { enabled: boolean; disabled_reason: string } }>(
      await h.inject({ method: 'GET', url: `/api/webhooks/${endpoint.id}`, headers: t.keyHeaders }),
    ).data;
    expect(got).toMatchObject({ enabled: false, disabled_reason: 'failing' });
  });

  it('a success clears the failure run', async () => {
    const t = await makePropertyTenant(h);
    const endpoint = await createEndpoint(t);
    answer = { status: 500 };
    await addPlayer(t, 'a@example.test');
    await dispatch(t);
    await deliverDue(h.deps, { orgId: t.org.id });
    answer = { status: 200 };
    clock.advance(5 * SECOND);
    expect(await deliverDue(h.deps, { orgId: t.org.id })).toEqual(['delivered']);
    clock.advance(6 * 24 * HOUR);
    answer = { status: 500 };
    await addPlayer(t, 'b@example.test');
    await dispatch(t);
    expect(await deliverDue(h.deps, { orgId: t.org.id })).toEqual(['retrying']);
    const got = json<{ data: { enabled: boolean } }>(
      await h.inject({ method: 'GET', url: `/api/webhooks/${endpoint.id}`, headers: t.keyHeaders }),
    ).data;
    expect(got.enabled).toBe(true);
  });

  it('signs with both secrets during a rotation, then with the new one only', async () => {
    const t = await makePropertyTenant(h);
    const endpoint = await createEndpoint(t);
    const rotated = json<{ data: { secret: string; previous_secret_expires_at: string } }>(
      await h.inject({
        method: 'POST',
        url: `/api/webhooks/${endpoint.id}/rotate-secret`,
        headers: t.keyHeaders,
      }),
    ).data;
    expect(rotated.secret).not.toBe(endpoint.secret);
    await addPlayer(t, 'a@example.test');
    await dispatch(t);
    await deliverDue(h.deps, { orgId: t.org.id });
    const during = receiver.received[0]!;
    expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
    new Webhook(endpoint.secret).verify(during.body, during.headers as Record<string, string>);
    new Webhook(rotated.secret).verify(during.body, during.headers as Record<string, string>);

    clock.advance(25 * HOUR);
    await addPlayer(t, 'b@example.test');
    await dispatch(t);
    await deliverDue(h.deps, { orgId: t.org.id });
    const after = receiver.received[1]!;
    expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
    new Webhook(rotated.secret).verify(after.body, after.headers as Record<string, string>);
    expect(() =>
      new Webhook(endpoint.secret).verify(after.body, after.headers as Record<string, string>),
    ).toThrow();
  });

  it('replays one message with its webhook-id, and refuses a queued one', async () => {
    const t = await makePropertyTenant(h);
    const endpoint = await createEndpoint(t);
    await addPlayer(t);
    await dispatch(t);
    await deliverDue(h.deps, { orgId: t.org.id });
    const [message] = await messages(t, endpoint.id);
    const replay = () =>
      h.inject({
        method: 'POST',
        url: `/api/webhooks/${endpoint.id}/messages/${message!.id}/replay`,
        headers: t.keyHeaders,
      });
    expect((await replay()).statusCode).toBe(202);
    expectError(await replay(), 409, 'conflict');
    expect(await deliverDue(h.deps, { orgId: t.org.id })).toEqual(['delivered']);
    expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual([
      message!.id,
      message!.id,
    ]);
    const detail = json<{ data: { attempts_log: { trigger: string }[] } }>(
      await h.inject({
        method: 'GET',
        url: `/api/webhooks/${endpoint.id}/messages/${message!.id}`,
        headers: t.keyHeaders,
      }),
    ).data;
    expect(detail.attempts_log.map((a) => a.trigger)).toEqual(['schedule', 'replay']);
  });

  it('resends everything failed since a time', async () => {
    const t = await makePropertyTenant(h);
    const endpoint = await createEndpoint(t);
    await h.inject({
      method: 'POST',
      url: `/api/webhooks/${endpoint.id}/disable`,
      headers: t.keyHeaders,
    });
    // Disabled: the events of this time make no message at all. Enable, then let three fail.
    await h.inject({
      method: 'POST',
      url: `/api/webhooks/${endpoint.id}/enable`,
      headers: t.keyHeaders,
    });
    const since = clock.now().toISOString();
    for (const email of ['a@example.test', 'b@example.test', 'c@example.test']) {
      await addPlayer(t, email);
    }
    await dispatch(t);
    answer = { status: 500 };
    await h.inject({
      method: 'POST',
      url: `/api/webhooks/${endpoint.id}/disable`,
      headers: t.keyHeaders,
    });
    expect(await deliverDue(h.deps, { orgId: t.org.id })).toEqual([
      'skipped',
      'skipped',
      'skipped',
    ]);
    expect(receiver.received).toHaveLength(0);
    await h.inject({
      method: 'POST',
      url: `/api/webhooks/${endpoint.id}/enable`,
      headers: t.keyHeaders,
    });
    answer = { status: 200 };
    const resent = await h.inject({
      method: 'POST',
      url: `/api/webhooks/${endpoint.id}/resend-failed`,
      headers: t.keyHeaders,
      payload: { since },
    });
    expect(resent.statusCode, resent.body).toBe(202);
    expect(json<{ data: unknown }>(resent).data).toEqual({ requeued: 3, more: false });
    expect(await deliverDue(h.deps, { orgId: t.org.id })).toEqual([
      'delivered',
      'delivered',
      'delivered',
    ]);
    expect((await messages(t, endpoint.id)).every((m) => m.status === 'delivered')).toBe(true);
  });

  it('sends a test message to the endpoint only, throttled', async () => {
    const t = await makePropertyTenant(h);
    const endpoint = await createEndpoint(t);
    const test = () =>
      h.inject({ method: 'POST', url: `/api/webhooks/${endpoint.id}/test`, headers: t.keyHeaders });
    const first = await test();
    expect(first.statusCode, first.body).toBe(202);
    expect(await deliverDue(h.deps, { orgId: t.org.id })).toEqual(['delivered']);
    const body = new Webhook(endpoint.secret).verify(
      receiver.received[0]!.body,
      receiver.received[0]!.headers as Record<string, string>,
    ) as { type: string; data: { endpoint_id: string } };
    expect(body).toMatchObject({ type: 'webhook.test', data: { endpoint_id: endpoint.id } });
    for (let i = 1; i < 5; i++) expect((await test()).statusCode).toBe(202);
    expectError(await test(), 429, 'rate_limited');
  });

  it('records a refused address at delivery as a failure', async () => {
    const t = await makePropertyTenant(h);
    const endpoint = await createEndpoint(t);
    await addPlayer(t);
    await dispatch(t);
    // The install stops allowing private networks after the endpoint was made.
    const { createWebhookSender } = await import('./webhooks.sender.ts');
    const strict = {
      ...h.deps,
      webhookSender: createWebhookSender({ allowPrivateNetworks: false }),
    };
    expect(await deliverDue(strict, { orgId: t.org.id })).toEqual(['retrying']);
    expect(receiver.received).toHaveLength(0);
    const [message] = await messages(t, endpoint.id);
    const detail = json<{ data: { attempts_log: { error_kind: string; error: string }[] } }>(
      await h.inject({
        method: 'GET',
        url: `/api/webhooks/${endpoint.id}/messages/${message!.id}`,
        headers: t.keyHeaders,
      }),
    ).data;
    expect(detail.attempts_log[0]).toMatchObject({ error_kind: 'refused_url' });
  });

  it('re-sends only the jobs that were lost, once a minute', async () => {
    const t = await makePropertyTenant(h);
    const endpoint = await createEndpoint(t);
    await addPlayer(t);
    await dispatch(t);
    const [message] = await messages(t, endpoint.id);
    const row = await h.deps.database.db
      .selectFrom('webhook_messages')
      .select(['id', 'attempts', 'next_attempt_at'])
      .where('id', '=', message!.id)
      .executeTakeFirstOrThrow();
    clock.advance(60 * SECOND);
    // Its job still waits in the queue (no worker here): nothing to re-send.
    expect(await sweepOverdue(h.deps, { orgId: t.org.id })).toBe(0);
    // The job is gone (as if its worker died after taking it): re-sent, once this minute.
    await sql`UPDATE pgboss.job SET state = 'active'
               WHERE name = 'webhooks.deliver' AND id = ${attemptJobId({ ...row, next_attempt_at: row.next_attempt_at! })}::uuid`.execute(
      h.deps.database.db,
    );
    expect(await sweepOverdue(h.deps, { orgId: t.org.id })).toBe(1);
    expect(await sweepOverdue(h.deps, { orgId: t.org.id })).toBe(0);
    expect(await deliverDue(h.deps, { orgId: t.org.id })).toEqual(['delivered']);
    expect(await sweepOverdue(h.deps, { orgId: t.org.id })).toBe(0);
  });

  it('records a message that cannot be built as a failed attempt, without retrying', async () => {
    const t = await makePropertyTenant(h);
    const endpoint = await createEndpoint(t);
    const id = `msg_${randomBytes(16).toString('hex')}`;
    await h.deps.database.db
      .insertInto('webhook_messages')
      .values({
        id,
        org_id: t.org.id,
        property_id: t.property.id,
        endpoint_id: endpoint.id,
        event_type: 'player.created',
        payload: JSON.stringify({ not: 'an envelope' }),
        status: 'pending',
        next_attempt_at: clock.now(),
      })
      .execute();
    expect(await deliverDue(h.deps, { orgId: t.org.id })).toEqual(['failed']);
    const attempt = await h.deps.database.db
      .selectFrom('webhook_attempts')
      .select(['error_kind', 'error'])
      .where('message_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(attempt.error_kind).toBe('unsendable');
    expect(receiver.received).toHaveLength(0);
  });
});
