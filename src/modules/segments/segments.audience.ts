import type { Channel, Purpose } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import type { RawQuery } from '../../lib/postgrest-filter.ts';
import { countAttempt } from '../../lib/throttle.ts';
import { checkRecipients, type Decision, MAX_RECIPIENTS } from '../compliance/index.ts';
import { listPlayers, PLAYER_TABLE } from '../players/index.ts';
import * as repo from './segments.repo.ts';
import { segmentQuery } from './segments.service.ts';

/**
 * A campaign's audience: a saved segment, a list of players, or every player of the property.
 * It is streamed as batches of player ids keyset-paged by id, so an audience of a million
 * players is read a thousand at a time with flat memory, never as one array.
 */
export type Audience =
  | { readonly type: 'segment'; readonly segment_id: string }
  | { readonly type: 'players'; readonly player_ids: readonly string[] }
  | { readonly type: 'all' };

/** Recipients skipped for each reason (one skipped for two reasons counts under both). */
export type SkipReasonCounts = Partial<Record<Decision['reasons'][number], number>>;

/** Players an explicit list may name. */
export const MAX_AUDIENCE_PLAYERS = 10_000;
/** Ids per batch: one pre-send check call, one page of the players table. */
export const AUDIENCE_BATCH = Math.min(1000, PLAYER_TABLE.maxLimit, MAX_RECIPIENTS);
/** Recipients one preview evaluates; beyond, the counts are of the first ones (`sampled`). */
export const MAX_PREVIEW_RECIPIENTS = 100_000;
/** Previews a property may run a minute: each may evaluate 100,000 recipients. */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A list's entries: a uuid-shaped one may be PlayLoop's id or the casino's, so it is both. */
function playerRefs(ids: readonly string[]) {
  if (ids.length === 0 || ids.length > MAX_AUDIENCE_PLAYERS) {
    throw new AppError(
      'validation_failed',
      `player_ids must hold 1 to ${MAX_AUDIENCE_PLAYERS} players`,
      { field: 'audience.player_ids' },
    );
  }
  const given = [...new Set(ids.map((id) => id.trim()).filter((id) => id !== ''))];
  return {
    uuids: given.filter((id) => UUID.test(id)).map((id) => id.toLowerCase()),
    casinoIds: given,
  };
}

/** `query` plus `id > after`, ordered by id: one keyset page of ids. */
function keysetPage(query: RawQuery, after: string | null): RawQuery {
  const page: Record<string, unknown> = {
    ...query,
    select: 'id',
    order: 'id.asc',
    limit: String(AUDIENCE_BATCH),
    count: 'none',
  };
  if (after !== null) {
    // The segment may filter on id.gt itself: both conditions hold (repeats are ANDed).
    const own = query['id.gt'];
    page['id.gt'] =
      own === undefined ? after : [...(Array.isArray(own) ? (own as unknown[]) : [own]), after];
  }
  return page;
}

/**
 * The audience's player ids, in batches of at most AUDIENCE_BATCH, ascending and each id once.
 * A segment is read when iteration starts (an unknown one, or another property's, fails the
 * first step with 404) and its filter holds for every batch; players added or removed while it
 * runs are met or not depending on their id, as with any keyset scan.
 */
export async function* resolveAudience(
  deps: Deps,
  propertyId: string,
  audience: Audience,
  /** Resume after this player id (a planner restarted mid-audience). */
  resumeAfter: string | null = null,
): AsyncGenerator<string[], void, undefined> {
  let next: (after: string | null) => Promise<string[]>;
  switch (audience.type) {
    case 'players': {
      const refs = playerRefs(audience.player_ids);
      next = (after) =>
        repo.namedPlayerIds(deps.database.db, propertyId, refs, after, AUDIENCE_BATCH);
      break;
    }
    case 'segment':
    case 'all': {
      const query =
        audience.type === 'all' ? {} : await segmentQuery(deps, propertyId, audience.segment_id);
      next = async (after) => {
        const page = await listPlayers(deps, propertyId, { query: keysetPage(query, after) });
        return page.rows.map((row) => String(row.id));
      };
      break;
    }
  }
  let after: string | null = resumeAfter;
  for (;;) {
    const ids = await next(after);
    if (ids.length > 0) yield ids;
    if (ids.length < AUDIENCE_BATCH) return;
    after = ids.at(-1) ?? null;
  }
}

/** How many players the audience holds now (exact); an unknown segment is 404. */
export async function countAudience(
  deps: Deps,
  propertyId: string,
  audience: Audience,
): Promise<number> {
  if (audience.type === 'players') {
    return repo.countNamedPlayers(deps.database.db, propertyId, playerRefs(audience.player_ids));
  }
  const query =
    audience.type === 'all' ? {} : await segmentQuery(deps, propertyId, audience.segment_id);
  // No rows, an exact count: the property's kept counters when the filter is none or status
  // only, else count(*) of the filter, bounded like any /api/players request (the parser's cost
  // limits, and the pool's statement_timeout on PostgreSQL).
  const counted = await listPlayers(deps, propertyId, {
    query: { ...query, select: 'id', limit: '0', count: 'exact' },
  });
  return counted.totalCount ?? 0;
}

export interface PreviewInput {
  audience: Audience;
  channel: Channel;
  purpose: Purpose;
  program?: string | undefined;
  subscription_group_id?: string | undefined;
  send_at?: string | undefined;
}

export interface Preview {
  size: number;
  evaluated: number;
  would_send: number;
  skipped: number;
  would_skip: SkipReasonCounts;
  sampled: boolean;
}

/**
 * What sending to the audience now (or at `send_at`) would do: the pre-send check run over its
 * players without recording a decision. Expensive, so throttled per property and bounded to
 * the first MAX_PREVIEW_RECIPIENTS players (then `sampled`, with the exact `size`).
 */
export async function previewAudience(
  deps: Deps,
  propertyId: string,
  input: PreviewInput,
  /** Recipients to evaluate at most; tests lower it to reach `sampled` without 100,000 players. */
  bound: number = MAX_PREVIEW_RECIPIENTS,
): Promise<Preview> {
  // Counted once the audience is known to exist: a 404 or a refused list costs a lookup, the
  // check over up to 100,000 players is what the allowance guards.
  const size = await countAudience(deps, propertyId, input.audience);
  await countAttempt(
    deps.rateLimiter,
    `audience-preview:${propertyId}`,
    deps.config.audiencePreviewsPerProperty,
    'Too many audience previews for this property',
  );
  const wouldSkip: SkipReasonCounts = {};
  let evaluated = 0;
  let wouldSend = 0;
  let skipped = 0;
  for await (const batch of resolveAudience(deps, propertyId, input.audience)) {
    const ids = batch.slice(0, bound - evaluated);
    const decisions = await checkRecipients(
      deps,
      { id: propertyId },
      {
        channel: input.channel,
        purpose: input.purpose,
        program: input.program,
        subscriptionGroupId: input.subscription_group_id,
        sendAt: input.send_at === undefined ? undefined : new Date(input.send_at),
        recipients: ids.map((id) => ({ player_id: id })),
      },
      'audience-preview',
      { record: false },
    );
    for (const decision of decisions) {
      if (decision.outcome === 'allow') wouldSend += 1;
      else skipped += 1;
      for (const reason of decision.reasons) wouldSkip[reason] = (wouldSkip[reason] ?? 0) + 1;
    }
    evaluated += ids.length;
    if (evaluated >= bound) break;
  }
  return {
    size,
    evaluated,
    would_send: wouldSend,
    skipped,
    would_skip: wouldSkip,
    sampled: evaluated >= bound && size > evaluated,
  };
}
