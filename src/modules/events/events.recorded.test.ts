import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsOf, expectCatalogValid, onlyEvent } from '../../../test/events.ts';
import { makePropertyTenant, makeTenant, type Tenant } from '../../../test/factories.ts';
import { createHarness, type Harness, json } from '../../../test/harness.ts';
import {
  activeStream,
  prizeWheel,
  sessionToken,
  startPlay,
  voucherSet,
} from '../../../test/play.ts';
import { deliverCampaign } from '../campaigns/campaigns.deliver.ts';
import { recordMessageOutcome } from '../campaigns/campaigns.messages.ts';
import { planCampaign } from '../campaigns/campaigns.plan.ts';
import { createGame } from '../games/index.ts';
import { importPlayers } from '../players/index.ts';
import { createEndpoint, deliverDue, sendTestMessage } from '../webhooks/index.ts';
import { startReceiver } from '../../../test/webhook-receiver.ts';
import { EVENT_TYPES } from './index.ts';

// Every event type of the catalog, written by the real HTTP or service path, with `data`
// valid against the catalog's schema (test/events.ts) and no secret in it.

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
});

const seen = new Set<string>();
const org = (t: Tenant) => ({ orgId: t.org.id });

async function expectEvent(tenant: { orgId?: number; propertyId?: string }, type: string) {
  const event = await onlyEvent(h, tenant, type as (typeof EVENT_TYPES)[number]);
  seen.add(type);
  return event;
}

async function streamOf(t: Tenant) {
  const stream = await activeStream(h, t, [t.gameIds[0]]);
  const row = await h.deps.database.db
    .selectFrom('streams')
    .select(['name', 'slug'])
    .where('id', '=', stream.id)
    .executeTakeFirstOrThrow();
  return { id: stream.id, ...row };
}

describe('session events', () => {
  it('records session.created and session.consumed (via api) without the token', async () => {
    const t = await makeTenant(h);
    const stream = await streamOf(t);
    const token = await sessionToken(h, t, {
      stream_id: stream.id,
      external_ref: 'casino-7',
      metadata: { player_id: '100234', property_id: 'p-1' },
    });
    const created = await expectEvent(org(t), 'session.created');
    expect(created).toMatchObject({ org_id: t.org.id, property_id: null, version: 1 });
    expect(created.data).toMatchObject({
      game_id: null,
      stream_id: stream.id,
      stream_slug: stream.slug,
      stream_name: stream.name,
      external_ref: 'casino-7',
      metadata: { player_id: '100234', property_id: 'p-1' },
      api_key_id: t.keyId,
    });

    const consumed = await h.inject({
      method: 'POST',
      url: '/api/org-api-keys?action=consume-session',
      payload: { token, player_uuid: 'uuid-1' },
    });
    expect(consumed.statusCode).toBe(200);
    const event = await expectEvent(org(t), 'session.consumed');
    expect(event.data).toMatchObject({
      session_id: created.data.session_id,
      via: 'api',
      player_uuid: 'uuid-1',
      stream_slug: stream.slug,
      external_ref: 'casino-7',
    });
    const all = JSON.stringify(await eventsOf(h, org(t)));
    expect(all).not.toContain(token);
  });

  it('records session.revoked', async () => {
    const t = await makeTenant(h);
    const token = await sessionToken(h, t, { game_id: t.gameIds[0] });
    const revoked = await h.inject({
      method: 'POST',
      url: '/api/org-api-keys?action=revoke-session',
      headers: t.keyHeaders,
      payload: { token },
    });
    expect(revoked.statusCode, revoked.body).toBe(200);
    const event = await expectEvent(org(t), 'session.revoked');
    expect(event.data).toMatchObject({ game_id: t.gameIds[0], stream_id: null, stream_slug: null });
  });
});

describe('stream and play events', () => {
  it('records stream.accessed for a public link with its link parameters and utm', async () => {
    const t = await makeTenant(h);
    const stream = await streamOf(t);
    const page = await h.inject({
      method: 'GET',
      url: `/stream/${t.org.slug}/${stream.slug}?braze_id=bz-1&user_id=u-9&utm_source=mail`,
    });
    expect(page.statusCode).toBe(200);
    const cookie = page.cookies.find((c) => c.name === 'pl_player')?.value;
    const event = await expectEvent(org(t), 'stream.accessed');
    expect(event.data).toMatchObject({
      stream_id: stream.id,
      stream_slug: stream.slug,
      stream_name: stream.name,
      entry: 'public_link',
      availability: 'open',
      player_uuid: cookie,
      // Unsigned: not believed as the player's id, but passed on as sent.
      external_id: null,
      link: { braze_id: 'bz-1', user_id: 'u-9' },
      utm: { utm_source: 'mail' },
      session_id: null,
    });
  });

  it('records stream.accessed for a session link, play.started, play.completed and session.consumed (via play)', async () => {
    const t = await makeTenant(h);
    const game = await createGame(h.deps, t.org.id, {
      title: 'Memory',
      template: 'memory-match',
      config: { pairs: 2, duration_s: 30 },
    });
    const stream = await activeStream(h, t, [game.id]);
    const token = await sessionToken(h, t, {
      stream_id: stream.id,
      external_ref: 'casino-8',
      metadata: { player_id: '42' },
    });
    const player = randomUUID();
    const page = await h.inject({
      method: 'GET',
      url: `/play/stream/${stream.id}?session_token=${token}`,
      cookies: { pl_player: player },
    });
    expect(page.statusCode).toBe(200);
    const accessed = await expectEvent(org(t), 'stream.accessed');
    expect(accessed.data).toMatchObject({
      entry: 'session_link',
      player_uuid: player,
      external_id: 'casino-8',
      metadata: { player_id: '42' },
      link: {},
      utm: {},
    });

    const started = await startPlay(h, { session_token: token, stream_id: stream.id }, player);
    expect(started.statusCode, started.body).toBe(200);
    const playId = json<{ data: { play: { id: number } } }>(started).data.play.id;
    const consumed = await expectEvent(org(t), 'session.consumed');
    expect(consumed.data).toMatchObject({ via: 'play', player_uuid: player });
    const start = await expectEvent(org(t), 'play.started');
    expect(start.data).toMatchObject({
      play_id: playId,
      game_id: game.id,
      stream_id: stream.id,
      session_id: accessed.data.session_id,
      external_ref: 'casino-8',
      metadata: { player_id: '42' },
      player_uuid: player,
      external_id: 'casino-8',
      utm: null,
    });

    const done = await h.inject({
      method: 'POST',
      url: `/play/api/plays/${playId}/complete`,
      payload: { duration_ms: 5_000, pairs_found: 2, moves: 4 },
      cookies: { pl_player: player },
    });
    expect(done.statusCode, done.body).toBe(200);
    const completed = await expectEvent(org(t), 'play.completed');
    expect(completed.data).toMatchObject({
      play_id: playId,
      template: 'memory-match',
      score: json<{ data: { score: number } }>(done).data.score,
      duration_ms: 5_000,
      outcome: 'win',
      external_ref: 'casino-8',
    });
  });

  it('records play.started for a public link play with its utm', async () => {
    const t = await makeTenant(h);
    const stream = await streamOf(t);
    const started = await startPlay(
      h,
      { org_slug: t.org.slug, stream_slug: stream.slug, utm: { utm_campaign: 'june' } },
      randomUUID(),
    );
    expect(started.statusCode, started.body).toBe(200);
    const event = await onlyEvent(h, org(t), 'play.started');
    expect(event.data).toMatchObject({
      stream_slug: stream.slug,
      session_id: null,
      external_ref: null,
      metadata: null,
      utm: { utm_campaign: 'june' },
    });
  });
});

describe('prize events', () => {
  it('records prize.won and prize.claimed with ids, never the voucher code', async () => {
    const t = await makeTenant(h);
    const setId = await voucherSet(h, t, ['SECRET-CODE-1']);
    const game = await prizeWheel(h, t, [
      { name: 'Voucher', type: 'voucher_set', win_chance: 100, voucher_set_id: setId },
    ]);
    const token = await sessionToken(h, t, { game_id: game.id, external_ref: 'casino-9' });
    const player = randomUUID();
    const started = await startPlay(h, { session_token: token, game_id: game.id }, player);
    const playId = json<{ data: { play: { id: number } } }>(started).data.play.id;
    const done = await h.inject({
      method: 'POST',
      url: `/play/api/plays/${playId}/complete`,
      payload: { duration_ms: 1_000 },
      cookies: { pl_player: player },
    });
    expect(done.statusCode, done.body).toBe(200);
    const won = await expectEvent(org(t), 'prize.won');
    expect(won.data).toMatchObject({
      play_id: playId,
      game_id: game.id,
      prize_name: 'Voucher',
      prize_type: 'voucher_set',
      voucher_set_id: setId,
      external_ref: 'casino-9',
    });
    expect((await onlyEvent(h, org(t), 'play.completed')).data.outcome).toBe('finished');

    const drawToken = json<{ data: { prize: { draw_token: string } } }>(done).data.prize.draw_token;
    const claim = await h.inject({
      method: 'POST',
      url: '/play/api/claim',
      payload: { draw_token: drawToken },
    });
    expect(claim.statusCode, claim.body).toBe(200);
    const claimed = await expectEvent(org(t), 'prize.claimed');
    const code = await h.deps.database.db
      .selectFrom('voucher_codes')
      .select('id')
      .where('set_id', '=', setId)
      .executeTakeFirstOrThrow();
    expect(claimed.data).toMatchObject({
      draw_id: won.data.draw_id,
      voucher_code_id: code.id,
      player_uuid: player,
    });
    const all = JSON.stringify(await eventsOf(h, org(t)));
    expect(all).not.toContain('SECRET-CODE-1');
    expect(all).not.toContain(drawToken);
  });
});

describe('player events', () => {
  it('records player.created, player.updated with the changed fields, and player.deleted', async () => {
    const t = await makePropertyTenant(h);
    const tenant = { propertyId: t.property.id };
    const created = await h.inject({
      method: 'POST',
      url: '/api/players',
      headers: t.keyHeaders,
      payload: { player_id: 'P-1', email: 'p1@example.test', traits: { vip: true } },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = json<{ data: { id: string } }>(created).data.id;
    const event = await expectEvent(tenant, 'player.created');
    expect(event).toMatchObject({ org_id: t.org.id, property_id: t.property.id });
    expect(event.data).toMatchObject({
      property_id: t.property.id,
      id,
      player_id: 'P-1',
      player: { email: 'p1@example.test', status: 'active', traits: { vip: true } },
    });
    expect(event.data.player).not.toHaveProperty('search_text');

    const patched = await h.inject({
      method: 'PATCH',
      url: '/api/players/P-1',
      headers: t.keyHeaders,
      payload: { tier: 'Gold', email: 'p1@example.test', adt: 12.5 },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    const updated = await expectEvent(tenant, 'player.updated');
    expect(updated.data).toEqual({
      property_id: t.property.id,
      id,
      player_id: 'P-1',
      changed: ['tier', 'adt'],
      values: { tier: 'Gold', adt: 12.5 },
    });

    const deleted = await h.inject({
      method: 'DELETE',
      url: '/api/players/P-1',
      headers: t.keyHeaders,
    });
    expect(deleted.statusCode).toBeLessThan(300);
    const gone = await expectEvent(tenant, 'player.deleted');
    expect(gone.data).toEqual({ property_id: t.property.id, id, player_id: 'P-1' });
  });

  it('records players.imported once per batch of a CSV import', async () => {
    const t = await makePropertyTenant(h);
    const lines = ['player_id,email'];
    for (let i = 0; i < 5; i++) lines.push(`i${i},i${i}@example.test`);
    lines.push('bad,not-an-email');
    const summary = await importPlayers(h.deps, t.property.id, Readable.from([lines.join('\n')]), {
      batchSize: 3,
    });
    expect(summary).toMatchObject({ inserted: 5, rejected: 1 });
    const events = await eventsOf(h, { propertyId: t.property.id });
    expect(events.map((event) => event.type)).toEqual(['players.imported', 'players.imported']);
    events.forEach(expectCatalogValid);
    seen.add('players.imported');
    expect(events.map((event) => event.data)).toEqual([
      expect.objectContaining({ batch: 1, rows: 3, inserted: 3, updated: 0, rejected: 0 }),
      expect.objectContaining({ batch: 2, rows: 3, inserted: 2, updated: 0, rejected: 1 }),
    ]);
    expect(events[0]!.data.import_id).toBe(events[1]!.data.import_id);
  });

  it('records player.event for a casino event, not for its repeat', async () => {
    const t = await makePropertyTenant(h);
    const tenant = { propertyId: t.property.id };
    const body = {
      player_id: 'EV-9',
      name: 'visit',
      properties: { door: 'north' },
      event_id: 'v-1',
    };
    await h.inject({
      method: 'POST',
      url: '/api/players',
      headers: t.keyHeaders,
      payload: { player_id: 'EV-9' },
    });
    for (const status of [201, 200]) {
      const response = await h.inject({
        method: 'POST',
        url: '/api/events',
        headers: t.keyHeaders,
        payload: body,
      });
      expect(response.statusCode, response.body).toBe(status);
    }
    const event = await expectEvent(tenant, 'player.event');
    expect(event.data).toMatchObject({
      name: 'visit',
      properties: { door: 'north' },
      casino_player_id: 'EV-9',
    });
  });
});

describe('delivery events', () => {
  it('records webhook.disabled and connection.disabled when a receiver answers 410', async () => {
    await h.deps.jobs.start();
    const receiver = await startReceiver((_req, res) => {
      res.statusCode = 410;
      res.end('gone');
    });
    try {
      const p = await makePropertyTenant(h);
      const { endpoint } = await createEndpoint(
        h.deps,
        { id: p.property.id, orgId: p.org.id },
        { url: `${receiver.url}/playeros`, event_types: ['*'] },
      );
      await sendTestMessage(h.deps, { id: p.property.id, orgId: p.org.id }, endpoint.id);
      await deliverDue(h.deps, { orgId: p.org.id });
      const disabled = await expectEvent({ propertyId: p.property.id }, 'webhook.disabled');
      expect(disabled.data).toMatchObject({ endpoint_id: endpoint.id, reason: 'gone' });

      // A connection's messages come from stream events; one is written here directly.
      const t = await makeTenant(h);
      const connection = await h.deps.database.db
        .insertInto('connections')
        .values({
          org_id: t.org.id,
          name: 'Gone receiver',
          provider: 'webhook',
          settings: JSON.stringify({ url: `${receiver.url}/dailyplay` }),
          secret: await h.deps.secrets.seal('whsec_' + Buffer.alloc(32, 7).toString('base64')),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await h.deps.database.db
        .insertInto('webhook_messages')
        .values({
          id: `msg_${randomUUID().replaceAll('-', '')}`,
          org_id: t.org.id,
          connection_id: connection.id,
          event_type: 'play.completed',
          payload: JSON.stringify({
            id: randomUUID(),
            type: 'play.completed',
            version: 1,
            occurred_at: new Date().toISOString(),
            org_id: t.org.id,
            property_id: null,
            data: { play_id: 1, game_id: 1, stream_id: 1, score: 10, player_uuid: randomUUID() },
          }),
          status: 'pending',
          next_attempt_at: new Date(0),
        })
        .execute();
      await deliverDue(h.deps, { orgId: t.org.id });
      const gone = await expectEvent(org(t), 'connection.disabled');
      expect(gone.data).toMatchObject({ connection_id: connection.id, reason: 'gone' });
    } finally {
      await receiver.close();
    }
  });
});

describe('campaign and message events', () => {
  it('records a campaign from sending to finished, and what happened to its messages', async () => {
    await h.deps.jobs.start();
    const p = await makePropertyTenant(h);
    const tenant = { propertyId: p.property.id };
    const call = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
      h.inject({ method, url, headers: p.keyHeaders, ...(payload ? { payload } : {}) });
    const data = async <T>(answer: ReturnType<typeof call>, status = 200) => {
      const response = await answer;
      expect(response.statusCode, response.body).toBe(status);
      return json<{ data: T }>(response).data;
    };
    await data(call('PATCH', '/api/functions/compliance-settings', { postal_address: '1 Way' }));
    const players: string[] = [];
    for (const n of [1, 2]) {
      const email = `c${n}-${randomUUID()}@example.test`;
      const { id } = await data<{ id: string }>(
        call('POST', '/api/players', { player_id: `C-${n}`, email }),
        201,
      );
      await data(
        call('POST', '/api/functions/record-consent', {
          consents: [
            {
              player_id: id,
              channel: 'email',
              address: email,
              consent_type: 'email_opt_in',
              purpose: 'marketing',
              captured_at: '2026-01-01T00:00:00Z',
            },
          ],
        }),
        201,
      );
      players.push(id);
    }
    const template = await data<{ id: string }>(
      call('POST', '/api/templates', {
        name: 'Offer',
        channel: 'email',
        subject: 'An offer',
        body: '<mjml><mj-body><mj-section><mj-column><mj-text><a href="https://casino.example/offer">See it</a></mj-text></mj-column></mj-section></mj-body></mjml>',
      }),
      201,
    );
    const campaign = await data<{ id: string }>(
      call('POST', '/api/campaigns', {
        name: 'Weekend',
        channel: 'email',
        template_id: template.id,
        audience: { type: 'players', player_ids: players },
      }),
      201,
    );
    const sent = await call('POST', '/api/functions/send-campaign', {
      campaignId: campaign.id,
      propertyId: p.property.id,
    });
    expect(sent.statusCode, sent.body).toBe(202);
    const sending = await expectEvent(tenant, 'campaign.sending');
    expect(sending).toMatchObject({ org_id: p.org.id, property_id: p.property.id });
    expect(sending.data).toMatchObject({
      campaign_id: campaign.id,
      name: 'Weekend',
      channel: 'email',
    });

    // Planning and sending, as the workers run them; no SMTP here: provider `none`.
    expect(await planCampaign(h.deps, campaign.id)).toEqual({ next: 'deliver' });
    expect(await deliverCampaign(h.deps, campaign.id)).toEqual({ next: 'done' });
    const finished = await expectEvent(tenant, 'campaign.finished');
    expect(finished.data).toMatchObject({
      campaign_id: campaign.id,
      status: 'sent',
      failure: null,
      counts: { sent: 2, queued: 0, skipped: 0, failed: 0 },
    });
    const handed = await eventsOf(h, tenant, 'message.sent');
    handed.forEach(expectCatalogValid);
    seen.add('message.sent');
    expect(handed.map((event) => event.data.player_id).sort()).toEqual([...players].sort());
    const [first, second] = handed.map((event) => event.data.message_id as string);
    expect(handed[0]!.data).toMatchObject({
      campaign_id: campaign.id,
      channel: 'email',
      provider: 'none',
      error: null,
      url: null,
    });

    // The open pixel and the tracked link, as the stored HTML carries them; twice each, one event.
    const message = await data<{ html: string }>(call('GET', `/api/messages/${first}`));
    const pixel = /http:\/\/playloop\.test(\/o\/[^"]+)"/.exec(message.html)?.[1];
    const link = /http:\/\/playloop\.test(\/c\/[^"]+)"/.exec(message.html)?.[1];
    expect(pixel, message.html).toBeDefined();
    expect(link, message.html).toBeDefined();
    for (const round of [1, 2]) {
      const open = await h.inject({ method: 'GET', url: pixel!.replaceAll('&amp;', '&') });
      expect(open.statusCode, `open ${round}`).toBe(200);
      const click = await h.inject({ method: 'GET', url: link!.replaceAll('&amp;', '&') });
      expect(click.statusCode, `click ${round}`).toBe(302);
    }
    const opened = await expectEvent(tenant, 'message.opened');
    expect(opened.data).toMatchObject({ message_id: first, provider: 'none', url: null });
    const clicked = await expectEvent(tenant, 'message.clicked');
    expect(clicked.data).toMatchObject({
      message_id: first,
      url: 'https://casino.example/offer',
    });

    // Delivery reports come from a provider's callback (SMS); their service path is called here.
    expect(await recordMessageOutcome(h.deps, first!, 'delivered')).toBe(true);
    const delivered = await expectEvent(tenant, 'message.delivered');
    expect(delivered.data).toMatchObject({ message_id: first, error: null });
    const error = 'the carrier reported it undelivered (error 30003)';
    expect(await recordMessageOutcome(h.deps, second!, 'bounced', { error })).toBe(true);
    const failed = await expectEvent(tenant, 'message.failed');
    expect(failed.data).toMatchObject({ message_id: second, campaign_id: campaign.id, error });
  });
});

describe('consent events', () => {
  it('records consent.recorded for a consent, without its address', async () => {
    const p = await makePropertyTenant(h);
    const email = `consent-${randomUUID()}@example.test`;
    const created = await h.inject({
      method: 'POST',
      url: '/api/players',
      headers: p.keyHeaders,
      payload: { email },
    });
    expect(created.statusCode, created.body).toBe(201);
    const playerId = json<{ data: { id: string } }>(created).data.id;
    const recorded = await h.inject({
      method: 'POST',
      url: '/api/functions/record-consent',
      headers: p.keyHeaders,
      payload: {
        consents: [
          {
            player_id: playerId,
            channel: 'email',
            address: email,
            consent_type: 'email_opt_in',
            purpose: 'marketing',
            captured_at: '2026-01-01T00:00:00Z',
          },
        ],
      },
    });
    expect(recorded.statusCode, recorded.body).toBe(201);
    const event = await expectEvent({ propertyId: p.property.id }, 'consent.recorded');
    expect(event.data).toMatchObject({
      property_id: p.property.id,
      id: playerId,
      channel: 'email',
      action: 'grant',
      consent_type: 'email_opt_in',
      purpose: 'marketing',
      program: null,
    });
    expect(JSON.stringify(event)).not.toContain(email);
  });
});

describe('the catalog', () => {
  it('had every type written by the tests above', () => {
    expect([...seen].sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('is published as OpenAPI webhooks, one per type, with the envelope as request body', async () => {
    const response = await h.inject({ method: 'GET', url: '/openapi.json' });
    const document = json<{
      openapi: string;
      webhooks: Record<string, { post: { requestBody: { content: Record<string, unknown> } } }>;
    }>(response);
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.webhooks).sort()).toEqual([...EVENT_TYPES].sort());
    const body = document.webhooks['play.completed']!.post.requestBody.content[
      'application/json'
    ] as { schema: { properties: Record<string, unknown>; required: string[] } };
    expect(body.schema.required).toEqual(
      expect.arrayContaining(['id', 'type', 'version', 'occurred_at', 'org_id', 'data']),
    );
    expect(body.schema.properties.type).toMatchObject({ const: 'play.completed' });
  });
});
