import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import type { paths } from '../api/schema.d.ts';

type PrizesPath = paths['/api/games/{gameId}/prizes'];
export type PrizeSlot =
  PrizesPath['get']['responses'][200]['content']['application/json']['data'][number];
export type PrizeSlotInput =
  PrizesPath['put']['requestBody']['content']['application/json']['slots'][number];

const prizesKey = (orgId: number, gameId: number) => ['prizes', orgId, gameId] as const;

/** A game's prize slots in order, with wins so far (shared codes only for Editors and above). */
export function usePrizes(orgId: number, gameId: number) {
  return useQuery({
    queryKey: prizesKey(orgId, gameId),
    queryFn: async () =>
      unwrap(
        await api.GET('/api/games/{gameId}/prizes', {
          params: { path: { gameId }, query: { org_id: orgId } },
        }),
      ).data,
  });
}

/** Replaces the whole list (Editor and above): slots sent with their id keep their wins. */
export function useReplacePrizes(orgId: number, gameId: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (slots: PrizeSlotInput[]) =>
      unwrap(
        await api.PUT('/api/games/{gameId}/prizes', {
          params: { path: { gameId } },
          body: { org_id: orgId, slots },
        }),
      ).data,
    onSuccess: (slots) => client.setQueryData(prizesKey(orgId, gameId), slots),
  });
}
