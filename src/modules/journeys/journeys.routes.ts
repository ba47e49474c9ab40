import type { FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.ts';
import { errorResponses, SuccessOnly } from '../../http/schemas.ts';
import type { App } from '../../http/types.ts';
import {
  currentProperty,
  propertyAuthErrors,
  PropertyHeaders,
  propertySecurity,
  requirePropertyAccess,
} from '../auth/index.ts';
import {
  CreateJourneyBody,
  EnterBody,
  EnterOne,
  GRAPH_HELP,
  JourneyList,
  JourneyOne,
  JourneyParams,
  JOURNEYS_HELP,
  ListQuery,
  RunList,
  RunOne,
  RunParams,
  RunsQuery,
  StatsOne,
  UpdateJourneyBody,
  VersionOne,
  VersionParams,
} from './journeys.schemas.ts';
import * as journeys from './journeys.service.ts';

const tags = ['Journeys'];
const security = propertySecurity;
const headers = PropertyHeaders;
const AREA =
  "Property-scoped: a pk_ key (read scope to read, write scope to change), or a member's bearer token with X-Property-Id. Another property's journey is 404.";

const property = (request: FastifyRequest) => currentProperty(request);

/** Journeys of the credential's property: drafts, versions, lifecycle, stats and runs. */
export function journeyRoutes(app: App, deps: Deps): void {
  const read = requirePropertyAccess(deps, 'read');
  const write = requirePropertyAccess(deps, 'write');
  const conflictErrors = { ...propertyAuthErrors, ...errorResponses(409) };
  const one = <T>(data: T) => ({ success: true as const, data });

  app.get(
    '/api/journeys',
    {
      onRequest: read,
      schema: {
        operationId: 'journeys.list',
        summary: 'List journeys',
        description: `${AREA} Newest first, paged with \`before\`.`,
        tags,
        security,
        headers,
        querystring: ListQuery,
        response: { 200: JourneyList, ...propertyAuthErrors },
      },
    },
    async (request) => ({
      success: true as const,
      ...(await journeys.listJourneys(deps, property(request), request.query)),
    }),
  );

  app.post(
    '/api/journeys',
    {
      onRequest: write,
      schema: {
        operationId: 'journeys.create',
        summary: 'Create a journey (a draft)',
        description: `${AREA} ${GRAPH_HELP}\n\n${JOURNEYS_HELP} (403 quota_exceeded). 409 when the name is taken.`,
        tags,
        security,
        headers,
        body: CreateJourneyBody,
        response: { 201: JourneyOne, ...conflictErrors },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(one(await journeys.createJourney(deps, property(request), request.body))),
  );

  app.get(
    '/api/journeys/:id',
    {
      onRequest: read,
      schema: {
        operationId: 'journeys.get',
        summary: 'Get a journey',
        description: `${AREA} \`graph\` is the draft; \`version\` the live version (GET …/versions/{version}).`,
        tags,
        security,
        headers,
        params: JourneyParams,
        response: { 200: JourneyOne, ...propertyAuthErrors },
      },
    },
    async (request) => one(await journeys.getJourney(deps, property(request), request.params.id)),
  );

  app.patch(
    '/api/journeys/:id',
    {
      onRequest: write,
      schema: {
        operationId: 'journeys.update',
        summary: 'Change the draft',
        description: `${AREA} Changes the name, description or draft graph; players in a published version are not affected until the draft is published. An archived journey is 409.`,
        tags,
        security,
        headers,
        params: JourneyParams,
        body: UpdateJourneyBody,
        response: { 200: JourneyOne, ...conflictErrors },
      },
    },
    async (request) =>
      one(await journeys.updateJourney(deps, property(request), request.params.id, request.body)),
  );

  app.delete(
    '/api/journeys/:id',
    {
      onRequest: write,
      schema: {
        operationId: 'journeys.delete',
        summary: 'Delete a journey',
        description: `${AREA} A draft or archived journey only (409 otherwise), with its runs and history.`,
        tags,
        security,
        headers,
        params: JourneyParams,
        response: { 200: SuccessOnly, ...conflictErrors },
      },
    },
    async (request) => {
      await journeys.deleteJourney(deps, property(request), request.params.id);
      return { success: true as const };
    },
  );

  const lifecycle = [
    [
      'publish',
      journeys.publishJourney,
      'Publish the draft',
      'The draft becomes the next version, immutable, and the journey goes live (a paused one stays paused). Players already in an older version finish it. Each send step gets a campaign of its own with the template frozen. 400 when a filter, template or profile value is wrong.',
    ],
    [
      'pause',
      journeys.pauseJourney,
      'Pause',
      'No player enters and none moves on until the journey resumes; waits that end meanwhile are taken on resume. Only an active journey (409).',
    ],
    [
      'resume',
      journeys.resumeJourney,
      'Resume',
      'A paused journey goes live again (409 otherwise).',
    ],
    [
      'archive',
      journeys.archiveJourney,
      'Archive',
      'Ends the journey: every player in it exits, and it takes no one again. Messages already queued still go out.',
    ],
  ] as const;
  for (const [action, run, summary, description] of lifecycle) {
    app.post(
      `/api/journeys/:id/${action}`,
      {
        onRequest: write,
        schema: {
          operationId: `journeys.${action}`,
          summary,
          description: `${AREA} ${description}`,
          tags,
          security,
          headers,
          params: JourneyParams,
          response: { 200: JourneyOne, ...conflictErrors },
        },
      },
      async (request) => one(await run(deps, property(request), request.params.id)),
    );
  }

  app.get(
    '/api/journeys/:id/versions/:version',
    {
      onRequest: read,
      schema: {
        operationId: 'journeys.version',
        summary: 'A published version',
        description: AREA,
        tags,
        security,
        headers,
        params: VersionParams,
        response: { 200: VersionOne, ...propertyAuthErrors },
      },
    },
    async (request) =>
      one(
        await journeys.journeyVersion(
          deps,
          property(request),
          request.params.id,
          request.params.version,
        ),
      ),
  );

  app.get(
    '/api/journeys/:id/stats',
    {
      onRequest: read,
      schema: {
        operationId: 'journeys.stats',
        summary: 'Per-node counts',
        description: `${AREA} Players by state, and per node (over every version): entered, passed, skipped (sends the pre-send check skipped), exited, failed, and waiting now.`,
        tags,
        security,
        headers,
        params: JourneyParams,
        response: { 200: StatsOne, ...propertyAuthErrors },
      },
    },
    async (request) => one(await journeys.journeyStats(deps, property(request), request.params.id)),
  );

  app.get(
    '/api/journeys/:id/runs',
    {
      onRequest: read,
      schema: {
        operationId: 'journeys.runs',
        summary: "Players' runs through the journey",
        description: `${AREA} Newest entry first, paged with \`before\`; \`player_id\` narrows to one player (404 when the property has no such player).`,
        tags,
        security,
        headers,
        params: JourneyParams,
        querystring: RunsQuery,
        response: { 200: RunList, ...propertyAuthErrors },
      },
    },
    async (request) => ({
      success: true as const,
      ...(await journeys.listRuns(deps, property(request), request.params.id, request.query)),
    }),
  );

  app.get(
    '/api/journeys/:id/runs/:runId',
    {
      onRequest: read,
      schema: {
        operationId: 'journeys.run',
        summary: "A player's run, with every step taken",
        description: AREA,
        tags,
        security,
        headers,
        params: RunParams,
        response: { 200: RunOne, ...propertyAuthErrors },
      },
    },
    async (request) =>
      one(await journeys.getRun(deps, property(request), request.params.id, request.params.runId)),
  );

  app.post(
    '/api/journeys/:id/enter',
    {
      onRequest: write,
      schema: {
        operationId: 'journeys.enter',
        summary: 'Enter a player',
        description: `${AREA} Enters the player now by the journey's entry rule (any trigger; the \`api\` trigger is for journeys entered only this way). \`entry_key\` makes a retried call enter once. \`entered: false\` when the rule keeps the player out (already in it, once, or within the period). An inactive journey is 409; an unknown player 404.`,
        tags,
        security,
        headers,
        params: JourneyParams,
        body: EnterBody,
        response: { 200: EnterOne, ...conflictErrors },
      },
    },
    async (request) =>
      one(await journeys.enterJourney(deps, property(request), request.params.id, request.body)),
  );
}
