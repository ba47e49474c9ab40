import type { Deps } from '../../deps.ts';
import type { App } from '../../http/types.ts';
import {
  currentProperty,
  propertyAuthErrors,
  PropertyHeaders,
  propertySecurity,
  requirePropertyAccess,
} from '../auth/index.ts';
import { playerActivity } from './players.activity.ts';
import { ActivityPage, ActivityQuery } from './players.activity.schemas.ts';
import { PlayerParams } from './players.schemas.ts';

const DESCRIPTION = [
  "The player's timeline: the plays of DailyPlay sessions that name this player, and the casino events sent for them (`POST /api/events`: type `event.<name>`, summary `{ name, properties }`, recorded with the event), newest first (in the order PlayLoop recorded them: the order their changes were committed). Same access as GET /api/players/{id} (read scope); `{id}` is PlayLoop's id or the casino's player_id, and another property's player is 404.",
  'Paging is by keyset: `limit` rows (default 50, at most 200), then `cursor` = the previous `next_cursor` for the older rows; rows recorded meanwhile never shift a page.',
  "**The return path.** Create the session (`POST /api/org-api-keys?action=create-session`) with `metadata.player_id` = the casino's player id (or PlayLoop's player uuid; read like `{id}` here) and `metadata.property_id` = the property's uuid; without `metadata.player_id` the session's `external_ref` is read as the player, and without `metadata.property_id` the organization's only property is used when it has exactly one. " +
    "The property must belong to the session's organization. Its play.started, play.completed, prize.won and prize.claimed events (and session.consumed for a consume through the API) then appear here, and play.completed and prize.won update the player's read-only `plays`, `last_played_at`, `last_score` and `prizes_won`. " +
    'A session naming an unknown player, or a property of another organization, attaches nothing and creates no player. Events are attached by the events dispatcher of the background workers, within a second or so while they run; a player.updated event is not written for these fields.',
].join('\n\n');

/** GET /api/players/{id}/activity (registered by playerRoutes). */
export function playerActivityRoutes(app: App, deps: Deps): void {
  app.get(
    '/api/players/:id/activity',
    {
      onRequest: requirePropertyAccess(deps, 'read'),
      schema: {
        operationId: 'players.activity',
        summary: "A player's activity (plays, prizes, casino events)",
        description: DESCRIPTION,
        tags: ['Players'],
        security: propertySecurity,
        headers: PropertyHeaders,
        params: PlayerParams,
        querystring: ActivityQuery,
        response: { 200: ActivityPage, ...propertyAuthErrors },
      },
    },
    async (request) => {
      const { id } = request.params;
      const page = await playerActivity(deps, currentProperty(request).id, id, request.query);
      return { success: true as const, data: page.rows, next_cursor: page.nextCursor };
    },
  );
}
