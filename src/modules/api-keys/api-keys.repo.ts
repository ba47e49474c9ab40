import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Database } from '../../db/connect.ts';

export interface ApiKeyRow {
  id: number;
  org_id: number;
  name: string;
  description: string | null;
  key_prefix: string;
  is_active: boolean;
  allowed_game_ids: number[] | null;
  allowed_stream_ids: number[] | null;
  rate_limit_per_minute: number;
  rate_limit_per_day: number;
  expires_at: Date | null;
  created_at: Date;
  last_used_at: Date | null;
  created_by: number | null;
}

/** What authenticating a request needs, fetched by the key's hash in one query. */
export interface ApiKeyAuthRow {
  id: number;
  org_id: number;
  key_prefix: string;
  is_active: boolean;
  allowed_game_ids: number[] | null;
  allowed_stream_ids: number[] | null;
  rate_limit_per_minute: number;
  rate_limit_per_day: number;
  expires_at: Date | null;
  org_plan_tier: string;
}

const KEY_COLUMNS = [
  'id',
  'org_id',
  'name',
  'description',
  'key_prefix',
  'is_active',
  'allowed_game_ids',
  'allowed_stream_ids',
  'rate_limit_per_minute',
  'rate_limit_per_day',
  'expires_at',
  'created_at',
  'last_used_at',
  'created_by',
] as const;

export type NewApiKey = Omit<ApiKeyRow, 'id' | 'created_at' | 'last_used_at' | 'is_active'> & {
  key_hash: string;
};

export async function insertApiKey(db: Kysely<DB>, input: NewApiKey): Promise<ApiKeyRow> {
  return db.insertInto('api_keys').values(input).returning(KEY_COLUMNS).executeTakeFirstOrThrow();
}

export async function listApiKeys(db: Kysely<DB>, orgId: number): Promise<ApiKeyRow[]> {
  return db
    .selectFrom('api_keys')
    .select(KEY_COLUMNS)
    .where('org_id', '=', orgId)
    .orderBy('id')
    .execute();
}

export type ApiKeyPatch = Partial<
  Pick<
    ApiKeyRow,
    | 'name'
    | 'description'
    | 'is_active'
    | 'allowed_game_ids'
    | 'allowed_stream_ids'
    | 'rate_limit_per_minute'
    | 'rate_limit_per_day'
    | 'expires_at'
  >
>;

export async function updateApiKey(
  db: Kysely<DB>,
  orgId: number,
  keyId: number,
  patch: ApiKeyPatch,
  now: Date,
): Promise<ApiKeyRow | undefined> {
  return db
    .updateTable('api_keys')
    .set({ ...patch, updated_at: now })
    .where('org_id', '=', orgId)
    .where('id', '=', keyId)
    .returning(KEY_COLUMNS)
    .executeTakeFirst();
}

export async function deleteApiKey(db: Kysely<DB>, orgId: number, keyId: number): Promise<boolean> {
  const result = await db
    .deleteFrom('api_keys')
    .where('org_id', '=', orgId)
    .where('id', '=', keyId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Of `ids`, those that are not games (or streams) of this organization. */
export async function unknownResourceIds(
  db: Kysely<DB>,
  orgId: number,
  table: 'games' | 'streams',
  ids: readonly number[],
): Promise<number[]> {
  if (ids.length === 0) return [];
  const found = await db
    .selectFrom(table)
    .select('id')
    .where('org_id', '=', orgId)
    .where('id', 'in', ids)
    .execute();
  const known = new Set(found.map((row) => row.id));
  return [...new Set(ids)].filter((id) => !known.has(id));
}

const FIND_BY_HASH_SQL = `
SELECT k.id, k.org_id, k.key_prefix, k.is_active, k.allowed_game_ids, k.allowed_stream_ids,
       k.rate_limit_per_minute, k.rate_limit_per_day, k.expires_at, o.plan_tier AS org_plan_tier
  FROM api_keys k JOIN organizations o ON o.id = k.org_id
 WHERE k.key_hash = $1`;

export async function findApiKeyByHash(
  database: Database,
  keyHash: string,
): Promise<ApiKeyAuthRow | undefined> {
  const rows = await database.prepared<ApiKeyAuthRow>('api_key_by_hash', FIND_BY_HASH_SQL, [
    keyHash,
  ]);
  return rows[0];
}

export interface UsageEntry {
  orgId: number;
  apiKeyId: number;
  keyPrefix: string;
  action: string;
  outcome: string;
  statusCode: number;
  clientIp: string | null;
  at: Date;
}

/** Writes a batch of audit entries in one statement (arrays unnested server-side). */
export async function insertUsageBatch(db: Kysely<DB>, entries: readonly UsageEntry[]) {
  if (entries.length === 0) return;
  await sql`
    INSERT INTO api_key_usage
      (org_id, api_key_id, key_prefix, action, outcome, status_code, client_ip, created_at)
    SELECT * FROM unnest(
      ${entries.map((e) => e.orgId)}::int[], ${entries.map((e) => e.apiKeyId)}::int[],
      ${entries.map((e) => e.keyPrefix)}::text[], ${entries.map((e) => e.action)}::text[],
      ${entries.map((e) => e.outcome)}::text[], ${entries.map((e) => e.statusCode)}::int[],
      ${entries.map((e) => e.clientIp)}::text[], ${entries.map((e) => e.at.toISOString())}::timestamptz[])
  `.execute(db);
}

/** Refusals of one key, action, outcome and status within the minute starting at `at`. */
export interface RefusalTally extends UsageEntry {
  count: number;
}

/**
 * Adds tallies to their minute's aggregated row, creating it on the minute's first refusal:
 * however often a refused key is sent, its minute holds one row per outcome. The tallies of one
 * call must have distinct conflict keys (the recorder merges them first).
 */
export async function upsertRefusalTallies(db: Kysely<DB>, tallies: readonly RefusalTally[]) {
  if (tallies.length === 0) return;
  await sql`
    INSERT INTO api_key_usage
      (org_id, api_key_id, key_prefix, action, outcome, status_code, client_ip, created_at,
       count, aggregated)
    SELECT u.*, true FROM unnest(
      ${tallies.map((e) => e.orgId)}::int[], ${tallies.map((e) => e.apiKeyId)}::int[],
      ${tallies.map((e) => e.keyPrefix)}::text[], ${tallies.map((e) => e.action)}::text[],
      ${tallies.map((e) => e.outcome)}::text[], ${tallies.map((e) => e.statusCode)}::int[],
      ${tallies.map((e) => e.clientIp)}::text[], ${tallies.map((e) => e.at.toISOString())}::timestamptz[],
      ${tallies.map((e) => e.count)}::int[]) AS u
    ON CONFLICT (org_id, api_key_id, action, outcome, status_code, created_at) WHERE aggregated
    DO UPDATE SET count = api_key_usage.count + EXCLUDED.count
  `.execute(db);
}

/** Moves last_used_at forward, at most once a minute per key. */
export async function touchLastUsed(db: Kysely<DB>, lastUse: ReadonlyMap<number, Date>) {
  if (lastUse.size === 0) return;
  const ids = [...lastUse.keys()];
  const times = ids.map((id) => lastUse.get(id)!.toISOString());
  await sql`
    UPDATE api_keys k SET last_used_at = u.at
      FROM unnest(${ids}::int[], ${times}::timestamptz[]) AS u(id, at)
     WHERE k.id = u.id
       AND (k.last_used_at IS NULL OR k.last_used_at < u.at - interval '1 minute')
  `.execute(db);
}

export interface UsageRow {
  id: number;
  api_key_id: number | null;
  key_prefix: string;
  action: string;
  outcome: string;
  status_code: number;
  client_ip: string | null;
  created_at: Date;
  count: number;
}

export async function listUsage(
  db: Kysely<DB>,
  orgId: number,
  filter: { keyId?: number | undefined; beforeId?: number | undefined; limit: number },
): Promise<UsageRow[]> {
  let query = db
    .selectFrom('api_key_usage')
    .select([
      'id',
      'api_key_id',
      'key_prefix',
      'action',
      'outcome',
      'status_code',
      'client_ip',
      'created_at',
      'count',
    ])
    .where('org_id', '=', orgId);
  if (filter.keyId !== undefined) query = query.where('api_key_id', '=', filter.keyId);
  if (filter.beforeId !== undefined) query = query.where('id', '<', filter.beforeId);
  return query.orderBy('id', 'desc').limit(filter.limit).execute();
}
