export { sessionRoutes } from './sessions.routes.ts';
export { createSession, playUrl, statusAt } from './sessions.service.ts';
export { findSessionByToken } from './sessions.batched.ts';
export { createPlayerGameLink, type PlayerGameLink } from './sessions.player-link.ts';
export { CreateSessionBody, ValidateQuery as SessionTokenQuery } from './sessions.schemas.ts';
