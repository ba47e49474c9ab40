export { privacyRoutes } from './privacy.routes.ts';
export { deletePlayerData, exportPlayerData, listPrivacyRequests } from './privacy.service.ts';
export { subjectHash } from './privacy.hashes.ts';
