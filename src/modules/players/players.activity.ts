import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import type { DispatchedEvent, EventConsumer } from '../events/index.ts';
import {
  type ActivityRow,
  findActivity,
  type NewActivity,
  type ProfileChange,
  recordActivity,
} from './players.activity.repo.ts';
import type { PlayerKey } from './players.repo.ts';
import { playerKey } from './players.service.ts';

/*
 * The return path of the loop: plays of a DailyPlay session that names a PlayerOS player land
 * on that player, as a timeline (player_activity) and a play profile (players.plays,
 * last_played_at, last_score, prizes_won). The convention, read from each event's session:
 *
 * - The player: `metadata.player_id`, read like the `{id}` of GET /api/players/{id}: a
 *   uuid-shaped value is PlayLoop's player id, anything else the casino's player_id (a string,
 *   or an integer, read as its digits). Without it (absent, null or ""), the session's
 *   `external_ref`, read the same way.
 * - The property: `metadata.property_id`, a property of the session's own organization. Without
 *   it, the organization's only property when it has exactly one.
 * - Nothing is attached, and nothing created, when the player is not found there, when the
 *   named property is not one of the organization's (another organization's included), or when
 *   either value is not of the shapes above.
 *
 * Only sessions carry the convention: a public stream link's play has no metadata and no
 * external_ref, and attaches to no one.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The longest casino player_id PlayerOS stores. */
const PLAYER_ID_MAX = 100;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const absent = (value: unknown) => value === undefined || value === null || value === '';

const int = (value: unknown): number | null =>
  typeof value === 'number' && Number.isSafeInteger(value) ? value : null;

/** A player reference as the convention reads it; undefined when it is not one. */
function playerRef(value: unknown): PlayerKey | undefined {
  let text: string | undefined;
  if (typeof value === 'string') text = value.trim();
  else if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) {
    text = String(value);
  }
  if (!text || text.length > PLAYER_ID_MAX) return undefined;
  return playerKey(text);
}

/** Whom the event's session names; undefined when it names no one usable. */
export function sessionTarget(
  payload: Record<string, unknown>,
): { propertyId: string | null; player: PlayerKey } | undefined {
  const metadata = isObject(payload.metadata) ? payload.metadata : {};
  let propertyId: string | null = null;
  if (!absent(metadata.property_id)) {
    const named = metadata.property_id;
    if (typeof named !== 'string' || !UUID.test(named.trim())) return undefined;
    propertyId = named.trim().toLowerCase();
  }
  const player = absent(metadata.player_id)
    ? playerRef(payload.external_ref)
    : playerRef(metadata.player_id);
  return player && { propertyId, player };
}

/** Picks the listed fields of the payload that are present (the timeline's `summary`). */
const pick = (payload: Record<string, unknown>, fields: readonly string[]) =>
  Object.fromEntries(fields.filter((f) => payload[f] !== undefined).map((f) => [f, payload[f]]));

const PRIZE_FIELDS = ['prize_name', 'prize_type', 'draw_id', 'slot_id'] as const;

/** What an event of each handled type records; undefined for the types the timeline skips. */
function effectOf(
  event: DispatchedEvent,
): { summary: Record<string, unknown>; profile: ProfileChange } | undefined {
  const { payload } = event;
  switch (event.type) {
    case 'play.started':
      return { summary: {}, profile: { kind: 'none' } };
    case 'play.completed':
      return {
        summary: pick(payload, ['score', 'outcome', 'duration_ms', 'template']),
        profile: { kind: 'completed', at: event.occurredAt, score: int(payload.score) },
      };
    case 'prize.won':
      return {
        summary: pick(payload, [...PRIZE_FIELDS, 'claim_expires_at']),
        profile: { kind: 'prize_won' },
      };
    case 'prize.claimed':
      return { summary: pick(payload, PRIZE_FIELDS), profile: { kind: 'none' } };
    case 'session.consumed':
      // A play page's consume is followed by play.started; only the brand's own game (the
      // consume API) has nothing else to show.
      return payload.via === 'api'
        ? { summary: { via: 'api' }, profile: { kind: 'none' } }
        : undefined;
    default:
      return undefined;
  }
}

/**
 * The `players.activity` consumer (src/background.ts): writes only through the dispatch
 * transaction, one statement per attached event, idempotent by event id.
 */
export async function recordPlayerActivity(
  event: DispatchedEvent,
  trx: Transaction<DB>,
): Promise<void> {
  if (event.orgId === null) return;
  const effect = effectOf(event);
  if (!effect) return;
  const target = sessionTarget(event.payload);
  if (!target) return;
  const { payload } = event;
  const activity: NewActivity = {
    orgId: event.orgId,
    ...target,
    eventId: event.id,
    type: event.type,
    occurredAt: event.occurredAt,
    gameId: int(payload.game_id),
    streamId: int(payload.stream_id),
    sessionId: int(payload.session_id),
    playId: int(payload.play_id),
    ...effect,
  };
  await recordActivity(trx, activity);
}

/** The consumer as src/background.ts builds it; it needs nothing of the process but the event. */
export const playerActivityConsumer = (): EventConsumer => recordPlayerActivity;

export interface ActivityPage {
  rows: ActivityRow[];
  nextCursor: number | null;
}

/** `GET /api/players/{id}/activity`: a page of the player's timeline, newest first. */
export async function playerActivity(
  deps: Deps,
  propertyId: string,
  id: string,
  page: { readonly cursor?: number | undefined; readonly limit?: number | undefined },
): Promise<ActivityPage> {
  const limit = page.limit ?? 50;
  const rows = await findActivity(deps.database.db, propertyId, playerKey(id), {
    before: page.cursor,
    limit,
  });
  if (!rows) throw new AppError('not_found', 'Player not found');
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  return { rows: shown, nextCursor: more ? (shown.at(-1)?.id ?? null) : null };
}
