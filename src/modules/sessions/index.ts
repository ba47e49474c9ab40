export { sessionRoutes } from './sessions.routes.ts';
export { createSession, playUrl, statusAt } from './sessions.service.ts';
export { findSessionByToken } from './sessions.batched.ts';
