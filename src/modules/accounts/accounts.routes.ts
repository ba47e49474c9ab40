import type { Deps } from '../../deps.ts';
import { bearerToken, currentUser, requireUser } from '../auth/index.ts';
import { errorResponses, SuccessOnly } from '../../http/schemas.ts';
import type { App } from '../../http/types.ts';
import { sha256Hex } from '../../lib/secrets.ts';
import { loginData } from '../users/index.ts';
import { confirmPasswordReset, requestPasswordReset, RESET_REQUESTED } from './accounts.reset.ts';
import {
  ChangePasswordBody,
  ResetConfirmBody,
  ResetRequestBody,
  ResetRequestResponse,
  SignupBody,
  SignupPendingResponse,
  SignupResponse,
  VerifyEmailBody,
} from './accounts.schemas.ts';
import { changePassword, signUp } from './accounts.service.ts';
import { type finishSignup, SIGNUP_REQUESTED, verifyEmail } from './accounts.verify.ts';

const tags = ['Auth'];

/** A sign-up that created the user answers like a login, with the user's organizations. */
function signedUp(result: Awaited<ReturnType<typeof finishSignup>>) {
  return {
    success: true as const,
    data: { ...loginData(result), organizations: result.organizations },
  };
}

/** Sign-up and passwords; logging in and out is in the users module. */
export function accountRoutes(app: App, deps: Deps): void {
  app.post(
    '/api/auth/signup',
    {
      schema: {
        operationId: 'auth.signup',
        summary: 'Sign up',
        description:
          'Without `invitation_token`: answers 202 with the same body whether or not the address has an account, and mails the address: a new address gets `PUBLIC_URL/verify-email?token=…` (valid 24 hours, once), which finishes the sign-up through `POST /api/auth/verify-email`; an address with an account gets a note that someone tried, with a password reset link. ' +
          'With the `invitation_token` of an invitation mailed to this same address, the token proves the address: creates the user at once and, with `organization_name`, an organization they own, joins the inviting organization with the invited role and answers 200 like a login (409 when the address has an account; 403 for an invitation to another address; 410 for an unusable one). ' +
          '403 when `SIGNUP_ENABLED=false`. Throttled per client IP (`THROTTLE_SIGNUP_PER_IP`) and, for the mails, per address (`THROTTLE_SIGNUP_PER_ACCOUNT`, counted for every address alike): 429 with `retry_after`.',
        tags,
        security: [],
        body: SignupBody,
        response: {
          200: SignupResponse,
          202: SignupPendingResponse,
          ...errorResponses(400, 403, 409, 410, 429),
        },
      },
    },
    async (request, reply) => {
      const result = await signUp(deps, request.ip, request.body);
      if (result.status === 'pending') {
        return reply.code(202).send({ success: true as const, message: SIGNUP_REQUESTED });
      }
      return reply.code(200).send(signedUp(result));
    },
  );

  app.post(
    '/api/auth/verify-email',
    {
      schema: {
        operationId: 'auth.verifyEmail',
        summary: 'Finish a sign-up with its mailed link',
        description:
          "Takes the link's token and the password chosen at sign-up (401 when it is another one, and the link stays usable), uses the token up and creates the user (address verified) and the organization asked for at sign-up; answers like a login. " +
          "The address's other pending sign-up links stop working. An unknown, used or expired token is 400 `Invalid or expired verification link`; 409 when the address got an account since (nothing is created). Throttled per client IP (`THROTTLE_SIGNUP_PER_IP`, counted apart from sign-ups).",
        tags,
        security: [],
        body: VerifyEmailBody,
        response: { 200: SignupResponse, ...errorResponses(400, 401, 409, 429) },
      },
    },
    async (request) => {
      return signedUp(await verifyEmail(deps, request.ip, request.body));
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
