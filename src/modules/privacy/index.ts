export { privacyRoutes } from './privacy.routes.ts';
export { deletePlayerData, exportPlayerData, listPrivacyRequests } from './privacy.service.ts';
export { extendPrivacyRequest, openPrivacyRequest } from './privacy.requests.ts';
export { subjectHash } from './privacy.hashes.ts';
export { PrivacyRequestBody } from './privacy.schemas.ts';
