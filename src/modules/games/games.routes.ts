import type { FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.ts';
import { currentUser, requireUser } from '../auth/index.ts';
import { errorResponses, SuccessOnly } from '../../http/schemas.ts';
import type { App } from '../../http/types.ts';
import {
  CreateGameBody,
  GameList,
  GameOne,
  GameParams,
  ListGamesQuery,
  OrgQuery,
  UpdateGameBody,
} from './games.schemas.ts';
import { createGame, deleteGame, getGame, listGames, updateGame } from './games.service.ts';

const tags = ['Games'];
const security = [{ bearerAuth: [] }];
const readErrors = errorResponses(400, 401, 404);
const writeErrors = errorResponses(400, 401, 403, 404);

const actorOf = (request: FastifyRequest) => ({ userId: currentUser(request).id });

/** Dashboard management of games (bearer auth): Editors write, every member reads. */
export function gameRoutes(app: App, deps: Deps): void {
  const onRequest = requireUser(deps);

  app.get(
    '/api/games',
    {
      onRequest,
      schema: {
        operationId: 'games.list',
        summary: "List an organization's games",
        description:
          'Every game of the organization, oldest first. Viewers see Active games only; Analysts and above see all.',
        tags,
        security,
        querystring: ListGamesQuery,
        response: { 200: GameList, ...readErrors },
      },
    },
    async (request) => {
      const { org_id, status } = request.query;
      const games = await listGames(deps, actorOf(request), org_id, { status });
      return { success: true as const, data: games };
    },
  );

  app.post(
    '/api/games',
    {
      onRequest,
      schema: {
        operationId: 'games.create',
        summary: 'Create a game',
        description:
          'Creates a game from a template (Editor or above). It starts as a Draft unless `status` says otherwise. ' +
          '`translations` gives its texts per page language (`{ "th": { title, intro_text, segments, … } }`): ' +
          "the play page shows the page's language and falls back, text by text, to the game's own text.",
        tags,
        security,
        body: CreateGameBody,
        response: { 200: GameOne, ...writeErrors },
      },
    },
    async (request) => {
      const { org_id, ...fields } = request.body;
      const game = await createGame(deps, org_id, fields, actorOf(request));
      return { success: true as const, data: game };
    },
  );

  app.get(
    '/api/games/:id',
    {
      onRequest,
      schema: {
        operationId: 'games.get',
        summary: 'Get a game',
        description:
          "A game of the organization. Another organization's game, and for Viewers a game that is not Active, is 404.",
        tags,
        security,
        params: GameParams,
        querystring: OrgQuery,
        response: { 200: GameOne, ...readErrors },
      },
    },
    async (request) => {
      const game = await getGame(deps, actorOf(request), request.query.org_id, request.params.id);
      return { success: true as const, data: game };
    },
  );

  app.patch(
    '/api/games/:id',
    {
      onRequest,
      schema: {
        operationId: 'games.update',
        summary: 'Update, publish or archive a game',
        description:
          'Changes the fields sent (Editor or above). Publish with `status: "Active"`, archive with `"Archived"`. ' +
          '`config` replaces the stored settings as a whole, `translations` the texts per language as a whole ' +
          "(translated `segments` must stay as many as the game's segments: a config changing their number needs new translations).",
        tags,
        security,
        params: GameParams,
        body: UpdateGameBody,
        response: { 200: GameOne, ...writeErrors },
      },
    },
    async (request) => {
      const { org_id, ...fields } = request.body;
      const game = await updateGame(deps, actorOf(request), org_id, request.params.id, fields);
      return { success: true as const, data: game };
    },
  );

  app.delete(
    '/api/games/:id',
    {
      onRequest,
      schema: {
        operationId: 'games.delete',
        summary: 'Permanently delete a game',
        description:
          'Removes the game with its plays, prize slots and session tokens, and takes it out of every stream (Editor or above). Archive it instead to keep its records.',
        tags,
        security,
        params: GameParams,
        querystring: OrgQuery,
        response: { 200: SuccessOnly, ...writeErrors },
      },
    },
    async (request) => {
      await deleteGame(deps, actorOf(request), request.query.org_id, request.params.id);
      return { success: true as const };
    },
  );
}
