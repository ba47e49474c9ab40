import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import type { paths } from '../api/schema.d.ts';
import { propertyHeader } from './players.queries.ts';

export type PrivacyRequest =
  paths['/api/functions/privacy-requests']['get']['responses'][200]['content']['application/json']['data'][number];
export type OpenRequestBody =
  paths['/api/functions/open-privacy-request']['post']['requestBody']['content']['application/json'];
export type ExportBundle =
  paths['/api/functions/export-player-data']['post']['responses'][200]['content']['application/json']['data'];

/** The players a list of requests names: PlayLoop id → the casino's id and name. */
export interface NamedPlayer {
  id: string;
  player_id: string | null;
  first_name: string | null;
  last_name: string | null;
}

const requestsKey = (propertyId: string) => ['privacy-requests', propertyId] as const;

/** Newest first, at most 100, with the deadline the API computed and `overdue`. */
export function usePrivacyRequests(propertyId: string) {
  return useQuery({
    queryKey: requestsKey(propertyId),
    queryFn: async () =>
      unwrap(
        await api.GET('/api/functions/privacy-requests', {
          params: { query: { limit: 100 }, header: propertyHeader(propertyId) },
        }),
      ).data,
  });
}

/** The names of the players the requests name (erased players are gone, named by hash only). */
export function usePlayersNamed(propertyId: string, ids: readonly string[]) {
  const sorted = [...new Set(ids)].sort();
  return useQuery({
    queryKey: ['players', propertyId, 'named', sorted],
    enabled: sorted.length > 0,
    queryFn: async () => {
      const query = new URLSearchParams({
        id: `in.(${sorted.join(',')})`,
        select: 'id,player_id,first_name,last_name',
        limit: String(sorted.length),
        count: 'none',
      });
      const rows = unwrap(
        await api.GET('/api/{table}', {
          params: { path: { table: 'players' }, header: propertyHeader(propertyId) },
          querySerializer: () => query.toString(),
        }),
      ).data as unknown as NamedPlayer[];
      return new Map(rows.map((row) => [row.id, row]));
    },
  });
}

function useRequestMutation<I, O>(propertyId: string, run: (input: I) => Promise<O>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: () => client.invalidateQueries({ queryKey: ['privacy-requests', propertyId] }),
  });
}

/** Records a request as received, with its deadline; does nothing else yet. */
export function useOpenPrivacyRequest(propertyId: string) {
  return useRequestMutation(
    propertyId,
    async (body: OpenRequestBody) =>
      unwrap(
        await api.POST('/api/functions/open-privacy-request', {
          params: { header: propertyHeader(propertyId) },
          body,
        }),
      ).data,
  );
}

/** Answers an opened export request: the bundle of everything held about the player. */
export function useExportPlayerData(propertyId: string) {
  return useRequestMutation(
    propertyId,
    async (input: { request_id: string; player_id: string }) =>
      unwrap(
        await api.POST('/api/functions/export-player-data', {
          params: { header: propertyHeader(propertyId) },
          body: input,
        }),
      ).data,
  );
}

/** Answers an opened delete request: erases the player (irreversible). */
export function useDeletePlayerData(propertyId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (input: { request_id: string; player_id: string }) =>
      unwrap(
        await api.POST('/api/functions/delete-player-data', {
          params: { header: propertyHeader(propertyId) },
          body: input,
        }),
      ).data,
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ['privacy-requests', propertyId] });
      await client.invalidateQueries({ queryKey: ['players', propertyId] });
    },
  });
}

/** Extends the deadline once, before it passes, with the reason the subject is told. */
export function useExtendPrivacyRequest(propertyId: string) {
  return useRequestMutation(
    propertyId,
    async (input: { id: string; reason: string }) =>
      unwrap(
        await api.POST('/api/functions/extend-privacy-request', {
          params: { header: propertyHeader(propertyId) },
          body: input,
        }),
      ).data,
  );
}
