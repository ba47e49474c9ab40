import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import type { paths } from '../api/schema.d.ts';
import { propertyHeader } from './players.queries.ts';

type Endpoint = paths['/api/functions/compliance-settings'];
export type SendingSettings =
  Endpoint['get']['responses'][200]['content']['application/json']['data'];
export type SendingSettingsChange = Endpoint['patch']['requestBody']['content']['application/json'];

const settingsKey = (propertyId: string) => ['sending-settings', propertyId] as const;

/** The property's compliance settings (read scope: every role). */
export function useSendingSettings(propertyId: string) {
  return useQuery({
    queryKey: settingsKey(propertyId),
    queryFn: async () =>
      unwrap(
        await api.GET('/api/functions/compliance-settings', {
          params: { header: propertyHeader(propertyId) },
        }),
      ).data,
  });
}

/** Only the fields given change (write scope: Editor and above). */
export function useSaveSendingSettings(propertyId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: SendingSettingsChange) =>
      unwrap(
        await api.PATCH('/api/functions/compliance-settings', {
          params: { header: propertyHeader(propertyId) },
          body,
        }),
      ).data,
    onSuccess: (saved) => client.setQueryData(settingsKey(propertyId), saved),
  });
}
