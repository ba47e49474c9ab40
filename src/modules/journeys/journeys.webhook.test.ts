import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePropertyTenant, type PropertyTenant, unique } from '../../../test/factories.ts';
import { createHarness, type Harness, json } from '../../../test/harness.ts';
import { settleJourneys } from '../../../test/journeys.ts';
import { type Receiver, startReceiver } from '../../../test/webhook-receiver.ts';
import { deliverDue } from '../webhooks/index.ts';

// The consent_changed trigger and the webhook step: a player's email opt-in enters a journey
// whose step posts a signed `journey.webhook` message to one of the property's endpoints.

let h: Harness;
let receiver: Receiver;
let t: PropertyTenant;
beforeAll(async () => {
  h = await createHarness();
  await h.deps.jobs.start();
  receiver = await startReceiver();
  t = await makePropertyTenant(h);
});
afterAll(async () => {
  await receiver.close();
  await h.close();
});

const call = (method: 'GET' | 'POST', url: string, payload?: object, tenant = t) =>
  h.inject({ method, url, headers: tenant.keyHeaders, ...(payload ? { payload } : {}) });

async function ok<T>(answer: ReturnType<typeof call>, status = 200): Promise<T> {
  const response = await answer;
  expect(response.statusCode, response.body).toBe(status);
  return json<{ data: T }>(response).data;
}

async function endpoint(tenant: PropertyTenant) {
  return ok<{ id: string; secret: string }>(
    call(
      'POST',
      '/api/webhooks',
      { url: `${receiver.url}/journey`, event_types: ['player.created'] },
      tenant,
    ),
    201,
  );
}

const graph = (endpointId: string) => ({
  trigger: { type: 'consent_changed', channel: 'email', action: 'grant' },
  entry: { rule: 'every_time' },
  start: 'notify',
  nodes: {
    notify: { type: 'webhook', endpoint_id: endpointId, next: 'done' },
    done: { type: 'exit' },
  },
});

async function consent(playerId: string, email: string, action: 'grant' | 'revoke') {
  await ok(
    call('POST', '/api/functions/record-consent', {
      consents: [
        {
          player_id: playerId,
          channel: 'email',
          address: email,
          action,
          ...(action === 'grant' ? { consent_type: 'email_opt_in', purpose: 'marketing' } : {}),
          captured_at: '2026-07-01T00:00:00Z',
        },
      ],
    }),
    201,
  );
}

describe('a consent_changed journey with a webhook step', () => {
  it("posts the player's opt-in to the endpoint, signed; a revocation enters no one", async () => {
    const target = await endpoint(t);
    const journey = await ok<{ id: string }>(
      call('POST', '/api/journeys', { name: unique('Opt-in hook'), graph: graph(target.id) }),
      201,
    );
    await ok(call('POST', `/api/journeys/${journey.id}/publish`));

    const email = `${unique('o')}@example.com`;
    const player = await ok<{ id: string }>(
      call('POST', '/api/players', { player_id: unique('w'), email, tier: 'gold' }),
      201,
    );
    await consent(player.id, email, 'revoke');
    await settleJourneys(h, { orgId: t.org.id, propertyId: t.property.id });
    expect((await ok<unknown[]>(call('GET', `/api/journeys/${journey.id}/runs`))).length).toBe(0);

    await consent(player.id, email, 'grant');
    await settleJourneys(h, { orgId: t.org.id, propertyId: t.property.id });
    const runs = await ok<{ id: string; status: string }[]>(
      call('GET', `/api/journeys/${journey.id}/runs`),
    );
    expect(runs).toHaveLength(1);
    expect(runs[0]!.status).toBe('exited');

    await deliverDue(h.deps, { orgId: t.org.id });
    const posted = receiver.received.filter((r) => r.path === '/journey');
    expect(posted).toHaveLength(1);
    const hook = posted[0]!;
    const verified = new Webhook(target.secret).verify(hook.body, {
      'webhook-id': String(hook.headers['webhook-id']),
      'webhook-timestamp': String(hook.headers['webhook-timestamp']),
      'webhook-signature': String(hook.headers['webhook-signature']),
    }) as { type: string; data: Record<string, unknown> };
    expect(verified.type).toBe('journey.webhook');
    expect(verified.data).toMatchObject({
      journey_id: journey.id,
      run_id: runs[0]!.id,
      node: 'notify',
      player: { id: player.id, tier: 'gold' },
      event: { channel: 'email', action: 'grant' },
    });
  });

  it("refuses to publish a webhook step naming another property's endpoint", async () => {
    const other = await makePropertyTenant(h);
    const theirs = await endpoint(other);
    const journey = await ok<{ id: string }>(
      call('POST', '/api/journeys', { name: unique('Foreign hook'), graph: graph(theirs.id) }),
      201,
    );
    const published = await call('POST', `/api/journeys/${journey.id}/publish`);
    expect(published.statusCode, published.body).toBe(400);
    expect(published.body).toContain('nodes.notify');
  });
});
