import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePropertyTenant, type PropertyTenant } from '../../../test/factories.ts';
import {
  createHarness,
  expectError,
  type Harness,
  json,
  onPostgres,
} from '../../../test/harness.ts';
import { ESTIMATE_EXACT_UP_TO } from '../../lib/table-query.ts';

/**
 * Issue 10, "counts that stay fast": the quickstart list's exact totalCount comes from
 * per-property, per-status counters kept by triggers in the writes' transactions
 * (migration 20261206140000); other filters are counted exactly up to a threshold and
 * estimated beyond it, and the answer says which kind of count it is.
 */

let h: Harness;
/** On PostgreSQL, a second app with its own connection pool: a second server process. */
let other: Harness | undefined;

beforeAll(async () => {
  h = await createHarness();
  if (onPostgres) other = await createHarness();
});

afterAll(async () => {
  await other?.close();
  await h.close();
});

const STATUSES = ['active', 'inactive', 'banned', 'self_excluded'] as const;

interface ListBody {
  data: { player_id: string; status: string }[];
  totalCount: number | null;
  countType: string | null;
}

const list = (t: PropertyTenant, query: string, headers: Record<string, string> = {}) =>
  h.inject({
    method: 'GET',
    url: `/api/players?${query}`,
    headers: { ...t.keyHeaders, ...headers },
  });

/** count(*) per status, from the table. */
async function counted(propertyId: string): Promise<Record<string, number>> {
  const { rows } = await sql<{ status: string; n: number }>`
    SELECT status, count(*)::int AS n FROM players
     WHERE property_id = ${propertyId}::uuid GROUP BY status`.execute(h.deps.database.db);
  return Object.fromEntries(rows.map((row) => [row.status, row.n]));
}

/** The kept counters of a property (zero rows left out). */
async function kept(propertyId: string): Promise<Record<string, number>> {
  const { rows } = await sql<{ status: string; n: number }>`
    SELECT status, n::int AS n FROM property_player_counts
     WHERE property_id = ${propertyId}::uuid AND n <> 0`.execute(h.deps.database.db);
  return Object.fromEntries(rows.map((row) => [row.status, row.n]));
}

async function expectCountsExact(propertyId: string): Promise<Record<string, number>> {
  const actual = await counted(propertyId);
  expect(await kept(propertyId)).toEqual(actual);
  return actual;
}

/** Inserts `n` players straight into the table (the triggers still run). */
async function seed(propertyId: string, n: number, prefix: string, tier = 'Gold') {
  await sql`
    INSERT INTO players (id, property_id, player_id, status, tier)
    SELECT gen_random_uuid(), ${propertyId}::uuid, ${prefix} || i,
           (ARRAY['active', 'active', 'inactive', 'banned', 'self_excluded'])[1 + i % 5], ${tier}
      FROM generate_series(1, ${n}::int) AS i`.execute(h.deps.database.db);
}

describe('kept player counts', () => {
  it('stay exact after a parallel burst of inserts, deletes, status changes and batch upserts', async () => {
    const t = await makePropertyTenant(h);
    const u = await makePropertyTenant(h);
    await seed(t.property.id, 200, 's');
    await seed(u.property.id, 50, 's');
    await expectCountsExact(t.property.id);

    const app = (i: number) => (i % 2 === 1 && other ? other : h);
    const headers = t.keyHeaders;
    const status = (i: number) => STATUSES[i % STATUSES.length];
    const requests: Promise<LightMyRequestResponse>[] = [];
    for (let i = 0; i < 12; i += 1) {
      // Inserts of several statuses in one statement.
      requests.push(
        app(i).inject({
          method: 'POST',
          url: '/api/players',
          headers,
          payload: Array.from({ length: 5 }, (_, k) => ({
            player_id: `n${i}-${k}`,
            status: status(i + k),
          })),
        }),
      );
      // Batch upserts: new players and status changes of existing ones, several shapes.
      requests.push(
        app(i + 1).inject({
          method: 'POST',
          url: '/api/players/batch',
          headers,
          payload: {
            players: [
              { player_id: `s${i * 10 + 1}`, status: status(i + 1) },
              { player_id: `s${i * 10 + 2}`, status: status(i + 2), tier: 'Silver' },
              { player_id: `b${i}`, status: status(i + 3) },
              { player_id: `s${i * 10 + 3}`, email: `p${i}@example.test` },
            ],
          },
        }),
      );
      // Status changes of many rows at once (overlapping the upserts' rows).
      requests.push(
        app(i).inject({
          method: 'PATCH',
          url: `/api/players?player_id=like.s${i + 1}*`,
          headers,
          payload: { status: status(i + 2) },
        }),
      );
      // Deletes.
      requests.push(
        app(i + 1).inject({
          method: 'DELETE',
          url: `/api/players?player_id=in.(s${150 + i},s${170 + i},s${i * 10 + 4})`,
          headers,
        }),
      );
    }
    // Statements touching two properties at once (lock order across properties).
    const direct = Array.from({ length: 6 }, (_, i) =>
      sql`UPDATE players SET status = ${status(i)}
           WHERE property_id IN (${t.property.id}::uuid, ${u.property.id}::uuid)
             AND player_id IN (${`s${30 + i}`}, ${`s${40 + i}`})`.execute(
        (i % 2 === 1 && other ? other : h).deps.database.db,
      ),
    );
    const responses = await Promise.all(requests);
    await Promise.all(direct);
    // Statements writing overlapping players in different orders may deadlock on the players'
    // rows (PostgreSQL picks one, rolled back whole: 503, retry). That is the rows' own lock
    // order, never the counters': no deadlock or failure may come from the count or usage rows.
    const failed = responses.filter((r) => r.statusCode >= 300);
    for (const response of failed) expectError(response, 503, 'service_unavailable');
    const races = [h, other]
      .flatMap((server) => server?.logs().split('\n') ?? [])
      .filter((line) => line.includes('lost a race'));
    expect(races.length).toBe(failed.length);
    for (const race of races) {
      expect(race).toContain('"code":"40P01"');
      expect(race).not.toMatch(/property_usage|property_player_counts|_apply\(\)/);
    }

    const actual = await expectCountsExact(t.property.id);
    await expectCountsExact(u.property.id);
    expect(Object.values(actual).reduce((a, b) => a + b, 0)).toBeGreaterThan(200);
    // The API answers the same exact numbers.
    for (const s of STATUSES) {
      const body = json<ListBody>(await list(t, `status.eq=${s}&order=created_at.desc&limit=5`));
      expect({ s, n: body.totalCount, type: body.countType }).toEqual({
        s,
        n: actual[s] ?? 0,
        type: 'exact',
      });
    }
    // Nothing to repair.
    const { rows } = await sql<{ changed: number }>`
      SELECT property_player_counts_recount() AS changed`.execute(h.deps.database.db);
    expect(rows[0]?.changed).toBe(0);
  });

  it('answer the quickstart with an exact count read from the counters, in both filter syntaxes', async () => {
    const t = await makePropertyTenant(h);
    await seed(t.property.id, 100, 'q');
    const { active = 0 } = await expectCountsExact(t.property.id);
    expect(active).toBe(40);

    const quickstart = await list(t, 'status.eq=active&order=created_at.desc&limit=25');
    expect(quickstart.statusCode, quickstart.body).toBe(200);
    expect(json<ListBody>(quickstart)).toMatchObject({ totalCount: 40, countType: 'exact' });
    expect(json<ListBody>(quickstart).data).toHaveLength(25);
    expect(quickstart.headers['content-range']).toBe('0-24/40');

    const postgrest = await list(t, 'status=eq.active&order=player_id.asc&limit=10&offset=30');
    expect(json<ListBody>(postgrest)).toMatchObject({ totalCount: 40, countType: 'exact' });
    expect(postgrest.headers['content-range']).toBe('30-39/40');
    // Past the end: no rows, the count still exact.
    const past = await list(t, 'status.eq=active&offset=500');
    expect(json<ListBody>(past)).toMatchObject({ data: [], totalCount: 40, countType: 'exact' });
    expect(past.headers['content-range']).toBe('*/40');
    const all = await list(t, 'limit=1');
    expect(json<ListBody>(all)).toMatchObject({ totalCount: 100, countType: 'exact' });
    const two = await list(t, 'status=in.(banned,inactive)&limit=1');
    expect(json<ListBody>(two)).toMatchObject({ totalCount: 40, countType: 'exact' });
    const none = await list(t, 'status.eq=active&limit=1&count=none');
    expect(json<ListBody>(none)).toMatchObject({ totalCount: null, countType: null });
    expect(none.headers['content-range']).toBe('0-0/*');

    // The number comes from the counters, not from counting rows: a counter moved by hand
    // shows, and the recount puts it back.
    await sql`UPDATE property_player_counts SET n = n + 1000
               WHERE property_id = ${t.property.id}::uuid AND status = 'active'`.execute(
      h.deps.database.db,
    );
    expect(json<ListBody>(await list(t, 'status.eq=active&limit=1')).totalCount).toBe(1040);
    const { rows } = await sql<{ changed: number }>`
      SELECT property_player_counts_recount(${t.property.id}::uuid) AS changed`.execute(
      h.deps.database.db,
    );
    expect(rows[0]?.changed).toBe(1);
    expect(json<ListBody>(await list(t, 'status.eq=active&limit=1')).totalCount).toBe(40);
    // Another property's players are not in it.
    const u = await makePropertyTenant(h);
    expect(json<ListBody>(await list(u, 'status.eq=active'))).toMatchObject({
      totalCount: 0,
      countType: 'exact',
    });
  });

  it('count other filters exactly below the threshold, estimate above it, and count=exact insists', async () => {
    const t = await makePropertyTenant(h);
    const n = ESTIMATE_EXACT_UP_TO + 50;
    await seed(t.property.id, n, 'g', 'Gold');
    await seed(t.property.id, 30, 'p', 'Platinum');

    const small = await list(t, 'tier.eq=Platinum&limit=5');
    expect(json<ListBody>(small)).toMatchObject({ totalCount: 30, countType: 'exact' });

    const large = await list(t, 'tier.eq=Gold&order=created_at.desc&limit=25');
    expect(large.statusCode, large.body).toBe(200);
    const estimated = json<ListBody>(large);
    expect(estimated.countType).toBe('planned');
    expect(estimated.totalCount).toBeGreaterThan(ESTIMATE_EXACT_UP_TO);
    expect(large.headers['content-range']).toBe(`0-24/${estimated.totalCount}`);

    const exact = await list(t, 'tier.eq=Gold&order=created_at.desc&limit=25&count=exact');
    expect(json<ListBody>(exact)).toMatchObject({ totalCount: n, countType: 'exact' });
    expect(exact.headers['content-range']).toBe(`0-24/${n}`);
    const preferred = await list(t, 'tier.eq=Gold&limit=1', { prefer: 'count=exact' });
    expect(json<ListBody>(preferred)).toMatchObject({ totalCount: n, countType: 'exact' });
    const planned = await list(t, 'tier.eq=Platinum&limit=1&count=planned');
    expect(json<ListBody>(planned).countType).toBe('planned');

    // A status filter with anything else is not the counters' shape: counted like any filter.
    const mixed = await list(t, 'status.eq=active&tier.eq=Platinum&limit=1');
    expect(json<ListBody>(mixed)).toMatchObject({ totalCount: 12, countType: 'exact' });
    const searched = await list(t, 'status.eq=active&q=p1&limit=1&count=exact');
    expect(json<ListBody>(searched).countType).toBe('exact');
    // Bad count values stay a 400.
    expectError(await list(t, 'status.eq=active&count=sometimes'), 400, 'validation_failed');
  });

  it('go with a deleted property (its players deleted by cascade)', async () => {
    const t = await makePropertyTenant(h);
    await seed(t.property.id, 20, 'd');
    expect(await expectCountsExact(t.property.id)).toMatchObject({ active: 8 });
    await sql`DELETE FROM properties WHERE id = ${t.property.id}::uuid`.execute(h.deps.database.db);
    expect(await counted(t.property.id)).toEqual({});
    expect(await kept(t.property.id)).toEqual({});
  });
});
