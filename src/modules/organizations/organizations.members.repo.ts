import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Role } from './organizations.roles.ts';

type Executor = Kysely<DB> | Transaction<DB>;

export interface MemberRow {
  user_id: number;
  name: string | null;
  email: string;
  role: Role;
  joined_at: Date;
}

export interface PendingInvitationRow {
  invitation_id: string;
  email: string;
  role: Role;
  invited_at: Date;
  expires_at: Date;
}

const MEMBER_COLUMNS = [
  'm.user_id',
  'u.name',
  'u.email',
  'm.role',
  'm.created_at as joined_at',
] as const;

export async function listMemberRows(db: Executor, orgId: number): Promise<MemberRow[]> {
  const rows = await db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(MEMBER_COLUMNS)
    .where('m.org_id', '=', orgId)
    .orderBy('m.created_at')
    .orderBy('m.user_id')
    .execute();
  return rows.map((row) => ({ ...row, role: row.role as Role }));
}

/** Invitations still waiting for their invitee: the members list shows them as Pending. */
export async function listPendingInvitationRows(
  db: Executor,
  orgId: number,
  now: Date,
): Promise<PendingInvitationRow[]> {
  const rows = await db
    .selectFrom('invitations')
    .select(['id as invitation_id', 'email', 'role', 'created_at as invited_at', 'expires_at'])
    .where('org_id', '=', orgId)
    .where('status', '=', 'pending')
    .where('expires_at', '>', now)
    .orderBy('created_at')
    .execute();
  return rows.map((row) => ({ ...row, role: row.role as Role }));
}

export async function findMember(
  db: Executor,
  orgId: number,
  userId: number,
): Promise<MemberRow | undefined> {
  const row = await db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(MEMBER_COLUMNS)
    .where('m.org_id', '=', orgId)
    .where('m.user_id', '=', userId)
    .executeTakeFirst();
  return row && { ...row, role: row.role as Role };
}

export async function findMemberByEmail(
  db: Executor,
  orgId: number,
  email: string,
): Promise<{ user_id: number } | undefined> {
  return db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select('m.user_id')
    .where('m.org_id', '=', orgId)
    .where(sql<string>`lower(u.email)`, '=', email.toLowerCase())
    .executeTakeFirst();
}

/**
 * Locks the organization row until the transaction ends. Every change that can take an Owner
 * away (role change, removal, leaving) runs under it: under READ COMMITTED two Owners demoting
 * each other at once would each still see the other as Owner, and the organization would end up
 * with none. Returns false when the organization does not exist.
 */
export async function lockOrganization(trx: Transaction<DB>, orgId: number): Promise<boolean> {
  const row = await trx
    .selectFrom('organizations')
    .select('id')
    .where('id', '=', orgId)
    .forUpdate()
    .executeTakeFirst();
  return row !== undefined;
}

export async function countOwners(db: Executor, orgId: number): Promise<number> {
  const row = await db
    .selectFrom('memberships')
    .select((eb) => eb.fn.countAll<string>().as('owners'))
    .where('org_id', '=', orgId)
    .where('role', '=', 'Owner')
    .executeTakeFirstOrThrow();
  return Number(row.owners);
}

export async function updateMemberRole(
  db: Executor,
  orgId: number,
  userId: number,
  role: Role,
): Promise<void> {
  await db
    .updateTable('memberships')
    .set({ role })
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .execute();
}

export interface KeysCreatedBy {
  api_keys: { id: number; name: string; key_prefix: string }[];
  property_keys: { id: string; property_id: string; name: string; key_prefix: string }[];
}

/**
 * The organization's working keys (dpk_ active, pk_ not revoked) a user created: a member's
 * removal lists them for review. Read here, not through the key modules, because those depend
 * on this module for roles.
 */
export async function listWorkingKeysCreatedBy(
  db: Executor,
  orgId: number,
  userId: number,
): Promise<KeysCreatedBy> {
  const [apiKeys, propertyKeys] = await Promise.all([
    db
      .selectFrom('api_keys')
      .select(['id', 'name', 'key_prefix'])
      .where('org_id', '=', orgId)
      .where('created_by', '=', userId)
      .where('is_active', '=', true)
      .orderBy('id')
      .execute(),
    db
      .selectFrom('property_api_keys as k')
      .innerJoin('properties as p', 'p.id', 'k.property_id')
      .select(['k.id', 'k.property_id', 'k.name', 'k.key_prefix'])
      .where('p.org_id', '=', orgId)
      .where('k.created_by', '=', userId)
      .where('k.revoked_at', 'is', null)
      .orderBy('k.created_at')
      .orderBy('k.id')
      .execute(),
  ]);
  return { api_keys: apiKeys, property_keys: propertyKeys };
}

export async function deleteMembership(db: Executor, orgId: number, userId: number): Promise<void> {
  await db
    .deleteFrom('memberships')
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .execute();
}
