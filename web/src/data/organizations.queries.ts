import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import { meKey } from './auth.queries.ts';

/** Any signed-in user may create an organization; they become its Owner. */
export function useCreateOrganization() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (name: string) =>
      unwrap(await api.POST('/api/organizations', { body: { name } })).data,
    onSuccess: () => client.invalidateQueries({ queryKey: meKey }),
  });
}
