export { sessionRoutes } from './sessions.routes.ts';
export { createSession, playUrl } from './sessions.service.ts';
