import { randomInt } from 'node:crypto';
import type { findPlayableStream } from '../streams/index.ts';

type PlayableStream = NonNullable<Awaited<ReturnType<typeof findPlayableStream>>>;

/** The stream's next game for this player: fixed order walks the list, random avoids repeats. */
export function nextStreamGame(
  stream: PlayableStream,
  playedGameIds: number[],
): number | undefined {
  const games = stream.game_ids;
  if (games.length === 0) return undefined;
  if (stream.order_mode === 'random') {
    const unplayed = games.filter((id) => !playedGameIds.includes(id));
    const pool = unplayed.length > 0 ? unplayed : games;
    return pool[randomInt(pool.length)];
  }
  return games[playedGameIds.length % games.length];
}

/** Plays a player may make in a stream: its cap, or else each of its games once. */
export function playsAllowed(stream: PlayableStream): number {
  return stream.max_plays_per_player ?? stream.game_ids.length;
}

/**
 * The game a player's next play will be, when it can be named before it starts: fixed order
 * only (`nextStreamGame` picks a random one at start). `gameIds` are the games that order walks.
 */
export function namedNextGame(
  stream: Pick<PlayableStream, 'order_mode'>,
  gameIds: readonly number[],
  playCount: number,
): number | undefined {
  if (stream.order_mode === 'random' || gameIds.length === 0) return undefined;
  return gameIds[playCount % gameIds.length];
}
