export { authRoutes } from './users.routes.ts';
export {
  authenticateBearer,
  createUser,
  hashPassword,
  issueLoginToken,
  login,
  PASSWORD_MIN_LENGTH,
  verifyPassword,
} from './users.service.ts';
export { assertLoginAllowed, countLoginFailure } from './users.throttle.ts';
export {
  deleteUser,
  deleteUserSessions,
  findPasswordHash,
  findUserByEmail,
  updatePasswordHash,
} from './users.repo.ts';
export type { Actor } from './users.service.ts';
export type { UserRow } from './users.repo.ts';
