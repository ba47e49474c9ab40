import type { Deps } from '../../deps.ts';
import type { App } from '../../http/types.ts';
import { currentUser, requireUser } from '../auth/index.ts';
import { errorResponses, SuccessOnly } from '../../http/schemas.ts';
import {
  ApiKeyList,
  ApiKeyOne,
  CreateApiKeyBody,
  CreateApiKeyResponse,
  KeyQuery,
  OrgQuery,
  UpdateApiKeyBody,
  UsageList,
  UsageQuery,
} from './api-keys.schemas.ts';
import {
  createApiKey,
  deleteApiKey,
  listApiKeys,
  listApiKeyUsage,
  updateApiKey,
} from './api-keys.service.ts';

const tags = ['API Keys'];
const security = [{ bearerAuth: [] }];
const managementErrors = errorResponses(400, 401, 403, 404, 429);

/** Dashboard management of DailyPlay keys (Owner/Admin, bearer auth). */
export function apiKeyRoutes(app: App, deps: Deps): void {
  const onRequest = requireUser(deps);

  app.get(
    '/api/org-api-keys',
    {
      onRequest,
      schema: {
        operationId: 'listApiKeys',
        summary: 'List API keys for an organization',
        description: 'Returns all API keys for the specified organization (Owner or Admin).',
        tags,
        security,
        querystring: OrgQuery,
        response: { 200: ApiKeyList, ...managementErrors },
      },
    },
    async (request) => {
      const { org_id } = request.query;
      const keys = await listApiKeys(deps, { userId: currentUser(request).id }, org_id);
      return { success: true as const, data: keys };
    },
  );

  app.post(
    '/api/org-api-keys',
    {
      onRequest,
      schema: {
        operationId: 'createApiKey',
        summary: 'Create a new API key',
        description:
          'Creates a new API key for an organization. The raw key is only returned once in the response; only its SHA-256 hash is stored.',
        tags,
        security,
        body: CreateApiKeyBody,
        response: { 200: CreateApiKeyResponse, ...managementErrors },
      },
    },
    async (request) => {
      const { org_id, ...fields } = request.body;
      const created = await createApiKey(deps, { userId: currentUser(request).id }, org_id, fields);
      return { success: true as const, data: created };
    },
  );

  app.patch(
    '/api/org-api-keys',
    {
      onRequest,
      schema: {
        operationId: 'updateApiKey',
        summary: 'Update or revoke an API key',
        description:
          'Update API key properties. Set `is_active` to false to revoke (every server refuses the key within one second; sessions it created stay valid), or true to reactivate.',
        tags,
        security,
        body: UpdateApiKeyBody,
        response: { 200: ApiKeyOne, ...managementErrors },
      },
    },
    async (request) => {
      const { id, org_id, ...fields } = request.body;
      const key = await updateApiKey(deps, { userId: currentUser(request).id }, org_id, id, fields);
      return { success: true as const, data: key };
    },
  );

  app.delete(
    '/api/org-api-keys',
    {
      onRequest,
      schema: {
        operationId: 'deleteApiKey',
        summary: 'Permanently delete an API key',
        description:
          'Permanently removes the API key record. Sessions it created and its audit trail are kept.',
        tags,
        security,
        querystring: KeyQuery,
        response: { 200: SuccessOnly, ...managementErrors },
      },
    },
    async (request) => {
      const { id, org_id } = request.query;
      await deleteApiKey(deps, { userId: currentUser(request).id }, org_id, id);
      return { success: true as const };
    },
  );

  app.get(
    '/api/org-api-keys/usage',
    {
      onRequest,
      schema: {
        operationId: 'listApiKeyUsage',
        summary: 'Audit trail of API key use',
        description:
          "Every request made with one of the organization's keys, newest first: key, action, outcome, client IP and time. " +
          'Requests refused at the gate (inactive, expired or plan-refused keys, requests over a rate limit) are aggregated: one entry per key, action, outcome and minute with their `count`. Owner or Admin.',
        tags,
        security,
        querystring: UsageQuery,
        response: { 200: UsageList, ...managementErrors },
      },
    },
    async (request) => {
      const q = request.query;
      const { entries, nextCursor } = await listApiKeyUsage(
        deps,
        { userId: currentUser(request).id },
        q.org_id,
        { keyId: q.key_id, beforeId: q.cursor, limit: q.limit ?? 100 },
      );
      return { success: true as const, data: entries, next_cursor: nextCursor };
    },
  );
}
