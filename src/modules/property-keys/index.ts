export { propertyKeyRoutes } from './property-keys.routes.ts';
export {
  authenticatePropertyKey,
  createPropertyKey,
  INVALID_PROPERTY_KEY_MESSAGE,
  listPropertyKeys,
  revokePropertyKey,
} from './property-keys.service.ts';
export type { PropertyKeyAuthRow, PropertyKeyRow, PropertyScope } from './property-keys.repo.ts';
export { PropertyKeyCache } from './property-keys.cache.ts';
export { PropertyKeyUsageRecorder } from './property-keys.usage.ts';
