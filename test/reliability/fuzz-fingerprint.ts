import { sql } from 'kysely';
import type { Harness } from '../harness.ts';

/**
 * Tables a failed request may legitimately write, left out of the fingerprint:
 * - api_key_usage: the audit trail records every use of a known key, refused ones included;
 * - app_secrets: server-wide secrets created on first use, whatever the request's outcome;
 * - schema_migrations: not business data.
 */
const EXCLUDED_TABLES = new Set(['api_key_usage', 'app_secrets', 'schema_migrations']);
/** Columns moved by any authenticated request, failed or not (batched, off the request path). */
const EXCLUDED_COLUMNS = ['last_used_at'];

export interface Fingerprint {
  readonly tables: ReadonlyMap<string, { rows: number; md5: string }>;
}

/**
 * Every business table of the public schema (found at run time, so a table added by a later
 * migration is covered).
 */
export async function businessTables(h: Harness): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    SELECT table_name AS name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name
  `.execute(h.deps.database.db);
  return rows.map((row) => row.name).filter((name) => !EXCLUDED_TABLES.has(name));
}

async function tablesWithExcludedColumns(h: Harness): Promise<Set<string>> {
  const { rows } = await sql<{ name: string }>`
    SELECT DISTINCT table_name AS name FROM information_schema.columns
    WHERE table_schema = 'public' AND column_name = ANY(${EXCLUDED_COLUMNS})
  `.execute(h.deps.database.db);
  return new Set(rows.map((row) => row.name));
}

/**
 * Row count plus a summary of each table's rows. Tables with a column any request may move
 * (last_used_at) are summarized by the md5 of their rows without it, sorted. The others by
 * the newest transaction that wrote a visible row (`max(xmin)`): every insert or update writes
 * a row version stamped with a new, larger transaction id, a rolled-back one leaves nothing
 * visible, and a delete changes the count. That costs one pass over the table with no sorting,
 * so fingerprinting stays fast when earlier files of the suite left 100,000s of rows behind.
 */
export async function fingerprint(h: Harness, tables: readonly string[]): Promise<Fingerprint> {
  const withExcluded = await tablesWithExcludedColumns(h);
  const drop = `ARRAY[${EXCLUDED_COLUMNS.map((c) => `'${c}'`).join(',')}]::text[]`;
  // Table names come from information_schema (identifiers quoted), never from a request.
  const parts = tables.map((table) =>
    withExcluded.has(table)
      ? `SELECT '${table}' AS name, count(*)::int AS rows,
                md5(coalesce(string_agg(j, E'\\n' ORDER BY j), '')) AS md5
           FROM (SELECT (to_jsonb(t) - ${drop})::text AS j FROM "${table}" t) s`
      : `SELECT '${table}' AS name, count(*)::int AS rows,
                coalesce(max(xmin::text::bigint), 0)::text AS md5
           FROM "${table}"`,
  );
  const { rows } = await sql
    .raw<{ name: string; rows: number; md5: string }>(parts.join('\nUNION ALL\n'))
    .execute(h.deps.database.db);
  return { tables: new Map(rows.map((row) => [row.name, { rows: row.rows, md5: row.md5 }])) };
}

/** The tables whose rows differ between two fingerprints, e.g. `players (3 → 4 rows)`. */
export function changedTables(before: Fingerprint, after: Fingerprint): string[] {
  const changed: string[] = [];
  for (const [name, was] of before.tables) {
    const now = after.tables.get(name);
    if (!now || now.md5 !== was.md5) changed.push(`${name} (${was.rows} → ${now?.rows} rows)`);
  }
  return changed;
}
