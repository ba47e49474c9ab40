import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { cancellablePool, runCancellable } from './cancel.ts';
import { type FolderLock, lockFolder } from './folder-lock.ts';
import { HealthProbe } from './health-probe.ts';
import { pglitePoolConfig } from './pglite-connection.ts';
import type { DB } from './schema.ts';

// int8 (bigint ids, counts) fits a JS number for every value this application produces.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
// numeric columns (player ADT, coin-in: at most 16 digits with 2 decimals) read as numbers.
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));
// date columns (date of birth) stay 'YYYY-MM-DD' strings: no time zone may shift them.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);

export type Database = {
  readonly db: Kysely<DB>;
  /** Runs one statement as a named prepared statement: the hot paths skip re-parsing. */
  readonly prepared: <R>(name: string, text: string, values: unknown[]) => Promise<R[]>;
  readonly kind: 'postgres' | 'pglite';
  /**
   * Runs `run`; when `signal` aborts (the HTTP client went away) the statements it is running
   * on PostgreSQL are cancelled and later ones refused (cancel.ts).
   */
  readonly cancellable: <T>(signal: AbortSignal, run: () => Promise<T>) => Promise<T>;
  /**
   * Resolves when the database answers within `timeoutMs`, without queueing behind the pool:
   * PostgreSQL, a `SELECT 1` on a connection of its own; PGlite (in this process, so answering
   * at all means no statement is running), whether the instance is open.
   */
  readonly ping: (timeoutMs: number) => Promise<void>;
  /** The pool right now: its size, connections checked out, and checkouts waiting for one. */
  readonly poolState: () => PoolState;
  /**
   * SQL text as node-postgres runs it on one pooled connection: without values it may hold
   * several statements (one result each). For adapters that speak SQL text (pg-boss on PGlite,
   * src/jobs); application code uses `db`.
   */
  readonly query: (text: string, values?: unknown[]) => Promise<pg.QueryResult | pg.QueryResult[]>;
  /** PGlite in a folder: this process's claim on it (folder-lock.ts), which a server serves on. */
  readonly folder?: FolderLock;
  /** PGlite: the whole database as a tarball, which `loadDataDir` opens again. */
  readonly dumpDataDir?: () => Promise<Blob>;
  close(): Promise<void>;
};

export interface PoolState {
  readonly size: number;
  readonly inUse: number;
  readonly waiting: number;
}

export type ConnectOptions =
  | {
      kind: 'postgres';
      url: string;
      poolSize: number;
      /** `statement_timeout` of every pooled connection (ms); 0 or absent: none. */
      statementTimeoutMs?: number;
    }
  /**
   * `dataDir` is a folder, or `memory://` for a throwaway database (tests). `role` says who
   * holds the folder to a process that finds it taken (default `process`).
   */
  | {
      kind: 'pglite';
      dataDir: string;
      role?: string;
      /** A `dumpDataDir` tarball to start from (tests: a migrated template skips initdb). */
      loadDataDir?: Blob;
    };

export async function connectDatabase(options: ConnectOptions): Promise<Database> {
  let pool: pg.Pool;
  let pglite: PGlite | undefined;
  let probe: HealthProbe | undefined;
  let folder: FolderLock | undefined;
  if (options.kind === 'postgres') {
    // Sent in the startup packet, so it is each pooled session's default: a migration or a
    // bulk import lifts it for its own session or transaction (SET / SET LOCAL).
    const timeout = options.statementTimeoutMs ?? 0;
    pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize,
      ...(timeout > 0 ? { statement_timeout: timeout } : {}),
    });
    probe = new HealthProbe(options.url);
  } else {
    if (!options.dataDir.startsWith('memory://')) {
      // Owner-only: the folder holds the database and the socket that runs CLI commands.
      mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
      folder = await lockFolder(options.dataDir, options.role ?? 'process');
    }
    try {
      // pg_trgm backs the players search index (migration 20261123100000).
      pglite = await PGlite.create(options.dataDir, {
        extensions: { pg_trgm },
        ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
      });
    } catch (error) {
      await folder?.release();
      throw error;
    }
    // PGlite is one connection: the pool has exactly one client, so a transaction holds it
    // and nothing else may query the pool until the transaction ends.
    pool = new pg.Pool(pglitePoolConfig(pglite));
  }
  // An idle client that errors (server restart) must not crash the process; the pool drops it.
  pool.on('error', () => undefined);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: cancellablePool(pool) }) });
  const open = pglite;
  return {
    db,
    kind: options.kind,
    cancellable: runCancellable,
    async ping(timeoutMs) {
      if (probe) return probe.ping(timeoutMs);
      if (!open || open.closed) throw new Error('the embedded database is closed');
      return Promise.resolve();
    },
    ...(folder ? { folder } : {}),
    ...(open ? { dumpDataDir: () => open.dumpDataDir('none') } : {}),
    poolState: () => ({
      size: pool.options.max,
      inUse: pool.totalCount - pool.idleCount,
      waiting: pool.waitingCount,
    }),
    async query(text, values) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        return (await client.query(text, values)) as pg.QueryResult | pg.QueryResult[];
      } catch (error) {
        // Text with its own BEGIN that fails midway leaves its transaction open and failed. PGlite's
        // one session outlives the client, so it is rolled back here, before anyone else queries.
        await client.query('ROLLBACK').catch((failed: unknown) => (broken = failed as Error));
        throw error;
      } finally {
        client.release(broken);
      }
    },
    async prepared<R>(name: string, text: string, values: unknown[]) {
      const result = await pool.query({ name, text, values });
      return result.rows as R[];
    },
    async close() {
      await probe?.close();
      await db.destroy();
      if (pglite) await pglite.close();
      // Only once PGlite has written everything back may another process open the folder.
      await folder?.release();
    },
  };
}
