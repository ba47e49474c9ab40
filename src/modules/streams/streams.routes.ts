import type { FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.ts';
import { currentUser, requireUser } from '../auth/index.ts';
import { errorResponses, SuccessOnly } from '../../http/schemas.ts';
import type { App } from '../../http/types.ts';
import {
  CreateStreamBody,
  IdentitySecretResponse,
  ListStreamsQuery,
  OrgQuery,
  RotateIdentityBody,
  StreamList,
  StreamOne,
  StreamParams,
  UpdateStreamBody,
} from './streams.schemas.ts';
import { publicStreamUrl, streamAvailability } from './streams.playable.ts';
import type { StreamDetail } from './streams.repo.ts';
import {
  createStream,
  deleteStream,
  getStream,
  listStreams,
  rotateIdentitySecret,
  updateStream,
} from './streams.service.ts';

const tags = ['Streams'];
const security = [{ bearerAuth: [] }];
const readErrors = errorResponses(400, 401, 404);
const writeErrors = errorResponses(400, 401, 403, 404, 409);
const deleteErrors = errorResponses(400, 401, 403, 404);

function streamObject(deps: Deps, stream: StreamDetail) {
  return {
    id: stream.id,
    org_id: stream.org_id,
    name: stream.name,
    slug: stream.slug,
    description: stream.description,
    status: stream.status,
    availability: streamAvailability(stream, deps.clock.now()),
    game_ids: stream.game_ids,
    order_mode: stream.order_mode,
    start_at: stream.start_at,
    end_at: stream.end_at,
    timezone: stream.timezone,
    max_total_plays: stream.max_total_plays,
    max_plays_per_player: stream.max_plays_per_player,
    completion_message: stream.completion_message,
    total_plays: stream.total_plays,
    public_url: publicStreamUrl(deps, stream),
    player_identity: stream.identity_signed ? ('signed' as const) : ('device' as const),
    created_at: stream.created_at,
    updated_at: stream.updated_at,
  };
}

const actorOf = (request: FastifyRequest) => ({ userId: currentUser(request).id });

/** Dashboard management of streams (bearer auth): Editors write, every member reads. */
export function streamRoutes(app: App, deps: Deps): void {
  const onRequest = requireUser(deps);

  app.get(
    '/api/streams',
    {
      onRequest,
      schema: {
        operationId: 'streams.list',
        summary: "List an organization's streams",
        description:
          'Every stream of the organization, oldest first. Viewers see published streams only (not Draft or Archived).',
        tags,
        security,
        querystring: ListStreamsQuery,
        response: { 200: StreamList, ...readErrors },
      },
    },
    async (request) => {
      const { org_id, status } = request.query;
      const streams = await listStreams(deps, actorOf(request), org_id, { status });
      return { success: true as const, data: streams.map((s) => streamObject(deps, s)) };
    },
  );

  app.post(
    '/api/streams',
    {
      onRequest,
      schema: {
        operationId: 'streams.create',
        summary: 'Create a stream',
        description:
          "Creates a campaign stream over the organization's games (Editor or above). It starts as a Draft unless `status` says otherwise; " +
          'a Scheduled stream needs `start_at`, and a Scheduled or Active one at least one game. The slug defaults to one made from the name (409 when taken).',
        tags,
        security,
        body: CreateStreamBody,
        response: { 200: StreamOne, ...writeErrors },
      },
    },
    async (request) => {
      const { org_id, game_ids, ...fields } = request.body;
      const stream = await createStream(
        deps,
        org_id,
        { ...fields, gameIds: game_ids },
        actorOf(request),
      );
      return { success: true as const, data: streamObject(deps, stream) };
    },
  );

  app.get(
    '/api/streams/:id',
    {
      onRequest,
      schema: {
        operationId: 'streams.get',
        summary: 'Get a stream',
        description:
          "A stream of the organization. Another organization's stream, and for Viewers an unpublished one, is 404.",
        tags,
        security,
        params: StreamParams,
        querystring: OrgQuery,
        response: { 200: StreamOne, ...readErrors },
      },
    },
    async (request) => {
      const stream = await getStream(
        deps,
        actorOf(request),
        request.query.org_id,
        request.params.id,
      );
      return { success: true as const, data: streamObject(deps, stream) };
    },
  );

  app.patch(
    '/api/streams/:id',
    {
      onRequest,
      schema: {
        operationId: 'streams.update',
        summary: 'Update, schedule, pause or archive a stream',
        description:
          'Changes the fields sent (Editor or above); null clears a nullable field. `game_ids` replaces the list as a whole, atomically.',
        tags,
        security,
        params: StreamParams,
        body: UpdateStreamBody,
        response: { 200: StreamOne, ...writeErrors },
      },
    },
    async (request) => {
      const { org_id, game_ids, ...fields } = request.body;
      const stream = await updateStream(deps, actorOf(request), org_id, request.params.id, {
        ...fields,
        gameIds: game_ids,
      });
      return { success: true as const, data: streamObject(deps, stream) };
    },
  );

  app.post(
    '/api/streams/:id/identity-secret',
    {
      onRequest,
      schema: {
        operationId: 'streams.rotateIdentitySecret',
        summary: "Set or rotate the secret that signs player ids on the stream's public link",
        description:
          'Editor or above. Generates a new identity secret, returned only in this response, and switches ' +
          'the stream to `player_identity: signed`. Links signed with a previous secret stop identifying ' +
          'their player immediately (they still play, counted per device). See `player_identity`.',
        tags,
        security,
        params: StreamParams,
        body: RotateIdentityBody,
        response: { 200: IdentitySecretResponse, ...writeErrors },
      },
    },
    async (request) => {
      const secret = await rotateIdentitySecret(
        deps,
        actorOf(request),
        request.body.org_id,
        request.params.id,
      );
      return {
        success: true as const,
        data: { identity_secret: secret, player_identity: 'signed' as const },
      };
    },
  );

  app.delete(
    '/api/streams/:id',
    {
      onRequest,
      schema: {
        operationId: 'streams.delete',
        summary: 'Permanently delete a stream',
        description:
          'Removes the stream with its plays and stream session tokens (Editor or above); its games stay. Archive it instead to keep its records.',
        tags,
        security,
        params: StreamParams,
        querystring: OrgQuery,
        response: { 200: SuccessOnly, ...deleteErrors },
      },
    },
    async (request) => {
      await deleteStream(deps, actorOf(request), request.query.org_id, request.params.id);
      return { success: true as const };
    },
  );
}
