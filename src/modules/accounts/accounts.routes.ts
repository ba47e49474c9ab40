import type { Deps } from '../../deps.ts';
import { bearerToken, currentUser, requireUser } from '../../http/auth.ts';
import { errorResponses, SuccessOnly } from '../../http/schemas.ts';
import type { App } from '../../http/types.ts';
import { sha256Hex } from '../../lib/secrets.ts';
import { confirmPasswordReset, requestPasswordReset, RESET_REQUESTED } from './accounts.reset.ts';
import {
  ChangePasswordBody,
  ResetConfirmBody,
  ResetRequestBody,
  ResetRequestResponse,
  SignupBody,
  SignupResponse,
} from './accounts.schemas.ts';
import { changePassword, signUp } from './accounts.service.ts';

const tags = ['Auth'];

/** Sign-up and passwords; logging in and out is in the users module. */
export function accountRoutes(app: App, deps: Deps): void {
  app.post(
    '/api/auth/signup',
    {
      schema: {
        operationId: 'auth.signup',
        summary: 'Create an account',
        description:
          'Creates a user (password of at least 8 characters) and, with `organization_name`, an organization they own; with `invitation_token` (from an invitation mail to that address) joins the inviting organization with the invited role. ' +
          'Answers like a login. 403 when `SIGNUP_ENABLED=false`; 409 when the address has an account; throttled per client IP (`THROTTLE_SIGNUP_PER_IP`).',
        tags,
        security: [],
        body: SignupBody,
        response: { 200: SignupResponse, ...errorResponses(400, 403, 409, 429) },
      },
    },
    async (request) => {
      const result = await signUp(deps, request.ip, request.body);
      return {
        success: true as const,
        data: {
          token: result.token,
          token_type: 'Bearer' as const,
          expires_at: result.expiresAt,
          user: result.user,
          organizations: result.organizations,
        },
      };
    },
  );

  app.post(
    '/api/auth/password',
    {
      onRequest: requireUser(deps),
      schema: {
        operationId: 'auth.changePassword',
        summary: 'Change your password',
        description:
          "A wrong `current_password` is 401 and counts as a failed login for the account (429 past the limit). Ends the user's other login tokens; the one used for this request stays valid.",
        tags,
        security: [{ bearerAuth: [] }],
        body: ChangePasswordBody,
        response: { 200: SuccessOnly, ...errorResponses(400, 401, 429) },
      },
    },
    async (request) => {
      const token = bearerToken(request);
      const keep = token?.startsWith('pls_') ? sha256Hex(token) : undefined;
      await changePassword(deps, currentUser(request), keep, request.body, request.ip);
      return { success: true as const };
    },
  );

  app.post(
    '/api/auth/password-reset',
    {
      schema: {
        operationId: 'auth.requestPasswordReset',
        summary: 'Mail a password reset link',
        description:
          'Always answers 200 with the same body, whether or not the address has an account. When it has, mails `PUBLIC_URL/reset-password?token=…`, valid for 1 hour and once. ' +
          'Throttled per client IP (`THROTTLE_RESET_PER_IP`, default 5 per hour) and per address (`THROTTLE_RESET_PER_ACCOUNT`, default 3 per hour): 429 with `retry_after`.',
        tags,
        security: [],
        body: ResetRequestBody,
        response: { 200: ResetRequestResponse, ...errorResponses(400, 429) },
      },
    },
    async (request) => {
      await requestPasswordReset(deps, request.ip, request.body.email);
      return { success: true as const, message: RESET_REQUESTED };
    },
  );

  app.post(
    '/api/auth/password-reset/confirm',
    {
      schema: {
        operationId: 'auth.confirmPasswordReset',
        summary: 'Set a new password with a reset link',
        description:
          "Uses up the link's token and ends every login token of the user. An unknown, used or expired token is 400 `Invalid or expired reset token`. " +
          'Throttled per client IP and per account (the same limits as reset requests, counted separately).',
        tags,
        security: [],
        body: ResetConfirmBody,
        response: { 200: SuccessOnly, ...errorResponses(400, 429) },
      },
    },
    async (request) => {
      await confirmPasswordReset(deps, request.ip, request.body);
      return { success: true as const };
    },
  );
}
