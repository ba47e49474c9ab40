import { keepPreviousData, useQuery } from '@tanstack/react-query';
import createClient from 'openapi-fetch';
import { unwrap } from '../api/client.ts';
import { readSession } from '../api/session.ts';
import type { paths } from '../api/schema.d.ts';

type ListSessions = paths['/api/org-api-keys/sessions']['get'];
export type Session = ListSessions['responses'][200]['content']['application/json']['data'][number];
export type SessionStatus = Session['status'];
export type SessionFilter = Omit<
  NonNullable<ListSessions['parameters']['query']>,
  'cursor' | 'limit'
>;

/**
 * The session list answers DailyPlay API keys only (`x-api-key: dpk_…`), not the dashboard's
 * login. It gets a client of its own, without the login middleware: a refused key is a 401
 * that must not sign the user out.
 */
const keyClient = createClient<paths>({ baseUrl: window.location.origin });

/**
 * The key the user pasted, for this tab only: kept in memory (not localStorage), so it survives
 * moving between screens and is gone on reload. It belongs to the login and the organization it
 * was given for: signing out, another user or another organization finds none.
 */
let remembered: { login: string; orgId: number; key: string } | null = null;
export const sessionKey = {
  get: (orgId: number): string => {
    const login = readSession()?.token;
    return remembered && remembered.login === login && remembered.orgId === orgId
      ? remembered.key
      : '';
  },
  set: (orgId: number, key: string): void => {
    const login = readSession()?.token;
    remembered = login && key ? { login, orgId, key } : null;
  },
};

export const SESSIONS_PAGE_SIZE = 25;

/** One page of the key's organization's sessions, newest first; `cursor` from the last page. */
export function useSessions(
  orgId: number,
  key: string,
  filter: SessionFilter,
  cursor: number | undefined,
) {
  return useQuery({
    queryKey: ['sessions', orgId, key, filter, cursor],
    enabled: key !== '',
    placeholderData: keepPreviousData,
    retry: false,
    queryFn: async () =>
      unwrap(
        await keyClient.GET('/api/org-api-keys/sessions', {
          headers: { 'x-api-key': key },
          params: {
            query: {
              ...filter,
              limit: SESSIONS_PAGE_SIZE,
              ...(cursor === undefined ? {} : { cursor }),
            },
          },
        }),
      ),
  });
}
