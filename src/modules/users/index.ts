export { authRoutes, loginData } from './users.routes.ts';
export {
  authenticateBearer,
  createUser,
  hashPassword,
  issueLoginToken,
  login,
  PASSWORD_MIN_LENGTH,
  requireEmail,
  verifyPassword,
} from './users.service.ts';
export { withFailureAllowance } from './users.throttle.ts';
export {
  deleteUser,
  deleteUserSessions,
  findPasswordHash,
  findUserByEmail,
  insertUser,
  markEmailVerified,
  updatePasswordHash,
} from './users.repo.ts';
export type { Actor } from './users.service.ts';
export type { UserRow } from './users.repo.ts';
