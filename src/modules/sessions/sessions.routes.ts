import type { FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import type { Deps } from '../../deps.ts';
import type { App } from '../../http/types.ts';
import { currentApiKey, currentUser, requireApiKey, requireUser } from '../auth/index.ts';
import { errorResponses } from '../../http/schemas.ts';
import type { SessionRow } from './sessions.repo.ts';
import {
  ConsumeSessionBody,
  ConsumeSessionResponse,
  CreateSessionBody,
  CreateSessionResponse,
  ListSessionsQuery,
  ListSessionsResponse,
  MemberSessionsQuery,
  MemberSessionsResponse,
  RevokeSessionBody,
  RevokeSessionResponse,
  ValidateQuery,
  ValidateSessionResponse,
} from './sessions.schemas.ts';
import {
  consumeSession,
  createSession,
  listOrgSessions,
  listSessions,
  playUrl,
  revokeSession,
  statusAt,
  validateSession,
} from './sessions.service.ts';

const tags = ['Sessions'];
const keySecurity = [{ apiKey: [] }];
const PATH = '/api/org-api-keys';

function sessionObject(row: SessionRow, now: Date) {
  return {
    session_id: row.id,
    token: row.token,
    status: statusAt(row, now),
    game_id: row.game_id,
    stream_id: row.stream_id,
    external_ref: row.external_ref,
    metadata: row.metadata,
    expires_at: row.expires_at,
    created_at: row.created_at,
    consumed_at: row.consumed_at,
    revoked_at: row.revoked_at,
    player_uuid: row.player_uuid,
    api_key_id: row.api_key_id,
  };
}

/**
 * The fields DailyPlay documents as non-nullable (game_id, external_ref, metadata in the create,
 * validate and consume answers), left out when the session has none instead of sent as null.
 */
function leftOutWhenNull<T extends Record<string, unknown>>(
  fields: T,
): { [K in keyof T]?: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== null)) as {
    [K in keyof T]?: Exclude<T[K], null>;
  };
}

/** DailyPlay's one-time session API: minted with an API key, validated and consumed publicly. */
export function sessionRoutes(app: App, deps: Deps): void {
  const createSchema = {
    operationId: 'createSession',
    summary: 'Create a one-time session token',
    description:
      'Creates a single-use session token that grants one play of a game or stream. The token is passed in the game URL (`play_url`) to authorize access.',
    tags,
    security: keySecurity,
    body: CreateSessionBody,
    response: { 200: CreateSessionResponse, ...errorResponses(400, 401, 403, 404, 429) },
  };
  const createHandler = async (
    request: FastifyRequest<{ Body: Static<typeof CreateSessionBody> }>,
  ) => {
    const session = await createSession(deps, currentApiKey(request), request.body);
    return {
      success: true as const,
      data: {
        token: session.token,
        stream_id: session.stream_id,
        expires_at: session.expires_at,
        play_url: playUrl(deps, session),
        ...leftOutWhenNull({ game_id: session.game_id, external_ref: session.external_ref }),
      },
    };
  };
  app.post(
    PATH,
    {
      constraints: { action: 'create-session' },
      onRequest: requireApiKey(deps, 'create-session'),
      schema: createSchema,
    },
    createHandler,
  );
  app.post(
    `${PATH}/sessions`,
    {
      onRequest: requireApiKey(deps, 'create-session'),
      schema: {
        ...createSchema,
        operationId: 'createSessionAlias',
        summary: 'Create a one-time session token (overview path)',
        description:
          'Same as `POST /api/org-api-keys?action=create-session`; the path the DailyPlay overview diagram shows.',
      },
    },
    createHandler,
  );

  app.get(
    PATH,
    {
      constraints: { action: 'validate-session' },
      config: { openapiPath: `${PATH}?action=validate-session&token={token}` },
      schema: {
        operationId: 'validateSession',
        summary: 'Validate a session token',
        description:
          'Checks whether a session token is still valid (active and not expired) without consuming it. Public: no key needed. A consumed, expired or revoked token answers `valid: false` with its status; an unknown token answers 404.',
        tags,
        security: [],
        querystring: ValidateQuery,
        response: { 200: ValidateSessionResponse, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const { token } = request.query;
      const row = await validateSession(deps, token);
      return {
        success: true as const,
        data: {
          valid: row.effective_status === 'active',
          status: row.effective_status,
          stream_id: row.stream_id,
          expires_at: row.expires_at,
          ...leftOutWhenNull({
            game_id: row.game_id,
            external_ref: row.external_ref,
            metadata: row.metadata,
          }),
        },
      };
    },
  );

  app.post(
    PATH,
    {
      constraints: { action: 'consume-session' },
      schema: {
        operationId: 'consumeSession',
        summary: 'Consume a session token',
        description:
          'Atomically consumes a session token so it cannot be reused. Call this when the user starts playing. Of any number of concurrent calls, on any number of servers, exactly one succeeds; every other call, and any call for an unknown, expired or revoked token, answers 410.',
        tags,
        security: [],
        body: ConsumeSessionBody,
        response: {
          200: ConsumeSessionResponse,
          ...errorResponses(400, 410),
        },
      },
    },
    async (request) => {
      const { token, player_uuid } = request.body;
      const row = await consumeSession(deps, token, player_uuid ?? null);
      return {
        success: true as const,
        data: {
          session_id: row.id,
          org_id: row.org_id,
          stream_id: row.stream_id,
          ...leftOutWhenNull({
            game_id: row.game_id,
            external_ref: row.external_ref,
            metadata: row.metadata,
          }),
        },
      };
    },
  );

  app.post(
    PATH,
    {
      constraints: { action: 'revoke-session' },
      onRequest: requireApiKey(deps, 'revoke-session'),
      schema: {
        operationId: 'revokeSession',
        summary: 'Revoke a session token',
        description:
          "Invalidates an active token of the key's organization (PlayLoop addition in the documented style). 404 for a token of another organization, 410 when it is no longer active.",
        tags,
        security: keySecurity,
        body: RevokeSessionBody,
        response: { 200: RevokeSessionResponse, ...errorResponses(400, 401, 403, 404, 410, 429) },
      },
    },
    async (request) => {
      const { token } = request.body;
      const row = await revokeSession(deps, currentApiKey(request), token);
      return { success: true as const, data: sessionObject(row, deps.clock.now()) };
    },
  );

  const listSchema = {
    operationId: 'listSessions',
    summary: 'List session tokens',
    description:
      "Sessions of the key's organization (only those in a scoped key's games/streams), newest first, filterable by status, game, stream and external_ref. Page with `cursor` = the previous `next_cursor` (PlayLoop addition).",
    tags,
    security: keySecurity,
    querystring: ListSessionsQuery,
    response: { 200: ListSessionsResponse, ...errorResponses(400, 401, 403, 429) },
  };
  const listHandler = async (
    request: FastifyRequest<{ Querystring: Static<typeof ListSessionsQuery> }>,
  ) => {
    const { sessions, nextCursor, now } = await listSessions(
      deps,
      currentApiKey(request),
      request.query,
    );
    return {
      success: true as const,
      data: sessions.map((row) => sessionObject(row, now)),
      next_cursor: nextCursor,
    };
  };
  app.get(
    PATH,
    {
      constraints: { action: 'list-sessions' },
      onRequest: requireApiKey(deps, 'list-sessions'),
      schema: listSchema,
    },
    listHandler,
  );
  app.get(
    `${PATH}/sessions`,
    {
      onRequest: requireApiKey(deps, 'list-sessions'),
      schema: {
        ...listSchema,
        operationId: 'listSessionsAlias',
        summary: 'List session tokens (path form)',
      },
    },
    listHandler,
  );

  app.get(
    '/api/sessions',
    {
      onRequest: requireUser(deps),
      schema: {
        operationId: 'sessions.listForMember',
        summary: "The organization's sessions, for a signed-in member",
        description:
          'PlayLoop addition for the dashboard: the same list as `listSessions` (newest first, the same filters and `cursor`) with a login instead of a key, for Analysts and above. A session token opens its game once, so `token` is shown to Owners and Admins (who manage the keys that mint sessions) and is null for the others.',
        tags,
        security: [{ bearerAuth: [] }],
        querystring: MemberSessionsQuery,
        response: { 200: MemberSessionsResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { org_id: orgId, ...filters } = request.query;
      const page = await listOrgSessions(deps, { userId: currentUser(request).id }, orgId, filters);
      return {
        success: true as const,
        data: page.sessions.map((row) => ({
          ...sessionObject(row, page.now),
          token: page.tokens ? row.token : null,
        })),
        next_cursor: page.nextCursor,
      };
    },
  );
}
