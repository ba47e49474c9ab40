export { authRoutes } from './users.routes.ts';
export { authenticateBearer, createUser, login } from './users.service.ts';
export type { Actor } from './users.service.ts';
export type { UserRow } from './users.repo.ts';
