import type { FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.ts';
import { errorResponses, SuccessOnly } from '../../http/schemas.ts';
import type { App } from '../../http/types.ts';
import { currentUser, requireUser } from '../auth/index.ts';
import {
  ConnectionList,
  ConnectionOne,
  ConnectionParams,
  ConnectionWithSecret,
  CreateConnectionBody,
  OrgBody,
  OrgQuery,
  UpdateConnectionBody,
} from './connections.schemas.ts';
import * as service from './connections.service.ts';
import { settingsView } from './connections.settings.ts';

export const tags = ['Connections'];
export const security = [{ bearerAuth: [] }];
export const actorOf = (request: FastifyRequest) => ({ userId: currentUser(request).id });

const readErrors = errorResponses(400, 401, 404);
const writeErrors = errorResponses(400, 401, 403, 404);

/** The connection as shown: its settings without credentials, `<field>_set` for those. */
export function connectionObject(connection: service.Connection) {
  return {
    id: connection.id,
    org_id: connection.org_id,
    name: connection.name,
    provider: connection.provider,
    ...settingsView(connection.provider, connection.settings, connection.has_credentials),
    enabled: connection.disabled_at === null,
    disabled_at: connection.disabled_at,
    disabled_reason: connection.disabled_reason,
    failing_since: connection.failing_since,
    last_success_at: connection.last_success_at,
    previous_secret_expires_at: connection.previous_secret_expires_at,
    created_at: connection.created_at,
    updated_at: connection.updated_at,
  };
}

/**
 * DailyPlay connections of an organization (bearer auth): every member reads them, Admins and
 * Owners change them (they hold credentials and decide where player data goes). Their delivery
 * log and stream links: connections.log.routes.ts, connections.links.routes.ts.
 */
export function connectionRoutes(app: App, deps: Deps): void {
  const onRequest = requireUser(deps);

  app.get(
    '/api/connections',
    {
      onRequest,
      schema: {
        operationId: 'connections.list',
        summary: "List an organization's connections",
        description:
          'Every connection of the organization, oldest first, for every member. Credentials and signing secrets are never shown: a credential field appears as `<field>_set: true|false`.',
        tags,
        security,
        querystring: OrgQuery,
        response: { 200: ConnectionList, ...readErrors },
      },
    },
    async (request) => {
      const list = await service.listConnections(deps, actorOf(request), request.query.org_id);
      return { success: true as const, data: list.map(connectionObject) };
    },
  );

  app.post(
    '/api/connections',
    {
      onRequest,
      schema: {
        operationId: 'connections.create',
        summary: 'Create a connection',
        description:
          'An outbound integration of the organization (Admin or above: it holds credentials). Link it to streams (PUT /api/streams/{id}/connections/{connectionId}) to choose the events that fire it. ' +
          "Webhook, Custom and Zapier POST DailyPlay's JSON (`event_type`, `game_id`, `stream_id`, `stream_slug`, `stream_name`, …) signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`) with the `signing_secret` of this answer, shown once; Braze calls /users/track and Segment track, authenticated by their key. " +
          'The settings are checked before saving: a missing or foreign field, a header with line breaks, or a URL the SSRF guard refuses is a 400 naming the `field` (and the `rule`). ' +
          `At most ${service.MAX_CONNECTIONS_PER_ORG} connections per organization (403 quota_exceeded).`,
        tags,
        security,
        body: CreateConnectionBody,
        response: { 201: ConnectionWithSecret, ...writeErrors },
      },
    },
    async (request, reply) => {
      const { org_id, ...input } = request.body;
      const { connection, secret } = await service.createConnection(
        deps,
        actorOf(request),
        org_id,
        input,
      );
      return reply.code(201).send({
        success: true as const,
        data: { ...connectionObject(connection), signing_secret: secret },
      });
    },
  );

  app.get(
    '/api/connections/:id',
    {
      onRequest,
      schema: {
        operationId: 'connections.get',
        summary: 'Get a connection',
        description: "A connection of the organization; another organization's is 404.",
        tags,
        security,
        params: ConnectionParams,
        querystring: OrgQuery,
        response: { 200: ConnectionOne, ...readErrors },
      },
    },
    async (request) => {
      const connection = await service.getConnection(
        deps,
        actorOf(request),
        request.query.org_id,
        request.params.id,
      );
      return { success: true as const, data: connectionObject(connection) };
    },
  );

  app.patch(
    '/api/connections/:id',
    {
      onRequest,
      schema: {
        operationId: 'connections.update',
        summary: 'Update a connection',
        description:
          'Changes the name and the settings sent (Admin or above); the provider stays. A credential is replaced only when sent, and null unsets an optional field. The settings are checked whole as they will be. Messages already queued go to the new settings. 409 when another change of its settings landed at the same time.',
        tags,
        security,
        params: ConnectionParams,
        body: UpdateConnectionBody,
        response: { 200: ConnectionOne, ...writeErrors, ...errorResponses(409) },
      },
    },
    async (request) => {
      const { org_id, ...input } = request.body;
      const connection = await service.updateConnection(
        deps,
        actorOf(request),
        org_id,
        request.params.id,
        input,
      );
      return { success: true as const, data: connectionObject(connection) };
    },
  );

  app.delete(
    '/api/connections/:id',
    {
      onRequest,
      schema: {
        operationId: 'connections.delete',
        summary: 'Delete a connection',
        description:
          'Deletes the connection with its stream links, messages and delivery log (Admin or above).',
        tags,
        security,
        params: ConnectionParams,
        querystring: OrgQuery,
        response: { 200: SuccessOnly, ...writeErrors },
      },
    },
    async (request) => {
      await service.deleteConnection(
        deps,
        actorOf(request),
        request.query.org_id,
        request.params.id,
      );
      return { success: true as const };
    },
  );

  app.post(
    '/api/connections/:id/rotate-secret',
    {
      onRequest,
      schema: {
        operationId: 'connections.rotateSecret',
        summary: "Rotate a connection's signing secret",
        description:
          'Webhook, Custom, Zapier (Admin or above): a new secret, shown once. For WEBHOOK_ROTATION_OVERLAP_HOURS (default 24) deliveries carry two signatures in `webhook-signature`, by the new and the previous secret, so the receiver can switch without missing one; rotating again within that time retires the oldest secret at once. 409 for Braze and Segment, whose deliveries are not signed.',
        tags,
        security,
        params: ConnectionParams,
        body: OrgBody,
        response: { 200: ConnectionWithSecret, ...writeErrors, ...errorResponses(409) },
      },
    },
    async (request) => {
      const { connection, secret } = await service.rotateConnectionSecret(
        deps,
        actorOf(request),
        request.body.org_id,
        request.params.id,
      );
      return {
        success: true as const,
        data: { ...connectionObject(connection), signing_secret: secret },
      };
    },
  );

  for (const [action, enabled] of [
    ['disable', false],
    ['enable', true],
  ] as const) {
    app.post(
      `/api/connections/:id/${action}`,
      {
        onRequest,
        schema: {
          operationId: `connections.${action}`,
          summary: enabled ? 'Enable a connection' : 'Disable a connection',
          description: enabled
            ? 'Admin or above. Deliveries start again with new events (its health starts afresh). Messages that failed while it was disabled can be sent with `resend-failed`.'
            : 'Admin or above. Deliveries stop: new events create no message, and queued messages end as failed when their turn comes. Its stream links stay.',
          tags,
          security,
          params: ConnectionParams,
          body: OrgBody,
          response: { 200: ConnectionOne, ...writeErrors },
        },
      },
      async (request) => {
        const connection = await service.setConnectionEnabled(
          deps,
          actorOf(request),
          request.body.org_id,
          request.params.id,
          enabled,
        );
        return { success: true as const, data: connectionObject(connection) };
      },
    );
  }
}
