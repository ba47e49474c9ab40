import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsOf } from '../../../test/events.ts';
import { createHarness, expectError, type Harness, json } from '../../../test/harness.ts';
import {
  addPlayer,
  type Casino,
  dispatchEvents,
  makeCasino,
  playSession,
  undispatch,
} from '../../../test/return-path.ts';
import { getPropertyUsage, setPropertyQuota } from '../properties/index.ts';

// The return path: a campaign session naming a PlayerOS player attaches its plays to that
// player (timeline and play profile), once, whatever the dispatcher retries.

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
});

interface Profile {
  plays: number;
  last_score: number | null;
  last_played_at: string | null;
  prizes_won: number;
  updated_at: string;
}

interface Activity {
  event_id: string;
  type: string;
  occurred_at: string;
  play_id: number | null;
  summary: Record<string, unknown>;
}

async function profileOf(c: Casino, id: string): Promise<Profile> {
  const response = await h.inject({ method: 'GET', url: `/api/players/${id}`, headers: c.pk });
  expect(response.statusCode, response.body).toBe(200);
  return json<{ data: Profile }>(response).data;
}

const activity = (c: Casino, id: string, query = '') =>
  h.inject({ method: 'GET', url: `/api/players/${id}/activity${query}`, headers: c.pk });

async function timeline(c: Casino, id: string): Promise<Activity[]> {
  const response = await activity(c, id, '?limit=200');
  expect(response.statusCode, response.body).toBe(200);
  return json<{ data: Activity[] }>(response).data;
}

const campaign = (c: Casino, playerId: string) => ({
  metadata: { player_id: playerId, property_id: c.property.id, campaign: 'june' },
});

describe('the return path', () => {
  it('attaches a campaign play to the player its metadata names: profile, filter, timeline', async () => {
    const c = await makeCasino(h);
    const id = await addPlayer(h, c, '100234');
    await addPlayer(h, c, '100235');
    const played = await playSession(h, c, campaign(c, '100234'));
    await dispatchEvents(h, c.t.org.id);

    const profile = await profileOf(c, '100234');
    expect(profile).toMatchObject({ plays: 1, last_score: played.score, prizes_won: 1 });
    expect(profile.last_played_at).toBe(h.clock.now().toISOString());

    const listed = await h.inject({
      method: 'GET',
      url: '/api/players?plays.gte=1&select=id,player_id,plays,prizes_won',
      headers: c.pk,
    });
    expect(json<{ data: unknown[] }>(listed).data).toEqual([
      { id, player_id: '100234', plays: 1, prizes_won: 1 },
    ]);

    const rows = await timeline(c, id);
    expect(rows.map((row) => row.type)).toEqual([
      'prize.claimed',
      'prize.won',
      'play.completed',
      'play.started',
    ]);
    expect(rows.every((row) => row.play_id === played.playId)).toBe(true);
    expect(rows[2]?.summary).toEqual({
      score: played.score,
      outcome: 'finished',
      duration_ms: 1_000,
      template: 'spin-wheel',
    });
    expect(rows[1]?.summary).toMatchObject({ prize_name: 'Tote bag', prize_type: 'item' });
    const events = await eventsOf(h, { orgId: c.t.org.id }, 'play.completed');
    expect(rows[2]?.event_id).toBe(events[0]?.id);
  });

  it('writes no player.updated event and moves no updated_at for the play profile', async () => {
    const c = await makeCasino(h);
    await addPlayer(h, c, 'quiet');
    const before = await profileOf(c, 'quiet');
    await playSession(h, c, campaign(c, 'quiet'));
    await dispatchEvents(h, c.t.org.id);
    expect((await profileOf(c, 'quiet')).updated_at).toBe(before.updated_at);
    expect(await eventsOf(h, { propertyId: c.property.id }, 'player.updated')).toEqual([]);
  });

  it('keeps the latest score, counts every completed play and pages the timeline newest first', async () => {
    const c = await makeCasino(h);
    const id = await addPlayer(h, c, 'p-7');
    const scores: number[] = [];
    for (let i = 0; i < 3; i++) {
      h.clock.advance(60_000);
      scores.push((await playSession(h, c, campaign(c, 'p-7'), i !== 1)).score);
    }
    await dispatchEvents(h, c.t.org.id);
    expect(await profileOf(c, id)).toMatchObject({
      plays: 3,
      prizes_won: 3,
      last_score: scores[2],
      last_played_at: h.clock.now().toISOString(),
    });

    const all = await timeline(c, id);
    expect(all).toHaveLength(11);
    const times = all.map((row) => row.occurred_at);
    expect([...times].sort().reverse()).toEqual(times);
    const paged: Activity[] = [];
    let cursor: number | null = null;
    do {
      const response = await activity(c, 'p-7', `?limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      expect(response.statusCode, response.body).toBe(200);
      const page = json<{ data: Activity[]; next_cursor: number | null }>(response);
      expect(page.data.length).toBeLessThanOrEqual(4);
      paged.push(...page.data);
      cursor = page.next_cursor;
    } while (cursor !== null);
    expect(paged).toEqual(all);
  });

  it('changes nothing when the consumer runs again over the same events', async () => {
    const c = await makeCasino(h);
    const id = await addPlayer(h, c, '555');
    await playSession(h, c, campaign(c, '555'));
    await dispatchEvents(h, c.t.org.id);
    const profile = await profileOf(c, id);
    const rows = await timeline(c, id);

    await undispatch(h, c.t.org.id);
    await dispatchEvents(h, c.t.org.id);
    expect(await profileOf(c, id)).toEqual(profile);
    expect(await timeline(c, id)).toEqual(rows);
  });

  it('updates the profile of a player in a full property without touching its storage usage', async () => {
    const c = await makeCasino(h);
    await addPlayer(h, c, 'full');
    const usage = await getPropertyUsage(h.deps, c.property.id);
    await setPropertyQuota(h.deps, c.property.id, { maxBytes: usage.bytes });
    await playSession(h, c, campaign(c, 'full'));
    await dispatchEvents(h, c.t.org.id);
    expect(await profileOf(c, 'full')).toMatchObject({ plays: 1, prizes_won: 1 });
    expect((await getPropertyUsage(h.deps, c.property.id)).bytes).toBe(usage.bytes);
    const { rows } = await sql<{ changed: number }>`
      SELECT property_usage_recount(${c.property.id}) AS changed`.execute(h.deps.database.db);
    expect(rows[0]?.changed).toBe(0);
  });
});

describe('GET /api/players/{id}/activity', () => {
  it("answers an empty page for a player without plays and 404 for another property's player", async () => {
    const c = await makeCasino(h);
    const other = await makeCasino(h);
    const id = await addPlayer(h, c, 'none-yet');
    const theirs = await addPlayer(h, other, 'theirs');
    const empty = await activity(c, 'none-yet');
    expect(json(empty)).toEqual({ success: true, data: [], next_cursor: null });
    expectError(await activity(c, theirs), 404, 'not_found');
    expectError(await activity(c, 'theirs'), 404, 'not_found');
    expectError(await activity(other, id), 404, 'not_found');
  });

  it.each([
    ['limit=0'],
    ['limit=201'],
    ['limit=ten'],
    ['cursor=0'],
    ['cursor=abc'],
    ['cursor=1e21'],
  ])('answers 400 with the envelope for %s', async (query) => {
    const c = await makeCasino(h);
    await addPlayer(h, c, 'v');
    expectError(await activity(c, 'v', `?${query}`), 400, 'validation_failed');
  });
});

describe('the play profile', () => {
  it.each([
    ['PATCH /api/players/{id}', 'PATCH', '/api/players/w1', { plays: 5 }],
    ['PATCH /api/players?filter', 'PATCH', '/api/players?player_id=eq.w1', { last_score: 9 }],
    ['POST /api/players', 'POST', '/api/players', { player_id: 'w2', prizes_won: 1 }],
    ['POST /api/players (many)', 'POST', '/api/players', [{ player_id: 'w3', plays: 1 }]],
  ] as const)('cannot be written through %s (400)', async (_name, method, url, payload) => {
    const c = await makeCasino(h);
    await addPlayer(h, c, 'w1');
    const response = await h.inject({ method, url, headers: c.pk, payload });
    expectError(response, 400, 'validation_failed');
    expect(await profileOf(c, 'w1')).toMatchObject({ plays: 0, last_score: null, prizes_won: 0 });
  });

  it("counts a player's stored size (the quota) as its text without the play profile", async () => {
    const c = await makeCasino(h);
    await addPlayer(h, c, 'sized');
    await playSession(h, c, campaign(c, 'sized'));
    await dispatchEvents(h, c.t.org.id);
    // The row as it was before migration 20261207100000: every other column, in table order.
    const { rows: columns } = await sql<{ name: string }>`
      SELECT attname AS name FROM pg_attribute
       WHERE attrelid = 'players'::regclass AND attnum > 0 AND NOT attisdropped
         AND attname NOT IN ('last_played_at', 'plays', 'last_score', 'prizes_won')
       ORDER BY attnum`.execute(h.deps.database.db);
    const row = sql.join(columns.map(({ name }) => sql.ref(`p.${name}`)));
    const { rows } = await sql<{ before: number; measured: number }>`
      SELECT octet_length(ROW(${row})::text) AS before, player_stored_bytes(p) AS measured
        FROM players p WHERE p.property_id = ${c.property.id}`.execute(h.deps.database.db);
    expect(rows).toHaveLength(1);
    expect(Number(rows[0]?.measured)).toBe(rows[0]?.before);
  });

  it('is refused row by row in a batch upsert', async () => {
    const c = await makeCasino(h);
    const response = await h.inject({
      method: 'POST',
      url: '/api/players/batch',
      headers: c.pk,
      payload: { players: [{ player_id: 'b1', last_played_at: '2026-01-01T00:00:00Z' }] },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(json<{ data: { inserted: number; errors: unknown[] } }>(response).data).toMatchObject({
      inserted: 0,
      errors: [{ index: 0, player_id: 'b1' }],
    });
  });
});
