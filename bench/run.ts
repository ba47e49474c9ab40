/**
 * `npm run bench`: HTTP throughput of create/validate/consume-session against the real server,
 * next to the database's own ceiling for the same statements. See bench/README.md.
 */
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { type HttpResult, OPERATIONS, type Operation, runHttp } from './http.ts';
import { pgbenchScripts, runPgbench } from './pgbench.ts';
import { installCleanup, killAllChildren, log, makeTempDir, removeTempDir } from './proc.ts';
import { runRaw, type RawResult } from './raw.ts';
import {
  type Ceiling,
  formatTable,
  type Report,
  type Row,
  type TargetReport,
  writeReport,
} from './report.ts';
import {
  type BenchSeed,
  openDatabase,
  recreateDatabase,
  resetSessions,
  SEEDED_SESSIONS,
  seedBench,
} from './seed.ts';
import { type RunningServer, startServer } from './server.ts';

const CONNECTIONS = 64;
const BENCH_DATABASE = 'playloop_bench';

function envInt(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function envUrl(name: string): string | undefined {
  const raw = process.env[name]?.trim();
  return raw ? raw : undefined;
}

const SECONDS = envInt('BENCH_SECONDS', 10, 1, 600);
const WARMUP_SECONDS = envInt('BENCH_WARMUP_SECONDS', 1, 0, 60);
const DATABASE_URL = envUrl('BENCH_DATABASE_URL');
const REDIS_URL = envUrl('BENCH_REDIS_URL');
// Two targets, three operations, a measured and a warm-up run of HTTP and of the ceiling each,
// plus seeding and server starts: anything past this is a hang.
const TIMEOUT_SECONDS = envInt(
  'BENCH_TIMEOUT_SECONDS',
  300 + 14 * (SECONDS + WARMUP_SECONDS),
  10,
  86_400,
);

const failures: string[] = [];

function checkHttp(target: string, operation: Operation, http: HttpResult): void {
  if (http.unexpected > 0 || http.errors > 0) {
    failures.push(
      `${target} ${operation}: ${http.unexpected} unexpected statuses, ${http.errors} connection errors ` +
        `(${JSON.stringify(http.statusCounts)})`,
    );
  }
}

function row(operation: Operation, http: HttpResult, ceiling: Ceiling): Row {
  return {
    operation,
    http,
    ceiling,
    ratio: ceiling.perSec > 0 ? http.requestsPerSec / ceiling.perSec : 0,
  };
}

async function measureHttp(
  target: string,
  server: RunningServer,
  seed: BenchSeed,
  operation: Operation,
): Promise<HttpResult> {
  const options = {
    baseUrl: server.baseUrl,
    operation,
    apiKey: seed.apiKey,
    gameId: seed.gameId,
    connections: CONNECTIONS,
  };
  if (WARMUP_SECONDS > 0) {
    const warm = await runHttp({ ...options, seconds: WARMUP_SECONDS, warmup: true });
    server.assertAlive();
    if (warm.unexpected > 0 || warm.errors > 0) {
      log(
        `${target} ${operation} warm-up: unexpected responses ${JSON.stringify(warm.statusCounts)}`,
      );
    }
  }
  log(`${target}: HTTP ${operation}, ${CONNECTIONS} connections, ${SECONDS} s`);
  const http = await runHttp({ ...options, seconds: SECONDS });
  server.assertAlive();
  checkHttp(target, operation, http);
  return http;
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
    const env: Record<string, string> = { DATABASE_URL: url };
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
          result,
        }),
      );
    }
    const poolSize = process.env.DB_POOL_SIZE || '10 (default)';
    return {
      target: 'postgres',
      description:
        `PostgreSQL ${version.rows[0]?.v ?? '?'} (database ${BENCH_DATABASE}), ` +
        `Redis ${REDIS_URL ? 'on' : 'off (in-process rate limiter)'}, DB_POOL_SIZE ${poolSize}`,
      rows,
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
          result: ceiling,
        }),
      );
    }
    return {
      target: 'pglite',
      description: 'embedded PGlite in a temporary DATA_DIR, in-process rate limiter',
      rows,
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
  } catch (error) {
    failures.push(`aborted: ${(error as Error).stack ?? String(error)}`);
  }
  report.finishedAt = new Date().toISOString();

  const out = [''];
  for (const target of report.targets) out.push(formatTable(target), '');
  out.push(
    `${CONNECTIONS} connections, ${SECONDS} s per run, ${SEEDED_SESSIONS} seeded sessions, ` +
      `${report.cpus} CPUs, Node ${report.node}`,
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
