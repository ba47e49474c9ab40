import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unique } from '../../test/factories.ts';
import { createHarness, type Harness } from '../../test/harness.ts';
import type { DB } from '../db/schema.ts';
import { createOrganization } from '../modules/organizations/index.ts';
import { parseQuery, type RawQuery, type TableSpec } from './postgrest-filter.ts';
import {
  contentRange,
  deleteRows,
  ESTIMATE_EXACT_UP_TO,
  type Row,
  selectRows,
  type TableTarget,
  updateRows,
} from './table-query.ts';

/** The players table seen through a spec of the test's own. */
const spec: TableSpec = {
  columns: {
    id: { type: 'uuid' },
    property_id: { type: 'uuid' },
    player_id: { type: 'text', write: true },
    email: { type: 'text', write: true },
    first_name: { type: 'text', write: true },
    status: { type: 'text', write: true },
    tier: { type: 'text', write: true },
    adt: { type: 'numeric', write: true },
    date_of_birth: { type: 'date', write: true },
    traits: { type: 'jsonb', write: true },
    created_at: { type: 'timestamptz' },
    updated_at: { type: 'timestamptz' },
  },
  defaultLimit: 100,
  maxLimit: 1000,
  tiebreaker: 'id',
  search: true,
};

let h: Harness;
let orgId: number;

beforeAll(async () => {
  h = await createHarness();
  const org = await createOrganization(h.deps, {
    name: unique('Org'),
    slug: unique('org'),
    planTier: 'Business',
  });
  orgId = org.id;
});

afterAll(async () => {
  await h.close();
});

interface Seed {
  player_id: string;
  email?: string | null;
  first_name?: string | null;
  status?: string;
  tier?: string | null;
  adt?: number | null;
  date_of_birth?: string | null;
  created_at?: string;
}

const SEEDS: Seed[] = [
  { player_id: 'p1', email: 'ann@example.test', first_name: 'Ann', tier: 'Gold', adt: 250 },
  { player_id: 'p2', email: 'bob@example.test', first_name: 'Bob', tier: 'Silver', adt: 50.5 },
  { player_id: 'p3', email: null, first_name: "O'Brien", tier: 'Gold, Plus', adt: null },
  { player_id: 'p4', email: 'cy@example.test', first_name: 'Cy', status: 'banned', tier: null },
  { player_id: 'p5', email: 'dee@example.test', first_name: 'Dee_1', adt: 0, status: 'inactive' },
  { player_id: 'p6', email: 'eve@example.test', first_name: 'Eve%', date_of_birth: '1990-05-01' },
];

/** A property of its own with the seed players; returns its id. */
async function seedProperty(seeds: Seed[] = SEEDS): Promise<string> {
  const propertyId = randomUUID();
  const db = h.deps.database.db;
  await db.insertInto('properties').values({ id: propertyId, org_id: orgId, name: 'P' }).execute();
  if (seeds.length > 0) {
    await db
      .insertInto('players')
      .values(
        seeds.map((seed) => ({
          id: randomUUID(),
          property_id: propertyId,
          player_id: seed.player_id,
          email: seed.email ?? null,
          first_name: seed.first_name ?? null,
          status: seed.status ?? 'active',
          tier: seed.tier ?? null,
          adt: seed.adt ?? null,
          date_of_birth: seed.date_of_birth ?? null,
          ...(seed.created_at ? { created_at: seed.created_at } : {}),
        })),
      )
      .execute();
  }
  return propertyId;
}

const target = (propertyId: string): TableTarget<DB> => ({
  table: 'players',
  spec,
  tenantColumn: 'property_id',
  tenantValue: propertyId,
  touchColumn: 'updated_at',
  search: (q) => sql`first_name ILIKE ${`%${q}%`}`,
});

async function select(propertyId: string, query: RawQuery, prefer?: string) {
  return selectRows(h.deps.database.db, target(propertyId), parseQuery(spec, query, { prefer }));
}

async function ids(propertyId: string, query: RawQuery): Promise<string[]> {
  const result = await select(propertyId, { ...query, order: 'player_id' });
  return result.rows.map((row) => row.player_id as string);
}

describe('selectRows filters', () => {
  let propertyId: string;
  beforeAll(async () => {
    propertyId = await seedProperty();
  });

  it('applies each comparison operator', async () => {
    expect(await ids(propertyId, { 'tier.eq': 'Gold' })).toEqual(['p1']);
    expect(await ids(propertyId, { 'status.neq': 'active' })).toEqual(['p4', 'p5']);
    expect(await ids(propertyId, { 'adt.gt': '50.5' })).toEqual(['p1']);
    expect(await ids(propertyId, { 'adt.gte': '50.5' })).toEqual(['p1', 'p2']);
    expect(await ids(propertyId, { 'adt.lt': '50.5' })).toEqual(['p5']);
    expect(await ids(propertyId, { 'adt.lte': '50.5' })).toEqual(['p2', 'p5']);
    expect(await ids(propertyId, { 'date_of_birth.lt': '2000-01-01' })).toEqual(['p6']);
  });

  it('applies like and ilike with * as the wildcard', async () => {
    expect(await ids(propertyId, { 'email.like': '*@example.test' })).toEqual([
      'p1',
      'p2',
      'p4',
      'p5',
      'p6',
    ]);
    expect(await ids(propertyId, { 'first_name.like': 'a*' })).toEqual([]);
    expect(await ids(propertyId, { 'first_name.ilike': 'a*' })).toEqual(['p1']);
  });

  it('applies in lists, quoted items included, and an empty list matches nothing', async () => {
    expect(await ids(propertyId, { 'tier.in': '(Silver,"Gold, Plus")' })).toEqual(['p2', 'p3']);
    expect(await ids(propertyId, { tier: 'not.in.(Gold,Silver)' })).toEqual(['p3']);
    expect(await ids(propertyId, { 'tier.in': '()' })).toEqual([]);
    expect(await ids(propertyId, { 'first_name.in': `("O'Brien")` })).toEqual(['p3']);
  });

  it('applies is null and its negation', async () => {
    expect(await ids(propertyId, { 'email.is': 'null' })).toEqual(['p3']);
    expect(await ids(propertyId, { 'tier.not.is': 'null' })).toEqual(['p1', 'p2', 'p3']);
  });

  it('negates in both syntaxes, leaving NULLs out as SQL does', async () => {
    const expected = ['p2', 'p5'];
    expect(await ids(propertyId, { 'tier.not.eq': 'Gold' })).toEqual(
      await ids(propertyId, { tier: 'not.eq.Gold' }),
    );
    expect(await ids(propertyId, { 'adt.not.gt': '100' })).toEqual(expected);
  });

  it('ANDs filters together', async () => {
    expect(
      await ids(propertyId, { 'adt.gte': '0', 'adt.lt': ['100', '60'], status: 'eq.active' }),
    ).toEqual(['p2']);
  });

  it('treats quotes and SQL in values as plain text', async () => {
    expect(await ids(propertyId, { 'status.eq': "' or 1=1--" })).toEqual([]);
    expect(await ids(propertyId, { 'first_name.eq': "O'Brien" })).toEqual(['p3']);
    expect(await ids(propertyId, { 'first_name.like': "%'; DROP TABLE players; --" })).toEqual([]);
    const count = await h.deps.database.db
      .selectFrom('players')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('property_id', '=', propertyId)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(SEEDS.length);
  });

  it('runs the search hook for q, ANDed with the filters', async () => {
    expect(await ids(propertyId, { q: 'e' })).toEqual(['p3', 'p5', 'p6']);
    expect(await ids(propertyId, { q: 'e', 'status.eq': 'active' })).toEqual(['p3', 'p6']);
  });

  it('returns only the selected columns, as their types', async () => {
    const result = await select(propertyId, {
      select: 'player_id,adt,date_of_birth,traits',
      'player_id.eq': 'p6',
    });
    expect(result.rows).toEqual([
      { player_id: 'p6', adt: null, date_of_birth: '1990-05-01', traits: {} },
    ]);
    const gold = await select(propertyId, { select: 'adt', 'player_id.eq': 'p1' });
    expect(gold.rows).toEqual([{ adt: 250 }]);
  });
});

describe('selectRows paging and counts', () => {
  it('pages through rows with equal sort keys exactly once each', async () => {
    const at = '2026-01-01T00:00:00.000Z';
    const seeds = Array.from({ length: 57 }, (_, i) => ({
      player_id: `pp${i}`,
      created_at: i % 3 === 0 ? at : '2026-01-02T00:00:00.000Z',
      tier: i % 2 === 0 ? null : 'Gold',
    }));
    const propertyId = await seedProperty(seeds);
    for (const order of ['created_at.desc', 'tier.asc.nullsfirst,created_at', 'tier.desc']) {
      const seen: string[] = [];
      for (let offset = 0; offset < 60; offset += 10) {
        const page = await select(propertyId, { order, limit: '10', offset: String(offset) });
        seen.push(...page.rows.map((row) => row.player_id as string));
        expect(page.totalCount).toBe(57);
      }
      expect(seen).toHaveLength(57);
      expect(new Set(seen).size).toBe(57);
    }
  });

  it('reports totals and ranges for each count mode', async () => {
    const propertyId = await seedProperty();
    const exact = await select(propertyId, { limit: '2', offset: '1' });
    expect(exact.totalCount).toBe(6);
    expect(exact.range).toEqual({ from: 1, to: 2 });
    expect(contentRange(exact)).toBe('1-2/6');

    const none = await select(propertyId, { limit: '2', count: 'none' });
    expect(none.totalCount).toBeNull();
    expect(contentRange(none)).toBe('0-1/*');

    const planned = await select(propertyId, { limit: '2' }, 'count=planned');
    expect(planned.totalCount).toBeGreaterThanOrEqual(2);

    const estimated = await select(propertyId, { limit: '2', count: 'estimated' });
    expect(estimated.totalCount).toBe(6);
    expect(ESTIMATE_EXACT_UP_TO).toBeGreaterThan(6);
  });

  it('counts when the page is empty, past the end or with limit 0', async () => {
    const propertyId = await seedProperty();
    const past = await select(propertyId, { offset: '10' });
    expect(past.rows).toEqual([]);
    expect(past.totalCount).toBe(6);
    expect(contentRange(past)).toBe('*/6');
    const zero = await select(propertyId, { limit: '0' });
    expect(zero.totalCount).toBe(6);
    const nothing = await select(propertyId, { 'player_id.eq': 'none' });
    expect(contentRange(nothing)).toBe('*/0');
    const unknown = await select(propertyId, { 'player_id.eq': 'none', count: 'none' });
    expect(contentRange(unknown)).toBe('*/*');
  });

  it('never returns or counts another tenant’s rows, whatever the filter', async () => {
    const mine = await seedProperty();
    const theirs = await seedProperty();
    const attempt = await select(mine, { 'property_id.eq': theirs });
    expect(attempt.rows).toEqual([]);
    expect(attempt.totalCount).toBe(0);
    const all = await select(mine, { 'property_id.neq': mine, count: 'estimated' });
    expect(all.totalCount).toBe(0);
    const own = await select(mine, { select: 'property_id' });
    expect(new Set(own.rows.map((row) => row.property_id))).toEqual(new Set([mine]));
  });
});

describe('updateRows and deleteRows', () => {
  const writePlan = (query: RawQuery) => parseQuery(spec, query, { mode: 'write' });

  it('refuses to update or delete without a filter', async () => {
    const propertyId = await seedProperty();
    const db = h.deps.database.db;
    await expect(
      updateRows(db, target(propertyId), writePlan({}), { tier: 'X' }, new Date()),
    ).rejects.toThrow(/PATCH needs at least one filter/);
    await expect(deleteRows(db, target(propertyId), writePlan({}))).rejects.toThrow(
      /DELETE needs at least one filter/,
    );
    expect((await select(propertyId, {})).totalCount).toBe(6);
  });

  it('updates the filtered rows of the tenant and returns them', async () => {
    const propertyId = await seedProperty();
    const other = await seedProperty();
    const now = new Date('2030-01-01T00:00:00.000Z');
    const rows: Row[] = await updateRows(
      h.deps.database.db,
      target(propertyId),
      writePlan({ 'tier.eq': 'Gold', select: 'player_id,tier,traits,updated_at' }),
      { tier: 'Platinum', traits: { vip: true } },
      now,
    );
    expect(rows).toEqual([
      { player_id: 'p1', tier: 'Platinum', traits: { vip: true }, updated_at: now },
    ]);
    const untouched = await select(other, { 'tier.eq': 'Gold' });
    expect(untouched.rows).toHaveLength(1);
  });

  it('refuses columns that are not writable and empty updates', async () => {
    const propertyId = await seedProperty();
    const db = h.deps.database.db;
    const plan = writePlan({ 'player_id.eq': 'p1' });
    await expect(
      updateRows(db, target(propertyId), plan, { property_id: randomUUID() }, new Date()),
    ).rejects.toThrow(/Column "property_id" is not writable/);
    await expect(
      updateRows(db, target(propertyId), plan, { constructor: 'x' }, new Date()),
    ).rejects.toThrow(/not writable/);
    await expect(updateRows(db, target(propertyId), plan, {}, new Date())).rejects.toThrow(
      /Nothing to update/,
    );
  });

  it('deletes the filtered rows of the tenant only', async () => {
    const propertyId = await seedProperty();
    const other = await seedProperty();
    const deleted = await deleteRows(
      h.deps.database.db,
      target(propertyId),
      writePlan({ 'status.neq': 'active', select: 'player_id' }),
    );
    expect(deleted.map((row) => row.player_id).sort()).toEqual(['p4', 'p5']);
    const crossTenant = await deleteRows(
      h.deps.database.db,
      target(propertyId),
      writePlan({ 'property_id.eq': other }),
    );
    expect(crossTenant).toEqual([]);
    expect((await select(other, {})).totalCount).toBe(6);
    expect((await select(propertyId, {})).totalCount).toBe(4);
  });
});
