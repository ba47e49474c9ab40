import { Type } from 'typebox';
import type { Deps } from '../../deps.ts';
import { currentUser, requireUser } from '../auth/index.ts';
import { DateTime, errorResponses, Nullable } from '../../http/schemas.ts';
import type { App } from '../../http/types.ts';
import { playAnalytics } from './analytics.service.ts';

const Id = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });

const Query = Type.Object({
  org_id: Id,
  game_id: Type.Optional(Id),
  stream_id: Type.Optional(Id),
  from: Type.Optional(
    Type.String({ format: 'date-time', description: 'Default: 30 days before `to`' }),
  ),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'Default: now' })),
  interval: Type.Optional(
    Type.Union([Type.Literal('hour'), Type.Literal('day')], { default: 'day' }),
  ),
});

const Response = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({
    from: DateTime,
    to: DateTime,
    interval: Type.String(),
    totals: Type.Object({
      started: Type.Integer(),
      completed: Type.Integer(),
      completion_rate: Type.Number({ description: 'completed / started, 0 to 1' }),
      prize_draws: Type.Integer(),
      prize_wins: Type.Integer({ description: 'Draws that were not a No Prize slot' }),
      prize_claims: Type.Integer(),
    }),
    series: Type.Array(
      Type.Object({ at: DateTime, started: Type.Integer(), completed: Type.Integer() }),
    ),
    games: Type.Array(
      Type.Object({
        game_id: Type.Integer(),
        title: Type.String(),
        started: Type.Integer(),
        completed: Type.Integer(),
        average_score: Nullable(Type.Integer()),
      }),
    ),
  }),
});

export function analyticsRoutes(app: App, deps: Deps): void {
  app.get(
    '/api/analytics/plays',
    {
      onRequest: requireUser(deps),
      schema: {
        operationId: 'analytics.plays',
        summary: 'Plays over time, completion rate and prize claims',
        description:
          'Plays started and completed per hour or day (UTC buckets; empty buckets are omitted), totals with completion rate and prize draws/wins/claims, and a per-game breakdown. Filter by game or stream. Any member of the organization may read it; a Viewer filtering by a game that is not Active gets 404 (as for the game itself), and the per-game breakdown shows a Viewer only Active games (totals and series cover every game).',
        tags: ['Analytics'],
        security: [{ bearerAuth: [] }],
        querystring: Query,
        response: { 200: Response, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const q = request.query;
      const data = await playAnalytics(
        deps,
        { userId: currentUser(request).id },
        {
          orgId: q.org_id,
          interval: q.interval ?? 'day',
          from: q.from,
          to: q.to,
          gameId: q.game_id,
          streamId: q.stream_id,
        },
      );
      return { success: true as const, data };
    },
  );
}
