import type { Deps } from '../../deps.ts';
import type { App } from '../../http/types.ts';
import { currentUser, requireUser } from '../auth/index.ts';
import { errorResponses, SuccessOnly } from '../../http/schemas.ts';
import type { UserRow } from './users.repo.ts';
import { LoginBody, LoginResponse, MeResponse } from './users.schemas.ts';
import { describeMe, logout } from './users.service.ts';
import { loginFromClient } from './users.throttle.ts';

const tags = ['Auth'];

/** The body of every answer that logs a user in (login, and sign-ups that create the user). */
export function loginData(result: { token: string; expiresAt: Date; user: UserRow }) {
  return {
    token: result.token,
    token_type: 'Bearer' as const,
    expires_at: result.expiresAt,
    user: result.user,
  };
}

export function authRoutes(app: App, deps: Deps): void {
  app.post(
    '/api/auth/login',
    {
      schema: {
        operationId: 'auth.login',
        summary: 'Log in with email and password',
        description:
          'Returns a bearer token for the management endpoints. With `OIDC_ISSUER` set, JWTs from that issuer are accepted as bearer tokens too. ' +
          'Throttled: every attempt counts against the client IP (`THROTTLE_LOGIN_PER_IP`, default 10 per minute) and failed attempts against the email from that address (`THROTTLE_LOGIN_PER_ACCOUNT`, default 5 per 15 minutes, known or not) and against the email from all addresses (`THROTTLE_LOGIN_PER_ACCOUNT_TOTAL`, default 50 per hour); past either the answer is 429 with `retry_after` and `Retry-After`.',
        tags,
        security: [],
        body: LoginBody,
        response: { 200: LoginResponse, ...errorResponses(400, 401, 429) },
      },
    },
    async (request) => {
      const result = await loginFromClient(deps, request.ip, request.body);
      return { success: true as const, data: loginData(result) };
    },
  );

  app.post(
    '/api/auth/logout',
    {
      onRequest: requireUser(deps),
      schema: {
        operationId: 'auth.logout',
        summary: 'End this login token',
        tags,
        security: [{ bearerAuth: [] }],
        response: { 200: SuccessOnly, ...errorResponses(401) },
      },
    },
    async (request) => {
      const token = /^Bearer\s+(\S+)/i.exec(request.headers.authorization ?? '')?.[1] ?? '';
      await logout(deps, token);
      return { success: true as const };
    },
  );

  app.get(
    '/api/auth/me',
    {
      onRequest: requireUser(deps),
      schema: {
        operationId: 'auth.me',
        summary: 'The logged-in user and their organizations',
        tags,
        security: [{ bearerAuth: [] }],
        response: { 200: MeResponse, ...errorResponses(401) },
      },
    },
    async (request) => ({
      success: true as const,
      data: await describeMe(deps, currentUser(request)),
    }),
  );
}
