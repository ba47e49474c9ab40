import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import type { paths } from '../api/schema.d.ts';

type ListSessions = paths['/api/sessions']['get'];
export type Session = ListSessions['responses'][200]['content']['application/json']['data'][number];
export type SessionStatus = Session['status'];
export type SessionFilter = Omit<
  NonNullable<ListSessions['parameters']['query']>,
  'org_id' | 'cursor' | 'limit'
>;

export const SESSIONS_PAGE_SIZE = 25;

/**
 * One page of the organization's sessions, newest first (`cursor` from the last page), with
 * the user's login: Analysts and above; the tokens themselves only for Owners and Admins.
 */
export function useSessions(orgId: number, filter: SessionFilter, cursor: number | undefined) {
  return useQuery({
    queryKey: ['sessions', orgId, filter, cursor],
    placeholderData: keepPreviousData,
    queryFn: async () =>
      unwrap(
        await api.GET('/api/sessions', {
          params: {
            query: {
              org_id: orgId,
              ...filter,
              limit: SESSIONS_PAGE_SIZE,
              ...(cursor === undefined ? {} : { cursor }),
            },
          },
        }),
      ),
  });
}
