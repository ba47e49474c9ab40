import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCliJson } from '../../../test/cli.ts';
import { makePropertyTenant, type PropertyTenant } from '../../../test/factories.ts';
import {
  createHarness,
  expectError,
  type Harness,
  json,
  onPostgres,
} from '../../../test/harness.ts';
import { writeQuotaDefaults } from './properties.repo.ts';
import {
  getPropertyUsage,
  QUOTA_SQLSTATE,
  recountPropertyUsage,
  setPropertyQuota,
} from './index.ts';

/**
 * Issue 9 item 12d: a per-property storage quota (rows and bytes of players), kept and enforced
 * by the database in the writing statement itself.
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

const players = (prefix: string, n: number, extra: Record<string, unknown> = {}) =>
  Array.from({ length: n }, (_, i) => ({ player_id: `${prefix}${i}`, ...extra }));

function insert(t: PropertyTenant, payload: object | object[], app: Harness = h) {
  return app.inject({ method: 'POST', url: '/api/players', headers: t.keyHeaders, payload });
}

function upsert(t: PropertyTenant, rows: object[]) {
  return h.inject({
    method: 'POST',
    url: '/api/players/batch',
    headers: t.keyHeaders,
    payload: { players: rows },
  });
}

/**
 * count(*) and the byte measure recounted from the table (the triggers' settings pinned): each
 * row's text without the server-set play profile (player_stored_bytes, migration 20261207100000).
 */
async function recount(propertyId: string): Promise<{ rows: number; bytes: number }> {
  return h.deps.database.db.transaction().execute(async (trx) => {
    await sql`SET LOCAL TimeZone = 'UTC'`.execute(trx);
    await sql`SET LOCAL DateStyle = 'ISO, MDY'`.execute(trx);
    const { rows } = await sql<{ rows: number; bytes: number }>`
      SELECT count(*)::int AS rows, coalesce(sum(player_stored_bytes(p)), 0)::bigint AS bytes
        FROM players p WHERE p.property_id = ${propertyId}`.execute(trx);
    return rows[0] ?? { rows: -1, bytes: -1 };
  });
}

async function expectUsageExact(propertyId: string) {
  const usage = await getPropertyUsage(h.deps, propertyId);
  expect({ rows: usage.rows, bytes: usage.bytes }).toEqual(await recount(propertyId));
  return usage;
}

function quotaDetails(body: unknown) {
  return (body as { details: { what: string; limit: number; used: number; requested: number } })
    .details;
}

describe('property storage quota', () => {
  it('accepts players up to max_rows and refuses the write that would pass it, writing nothing of it', async () => {
    const t = await makePropertyTenant(h);
    await setPropertyQuota(h.deps, t.property.id, { maxRows: 100 });
    expect((await insert(t, players('a', 60))).statusCode).toBe(201);

    const over = await insert(t, players('b', 41));
    const body = expectError(over, 403, 'quota_exceeded');
    expect(quotaDetails(body)).toEqual({ what: 'rows', limit: 100, used: 60, requested: 41 });
    expect((await recount(t.property.id)).rows).toBe(60);

    expect((await insert(t, players('b', 40))).statusCode).toBe(201);
    expect((await recount(t.property.id)).rows).toBe(100);
    // The 101st, by every write path that can add a player.
    expectError(await insert(t, { player_id: 'c1' }), 403, 'quota_exceeded');
    expectError(await upsert(t, [{ player_id: 'c1' }]), 403, 'quota_exceeded');
    const mixed = await upsert(t, [{ player_id: 'a0', tier: 'Gold' }, { player_id: 'c2' }]);
    expectError(mixed, 403, 'quota_exceeded');
    const stored = await h.inject({
      method: 'GET',
      url: '/api/players?player_id=eq.a0',
      headers: t.keyHeaders,
    });
    expect(json<{ data: { tier: string | null }[] }>(stored).data[0]?.tier).toBeNull();
    expect(await expectUsageExact(t.property.id)).toMatchObject({ rows: 100, max_rows: 100 });
  });

  it('lets a batch upsert of existing players through when the property is full', async () => {
    const t = await makePropertyTenant(h);
    await setPropertyQuota(h.deps, t.property.id, { maxRows: 100 });
    expect((await insert(t, players('p', 100))).statusCode).toBe(201);
    const response = await upsert(t, players('p', 100, { tier: 'Gold', first_name: 'Ann' }));
    expect(response.statusCode, response.body).toBe(200);
    expect(json<{ data: object }>(response).data).toEqual({
      inserted: 0,
      updated: 100,
      errors: [],
    });
    expect(await expectUsageExact(t.property.id)).toMatchObject({ rows: 100 });
  });

  it('frees quota when players are deleted', async () => {
    const t = await makePropertyTenant(h);
    await setPropertyQuota(h.deps, t.property.id, { maxRows: 10 });
    const created = await insert(t, players('d', 10));
    const ids = json<{ data: { id: string }[] }>(created).data.map((row) => row.id);
    expectError(await insert(t, { player_id: 'new1' }), 403, 'quota_exceeded');

    const one = await h.inject({
      method: 'DELETE',
      url: `/api/players/${ids[0]}`,
      headers: t.keyHeaders,
    });
    expect(one.statusCode).toBe(200);
    expect((await insert(t, { player_id: 'new1' })).statusCode).toBe(201);

    const some = await h.inject({
      method: 'DELETE',
      url: '/api/players?player_id=in.(d1,d2,d3)',
      headers: t.keyHeaders,
    });
    expect(some.statusCode).toBe(200);
    expect((await insert(t, players('new-', 3))).statusCode).toBe(201);
    expect(await expectUsageExact(t.property.id)).toMatchObject({ rows: 10 });
  });

  it('refuses a write that would pass max_bytes, whether it adds a player or grows one', async () => {
    const t = await makePropertyTenant(h);
    expect((await insert(t, players('s', 5))).statusCode).toBe(201);
    const before = await expectUsageExact(t.property.id);
    await setPropertyQuota(h.deps, t.property.id, { maxBytes: before.bytes + 4000 });
    const big = { blob: 'x'.repeat(8000) };

    const add = await insert(t, { player_id: 'big', traits: big });
    expect(quotaDetails(expectError(add, 403, 'quota_exceeded'))).toMatchObject({
      what: 'bytes',
      limit: before.bytes + 4000,
      used: before.bytes,
    });
    const grow = await h.inject({
      method: 'PATCH',
      url: '/api/players?player_id=eq.s1',
      headers: t.keyHeaders,
      payload: { traits: big },
    });
    expectError(grow, 403, 'quota_exceeded');
    expectError(await upsert(t, [{ player_id: 's2', traits: big }]), 403, 'quota_exceeded');
    expect(await expectUsageExact(t.property.id)).toMatchObject({ rows: 5, bytes: before.bytes });

    // Small writes still fit, and shrinking a player is always allowed.
    expect((await insert(t, { player_id: 'small', traits: { a: 1 } })).statusCode).toBe(201);
    await setPropertyQuota(h.deps, t.property.id, { maxBytes: 0 });
    const shrink = await h.inject({
      method: 'PATCH',
      url: '/api/players?player_id=eq.small',
      headers: t.keyHeaders,
      payload: { traits: {} },
    });
    expect(shrink.statusCode, shrink.body).toBe(200);
    await expectUsageExact(t.property.id);
  });

  it('never ends above the quota under many concurrent writers, in several processes', async () => {
    const t = await makePropertyTenant(h);
    await setPropertyQuota(h.deps, t.property.id, { maxRows: 50 });
    // 40 requests of 3 players each (120 asked for), spread over two servers on PostgreSQL.
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        insert(t, players(`r${i}-`, 3), i % 2 === 1 && other ? other : h),
      ),
    );
    const statuses = responses.map((response) => response.statusCode);
    expect(statuses.filter((s) => s !== 201 && s !== 403)).toEqual([]);
    // Every request adds 3, so exactly floor(50 / 3) fit, whatever the order.
    expect(statuses.filter((s) => s === 201)).toHaveLength(16);
    const counted = await recount(t.property.id);
    expect(counted.rows).toBe(48);
    expect(await expectUsageExact(t.property.id)).toMatchObject({ rows: 48, max_rows: 50 });
  });

  it.runIf(onPostgres)(
    'does not deadlock a batch upsert of several shapes with a concurrent writer of one of its players',
    async () => {
      const t = await makePropertyTenant(h);
      expect((await insert(t, [{ player_id: 'P' }, { player_id: 'X' }])).statusCode).toBe(201);
      const b = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await b.connect();
      try {
        // B holds player X's row lock (and, so far, nothing else).
        await b.query('BEGIN');
        const bPid = (await b.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]
          ?.pid;
        await b.query(
          `SELECT 1 FROM players WHERE property_id = $1 AND player_id = 'X' FOR UPDATE`,
          [t.property.id],
        );
        // Two shapes (P sets email, X sets tier): it writes P, then waits for X.
        const batch = upsert(t, [
          { player_id: 'P', email: 'p@example.test' },
          { player_id: 'X', tier: 'Gold' },
        ]);
        for (let waited = 0; ; waited += 1) {
          const { rows } = await sql<{ n: number }>`
            SELECT count(*)::int AS n FROM pg_stat_activity
             WHERE ${bPid}::int = ANY (pg_blocking_pids(pid))`.execute(h.deps.database.db);
          if ((rows[0]?.n ?? 0) > 0) break;
          if (waited > 500) throw new Error('the batch upsert never waited for player X');
          await new Promise((resolve) => setImmediate(resolve));
        }
        // B now grows X: its quota trigger needs the property's usage row. Had the batch
        // taken that row's lock for P in an earlier statement, the two would deadlock.
        await b.query(
          `UPDATE players SET first_name = 'A much longer first name'
            WHERE property_id = $1 AND player_id = 'X'`,
          [t.property.id],
        );
        await b.query('COMMIT');
        const response = await batch;
        expect(response.statusCode, response.body).toBe(200);
        expect(json<{ data: object }>(response).data).toEqual({
          inserted: 0,
          updated: 2,
          errors: [],
        });
      } finally {
        await b.end();
      }
      expect(await expectUsageExact(t.property.id)).toMatchObject({ rows: 2 });
    },
  );

  it('leaves other properties unaffected by a full one', async () => {
    const full = await makePropertyTenant(h);
    const free = await makePropertyTenant(h);
    await setPropertyQuota(h.deps, full.property.id, { maxRows: 1, maxBytes: 1 });
    expectError(await insert(full, { player_id: 'x' }), 403, 'quota_exceeded');
    expect((await insert(free, players('f', 20))).statusCode).toBe(201);
    const freeUsage = await expectUsageExact(free.property.id);
    expect(freeUsage.rows).toBe(20);
    expect(await getPropertyUsage(h.deps, full.property.id)).toMatchObject({ rows: 0, bytes: 0 });
  });

  it('keeps usage equal to count(*) and the byte measure after a mix of writes, and shows it', async () => {
    const t = await makePropertyTenant(h);
    const created = await insert(t, players('m', 30, { email: 'm@example.test' }));
    const ids = json<{ data: { id: string }[] }>(created).data.map((row) => row.id);
    const writes = [
      await upsert(t, [
        ...players('m', 10, { tier: 'Platinum', traits: { note: 'a longer note than before' } }),
        ...players('n', 10, { first_name: 'New' }),
      ]),
      await h.inject({
        method: 'PATCH',
        url: `/api/players/${ids[20]}`,
        headers: t.keyHeaders,
        payload: { email: null, last_name: 'Longer-Last-Name' },
      }),
      await h.inject({
        method: 'PATCH',
        url: '/api/players?tier=eq.Platinum',
        headers: t.keyHeaders,
        payload: { tier: 'Gold' },
      }),
      await h.inject({
        method: 'DELETE',
        url: '/api/players?player_id=like.n*',
        headers: t.keyHeaders,
      }),
      await h.inject({ method: 'DELETE', url: `/api/players/${ids[29]}`, headers: t.keyHeaders }),
    ];
    expect(writes.map((response) => response.statusCode)).toEqual([200, 200, 200, 200, 200]);

    const usage = await expectUsageExact(t.property.id);
    expect(usage.rows).toBe(29);
    expect(usage.bytes).toBeGreaterThan(0);

    const list = await h.inject({
      method: 'GET',
      url: `/api/properties?org_id=${t.org.id}`,
      headers: t.owner.auth,
    });
    expect(list.statusCode).toBe(200);
    const [shown] = json<{ data: { id: string; usage: object }[] }>(list).data;
    expect(shown?.id).toBe(t.property.id);
    expect(shown?.usage).toEqual(usage);
  });

  it('counts a new property from zero against the install default until it gets its own limits', async () => {
    const t = await makePropertyTenant(h);
    const defaults = await h.deps.database.db
      .selectFrom('property_quota_defaults')
      .select(['max_rows', 'max_bytes'])
      .executeTakeFirstOrThrow();
    const usage = await getPropertyUsage(h.deps, t.property.id);
    expect(usage).toEqual({
      rows: 0,
      bytes: 0,
      max_rows: Number(defaults.max_rows),
      max_bytes: Number(defaults.max_bytes),
    });
    await setPropertyQuota(h.deps, t.property.id, { maxRows: 7 });
    expect(await getPropertyUsage(h.deps, t.property.id)).toMatchObject({ max_rows: 7 });
    await setPropertyQuota(h.deps, t.property.id, { maxRows: null });
    expect(await getPropertyUsage(h.deps, t.property.id)).toMatchObject({
      max_rows: Number(defaults.max_rows),
    });
  });

  it('enforces the install default on properties without their own limits', async () => {
    const t = await makePropertyTenant(h);
    // In a transaction that is rolled back: the default is shared by every test file.
    const attempt = h.deps.database.db.transaction().execute(async (trx) => {
      await writeQuotaDefaults(trx, 2, Number.MAX_SAFE_INTEGER);
      await sql`INSERT INTO players (id, property_id, player_id)
                VALUES (gen_random_uuid(), ${t.property.id}, 'a'),
                       (gen_random_uuid(), ${t.property.id}, 'b')`.execute(trx);
      await sql`INSERT INTO players (id, property_id, player_id)
                VALUES (gen_random_uuid(), ${t.property.id}, 'c')`.execute(trx);
    });
    await expect(attempt).rejects.toMatchObject({ code: QUOTA_SQLSTATE });
    expect(await expectUsageExact(t.property.id)).toMatchObject({ rows: 0 });
  });

  it('recounts usage that drifted (a column change, a hand edit) back to the table', async () => {
    const t = await makePropertyTenant(h);
    expect((await insert(t, players('c', 4, { traits: { k: 'v' } }))).statusCode).toBe(201);
    const exact = await getPropertyUsage(h.deps, t.property.id);
    await h.deps.database.db
      .updateTable('property_usage')
      .set({ rows: 999, bytes: 1 })
      .where('property_id', '=', t.property.id)
      .execute();
    expect(await recountPropertyUsage(h.deps, t.property.id)).toBe(1);
    expect(await expectUsageExact(t.property.id)).toEqual(exact);
    expect(await recountPropertyUsage(h.deps, t.property.id)).toBe(0);
  });

  it('answers 404 for an unknown property and 400 for a negative limit', async () => {
    await expect(
      setPropertyQuota(h.deps, '00000000-0000-4000-8000-000000000000', { maxRows: 1 }),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(setPropertyQuota(h.deps, 'nope', {})).rejects.toMatchObject({
      code: 'not_found',
    });
    const t = await makePropertyTenant(h);
    await expect(setPropertyQuota(h.deps, t.property.id, { maxRows: -1 })).rejects.toMatchObject({
      code: 'validation_failed',
    });
  });
});

describe('npm run cli -- property set-quota', () => {
  it('lets an operator set, show and reset a property quota, which the CSV import then meets', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'playloop-quota-'));
    try {
      const dataDir = join(dir, 'data');
      const org = await runCliJson<{ id: number }>(
        dataDir,
        `org create --name Quota --slug quota-${randomBytes(5).toString('hex')}`,
      );
      const property = await runCliJson<{ id: string }>(
        dataDir,
        `property create --org ${org.id} --name Q`,
      );
      const set = await runCliJson<Record<string, unknown>>(
        dataDir,
        `property set-quota --property ${property.id} --rows 2 --bytes 1000000`,
      );
      expect(set).toEqual({
        property_id: property.id,
        rows: 0,
        bytes: 0,
        max_rows: 2,
        max_bytes: 1_000_000,
      });

      const csv = join(dir, 'three.csv');
      writeFileSync(csv, 'player_id,email\nA1,a1@example.test\nA2,\nA3,\n');
      const refused = await runCli(dataDir, [
        'players',
        'import',
        '--property',
        property.id,
        '--file',
        csv,
      ]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain("error: The property's storage quota is used up: 0 of 2");

      const reset = await runCliJson<{ max_rows: number }>(
        dataDir,
        `property set-quota --property ${property.id} --rows default`,
      );
      expect(reset.max_rows).toBeGreaterThan(2);
      const bad = await runCli(dataDir, `property set-quota --property ${property.id} --rows lots`);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('--rows must be a whole number from 0 or "default"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
