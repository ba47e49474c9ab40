import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { OrgType, Role } from './organizations.roles.ts';

type Executor = Kysely<DB> | Transaction<DB>;

export interface OrganizationRow {
  id: number;
  name: string;
  slug: string;
  type: OrgType;
  plan_tier: string;
  created_at: Date;
}

const ORG_COLUMNS = ['id', 'name', 'slug', 'type', 'plan_tier', 'created_at'] as const;

export async function insertOrganization(
  db: Executor,
  input: { name: string; slug: string; type: OrgType; plan_tier: string },
): Promise<OrganizationRow> {
  return db
    .insertInto('organizations')
    .values(input)
    .returning(ORG_COLUMNS)
    .executeTakeFirstOrThrow();
}

export async function findOrganization(
  db: Executor,
  orgId: number,
): Promise<OrganizationRow | undefined> {
  return db
    .selectFrom('organizations')
    .select(ORG_COLUMNS)
    .where('id', '=', orgId)
    .executeTakeFirst();
}

export async function findOrganizationBySlug(
  db: Executor,
  slug: string,
): Promise<OrganizationRow | undefined> {
  return db
    .selectFrom('organizations')
    .select(ORG_COLUMNS)
    .where('slug', '=', slug)
    .executeTakeFirst();
}

export async function updatePlanTier(
  db: Executor,
  orgId: number,
  tier: string,
): Promise<OrganizationRow | undefined> {
  return db
    .updateTable('organizations')
    .set({ plan_tier: tier })
    .where('id', '=', orgId)
    .returning(ORG_COLUMNS)
    .executeTakeFirst();
}

export async function insertMembership(
  db: Executor,
  orgId: number,
  userId: number,
  role: Role,
): Promise<void> {
  await db.insertInto('memberships').values({ org_id: orgId, user_id: userId, role }).execute();
}

export async function findMembershipRole(
  db: Executor,
  orgId: number,
  userId: number,
): Promise<Role | undefined> {
  const row = await db
    .selectFrom('memberships')
    .select('role')
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.role as Role | undefined;
}

export async function listMembershipsOfUser(
  db: Executor,
  userId: number,
): Promise<(OrganizationRow & { role: Role })[]> {
  const rows = await db
    .selectFrom('memberships as m')
    .innerJoin('organizations as o', 'o.id', 'm.org_id')
    .select(['o.id', 'o.name', 'o.slug', 'o.type', 'o.plan_tier', 'o.created_at', 'm.role'])
    .where('m.user_id', '=', userId)
    .orderBy('o.id')
    .execute();
  return rows.map((row) => ({ ...row, role: row.role as Role }));
}
