import type { Deps } from '../../deps.ts';
import { currentUser, requireUser } from '../auth/index.ts';
import { errorResponses } from '../../http/schemas.ts';
import type { App } from '../../http/types.ts';
import { AppError } from '../../lib/errors.ts';
import {
  CreatePropertyKeyBody,
  CreatePropertyKeyResponse,
  PropertyKeyList,
  PropertyKeyOne,
  PropertyKeyQuery,
  RevokePropertyKeyBody,
} from './property-keys.schemas.ts';
import { createPropertyKey, listPropertyKeys, revokePropertyKey } from './property-keys.service.ts';

const tags = ['API keys (PlayerOS)'];
const security = [{ bearerAuth: [] }];
const errors = errorResponses(400, 401, 403, 404);
const whoCanManage =
  'Requires a user bearer token of an Owner or Admin of the property’s organization ' +
  '(another organization’s property or key answers 404, a lower role 403). pk_ keys cannot manage keys.';

/** Management of PlayerOS pk_ keys, as PlayerOS's `/api/functions/*` endpoints. */
export function propertyKeyRoutes(app: App, deps: Deps): void {
  const onRequest = requireUser(deps);

  app.post(
    '/api/functions/create-api-key',
    {
      onRequest,
      schema: {
        operationId: 'propertyKeys.create',
        summary: 'Create a property API key',
        description:
          'Issues a `pk_` key bound to one property, with the `read` and/or `write` scopes (default both). ' +
          'The key is in the response only: only its SHA-256 hash is stored. Send it as `X-Api-Key: pk_…` ' +
          `(or \`Authorization: Bearer pk_…\`). ${whoCanManage}`,
        tags,
        security,
        body: CreatePropertyKeyBody,
        response: { 200: CreatePropertyKeyResponse, ...errors },
      },
    },
    async (request) => {
      const { property_id, name, scopes, rate_limit_per_minute } = request.body;
      const created = await createPropertyKey(
        deps,
        { userId: currentUser(request).id },
        { propertyId: property_id, name, scopes, rateLimitPerMinute: rate_limit_per_minute },
      );
      return { success: true as const, data: created };
    },
  );

  app.post(
    '/api/functions/revoke-api-key',
    {
      onRequest,
      schema: {
        operationId: 'propertyKeys.revoke',
        summary: 'Revoke a property API key',
        description:
          'Revokes a key by `id` (or `key_id`). The key is refused from then on, by every server within one second. ' +
          `Revoking a revoked key changes nothing. ${whoCanManage}`,
        tags,
        security,
        body: RevokePropertyKeyBody,
        response: { 200: PropertyKeyOne, ...errors },
      },
    },
    async (request) => {
      const keyId = request.body.id ?? request.body.key_id;
      if (!keyId) throw new AppError('validation_failed', 'Invalid body: id is required');
      const key = await revokePropertyKey(deps, { userId: currentUser(request).id }, keyId);
      return { success: true as const, data: key };
    },
  );

  app.get(
    '/api/functions/list-api-keys',
    {
      onRequest,
      schema: {
        operationId: 'propertyKeys.list',
        summary: 'List the API keys of a property',
        description: `Every key of the property, revoked ones included; never the key itself. ${whoCanManage}`,
        tags,
        security,
        querystring: PropertyKeyQuery,
        response: { 200: PropertyKeyList, ...errors },
      },
    },
    async (request) => {
      const keys = await listPropertyKeys(
        deps,
        { userId: currentUser(request).id },
        request.query.property_id,
      );
      return { success: true as const, data: keys };
    },
  );
}
