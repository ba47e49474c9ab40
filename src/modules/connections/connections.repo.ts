import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { ConnectionProvider, TriggerEvent } from '../webhooks/index.ts';

// DailyPlay connections and their stream links: every function takes the organization first.
// The sealed columns (credentials, secret) are read by name where needed, never with the row.

type Executor = Kysely<DB> | Transaction<DB>;

export interface ConnectionRow {
  id: number;
  org_id: number;
  name: string;
  provider: ConnectionProvider;
  /** The settings without credentials (url, header names, app id, api host). */
  settings: Record<string, unknown>;
  has_credentials: boolean;
  disabled_at: Date | null;
  disabled_reason: 'manual' | 'gone' | 'failing' | null;
  failing_since: Date | null;
  last_success_at: Date | null;
  previous_secret_expires_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = [
  'id',
  'org_id',
  'name',
  'provider',
  'settings',
  'disabled_at',
  'disabled_reason',
  'failing_since',
  'last_success_at',
  'previous_secret_expires_at',
  'created_at',
  'updated_at',
] as const;
const HAS_CREDENTIALS = sql<boolean>`credentials IS NOT NULL`.as('has_credentials');
const RETURNING = sql.join([...COLUMNS.map((c) => sql.ref(c)), HAS_CREDENTIALS]);

export async function listConnections(db: Executor, orgId: number): Promise<ConnectionRow[]> {
  const rows = await db
    .selectFrom('connections')
    .select([...COLUMNS, HAS_CREDENTIALS])
    .where('org_id', '=', orgId)
    .orderBy('id')
    .execute();
  return rows as ConnectionRow[];
}

export async function findConnection(
  db: Executor,
  orgId: number,
  id: number,
): Promise<ConnectionRow | undefined> {
  const row = await db
    .selectFrom('connections')
    .select([...COLUMNS, HAS_CREDENTIALS])
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row as ConnectionRow | undefined;
}

export interface StoredSettings {
  provider: ConnectionProvider;
  settings: Record<string, unknown>;
  /** Sealed JSON, or null. */
  credentials: string | null;
}

/** What an update needs to merge a settings change (the credentials still sealed). */
export async function storedSettings(
  db: Executor,
  orgId: number,
  id: number,
): Promise<StoredSettings | undefined> {
  const row = await db
    .selectFrom('connections')
    .select(['provider', 'settings', 'credentials'])
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row as StoredSettings | undefined;
}

export interface NewConnection {
  name: string;
  provider: ConnectionProvider;
  settings: Record<string, unknown>;
  credentials: string | null;
  secret: string;
}

/**
 * Inserts the connection unless the organization already has `max` of them. The organization's
 * row lock serializes concurrent creations, and the count is in the insert's own statement, so
 * two creations cannot both take the last place. Undefined when the limit was reached.
 */
export async function insertConnection(
  db: Executor,
  orgId: number,
  values: NewConnection,
  max: number,
  now: Date,
): Promise<ConnectionRow | undefined> {
  await sql`SELECT 1 FROM organizations WHERE id = ${orgId} FOR UPDATE`.execute(db);
  const { rows } = await sql<ConnectionRow>`
    INSERT INTO connections
      (org_id, name, provider, settings, credentials, secret, created_at, updated_at)
    SELECT ${orgId}, ${values.name}, ${values.provider}, ${JSON.stringify(values.settings)}::jsonb,
           ${values.credentials}, ${values.secret}, ${now}, ${now}
     WHERE (SELECT count(*) FROM connections WHERE org_id = ${orgId}) < ${max}
    RETURNING ${RETURNING}
  `.execute(db);
  return rows[0];
}

export type ConnectionPatch = Partial<{
  name: string;
  settings: string;
  credentials: string | null;
  disabled_at: Date | null;
  disabled_reason: 'manual' | null;
  failing_since: null;
}>;

/**
 * Applies the patch. With `expected`, only while the settings and credentials are still those
 * the patch was made from: a concurrent settings change makes it answer undefined instead of
 * being overwritten (the credentials are resealed on every change, so they tell changes apart).
 */
export async function updateConnection(
  db: Executor,
  orgId: number,
  id: number,
  patch: ConnectionPatch,
  now: Date,
  expected?: Pick<StoredSettings, 'settings' | 'credentials'>,
): Promise<ConnectionRow | undefined> {
  let query = db
    .updateTable('connections')
    .set({ ...patch, updated_at: now })
    .where('org_id', '=', orgId)
    .where('id', '=', id);
  if (expected) {
    query = query
      .where(sql<boolean>`settings = ${JSON.stringify(expected.settings)}::jsonb`)
      .where(sql<boolean>`credentials IS NOT DISTINCT FROM ${expected.credentials}`);
  }
  const row = await query.returning([...COLUMNS, HAS_CREDENTIALS]).executeTakeFirst();
  return row as ConnectionRow | undefined;
}

/**
 * Replaces the signing secret with `sealed`, the one it replaces kept as the previous secret
 * until `previousExpiresAt` (none when null). One statement: two concurrent rotations each keep
 * the secret they replaced, never a secret that was never shown.
 */
export async function rotateSecret(
  db: Executor,
  orgId: number,
  id: number,
  sealed: string,
  previousExpiresAt: Date | null,
  now: Date,
): Promise<ConnectionRow | undefined> {
  const row = await db
    .updateTable('connections')
    .set({
      secret: sealed,
      previous_secret: previousExpiresAt ? sql<string>`secret` : null,
      previous_secret_expires_at: previousExpiresAt,
      updated_at: now,
    })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .returning([...COLUMNS, HAS_CREDENTIALS])
    .executeTakeFirst();
  return row as ConnectionRow | undefined;
}

/** Deletes the connection; its links and messages go with it (ON DELETE CASCADE). */
export async function deleteConnection(db: Executor, orgId: number, id: number): Promise<boolean> {
  const result = await db
    .deleteFrom('connections')
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

// --- stream links ---------------------------------------------------------------------------

export interface LinkRow {
  stream_id: number;
  connection_id: number;
  name: string;
  provider: ConnectionProvider;
  enabled: boolean;
  triggers: TriggerEvent[];
  created_at: Date;
}

const LINK_COLUMNS = sql`sc.stream_id, sc.connection_id, c.name, c.provider,
  c.disabled_at IS NULL AS enabled, sc.triggers, sc.created_at`;

/** The organization's stream's status, or undefined when it has no such stream. */
export async function streamStatus(
  db: Executor,
  orgId: number,
  streamId: number,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('streams')
    .select('status')
    .where('org_id', '=', orgId)
    .where('id', '=', streamId)
    .executeTakeFirst();
  return row?.status;
}

export async function listStreamLinks(
  db: Executor,
  orgId: number,
  streamId: number,
): Promise<LinkRow[]> {
  const { rows } = await sql<LinkRow>`
    SELECT ${LINK_COLUMNS}
      FROM stream_connections sc
      JOIN connections c ON c.id = sc.connection_id AND c.org_id = sc.org_id
     WHERE sc.org_id = ${orgId} AND sc.stream_id = ${streamId}
     ORDER BY sc.connection_id
  `.execute(db);
  return rows;
}

/**
 * Links the connection to the stream with these triggers, or replaces the triggers of the link,
 * in one statement that finds both in the organization: undefined when either is not its.
 */
export async function upsertLink(
  db: Executor,
  orgId: number,
  streamId: number,
  connectionId: number,
  triggers: readonly TriggerEvent[],
  now: Date,
): Promise<LinkRow | undefined> {
  const { rows } = await sql<LinkRow>`
    WITH link AS (
      INSERT INTO stream_connections AS sc (org_id, stream_id, connection_id, triggers, created_at)
      SELECT ${orgId}, s.id, c.id, ${[...triggers]}::text[], ${now}
        FROM streams s, connections c
       WHERE s.id = ${streamId} AND s.org_id = ${orgId}
         AND c.id = ${connectionId} AND c.org_id = ${orgId}
      ON CONFLICT (stream_id, connection_id) DO UPDATE SET triggers = excluded.triggers
      RETURNING sc.*
    )
    SELECT ${LINK_COLUMNS}
      FROM link sc JOIN connections c ON c.id = sc.connection_id
  `.execute(db);
  return rows[0];
}

export async function deleteLink(
  db: Executor,
  orgId: number,
  streamId: number,
  connectionId: number,
): Promise<boolean> {
  const result = await db
    .deleteFrom('stream_connections')
    .where('org_id', '=', orgId)
    .where('stream_id', '=', streamId)
    .where('connection_id', '=', connectionId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}
