import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import type { paths } from '../api/schema.d.ts';

export type Stream =
  paths['/api/streams']['get']['responses'][200]['content']['application/json']['data'][number];
export type StreamStatus = Stream['status'];
export type CreateStreamBody =
  paths['/api/streams']['post']['requestBody']['content']['application/json'];
export type UpdateStreamBody =
  paths['/api/streams/{id}']['patch']['requestBody']['content']['application/json'];

const streamsKey = (orgId: number) => ['streams', orgId] as const;

/** The organization's streams as the API shows them to the caller's role (Viewers: published). */
export function useStreams(orgId: number) {
  return useQuery({
    queryKey: streamsKey(orgId),
    queryFn: async () =>
      unwrap(await api.GET('/api/streams', { params: { query: { org_id: orgId } } })).data,
  });
}

/** Editor and above; a stream starts as a Draft unless told. */
export function useCreateStream() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: CreateStreamBody) =>
      unwrap(await api.POST('/api/streams', { body })).data,
    onSuccess: (stream) => client.invalidateQueries({ queryKey: streamsKey(stream.org_id) }),
  });
}

/** Editor and above: changes the fields sent. */
export function useUpdateStream() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, ...body }: UpdateStreamBody & { id: number }) =>
      unwrap(await api.PATCH('/api/streams/{id}', { params: { path: { id } }, body })).data,
    onSuccess: (stream) => client.invalidateQueries({ queryKey: streamsKey(stream.org_id) }),
  });
}
