import { PLAN_TIERS, type PlanTier } from '../../config.ts';

export const ROLES = ['Owner', 'Admin', 'Editor', 'Analyst', 'Viewer'] as const;
export type Role = (typeof ROLES)[number];

export const ORG_TYPES = ['Brand', 'Agency', 'Studio'] as const;
export type OrgType = (typeof ORG_TYPES)[number];

const ROLE_RANK: Readonly<Record<Role, number>> = {
  Owner: 5,
  Admin: 4,
  Editor: 3,
  Analyst: 2,
  Viewer: 1,
};

export function roleAtLeast(role: Role, minimum: Role): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[minimum];
}

export function tierAtLeast(tier: string, minimum: PlanTier): boolean {
  return PLAN_TIERS.indexOf(tier as PlanTier) >= PLAN_TIERS.indexOf(minimum);
}

/**
 * What a role may read, decided here once and applied by every route that shows the data.
 *
 * Prize secrets (the shared code of a voucher slot, the codes of voucher sets) are for Editors
 * and above: whoever holds a code can redeem it. Analysts and Viewers see everything else
 * about prizes and vouchers (names, chances, counts, statuses); their codes are null.
 */
export function mayReadPrizeSecrets(role: Role): boolean {
  return roleAtLeast(role, 'Editor');
}

/**
 * Viewers see published (Active) games only, and nothing under another game: its prizes, the
 * games a voucher set feeds, its analytics. Analysts and above see every game.
 */
export function gameVisibleTo(role: Role, status: string): boolean {
  return role !== 'Viewer' || status === 'Active';
}
