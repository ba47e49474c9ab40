import { CompiledQuery, type Transaction } from 'kysely';
import { type Db, type JobWithMetadata, PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import type { Database } from '../db/connect.ts';
import type { DB } from '../db/schema.ts';
import { ALL_QUEUES, type QueueSpec } from './queues.ts';

/**
 * Background jobs, on pg-boss (an adapter: nothing outside src/jobs imports pg-boss).
 *
 * Where its SQL goes:
 * - PGlite is one connection in this process (src/db/pglite-connection.ts): pg-boss sends every
 *   statement through the application's pool (`Database.query`), so it queues behind the
 *   application's transactions instead of cutting into them on the shared session.
 * - PostgreSQL: pg-boss keeps a small pool of its own (JOBS_POOL_SIZE connections plus one for
 *   LISTEN). Its maintenance and polling then never wait behind a saturated request pool nor
 *   fall under DB_STATEMENT_TIMEOUT_MS, and LISTEN/NOTIFY wakes workers the moment a job commits.
 * Either way a job sent with `trx` is written by the caller's transaction: it exists only if that
 * transaction commits.
 */

/** Connections pg-boss opens on PostgreSQL for polling and bookkeeping (LISTEN takes one more). */
export const JOBS_POOL_SIZE = 4;

export interface Job<T> {
  readonly id: string;
  readonly name: string;
  readonly data: T;
  /** 0 on the first run; a retry after a failure or an expired run counts one up. */
  readonly retryCount: number;
  /** Aborted when the process stops and the grace period is over: the job will run again. */
  readonly signal: AbortSignal;
}

export type JobHandler<T> = (job: Job<T>) => Promise<void>;

export interface SendOptions {
  /** The caller's transaction: the job is written by it, so it exists only if that commits. */
  readonly trx?: Transaction<DB>;
  /** Not before this time. */
  readonly startAfter?: Date;
  /**
   * The job's id (a UUID), for an idempotent send: a second send with an id that exists is
   * ignored (`send` answers null), so a retried producer never enqueues the same intent twice.
   */
  readonly id?: string;
}

export interface WorkOptions {
  /** Jobs of this queue run at once in this process (default: the queue's `concurrency`). */
  readonly concurrency?: number;
  /** How often an idle worker looks for jobs, in seconds (≥ 0.5; default 1). */
  readonly pollSeconds?: number;
}

export interface StopOptions {
  /** Let running jobs finish (default true); those still running after `timeoutMs` are retried. */
  readonly graceful?: boolean;
  readonly timeoutMs?: number;
}

/** Jobs of one queue by state, as counted at one moment (metrics). */
export interface QueueDepth {
  readonly queue: string;
  /** Ready to run now (created or retrying, start time come). */
  readonly waiting: number;
  /** Created or retrying with a start time still ahead. */
  readonly deferred: number;
  readonly active: number;
}

/** One finished run of a job in this process (metrics: src/modules/metrics). */
export interface JobRun {
  readonly queue: string;
  /** From when the job could start (created, or its start-after time) to a worker taking it. */
  readonly waitSeconds: number;
  readonly runSeconds: number;
  readonly outcome: 'completed' | 'failed';
}

/** Counts stop here: a depth past it reads as this number (bounded work per scrape). */
export const QUEUE_DEPTH_CAP = 100_000;

export interface Jobs {
  /** Installs or upgrades pg-boss's schema and creates the queues; needed before `send`. */
  start(): Promise<void>;
  send(name: string, data: object, options?: SendOptions): Promise<string | null>;
  /** Which of these job ids of the queue still wait to run (not yet taken by a worker). */
  waiting(name: string, ids: readonly string[]): Promise<Set<string>>;
  /** Jobs waiting, deferred and active in each of the queues (each count capped at QUEUE_DEPTH_CAP). */
  depth(): Promise<QueueDepth[]>;
  /** Runs `handler` for each job of the queue in this process; a throw fails the run (retried). */
  work<T>(name: string, handler: JobHandler<T>, options?: WorkOptions): Promise<void>;
  /** Stops taking jobs, then waits for running ones (see StopOptions). Safe to call twice. */
  stop(options?: StopOptions): Promise<void>;
  readonly started: boolean;
}

export interface JobsOptions {
  readonly database: Database;
  /** PostgreSQL connection string; absent on PGlite. */
  readonly databaseUrl: string | undefined;
  readonly logger: Logger;
  /** Default: every queue of queues.ts (tests add their own). */
  readonly queues?: readonly QueueSpec[];
  /** pg-boss's schema (default `pgboss`). */
  readonly schema?: string;
  /** Told of each job run in this process, once it ends. */
  readonly onJobRun?: (run: JobRun) => void;
}

/** pg-boss's view of a result: node-postgres answers text of several statements with a list. */
function flatten(result: { rows: unknown[] } | { rows: unknown[] }[]): { rows: unknown[] } {
  return Array.isArray(result) ? { rows: result.flatMap((each) => each.rows ?? []) } : result;
}

/** A timestamp pg-boss read (a Date from node-postgres; the PGlite adapter's rows may hold text). */
function time(value: Date | string): number {
  return new Date(value).getTime();
}

/** The application's pool as pg-boss's database (PGlite). */
function poolAdapter(database: Database): Db {
  return {
    async executeSql(text, values) {
      return flatten(await database.query(text, values));
    },
  };
}

/** A caller's Kysely transaction as pg-boss's database, for one call. */
function transactionAdapter(trx: Transaction<DB>): Db {
  return {
    async executeSql(text, values) {
      const result = await trx.executeQuery(CompiledQuery.raw(text, values ?? []));
      return { rows: [...result.rows] };
    },
  };
}

export function createJobs(options: JobsOptions): Jobs {
  const { database, databaseUrl, logger } = options;
  const queues = new Map((options.queues ?? ALL_QUEUES).map((queue) => [queue.name, queue]));
  const schemaName = options.schema ?? 'pgboss';
  if (!/^[a-z_][a-z0-9_]*$/.test(schemaName))
    throw new Error(`bad job schema name "${schemaName}"`);
  const common = {
    schema: schemaName,
    // Jobs live here; nothing in PlayLoop reads pg-boss's optional tables.
    persistWarnings: false,
  };
  const boss = databaseUrl
    ? new PgBoss({
        ...common,
        connectionString: databaseUrl,
        max: JOBS_POOL_SIZE,
        application_name: 'playloop-jobs',
        useListenNotify: true,
      })
    : new PgBoss({ ...common, db: poolAdapter(database), backend: 'pglite' });
  boss.on('error', (error) => logger.error({ err: error }, 'job queue error'));
  boss.on('warning', (warning) =>
    logger.warn({ data: warning.data }, `job queue: ${warning.message}`),
  );

  let state: 'new' | 'starting' | 'started' | 'stopped' = 'new';
  let starting: Promise<void> | undefined;
  const queue = (name: string): QueueSpec => {
    const found = queues.get(name);
    if (!found)
      throw new Error(`unknown job queue "${name}" (queues are listed in src/jobs/queues.ts)`);
    return found;
  };

  async function start(): Promise<void> {
    // Several processes may start at once: pg-boss installs its schema under an advisory lock.
    await boss.start({ attempts: 3 });
    for (const spec of queues.values()) {
      const settings = {
        retryLimit: spec.retryLimit,
        retryDelay: spec.retryDelaySeconds,
        retryBackoff: spec.retryBackoff,
        expireInSeconds: spec.expireInSeconds,
        notify: true,
      };
      // createQueue leaves an existing queue as it is; updateQueue brings its rules up to date.
      await boss.createQueue(spec.name, settings);
      await boss.updateQueue(spec.name, settings);
    }
    state = 'started';
  }

  return {
    get started() {
      return state === 'started';
    },
    start() {
      if (state === 'stopped') return Promise.reject(new Error('jobs were stopped'));
      if (!starting) {
        state = 'starting';
        starting = start();
      }
      return starting;
    },
    async send(name, data, sendOptions = {}) {
      queue(name);
      // Before start() pg-boss would look the queue up on its own connection; on PGlite, from
      // inside the caller's transaction, that waits for the connection the caller holds.
      if (state !== 'started') throw new Error(`jobs not started: cannot send to "${name}"`);
      return boss.send(name, data, {
        ...(sendOptions.trx ? { db: transactionAdapter(sendOptions.trx) } : {}),
        ...(sendOptions.startAfter ? { startAfter: sendOptions.startAfter } : {}),
        ...(sendOptions.id ? { id: sendOptions.id } : {}),
      });
    },
    async waiting(name, ids) {
      queue(name);
      if (ids.length === 0) return new Set();
      const { rows } = flatten(
        await database.query(
          `SELECT id::text AS id FROM ${schemaName}.job
            WHERE name = $1 AND id = ANY($2::uuid[]) AND state IN ('created', 'retry')`,
          [name, ids],
        ),
      ) as { rows: { id: string }[] };
      return new Set(rows.map((row) => row.id));
    },
    async depth() {
      const names = [...queues.keys()];
      // One statement, each count stopped at the cap: a backlog of millions costs no more than
      // QUEUE_DEPTH_CAP index entries per queue and state (pg-boss indexes (name, …) by state).
      const count = (where: string) =>
        `(SELECT count(*) FROM (SELECT 1 FROM ${schemaName}.job j
           WHERE j.name = q.name AND ${where} LIMIT ${QUEUE_DEPTH_CAP}) c)::int`;
      const { rows } = flatten(
        await database.query(
          `SELECT q.name,
                  ${count(`j.state IN ('created', 'retry') AND j.start_after <= now()`)} AS waiting,
                  ${count(`j.state IN ('created', 'retry') AND j.start_after > now()`)} AS deferred,
                  ${count(`j.state = 'active'`)} AS active
             FROM unnest($1::text[]) AS q(name)`,
          [names],
        ),
      ) as { rows: { name: string; waiting: number; deferred: number; active: number }[] };
      return rows.map((row) => ({
        queue: row.name,
        waiting: Number(row.waiting),
        deferred: Number(row.deferred),
        active: Number(row.active),
      }));
    },
    async work<T>(name: string, handler: JobHandler<T>, workOptions: WorkOptions = {}) {
      const spec = queue(name);
      if (state !== 'started') throw new Error(`jobs not started: cannot work on "${name}"`);
      await boss.work<T>(
        name,
        {
          batchSize: 1,
          localConcurrency: workOptions.concurrency ?? spec.concurrency,
          pollingIntervalSeconds: workOptions.pollSeconds ?? 1,
          // NOTIFY only announces new jobs that can run now: retries and deferred jobs are found
          // by polling, so it stays as frequent with LISTEN as without.
          notifyPollingIntervalSeconds: workOptions.pollSeconds ?? 1,
          // Without it a worker takes one job per poll (a second) even with a backlog waiting:
          // fetch again at once while the last fetch found a job and more than one is ready.
          burstWhenReadyExceeds: 1,
          // createdOn, startAfter and startedOn: the job's wait, for the metrics.
          includeMetadata: true,
        },
        async ([job]) => {
          if (!job) return;
          // includeMetadata above: pg-boss's types only see it when `work` infers its options.
          const meta = job as JobWithMetadata<T>;
          const began = performance.now();
          const done = (outcome: JobRun['outcome']) =>
            options.onJobRun?.({
              queue: name,
              // Both times are the database's clock: no skew between processes.
              waitSeconds:
                (time(meta.startedOn) - Math.max(time(meta.createdOn), time(meta.startAfter))) /
                1000,
              runSeconds: (performance.now() - began) / 1000,
              outcome,
            });
          try {
            await handler({
              id: job.id,
              name: job.name,
              data: job.data,
              retryCount: job.retryCount,
              signal: job.signal,
            });
            done('completed');
          } catch (error) {
            done('failed');
            logger.warn(
              { err: error, queue: name, job: job.id, retryCount: job.retryCount },
              'job failed; it is retried while its queue allows',
            );
            throw error;
          }
        },
      );
    },
    async stop(stopOptions = {}) {
      if (starting) await starting.catch(() => undefined);
      if (state === 'new' || state === 'stopped') {
        state = 'stopped';
        return;
      }
      state = 'stopped';
      await boss.stop({
        graceful: stopOptions.graceful ?? true,
        timeout: stopOptions.timeoutMs ?? 10_000,
        close: true,
      });
    },
  };
}
