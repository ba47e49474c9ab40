export { apiKeyRoutes } from './api-keys.routes.ts';
export { authenticateApiKey, createApiKey, INVALID_KEY_MESSAGE } from './api-keys.service.ts';
export type { ApiKeyContext } from './api-keys.service.ts';
export { ApiKeyCache } from './api-keys.cache.ts';
export { ApiKeyUsageRecorder } from './api-keys.usage.ts';
