import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import type { paths } from '../api/schema.d.ts';

export type PropertyKey =
  paths['/api/functions/list-api-keys']['get']['responses'][200]['content']['application/json']['data'][number];
export type CreatePropertyKeyBody =
  paths['/api/functions/create-api-key']['post']['requestBody']['content']['application/json'];

const keysKey = (propertyId: string) => ['property-keys', propertyId] as const;

/** The property's pk_ keys, revoked ones included (Owner and Admin; the API answers 403 to others). */
export function usePropertyKeys(propertyId: string, enabled: boolean) {
  return useQuery({
    queryKey: keysKey(propertyId),
    enabled,
    queryFn: async () =>
      unwrap(
        await api.GET('/api/functions/list-api-keys', {
          params: { query: { property_id: propertyId } },
        }),
      ).data,
  });
}

/** Answers the key itself once (`key`); the server keeps only its hash. */
export function useCreatePropertyKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: CreatePropertyKeyBody) =>
      unwrap(await api.POST('/api/functions/create-api-key', { body })).data,
    onSuccess: (key) => client.invalidateQueries({ queryKey: keysKey(key.property_id) }),
  });
}

/** Revokes a key: refused by every server within a second; it cannot be turned back on. */
export function useRevokePropertyKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) =>
      unwrap(await api.POST('/api/functions/revoke-api-key', { body: { id } })).data,
    onSuccess: (key) => client.invalidateQueries({ queryKey: keysKey(key.property_id) }),
  });
}
