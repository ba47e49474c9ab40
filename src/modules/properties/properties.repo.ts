import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/connect.ts';
import type { DB } from '../../db/schema.ts';
import type { Role } from '../organizations/index.ts';

export interface PropertyRow {
  id: string;
  org_id: number;
  name: string;
  timezone: string;
  created_at: Date;
}

const PROPERTY_COLUMNS = ['id', 'org_id', 'name', 'timezone', 'created_at'] as const;

export async function insertProperty(
  db: Kysely<DB>,
  input: { id: string; org_id: number; name: string; timezone: string },
): Promise<PropertyRow> {
  return db
    .insertInto('properties')
    .values(input)
    .returning(PROPERTY_COLUMNS)
    .executeTakeFirstOrThrow();
}

/** What a property stores and the limits in force (its own, else the install default). */
export interface PropertyUsage {
  /** Players stored: exactly count(*) at every commit. */
  rows: number;
  /** Sum of player_stored_bytes (the row's text without the play profile) over those players. */
  bytes: number;
  max_rows: number;
  max_bytes: number;
}

// A property created before its usage row could exist has none only if someone deleted it by
// hand; it then shows zeros rather than disappearing from lists.
const USAGE_COLUMNS = [
  sql<number>`coalesce(u.rows, 0)`.as('usage_rows'),
  sql<number>`coalesce(u.bytes, 0)`.as('usage_bytes'),
  sql<number>`coalesce(u.max_rows, q.max_rows)`.as('usage_max_rows'),
  sql<number>`coalesce(u.max_bytes, q.max_bytes)`.as('usage_max_bytes'),
] as const;

const toUsage = (row: {
  usage_rows: number;
  usage_bytes: number;
  usage_max_rows: number;
  usage_max_bytes: number;
}): PropertyUsage => ({
  rows: Number(row.usage_rows),
  bytes: Number(row.usage_bytes),
  max_rows: Number(row.usage_max_rows),
  max_bytes: Number(row.usage_max_bytes),
});

/**
 * The properties of every organization the user belongs to, with the user's role there and
 * the property's storage usage.
 */
export async function listPropertiesOfUser(
  db: Kysely<DB>,
  userId: number,
  orgId: number | undefined,
): Promise<(PropertyRow & { role: Role; usage: PropertyUsage })[]> {
  let query = db
    .selectFrom('properties as p')
    .innerJoin('memberships as m', (join) =>
      join.onRef('m.org_id', '=', 'p.org_id').on('m.user_id', '=', userId),
    )
    .leftJoin('property_usage as u', 'u.property_id', 'p.id')
    .innerJoin('property_quota_defaults as q', (join) => join.onTrue())
    .select(['p.id', 'p.org_id', 'p.name', 'p.timezone', 'p.created_at', 'm.role'])
    .select(USAGE_COLUMNS);
  if (orgId !== undefined) query = query.where('p.org_id', '=', orgId);
  const rows = await query.orderBy('p.org_id').orderBy('p.created_at').orderBy('p.id').execute();
  return rows.map(({ usage_rows, usage_bytes, usage_max_rows, usage_max_bytes, ...row }) => ({
    ...row,
    role: row.role as Role,
    usage: toUsage({ usage_rows, usage_bytes, usage_max_rows, usage_max_bytes }),
  }));
}

/** One property's usage and limits; undefined when the property does not exist. */
export async function findPropertyUsage(
  db: Kysely<DB>,
  propertyId: string,
): Promise<PropertyUsage | undefined> {
  const row = await db
    .selectFrom('properties as p')
    .leftJoin('property_usage as u', 'u.property_id', 'p.id')
    .innerJoin('property_quota_defaults as q', (join) => join.onTrue())
    .select(USAGE_COLUMNS)
    .where('p.id', '=', propertyId)
    .executeTakeFirst();
  return row && toUsage(row);
}

/** Sets a property's own limits (null: back to the install default); false when unknown. */
export async function updatePropertyQuota(
  db: Kysely<DB>,
  propertyId: string,
  limits: { max_rows?: number | null; max_bytes?: number | null },
): Promise<boolean> {
  const result = await db
    .updateTable('property_usage')
    .set(limits)
    .where('property_id', '=', propertyId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Recounts usage from the players table (one property, or all): exact while writers run, see
 * property_usage_recount() in migration 20261206130000. Returns how many usage rows changed.
 */
export async function recountUsage(db: Kysely<DB>, propertyId: string | null): Promise<number> {
  const { rows } = await sql<{ changed: number }>`
    SELECT property_usage_recount(CAST(${propertyId} AS uuid)) AS changed`.execute(db);
  return Number(rows[0]?.changed ?? 0);
}

/** The install default quota; written only when it differs, so restarts do not churn. */
export async function writeQuotaDefaults(
  db: Kysely<DB>,
  maxRows: number,
  maxBytes: number,
): Promise<void> {
  await db
    .updateTable('property_quota_defaults')
    .set({ max_rows: maxRows, max_bytes: maxBytes })
    .where((eb) => eb.or([eb('max_rows', '<>', maxRows), eb('max_bytes', '<>', maxBytes)]))
    .execute();
}

/** A property together with the organization it belongs to; for management checks. */
export async function findProperty(
  db: Kysely<DB>,
  propertyId: string,
): Promise<PropertyRow | undefined> {
  return db
    .selectFrom('properties')
    .select(PROPERTY_COLUMNS)
    .where('id', '=', propertyId)
    .executeTakeFirst();
}

const PROPERTY_FOR_USER_SQL = `
SELECT p.id, p.org_id, m.role
  FROM properties p JOIN memberships m ON m.org_id = p.org_id AND m.user_id = $2
 WHERE p.id = $1`;

/**
 * The property a user addresses with X-Property-Id, with their role in its organization, in one
 * round trip. No row when the property does not exist or belongs to an organization the user is
 * not a member of: callers cannot tell the two apart.
 */
export async function findPropertyForUser(
  database: Database,
  propertyId: string,
  userId: number,
): Promise<{ id: string; org_id: number; role: Role } | undefined> {
  const rows = await database.prepared<{ id: string; org_id: number; role: Role }>(
    'property_for_user',
    PROPERTY_FOR_USER_SQL,
    [propertyId, userId],
  );
  return rows[0];
}
