import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import type { paths } from '../api/schema.d.ts';

export type Property =
  paths['/api/properties']['get']['responses'][200]['content']['application/json']['data'][number];

const propertiesKey = (orgId: number) => ['properties', orgId] as const;

/** The organization's properties with the caller's role and each one's player count. */
export function useProperties(orgId: number | undefined) {
  return useQuery({
    queryKey: propertiesKey(orgId ?? 0),
    enabled: orgId !== undefined,
    queryFn: async () =>
      unwrap(
        await api.GET('/api/properties', {
          params: { query: orgId === undefined ? {} : { org_id: orgId } },
        }),
      ).data,
  });
}

/** Owner and Admin only (the API answers 403 to the others). */
export function useCreateProperty() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: { org_id: number; name: string; timezone: string }) =>
      unwrap(await api.POST('/api/properties', { body })).data,
    onSuccess: (property) => client.invalidateQueries({ queryKey: propertiesKey(property.org_id) }),
  });
}
