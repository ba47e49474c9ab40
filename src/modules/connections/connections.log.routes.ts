import type { Deps } from '../../deps.ts';
import { errorResponses } from '../../http/schemas.ts';
import type { App } from '../../http/types.ts';
import { requireUser } from '../auth/index.ts';
import { webhookSchemas } from '../webhooks/index.ts';
import {
  connectionMessage,
  connectionMessages,
  replayConnectionMessage,
  resendConnectionFailures,
} from './connections.log.ts';
import { actorOf, security, tags } from './connections.routes.ts';
import {
  ConnectionParams,
  MessageParams,
  MessagesQuery,
  OrgBody,
  OrgQuery,
  ResendBody,
} from './connections.schemas.ts';

const readErrors = errorResponses(400, 401, 404);
const writeErrors = errorResponses(400, 401, 403, 404, 429);

/** A connection's delivery log: every member reads it, Editors and above send messages again. */
export function connectionLogRoutes(app: App, deps: Deps): void {
  const onRequest = requireUser(deps);

  app.get(
    '/api/connections/:id/messages',
    {
      onRequest,
      schema: {
        operationId: 'connections.messages',
        summary: "A connection's delivery log",
        description:
          'Its messages newest first, each with its status, attempt count, next attempt and last attempt (HTTP status, latency, error, the first 4 KiB of the answer). Paged with `before`. Every member reads it.',
        tags,
        security,
        params: ConnectionParams,
        querystring: MessagesQuery,
        response: { 200: webhookSchemas.MessageList, ...readErrors },
      },
    },
    async (request) => {
      const { org_id, ...query } = request.query;
      const page = await connectionMessages(
        deps,
        actorOf(request),
        org_id,
        request.params.id,
        query,
      );
      return { success: true as const, ...page };
    },
  );

  app.get(
    '/api/connections/:id/messages/:messageId',
    {
      onRequest,
      schema: {
        operationId: 'connections.message',
        summary: 'One message with every attempt',
        description:
          'The message with the event envelope it was built from (`payload`) and every attempt, oldest first.',
        tags,
        security,
        params: MessageParams,
        querystring: OrgQuery,
        response: { 200: webhookSchemas.MessageOne, ...readErrors },
      },
    },
    async (request) => {
      const message = await connectionMessage(
        deps,
        actorOf(request),
        request.query.org_id,
        request.params.id,
        request.params.messageId,
      );
      return { success: true as const, data: message };
    },
  );

  app.post(
    '/api/connections/:id/messages/:messageId/replay',
    {
      onRequest,
      schema: {
        operationId: 'connections.replay',
        summary: 'Send one message again',
        description:
          'Editor or above. Queues a delivered or failed message for a new run of the retry schedule, with the same `webhook-id`. 409 when it is already queued; 60 replays a minute per connection (429).',
        tags,
        security,
        params: MessageParams,
        body: OrgBody,
        response: { 202: webhookSchemas.Queued, ...writeErrors, ...errorResponses(409) },
      },
    },
    async (request, reply) => {
      const queued = await replayConnectionMessage(
        deps,
        actorOf(request),
        request.body.org_id,
        request.params.id,
        request.params.messageId,
      );
      return reply.code(202).send({ success: true as const, data: queued });
    },
  );

  app.post(
    '/api/connections/:id/resend-failed',
    {
      onRequest,
      schema: {
        operationId: 'connections.resendFailed',
        summary: 'Send every failed message since a time again',
        description:
          'Editor or above. Queues the messages of this connection created at or after `since` that failed (at most 1,000 per call; `more` says when to call again); 10 calls an hour per connection (429).',
        tags,
        security,
        params: ConnectionParams,
        body: ResendBody,
        response: { 202: webhookSchemas.ResendResult, ...writeErrors },
      },
    },
    async (request, reply) => {
      const result = await resendConnectionFailures(
        deps,
        actorOf(request),
        request.body.org_id,
        request.params.id,
        new Date(request.body.since),
      );
      return reply.code(202).send({ success: true as const, data: result });
    },
  );
}
