import { readdirSync, readFileSync } from 'node:fs';
import { sql } from 'kysely';
import type { Database } from './connect.ts';

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);
// Any constant works; it only has to be the same in every PlayLoop process.
const MIGRATION_LOCK_ID = 7_344_201;

/**
 * Applies every not-yet-applied `migrations/*.sql` file in name order, each in its own
 * transaction. An advisory lock makes concurrent starts of several processes safe.
 */
export async function migrate(database: Database): Promise<string[]> {
  const files = readdirSync(MIGRATIONS_DIR)
    .filter((name) => name.endsWith('.sql'))
    .sort();
  const applied: string[] = [];
  await database.db.connection().execute(async (conn) => {
    // No statement_timeout (DB_STATEMENT_TIMEOUT_MS) for this session: a migration may rewrite
    // a large table, and the lock waits for another process's migrations. Reset at the end, as
    // the connection goes back to the pool.
    await sql`SET statement_timeout = 0`.execute(conn);
    await sql`SELECT pg_advisory_lock(${MIGRATION_LOCK_ID})`.execute(conn);
    try {
      await sql`CREATE TABLE IF NOT EXISTS schema_migrations (
        name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`.execute(conn);
      const done = await sql<{ name: string }>`SELECT name FROM schema_migrations`.execute(conn);
      const doneNames = new Set(done.rows.map((row) => row.name));
      for (const file of files) {
        if (doneNames.has(file)) continue;
        const text = readFileSync(new URL(file, MIGRATIONS_DIR), 'utf8');
        await sql`BEGIN`.execute(conn);
        try {
          await sql.raw(text).execute(conn);
          await sql`INSERT INTO schema_migrations (name) VALUES (${file})`.execute(conn);
          await sql`COMMIT`.execute(conn);
        } catch (error) {
          await sql`ROLLBACK`.execute(conn);
          throw new Error(`migration ${file} failed: ${(error as Error).message}`, {
            cause: error,
          });
        }
        applied.push(file);
      }
    } finally {
      await sql`SELECT pg_advisory_unlock(${MIGRATION_LOCK_ID})`.execute(conn);
      await sql`RESET statement_timeout`.execute(conn);
    }
  });
  return applied;
}
