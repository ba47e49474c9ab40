import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  makePropertyTenant,
  makeTenant,
  type PropertyTenant,
  type Tenant,
  unique,
} from '../../../test/factories.ts';
import { PlayLoop, PlayLoopError } from '../src/index.ts';
import { EMAIL_BODY, playerRow, useSdkServer } from './server.ts';

const server = useSdkServer();
let t: PropertyTenant;
let dp: Tenant;
let pl: PlayLoop;

beforeAll(async () => {
  t = await makePropertyTenant(server.h);
  dp = await makeTenant(server.h);
  pl = new PlayLoop({ apiKey: t.key, dailyPlayKey: dp.key, baseUrl: server.base });
  // Email sends need the sender's postal address (CAN-SPAM); the SDK has no settings calls.
  const settings = await server.h.inject({
    method: 'PATCH',
    url: '/api/functions/compliance-settings',
    headers: t.keyHeaders,
    payload: { postal_address: '1 Casino Way, Las Vegas NV' },
  });
  expect(settings.statusCode, settings.body).toBe(200);
  const batch = await pl.players.batch(Array.from({ length: 30 }, (_, i) => playerRow(i + 1)));
  expect(batch).toEqual({ inserted: 30, updated: 0, errors: [] });
});

/** Runs `call` and answers the PlayLoopError it must throw. */
async function refusal(call: () => Promise<unknown>): Promise<PlayLoopError> {
  const error = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PlayLoopError);
  return error as PlayLoopError;
}

describe('players', () => {
  it('lists a page with the total, searching with q, filtering and ordering', async () => {
    const page = await pl.players.list({ limit: 25 });
    expect(page.data).toHaveLength(25);
    expect(page.totalCount).toBe(30);
    expect(page.countType).toBe('exact');

    const gold = await pl.players.list({ q: 'gold', limit: 50 });
    expect(gold.totalCount).toBe(10);
    expect(gold.data.every((p) => p.tier === 'Gold')).toBe(true);

    const filtered = await pl.players.list({
      filter: {
        tier: { in: ['Gold'] },
        adt: { gte: 120 },
        status: 'active',
        email: { not: { is: null } },
      },
      order: 'adt.desc',
      select: ['player_id', 'adt', 'tier'],
    });
    expect(filtered.data.map((p) => p.adt)).toEqual([130, 127, 124, 121]);
    expect(Object.keys(filtered.data[0] ?? {}).sort()).toEqual(['adt', 'player_id', 'tier']);

    const raw = await pl.players.list({ filter: ['player_id.eq=100007'], count: 'exact' });
    expect(raw.data.map((p) => p.first_name)).toEqual(['Ann7']);
    expect(raw.totalCount).toBe(1);
  });

  it('creates, gets (by id and by player_id), reads activity, updates and deletes a player', async () => {
    const created = await pl.players.create({
      player_id: 'sdk-1',
      email: 'sdk1@example.com',
      tier: 'Gold',
      adt: 250,
      coin_in: 18000,
    });
    expect(created).toMatchObject({
      player_id: 'sdk-1',
      tier: 'Gold',
      adt: 250,
      property_id: t.property.id,
    });
    expect((await pl.players.get(created.id)).email).toBe('sdk1@example.com');
    expect((await pl.players.get('sdk-1')).id).toBe(created.id);
    const activity = await pl.players.activity(created.id, { limit: 5 });
    expect(activity).toEqual({ data: [], next: null });
    const updated = await pl.players.update(created.id, {
      tier: 'Platinum',
      traits: { vip: true },
    });
    expect(updated).toMatchObject({ tier: 'Platinum', traits: { vip: true } });
    await pl.players.delete(created.id);
    expect((await refusal(() => pl.players.get(created.id))).status).toBe(404);
  });

  it('batch-upserts by player_id and reports the rows it refused', async () => {
    const result = await pl.players.batch([
      { ...playerRow(1), tier: 'Diamond' },
      { player_id: 'sdk-bad', email: 'not an email' },
    ]);
    expect(result.updated).toBe(1);
    expect(result.errors.map((e) => e.index)).toEqual([1]);
    expect((await pl.players.get('100001')).tier).toBe('Diamond');
    await pl.players.update('100001', { tier: 'Silver' });
  });
});

describe('segments and content', () => {
  it('creates, lists, gets, updates, counts, previews and deletes a segment', async () => {
    const segment = await pl.segments.create({ name: unique('Gold'), filter: 'tier=eq.Gold' });
    expect((await pl.segments.list({ limit: 10 })).data.map((s) => s.id)).toContain(segment.id);
    expect((await pl.segments.get(segment.id)).name).toBe(segment.name);
    expect((await pl.segments.update(segment.id, { description: 'Gold tier' })).description).toBe(
      'Gold tier',
    );
    const members = await pl.segments.players(segment.id, { limit: 5, order: 'adt.asc' });
    expect(members.data).toHaveLength(5);
    expect(members.totalCount).toBe(10);
    expect(await pl.segments.count(segment.id)).toMatchObject({ count: 10 });
    const preview = await pl.segments.previewAudience({
      audience: { type: 'segment', segment_id: segment.id },
      channel: 'email',
      purpose: 'transactional',
    });
    expect(preview.size).toBe(10);
    await pl.segments.delete(segment.id);
    expect((await refusal(() => pl.segments.get(segment.id))).code).toBe('not_found');
  });

  it('creates, lists, gets, updates, previews, renders and deletes a template', async () => {
    const template = await pl.content.create({
      name: unique('Welcome'),
      channel: 'email',
      subject: 'Hi {{ player.first_name }}',
      body: EMAIL_BODY,
    });
    expect((await pl.content.list({ channel: 'email' })).data.map((x) => x.id)).toContain(
      template.id,
    );
    expect((await pl.content.get(template.id)).version).toBe(template.version);
    const updated = await pl.content.update(template.id, {
      subject: 'Hello {{ player.first_name }}',
    });
    expect(updated.version).toBe(template.version + 1);
    const player = await pl.players.get('100002');
    const preview = await pl.content.preview(template.id, { player_id: player.id });
    expect(preview.subject).toBe('Hello Ann2');
    const rendered = await pl.content.render({
      channel: 'sms',
      body: 'Hi {{ player.first_name }}',
      player_id: player.id,
    });
    expect(rendered.text).toContain('Hi Ann2');
    await pl.content.delete(template.id);
    expect((await refusal(() => pl.content.get(template.id))).status).toBe(404);
  });
});

describe('campaigns', () => {
  async function draft(channel: 'email' | 'sms' = 'email') {
    const template = await pl.content.create({
      name: unique('T'),
      channel,
      ...(channel === 'email'
        ? { subject: 'News', body: EMAIL_BODY }
        : { body: 'News. STOP to end' }),
    });
    return pl.campaigns.create({
      name: unique('Campaign'),
      channel,
      template_id: template.id,
      purpose: 'transactional',
      audience: { type: 'players', player_ids: ['100003', '100006'] },
    });
  }

  it('creates, lists, gets, updates, previews, schedules, cancels and deletes a campaign', async () => {
    const campaign = await draft();
    expect(campaign.status).toBe('draft');
    expect((await pl.campaigns.list({ status: 'draft' })).data.map((c) => c.id)).toContain(
      campaign.id,
    );
    expect((await pl.campaigns.get(campaign.id)).name).toBe(campaign.name);
    expect((await pl.campaigns.update(campaign.id, { name: 'Renamed' })).name).toBe('Renamed');
    const preview = await pl.campaigns.preview(campaign.id, {
      player_id: '100003',
      audience: true,
    });
    expect(preview.message.subject).toBe('News');
    expect(preview.audience?.size).toBe(2);
    const sendAt = new Date(Date.now() + 24 * 3600_000).toISOString();
    const scheduled = await pl.campaigns.schedule(campaign.id, { send_at: sendAt });
    expect(scheduled.status).toBe('scheduled');
    expect((await pl.campaigns.cancel(campaign.id)).status).not.toBe('scheduled');
    await pl.campaigns.delete(campaign.id);
    expect((await refusal(() => pl.campaigns.get(campaign.id))).status).toBe(404);
  });

  it('sends with the Idempotency-Key: a repeat answers as the first did and sends once', async () => {
    const campaign = await draft();
    const key = randomUUID();
    const first = await pl.campaigns.sendEmail(campaign.id, { idempotencyKey: key });
    expect(first.status).toBe('sending');
    const again = await pl.campaigns.sendEmail(campaign.id, { idempotencyKey: key });
    expect(again).toEqual(first);
    // Without the key the server refuses a campaign that already started: the header was sent.
    const refused = await refusal(() => pl.campaigns.sendEmail(campaign.id));
    expect([refused.status, refused.code]).toEqual([409, 'conflict']);
    const sending = await server.h.deps.database.db
      .selectFrom('events')
      .select('id')
      .where('property_id', '=', t.property.id)
      .where('type', '=', 'campaign.sending')
      .where(sql<boolean>`payload->>'campaign_id' = ${campaign.id}`)
      .execute();
    expect(sending).toHaveLength(1);
  });

  it('sends for a property given by propertyId, and says so when it cannot learn it', async () => {
    const other = await makePropertyTenant(server.h);
    await server.h.inject({
      method: 'PATCH',
      url: '/api/functions/compliance-settings',
      headers: other.keyHeaders,
      payload: { postal_address: '2 Casino Way, Reno NV' },
    });
    const guess = new PlayLoop({ apiKey: other.key, baseUrl: server.base });
    const template = await guess.content.create({
      name: unique('T'),
      channel: 'email',
      subject: 'News',
      body: EMAIL_BODY,
    });
    const campaign = await guess.campaigns.create({
      name: unique('C'),
      channel: 'email',
      template_id: template.id,
      purpose: 'transactional',
      audience: { type: 'all' },
    });
    // No players: nothing to read the property id from.
    expect((await refusal(() => guess.campaigns.sendEmail(campaign.id))).code).toBe(
      'property_unknown',
    );
    const told = new PlayLoop({
      apiKey: other.key,
      baseUrl: server.base,
      propertyId: other.property.id,
    });
    expect((await told.campaigns.sendEmail(campaign.id)).status).not.toBe('draft');
  });

  it('refuses to send an email campaign with sendSms, before anything is sent', async () => {
    const campaign = await draft('email');
    const error = await refusal(() => pl.campaigns.sendSms(campaign.id, { idempotencyKey: 'x1' }));
    expect([error.status, error.code]).toEqual([400, 'channel_mismatch']);
    expect((await pl.campaigns.get(campaign.id)).status).toBe('draft');
  });
});

describe('consent, privacy, webhooks, journeys', () => {
  it('records consent and runs the pre-send check', async () => {
    const recorded = await pl.consent.record({
      player_id: '100004',
      channel: 'email',
      address: 'ann4@example.com',
      action: 'revoke',
    });
    expect(recorded[0]).toMatchObject({ channel: 'email', action: 'revoke' });
    const decisions = await pl.consent.check({
      channel: 'email',
      purpose: 'marketing',
      recipients: [{ player_id: '100004' }],
    });
    expect(decisions).toHaveLength(1);
    expect(decisions[0]?.outcome).not.toBe('allow');
  });

  it('exports and then deletes a player’s data', async () => {
    const player = await pl.players.create({ player_id: 'gdpr-1', email: 'gdpr@example.com' });
    const bundle = await pl.privacy.export({ player_id: player.id, regime: 'gdpr' });
    expect(bundle.player?.id).toBe(player.id);
    expect(bundle.request.type).toBe('export');
    const deletion = await pl.privacy.delete({ player_id: player.id, regime: 'gdpr' });
    expect(deletion).toMatchObject({ type: 'delete', status: 'completed' });
    expect((await refusal(() => pl.players.get(player.id))).status).toBe(404);
  });

  it('creates, lists, gets and deletes a webhook', async () => {
    const created = await pl.webhooks.create({
      url: 'http://127.0.0.1:9/playloop',
      event_types: ['player.created'],
    });
    expect(created).toMatchObject({ url: 'http://127.0.0.1:9/playloop' });
    expect((await pl.webhooks.list()).map((w) => w.id)).toContain(created.id);
    expect((await pl.webhooks.get(created.id)).event_types).toEqual(['player.created']);
    await pl.webhooks.delete(created.id);
    expect((await pl.webhooks.list()).map((w) => w.id)).not.toContain(created.id);
  });

  it('creates, publishes, enters, lists runs, pauses, resumes, archives and deletes a journey', async () => {
    const graph = {
      trigger: { type: 'api' },
      start: 'mark',
      nodes: { mark: { type: 'update_profile', set: { 'traits.seen': true } } },
    } as const;
    const journey = await pl.journeys.create({ name: unique('Journey'), graph });
    expect(journey.status).toBe('draft');
    expect((await pl.journeys.list()).data.map((j) => j.id)).toContain(journey.id);
    expect((await pl.journeys.update(journey.id, { description: 'Marks' })).description).toBe(
      'Marks',
    );
    expect((await pl.journeys.publish(journey.id)).status).toBe('active');
    const entered = await pl.journeys.enter(journey.id, { player_id: '100005' });
    expect(entered.entered).toBe(true);
    const runs = await pl.journeys.runs(journey.id, { limit: 10 });
    expect(runs.data.map((r) => r.id)).toEqual([entered.run_id]);
    expect(runs.next).toBeNull();
    expect(await pl.journeys.stats(journey.id)).toBeTypeOf('object');
    expect((await pl.journeys.get(journey.id)).version).toBe(1);
    expect((await pl.journeys.pause(journey.id)).status).toBe('paused');
    expect((await pl.journeys.resume(journey.id)).status).toBe('active');
    expect((await pl.journeys.archive(journey.id)).status).toBe('archived');
    const draftJourney = await pl.journeys.create({ name: unique('Draft'), graph });
    await pl.journeys.delete(draftJourney.id);
    expect((await refusal(() => pl.journeys.get(draftJourney.id))).status).toBe(404);
  });
});

describe('DailyPlay sessions', () => {
  it('creates a session for a game and for a stream, validates, lists, consumes once', async () => {
    const session = await pl.sessions.create({ game_id: dp.gameIds[0], external_ref: 'crm-42' });
    expect(session.play_url).toContain(session.token);
    expect(session).toMatchObject({ game_id: dp.gameIds[0], external_ref: 'crm-42' });
    const status = await pl.sessions.validate(session.token);
    expect(status).toMatchObject({ valid: true, status: 'active', external_ref: 'crm-42' });
    const listed = await pl.sessions.list({ external_ref: 'crm-42' });
    expect(listed.data.map((s) => s.token)).toContain(session.token);

    const consumed = await pl.sessions.consume(session.token);
    expect(consumed).toMatchObject({ org_id: dp.org.id, external_ref: 'crm-42' });
    const again = await refusal(() => pl.sessions.consume(session.token));
    expect([again.status, again.code]).toEqual([410, 'session_gone']);
    expect((await pl.sessions.validate(session.token)).status).toBe('consumed');

    const streamed = await pl.sessions.create({ stream_id: dp.streamId });
    expect(streamed.stream_id).toBe(dp.streamId);
    await pl.sessions.revoke(streamed.token);
    expect((await pl.sessions.validate(streamed.token)).status).toBe('revoked');
  });

  it('uses a dpk_ key given as apiKey for sessions', async () => {
    const client = new PlayLoop({ apiKey: dp.key, baseUrl: server.base });
    const session = await client.sessions.create({ game_id: dp.gameIds[1] });
    expect((await client.sessions.validate(session.token)).valid).toBe(true);
  });
});

describe('errors, retries and timeouts', () => {
  it('turns a bad key into a 401 PlayLoopError with the envelope’s fields', async () => {
    const bad = new PlayLoop({ apiKey: `pk_${'0'.repeat(40)}`, baseUrl: server.base });
    const error = await refusal(() => bad.players.list());
    expect(error.status).toBe(401);
    expect(error.code).toBe('unauthorized');
    expect(error.message).not.toBe('');
    expect(error.requestId).toEqual(expect.any(String));
  });

  it('answers 404 for another property’s player, as if it did not exist', async () => {
    const other = await makePropertyTenant(server.h);
    const theirs = await new PlayLoop({ apiKey: other.key, baseUrl: server.base }).players.create({
      player_id: 'theirs-1',
    });
    const error = await refusal(() => pl.players.get(theirs.id));
    expect([error.status, error.code]).toEqual([404, 'not_found']);
  });

  it('turns a validation failure into a 400 whose message names the field', async () => {
    const error = await refusal(() =>
      pl.players.update('100001', { status: 'retired' as 'active' }),
    );
    expect(error.status).toBe(400);
    expect(error.code).toBe('validation_failed');
    expect(error.message).toContain('status');
    expect(error.details).toEqual({});
  });

  it('throws missing_api_key without calling when no key is set', async () => {
    const keyless = new PlayLoop({ apiKey: '', dailyPlayKey: '', baseUrl: server.base });
    expect((await refusal(() => keyless.players.list())).code).toBe('missing_api_key');
    expect((await refusal(() => keyless.sessions.create({ game_id: 1 }))).code).toBe(
      'missing_api_key',
    );
  });

  it('retries a 429 after its Retry-After, and a POST without one not at all', async () => {
    let calls = 0;
    const limited =
      (retryAfter: string | null): typeof fetch =>
      (input, init) => {
        calls++;
        if (calls === 1) {
          const headers = new Headers({ 'content-type': 'application/json' });
          if (retryAfter !== null) headers.set('retry-after', retryAfter);
          const body = {
            success: false,
            error: 'Too many requests',
            code: 'rate_limited',
            request_id: 'r1',
          };
          return Promise.resolve(new Response(JSON.stringify(body), { status: 429, headers }));
        }
        return fetch(input, init);
      };
    const patient = new PlayLoop({ apiKey: t.key, baseUrl: server.base, fetch: limited('0') });
    expect((await patient.players.list({ limit: 1 })).data).toHaveLength(1);
    expect(calls).toBe(2);

    calls = 0;
    const strict = new PlayLoop({ apiKey: t.key, baseUrl: server.base, fetch: limited(null) });
    const error = await refusal(() =>
      strict.segments.create({ name: 'x', filter: 'tier=eq.Gold' }),
    );
    expect([error.status, error.code, calls]).toEqual([429, 'rate_limited', 1]);
  });

  it('retries a GET after a 503 or a network failure, but never a plain POST', async () => {
    let calls = 0;
    const flaky: typeof fetch = (input, init) => {
      calls++;
      if (calls === 1) return Promise.reject(new TypeError('fetch failed'));
      if (calls === 2) {
        const body = { success: false, error: 'Unavailable', code: 'unavailable', request_id: 'r' };
        return Promise.resolve(new Response(JSON.stringify(body), { status: 503 }));
      }
      return fetch(input, init);
    };
    const client = new PlayLoop({ apiKey: t.key, baseUrl: server.base, fetch: flaky });
    expect((await client.players.get('100001')).player_id).toBe('100001');
    expect(calls).toBe(3);
    calls = 0;
    const error = await refusal(() => client.players.create({ player_id: 'never-sent' }));
    expect([error.status, error.code, calls]).toEqual([0, 'network_error', 1]);
  });

  it('gives up after timeoutMs, and stops when the caller aborts', async () => {
    const never: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(new Error('aborted')));
      });
    const slow = new PlayLoop({
      apiKey: t.key,
      baseUrl: server.base,
      fetch: never,
      timeoutMs: 50,
      maxRetries: 0,
    });
    expect((await refusal(() => slow.players.list())).code).toBe('timeout');
    const controller = new AbortController();
    const pending = refusal(() =>
      slow.players.get('100001', { signal: controller.signal, timeoutMs: 10_000 }),
    );
    controller.abort();
    expect((await pending).code).toBe('aborted');
  });
});
