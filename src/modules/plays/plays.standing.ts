import { sql } from 'kysely';
import type { Deps } from '../../deps.ts';
import { type GameTemplate, isLuckyDraw, withDefaults } from '../games/index.ts';

// Where a completed skill-game play stands: the player's best before it and, when the game has
// a leaderboard, the player's rank among everyone who played it. A player is the play's
// external id when it has one (a signed identity, the same person across devices), else its
// device id. Both queries read only the index `plays_game_player_score_idx` over one game's
// completed plays (migration 20261209110000_play_standing.sql).

export interface PlayBest {
  /** The best score including this play. */
  score: number;
  /** The best score before this play; null on the player's first play of the game. */
  previous: number | null;
  /** This play set the player's best (true on a first play). */
  is_new: boolean;
}

export interface PlayRank {
  /** 1 for the best; players with the same best share a position. */
  position: number;
  players: number;
}

export interface PlayStanding {
  best: PlayBest | null;
  rank: PlayRank | null;
}

export interface StandingPlay {
  id: number;
  org_id: number;
  game_id: number;
  player_uuid: string;
  external_id: string | null;
  score: number | null;
}

export interface StandingGame {
  template: GameTemplate;
  config: unknown;
}

/** The same expression as the index, so the planner can use it. */
const playerKey = sql<string>`COALESCE('e:' || external_id, 'u:' || player_uuid)`;

function keyOf(play: StandingPlay): string {
  return play.external_id !== null ? `e:${play.external_id}` : `u:${play.player_uuid}`;
}

export function hasLeaderboard(game: StandingGame): boolean {
  return (
    (withDefaults(game.template, game.config) as { leaderboard?: unknown }).leaderboard === true
  );
}

/** The standing of a completed play; both null for lucky draws and unscored plays. */
export async function playStanding(
  deps: Deps,
  game: StandingGame,
  play: StandingPlay,
): Promise<PlayStanding> {
  // Only skill games earn a score worth comparing; a lucky draw's is always 0.
  if (isLuckyDraw(game.template) || play.score === null) {
    return { best: null, rank: null };
  }
  const { db } = deps.database;
  const earlier = await db
    .selectFrom('plays')
    .select((eb) => eb.fn.max<number | null>('score').as('best'))
    .where('org_id', '=', play.org_id)
    .where('game_id', '=', play.game_id)
    .where('status', '=', 'completed')
    .where('score', 'is not', null)
    .where(playerKey, '=', keyOf(play))
    .where('id', '<', play.id)
    .executeTakeFirst();
  const previous = earlier?.best ?? null;
  const score = previous === null ? play.score : Math.max(previous, play.score);
  const best: PlayBest = { score, previous, is_new: previous === null || play.score > previous };
  if (!hasLeaderboard(game)) return { best, rank: null };

  const counted = await db
    .with('bests', (qb) =>
      qb
        .selectFrom('plays')
        .select([playerKey.as('player'), (eb) => eb.fn.max<number>('score').as('best')])
        .where('org_id', '=', play.org_id)
        .where('game_id', '=', play.game_id)
        .where('status', '=', 'completed')
        .where('score', 'is not', null)
        .groupBy(playerKey),
    )
    .selectFrom('bests')
    .select([
      sql<string>`count(*) FILTER (WHERE best > ${score})`.as('above'),
      sql<string>`count(*)`.as('players'),
    ])
    .executeTakeFirst();
  const above = Number(counted?.above ?? 0);
  // The play itself is counted once completed; at least one player, whatever the race.
  const players = Math.max(Number(counted?.players ?? 0), above + 1);
  return { best, rank: { position: above + 1, players } };
}
