import type { Kysely, RawBuilder, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { MAX_FILTERS, parseQuery, type RawQuery } from '../../lib/postgrest-filter.ts';
import type { TableResult } from '../../lib/table-query.ts';
import { listPlayers, PLAYER_TABLE, playersWhere } from '../players/index.ts';
import * as repo from './segments.repo.ts';
import type { SegmentRow } from './segments.repo.ts';

/**
 * Saved segments: a named filter over the property's players in the grammar of
 * `GET /api/players`, parsed by the same parser against the same column whitelist when saved
 * and again whenever it runs, so a segment selects exactly the players `/api/players` would.
 */

/** Segments a property may hold: a marketer's saved audiences, not one per campaign. */
export const MAX_SEGMENTS_PER_PROPERTY = 200;
export const MAX_FILTER_LENGTH = 4000;
export const MAX_PAGE = 100;
/**
 * Filters one segment may hold: one fewer than a request may, because streaming an audience
 * adds one (`id.gt=<last id>`, segments.audience.ts).
 */
export const MAX_SEGMENT_FILTERS = MAX_FILTERS - 1;
/** Query parameters that shape a page rather than select players: never part of a segment. */
const NOT_FILTERS = new Set(['select', 'order', 'limit', 'offset', 'count']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const invalid = (message: string) =>
  new AppError('validation_failed', message, { field: 'filter' });

/** A query string as the players endpoint receives it: a repeated parameter becomes a list. */
function queryOf(text: string): Record<string, string | string[]> {
  const query = new Map<string, string[]>();
  for (const [key, value] of new URLSearchParams(text)) {
    query.set(key, [...(query.get(key) ?? []), value]);
  }
  return Object.fromEntries(
    [...query].map(([key, values]) => [key, values.length === 1 ? (values[0] ?? '') : values]),
  );
}

/**
 * Checks a segment's filter and returns it as stored (trimmed, without a leading `?`) with its
 * query object. Refusals are 400 validation_failed naming the parameter, column or operator.
 */
export function segmentFilter(raw: string): { text: string; query: RawQuery } {
  const text = raw.trim().replace(/^\?/, '');
  if (text.length > MAX_FILTER_LENGTH) {
    throw invalid(`filter is longer than ${MAX_FILTER_LENGTH} characters`);
  }
  const query = queryOf(text);
  for (const key of Object.keys(query)) {
    if (NOT_FILTERS.has(key)) {
      throw invalid(
        `filter: ${key} is not a filter; a segment holds filters only (page, order and select GET /api/segments/{id}/players)`,
      );
    }
  }
  let filters: number;
  try {
    filters = parseQuery(PLAYER_TABLE, query).filters.length;
  } catch (error) {
    if (error instanceof AppError) throw invalid(`filter: ${error.message}`);
    throw error;
  }
  if (filters > MAX_SEGMENT_FILTERS) {
    throw invalid(`filter: at most ${MAX_SEGMENT_FILTERS} filters in a segment; got ${filters}`);
  }
  return { text, query };
}

function segmentName(raw: string): string {
  const name = raw.trim();
  if (name.length < 1 || name.length > 200) {
    throw new AppError('validation_failed', 'name must be text of 1 to 200 characters', {
      field: 'name',
    });
  }
  return name;
}

function nameTaken(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code === '23505'
    ? new AppError('conflict', 'A segment with this name already exists in this property', {
        field: 'name',
      })
    : error;
}

export async function listSegments(
  deps: Deps,
  propertyId: string,
  query: { after?: string | undefined; limit?: number | undefined },
): Promise<{ data: SegmentRow[]; next_after: string | null }> {
  const limit = Math.min(query.limit ?? 50, MAX_PAGE);
  const rows = await repo.listSegments(deps.database.db, propertyId, {
    after: query.after,
    limit: limit + 1,
  });
  const data = rows.slice(0, limit);
  return { data, next_after: rows.length > limit ? (data.at(-1)?.name ?? null) : null };
}

export interface SegmentInput {
  name: string;
  filter: string;
  description?: string | null | undefined;
}

/**
 * Saves a segment once its filter parses. A property holds at most MAX_SEGMENTS_PER_PROPERTY
 * (403 quota_exceeded), however many requests run at once; a name taken is 409.
 */
export async function createSegment(
  deps: Deps,
  propertyId: string,
  input: SegmentInput,
): Promise<SegmentRow> {
  const values = {
    name: segmentName(input.name),
    filter: segmentFilter(input.filter).text,
    description: input.description ?? null,
  };
  let row: SegmentRow | undefined;
  try {
    row = await deps.database.db
      .transaction()
      .execute((trx) =>
        repo.insertSegment(trx, propertyId, values, MAX_SEGMENTS_PER_PROPERTY, deps.clock.now()),
      );
  } catch (error) {
    throw nameTaken(error);
  }
  if (!row) {
    throw new AppError(
      'quota_exceeded',
      `A property may have at most ${MAX_SEGMENTS_PER_PROPERTY} segments; delete one first`,
      { limit: MAX_SEGMENTS_PER_PROPERTY },
    );
  }
  return row;
}

/** The property's segment; another property's, or an id that is no segment, is 404. */
export async function getSegment(deps: Deps, propertyId: string, id: string): Promise<SegmentRow> {
  const row = UUID.test(id)
    ? await repo.findSegment(deps.database.db, propertyId, id.toLowerCase())
    : undefined;
  if (!row) throw notFound('Segment');
  return row;
}

export async function updateSegment(
  deps: Deps,
  propertyId: string,
  id: string,
  input: Partial<SegmentInput>,
): Promise<SegmentRow> {
  const values: Partial<repo.SegmentValues> = {};
  if (input.name !== undefined) values.name = segmentName(input.name);
  if (input.filter !== undefined) values.filter = segmentFilter(input.filter).text;
  if (input.description !== undefined) values.description = input.description;
  if (Object.keys(values).length === 0) {
    throw new AppError('validation_failed', 'Send name, filter or description');
  }
  let row: SegmentRow | undefined;
  try {
    row = UUID.test(id)
      ? await repo.updateSegment(deps.database.db, propertyId, id, values, deps.clock.now())
      : undefined;
  } catch (error) {
    throw nameTaken(error);
  }
  if (!row) throw notFound('Segment');
  return row;
}

/** Deletes the segment; one a live journey is triggered by is 409 naming the journey. */
export async function deleteSegment(deps: Deps, propertyId: string, id: string): Promise<void> {
  if (!UUID.test(id)) throw notFound('Segment');
  const result = await deps.database.db
    .transaction()
    .execute((trx) => repo.deleteSegment(trx, propertyId, id.toLowerCase()));
  if (result.journey !== null) {
    throw new AppError(
      'conflict',
      `The journey "${result.journey}" enters players who join this segment; archive it or publish it with another trigger first`,
      { journey: result.journey },
    );
  }
  if (!result.deleted) throw notFound('Segment');
}

/** The stored filter of the property's segment as a players query (404 when none). */
export async function segmentQuery(deps: Deps, propertyId: string, id: string): Promise<RawQuery> {
  return segmentFilter((await getSegment(deps, propertyId, id)).filter).query;
}

/**
 * The condition over `players` that selects the segment's members now, read through `db` (a
 * caller's transaction sees its own writes); undefined when the property has no such segment.
 * With `lock`, the segment cannot be deleted until the caller's transaction ends.
 */
export async function segmentCondition(
  db: Kysely<DB> | Transaction<DB>,
  propertyId: string,
  id: string,
  lock = false,
): Promise<RawBuilder<unknown> | undefined> {
  const row = UUID.test(id)
    ? await repo.findSegment(db, propertyId, id.toLowerCase(), lock)
    : undefined;
  return row && playersWhere(propertyId, segmentFilter(row.filter).query);
}

/** Paging of a segment's players: what the request may add to the stored filter. */
export interface SegmentPageQuery {
  select?: string | undefined;
  order?: string | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
  count?: string | undefined;
}

/**
 * `GET /api/segments/{id}/players`: `GET /api/players` with the segment's filter and the
 * request's paging; the request cannot add filters, so it can only page within the segment.
 */
export async function listSegmentPlayers(
  deps: Deps,
  propertyId: string,
  id: string,
  input: { query: SegmentPageQuery; prefer?: string | undefined },
): Promise<TableResult> {
  const filter = await segmentQuery(deps, propertyId, id);
  const { select, order, limit, offset, count } = input.query;
  return listPlayers(deps, propertyId, {
    query: { ...filter, select, order, limit, offset, count },
    prefer: input.prefer,
  });
}
