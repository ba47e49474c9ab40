import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import type { paths } from '../api/schema.d.ts';

export type Connection =
  paths['/api/connections']['get']['responses'][200]['content']['application/json']['data'][number];
export type ConnectionProvider = Connection['provider'];
export type CreateConnectionBody =
  paths['/api/connections']['post']['requestBody']['content']['application/json'];

const connectionsKey = (orgId: number) => ['connections', orgId] as const;

/** Every connection of the organization (any member; credentials show only as `*_set`). */
export function useConnections(orgId: number) {
  return useQuery({
    queryKey: connectionsKey(orgId),
    queryFn: async () =>
      unwrap(await api.GET('/api/connections', { params: { query: { org_id: orgId } } })).data,
  });
}

/** Admin and above; answers the signing secret once (Webhook, Custom, Zapier). */
export function useCreateConnection() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: CreateConnectionBody) =>
      unwrap(await api.POST('/api/connections', { body })).data,
    onSuccess: (connection) =>
      client.invalidateQueries({ queryKey: connectionsKey(connection.org_id) }),
  });
}

/** Admin and above: stops (or restarts) deliveries; stream links stay. */
export function useSetConnectionEnabled(orgId: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, enabled }: { id: number; enabled: boolean }) => {
      const init = { params: { path: { id } }, body: { org_id: orgId } };
      return unwrap(
        enabled
          ? await api.POST('/api/connections/{id}/enable', init)
          : await api.POST('/api/connections/{id}/disable', init),
      ).data;
    },
    onSettled: () => client.invalidateQueries({ queryKey: connectionsKey(orgId) }),
  });
}

/** Admin and above: the connection with its stream links and delivery log. */
export function useDeleteConnection(orgId: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (id: number) =>
      unwrap(
        await api.DELETE('/api/connections/{id}', {
          params: { path: { id }, query: { org_id: orgId } },
        }),
      ),
    onSettled: () => client.invalidateQueries({ queryKey: connectionsKey(orgId) }),
  });
}
