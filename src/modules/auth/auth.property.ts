import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { Type } from 'typebox';
import type { Deps } from '../../deps.ts';
import { enforceRateLimit, enforceUserRateLimit } from '../../http/rate-guard.ts';
import { errorResponses } from '../../http/schemas.ts';
import { AppError } from '../../lib/errors.ts';
import { resolveUserProperty } from '../properties/index.ts';
import { authenticatePropertyKey, type PropertyScope } from '../property-keys/index.ts';
import { authenticateBearer } from '../users/index.ts';
import { bearerToken } from './auth.hooks.ts';

/** The PlayerOS tenant of a request, established from its credential only. */
export interface PropertyContext {
  /** The property (tenant) every query of the request is scoped to. */
  id: string;
  /** The organization owning the property. */
  orgId: number;
  scopes: PropertyScope[];
  /** The pk_ key used, or null for a user bearer token. */
  keyId: string | null;
  /** The signed-in user, or null for a pk_ key. */
  userId: number | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    property: PropertyContext | undefined;
  }
}

const PROPERTY_HEADER = 'x-property-id';

/** OpenAPI `security` of PlayerOS routes: a pk_ key, or a user bearer token + X-Property-Id. */
export const propertySecurity = [{ propertyApiKey: [] }, { bearerAuth: [] }];

/** Route `headers` schema documenting X-Property-Id (checked by the hook, not the validator). */
export const PropertyHeaders = Type.Object({
  'x-property-id': Type.Optional(
    Type.String({
      description:
        "With a user bearer token: the property (UUID) to act on, one of your organizations' " +
        'properties (missing or malformed → 400, any other → 404). Ignored with a pk_ key, ' +
        'whose own property always applies.',
    }),
  ),
});

/** The error statuses requirePropertyAccess can answer with (401/403/429; 400/404 for users). */
export const propertyAuthErrors = errorResponses(400, 401, 403, 404, 429);

async function fromKey(
  deps: Deps,
  reply: FastifyReply,
  raw: string | undefined,
): Promise<PropertyContext> {
  const key = await authenticatePropertyKey(deps, raw);
  await enforceRateLimit(deps, reply, `pk:${key.id}`, [
    { name: 'minute', limit: key.rate_limit_per_minute, windowMs: 60_000 },
  ]);
  return {
    id: key.property_id,
    orgId: key.org_id,
    // A copy: the cached row is shared by every request made with the key.
    scopes: [...key.scopes],
    keyId: key.id,
    userId: null,
  };
}

async function fromUser(
  deps: Deps,
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
): Promise<PropertyContext> {
  const user = await authenticateBearer(deps, token);
  request.user = user;
  // Like a key's limit, per user across all their tokens: sign-up is open, so without it one
  // account could send unbounded expensive queries.
  await enforceUserRateLimit(deps, reply, user.id);
  const header = request.headers[PROPERTY_HEADER];
  if (header === undefined || header === '') {
    throw new AppError('bad_request', 'X-Property-Id header is required for user tokens');
  }
  if (typeof header !== 'string') {
    throw new AppError('bad_request', 'X-Property-Id header must be sent once');
  }
  const property = await resolveUserProperty(deps, { userId: user.id }, header.trim());
  return {
    id: property.id,
    orgId: property.orgId,
    scopes: property.scopes,
    keyId: null,
    userId: user.id,
  };
}

/**
 * PlayerOS routes. Credentials, in order:
 * - `X-Api-Key: pk_…` (or `Authorization: Bearer pk_…`): the key's property is the tenant; any
 *   property id in the body, query or headers is ignored. Unknown, malformed and revoked keys
 *   get one 401; the key's `rate_limit_per_minute` applies (429 with `retry_after`).
 * - `Authorization: Bearer <login token or OIDC JWT>` plus `X-Property-Id: <uuid>`: a property
 *   of one of the user's organizations (else 404); scopes follow the user's role.
 * The request must then hold `scope`, else 403 (`null`: any scope, the route checks per
 * operation, as the MCP endpoint does per tool). Runs before the body is parsed.
 */
export function requirePropertyAccess(
  deps: Deps,
  scope: PropertyScope | null,
): onRequestAsyncHookHandler {
  return async (request, reply) => {
    const apiKey = request.headers['x-api-key'];
    const bearer = bearerToken(request);
    let property: PropertyContext;
    if (apiKey !== undefined) {
      property = await fromKey(deps, reply, typeof apiKey === 'string' ? apiKey : undefined);
    } else if (bearer?.startsWith('pk_')) {
      property = await fromKey(deps, reply, bearer);
    } else if (bearer) {
      property = await fromUser(deps, request, reply, bearer);
    } else {
      throw new AppError(
        'unauthorized',
        'Missing credentials: send X-Api-Key: pk_… or Authorization: Bearer <token>',
      );
    }
    if (scope !== null && !property.scopes.includes(scope)) {
      throw new AppError(
        'forbidden',
        property.keyId
          ? `This API key lacks the ${scope} scope`
          : `Your role in this organization lacks the ${scope} scope`,
      );
    }
    if (property.keyId) deps.propertyKeyUsage.touch(property.keyId);
    request.property = property;
  };
}

/** The property the request was authenticated for; only on routes with requirePropertyAccess. */
export function currentProperty(request: FastifyRequest): PropertyContext {
  if (!request.property) throw new AppError('unauthorized', 'Not authenticated');
  return request.property;
}
