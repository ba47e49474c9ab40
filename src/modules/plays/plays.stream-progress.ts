import type { Deps } from '../../deps.ts';
import type { LangTexts, PlayErrorKind, PlayView, StreamGameView } from '../../web/index.ts';
import type { findPlayableStream } from '../streams/index.ts';
import { streamAvailability } from '../streams/index.ts';
import { type ListedPlay, streamGameTitles } from './plays.repo.ts';
import { namedNextGame, playsAllowed } from './plays.stream-rules.ts';
import { titleTexts } from './plays.translations.ts';

// What a stream's page tells its player: the games in order, which they played (score, prize),
// which one is next and how many plays are left; and why a closed stream is closed.

type Stream = NonNullable<Awaited<ReturnType<typeof findPlayableStream>>>;

export type StreamProgress = Required<
  Pick<NonNullable<PlayView['stream']>, 'games' | 'progress'>
> & {
  /** The next play's game, when it can be named (fixed order, plays left). */
  next: { id: number; title: string; translations: LangTexts<string> } | null;
};

/**
 * The stream's list for this player, from their plays (`listPlayerStreamPlays`, oldest first)
 * and one query for the games. `order`: the games the next play is chosen from, as the start
 * call chooses it: `playable` (public links skip games that cannot be played) or `all`
 * (session links, which the per-player cap does not stop: each token is one play); `fixedGameId`:
 * a session token minted for one game of the stream.
 */
export async function streamProgress(
  deps: Deps,
  stream: Stream,
  plays: readonly ListedPlay[],
  options: { order: 'playable' | 'all'; fixedGameId?: number | null | undefined },
): Promise<StreamProgress> {
  const rows = await streamGameTitles(deps.database.db, stream.org_id, stream.game_ids);
  const byId = new Map(rows.map((row) => [row.id, row]));
  const ordered = stream.game_ids.filter((id) => byId.has(id));
  const count = plays[0]?.total ?? 0;
  const allowed = playsAllowed(stream);
  const open = streamAvailability(stream, deps.clock.now()) === 'open';
  const nextId =
    !open || (count >= allowed && options.order === 'playable')
      ? undefined
      : (options.fixedGameId ??
        namedNextGame(stream, options.order === 'playable' ? ordered : stream.game_ids, count));
  const latest = new Map<number, ListedPlay>();
  const prizes = new Map<number, string>();
  let score = 0;
  for (const play of plays) {
    if (play.status !== 'completed') continue;
    latest.set(play.game_id, play);
    if (play.prize) prizes.set(play.game_id, play.prize);
    score += play.score ?? 0;
  }
  const games = ordered.map((id): StreamGameView => {
    const game = byId.get(id)!;
    const played = latest.get(id);
    const prize = prizes.get(id);
    return {
      title: game.title,
      translations: titleTexts(game.translations),
      template: game.template,
      state: id === nextId ? 'next' : played ? 'played' : 'upcoming',
      ...(played ? { score: played.score ?? 0 } : {}),
      ...(prize ? { prize } : {}),
    };
  });
  const next = nextId === undefined ? undefined : byId.get(nextId);
  return {
    games,
    progress: { plays: count, allowed, score },
    next: next
      ? { id: next.id, title: next.title, translations: titleTexts(next.translations) }
      : null,
  };
}

/**
 * Why a stream admits no play now, as the player is told: paused, ended (Completed or past
 * its end), full (the campaign-wide `max_total_plays` reached), or otherwise unavailable
 * (Draft, Archived). Undefined while it is open or not started yet.
 */
export function streamClosedKind(stream: Stream, now: Date): PlayErrorKind | undefined {
  switch (streamAvailability(stream, now)) {
    case 'open':
    case 'not_started':
      return undefined;
    case 'closed':
      return stream.status === 'Paused' ? 'stream_paused' : 'unavailable';
    case 'ended': {
      const overByTime =
        stream.status === 'Completed' ||
        (stream.end_at !== null && stream.end_at.getTime() <= now.getTime());
      return overByTime ? 'stream_ended' : 'stream_full';
    }
  }
}
