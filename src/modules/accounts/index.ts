export { accountRoutes } from './accounts.routes.ts';
export { changePassword, signUp } from './accounts.service.ts';
export { confirmPasswordReset, requestPasswordReset } from './accounts.reset.ts';
export { verifyEmail } from './accounts.verify.ts';
