import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import type { paths } from '../api/schema.d.ts';
import { propertyHeader } from './players.queries.ts';

export type Endpoint =
  paths['/api/webhooks']['get']['responses'][200]['content']['application/json']['data'][number];
export type CreateEndpointBody =
  paths['/api/webhooks']['post']['requestBody']['content']['application/json'];
export type Delivery =
  paths['/api/webhooks/{id}/messages']['get']['responses'][200]['content']['application/json']['data'][number];

const hooksKey = (propertyId: string) => ['webhooks', propertyId] as const;

/** The property's endpoints, oldest first (read scope: every role). */
export function useWebhooks(propertyId: string) {
  return useQuery({
    queryKey: [...hooksKey(propertyId), 'list'],
    queryFn: async () =>
      unwrap(await api.GET('/api/webhooks', { params: { header: propertyHeader(propertyId) } }))
        .data,
  });
}

/**
 * An endpoint's newest 50 deliveries. Asked again every few seconds while the panel is open:
 * deliveries are made by the worker in the background, so the log changes on its own.
 */
export function useDeliveries(propertyId: string, endpointId: string) {
  return useQuery({
    queryKey: [...hooksKey(propertyId), 'messages', endpointId],
    refetchInterval: 3000,
    queryFn: async () =>
      unwrap(
        await api.GET('/api/webhooks/{id}/messages', {
          params: {
            path: { id: endpointId },
            query: { limit: 50 },
            header: propertyHeader(propertyId),
          },
        }),
      ).data,
  });
}

/** Answers the signing secret this once (`secret`). */
export function useCreateWebhook(propertyId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: CreateEndpointBody) =>
      unwrap(
        await api.POST('/api/webhooks', { params: { header: propertyHeader(propertyId) }, body }),
      ).data,
    onSuccess: () => client.invalidateQueries({ queryKey: hooksKey(propertyId) }),
  });
}

export function useSetWebhookEnabled(propertyId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, enabled }: { id: string; enabled: boolean }) => {
      const params = { path: { id }, header: propertyHeader(propertyId) };
      return unwrap(
        enabled
          ? await api.POST('/api/webhooks/{id}/enable', { params })
          : await api.POST('/api/webhooks/{id}/disable', { params }),
      ).data;
    },
    onSuccess: () => client.invalidateQueries({ queryKey: hooksKey(propertyId) }),
  });
}

export function useDeleteWebhook(propertyId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) =>
      unwrap(
        await api.DELETE('/api/webhooks/{id}', {
          params: { path: { id }, header: propertyHeader(propertyId) },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: hooksKey(propertyId) }),
  });
}

/** Queues a `webhook.test` message to the endpoint (its outcome lands in the log). */
export function useTestWebhook(propertyId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) =>
      unwrap(
        await api.POST('/api/webhooks/{id}/test', {
          params: { path: { id }, header: propertyHeader(propertyId) },
        }),
      ).data,
    onSuccess: () => client.invalidateQueries({ queryKey: hooksKey(propertyId) }),
  });
}

/** Sends a delivered or failed message again, with the same webhook-id. */
export function useReplayDelivery(propertyId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ endpointId, messageId }: { endpointId: string; messageId: string }) =>
      unwrap(
        await api.POST('/api/webhooks/{id}/messages/{messageId}/replay', {
          params: { path: { id: endpointId, messageId }, header: propertyHeader(propertyId) },
        }),
      ).data,
    onSuccess: () => client.invalidateQueries({ queryKey: hooksKey(propertyId) }),
  });
}
