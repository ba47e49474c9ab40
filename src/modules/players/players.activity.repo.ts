import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { PlayerKey } from './players.repo.ts';

/** What one event changes in its player's play profile, besides the timeline row. */
export type ProfileChange =
  | { readonly kind: 'completed'; readonly at: Date; readonly score: number | null }
  | { readonly kind: 'prize_won' }
  | { readonly kind: 'none' };

export interface NewActivity {
  readonly orgId: number;
  /** The property the session named; null = the organization's only property. */
  readonly propertyId: string | null;
  readonly player: PlayerKey;
  readonly eventId: string;
  readonly type: string;
  readonly occurredAt: Date;
  readonly gameId: number | null;
  readonly streamId: number | null;
  readonly sessionId: number | null;
  readonly playId: number | null;
  readonly summary: Record<string, unknown>;
  readonly profile: ProfileChange;
}

function profileUpdate(change: ProfileChange) {
  switch (change.kind) {
    case 'completed': {
      const at = sql`CAST(${change.at} AS timestamptz)`;
      // SET reads the row as it was: last_score follows the newest completion only.
      return sql`, profiled AS (
        UPDATE players p
           SET plays = p.plays + 1,
               last_score = CASE WHEN p.last_played_at IS NULL OR p.last_played_at <= ${at}
                                 THEN CAST(${change.score} AS integer) ELSE p.last_score END,
               last_played_at = GREATEST(p.last_played_at, ${at})
          FROM recorded r
         WHERE p.property_id = r.property_id AND p.id = r.player_id)`;
    }
    case 'prize_won':
      return sql`, profiled AS (
        UPDATE players p SET prizes_won = p.prizes_won + 1
          FROM recorded r
         WHERE p.property_id = r.property_id AND p.id = r.player_id)`;
    case 'none':
      return sql``;
  }
}

/**
 * Finds the player (within the organization: a property of another organization matches
 * nothing), inserts the timeline row unless this event already has one, and changes the
 * profile only when the row was inserted: one statement, so a second run changes nothing.
 * Answers whether a row was recorded.
 */
export async function recordActivity(trx: Transaction<DB>, input: NewActivity): Promise<boolean> {
  const property =
    input.propertyId === null
      ? sql`SELECT (array_agg(id))[1] AS id FROM properties
             WHERE org_id = ${input.orgId} HAVING count(*) = 1`
      : sql`SELECT id FROM properties
             WHERE org_id = ${input.orgId} AND id = CAST(${input.propertyId} AS uuid)`;
  const player =
    'id' in input.player
      ? sql`p.id = CAST(${input.player.id} AS uuid)`
      : sql`p.player_id = ${input.player.playerId}`;
  const { rows } = await sql<{ recorded: number }>`
    WITH property AS (${property}),
    target AS (
      SELECT p.property_id, p.id FROM players p JOIN property pr ON pr.id = p.property_id
       WHERE ${player}
    ),
    recorded AS (
      INSERT INTO player_activity (property_id, player_id, event_id, type, occurred_at,
                                   game_id, stream_id, session_id, play_id, summary)
      SELECT t.property_id, t.id, CAST(${input.eventId} AS uuid), ${input.type},
             CAST(${input.occurredAt} AS timestamptz), CAST(${input.gameId} AS integer),
             CAST(${input.streamId} AS integer), CAST(${input.sessionId} AS integer),
             CAST(${input.playId} AS integer), CAST(${JSON.stringify(input.summary)} AS jsonb)
        FROM target t
      ON CONFLICT (event_id) DO NOTHING
      RETURNING property_id, player_id
    )${profileUpdate(input.profile)}
    SELECT count(*)::int AS recorded FROM recorded
  `.execute(trx);
  return (rows[0]?.recorded ?? 0) > 0;
}

export interface ActivityRow {
  id: number;
  event_id: string;
  type: string;
  occurred_at: Date;
  game_id: number | null;
  stream_id: number | null;
  session_id: number | null;
  play_id: number | null;
  summary: Record<string, unknown>;
}

/**
 * One page of a player's timeline, newest first (by id: the order the events were recorded),
 * rows with an id below `before` when given; `limit` + 1 rows are read so the caller knows
 * whether a next page exists. Undefined when the property has no such player. One round trip.
 */
export async function findActivity(
  db: Kysely<DB>,
  propertyId: string,
  player: PlayerKey,
  page: { readonly before: number | undefined; readonly limit: number },
): Promise<ActivityRow[] | undefined> {
  const which =
    'id' in player ? sql`p.id = CAST(${player.id} AS uuid)` : sql`p.player_id = ${player.playerId}`;
  const before = page.before === undefined ? sql`` : sql`AND a.id < ${page.before}`;
  const { rows } = await sql<{ [K in keyof ActivityRow]: ActivityRow[K] | null }>`
    SELECT a.id, a.event_id, a.type, a.occurred_at, a.game_id, a.stream_id, a.session_id,
           a.play_id, a.summary
      FROM players p
      LEFT JOIN LATERAL (
        SELECT a.* FROM player_activity a
         WHERE a.player_id = p.id AND a.property_id = p.property_id ${before}
         ORDER BY a.id DESC
         LIMIT ${page.limit + 1}
      ) a ON true
     WHERE p.property_id = CAST(${propertyId} AS uuid) AND ${which}
     ORDER BY a.id DESC
  `.execute(db);
  if (rows.length === 0) return undefined;
  return rows.filter((row): row is ActivityRow => row.id !== null);
}
