// Authentication of every route (user bearer tokens, dpk_ and pk_ keys). It lives in a module
// rather than in src/http because it reads users, keys and properties: src/http stays the
// transport shared by modules and imports none of them (test/architecture.test.ts).
export {
  bearerToken,
  currentApiKey,
  currentUser,
  recordApiKeyUse,
  requireApiKey,
  requireUser,
} from './auth.hooks.ts';
export {
  currentProperty,
  propertyAuthErrors,
  PropertyHeaders,
  propertySecurity,
  requirePropertyAccess,
} from './auth.property.ts';
export type { PropertyContext } from './auth.property.ts';
