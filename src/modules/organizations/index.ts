export {
  addMember,
  assertApiTier,
  createOrganization,
  createOrganizationForUser,
  createOwnedOrganization,
  listMyOrganizations,
  requireName,
  requireOrgRole,
  setPlanTier,
  slugify,
} from './organizations.service.ts';
export { findOrganization, findOrganizationBySlug } from './organizations.repo.ts';
export type { OrganizationRow } from './organizations.repo.ts';
export {
  gameVisibleTo,
  mayReadPrizeSecrets,
  ORG_TYPES,
  ROLES,
  roleAtLeast,
  tierAtLeast,
} from './organizations.roles.ts';
export type { OrgType, Role } from './organizations.roles.ts';
export { organizationRoutes } from './organizations.routes.ts';
export { memberRoutes } from './organizations.members.routes.ts';
export { invitationRoutes } from './organizations.invitations.routes.ts';
export { acceptInvitation, INVITATION_TTL_MS } from './organizations.invitations.ts';
