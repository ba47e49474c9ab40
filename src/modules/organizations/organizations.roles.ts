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
