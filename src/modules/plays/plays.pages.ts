import type { Deps } from '../../deps.ts';
import type { PlayView } from '../../web/index.ts';
import { findPlay, type PlayRow } from './plays.repo.ts';
import { findSessionByToken } from '../sessions/index.ts';
import {
  findPlayableStream,
  findStreamBySlugs,
  recordStreamAccess,
  type StreamAccess,
  streamAvailability,
} from '../streams/index.ts';
import {
  explainToken,
  gameView,
  type GameView,
  PlayRefused,
  type PlayErrorKind,
  playableGame,
  playsAllowed,
  type StartRequest,
} from './plays.service.ts';
import { type ListedPlay, listPlayerStreamPlays } from './plays.repo.ts';
import { streamClosedKind, streamProgress } from './plays.stream-progress.ts';
import { type LinkIdentity, trustedIdentity } from './plays.identity.ts';
import { reopenedPlay } from './plays.reopen.ts';

type Stream = NonNullable<Awaited<ReturnType<typeof findPlayableStream>>>;

/** The page's view model (docs/play.md), without the language, which the route adds. */
export type PageView = Omit<PlayView, 'lang'>;

const refused = (error: PlayErrorKind): PageView => ({ screen: 'error', error });

/** A refused token, unless it is the spent token of a play that won a prize: its result then. */
async function refusedOrResult(
  deps: Deps,
  explained: { refused: PlayErrorKind; completed?: PlayRow },
): Promise<PageView> {
  const result = explained.completed && (await reopenedPlay(deps, explained.completed));
  return result ?? refused(explained.refused);
}

function streamInfo(stream: Stream): NonNullable<PageView['stream']> {
  return {
    name: stream.name,
    completion_message: stream.completion_message,
    start_at: stream.start_at?.toISOString() ?? null,
    end_at: stream.end_at?.toISOString() ?? null,
    timezone: stream.timezone,
  };
}

/** Before, after and outside its schedule a stream shows a countdown or a closing screen. */
function scheduleScreen(deps: Deps, stream: Stream): PageView | undefined {
  switch (streamAvailability(stream, deps.clock.now())) {
    case 'open':
      return undefined;
    case 'not_started':
      return { screen: 'countdown', stream: streamInfo(stream) };
    case 'ended':
    case 'closed': {
      // Paused, full (campaign-wide cap) and unavailable have their own messages.
      const kind = streamClosedKind(stream, deps.clock.now()) ?? 'unavailable';
      if (kind !== 'stream_ended') return refused(kind);
      return { screen: 'finished', stream: streamInfo(stream) };
    }
  }
}

/** The stream with its games and this player's progress through them (start, finished). */
async function streamWithProgress(
  deps: Deps,
  stream: Stream,
  plays: readonly ListedPlay[],
  options: Parameters<typeof streamProgress>[3],
) {
  const { games, progress } = await streamProgress(deps, stream, plays, options);
  return { ...streamInfo(stream), games, progress };
}

async function withRefusals(work: () => Promise<PageView>): Promise<PageView> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof PlayRefused) return refused(error.kind);
    throw error;
  }
}

/** `/play/game/:id?session_token=`: validates without consuming; consuming waits for Play. */
export function gamePage(
  deps: Deps,
  gameId: number,
  token: string | undefined,
  playerUuid: string | undefined,
): Promise<PageView> {
  return withRefusals(async () => {
    if (!token) return refused('missing_token');
    const explained = await explainToken(deps, token, { gameId }, playerUuid);
    if ('refused' in explained) return refusedOrResult(deps, explained);
    const game = await gameView(deps, await playableGame(deps, gameId));
    if ('resume' in explained)
      return resumeView(explained.resume, game, { session_token: token, game_id: gameId });
    return { screen: 'start', game, start: { session_token: token, game_id: gameId } };
  });
}

function resumeView(
  play: {
    id: number;
    status: 'started' | 'completed';
    score: number | null;
    result: Record<string, unknown> | null;
  },
  game: GameView,
  start: StartRequest,
): PageView {
  return {
    screen: 'resume',
    game,
    start,
    play: { id: play.id, status: play.status, score: play.score, result: play.result },
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The session a stream link's token names, when it is one of this stream's. */
async function sessionOfStream(deps: Deps, token: string, streamId: number) {
  const session = UUID.test(token) ? await findSessionByToken(deps.database, token) : undefined;
  return session?.stream_id === streamId ? session : null;
}

/**
 * `/play/stream/:id?session_token=`: one play of the stream's current game. `visitor` is the
 * browser's player id, existing or just made, for the stream.accessed event.
 */
export function streamTokenPage(
  deps: Deps,
  streamId: number,
  token: string | undefined,
  playerUuid: string | undefined,
  visitor: string,
  clientIp?: string,
): Promise<PageView> {
  return withRefusals(async () => {
    if (!token) return refused('missing_token');
    const stream = await findPlayableStream(deps, streamId);
    if (!stream) return refused('unknown');
    const session = await sessionOfStream(deps, token, streamId);
    await recordStreamAccess(deps, {
      stream,
      entry: 'session_link',
      playerUuid: visitor,
      externalId: session?.external_ref ?? null,
      link: {},
      utm: {},
      session,
      ...(clientIp ? { clientIp } : {}),
    });
    const explained = await explainToken(deps, token, { streamId }, playerUuid);
    if ('refused' in explained) {
      const view = await refusedOrResult(deps, explained);
      return view.screen === 'result' ? { ...view, stream: streamInfo(stream) } : view;
    }
    const start = { session_token: token, stream_id: streamId };
    if ('resume' in explained) {
      const game = await gameView(deps, await playableGame(deps, explained.resume.game_id));
      return { ...resumeView(explained.resume, game, start), stream: streamInfo(stream) };
    }
    const closed = scheduleScreen(deps, stream);
    if (closed) return closed;
    // Counted by this browser, as the start call counts a token's stream plays.
    const plays = playerUuid
      ? await listPlayerStreamPlays(deps.database.db, stream, { playerUuid, externalId: null })
      : [];
    const order = { order: 'all', fixedGameId: session?.game_id } as const;
    return { screen: 'start', start, stream: await streamWithProgress(deps, stream, plays, order) };
  });
}

/** `/stream/:org/:stream`: the public link; the stream's schedule and caps decide. */
export function publicStreamPage(
  deps: Deps,
  orgSlug: string,
  streamSlug: string,
  player: {
    playerUuid: string | undefined;
    /** The browser's player id, existing or just made, for the stream.accessed event. */
    visitor: string;
    /** What the link says about its player; believed only when signed (plays.identity.ts). */
    link: LinkIdentity;
    /** The link's identity parameters as sent (the stream.accessed event carries them). */
    linkParams: StreamAccess['link'];
    utm: Record<string, string>;
    clientIp?: string;
  },
): Promise<PageView> {
  return withRefusals(async () => {
    const stream = await findStreamBySlugs(deps, orgSlug, streamSlug);
    if (!stream) return refused('unknown');
    const identity = await trustedIdentity(deps, stream.id, player.link);
    await recordStreamAccess(deps, {
      stream,
      entry: 'public_link',
      playerUuid: player.visitor,
      externalId: identity?.externalId ?? null,
      link: player.linkParams,
      utm: player.utm,
      session: null,
      ...(player.clientIp ? { clientIp: player.clientIp } : {}),
    });
    // Only a verified identity is passed on to the start call (which verifies it again).
    const start: StartRequest = {
      org_slug: orgSlug,
      stream_slug: streamSlug,
      ...(identity
        ? { external_id: identity.externalId, expires: identity.expires, sig: identity.sig }
        : {}),
      ...(Object.keys(player.utm).length > 0 ? { utm: player.utm } : {}),
    };
    const plays =
      player.playerUuid || identity
        ? await listPlayerStreamPlays(deps.database.db, stream, {
            playerUuid: player.playerUuid ?? '',
            externalId: identity?.externalId ?? null,
          })
        : [];
    const count = plays[0]?.total ?? 0;
    const open = streamAvailability(stream, deps.clock.now()) === 'open';
    // The last play's prize (pending, expired or claimed) is what a returning player sees, even
    // after the stream closed; a Next game button starts the next play when one is left.
    const last = plays.at(-1);
    const lastPlay =
      last?.status === 'completed' ? await findPlay(deps.database.db, last.id) : undefined;
    const result = lastPlay && (await reopenedPlay(deps, lastPlay));
    if (result) {
      if (!(open && count < playsAllowed(stream))) return { ...result, stream: streamInfo(stream) };
      const { next } = await streamProgress(deps, stream, plays, { order: 'playable' });
      const nextGame = next
        ? { next_game: { title: next.title, translations: next.translations } }
        : {};
      return { ...result, stream: streamInfo(stream), start, ...nextGame };
    }
    const closed = scheduleScreen(deps, stream);
    if (closed?.screen === 'finished' && count > 0) {
      // The stream ended: what this player played in it, summed up.
      const order = { order: 'playable' } as const;
      return { ...closed, stream: await streamWithProgress(deps, stream, plays, order) };
    }
    if (closed) return closed;
    if (count > 0) {
      const unfinished = plays.find((p) => p.status === 'started');
      if (unfinished) {
        const play = (await findPlay(deps.database.db, unfinished.id))!;
        const game = await gameView(deps, await playableGame(deps, play.game_id));
        return { ...resumeView(play, game, start), stream: streamInfo(stream) };
      }
      if (count >= playsAllowed(stream)) {
        // The stream goes on for others: this player's own plays are what ended.
        const played = { plays: count, allowed: playsAllowed(stream) };
        const listed = await streamWithProgress(deps, stream, plays, { order: 'playable' });
        return { screen: 'finished', stream: listed, played };
      }
    }
    const order = { order: 'playable' } as const;
    return { screen: 'start', start, stream: await streamWithProgress(deps, stream, plays, order) };
  });
}
