import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Deps } from '../../deps.ts';
import {
  currentProperty,
  propertyAuthErrors,
  PropertyHeaders,
  propertySecurity,
  requirePropertyAccess,
} from '../auth/index.ts';
import { errorResponses, SuccessOnly } from '../../http/schemas.ts';
import type { App } from '../../http/types.ts';
import * as endpoints from './webhooks.endpoints.service.ts';
import { getMessage, listMessages, replayMessage, resendFailed } from './webhooks.log.ts';
import {
  CreateEndpointBody,
  EndpointList,
  EndpointOne,
  EndpointParams,
  EndpointWithSecret,
  MessageList,
  MessageOne,
  MessageId,
  MessagesQuery,
  Queued,
  ResendBody,
  ResendResult,
  UpdateEndpointBody,
} from './webhooks.schemas.ts';

const tags = ['Webhooks'];
const EndpointMessageParams = Type.Object({
  id: EndpointParams.properties.id,
  messageId: MessageId,
});
const security = propertySecurity;
const headers = PropertyHeaders;

function endpointObject(endpoint: endpoints.Endpoint) {
  return { ...endpoint, enabled: endpoint.disabled_at === null };
}

const propertyOf = (request: FastifyRequest) => {
  const property = currentProperty(request);
  return { id: property.id, orgId: property.orgId };
};

/**
 * PlayerOS webhook endpoints of the credential's property (read scope lists, write scope
 * changes), and each endpoint's delivery log.
 */
export function webhookRoutes(app: App, deps: Deps): void {
  const read = requirePropertyAccess(deps, 'read');
  const write = requirePropertyAccess(deps, 'write');
  const writeErrors = { ...propertyAuthErrors, ...errorResponses(409) };

  app.get(
    '/api/webhooks',
    {
      onRequest: read,
      schema: {
        operationId: 'webhooks.list',
        summary: 'List webhook endpoints',
        description: "The property's webhook endpoints, oldest first. Secrets are never listed.",
        tags,
        security,
        headers,
        response: { 200: EndpointList, ...propertyAuthErrors },
      },
    },
    async (request) => {
      const list = await endpoints.listEndpoints(deps, propertyOf(request));
      return { success: true as const, data: list.map(endpointObject) };
    },
  );

  app.post(
    '/api/webhooks',
    {
      onRequest: write,
      schema: {
        operationId: 'webhooks.create',
        summary: 'Create a webhook endpoint',
        description:
          'Subscribes a URL to event types of the catalog (see the `webhooks` of this document). Every delivery is a POST of the event envelope, signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`) with the `secret` in this answer, which is shown once. ' +
          'Delivery is at least once: the same `webhook-id` on every retry; retries after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h; a 410 answer disables the endpoint, and so do 5 days of failures (`webhook.disabled`). ' +
          `A property has at most ${endpoints.MAX_ENDPOINTS_PER_PROPERTY} endpoints (403 quota_exceeded).`,
        tags,
        security,
        headers,
        body: CreateEndpointBody,
        response: { 201: EndpointWithSecret, ...propertyAuthErrors },
      },
    },
    async (request, reply) => {
      const { endpoint, secret } = await endpoints.createEndpoint(
        deps,
        propertyOf(request),
        request.body,
      );
      return reply
        .code(201)
        .send({ success: true as const, data: { ...endpointObject(endpoint), secret } });
    },
  );

  app.get(
    '/api/webhooks/:id',
    {
      onRequest: read,
      schema: {
        operationId: 'webhooks.get',
        summary: 'Get a webhook endpoint',
        description: "One endpoint of the property; another property's is 404.",
        tags,
        security,
        headers,
        params: EndpointParams,
        response: { 200: EndpointOne, ...propertyAuthErrors },
      },
    },
    async (request) => {
      const endpoint = await endpoints.getEndpoint(deps, propertyOf(request), request.params.id);
      return { success: true as const, data: endpointObject(endpoint) };
    },
  );

  app.patch(
    '/api/webhooks/:id',
    {
      onRequest: write,
      schema: {
        operationId: 'webhooks.update',
        summary: 'Update a webhook endpoint',
        description:
          'Changes the URL, event types or description. Messages already queued go to the new URL.',
        tags,
        security,
        headers,
        params: EndpointParams,
        body: UpdateEndpointBody,
        response: { 200: EndpointOne, ...propertyAuthErrors },
      },
    },
    async (request) => {
      const endpoint = await endpoints.updateEndpoint(
        deps,
        propertyOf(request),
        request.params.id,
        request.body,
      );
      return { success: true as const, data: endpointObject(endpoint) };
    },
  );

  for (const [action, enabled] of [
    ['disable', false],
    ['enable', true],
  ] as const) {
    app.post(
      `/api/webhooks/:id/${action}`,
      {
        onRequest: write,
        schema: {
          operationId: `webhooks.${action}`,
          summary: enabled ? 'Enable a webhook endpoint' : 'Disable a webhook endpoint',
          description: enabled
            ? 'Deliveries start again with new events (its health starts afresh). Messages that failed while it was disabled can be sent with `resend-failed`.'
            : 'Deliveries stop: new events create no message, and queued messages end as failed when their turn comes.',
          tags,
          security,
          headers,
          params: EndpointParams,
          response: { 200: EndpointOne, ...propertyAuthErrors },
        },
      },
      async (request) => {
        const endpoint = await endpoints.setEndpointEnabled(
          deps,
          propertyOf(request),
          request.params.id,
          enabled,
        );
        return { success: true as const, data: endpointObject(endpoint) };
      },
    );
  }

  app.delete(
    '/api/webhooks/:id',
    {
      onRequest: write,
      schema: {
        operationId: 'webhooks.delete',
        summary: 'Delete a webhook endpoint',
        description: 'Deletes the endpoint with its messages and delivery log.',
        tags,
        security,
        headers,
        params: EndpointParams,
        response: { 200: SuccessOnly, ...propertyAuthErrors },
      },
    },
    async (request) => {
      await endpoints.deleteEndpoint(deps, propertyOf(request), request.params.id);
      return { success: true as const };
    },
  );

  app.post(
    '/api/webhooks/:id/rotate-secret',
    {
      onRequest: write,
      schema: {
        operationId: 'webhooks.rotateSecret',
        summary: "Rotate an endpoint's signing secret",
        description:
          'A new secret, shown once. For WEBHOOK_ROTATION_OVERLAP_HOURS (default 24) deliveries carry two signatures in `webhook-signature`, by the new and the previous secret, so the receiver can switch without missing one. Rotating again within that time retires the oldest secret at once.',
        tags,
        security,
        headers,
        params: EndpointParams,
        response: { 200: EndpointWithSecret, ...propertyAuthErrors },
      },
    },
    async (request) => {
      const { endpoint, secret } = await endpoints.rotateEndpointSecret(
        deps,
        propertyOf(request),
        request.params.id,
      );
      return { success: true as const, data: { ...endpointObject(endpoint), secret } };
    },
  );

  app.post(
    '/api/webhooks/:id/test',
    {
      onRequest: write,
      schema: {
        operationId: 'webhooks.test',
        summary: 'Send a test message',
        description: `Queues a \`webhook.test\` envelope (\`data: { endpoint_id, message }\`) to this endpoint only, signed like any delivery; its outcome is in the delivery log. At most ${endpoints.TEST_MESSAGES_PER_MINUTE} per endpoint and minute (429); 409 when the endpoint is disabled.`,
        tags,
        security,
        headers,
        params: EndpointParams,
        response: { 202: Queued, ...writeErrors },
      },
    },
    async (request, reply) => {
      const queued = await endpoints.sendTestMessage(deps, propertyOf(request), request.params.id);
      return reply.code(202).send({ success: true as const, data: queued });
    },
  );

  // --- the delivery log ---------------------------------------------------------------------

  const target = async (request: FastifyRequest<{ Params: { id: string } }>) =>
    endpoints.endpointTarget(
      await endpoints.getEndpoint(deps, propertyOf(request), request.params.id),
    );

  app.get(
    '/api/webhooks/:id/messages',
    {
      onRequest: read,
      schema: {
        operationId: 'webhooks.messages',
        summary: "An endpoint's delivery log",
        description:
          'Its messages newest first, each with its status, attempt count, next attempt and last attempt (HTTP status, latency, error, the first 4 KiB of the answer). Paged with `before`.',
        tags,
        security,
        headers,
        params: EndpointParams,
        querystring: MessagesQuery,
        response: { 200: MessageList, ...propertyAuthErrors },
      },
    },
    async (request) => {
      const page = await listMessages(deps, await target(request), request.query);
      return { success: true as const, ...page };
    },
  );

  app.get(
    '/api/webhooks/:id/messages/:messageId',
    {
      onRequest: read,
      schema: {
        operationId: 'webhooks.message',
        summary: 'One message with every attempt',
        tags,
        security,
        headers,
        params: EndpointMessageParams,
        response: { 200: MessageOne, ...propertyAuthErrors },
      },
    },
    async (request) => {
      const message = await getMessage(deps, await target(request), request.params.messageId);
      return { success: true as const, data: message };
    },
  );

  app.post(
    '/api/webhooks/:id/messages/:messageId/replay',
    {
      onRequest: write,
      schema: {
        operationId: 'webhooks.replay',
        summary: 'Send one message again',
        description:
          'Queues a delivered or failed message for a new run of the retry schedule, with the same `webhook-id`. 409 when it is already queued; 60 replays a minute per endpoint (429).',
        tags,
        security,
        headers,
        params: EndpointMessageParams,
        response: { 202: Queued, ...writeErrors },
      },
    },
    async (request, reply) => {
      const queued = await replayMessage(deps, await target(request), request.params.messageId);
      return reply.code(202).send({ success: true as const, data: queued });
    },
  );

  app.post(
    '/api/webhooks/:id/resend-failed',
    {
      onRequest: write,
      schema: {
        operationId: 'webhooks.resendFailed',
        summary: 'Send every failed message since a time again',
        description:
          'Queues the messages of this endpoint created at or after `since` that failed (at most 1,000 per call; `more` says when to call again); 10 calls an hour per endpoint (429).',
        tags,
        security,
        headers,
        params: EndpointParams,
        body: ResendBody,
        response: { 202: ResendResult, ...propertyAuthErrors },
      },
    },
    async (request, reply) => {
      const result = await resendFailed(deps, await target(request), new Date(request.body.since));
      return reply.code(202).send({ success: true as const, data: result });
    },
  );
}
