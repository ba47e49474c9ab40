import { randomBytes } from 'node:crypto';
import type { PlanTier } from '../../config.ts';
import type { Deps } from '../../deps.ts';
import { requireDisplayName } from '../../lib/display-name.ts';
import { AppError } from '../../lib/errors.ts';
import { countAttempt } from '../../lib/throttle.ts';
import type { Actor } from '../users/index.ts';
import {
  findMembershipRole,
  findOrganization,
  insertMembership,
  insertOrganization,
  listMembershipsOfUser,
  type OrganizationRow,
  updatePlanTier,
} from './organizations.repo.ts';
import { type OrgType, type Role, roleAtLeast, tierAtLeast } from './organizations.roles.ts';

export const SLUG_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/g, '');
  // Names with no ASCII letters or digits still get a usable, unique-enough slug.
  return slug || `x-${randomBytes(3).toString('hex')}`;
}

/** Trims a display name and enforces the 1–200 character rule the schema also checks. */
export function requireName(field: string, value: string): string {
  const trimmed = value.trim();
  if (!trimmed || trimmed.length > 200) {
    throw new AppError('validation_failed', `${field} must have 1 to 200 characters`);
  }
  return trimmed;
}

export interface CreateOrganizationInput {
  name: string;
  slug?: string | undefined;
  type?: OrgType | undefined;
  planTier?: PlanTier | undefined;
  /** The user who becomes its first Owner, if any. */
  ownerUserId?: number | undefined;
}

export async function createOrganization(
  deps: Deps,
  input: CreateOrganizationInput,
): Promise<OrganizationRow> {
  // Members and invitees read this name (in mails too): the display-name rule applies.
  const name = requireDisplayName('name', input.name);
  const slug = input.slug ?? slugify(name);
  if (!SLUG_PATTERN.test(slug) || slug.length > 64) {
    throw new AppError(
      'validation_failed',
      'slug may contain only lowercase letters, digits and single hyphens',
    );
  }
  try {
    return await deps.database.db.transaction().execute(async (trx) => {
      const org = await insertOrganization(trx, {
        name,
        slug,
        type: input.type ?? 'Brand',
        plan_tier: input.planTier ?? deps.config.defaultOrgTier,
      });
      if (input.ownerUserId !== undefined) {
        await insertMembership(trx, org.id, input.ownerUserId, 'Owner');
      }
      return org;
    });
  } catch (error) {
    if ((error as { code?: string }).code === '23505') {
      throw new AppError('conflict', `An organization with slug "${slug}" already exists`);
    }
    throw error;
  }
}

/** Organization names are not unique, slugs are: a taken slug gets a random suffix. */
export async function createOwnedOrganization(
  deps: Deps,
  name: string,
  ownerUserId: number,
): Promise<OrganizationRow> {
  const base = slugify(name.trim());
  for (let attempt = 0; ; attempt++) {
    const slug = attempt === 0 ? base : `${base}-${randomBytes(3).toString('hex')}`;
    try {
      return await createOrganization(deps, { name, slug, ownerUserId });
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'conflict') || attempt >= 3) throw error;
    }
  }
}

/**
 * A signed-in user creates an organization (`POST /api/organizations`) and becomes its Owner,
 * in one transaction; the tier is the install default. Counted per user before anything is
 * written, so a burst of calls cannot make organizations without bound.
 */
export async function createOrganizationForUser(
  deps: Deps,
  actor: Actor,
  input: { name: string },
): Promise<OrganizationRow & { role: 'Owner' }> {
  // Validate first: a refused name does not use up the user's budget.
  const name = requireDisplayName('name', input.name);
  await countAttempt(
    deps.rateLimiter,
    `org-create:user:${actor.userId}`,
    deps.config.orgCreationPerUser,
    'You have created too many organizations',
  );
  const org = await createOwnedOrganization(deps, name, actor.userId);
  return { ...org, role: 'Owner' };
}

export async function addMember(
  deps: Deps,
  orgId: number,
  userId: number,
  role: Role,
): Promise<void> {
  const org = await findOrganization(deps.database.db, orgId);
  if (!org) throw new AppError('not_found', 'Organization not found');
  try {
    await insertMembership(deps.database.db, orgId, userId, role);
  } catch (error) {
    const { code } = error as { code?: string };
    if (code === '23503') throw new AppError('not_found', 'User not found');
    if (code === '23505') throw new AppError('conflict', 'The user is a member already');
    throw error;
  }
}

/**
 * Resolves the organization an actor addresses and checks their role. Not being a member is
 * answered exactly like a missing organization (404), so ids of other tenants reveal nothing.
 */
export async function requireOrgRole(
  deps: Deps,
  actor: Actor,
  orgId: number,
  minimum: Role,
): Promise<{ org: OrganizationRow; role: Role }> {
  const [role, org] = await Promise.all([
    findMembershipRole(deps.database.db, orgId, actor.userId),
    findOrganization(deps.database.db, orgId),
  ]);
  if (!role || !org) throw new AppError('not_found', 'Organization not found');
  if (!roleAtLeast(role, minimum)) {
    throw new AppError('forbidden', `This action requires the ${minimum} role or higher`);
  }
  return { org, role };
}

export function assertApiTier(deps: Deps, org: { plan_tier: string }): void {
  if (!tierAtLeast(org.plan_tier, deps.config.apiMinTier)) {
    throw new AppError(
      'plan_required',
      `API access requires a ${deps.config.apiMinTier} tier organization (this one is ${org.plan_tier})`,
    );
  }
}

/** Changes an organization's plan tier (install administrators: CLI). */
export async function setPlanTier(
  deps: Deps,
  orgId: number,
  tier: PlanTier,
): Promise<OrganizationRow> {
  const org = await updatePlanTier(deps.database.db, orgId, tier);
  if (!org) throw new AppError('not_found', 'Organization not found');
  deps.apiKeyCache.forgetAll();
  return org;
}

export function listMyOrganizations(deps: Deps, actor: Actor) {
  return listMembershipsOfUser(deps.database.db, actor.userId);
}
