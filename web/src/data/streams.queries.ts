import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';

/** The organization's streams as the API shows them to the caller's role (Viewers: published). */
export function useStreams(orgId: number) {
  return useQuery({
    queryKey: ['streams', orgId],
    queryFn: async () =>
      unwrap(await api.GET('/api/streams', { params: { query: { org_id: orgId } } })).data,
  });
}
