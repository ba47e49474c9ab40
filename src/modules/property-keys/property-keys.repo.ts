import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/connect.ts';
import type { DB } from '../../db/schema.ts';

export type PropertyScope = 'read' | 'write';

export interface PropertyKeyRow {
  id: string;
  property_id: string;
  name: string;
  key_prefix: string;
  scopes: PropertyScope[];
  rate_limit_per_minute: number;
  created_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
  created_by: number | null;
}

/** What authenticating a request needs, fetched by the key's hash in one query. */
export interface PropertyKeyAuthRow {
  id: string;
  property_id: string;
  org_id: number;
  key_prefix: string;
  scopes: PropertyScope[];
  rate_limit_per_minute: number;
  revoked_at: Date | null;
}

const KEY_COLUMNS = [
  'id',
  'property_id',
  'name',
  'key_prefix',
  'scopes',
  'rate_limit_per_minute',
  'created_at',
  'revoked_at',
  'last_used_at',
  'created_by',
] as const;

function typed<T extends { scopes: string[] }>(row: T): T & { scopes: PropertyScope[] } {
  return row as T & { scopes: PropertyScope[] };
}

export async function insertPropertyKey(
  db: Kysely<DB>,
  input: {
    id: string;
    property_id: string;
    name: string;
    key_hash: string;
    key_prefix: string;
    scopes: PropertyScope[];
    rate_limit_per_minute: number;
    created_by: number | null;
  },
): Promise<PropertyKeyRow> {
  const row = await db
    .insertInto('property_api_keys')
    .values(input)
    .returning(KEY_COLUMNS)
    .executeTakeFirstOrThrow();
  return typed(row);
}

export async function listPropertyKeys(
  db: Kysely<DB>,
  propertyId: string,
): Promise<PropertyKeyRow[]> {
  const rows = await db
    .selectFrom('property_api_keys')
    .select(KEY_COLUMNS)
    .where('property_id', '=', propertyId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(typed);
}

/** The key and the organization owning its property, so the caller's role can be checked. */
export async function findPropertyKeyOwner(
  db: Kysely<DB>,
  keyId: string,
): Promise<{ id: string; property_id: string; org_id: number } | undefined> {
  return db
    .selectFrom('property_api_keys as k')
    .innerJoin('properties as p', 'p.id', 'k.property_id')
    .select(['k.id', 'k.property_id', 'p.org_id'])
    .where('k.id', '=', keyId)
    .executeTakeFirst();
}

/** Revokes a key of this property; revoking twice keeps the first revocation time. */
export async function revokePropertyKey(
  db: Kysely<DB>,
  propertyId: string,
  keyId: string,
  now: Date,
): Promise<PropertyKeyRow | undefined> {
  const row = await db
    .updateTable('property_api_keys')
    .set({ revoked_at: sql<Date>`coalesce(revoked_at, ${now})` })
    .where('property_id', '=', propertyId)
    .where('id', '=', keyId)
    .returning(KEY_COLUMNS)
    .executeTakeFirst();
  return row && typed(row);
}

const FIND_BY_HASH_SQL = `
SELECT k.id, k.property_id, p.org_id, k.key_prefix, k.scopes, k.rate_limit_per_minute,
       k.revoked_at
  FROM property_api_keys k JOIN properties p ON p.id = k.property_id
 WHERE k.key_hash = $1`;

export async function findPropertyKeyByHash(
  database: Database,
  keyHash: string,
): Promise<PropertyKeyAuthRow | undefined> {
  const rows = await database.prepared<PropertyKeyAuthRow>(
    'property_key_by_hash',
    FIND_BY_HASH_SQL,
    [keyHash],
  );
  return rows[0];
}

/** Moves last_used_at forward, at most once a minute per key, for a batch of keys. */
export async function touchPropertyKeysLastUsed(
  db: Kysely<DB>,
  lastUse: ReadonlyMap<string, Date>,
): Promise<void> {
  if (lastUse.size === 0) return;
  const ids = [...lastUse.keys()];
  const times = ids.map((id) => lastUse.get(id)!.toISOString());
  await sql`
    UPDATE property_api_keys k SET last_used_at = u.at
      FROM unnest(${ids}::uuid[], ${times}::timestamptz[]) AS u(id, at)
     WHERE k.id = u.id
       AND (k.last_used_at IS NULL OR k.last_used_at < u.at - interval '1 minute')
  `.execute(db);
}
