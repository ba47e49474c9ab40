export { propertyRoutes } from './properties.routes.ts';
export {
  createProperty,
  isUuid,
  listProperties,
  requirePropertyRole,
  resolveUserProperty,
  scopesForRole,
} from './properties.service.ts';
export { findProperty } from './properties.repo.ts';
export type { PropertyRow, PropertyUsage } from './properties.repo.ts';
export {
  applyQuotaDefaults,
  getPropertyUsage,
  QUOTA_SQLSTATE,
  quotaExceeded,
  recountPropertyUsage,
  setPropertyQuota,
} from './properties.quota.ts';
