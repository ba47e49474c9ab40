import type { FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.ts';
import { errorResponses } from '../../http/schemas.ts';
import type { App } from '../../http/types.ts';
import {
  currentProperty,
  propertyAuthErrors,
  PropertyHeaders,
  propertySecurity,
  requirePropertyAccess,
} from '../auth/index.ts';
import {
  BATCH_BODY_LIMIT,
  BatchBody,
  BatchResponse,
  EVENT_BODY_LIMIT,
  EventInput,
  EventOne,
  EVENTS_HELP,
} from './player-events.schemas.ts';
import { MAX_BATCH_EVENTS } from './player-events.service.ts';
import * as events from './player-events.service.ts';

const tags = ['Players'];
const AREA =
  "Property-scoped: a pk_ key with the write scope (or a member's bearer token with X-Property-Id and a role that writes).";

const tenantOf = (request: FastifyRequest) => {
  const property = currentProperty(request);
  return { propertyId: property.id, orgId: property.orgId };
};

/** Casino events: what players did at the casino, one at a time or in batches. */
export function playerEventRoutes(app: App, deps: Deps): void {
  const write = requirePropertyAccess(deps, 'write');
  const errors = { ...propertyAuthErrors, ...errorResponses(413) };

  app.post(
    '/api/events',
    {
      onRequest: write,
      bodyLimit: Math.max(EVENT_BODY_LIMIT, deps.config.bodyLimitBytes),
      schema: {
        operationId: 'playerEvents.record',
        summary: 'Record a casino event of a player',
        description: `${AREA} ${EVENTS_HELP} Answers 201 with the stored event, or 200 with \`duplicate: true\` for an event_id already stored.`,
        tags,
        security: propertySecurity,
        headers: PropertyHeaders,
        body: EventInput,
        response: { 201: EventOne, 200: EventOne, ...errors },
      },
    },
    async (request, reply) => {
      const data = await events.recordPlayerEvent(deps, tenantOf(request), request.body);
      return reply.code(data.duplicate ? 200 : 201).send({ success: true as const, data });
    },
  );

  app.post(
    '/api/events/batch',
    {
      onRequest: write,
      bodyLimit: Math.max(BATCH_BODY_LIMIT, deps.config.bodyLimitBytes),
      schema: {
        operationId: 'playerEvents.recordBatch',
        summary: 'Record up to 500 casino events',
        description: `${AREA} 1 to ${MAX_BATCH_EVENTS} events of the shape of \`POST /api/events\`, stored in one statement. The body is at most ${BATCH_BODY_LIMIT / 1024 / 1024} MB (413 payload_too_large beyond: split the batch). A body the schema refuses (an unknown field, a bad name, more than ${MAX_BATCH_EVENTS} events) is 400 and stores nothing; otherwise each event has its own result, in order: \`created\` with its \`id\`, \`duplicate\` with the \`id\` of the event stored first with its event_id (also for an event_id repeated within the batch), or \`error\` with a \`code\` and \`message\` (\`not_found\`: no such player; \`validation_failed\`: properties too large, occurred_at out of range), and the others are stored. ${EVENTS_HELP}`,
        tags,
        security: propertySecurity,
        headers: PropertyHeaders,
        body: BatchBody,
        response: { 200: BatchResponse, ...errors },
      },
    },
    async (request) => ({
      success: true as const,
      data: await events.recordPlayerEventBatch(deps, tenantOf(request), request.body.events),
    }),
  );
}
