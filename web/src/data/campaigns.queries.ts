import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import type { paths } from '../api/schema.d.ts';
import { propertyHeader } from './players.queries.ts';

export type Campaign =
  paths['/api/campaigns/{id}']['get']['responses'][200]['content']['application/json']['data'];
export type CampaignStatus = Campaign['status'];
export type CampaignInput =
  paths['/api/campaigns']['post']['requestBody']['content']['application/json'];
export type Audience = CampaignInput['audience'];
export type CampaignPreview =
  paths['/api/functions/preview-campaign']['post']['responses'][200]['content']['application/json']['data'];
export type TestSendResult =
  paths['/api/functions/test-campaign']['post']['responses'][200]['content']['application/json']['data'];
export type CampaignMessage =
  paths['/api/messages']['get']['responses'][200]['content']['application/json']['data'][number];

const campaignsKey = (propertyId: string) => ['campaigns', propertyId] as const;

/** While a campaign is on its way the page follows it (counts change every second). */
export const isLive = (status: CampaignStatus | undefined) =>
  status === 'sending' || status === 'scheduled';

/** The property's newest 100 campaigns, followed while any of them sends. */
export function useCampaigns(propertyId: string) {
  return useQuery({
    queryKey: [...campaignsKey(propertyId), 'list'],
    refetchInterval: (query) =>
      query.state.data?.some((c) => c.status === 'sending') ? 3000 : false,
    queryFn: async () =>
      unwrap(
        await api.GET('/api/campaigns', {
          params: { query: { limit: 100 }, header: propertyHeader(propertyId) },
        }),
      ).data,
  });
}

/** One campaign with its live counts: polled every 1.5 s while it is scheduled or sending. */
export function useCampaign(propertyId: string, id: string) {
  return useQuery({
    queryKey: [...campaignsKey(propertyId), 'one', id],
    refetchInterval: (query) => (isLive(query.state.data?.status) ? 1500 : false),
    queryFn: async () =>
      unwrap(
        await api.GET('/api/campaigns/{id}', {
          params: { path: { id }, header: propertyHeader(propertyId) },
        }),
      ).data,
  });
}

/** Write scope: creates a draft, or changes draft `id` (the channel stays). */
export function useSaveCampaign(propertyId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, ...body }: CampaignInput & { id?: string | undefined }) => {
      if (id === undefined) {
        return unwrap(
          await api.POST('/api/campaigns', {
            params: { header: propertyHeader(propertyId) },
            body,
          }),
        ).data;
      }
      const { channel: _channel, ...changes } = body;
      return unwrap(
        await api.PATCH('/api/campaigns/{id}', {
          params: { path: { id }, header: propertyHeader(propertyId) },
          body: changes,
        }),
      ).data;
    },
    onSuccess: () => client.invalidateQueries({ queryKey: campaignsKey(propertyId) }),
  });
}

export function useDeleteCampaign(propertyId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) =>
      unwrap(
        await api.DELETE('/api/campaigns/{id}', {
          params: { path: { id }, header: propertyHeader(propertyId) },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: campaignsKey(propertyId) }),
  });
}

/**
 * The message for `playerId` and the audience preview (its size and what the pre-send check
 * would skip, by reason). Read scope; `version` asks again after the draft changed.
 */
export function useCampaignPreview(
  propertyId: string,
  id: string,
  playerId: string | null,
  version: string,
) {
  return useQuery({
    queryKey: [...campaignsKey(propertyId), 'preview', id, playerId, version],
    retry: false,
    queryFn: async () =>
      unwrap(
        await api.POST('/api/functions/preview-campaign', {
          params: { header: propertyHeader(propertyId) },
          body: { campaign_id: id, ...(playerId && { player_id: playerId }) },
        }),
      ).data,
  });
}

export function useTestSend(propertyId: string) {
  return useMutation({
    mutationFn: async (body: { campaign_id: string; to: string[]; player_id?: string }) =>
      unwrap(
        await api.POST('/api/functions/test-campaign', {
          params: { header: propertyHeader(propertyId) },
          body,
        }),
      ).data,
  });
}

/** Send now (with an Idempotency-Key, so a double click or a retry sends once), schedule, cancel. */
export function useCampaignAction(propertyId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (
      action:
        | { kind: 'send'; id: string; key: string }
        | { kind: 'schedule'; id: string; sendAt: string }
        | { kind: 'cancel'; id: string },
    ) => {
      const header = propertyHeader(propertyId);
      switch (action.kind) {
        case 'send':
          return unwrap(
            await api.POST('/api/functions/send-campaign', {
              params: { header: { ...header, 'idempotency-key': action.key } },
              body: { campaignId: action.id, propertyId },
            }),
          ).data;
        case 'schedule':
          return unwrap(
            await api.POST('/api/functions/schedule-campaign', {
              params: { header },
              body: { campaign_id: action.id, send_at: action.sendAt },
            }),
          ).data;
        case 'cancel':
          return unwrap(
            await api.POST('/api/functions/cancel-campaign', {
              params: { header },
              body: { campaign_id: action.id },
            }),
          ).data;
      }
    },
    onSuccess: () => client.invalidateQueries({ queryKey: campaignsKey(propertyId) }),
  });
}

/**
 * The campaign's skipped messages (the newest 100) with the pre-send check's reasons; asked
 * again while the campaign sends (`skipped` is the live count, so a change refetches).
 */
export function useSkippedMessages(propertyId: string, id: string, skipped: number) {
  return useQuery({
    queryKey: [...campaignsKey(propertyId), 'skipped', id, skipped],
    enabled: skipped > 0,
    queryFn: async () =>
      unwrap(
        await api.GET('/api/messages', {
          params: {
            query: { campaign_id: id, status: 'skipped', limit: 100 },
            header: propertyHeader(propertyId),
          },
        }),
      ).data,
  });
}
