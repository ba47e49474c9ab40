import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';

/** The organization's games as the API shows them to the caller's role (Viewers: Active only). */
export function useGames(orgId: number) {
  return useQuery({
    queryKey: ['games', orgId],
    queryFn: async () =>
      unwrap(await api.GET('/api/games', { params: { query: { org_id: orgId } } })).data,
  });
}
