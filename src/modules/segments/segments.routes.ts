import type { FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.ts';
import { errorResponses, SuccessOnly } from '../../http/schemas.ts';
import type { App } from '../../http/types.ts';
import { contentRange } from '../../lib/table-query.ts';
import {
  currentProperty,
  propertyAuthErrors,
  PropertyHeaders,
  propertySecurity,
  requirePropertyAccess,
} from '../auth/index.ts';
import { countAudience, previewAudience } from './segments.audience.ts';
import {
  CountOne,
  CreateSegmentBody,
  FILTER_HELP,
  ListQuery,
  PlayersHeaders,
  PlayersPage,
  PlayersQuery,
  PREVIEW_HELP,
  PreviewBody,
  PreviewResponse,
  SegmentList,
  SegmentOne,
  SegmentParams,
  SEGMENTS_HELP,
  UpdateSegmentBody,
} from './segments.schemas.ts';
import * as segments from './segments.service.ts';

const tags = ['Segments'];
const security = propertySecurity;
const headers = PropertyHeaders;
const AREA =
  "Property-scoped: a pk_ key (read scope to read, count and preview, write scope to change), or a member's bearer token with X-Property-Id.";

/** 10,000 player ids of up to 100 characters, with room for JSON quoting. */
const AUDIENCE_BODY_LIMIT = 2 * 1024 * 1024;

const propertyId = (request: FastifyRequest) => currentProperty(request).id;
const preferHeader = (request: FastifyRequest) => {
  const value = request.headers.prefer;
  return Array.isArray(value) ? value.join(',') : value;
};

/** Saved segments of the credential's property, their players, and the audience preview. */
export function segmentRoutes(app: App, deps: Deps): void {
  const read = requirePropertyAccess(deps, 'read');
  const write = requirePropertyAccess(deps, 'write');
  const conflictErrors = { ...propertyAuthErrors, ...errorResponses(409) };

  app.get(
    '/api/segments',
    {
      onRequest: read,
      schema: {
        operationId: 'segments.list',
        summary: 'List segments',
        description: `${AREA} The property's segments by name, paged with \`after\`.`,
        tags,
        security,
        headers,
        querystring: ListQuery,
        response: { 200: SegmentList, ...propertyAuthErrors },
      },
    },
    async (request) => ({
      success: true as const,
      ...(await segments.listSegments(deps, propertyId(request), request.query)),
    }),
  );

  app.post(
    '/api/segments',
    {
      onRequest: write,
      schema: {
        operationId: 'segments.create',
        summary: 'Save a segment',
        description: `${AREA} A named players filter, usable as a campaign's audience. ${FILTER_HELP} ${SEGMENTS_HELP} (403 quota_exceeded).`,
        tags,
        security,
        headers,
        body: CreateSegmentBody,
        response: { 201: SegmentOne, ...conflictErrors },
      },
    },
    async (request, reply) => {
      const data = await segments.createSegment(deps, propertyId(request), request.body);
      return reply.code(201).send({ success: true as const, data });
    },
  );

  app.get(
    '/api/segments/:id',
    {
      onRequest: read,
      schema: {
        operationId: 'segments.get',
        summary: 'Get a segment',
        description: `${AREA} Another property's segment is 404.`,
        tags,
        security,
        headers,
        params: SegmentParams,
        response: { 200: SegmentOne, ...propertyAuthErrors },
      },
    },
    async (request) => ({
      success: true as const,
      data: await segments.getSegment(deps, propertyId(request), request.params.id),
    }),
  );

  app.patch(
    '/api/segments/:id',
    {
      onRequest: write,
      schema: {
        operationId: 'segments.update',
        summary: 'Update a segment',
        description: `${AREA} Changes the fields sent; a new filter is checked as at creation. \`description: null\` removes it. 409 when the name is taken.`,
        tags,
        security,
        headers,
        params: SegmentParams,
        body: UpdateSegmentBody,
        response: { 200: SegmentOne, ...conflictErrors },
      },
    },
    async (request) => ({
      success: true as const,
      data: await segments.updateSegment(
        deps,
        propertyId(request),
        request.params.id,
        request.body,
      ),
    }),
  );

  app.delete(
    '/api/segments/:id',
    {
      onRequest: write,
      schema: {
        operationId: 'segments.delete',
        summary: 'Delete a segment',
        description: `${AREA} Deletes the segment; its players are untouched. A segment an active or paused journey enters players from (\`segment_entered\`) is 409 until that journey is archived or republished with another trigger.`,
        tags,
        security,
        headers,
        params: SegmentParams,
        response: { 200: SuccessOnly, ...conflictErrors },
      },
    },
    async (request) => {
      await segments.deleteSegment(deps, propertyId(request), request.params.id);
      return { success: true as const };
    },
  );

  app.get(
    '/api/segments/:id/players',
    {
      onRequest: read,
      schema: {
        operationId: 'segments.listPlayers',
        summary: "A segment's players",
        description: `${AREA} Exactly \`GET /api/players?<the segment's filter>\`, paged, ordered and counted the same way (\`select\`, \`order\`, \`limit\`, \`offset\`, \`count\` or \`Prefer: count=…\`; answers \`{ success, data, totalCount, countType }\` and \`Content-Range\`). The request cannot add filters.`,
        tags,
        security,
        headers: PlayersHeaders,
        params: SegmentParams,
        querystring: PlayersQuery,
        response: { 200: PlayersPage, ...propertyAuthErrors },
      },
    },
    async (request, reply) => {
      const result = await segments.listSegmentPlayers(
        deps,
        propertyId(request),
        request.params.id,
        { query: request.query, prefer: preferHeader(request) },
      );
      reply.header('Content-Range', contentRange(result));
      return {
        success: true as const,
        data: result.rows,
        totalCount: result.totalCount,
        countType: result.countType,
      };
    },
  );

  app.get(
    '/api/segments/:id/count',
    {
      onRequest: read,
      schema: {
        operationId: 'segments.count',
        summary: 'How many players a segment selects',
        description: `${AREA} The exact number of the property's players the segment's filter selects now.`,
        tags,
        security,
        headers,
        params: SegmentParams,
        response: { 200: CountOne, ...propertyAuthErrors },
      },
    },
    async (request) => ({
      success: true as const,
      data: {
        count: await countAudience(deps, propertyId(request), {
          type: 'segment',
          segment_id: request.params.id,
        }),
      },
    }),
  );

  app.post(
    '/api/functions/audience-preview',
    {
      onRequest: read,
      bodyLimit: Math.max(AUDIENCE_BODY_LIMIT, deps.config.bodyLimitBytes),
      schema: {
        operationId: 'segments.previewAudience',
        summary: 'Size of an audience and what the pre-send check would skip',
        description: `${AREA} ${PREVIEW_HELP} Answers the audience's exact \`size\`, how many the check would allow (\`would_send\`) and skip, and the skips by reason (\`would_skip\`).`,
        tags,
        security,
        headers,
        body: PreviewBody,
        response: { 200: PreviewResponse, ...propertyAuthErrors, ...errorResponses(413) },
      },
    },
    async (request) => ({
      success: true as const,
      data: await previewAudience(deps, propertyId(request), request.body),
    }),
  );
}
