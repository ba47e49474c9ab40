import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import type { paths } from '../api/schema.d.ts';
import { propertyHeader } from './players.queries.ts';

/** A consent record (a grant or a revocation), as `GET /api/consents` lists it. */
export type ConsentRecord =
  paths['/api/functions/record-consent']['post']['responses'][201]['content']['application/json']['data'][number];

/**
 * A recorded pre-send decision, as `GET /api/compliance_decisions` lists it (the columns of the
 * API's compliance_decisions table; the table route's answer is untyped rows).
 */
export interface DecisionRecord {
  id: string;
  player_id: string | null;
  channel: string;
  address: string | null;
  purpose: string;
  program: string | null;
  send_at: string;
  outcome: 'allow' | 'skip';
  reasons: string[];
  next_allowed_at: string | null;
  requested_by: string | null;
  decided_at: string;
}

/** The two append-only records that make the compliance log. */
export type LogKind = 'consents' | 'compliance_decisions';

export interface LogFilter {
  kind: LogKind;
  /** PlayLoop's player id (uuid), already resolved from what was typed. */
  playerUuid: string | null;
  /** YYYY-MM-DD, inclusive, UTC. */
  from: string;
  to: string;
  /** consents: grant | revoke; decisions: allow | skip; '' for all. */
  outcome: string;
  channel: string;
  limit: number;
  offset: number;
}

export interface LogPage<R> {
  rows: R[];
  total: number | null;
}

const dayAfter = (day: string) => {
  const next = new Date(`${day}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString().slice(0, 10);
};

/** The query string of a log page, in the table API's PostgREST grammar. */
export function logQuery(filter: LogFilter): string {
  const time = filter.kind === 'consents' ? 'recorded_at' : 'decided_at';
  const query = new URLSearchParams();
  if (filter.playerUuid) query.append('player_id', `eq.${filter.playerUuid}`);
  if (filter.from) query.append(time, `gte.${filter.from}`);
  if (filter.to) query.append(time, `lt.${dayAfter(filter.to)}`);
  if (filter.outcome) {
    query.append(filter.kind === 'consents' ? 'action' : 'outcome', `eq.${filter.outcome}`);
  }
  if (filter.channel) query.append('channel', `eq.${filter.channel}`);
  query.set('order', `${time}.desc`);
  query.set('limit', String(filter.limit));
  query.set('offset', String(filter.offset));
  query.set('count', 'exact');
  return query.toString();
}

/** One page of the consent records or the pre-send decisions of the property (read scope). */
export function useComplianceLog<R = ConsentRecord | DecisionRecord>(
  propertyId: string,
  filter: LogFilter,
  enabled = true,
) {
  return useQuery({
    queryKey: ['compliance-log', propertyId, filter],
    enabled,
    // The previous page stays on screen while the next loads, but not the other kind's rows.
    placeholderData: (previous: LogPage<R> | undefined, query) =>
      (query?.queryKey[2] as LogFilter | undefined)?.kind === filter.kind ? previous : undefined,
    queryFn: async (): Promise<LogPage<R>> => {
      const answer = unwrap(
        await api.GET('/api/{table}', {
          params: { path: { table: filter.kind }, header: propertyHeader(propertyId) },
          querySerializer: () => logQuery(filter),
        }),
      );
      return { rows: answer.data as unknown as R[], total: answer.totalCount };
    },
  });
}

/** Resolves a typed player id (PlayLoop's or the casino's) to the player, for the log filter. */
export function usePlayerLookup(propertyId: string, typed: string) {
  return useQuery({
    queryKey: ['players', propertyId, 'lookup', typed],
    enabled: typed !== '',
    retry: false,
    queryFn: async () =>
      unwrap(
        await api.GET('/api/players/{id}', {
          params: { path: { id: typed }, header: propertyHeader(propertyId) },
        }),
      ).data,
  });
}
