import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import type { paths } from '../api/schema.d.ts';
import { type PageRequest, pageQuery, propertyHeader, toPage } from './players.queries.ts';

export type Segment =
  paths['/api/segments']['get']['responses'][200]['content']['application/json']['data'][number];

const segmentsKey = (propertyId: string) => ['segments', propertyId] as const;

/** The property's segments by name (the first 100; a property holds at most 200). */
export function useSegments(propertyId: string) {
  return useQuery({
    queryKey: [...segmentsKey(propertyId), 'list'],
    queryFn: async () =>
      unwrap(
        await api.GET('/api/segments', {
          params: { query: { limit: 100 }, header: propertyHeader(propertyId) },
        }),
      ).data,
  });
}

export function useSegment(propertyId: string, id: string) {
  return useQuery({
    queryKey: [...segmentsKey(propertyId), 'one', id],
    queryFn: async () =>
      unwrap(
        await api.GET('/api/segments/{id}', {
          params: { path: { id }, header: propertyHeader(propertyId) },
        }),
      ).data,
  });
}

/** A page of the segment's players, exactly as GET /api/players with its filter. */
export function useSegmentPlayers(
  propertyId: string,
  id: string,
  page: Omit<PageRequest, 'filter'>,
) {
  return useQuery({
    queryKey: [...segmentsKey(propertyId), 'players', id, page],
    placeholderData: keepPreviousData,
    queryFn: async () =>
      toPage(
        unwrap(
          await api.GET('/api/segments/{id}/players', {
            params: { path: { id }, header: propertyHeader(propertyId) },
            querySerializer: () => pageQuery({ ...page, filter: '' }),
          }),
        ),
      ),
  });
}

export interface SegmentInput {
  name: string;
  filter: string;
}

/** Write scope: Owner, Admin and Editor (the API answers 403 to the others). */
export function useSaveSegment(propertyId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, ...body }: SegmentInput & { id?: string | undefined }) =>
      id === undefined
        ? unwrap(
            await api.POST('/api/segments', {
              params: { header: propertyHeader(propertyId) },
              body,
            }),
          ).data
        : unwrap(
            await api.PATCH('/api/segments/{id}', {
              params: { path: { id }, header: propertyHeader(propertyId) },
              body,
            }),
          ).data,
    onSuccess: () => client.invalidateQueries({ queryKey: segmentsKey(propertyId) }),
  });
}

/** 409 while a live journey enters players from the segment (the error names the journey). */
export function useDeleteSegment(propertyId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) =>
      unwrap(
        await api.DELETE('/api/segments/{id}', {
          params: { path: { id }, header: propertyHeader(propertyId) },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: segmentsKey(propertyId) }),
  });
}
