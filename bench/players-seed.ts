import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import type { Database } from '../src/db/connect.ts';
import type { Deps } from '../src/deps.ts';
import { createOrganization } from '../src/modules/organizations/index.ts';
import { createProperty } from '../src/modules/properties/index.ts';
import { createPropertyKey } from '../src/modules/property-keys/index.ts';
import { BENCH_RATE_LIMIT } from './seed.ts';

/** Rows per INSERT … SELECT FROM generate_series: a few statements, none holding 1M rows. */
const CHUNK = 100_000;

export interface PlayersSeed {
  propertyId: string;
  keyId: string;
  apiKey: string;
  players: number;
  /** Wall time of the bulk INSERTs, then of VACUUM ANALYZE players. */
  insertSeconds: number;
  vacuumSeconds: number;
}

/**
 * Deterministic pseudo-random integer from 0 to `modulo - 1` for player `i`; `salt` gives each
 * column its own sequence. hashint4extended is in every PostgreSQL since 11, PGlite included.
 */
const pick = (salt: number, modulo: number) =>
  sql.raw(`(abs(hashint4extended(i, ${salt})) % ${modulo})`);

const FIRST_NAMES = ['James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda'];
const LAST_NAMES = ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis'];
const textArray = (values: readonly string[]) =>
  sql.raw(`ARRAY[${values.map((value) => `'${value}'`).join(', ')}]`);

/**
 * Inserts players `from`…`to` of the property. Player `i` signs up at an even pace over the two
 * years before `now` (the newest has the highest i), so insertion order follows created_at as in
 * a real table; status is 85 % active, 8 % inactive, 5 % self_excluded, 2 % banned; tier is
 * 50/25/15/8/2 % Bronze/Silver/Gold/Platinum/Diamond.
 */
async function insertPlayers(
  database: Database,
  propertyId: string,
  from: number,
  to: number,
  total: number,
  now: Date,
): Promise<void> {
  const status = pick(1, 100);
  const tier = pick(2, 100);
  // A table long in service: its players' events were dispatched long ago. Written here, a
  // million pending player.created events would be dispatched during the measured runs.
  await database.db.transaction().execute(async (trx) => {
    await sql`SELECT set_config('playloop.player_events', 'off', true)`.execute(trx);
    await sql`
    INSERT INTO players (id, property_id, player_id, email, phone, first_name, last_name, status,
                         tier, adt, coin_in, timezone, state, country, date_of_birth, traits,
                         created_at, updated_at)
    SELECT md5('bench-player-' || i)::uuid, ${propertyId}::uuid,
           'P' || lpad(i::text, greatest(6, length(i::text)), '0'),
           'player' || i || '@example.com',
           '+1702555' || lpad((i % 10000)::text, 4, '0'),
           (${textArray(FIRST_NAMES)})[1 + ${pick(3, FIRST_NAMES.length)}],
           (${textArray(LAST_NAMES)})[1 + ${pick(4, LAST_NAMES.length)}],
           CASE WHEN ${status} < 85 THEN 'active' WHEN ${status} < 93 THEN 'inactive'
                WHEN ${status} < 98 THEN 'self_excluded' ELSE 'banned' END,
           CASE WHEN ${tier} < 50 THEN 'Bronze' WHEN ${tier} < 75 THEN 'Silver'
                WHEN ${tier} < 90 THEN 'Gold' WHEN ${tier} < 98 THEN 'Platinum' ELSE 'Diamond' END,
           ${pick(5, 100_000)} / 100.0, ${pick(6, 500_000_000)} / 100.0,
           'America/Los_Angeles', 'NV', 'US',
           date '1950-01-01' + ${pick(7, 18_000)}::int,
           jsonb_build_object('marketing_opt_in', ${pick(8, 2)} = 0),
           t.at, t.at
      FROM generate_series(${from}::int, ${to}::int) AS i,
           LATERAL (SELECT ${now}::timestamptz - interval '730 days' * (${total}::int - i)
                           / ${total}::int AS at) AS t`.execute(trx);
  });
}

/**
 * The players benchmark's tenant: an organization and a property made through the services, a
 * read-only pk_ key (the service caps a key at 100,000 requests per minute, so the bench raises
 * the column afterwards: a 429 must never end a run), then `count` players bulk-inserted with
 * generate_series in chunks of CHUNK and VACUUM ANALYZE players, as a table long in service
 * would be (statistics for the planner, a visibility map for index-only counts).
 */
export async function seedPlayers(deps: Deps, count: number): Promise<PlayersSeed> {
  const { database } = deps;
  const org = await createOrganization(deps, {
    name: 'Bench Casino',
    slug: 'bench-casino',
    type: 'Brand',
    planTier: 'Business',
  });
  const property = await createProperty(deps, undefined, {
    orgId: org.id,
    name: 'Bench Casino Las Vegas',
    timezone: 'America/Los_Angeles',
  });
  const key = await createPropertyKey(deps, undefined, {
    propertyId: property.id,
    name: 'bench read key',
    scopes: ['read'],
    rateLimitPerMinute: 100_000,
  });
  await sql`UPDATE property_api_keys SET rate_limit_per_minute = ${BENCH_RATE_LIMIT}::int
             WHERE id = ${key.id}::uuid`.execute(database.db);

  const now = new Date();
  const insertStart = performance.now();
  for (let from = 1; from <= count; from += CHUNK) {
    await insertPlayers(database, property.id, from, Math.min(count, from + CHUNK - 1), count, now);
  }
  const vacuumStart = performance.now();
  await sql`VACUUM ANALYZE players`.execute(database.db);
  const end = performance.now();

  const check = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM players WHERE property_id = ${property.id}::uuid`.execute(
    database.db,
  );
  if (check.rows[0]?.n !== count) {
    throw new Error(`seeded ${check.rows[0]?.n ?? 0} players, expected ${count}`);
  }
  return {
    propertyId: property.id,
    keyId: key.id,
    apiKey: key.key,
    players: count,
    insertSeconds: (vacuumStart - insertStart) / 1000,
    vacuumSeconds: (end - vacuumStart) / 1000,
  };
}
