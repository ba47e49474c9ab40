import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
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
  close(): Promise<void>;
};

export type ConnectOptions =
  | { kind: 'postgres'; url: string; poolSize: number }
  /** `dataDir` is a folder, or `memory://` for a throwaway database (tests). */
  | { kind: 'pglite'; dataDir: string };

export async function connectDatabase(options: ConnectOptions): Promise<Database> {
  let pool: pg.Pool;
  let pglite: PGlite | undefined;
  if (options.kind === 'postgres') {
    pool = new pg.Pool({ connectionString: options.url, max: options.poolSize });
  } else {
    if (!options.dataDir.startsWith('memory://')) mkdirSync(options.dataDir, { recursive: true });
    // pg_trgm backs the players search index (migration 20261123100000).
    pglite = await PGlite.create(options.dataDir, { extensions: { pg_trgm } });
    // PGlite is one connection: the pool has exactly one client, so a transaction holds it
    // and nothing else may query the pool until the transaction ends.
    pool = new pg.Pool(pglitePoolConfig(pglite));
  }
  // An idle client that errors (server restart) must not crash the process; the pool drops it.
  pool.on('error', () => undefined);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    kind: options.kind,
    async prepared<R>(name: string, text: string, values: unknown[]) {
      const result = await pool.query({ name, text, values });
      return result.rows as R[];
    },
    async close() {
      await db.destroy();
      if (pglite) await pglite.close();
    },
  };
}
