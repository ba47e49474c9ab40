import type { Kysely } from 'kysely';
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

/** The properties of every organization the user belongs to, with the user's role there. */
export async function listPropertiesOfUser(
  db: Kysely<DB>,
  userId: number,
  orgId: number | undefined,
): Promise<(PropertyRow & { role: Role })[]> {
  let query = db
    .selectFrom('properties as p')
    .innerJoin('memberships as m', (join) =>
      join.onRef('m.org_id', '=', 'p.org_id').on('m.user_id', '=', userId),
    )
    .select(['p.id', 'p.org_id', 'p.name', 'p.timezone', 'p.created_at', 'm.role']);
  if (orgId !== undefined) query = query.where('p.org_id', '=', orgId);
  const rows = await query.orderBy('p.org_id').orderBy('p.created_at').orderBy('p.id').execute();
  return rows.map((row) => ({ ...row, role: row.role as Role }));
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
