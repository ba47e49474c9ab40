import { Type } from 'typebox';
import {
  BatchBody,
  deletePlayer,
  getPlayer,
  PlayerParams,
  PlayerPatch,
  updatePlayer,
  upsertPlayers,
} from '../players/index.ts';
import { insertIntoTable, listTable, TableListQuery } from '../tables/index.ts';
import { one, tool } from './mcp.tool.ts';

const PlayerId = PlayerParams.properties.id;

/** GET /api/players with the query string as one object: the reserved parameters and filters. */
const ListPlayersInput = Type.Object(
  {
    ...TableListQuery.properties,
    filters: Type.Optional(
      Type.Record(
        Type.String({ minLength: 1, maxLength: 100 }),
        Type.Union([
          Type.String({ maxLength: 2000 }),
          Type.Array(Type.String({ maxLength: 2000 }), { minItems: 1, maxItems: 20 }),
        ]),
        {
          description:
            'Column filters, each as a query parameter of GET /api/players: `{"status.eq": "active", "tier": "eq.Gold", "plays.gte": "3"}`; a list repeats the parameter (`{"tier": ["neq.Bronze", "neq.Silver"]}`). See the resource playloop://docs/filter-grammar.',
          maxProperties: 50,
        },
      ),
    ),
  },
  { additionalProperties: false },
);

export const playerTools = [
  tool({
    name: 'players_list',
    title: 'List players',
    description:
      "Players of the key's property, filtered, ordered and paged exactly like GET /api/players: `filters` holds PostgREST-style column filters (`status.eq`, `tier=eq.Gold`, `last_played_at.gte`…), `q` is a case-insensitive free-text search (name, email, phone, player_id, tier, state), plus select, order, limit (default 100, at most 1000), offset and count. Answers { data, totalCount, countType }.",
    input: ListPlayersInput,
    scope: 'read',
    async run(deps, property, { filters, ...reserved }) {
      const result = await listTable(deps, property.id, 'players', {
        query: { ...filters, ...reserved },
      });
      return {
        success: true as const,
        data: result.rows,
        totalCount: result.totalCount,
        countType: result.countType,
      };
    },
  }),
  tool({
    name: 'players_get',
    title: 'Get a player',
    description:
      "One player by PlayLoop's id (uuid) or the casino's player_id, as GET /api/players/{id}. Another property's player is not_found.",
    input: Type.Object({ id: PlayerId }, { additionalProperties: false }),
    scope: 'read',
    run: async (deps, property, args) => one(await getPlayer(deps, property.id, args.id)),
  }),
  tool({
    name: 'players_create',
    title: 'Create a player',
    description:
      'Creates one player (POST /api/players): the fields as in players_update (email, phone in E.164 or with country, first_name, tier, status, traits…); player_id is optional and unique in the property (conflict when taken).',
    input: PlayerPatch,
    scope: 'write',
    run: async (deps, property, args) =>
      one(await insertIntoTable(deps, property.id, 'players', args)),
  }),
  tool({
    name: 'players_update',
    title: 'Update a player',
    description:
      'Changes the fields given in `fields` on one player (PATCH /api/players/{id}); `id` is the uuid or the casino player_id. `null` clears a field.',
    input: Type.Object({ id: PlayerId, fields: PlayerPatch }, { additionalProperties: false }),
    scope: 'write',
    idempotent: true,
    run: async (deps, property, args) =>
      one(await updatePlayer(deps, property.id, args.id, args.fields)),
  }),
  tool({
    name: 'players_delete',
    title: 'Delete a player',
    description:
      'Permanently deletes one player (DELETE /api/players/{id}). Destructive: nothing is kept; for a data-subject erasure with suppression use privacy_delete_player_data.',
    input: Type.Object({ id: PlayerId }, { additionalProperties: false }),
    scope: 'write',
    destructive: true,
    async run(deps, property, args) {
      await deletePlayer(deps, property.id, args.id);
      return { success: true as const };
    },
  }),
  tool({
    name: 'players_batch_upsert',
    title: 'Validate and upsert players in a batch',
    description:
      'Up to 1000 players matched on player_id (POST /api/players/batch): every row is validated on its own; valid rows are created or updated, invalid ones come back in `errors` as { index, player_id, error } without stopping the others.',
    input: BatchBody,
    scope: 'write',
    run: async (deps, property, args) => one(await upsertPlayers(deps, property.id, args.players)),
  }),
];
