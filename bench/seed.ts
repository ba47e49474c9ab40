import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { connectDatabase, type Database } from '../src/db/connect.ts';
import { migrate } from '../src/db/migrate.ts';
import { createDeps } from '../src/deps.ts';
import { createApiKey } from '../src/modules/api-keys/index.ts';
import { createGame } from '../src/modules/games/index.ts';
import { createOrganization } from '../src/modules/organizations/index.ts';

/** Sessions bulk-inserted before the runs; validate/consume pick among them at random. */
export const SEEDED_SESSIONS = 100_000;
/** High enough that the key's limiter never refuses during a run (the columns are int4). */
export const BENCH_RATE_LIMIT = 100_000_000;

export type BenchTarget = { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string };

export interface BenchSeed {
  orgId: number;
  gameId: number;
  keyId: number;
  apiKey: string;
}

/** SQL expression of seeded token number `i`: PostgreSQL computes the same value as seededToken. */
export function seededTokenSql(i: string): string {
  return `md5('bench-' || ${i})::uuid`;
}

/** Token of seeded session `i` (1-based): md5('bench-' || i) read as a uuid. */
export function seededToken(i: number): string {
  const h = createHash('md5').update(`bench-${i}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

let tokens: string[] | undefined;

/** All seeded tokens, computed once so the load generator spends no time hashing. */
export function seededTokens(): string[] {
  tokens ??= Array.from({ length: SEEDED_SESSIONS }, (_, i) => seededToken(i + 1));
  return tokens;
}

export function randomSeededToken(): string {
  const all = seededTokens();
  return all[Math.floor(Math.random() * all.length)]!;
}

export function openDatabase(target: BenchTarget): Promise<Database> {
  return target.kind === 'postgres'
    ? connectDatabase({ kind: 'postgres', url: target.url, poolSize: 4 })
    : connectDatabase({ kind: 'pglite', dataDir: target.dataDir, role: 'bench' });
}

/**
 * Drops and recreates `name` on the server of `adminUrl` and returns the URL of the new database,
 * so benchmark rows never land in a database anything else uses.
 */
export async function recreateDatabase(adminUrl: string, name: string): Promise<string> {
  const target = new URL(adminUrl);
  if (decodeURIComponent(target.pathname.replace(/^\//, '')) === name) {
    throw new Error(
      `BENCH_DATABASE_URL must name another database than "${name}" (it is dropped and recreated)`,
    );
  }
  target.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const quoted = client.escapeIdentifier(name);
    await client.query(`DROP DATABASE IF EXISTS ${quoted} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${quoted}`);
  } finally {
    await client.end();
  }
  return target.toString();
}

/**
 * Migrates, creates an organization, a game and an API key through the services (as the CLI
 * would), then bulk-inserts SEEDED_SESSIONS active sessions in one statement. `database` stays
 * open (the caller closes it).
 */
export async function seedBench(database: Database): Promise<BenchSeed> {
  await migrate(database);
  const config = loadConfig({ LOG_LEVEL: 'warn', SEED_DEMO: 'false' });
  const deps = await createDeps(config, { database });
  try {
    const org = await createOrganization(deps, {
      name: 'Bench Org',
      slug: 'bench',
      type: 'Brand',
      planTier: 'Business',
    });
    const game = await createGame(deps, org.id, { title: 'Bench Game', status: 'Active' });
    const key = await createApiKey(deps, undefined, org.id, {
      name: 'bench key',
      rate_limit_per_minute: BENCH_RATE_LIMIT,
      rate_limit_per_day: BENCH_RATE_LIMIT,
    });
    await sql`
      INSERT INTO game_sessions (org_id, token, api_key_id, game_id, status, expires_at, created_at)
      SELECT ${org.id}::int, ${sql.raw(seededTokenSql('i'))}, ${key.id}::int, ${game.id}::int,
             'active', now() + interval '10 years', now()
        FROM generate_series(1, ${SEEDED_SESSIONS}::int) AS i`.execute(database.db);
    await sql`VACUUM ANALYZE game_sessions`.execute(database.db);
    const check = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM game_sessions
       WHERE token IN (${seededToken(1)}::uuid, ${seededToken(SEEDED_SESSIONS)}::uuid)`.execute(
      database.db,
    );
    if (check.rows[0]?.n !== 2) throw new Error('seeded tokens do not match seededToken()');
    return { orgId: org.id, gameId: game.id, keyId: key.id, apiKey: key.key };
  } finally {
    // Not closeDeps: the caller still owns `database`. No REDIS_URL, so there is no Redis.
    await deps.keyUsage.close();
    await deps.rateLimiter.close();
  }
}

/** Makes every session active again and vacuums, so each consume run starts from the same state. */
export async function resetSessions(database: Database): Promise<number> {
  const result = await sql`
    UPDATE game_sessions SET status = 'active', consumed_at = NULL, player_uuid = NULL
     WHERE status <> 'active'`.execute(database.db);
  await sql`VACUUM ANALYZE game_sessions`.execute(database.db);
  return Number(result.numAffectedRows ?? 0);
}
