import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import type { paths } from '../api/schema.d.ts';

type PlaysAnalytics = paths['/api/analytics/plays']['get'];
export type Analytics = PlaysAnalytics['responses'][200]['content']['application/json']['data'];

/** A period ending now: its length and the bucket the chart counts in. */
export const RANGES = {
  '24h': { hours: 24, interval: 'hour' },
  '7d': { hours: 7 * 24, interval: 'day' },
  '30d': { hours: 30 * 24, interval: 'day' },
  '90d': { hours: 90 * 24, interval: 'day' },
} as const;
export type Range = keyof typeof RANGES;

/**
 * Plays started and completed over the period, prize draws, wins and claims, per game. Every
 * member may read it (Viewers see only Active games in the per-game part).
 */
export function usePlayAnalytics(
  orgId: number,
  range: Range,
  filter: { gameId?: number | undefined; streamId?: number | undefined },
) {
  return useQuery({
    queryKey: ['analytics', orgId, range, filter.gameId, filter.streamId],
    queryFn: async () => {
      const { hours, interval } = RANGES[range];
      // `to` is left to the server (now); the key holds the period, not a moment.
      const from = new Date(Date.now() - hours * 3_600_000).toISOString();
      return unwrap(
        await api.GET('/api/analytics/plays', {
          params: {
            query: {
              org_id: orgId,
              from,
              interval,
              ...(filter.gameId === undefined ? {} : { game_id: filter.gameId }),
              ...(filter.streamId === undefined ? {} : { stream_id: filter.streamId }),
            },
          },
        }),
      ).data;
    },
  });
}
