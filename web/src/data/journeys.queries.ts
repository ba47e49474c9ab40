import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import type { paths } from '../api/schema.d.ts';
import { propertyHeader } from './players.queries.ts';

export type Journey =
  paths['/api/journeys/{id}']['get']['responses'][200]['content']['application/json']['data'];
export type JourneyGraph = Journey['graph'];
export type JourneyNode = JourneyGraph['nodes'][string];
export type JourneyStats =
  paths['/api/journeys/{id}/stats']['get']['responses'][200]['content']['application/json']['data'];
export type JourneyAction = 'publish' | 'pause' | 'resume' | 'archive';

const journeysKey = (propertyId: string) => ['journeys', propertyId] as const;

/** The property's journeys, newest first (the first 100). */
export function useJourneys(propertyId: string) {
  return useQuery({
    queryKey: [...journeysKey(propertyId), 'list'],
    queryFn: async () =>
      unwrap(
        await api.GET('/api/journeys', {
          params: { query: { limit: 100 }, header: propertyHeader(propertyId) },
        }),
      ).data,
  });
}

export function useJourney(propertyId: string, id: string) {
  return useQuery({
    queryKey: [...journeysKey(propertyId), 'one', id],
    queryFn: async () =>
      unwrap(
        await api.GET('/api/journeys/{id}', {
          params: { path: { id }, header: propertyHeader(propertyId) },
        }),
      ).data,
  });
}

/** Players by state and per node (over every version); `enabled` false skips the call. */
export function useJourneyStats(propertyId: string, id: string, enabled = true) {
  return useQuery({
    queryKey: [...journeysKey(propertyId), 'stats', id],
    enabled,
    // Counts move while players walk the journey: refreshed while the editor is open.
    refetchInterval: 15_000,
    queryFn: async () =>
      unwrap(
        await api.GET('/api/journeys/{id}/stats', {
          params: { path: { id }, header: propertyHeader(propertyId) },
        }),
      ).data,
  });
}

/** Each listed journey's counts (one stats call per journey, cached with its editor's). */
export function useJourneysStats(propertyId: string, ids: string[]) {
  return useQueries({
    queries: ids.map((id) => ({
      queryKey: [...journeysKey(propertyId), 'stats', id],
      queryFn: async () =>
        unwrap(
          await api.GET('/api/journeys/{id}/stats', {
            params: { path: { id }, header: propertyHeader(propertyId) },
          }),
        ).data,
    })),
  });
}

/** Write scope: a new draft (the API checks the graph as a whole). */
export function useCreateJourney(propertyId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: { name: string; description?: string | null; graph: unknown }) =>
      unwrap(
        await api.POST('/api/journeys', { params: { header: propertyHeader(propertyId) }, body }),
      ).data,
    onSuccess: () => client.invalidateQueries({ queryKey: journeysKey(propertyId) }),
  });
}

/** Saves the draft: name, description and graph (400 validation_failed names the node). */
export function useSaveJourney(propertyId: string, id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: { name?: string; description?: string | null; graph?: unknown }) =>
      unwrap(
        await api.PATCH('/api/journeys/{id}', {
          params: { path: { id }, header: propertyHeader(propertyId) },
          body,
        }),
      ).data,
    onSuccess: (journey) => {
      client.setQueryData([...journeysKey(propertyId), 'one', id], journey);
      return client.invalidateQueries({ queryKey: [...journeysKey(propertyId), 'list'] });
    },
  });
}

/** A draft or archived journey only (409 otherwise), with its runs and history. */
export function useDeleteJourney(propertyId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) =>
      unwrap(
        await api.DELETE('/api/journeys/{id}', {
          params: { path: { id }, header: propertyHeader(propertyId) },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: [...journeysKey(propertyId), 'list'] }),
  });
}

const ACTION_PATHS = {
  publish: '/api/journeys/{id}/publish',
  pause: '/api/journeys/{id}/pause',
  resume: '/api/journeys/{id}/resume',
  archive: '/api/journeys/{id}/archive',
} as const;

/** Publish, pause, resume or archive (409 when the journey's status does not allow it). */
export function useJourneyAction(propertyId: string, id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (action: JourneyAction) =>
      unwrap(
        await api.POST(ACTION_PATHS[action], {
          params: { path: { id }, header: propertyHeader(propertyId) },
        }),
      ).data,
    onSuccess: (journey) => {
      client.setQueryData([...journeysKey(propertyId), 'one', id], journey);
      return client.invalidateQueries({ queryKey: journeysKey(propertyId) });
    },
  });
}
