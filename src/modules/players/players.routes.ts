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
import { playerActivityRoutes } from './players.activity.routes.ts';
import {
  BatchBody,
  BatchResponse,
  PlayerOne,
  PlayerParams,
  PlayerPatch,
} from './players.schemas.ts';
import {
  deletePlayer,
  getPlayer,
  MAX_BATCH,
  updatePlayer,
  upsertPlayers,
} from './players.service.ts';

const tags = ['Players'];
const security = propertySecurity;

/** A batch of 1000 players with traits is far above the default body limit. */
export const BULK_BODY_LIMIT = 4 * 1024 * 1024;

/**
 * One player by id, and the batch upsert. Listing, inserting and filtered updates/deletes are
 * the generic table routes (`/api/{table}`, modules/tables); static paths win over them.
 */
export function playerRoutes(app: App, deps: Deps): void {
  const read = requirePropertyAccess(deps, 'read');
  const write = requirePropertyAccess(deps, 'write');
  playerActivityRoutes(app, deps);

  app.get(
    '/api/players/:id',
    {
      onRequest: read,
      schema: {
        operationId: 'players.get',
        summary: 'Get a player',
        description:
          "A player of the key's property, by PlayLoop's id (uuid) or by the casino's player_id (`GET /api/players/100234`). " +
          'A uuid-shaped value is read as the id; a casino id that is itself a uuid is found with `GET /api/players?player_id.eq=…`. ' +
          "Another property's player is 404.",
        tags,
        security,
        headers: PropertyHeaders,
        params: PlayerParams,
        response: { 200: PlayerOne, ...propertyAuthErrors },
      },
    },
    async (request) => {
      const player = await getPlayer(deps, currentProperty(request).id, request.params.id);
      return { success: true as const, data: player };
    },
  );

  app.patch(
    '/api/players/:id',
    {
      onRequest: write,
      schema: {
        operationId: 'players.update',
        summary: 'Update a player',
        description:
          'Changes the fields sent (write scope); the path takes the id or the casino player_id, as in GET. Phones are stored as E.164: send `+…`, or a national number with `country` in the same body. ' +
          'Unknown fields, and the server-set id, property_id, created_at and updated_at, are refused. A player_id taken by another player is 409.',
        tags,
        security,
        headers: PropertyHeaders,
        params: PlayerParams,
        body: PlayerPatch,
        response: { 200: PlayerOne, ...propertyAuthErrors, ...errorResponses(409) },
      },
    },
    async (request) => {
      const { id } = request.params;
      const player = await updatePlayer(deps, currentProperty(request).id, id, request.body);
      return { success: true as const, data: player };
    },
  );

  app.delete(
    '/api/players/:id',
    {
      onRequest: write,
      schema: {
        operationId: 'players.delete',
        summary: 'Delete a player',
        description:
          'Permanently deletes the player (write scope); the path takes the id or the casino player_id, as in GET. Destructive: nothing is kept.',
        tags,
        security,
        headers: PropertyHeaders,
        params: PlayerParams,
        response: { 200: SuccessOnly, ...propertyAuthErrors },
      },
    },
    async (request) => {
      await deletePlayer(deps, currentProperty(request).id, request.params.id);
      return { success: true as const };
    },
  );

  app.post(
    '/api/players/batch',
    {
      onRequest: write,
      bodyLimit: Math.max(BULK_BODY_LIMIT, deps.config.bodyLimitBytes),
      schema: {
        operationId: 'players.batchUpsert',
        summary: 'Create or update many players by player_id',
        description:
          `Up to ${MAX_BATCH} players (body up to 4 MiB), matched on player_id within the property: new ones are created, existing ones updated (write scope); a row without player_id always creates a player. ` +
          'Each row is checked on its own and applied entirely or not at all: invalid rows come back in `errors` as `{ index, player_id, error }` while every valid row is applied, in one statement. ' +
          'An update changes only the fields its row carries (`null` clears a field); a new player takes defaults for the rest. A player_id repeated within the batch is an error for the later rows.',
        tags,
        security,
        headers: PropertyHeaders,
        body: BatchBody,
        response: { 200: BatchResponse, ...propertyAuthErrors, ...errorResponses(413) },
      },
    },
    async (request) => {
      const result = await upsertPlayers(deps, currentProperty(request).id, request.body.players);
      return { success: true as const, data: result };
    },
  );
}
