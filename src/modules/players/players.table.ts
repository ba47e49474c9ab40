import { type RawBuilder, sql } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { QueryPlan, TableSpec } from '../../lib/postgrest-filter.ts';
import type { TableTarget } from '../../lib/table-query.ts';

export const PLAYER_STATUSES = ['active', 'inactive', 'banned', 'self_excluded'] as const;
export type PlayerStatus = (typeof PLAYER_STATUSES)[number];

/**
 * What the table endpoints may do with each players column. Everything is selectable,
 * filterable and sortable except `traits` (free-form JSON: select only); the id, the tenant
 * column, the timestamps and the play profile are set by the server, never written by clients.
 */
export const PLAYER_TABLE: TableSpec = {
  columns: {
    id: { type: 'uuid' },
    property_id: { type: 'uuid' },
    player_id: { type: 'text', write: true },
    email: { type: 'text', write: true },
    phone: { type: 'text', write: true },
    first_name: { type: 'text', write: true },
    last_name: { type: 'text', write: true },
    status: { type: 'text', write: true },
    tier: { type: 'text', write: true },
    adt: { type: 'numeric', write: true },
    coin_in: { type: 'numeric', write: true },
    timezone: { type: 'text', write: true },
    state: { type: 'text', write: true },
    country: { type: 'text', write: true },
    date_of_birth: { type: 'date', write: true },
    traits: { type: 'jsonb', filter: false, sort: false, write: true },
    created_at: { type: 'timestamptz' },
    updated_at: { type: 'timestamptz' },
    // The play profile (players.activity.ts): read and filtered like any column, never written
    // by clients (not in `write`, so POST and PATCH refuse them as server-set fields).
    last_played_at: { type: 'timestamptz' },
    plays: { type: 'integer' },
    last_score: { type: 'integer' },
    prizes_won: { type: 'integer' },
  },
  defaultLimit: 100,
  maxLimit: 1000,
  tiebreaker: 'id',
  maxOffset: 100_000,
  search: true,
};

export const PLAYER_COLUMNS = Object.keys(PLAYER_TABLE.columns) as (keyof DB['players'])[];
export const WRITABLE_PLAYER_COLUMNS = Object.entries(PLAYER_TABLE.columns)
  .filter(([, column]) => column.write === true)
  .map(([name]) => name);

const escapeLike = (text: string) => text.replace(/[\\%_]/g, '\\$&');

/**
 * `q`: case-insensitive substring search over names, email, phone, player id, tier and state
 * (what a marketer types: "gold", "nevada"), through the generated `search_text` column
 * (20261206150000_players_optional_id.sql) and its trigram index. Not status or country:
 * filter those. Wildcards in the text are escaped, so `q=50%` looks for "50%". Phones are
 * stored as E.164, so when the text looks like a phone number its digits are also looked for.
 */
export function playerSearch(q: string): RawBuilder<unknown> {
  const pattern = `%${escapeLike(q.toLowerCase())}%`;
  const digits = q.replace(/\D/g, '');
  const phoneLike = /^[\d\s()+.-]+$/.test(q) && digits.length >= 3;
  const phone = phoneLike ? sql` OR search_text LIKE ${`%${digits}%`}` : sql``;
  return sql`search_text LIKE ${pattern}${phone}`;
}

/**
 * The exact count of a plan from property_player_counts (migration 20261206140000, kept in the
 * writes' transactions): a property's players, all of them or filtered by status only
 * (`status.eq=x`, `status=eq.x`, `status.in.(x,y)`), in any order, any page. Undefined for any
 * other filter or with `q`: those rows are counted (table-query.ts).
 */
export function keptPlayerCount(
  propertyId: string,
  plan: QueryPlan,
): RawBuilder<unknown> | undefined {
  if (plan.q !== undefined || plan.filters.length > 1) return undefined;
  const counts = sql`SELECT coalesce(sum(n), 0) FROM property_player_counts WHERE property_id = CAST(${propertyId} AS uuid)`;
  const [filter] = plan.filters;
  if (!filter) return sql`(${counts})`;
  if (filter.column !== 'status' || filter.negate) return undefined;
  if (filter.op === 'eq') return sql`(${counts} AND status = ${String(filter.value)})`;
  if (filter.op === 'in') {
    return sql`(${counts} AND status = ANY(CAST(${filter.value.map(String)} AS text[])))`;
  }
  return undefined;
}

/** The players of one property, as the generic table query sees them. */
export function playersOf(propertyId: string): TableTarget<DB> {
  return {
    table: 'players',
    spec: PLAYER_TABLE,
    tenantColumn: 'property_id',
    tenantValue: propertyId,
    search: playerSearch,
    touchColumn: 'updated_at',
    keptCount: (plan) => keptPlayerCount(propertyId, plan),
  };
}
