import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsOf, expectCatalogValid, onlyEvent } from '../../../test/events.ts';
import { makePropertyTenant, type PropertyTenant, unique } from '../../../test/factories.ts';
import { createHarness, expectError, type Harness, json } from '../../../test/harness.ts';
import { addPlayer, dispatchEvents, makeCasino, playSession } from '../../../test/return-path.ts';
import { createPlayer } from '../players/index.ts';
import { createPropertyKey } from '../property-keys/index.ts';
import { MAX_BATCH_EVENTS } from './player-events.service.ts';

// Casino events through POST /api/events and /api/events/batch: storing, idempotency by
// event_id, validation and limits, credentials and tenants, the player's timeline and the
// player.event domain event.

const NOW = new Date('2026-07-14T16:00:00Z');

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ start: NOW });
});
afterAll(async () => {
  await h.close();
});

interface StoredEvent {
  id: string;
  event_id: string | null;
  player_id: string;
  name: string;
  properties: Record<string, unknown>;
  occurred_at: string;
  recorded_at: string;
  duplicate: boolean;
}

interface ItemResult {
  index: number;
  status: 'created' | 'duplicate' | 'error';
  id?: string;
  error?: { code: string; message: string };
}

type Headers = Record<string, string>;

const post = (t: PropertyTenant, payload: unknown, headers: Headers = t.keyHeaders) =>
  h.inject({ method: 'POST', url: '/api/events', headers, payload: payload as object });

const postBatch = (t: PropertyTenant, payload: unknown, headers: Headers = t.keyHeaders) =>
  h.inject({ method: 'POST', url: '/api/events/batch', headers, payload: payload as object });

async function player(t: PropertyTenant, playerId: string | null = unique('P')) {
  return createPlayer(h.deps, t.property.id, { player_id: playerId });
}

async function recorded(t: PropertyTenant, payload: object): Promise<StoredEvent> {
  const response = await post(t, payload);
  expect(response.statusCode, response.body).toBe(201);
  return json<{ data: StoredEvent }>(response).data;
}

async function batchResults(t: PropertyTenant, events: object[]): Promise<ItemResult[]> {
  const response = await postBatch(t, { events });
  expect(response.statusCode, response.body).toBe(200);
  return json<{ data: ItemResult[] }>(response).data;
}

async function storedRows(t: PropertyTenant) {
  return h.deps.database.db
    .selectFrom('player_events')
    .select(['id', 'player_id', 'name', 'event_id', 'properties'])
    .where('property_id', '=', t.property.id)
    .orderBy('recorded_at')
    .execute();
}

const playerEvents = (t: PropertyTenant) =>
  eventsOf(h, { propertyId: t.property.id }, 'player.event');

async function readOnlyKey(t: PropertyTenant): Promise<Headers> {
  const key = await createPropertyKey(h.deps, undefined, {
    propertyId: t.property.id,
    name: 'Read only',
    scopes: ['read'],
  });
  return { 'x-api-key': key.key };
}

describe('POST /api/events', () => {
  it("records an event of a player named by PlayLoop's id, with the defaults", async () => {
    const t = await makePropertyTenant(h);
    const p = await player(t);
    const event = await recorded(t, { player_id: p.id, name: 'visit' });
    expect(event).toEqual({
      id: expect.any(String) as string,
      event_id: null,
      player_id: p.id,
      name: 'visit',
      properties: {},
      occurred_at: NOW.toISOString(),
      recorded_at: NOW.toISOString(),
      duplicate: false,
    });
    expect(await storedRows(t)).toEqual([
      { id: event.id, player_id: p.id, name: 'visit', event_id: null, properties: {} },
    ]);
  });

  it("records an event of a player named by the casino's player_id", async () => {
    const t = await makePropertyTenant(h);
    const p = await player(t, '100234');
    const at = new Date(NOW.getTime() - 3_600_000).toISOString();
    const event = await recorded(t, {
      player_id: '100234',
      name: 'deposit',
      properties: { amount: 250, currency: 'USD', cage: { window: 3 } },
      occurred_at: at,
      event_id: 'dep-1',
    });
    expect(event).toMatchObject({
      player_id: p.id,
      name: 'deposit',
      properties: { amount: 250, currency: 'USD', cage: { window: 3 } },
      occurred_at: at,
      event_id: 'dep-1',
      duplicate: false,
    });
  });

  it('answers a repeated event_id with the event stored first, duplicate: true, storing nothing', async () => {
    const t = await makePropertyTenant(h);
    const p = await player(t);
    const first = await recorded(t, {
      player_id: p.id,
      name: 'tier_changed',
      properties: { tier: 'gold' },
      event_id: 'tier-42',
    });
    // The body differs: the first write wins, and is what the repeat answers.
    const again = await post(t, {
      player_id: p.id,
      name: 'tier_changed',
      properties: { tier: 'platinum' },
      event_id: 'tier-42',
    });
    expect(again.statusCode, again.body).toBe(200);
    expect(json<{ data: StoredEvent }>(again).data).toEqual({ ...first, duplicate: true });
    expect(await storedRows(t)).toHaveLength(1);
    expect(await playerEvents(t)).toHaveLength(1);
  });

  it('stores exactly one event of 20 identical concurrent requests', async () => {
    const t = await makePropertyTenant(h);
    const p = await player(t);
    const body = { player_id: p.id, name: 'visit', event_id: 'door-7:2026-07-14' };
    const responses = await Promise.all(Array.from({ length: 20 }, () => post(t, body)));
    const statuses = responses.map((r) => r.statusCode);
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 200)).toHaveLength(19);
    expect(responses.filter((r) => json<{ data: StoredEvent }>(r).data.duplicate)).toHaveLength(19);
    const ids = new Set(responses.map((r) => json<{ data: StoredEvent }>(r).data.id));
    expect(ids.size).toBe(1);
    expect(await storedRows(t)).toHaveLength(1);
    expect(await playerEvents(t)).toHaveLength(1);
  });

  it('answers 404 for an unknown player, creating no player and no event', async () => {
    const t = await makePropertyTenant(h);
    const byCasinoId = expectError(
      await post(t, { player_id: 'nobody', name: 'visit' }),
      404,
      'not_found',
    );
    const byUuid = expectError(
      await post(t, { player_id: '00000000-0000-4000-8000-000000000009', name: 'visit' }),
      404,
      'not_found',
    );
    expect(byCasinoId.error).toBe('Player not found');
    expect(byUuid.error).toBe(byCasinoId.error);
    expect(await storedRows(t)).toEqual([]);
    expect(await eventsOf(h, { propertyId: t.property.id })).toEqual([]);
  });
});

describe('validation and limits', () => {
  it.each([
    ['a name with a space', { name: 'big win' }],
    ['an empty name', { name: '' }],
    ['a name of 101 characters', { name: 'a'.repeat(101) }],
    ['an unknown field', { name: 'visit', amount: 3 }],
    ['properties that are not an object', { name: 'visit', properties: [1, 2] }],
    [
      'properties of 51 keys',
      {
        name: 'visit',
        properties: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])),
      },
    ],
    ['properties over 8 KB', { name: 'visit', properties: { note: 'x'.repeat(8 * 1024) } }],
    [
      'an occurred_at 6 minutes ahead',
      { name: 'visit', occurred_at: new Date(NOW.getTime() + 360_000).toISOString() },
    ],
    ['an occurred_at over a year ago', { name: 'visit', occurred_at: '2025-07-14T15:59:59Z' }],
    ['an occurred_at that is no date-time', { name: 'visit', occurred_at: 'yesterday' }],
    ['an empty event_id', { name: 'visit', event_id: '' }],
    ['an event_id of 201 characters', { name: 'visit', event_id: 'e'.repeat(201) }],
    ['a NUL in a property', { name: 'visit', properties: { note: 'a\u0000b' } }],
  ])('answers 400 validation_failed to %s, storing nothing', async (_label, fields) => {
    const t = await makePropertyTenant(h);
    const p = await player(t);
    expectError(await post(t, { player_id: p.id, ...fields }), 400, 'validation_failed');
    expect(await storedRows(t)).toEqual([]);
  });

  it('accepts an occurred_at up to 5 minutes ahead and up to a year ago', async () => {
    const t = await makePropertyTenant(h);
    const p = await player(t);
    for (const at of [
      new Date(NOW.getTime() + 300_000).toISOString(),
      '2025-07-14T16:00:00.000Z',
    ]) {
      expect(
        (await recorded(t, { player_id: p.id, name: 'visit', occurred_at: at })).occurred_at,
      ).toBe(at);
    }
  });

  it('answers 400 to an empty batch and to one of 501 events, storing nothing', async () => {
    const t = await makePropertyTenant(h);
    const p = await player(t);
    expectError(await postBatch(t, { events: [] }), 400, 'validation_failed');
    const many = Array.from({ length: MAX_BATCH_EVENTS + 1 }, () => ({
      player_id: p.id,
      name: 'visit',
    }));
    expectError(await postBatch(t, { events: many }), 400, 'validation_failed');
    expect(await storedRows(t)).toEqual([]);
  });

  it('answers 400 to a batch with one schema-invalid event, storing none of it', async () => {
    const t = await makePropertyTenant(h);
    const p = await player(t);
    const response = await postBatch(t, {
      events: [
        { player_id: p.id, name: 'visit' },
        { player_id: p.id, name: 'not valid' },
      ],
    });
    expect(expectError(response, 400, 'validation_failed').error).toMatch(/events\.1\.name/);
    expect(await storedRows(t)).toEqual([]);
  });

  it('answers 413 in the envelope to a batch body over 1 MB (500 events of 8 KB)', async () => {
    const t = await makePropertyTenant(h);
    const p = await player(t);
    const big = { note: 'x'.repeat(8 * 1024 - 20) };
    const events = Array.from({ length: MAX_BATCH_EVENTS }, () => ({
      player_id: p.id,
      name: 'visit',
      properties: big,
    }));
    expectError(await postBatch(t, { events }), 413, 'payload_too_large');
    expect(await storedRows(t)).toEqual([]);
  });
});

describe('POST /api/events/batch', () => {
  it('stores each event on its own and answers one result per event, in order', async () => {
    const t = await makePropertyTenant(h);
    const ann = await player(t, 'ANN-1');
    const bob = await player(t);
    const results = await batchResults(t, [
      { player_id: 'ANN-1', name: 'visit', event_id: 'v-1' },
      { player_id: bob.id, name: 'deposit', properties: { amount: 20 } },
      { player_id: 'nobody', name: 'visit' },
      { player_id: ann.id, name: 'visit', event_id: 'v-1' },
      {
        player_id: bob.id,
        name: 'visit',
        occurred_at: new Date(NOW.getTime() + 3_600_000).toISOString(),
      },
    ]);
    expect(results).toEqual([
      { index: 0, status: 'created', id: expect.any(String) as string },
      { index: 1, status: 'created', id: expect.any(String) as string },
      {
        index: 2,
        status: 'error',
        error: { code: 'not_found', message: 'Player not found' },
      },
      { index: 3, status: 'duplicate', id: results[0]!.id },
      {
        index: 4,
        status: 'error',
        error: {
          code: 'validation_failed',
          message: expect.stringMatching(/occurred_at/) as string,
        },
      },
    ]);
    const rows = await storedRows(t);
    expect(rows.map((row) => [row.id, row.player_id, row.name]).sort()).toEqual(
      [
        [results[0]!.id, ann.id, 'visit'],
        [results[1]!.id, bob.id, 'deposit'],
      ].sort(),
    );
    const events = await playerEvents(t);
    expect(events).toHaveLength(2);
    events.forEach(expectCatalogValid);
  });

  it('answers events stored by an earlier request as duplicates', async () => {
    const t = await makePropertyTenant(h);
    const p = await player(t);
    const first = await recorded(t, { player_id: p.id, name: 'visit', event_id: 'v-9' });
    const results = await batchResults(t, [
      { player_id: p.id, name: 'visit', event_id: 'v-9' },
      { player_id: p.id, name: 'visit', event_id: 'v-10' },
    ]);
    expect(results).toEqual([
      { index: 0, status: 'duplicate', id: first.id },
      { index: 1, status: 'created', id: expect.any(String) as string },
    ]);
    expect(await storedRows(t)).toHaveLength(2);
    expect(await playerEvents(t)).toHaveLength(2);
  });
});

describe('credentials and tenants', () => {
  it('answers 401 without a key and with an unknown key', async () => {
    const t = await makePropertyTenant(h);
    const p = await player(t);
    for (const route of [post, postBatch]) {
      const body =
        route === post
          ? { player_id: p.id, name: 'visit' }
          : { events: [{ player_id: p.id, name: 'visit' }] };
      expectError(await route(t, body, {}), 401, 'unauthorized');
      expectError(
        await route(t, body, { 'x-api-key': `pk_${'0'.repeat(40)}` }),
        401,
        'unauthorized',
      );
    }
    expect(await storedRows(t)).toEqual([]);
  });

  it('answers 403 to a key without the write scope', async () => {
    const t = await makePropertyTenant(h);
    const p = await player(t);
    const headers = await readOnlyKey(t);
    expectError(await post(t, { player_id: p.id, name: 'visit' }, headers), 403, 'forbidden');
    expectError(
      await postBatch(t, { events: [{ player_id: p.id, name: 'visit' }] }, headers),
      403,
      'forbidden',
    );
    expect(await storedRows(t)).toEqual([]);
  });

  it("answers 404 for another property's player, by either id, as for an unknown one", async () => {
    const a = await makePropertyTenant(h);
    const b = await makePropertyTenant(h);
    const theirs = await player(b, 'ONLY-IN-B');
    for (const ref of [theirs.id, 'ONLY-IN-B']) {
      expect(
        expectError(await post(a, { player_id: ref, name: 'visit' }), 404, 'not_found').error,
      ).toBe('Player not found');
    }
    expect(await batchResults(a, [{ player_id: theirs.id, name: 'visit' }])).toEqual([
      { index: 0, status: 'error', error: { code: 'not_found', message: 'Player not found' } },
    ]);
    expect(await storedRows(a)).toEqual([]);
    expect(await storedRows(b)).toEqual([]);
    expect(await eventsOf(h, { propertyId: b.property.id }, 'player.event')).toEqual([]);
  });

  it('keeps event_ids per property: the same key in two properties is two events', async () => {
    const a = await makePropertyTenant(h);
    const b = await makePropertyTenant(h);
    const pa = await player(a, 'SAME-ID');
    const pb = await player(b, 'SAME-ID');
    const body = { player_id: 'SAME-ID', name: 'visit', event_id: 'shared-key' };
    const inA = await recorded(a, body);
    const inB = await recorded(b, body);
    expect(inA.id).not.toBe(inB.id);
    expect([inA.player_id, inB.player_id]).toEqual([pa.id, pb.id]);
    expect(await storedRows(a)).toHaveLength(1);
    expect(await storedRows(b)).toHaveLength(1);
  });

  it("a member's bearer token with X-Property-Id records too", async () => {
    const t = await makePropertyTenant(h);
    const p = await player(t);
    const response = await post(t, { player_id: p.id, name: 'visit' }, t.userHeaders);
    expect(response.statusCode, response.body).toBe(201);
  });
});

describe("the player's timeline and the player.event event", () => {
  it('shows casino events beside plays in GET /api/players/{id}/activity', async () => {
    const c = await makeCasino(h);
    const t = {
      property: c.property,
      keyHeaders: c.pk,
    } as unknown as PropertyTenant;
    const id = await addPlayer(h, c, 'CASINO-9');
    await playSession(h, c, { metadata: { player_id: 'CASINO-9', property_id: c.property.id } });
    await dispatchEvents(h, c.t.org.id);
    const visit = await recorded(t, {
      player_id: 'CASINO-9',
      name: 'visit',
      properties: { door: 'north' },
    });
    // The activity consumer leaves player.event alone: the event is on the timeline once.
    await dispatchEvents(h, c.t.org.id);
    const response = await h.inject({
      method: 'GET',
      url: `/api/players/${id}/activity?limit=200`,
      headers: c.pk,
    });
    expect(response.statusCode, response.body).toBe(200);
    const rows = json<{
      data: { event_id: string; type: string; occurred_at: string; summary: unknown }[];
    }>(response).data;
    expect(rows[0]).toEqual({
      event_id: visit.id,
      type: 'event.visit',
      occurred_at: visit.occurred_at,
      game_id: null,
      stream_id: null,
      session_id: null,
      play_id: null,
      summary: { name: 'visit', properties: { door: 'north' } },
    });
    expect(rows.filter((row) => row.type === 'event.visit')).toHaveLength(1);
    expect(rows.map((row) => row.type)).toEqual(
      expect.arrayContaining(['play.started', 'play.completed', 'prize.won']),
    );
  });

  it('records one player.event per stored event, valid against the catalog', async () => {
    const t = await makePropertyTenant(h);
    const p = await player(t, 'EV-1');
    const at = new Date(NOW.getTime() - 60_000).toISOString();
    const event = await recorded(t, {
      player_id: 'EV-1',
      name: 'deposit',
      properties: { amount: 100 },
      occurred_at: at,
      event_id: 'dep-77',
    });
    const domain = await onlyEvent(h, { propertyId: t.property.id }, 'player.event');
    expect(domain).toMatchObject({
      version: 1,
      org_id: t.org.id,
      property_id: t.property.id,
      occurred_at: at,
      data: {
        property_id: t.property.id,
        id: p.id,
        player_id: p.id,
        casino_player_id: 'EV-1',
        event_id: event.id,
        name: 'deposit',
        properties: { amount: 100 },
      },
    });
    expect(new Date(domain.data.occurred_at as string).toISOString()).toBe(at);
    // A repeat of the event_id writes no second event.
    expect(
      (await post(t, { player_id: 'EV-1', name: 'deposit', event_id: 'dep-77' })).statusCode,
    ).toBe(200);
    expect(await playerEvents(t)).toHaveLength(1);
  });

  it("erases a player's events, their timeline rows and player.event events with the player", async () => {
    const t = await makePropertyTenant(h);
    const p = await player(t, 'ERASE-1');
    await recorded(t, { player_id: p.id, name: 'visit', properties: { note: 'private' } });
    const erased = await h.inject({
      method: 'POST',
      url: '/api/functions/delete-player-data',
      headers: t.keyHeaders,
      payload: { player_id: 'ERASE-1' },
    });
    expect(erased.statusCode, erased.body).toBe(200);
    expect(await storedRows(t)).toEqual([]);
    expect(await playerEvents(t)).toEqual([]);
    const timeline = await h.deps.database.db
      .selectFrom('player_activity')
      .select('id')
      .where('player_id', '=', p.id)
      .execute();
    expect(timeline).toEqual([]);
  });

  it("deletes a player's events with the player", async () => {
    const t = await makePropertyTenant(h);
    const p = await player(t, 'GONE-1');
    await recorded(t, { player_id: p.id, name: 'visit' });
    const deleted = await h.inject({
      method: 'DELETE',
      url: '/api/players/GONE-1',
      headers: t.keyHeaders,
    });
    expect(deleted.statusCode, deleted.body).toBeLessThan(300);
    expect(await storedRows(t)).toEqual([]);
  });
});
