import type { Database } from '../src/db/connect.ts';
import { type HttpResult, runLoad } from './http.ts';
import { failures, measureLoad, row } from './measure.ts';
import { CONNECTIONS, PLAYERS, SECONDS, WARMUP_SECONDS } from './options.ts';
import { runPgbench } from './pgbench.ts';
import {
  checkPlayerResponse,
  type PlayersBench,
  type PlayerStatements,
  playerScript,
  playerStep,
  preparePlayers,
} from './players.ts';
import { log } from './proc.ts';
import { type RawResult, runLoop } from './raw.ts';
import type { PlayersReport, Row } from './report.ts';
import type { RunningServer } from './server.ts';

/**
 * A players request waits for up to 63 others on the connection pool (and on PGlite's single
 * connection, whole seconds each with an exact count), so it may take far longer than a session
 * call; it still fails the run past this.
 */
const PLAYERS_TIMEOUT_SECONDS = 60;

/** Seeds the players tenant of one target and captures the statements of its requests. */
export async function preparePlayersFor(target: string, database: Database): Promise<PlayersBench> {
  log(`${target}: seeding ${PLAYERS.toLocaleString('en-US')} players`);
  const bench = await preparePlayers(database, PLAYERS);
  const { insertSeconds, vacuumSeconds } = bench.seed;
  log(
    `${target}: players seeded in ${(insertSeconds + vacuumSeconds).toFixed(1)} s ` +
      `(INSERT ${insertSeconds.toFixed(1)} s, VACUUM ANALYZE ${vacuumSeconds.toFixed(1)} s)`,
  );
  return bench;
}

export function playersReport(bench: PlayersBench): PlayersReport {
  return {
    players: bench.seed.players,
    propertyId: bench.seed.propertyId,
    insertSeconds: bench.seed.insertSeconds,
    vacuumSeconds: bench.seed.vacuumSeconds,
    requests: bench.requests.map(({ operation, path, statements }) => ({
      operation,
      path,
      statements,
    })),
  };
}

async function playersHttp(
  target: string,
  server: RunningServer,
  bench: PlayersBench,
  request: PlayerStatements,
): Promise<HttpResult> {
  await checkPlayerResponse(server.baseUrl, bench.seed.apiKey, request);
  return measureLoad(target, server, request.operation, (seconds) =>
    runLoad({
      baseUrl: server.baseUrl,
      connections: CONNECTIONS,
      seconds,
      request: { method: 'GET', path: request.path, headers: { 'x-api-key': bench.seed.apiKey } },
      expected: [200],
      timeoutSeconds: PLAYERS_TIMEOUT_SECONDS,
    }),
  );
}

/** PostgreSQL: per request, the HTTP run and then pgbench on the statements it sends. */
export async function benchPlayersPostgres(
  url: string,
  server: RunningServer,
  bench: PlayersBench,
  scriptDir: string,
): Promise<Row[]> {
  const rows: Row[] = [];
  for (const request of bench.requests) {
    const http = await playersHttp('postgres', server, bench, request);
    log(`postgres: pgbench ${request.operation}, -c ${CONNECTIONS} -j 2 -T ${SECONDS}`);
    const result = await runPgbench({
      url,
      script: playerScript(request),
      dir: scriptDir,
      operation: request.operation,
      connections: CONNECTIONS,
      seconds: SECONDS,
    });
    if (result.failed > 0) failures.push(`pgbench ${request.operation}: ${result.failed} failed`);
    rows.push(
      row(request.operation, http, {
        kind: 'pgbench',
        perSec: result.tps,
        avgMs: result.latencyAvgMs,
        p95Ms: result.p95Ms,
        result,
      }),
    );
  }
  return rows;
}

/** PGlite's ceiling, before the server opens the database: each request's statements in a loop. */
export async function playersRawCeilings(
  database: Database,
  bench: PlayersBench,
): Promise<RawResult[]> {
  const results: RawResult[] = [];
  for (const request of bench.requests) {
    const step = playerStep(database, request);
    if (WARMUP_SECONDS > 0) await runLoop(step, WARMUP_SECONDS);
    log(`pglite: in-process ${request.operation} loop, ${SECONDS} s`);
    const result = await runLoop(step, SECONDS);
    if (result.misses > 0) {
      failures.push(`pglite raw ${request.operation}: ${result.misses} pages of the wrong size`);
    }
    results.push(result);
  }
  return results;
}

/** PGlite: the HTTP runs, next to the ceilings measured before the server started. */
export async function benchPlayersPglite(
  server: RunningServer,
  bench: PlayersBench,
  ceilings: readonly RawResult[],
): Promise<Row[]> {
  const rows: Row[] = [];
  for (const [i, request] of bench.requests.entries()) {
    const ceiling = ceilings[i];
    if (!ceiling) throw new Error(`no ceiling for ${request.operation}`);
    const http = await playersHttp('pglite', server, bench, request);
    rows.push(
      row(request.operation, http, {
        kind: 'raw',
        perSec: ceiling.opsPerSec,
        avgMs: ceiling.avgMs,
        p95Ms: ceiling.p95Ms,
        result: ceiling,
      }),
    );
  }
  return rows;
}
