import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import type { paths } from '../api/schema.d.ts';

export type Player =
  paths['/api/players/{id}']['get']['responses'][200]['content']['application/json']['data'];
export type Activity =
  paths['/api/players/{id}/activity']['get']['responses'][200]['content']['application/json']['data'][number];
export type Message =
  paths['/api/messages']['get']['responses'][200]['content']['application/json']['data'][number];

/** A page of players as the table and segment endpoints answer it. */
export interface PlayerPage {
  players: Player[];
  /** All matching players (every page); null when the API did not count. */
  total: number | null;
  /** `planned` when the total is the database's estimate (over 10,000 matches). */
  countType: 'exact' | 'planned' | null;
}

export interface PageRequest {
  /** A players filter in the API's query-string grammar (`tier=eq.Gold&plays=gte.3`), or ''. */
  filter: string;
  order: string;
  limit: number;
  offset: number;
}

/** The header that picks the property for a user's bearer token (PlayerOS routes). */
export const propertyHeader = (propertyId: string) => ({ 'x-property-id': propertyId });

/**
 * The query string of a page: the filter's own parameters (repeated columns stay repeated,
 * which the typed query object could not hold) plus the paging ones.
 */
export function pageQuery(page: PageRequest): string {
  const query = new URLSearchParams(page.filter);
  query.set('order', page.order);
  query.set('limit', String(page.limit));
  query.set('offset', String(page.offset));
  return query.toString();
}

// Rows of GET /api/players carry every column unless `select` narrows them (none here).
export const toPage = (answer: {
  data: Record<string, unknown>[];
  totalCount: number | null;
  countType: 'exact' | 'planned' | null;
}): PlayerPage => ({
  players: answer.data as Player[],
  total: answer.totalCount,
  countType: answer.countType,
});

/** GET /api/players with a filter, order and page of the property (read scope: every role). */
export function usePlayers(propertyId: string, page: PageRequest) {
  return useQuery({
    queryKey: ['players', propertyId, 'list', page],
    placeholderData: keepPreviousData,
    queryFn: async () =>
      toPage(
        unwrap(
          await api.GET('/api/{table}', {
            params: { path: { table: 'players' }, header: propertyHeader(propertyId) },
            querySerializer: () => pageQuery(page),
          }),
        ),
      ),
  });
}

export function usePlayer(propertyId: string, id: string) {
  return useQuery({
    queryKey: ['players', propertyId, 'one', id],
    queryFn: async () =>
      unwrap(
        await api.GET('/api/players/{id}', {
          params: { path: { id }, header: propertyHeader(propertyId) },
        }),
      ).data,
  });
}

/** The newest 50 timeline rows (plays, prizes, casino events). */
export function usePlayerActivity(propertyId: string, id: string) {
  return useQuery({
    queryKey: ['players', propertyId, 'activity', id],
    queryFn: async () =>
      unwrap(
        await api.GET('/api/players/{id}/activity', {
          params: { path: { id }, query: { limit: 50 }, header: propertyHeader(propertyId) },
        }),
      ).data,
  });
}

/** The player's consent records, newest first (GET /api/consents, append-only). */
export function usePlayerConsents(propertyId: string, playerUuid: string | undefined) {
  return useQuery({
    queryKey: ['consents', propertyId, playerUuid],
    enabled: playerUuid !== undefined,
    queryFn: async () => {
      const query = new URLSearchParams({
        player_id: `eq.${playerUuid ?? ''}`,
        order: 'recorded_at.desc',
        limit: '50',
      });
      return unwrap(
        await api.GET('/api/{table}', {
          params: { path: { table: 'consents' }, header: propertyHeader(propertyId) },
          querySerializer: () => query.toString(),
        }),
      ).data;
    },
  });
}

/** The newest 50 campaign and journey messages sent (or skipped) to the player. */
export function usePlayerMessages(propertyId: string, playerUuid: string | undefined) {
  return useQuery({
    queryKey: ['messages', propertyId, playerUuid],
    enabled: playerUuid !== undefined,
    queryFn: async () =>
      unwrap(
        await api.GET('/api/messages', {
          params: {
            query: { player_id: playerUuid ?? '', limit: 50 },
            header: propertyHeader(propertyId),
          },
        }),
      ).data,
  });
}
