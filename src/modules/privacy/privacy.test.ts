import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePropertyTenant } from '../../../test/factories.ts';
import { createHarness, expectError, type Harness, json } from '../../../test/harness.ts';
import { type Casino, dispatchEvents, makeCasino, playSession } from '../../../test/return-path.ts';
import { getPlayer } from '../players/index.ts';
import { collectExport } from './privacy.export.ts';
import { suppressionHash, suppressionHashes } from '../compliance/index.ts';
import { deadlineOf } from './privacy.service.ts';

// Privacy requests (issue 12): export (access / portability) and erasure of one player.

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
});

interface Request {
  id: string;
  type: string;
  player_id: string | null;
  subject_hash: string;
  regime: string;
  status: string;
  note: string | null;
  received_at: string;
  deadline: string;
  completed_at: string | null;
  completion: Record<string, Record<string, unknown>>;
}

interface Bundle {
  request: Request;
  player: { id: string; email: string | null };
  consents: Record<string, unknown>[];
  decisions: Record<string, unknown>[];
  events: { type: string; data: Record<string, unknown> }[];
  activity: Record<string, unknown>[];
  messages: unknown[];
  subscriptions: Record<string, unknown>[];
  contacts: Record<string, unknown>[];
  truncated: boolean;
  truncated_kinds: string[];
}

const call = (
  c: { pk: Record<string, string> },
  action: 'export' | 'delete',
  payload: unknown,
  headers: Record<string, string> = c.pk,
) =>
  h.inject({
    method: 'POST',
    url: `/api/functions/${action}-player-data`,
    headers,
    payload: payload as object,
  });

async function addPlayer(c: Casino, values: Record<string, unknown>): Promise<string> {
  const created = await h.inject({
    method: 'POST',
    url: '/api/players',
    headers: c.pk,
    payload: values,
  });
  expect(created.statusCode, created.body).toBe(201);
  return json<{ data: { id: string } }>(created).data.id;
}

/** A player with every kind of record: consent, decision, play timeline, group, contact log. */
async function fullPlayer(c: Casino, casinoId: string, email: string) {
  const db = h.deps.database.db;
  const id = await addPlayer(c, {
    player_id: casinoId,
    email,
    phone: '+17025550100',
    first_name: 'Ann',
  });
  await playSession(h, c, {
    metadata: { player_id: casinoId, property_id: c.property.id, campaign: 'june' },
  });
  await dispatchEvents(h, c.t.org.id);
  const now = h.clock.now();
  await db
    .insertInto('consents')
    .values({
      property_id: c.property.id,
      player_id: null,
      channel: 'email',
      address: email.toLowerCase(),
      action: 'grant',
      consent_type: 'email_opt_in',
      purpose: 'marketing',
      program: null,
      captured_at: now,
      source: JSON.stringify({ method: 'web_form', ip: '203.0.113.9' }),
      disclosure_version: 'v1',
      esign_disclosure_shown: null,
      evidence: JSON.stringify({ checkbox: true }),
    })
    .execute();
  await db
    .insertInto('compliance_decisions')
    .values({
      property_id: c.property.id,
      player_id: id,
      channel: 'sms',
      address: '+17025550100',
      purpose: 'marketing',
      program: null,
      send_at: now,
      outcome: 'skip',
      reasons: ['quiet_hours'],
      next_allowed_at: null,
      requested_by: 'test',
    })
    .execute();
  const group = await db
    .insertInto('subscription_groups')
    .values({
      property_id: c.property.id,
      name: `VIP ${casinoId}`,
      channel: 'email',
      purpose: 'marketing',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('subscription_members')
    .values({ property_id: c.property.id, group_id: group.id, player_id: id, subscribed: true })
    .execute();
  await db
    .insertInto('contact_log')
    .values({
      property_id: c.property.id,
      player_id: id,
      channel: 'email',
      address: email.toLowerCase(),
      purpose: 'marketing',
      kind: 'campaign',
      sent_at: now,
    })
    .execute();
  return id;
}

async function countRows(propertyId: string, playerId: string) {
  const db = h.deps.database.db;
  const n = async (query: {
    executeTakeFirstOrThrow(): Promise<{ n: string | number | bigint }>;
  }) => Number((await query.executeTakeFirstOrThrow()).n);
  return {
    players: await n(
      db
        .selectFrom('players')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('id', '=', playerId),
    ),
    activity: await n(
      db
        .selectFrom('player_activity')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('player_id', '=', playerId),
    ),
    playerEvents: await n(
      db
        .selectFrom('events')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('property_id', '=', propertyId)
        .where('type', 'in', ['player.created', 'player.updated'])
        .where((eb) => eb(eb.ref('payload', '->>').key('id'), '=', playerId)),
    ),
    consents: await n(
      db
        .selectFrom('consents')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('property_id', '=', propertyId),
    ),
    decisions: await n(
      db
        .selectFrom('compliance_decisions')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('player_id', '=', playerId),
    ),
    subscriptions: await n(
      db
        .selectFrom('subscription_members')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('player_id', '=', playerId),
    ),
    contacts: await n(
      db
        .selectFrom('contact_log')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('property_id', '=', propertyId),
    ),
  };
}

const suppressed = (propertyId: string) =>
  h.deps.database.db
    .selectFrom('suppressions')
    .select(['hash', 'reason'])
    .where('property_id', '=', propertyId)
    .orderBy('hash')
    .orderBy('reason')
    .execute();

describe('POST /api/functions/export-player-data', () => {
  it('answers every kind of record the property holds about the player, and records the request', async () => {
    const c = await makeCasino(h);
    const id = await fullPlayer(c, '100234', 'Ann@Example.test');

    const response = await call(c, 'export', { player_id: '100234', note: 'ticket 7' });
    expect(response.statusCode, response.body).toBe(200);
    const bundle = json<{ data: Bundle }>(response).data;

    expect(bundle.player).toMatchObject({ id, email: 'Ann@Example.test' });
    expect(bundle.consents).toEqual([
      expect.objectContaining({
        channel: 'email',
        address: 'ann@example.test',
        action: 'grant',
        source: { method: 'web_form', ip: '203.0.113.9' },
        evidence: { checkbox: true },
      }),
    ]);
    expect(bundle.decisions).toEqual([
      expect.objectContaining({ outcome: 'skip', reasons: ['quiet_hours'] }),
    ]);
    expect(bundle.activity.map((row) => row.type)).toContain('play.completed');
    const types = bundle.events.map((event) => event.type);
    expect(types).toContain('player.created');
    expect(types).toContain('play.completed');
    expect(bundle.subscriptions).toEqual([
      expect.objectContaining({ subscribed: true, channel: 'email' }),
    ]);
    expect(bundle.contacts).toEqual([expect.objectContaining({ kind: 'campaign' })]);
    expect(bundle.messages).toEqual([]);
    expect(bundle).toMatchObject({ truncated: false, truncated_kinds: [] });

    expect(bundle.request).toMatchObject({
      type: 'export',
      player_id: id,
      regime: 'gdpr',
      status: 'completed',
      note: 'ticket 7',
      completion: {
        exported: {
          player: 1,
          consents: 1,
          decisions: 1,
          activity: bundle.activity.length,
          events: bundle.events.length,
          subscriptions: 1,
          contacts: 1,
          messages: 0,
        },
      },
    });
    expect(bundle.request.deadline).toBe(deadlineOf('gdpr', h.clock.now()).toISOString());

    const listed = await h.inject({
      method: 'GET',
      url: '/api/functions/privacy-requests',
      headers: c.pk,
    });
    expect(json<{ data: Request[] }>(listed).data.map((r) => r.id)).toEqual([bundle.request.id]);
  });

  it('cuts a kind past the row limit and says which', async () => {
    const c = await makeCasino(h);
    const id = await fullPlayer(c, '200', 'cut@example.test');
    const player = await getPlayer(h.deps, c.property.id, id);
    const data = await collectExport(h.deps.database.db, c.property.id, player, 1);
    expect(data.activity).toHaveLength(1);
    expect(data.truncated).toBe(true);
    expect(data.truncated_kinds).toContain('activity');
    expect(data.truncated_kinds).not.toContain('consents');
  });

  it('sets a CCPA deadline 45 days out', async () => {
    const c = await makeCasino(h);
    await addPlayer(c, { player_id: 'ccpa-1' });
    const response = await call(c, 'export', { player_id: 'ccpa-1', regime: 'ccpa' });
    expect(response.statusCode, response.body).toBe(200);
    const { request } = json<{ data: Bundle }>(response).data;
    expect(request.regime).toBe('ccpa');
    expect(new Date(request.deadline).getTime() - new Date(request.received_at).getTime()).toBe(
      45 * 86_400_000,
    );
  });
});

describe('POST /api/functions/delete-player-data', () => {
  it('erases profile, timeline and events about the player, keeps consents and decisions, writes hashes', async () => {
    const c = await makeCasino(h);
    const id = await fullPlayer(c, '300', 'Bob@Example.test');
    const other = await addPlayer(c, { player_id: '301', email: 'other@example.test' });
    const exported = await call(c, 'export', { player_id: id });
    expect(exported.statusCode, exported.body).toBe(200);
    const before = await countRows(c.property.id, id);
    expect(before).toMatchObject({
      players: 1,
      consents: 1,
      decisions: 1,
      subscriptions: 1,
      contacts: 1,
    });
    expect(before.activity).toBeGreaterThan(0);
    expect(before.playerEvents).toBeGreaterThan(0);

    h.clock.advance(1000);
    const response = await call(c, 'delete', { player_id: '300', regime: 'ccpa' });
    expect(response.statusCode, response.body).toBe(200);
    const request = json<{ data: Request }>(response).data;
    expect(request).toMatchObject({
      type: 'delete',
      player_id: null,
      regime: 'ccpa',
      status: 'completed',
      completion: {
        deleted: {
          player: 1,
          activity: before.activity,
          subscriptions: 1,
          contacts: 1,
          events: before.playerEvents,
        },
        kept: { consents: 0, decisions: 1 },
        suppressions: { written: 3, reasons: ['erased'] },
      },
    });

    expect(await countRows(c.property.id, id)).toMatchObject({
      players: 0,
      activity: 0,
      playerEvents: 0,
      consents: 1,
      decisions: 1,
      subscriptions: 0,
      contacts: 0,
    });
    expectError(
      await h.inject({ method: 'GET', url: `/api/players/${id}`, headers: c.pk }),
      404,
      'not_found',
    );
    const hashes = suppressionHashes({
      email: 'bob@example.test',
      phone: '+17025550100',
      player_id: '300',
    });
    expect(await suppressed(c.property.id)).toEqual(
      hashes
        .map((hash) => ({ hash, reason: 'erased' }))
        .sort((a, b) => a.hash.localeCompare(b.hash)),
    );
    // The other player and its events are untouched; the erasure's own event is kept.
    expect((await countRows(c.property.id, other)).players).toBe(1);
    const deleted = await h.deps.database.db
      .selectFrom('events')
      .select('payload')
      .where('property_id', '=', c.property.id)
      .where('type', '=', 'player.deleted')
      .execute();
    expect(deleted.map((e) => e.payload.id)).toEqual([id]);

    // The earlier export now names the subject by hash only.
    const listed = json<{ data: Request[] }>(
      await h.inject({ method: 'GET', url: '/api/functions/privacy-requests', headers: c.pk }),
    ).data;
    expect(listed.map((r) => [r.type, r.player_id])).toEqual([
      ['delete', null],
      ['export', null],
    ]);
    expect(listed[0]?.subject_hash).toBe(listed[1]?.subject_hash);
  });

  it("keeps a self-excluded player's exclusion: re-created with the same email, its hash is suppressed", async () => {
    const c = await makeCasino(h);
    const id = await addPlayer(c, {
      player_id: 'se-1',
      email: 'Sam@Example.test',
      status: 'self_excluded',
    });
    const response = await call(c, 'delete', { player_id: id });
    expect(response.statusCode, response.body).toBe(200);
    expect(json<{ data: Request }>(response).data.completion.suppressions).toEqual({
      written: 4,
      reasons: ['erased', 'self_excluded'],
    });

    await addPlayer(c, { player_id: 'se-2', email: 'sam@example.test' });
    const hash = suppressionHash('email', 'SAM@example.test');
    const rows = await suppressed(c.property.id);
    expect(rows).toContainEqual({ hash, reason: 'self_excluded' });
    expect(rows).toContainEqual({ hash, reason: 'erased' });
    expect(rows).toContainEqual({
      hash: suppressionHash('player_id', 'se-1'),
      reason: 'self_excluded',
    });
  });

  it('erases once when the same request arrives many times at once', async () => {
    const c = await makeCasino(h);
    await addPlayer(c, { player_id: 'race-1', email: 'race@example.test' });
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => call(c, 'delete', { player_id: 'race-1' })),
    );
    const statuses = responses.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([200, 404, 404, 404, 404, 404, 404, 404]);
    expect(await suppressed(c.property.id)).toHaveLength(2);
    const listed = await h.inject({
      method: 'GET',
      url: '/api/functions/privacy-requests',
      headers: c.pk,
    });
    expect(json<{ data: Request[] }>(listed).data.map((r) => r.status)).toEqual(['completed']);
  });

  it("answers 404 for another property's player, changing nothing", async () => {
    const a = await makeCasino(h);
    const b = await makeCasino(h);
    const theirs = await addPlayer(b, { player_id: 'b-1', email: 'b@example.test' });
    for (const action of ['export', 'delete'] as const) {
      expectError(await call(a, action, { player_id: theirs }), 404, 'not_found');
      expectError(await call(a, action, { player_id: 'b-1' }), 404, 'not_found');
    }
    expect((await countRows(b.property.id, theirs)).players).toBe(1);
    expect(await suppressed(a.property.id)).toEqual([]);
    expect(await suppressed(b.property.id)).toEqual([]);
    const listed = await h.inject({
      method: 'GET',
      url: '/api/functions/privacy-requests',
      headers: a.pk,
    });
    expect(json<{ data: unknown[] }>(listed).data).toEqual([]);
  });

  it('answers 400 to a missing player_id, an unknown regime and an unknown field', async () => {
    const c = await makeCasino(h);
    const id = await addPlayer(c, { player_id: 'v-1' });
    for (const action of ['export', 'delete'] as const) {
      expectError(await call(c, action, {}), 400, 'validation_failed');
      expectError(await call(c, action, { player_id: '' }), 400, 'validation_failed');
      expectError(
        await call(c, action, { player_id: id, regime: 'lgpd' }),
        400,
        'validation_failed',
      );
      expectError(await call(c, action, { player_id: id, extra: 1 }), 400, 'validation_failed');
    }
    expect((await countRows(c.property.id, id)).players).toBe(1);
  });

  it('answers 403 to a read-only key, which may still list the requests', async () => {
    const t = await makePropertyTenant(h, { scopes: ['read'] });
    const player = await h.inject({
      method: 'POST',
      url: '/api/players',
      headers: t.userHeaders,
      payload: { player_id: 'ro-1' },
    });
    expect(player.statusCode, player.body).toBe(201);
    for (const action of ['export', 'delete'] as const) {
      expectError(
        await call({ pk: t.keyHeaders }, action, { player_id: 'ro-1' }),
        403,
        'forbidden',
      );
    }
    const listed = await h.inject({
      method: 'GET',
      url: '/api/functions/privacy-requests',
      headers: t.keyHeaders,
    });
    expect(listed.statusCode, listed.body).toBe(200);
    expect(json<{ data: unknown[] }>(listed).data).toEqual([]);
  });
});

describe('deadlines and hashes', () => {
  it('gives a GDPR request one calendar month, to the month end when the day is missing', () => {
    expect(deadlineOf('gdpr', new Date('2026-01-31T10:00:00Z')).toISOString()).toBe(
      '2026-02-28T10:00:00.000Z',
    );
    expect(deadlineOf('gdpr', new Date('2026-12-07T02:00:00Z')).toISOString()).toBe(
      '2027-01-07T02:00:00.000Z',
    );
    expect(deadlineOf('ccpa', new Date('2026-12-07T02:00:00Z')).toISOString()).toBe(
      '2027-01-21T02:00:00.000Z',
    );
  });

  it('hashes normalized identifiers with their kind, so equal values of different kinds differ', () => {
    expect(suppressionHash('email', ' Ann@Example.COM ')).toBe(
      suppressionHash('email', 'ann@example.com'),
    );
    expect(suppressionHash('player_id', 'ABC')).not.toBe(suppressionHash('player_id', 'abc'));
    expect(suppressionHash('player_id', '100')).not.toBe(suppressionHash('phone', '100'));
    expect(suppressionHash('email', '   ')).toBeNull();
    expect(suppressionHashes({ email: null, phone: '+17025550100', player_id: null })).toHaveLength(
      1,
    );
  });
});
