import { sql } from 'kysely';
import { loadConfig } from '../src/config.ts';
import type { Database } from '../src/db/connect.ts';
import { createDeps, type Deps } from '../src/deps.ts';
import type { TableResult } from '../src/lib/table-query.ts';
import { listTable } from '../src/modules/tables/index.ts';
import { captureStatements, inlineParameters } from './capture.ts';
import { type PlayersSeed, seedPlayers } from './players-seed.ts';

/**
 * The players list requests. The first is the docs' quickstart: its exact `totalCount` is read
 * from the per-property, per-status counters (property_player_counts) kept by the write
 * triggers; the second is the same page with `count=exact` (a client insisting: the same
 * counters); the third filters on tier and orders by coin-in, a shape the counters do not cover
 * (by default exact up to 10,000 rows, the planner's estimate beyond).
 */
export const PLAYER_QUERIES = [
  { operation: 'players', query: 'status.eq=active&order=created_at.desc&limit=25' },
  {
    operation: 'players exact',
    query: 'status.eq=active&order=created_at.desc&limit=25&count=exact',
  },
  { operation: 'players tier', query: 'tier.eq=Gold&order=coin_in.desc&limit=25' },
] as const;

export type PlayerOperation = (typeof PLAYER_QUERIES)[number]['operation'];

export interface PlayerStatements {
  operation: PlayerOperation;
  /** Path and query string of the HTTP request. */
  path: string;
  /** What one request sends, in order, parameters inlined as literals (the ceiling's script). */
  statements: string[];
  /** The request's answer as the server computes it, to check the HTTP response against. */
  totalCount: number | null;
  firstId: string | undefined;
  rows: number;
}

/** A query string as the request parser hands it over (no parameter here is repeated). */
function queryObject(query: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(query));
}

/**
 * The SQL each players request sends, learnt by running the route's own service
 * (`listTable`, as `GET /api/players` does) once over a recording driver on the seeded
 * database. Each statement is then run again with its parameters inlined, and must return the
 * same rows, so an inlining mistake cannot pass for a fast ceiling.
 */
export async function capturePlayerStatements(
  deps: Deps,
  propertyId: string,
): Promise<PlayerStatements[]> {
  const out: PlayerStatements[] = [];
  for (const { operation, query } of PLAYER_QUERIES) {
    let result: TableResult | undefined;
    const captured = await captureStatements(deps.database.db, async (db) => {
      const recording: Deps = { ...deps, database: { ...deps.database, db } };
      result = await listTable(recording, propertyId, 'players', { query: queryObject(query) });
    });
    if (!result || captured.length === 0) throw new Error(`${operation}: nothing was captured`);
    const statements = captured.map(inlineParameters);
    const page = await sql.raw(statements[0] ?? '').execute(deps.database.db);
    if (JSON.stringify(page.rows) !== JSON.stringify(captured[0]?.rows)) {
      throw new Error(`${operation}: the inlined statement returns other rows than the server's`);
    }
    out.push({
      operation,
      path: `/api/players?${query}`,
      statements,
      totalCount: result.totalCount,
      firstId: result.rows[0]?.id as string | undefined,
      rows: result.rows.length,
    });
  }
  return out;
}

/** pgbench script of one request: its statements, one per line, in the order the server sends them. */
export function playerScript(players: PlayerStatements): string {
  return players.statements.map((statement) => `${statement};\n`).join('');
}

/**
 * One GET of the page before the measured run: it must answer 200 with the rows and count the
 * captured statements produced, so the load and the ceiling are known to do the same work.
 */
export async function checkPlayerResponse(
  baseUrl: string,
  apiKey: string,
  players: PlayerStatements,
): Promise<void> {
  const response = await fetch(`${baseUrl}${players.path}`, {
    headers: { 'x-api-key': apiKey },
    signal: AbortSignal.timeout(60_000),
  });
  const body = (await response.json()) as {
    data?: { id?: string }[];
    totalCount?: number | null;
  };
  const ok =
    response.status === 200 &&
    body.data?.length === players.rows &&
    body.data[0]?.id === players.firstId &&
    body.totalCount === players.totalCount;
  if (!ok) {
    throw new Error(
      `${players.operation}: GET ${players.path} answered ${response.status} with ` +
        `${body.data?.length ?? 0} rows, first ${body.data?.[0]?.id}, totalCount ${body.totalCount}; ` +
        `expected ${players.rows} rows, first ${players.firstId}, totalCount ${players.totalCount}`,
    );
  }
}

/**
 * The embedded database's players ceiling step: the request's statements as named prepared
 * statements, back to back (the loop of raw.ts runs it).
 */
export function playerStep(database: Database, players: PlayerStatements): () => Promise<boolean> {
  const names = players.statements.map(
    (_, i) => `bench_${players.operation.replace(/\W+/g, '_')}_${i}`,
  );
  return async () => {
    let rows = 0;
    for (const [i, statement] of players.statements.entries()) {
      const result = await database.prepared(names[i]!, statement, []);
      if (i === 0) rows = result.length;
    }
    return rows === players.rows;
  };
}

export interface PlayersBench {
  seed: PlayersSeed;
  requests: PlayerStatements[];
}

/**
 * Seeds the players tenant in the (already migrated) `database` and captures the statements of
 * each players request. `database` stays open (the caller closes it).
 */
export async function preparePlayers(database: Database, count: number): Promise<PlayersBench> {
  const deps = await createDeps(loadConfig({ LOG_LEVEL: 'warn', SEED_DEMO: 'false' }), {
    database,
  });
  try {
    const seed = await seedPlayers(deps, count);
    return { seed, requests: await capturePlayerStatements(deps, seed.propertyId) };
  } finally {
    // Not closeDeps: the caller still owns `database`. No REDIS_URL, so there is no Redis.
    await deps.keyUsage.close();
    await deps.propertyKeyUsage.close();
    await deps.rateLimiter.close();
  }
}
