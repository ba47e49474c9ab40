import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import type { paths } from '../api/schema.d.ts';

export type ApiKey =
  paths['/api/org-api-keys']['get']['responses'][200]['content']['application/json']['data'][number];
export type CreateApiKeyBody =
  paths['/api/org-api-keys']['post']['requestBody']['content']['application/json'];
export type UsageEntry =
  paths['/api/org-api-keys/usage']['get']['responses'][200]['content']['application/json']['data'][number];

const keysKey = (orgId: number) => ['api-keys', orgId] as const;

/** The organization's dpk_ keys (Owner and Admin; the API answers 403 to the others). */
export function useApiKeys(orgId: number, enabled: boolean) {
  return useQuery({
    queryKey: keysKey(orgId),
    enabled,
    queryFn: async () =>
      unwrap(await api.GET('/api/org-api-keys', { params: { query: { org_id: orgId } } })).data,
  });
}

/** The newest 100 uses of the organization's keys (refusals at the gate come grouped per minute). */
export function useApiKeyUsage(orgId: number, enabled: boolean) {
  return useQuery({
    queryKey: [...keysKey(orgId), 'usage'],
    enabled,
    queryFn: async () =>
      unwrap(
        await api.GET('/api/org-api-keys/usage', {
          params: { query: { org_id: orgId, limit: 100 } },
        }),
      ).data,
  });
}

/** Answers the key itself once (`key`); the server keeps only its hash. */
export function useCreateApiKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: CreateApiKeyBody) =>
      unwrap(await api.POST('/api/org-api-keys', { body })).data,
    onSuccess: (key) => client.invalidateQueries({ queryKey: keysKey(key.org_id) }),
  });
}

/** Revokes (`is_active: false`) or reactivates a key. */
export function useSetApiKeyActive() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: { id: number; org_id: number; is_active: boolean }) =>
      unwrap(await api.PATCH('/api/org-api-keys', { body })).data,
    onSuccess: (key) => client.invalidateQueries({ queryKey: keysKey(key.org_id) }),
  });
}
