import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';

export interface PlayFilter {
  from: Date;
  to: Date;
  gameId?: number | undefined;
  streamId?: number | undefined;
}

export type Interval = 'hour' | 'day';

function scope(orgId: number, f: PlayFilter) {
  return sql`p.org_id = ${orgId} AND p.started_at >= ${f.from} AND p.started_at < ${f.to}
    ${f.gameId === undefined ? sql`` : sql`AND p.game_id = ${f.gameId}`}
    ${f.streamId === undefined ? sql`` : sql`AND p.stream_id = ${f.streamId}`}`;
}

export async function playsOverTime(
  db: Kysely<DB>,
  orgId: number,
  interval: Interval,
  f: PlayFilter,
) {
  // `interval` is one of two literals (checked by the route schema), never caller text.
  const unit = sql.lit(interval);
  const result = await sql<{ at: Date; started: number; completed: number }>`
    SELECT date_trunc(${unit}, p.started_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS at,
           count(*)::int AS started,
           count(*) FILTER (WHERE p.status = 'completed')::int AS completed
      FROM plays p
     WHERE ${scope(orgId, f)}
     GROUP BY 1 ORDER BY 1`.execute(db);
  return result.rows;
}

export async function playsByGame(db: Kysely<DB>, orgId: number, f: PlayFilter) {
  const result = await sql<{
    game_id: number;
    title: string;
    status: string;
    started: number;
    completed: number;
    average_score: number | null;
  }>`
    SELECT p.game_id, g.title, g.status,
           count(*)::int AS started,
           count(*) FILTER (WHERE p.status = 'completed')::int AS completed,
           round(avg(p.score))::int AS average_score
      FROM plays p JOIN games g ON g.org_id = p.org_id AND g.id = p.game_id
     WHERE ${scope(orgId, f)}
     GROUP BY p.game_id, g.title, g.status ORDER BY started DESC, p.game_id`.execute(db);
  return result.rows;
}

export async function prizeCounts(db: Kysely<DB>, orgId: number, f: PlayFilter) {
  const result = await sql<{ draws: number; wins: number; claims: number }>`
    SELECT count(*)::int AS draws,
           count(*) FILTER (WHERE d.slot_type <> 'no_prize')::int AS wins,
           count(*) FILTER (WHERE d.status = 'claimed')::int AS claims
      FROM prize_draws d JOIN plays p ON p.id = d.play_id
     WHERE ${scope(orgId, f)}`.execute(db);
  return result.rows[0] ?? { draws: 0, wins: 0, claims: 0 };
}
