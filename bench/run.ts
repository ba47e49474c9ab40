/**
 * `npm run bench`: HTTP throughput of create/validate/consume-session and of the players list
 * against the real server, next to the database's own ceiling for the same statements. See
 * bench/README.md.
 */
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { type HttpResult, OPERATIONS, type Operation, runHttp } from './http.ts';
import { failures, measureLoad, row } from './measure.ts';
import {
  CONNECTIONS,
  DATABASE_URL,
  PLAYERS,
  REDIS_URL,
  SECONDS,
  TIMEOUT_SECONDS,
  WARMUP_SECONDS,
  WEBHOOKS,
  COMPLIANCE,
  CAMPAIGNS,
  JOURNEYS,
  DASHBOARD,
  PLAY_PAGES,
} from './options.ts';
import { pgbenchScripts, runPgbench } from './pgbench.ts';
import {
  benchPlayersPglite,
  benchPlayersPostgres,
  playersRawCeilings,
  playersReport,
  preparePlayersFor,
} from './players-bench.ts';
import type { PlayersBench } from './players.ts';
import { installCleanup, killAllChildren, log, makeTempDir, removeTempDir } from './proc.ts';
import { runRaw, type RawResult } from './raw.ts';
import { formatTable, type Report, type Row, type TargetReport, writeReport } from './report.ts';
import {
  type BenchSeed,
  openDatabase,
  recreateDatabase,
  resetSessions,
  SEEDED_SESSIONS,
  seedBench,
} from './seed.ts';
import { type RunningServer, startServer } from './server.ts';
import { benchWebhooksPostgres, formatWebhooks } from './webhooks-bench.ts';
import { benchCompliancePostgres, formatCompliance } from './compliance-bench.ts';
import { benchCampaignsPostgres, type CampaignsBench, formatCampaigns } from './campaigns-bench.ts';
import { benchJourneysPostgres, formatJourneys, type JourneysBench } from './journeys-bench.ts';
import { benchDashboard, formatDashboard } from './dashboard-bench.ts';
import { benchPlayPages, formatPlayPages, playPagesWithin } from './play-page-bench.ts';

const BENCH_DATABASE = 'playloop_bench';

function measureHttp(
  target: string,
  server: RunningServer,
  seed: BenchSeed,
  operation: Operation,
): Promise<HttpResult> {
  return measureLoad(target, server, operation, (seconds, warmup) =>
    runHttp({
      baseUrl: server.baseUrl,
      operation,
      apiKey: seed.apiKey,
      gameId: seed.gameId,
      connections: CONNECTIONS,
      seconds,
      warmup,
    }),
  );
}

async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 5_000 });
  redis.on('error', () => undefined);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } catch (error) {
    log(`could not delete the benchmark's Redis keys (${prefix}*): ${String(error)}`);
  } finally {
    redis.disconnect();
  }
}

async function benchPostgres(adminUrl: string): Promise<TargetReport> {
  log(`postgres: recreating database ${BENCH_DATABASE}`);
  const url = await recreateDatabase(adminUrl, BENCH_DATABASE);
  const database = await openDatabase({ kind: 'postgres', url });
  const redisPrefix = `playloop-bench-${randomUUID().slice(0, 8)}:`;
  const scriptDir = makeTempDir('playloop-pgbench-');
  let server: RunningServer | undefined;
  try {
    log(`postgres: seeding ${SEEDED_SESSIONS} sessions`);
    const seed = await seedBench(database);
    const version = await sql<{ v: string }>`SELECT current_setting('server_version') AS v`.execute(
      database.db,
    );
    // The webhook rows deliver to a receiver on this machine.
    const env: Record<string, string> = {
      DATABASE_URL: url,
      WEBHOOKS_ALLOW_PRIVATE_NETWORKS: 'true',
    };
    if (REDIS_URL) Object.assign(env, { REDIS_URL, REDIS_PREFIX: redisPrefix });
    server = await startServer('postgres', env);
    const scripts = pgbenchScripts(seed);
    const rows: Row[] = [];
    for (const operation of OPERATIONS) {
      if (operation === 'consume') await resetSessions(database);
      const http = await measureHttp('postgres', server, seed, operation);
      if (operation === 'consume') await resetSessions(database);
      log(`postgres: pgbench ${operation}, -c ${CONNECTIONS} -j 2 -T ${SECONDS}`);
      const result = await runPgbench({
        url,
        script: scripts[operation],
        dir: scriptDir,
        operation,
        connections: CONNECTIONS,
        seconds: SECONDS,
      });
      if (result.failed > 0) failures.push(`pgbench ${operation}: ${result.failed} failed`);
      rows.push(
        row(operation, http, {
          kind: 'pgbench',
          perSec: result.tps,
          avgMs: result.latencyAvgMs,
          p95Ms: result.p95Ms,
          result,
        }),
      );
    }
    // Seeded after the session runs, so those run on the same database as without players.
    let players: PlayersBench | undefined;
    if (PLAYERS > 0) {
      players = await preparePlayersFor('postgres', database);
      rows.push(...(await benchPlayersPostgres(url, server, players, scriptDir)));
    }
    const webhooks = WEBHOOKS
      ? await benchWebhooksPostgres(url, server, database, seed)
      : undefined;
    const compliance = COMPLIANCE ? await benchCompliancePostgres(url, database, seed) : undefined;
    // Last, with the server stopped: its workers would take the campaigns' jobs and walk the
    // journey's runs.
    if (CAMPAIGNS || JOURNEYS) {
      await server.stop();
      server = undefined;
    }
    let campaigns: CampaignsBench | undefined;
    if (CAMPAIGNS) campaigns = await benchCampaignsPostgres(url, database, seed);
    const journeys: JourneysBench | undefined = JOURNEYS
      ? await benchJourneysPostgres(url, database, seed)
      : undefined;
    const poolSize = process.env.DB_POOL_SIZE || '10 (default)';
    return {
      target: 'postgres',
      description:
        `PostgreSQL ${version.rows[0]?.v ?? '?'} (database ${BENCH_DATABASE}), ` +
        `Redis ${REDIS_URL ? 'on' : 'off (in-process rate limiter)'}, DB_POOL_SIZE ${poolSize}`,
      rows,
      ...(players && { players: playersReport(players) }),
      ...(webhooks && { webhooks }),
      ...(compliance && { compliance }),
      ...(campaigns && { campaigns }),
      ...(journeys && { journeys }),
    };
  } finally {
    await server?.stop();
    await database.close();
    removeTempDir(scriptDir);
    if (REDIS_URL) await deleteRedisKeys(REDIS_URL, redisPrefix);
  }
}

async function benchPglite(): Promise<TargetReport> {
  const dataDir = makeTempDir('playloop-bench-pglite-');
  let server: RunningServer | undefined;
  try {
    // PGlite is single-process: seed and measure the ceiling here while no server has it open.
    log(`pglite: seeding ${SEEDED_SESSIONS} sessions in ${dataDir}`);
    const database = await openDatabase({ kind: 'pglite', dataDir });
    let seed: BenchSeed;
    const raw = {} as Record<Operation, RawResult>;
    let players: PlayersBench | undefined;
    let playersRaw: RawResult[] = [];
    try {
      seed = await seedBench(database);
      for (const operation of OPERATIONS) {
        if (operation === 'consume') await resetSessions(database);
        if (WARMUP_SECONDS > 0) await runRaw(database, seed, operation, WARMUP_SECONDS, true);
        log(`pglite: in-process ${operation} loop, ${SECONDS} s`);
        raw[operation] = await runRaw(database, seed, operation, SECONDS);
        if (operation === 'validate' && raw[operation].misses > 0) {
          failures.push(`pglite raw validate: ${raw[operation].misses} seeded tokens not found`);
        }
      }
      // The HTTP consume run then starts from the same state as the in-process one did.
      await resetSessions(database);
      // Seeded after the session loops, so those run on the same database as without players.
      if (PLAYERS > 0) {
        players = await preparePlayersFor('pglite', database);
        playersRaw = await playersRawCeilings(database, players);
      }
    } finally {
      await database.close();
    }

    server = await startServer('pglite', { DATA_DIR: dataDir });
    const rows: Row[] = [];
    for (const operation of OPERATIONS) {
      const http = await measureHttp('pglite', server, seed, operation);
      const ceiling = raw[operation];
      rows.push(
        row(operation, http, {
          kind: 'raw',
          perSec: ceiling.opsPerSec,
          avgMs: ceiling.avgMs,
          p95Ms: ceiling.p95Ms,
          result: ceiling,
        }),
      );
    }
    if (players) rows.push(...(await benchPlayersPglite(server, players, playersRaw)));
    return {
      target: 'pglite',
      description: 'embedded PGlite in a temporary DATA_DIR, in-process rate limiter',
      rows,
      ...(players && { players: playersReport(players) }),
    };
  } finally {
    await server?.stop();
    removeTempDir(dataDir);
  }
}

async function main(): Promise<number> {
  installCleanup();
  const watchdog = setTimeout(() => {
    log(`gave up after ${TIMEOUT_SECONDS} s (BENCH_TIMEOUT_SECONDS)`);
    killAllChildren();
    process.exit(2);
  }, TIMEOUT_SECONDS * 1000);
  watchdog.unref();

  const report: Report = {
    startedAt: new Date().toISOString(),
    finishedAt: '',
    node: process.version,
    cpus: availableParallelism(),
    seconds: SECONDS,
    connections: CONNECTIONS,
    seededSessions: SEEDED_SESSIONS,
    seededPlayers: PLAYERS,
    targets: [],
    failures,
  };
  try {
    if (DATABASE_URL) {
      report.targets.push(await benchPostgres(DATABASE_URL));
    } else {
      log('BENCH_DATABASE_URL is not set: the PostgreSQL target is skipped');
    }
    report.targets.push(await benchPglite());
    if (DASHBOARD) {
      report.dashboard = await benchDashboard();
      const { jsTransferred, budget } = report.dashboard;
      if (jsTransferred > budget) {
        failures.push(`dashboard: ${jsTransferred} bytes of JavaScript, budget ${budget}`);
      }
    }
    if (PLAY_PAGES) {
      report.playPages = await benchPlayPages();
      if (!playPagesWithin(report.playPages)) {
        failures.push(
          `play pages: a game page's first load is over ${report.playPages.budget} bytes`,
        );
      }
    }
  } catch (error) {
    failures.push(`aborted: ${(error as Error).stack ?? String(error)}`);
  }
  report.finishedAt = new Date().toISOString();

  const out = [''];
  for (const target of report.targets) {
    out.push(formatTable(target), '');
    if (target.webhooks) out.push(formatWebhooks(target.webhooks), '');
    if (target.compliance) out.push(formatCompliance(target.compliance), '');
    if (target.campaigns) out.push(formatCampaigns(target.campaigns), '');
    if (target.journeys) out.push(formatJourneys(target.journeys), '');
  }
  if (report.dashboard) out.push(formatDashboard(report.dashboard), '');
  if (report.playPages) out.push(formatPlayPages(report.playPages), '');
  out.push(
    `${CONNECTIONS} connections, ${SECONDS} s per run, ${SEEDED_SESSIONS} seeded sessions, ` +
      `${PLAYERS} seeded players, ${report.cpus} CPUs, Node ${report.node}`,
  );
  process.stdout.write(out.join('\n') + '\n');
  log(`results written to ${writeReport(report)}`);
  clearTimeout(watchdog);
  if (failures.length > 0) {
    for (const failure of failures) log(`FAILED ${failure}`);
    return 1;
  }
  return 0;
}

main()
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
