import { randomInt } from 'node:crypto';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import type { GameView, LangTexts, PlayErrorKind } from '../../web/index.ts';
import { findPlayableGame, isLuckyDraw, withDefaults } from '../games/index.ts';
import { drawPrize } from '../prizes/index.ts';
import { findSessionByToken, statusAt } from '../sessions/index.ts';
import { findPlayableStream, findStreamBySlugs, streamAvailability } from '../streams/index.ts';
import {
  completePlayRow,
  consumeTokenIntoPlay,
  countStreamPlay,
  findPlay,
  findPlayOfSession,
  insertPlay,
  lockStream,
  playerStreamPlays,
  type PlayRow,
  prizeSlotsOfGame,
  setPlayResult,
  streamGameTitles,
} from './plays.repo.ts';
import { signedQuery, trustedIdentity } from './plays.identity.ts';
import { configSegments, gameTexts, slotSegment, titleTexts } from './plays.translations.ts';
import { PlayRefused } from './plays.refused.ts';
import { type PlayStanding, playStanding } from './plays.standing.ts';
import { type PlayFacts, playOutcome, scorePlay } from './plays.scoring.ts';
import { namedNextGame, nextStreamGame, playsAllowed } from './plays.stream-rules.ts';
import { streamClosedKind } from './plays.stream-progress.ts';

export { PlayRefused, playsAllowed };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type { PlayErrorKind };

export type StartRequest =
  | { session_token: string; game_id: number }
  | { session_token: string; stream_id: number }
  | {
      org_slug: string;
      stream_slug: string;
      external_id?: string | undefined;
      /** With `sig`, proof that the brand signed `external_id`; otherwise the id is ignored. */
      expires?: number | undefined;
      sig?: string | undefined;
      utm?: Record<string, string> | undefined;
    };

type PlayableGame = NonNullable<Awaited<ReturnType<typeof findPlayableGame>>>;
type PlayableStream = NonNullable<Awaited<ReturnType<typeof findPlayableStream>>>;

export type { GameView };

export async function gameView(deps: Deps, game: PlayableGame): Promise<GameView> {
  const config = withDefaults(game.template, game.config) as Record<string, unknown>;
  let segments: GameView['segments'] = [];
  if (isLuckyDraw(game.template)) {
    const slots = game.prize_enabled
      ? await prizeSlotsOfGame(deps.database.db, game.org_id, game.id)
      : [];
    segments =
      slots.length > 0
        ? slots.map(slotSegment)
        : configSegments(
            (config.segments as { label: string }[] | undefined) ?? [],
            game.translations,
          );
  }
  return {
    id: game.id,
    title: game.title,
    description: game.description,
    template: game.template,
    config,
    segments,
    translations: gameTexts(game.translations),
  };
}

export async function playableGame(deps: Deps, gameId: number, orgId?: number) {
  const game = await findPlayableGame(deps, gameId);
  if (!game || (orgId !== undefined && game.org_id !== orgId)) throw new PlayRefused('unknown');
  if (game.status !== 'Active') throw new PlayRefused('unavailable');
  return game;
}

/**
 * Why a token cannot start a play for this player; a play to resume when it can. A consumed
 * token whose play is complete comes with that play (`completed`), whose result the token's
 * holder may see again.
 */
export async function explainToken(
  deps: Deps,
  token: string,
  target: { gameId: number } | { streamId: number },
  playerUuid: string | undefined,
): Promise<
  { resume: PlayRow } | { refused: PlayErrorKind; completed?: PlayRow } | { ready: true }
> {
  if (!UUID.test(token)) return { refused: 'unknown' };
  const session = await findSessionByToken(deps.database, token);
  if (!session) return { refused: 'unknown' };
  const matches =
    'gameId' in target
      ? session.game_id === target.gameId && session.stream_id === null
      : session.stream_id === target.streamId;
  if (!matches) return { refused: 'wrong_game' };
  const status = statusAt(session, deps.clock.now());
  if (status === 'active') return { ready: true };
  if (status === 'consumed') {
    const play = await findPlayOfSession(deps.database.db, session.id);
    if (play && playerUuid && play.player_uuid === playerUuid && play.status === 'started')
      return { resume: play };
    if (play?.status === 'completed') return { refused: status, completed: play };
  }
  return { refused: status };
}

function assertStreamOpen(deps: Deps, stream: PlayableStream): void {
  // Paused, ended and full streams each say so (plays.stream-progress.ts).
  const closed = streamClosedKind(stream, deps.clock.now());
  if (closed) throw new PlayRefused(closed);
  if (streamAvailability(stream, deps.clock.now()) !== 'open') {
    throw new PlayRefused('unavailable');
  }
}

async function startWithToken(
  deps: Deps,
  request: { session_token: string } & ({ game_id: number } | { stream_id: number }),
  playerUuid: string,
): Promise<{ play: PlayRow; game: PlayableGame; resumed: boolean }> {
  const now = deps.clock.now();
  const target =
    'game_id' in request ? { gameId: request.game_id } : { streamId: request.stream_id };
  const explained = await explainToken(deps, request.session_token, target, playerUuid);
  if ('refused' in explained) throw new PlayRefused(explained.refused);
  if ('resume' in explained) {
    const game = await playableGame(deps, explained.resume.game_id);
    return { play: explained.resume, game, resumed: true };
  }
  let play: PlayRow | undefined;
  let game: PlayableGame;
  if ('gameId' in target) {
    game = await playableGame(deps, target.gameId);
    play = await consumeTokenIntoPlay(deps.database.db, {
      token: request.session_token,
      now,
      playerUuid,
      gameId: game.id,
      expect: target,
    });
    deps.metrics.sessionConsume('play_page', play ? 'consumed' : 'refused');
  } else {
    const stream = await findPlayableStream(deps, target.streamId);
    if (!stream) throw new PlayRefused('unknown');
    assertStreamOpen(deps, stream);
    const session = await findSessionByToken(deps.database, request.session_token);
    const gameId =
      session?.game_id ??
      nextStreamGame(
        stream,
        (
          await playerStreamPlays(deps.database.db, stream.id, { playerUuid, externalId: null })
        ).map((p) => p.game_id),
      );
    if (gameId === undefined) throw new PlayRefused('unavailable');
    game = await playableGame(deps, gameId, stream.org_id);
    play = await deps.database.db.transaction().execute(async (trx) => {
      await lockStream(trx, stream.id);
      if (!(await countStreamPlay(trx, stream.id))) throw new PlayRefused('stream_full');
      const admitted = await consumeTokenIntoPlay(trx, {
        token: request.session_token,
        now,
        playerUuid,
        gameId,
        expect: target,
      });
      deps.metrics.sessionConsume('play_page', admitted ? 'consumed' : 'refused');
      // Roll the count back with the transaction when the token lost a race.
      if (!admitted) throw new PlayRefused('consumed');
      return admitted;
    });
  }
  if (!play) {
    // Another request consumed it between the check and the consume: maybe this player's.
    const again = await explainToken(deps, request.session_token, target, playerUuid);
    if ('resume' in again) return { play: again.resume, game, resumed: true };
    throw new PlayRefused('refused' in again ? again.refused : 'consumed');
  }
  return { play, game, resumed: false };
}

async function startPublicStream(
  deps: Deps,
  request: Extract<StartRequest, { org_slug: string }>,
  playerUuid: string,
): Promise<{ play: PlayRow; game: PlayableGame; resumed: boolean }> {
  const stream = await findStreamBySlugs(deps, request.org_slug, request.stream_slug);
  if (!stream) throw new PlayRefused('unknown');
  assertStreamOpen(deps, stream);
  // Read before the transaction: PGlite has one connection, which the transaction holds.
  const games = new Map<number, PlayableGame>();
  for (const id of stream.game_ids) {
    const game = await findPlayableGame(deps, id);
    if (game && game.org_id === stream.org_id && game.status === 'Active') games.set(id, game);
  }
  // An id the brand did not sign is ignored: the play then counts per device (the cookie).
  const identity = await trustedIdentity(deps, stream.id, {
    externalId: request.external_id,
    expires: request.expires,
    sig: request.sig,
  });
  const player = { playerUuid, externalId: identity?.externalId ?? null };
  return deps.database.db.transaction().execute(async (trx) => {
    await lockStream(trx, stream.id);
    const plays = await playerStreamPlays(trx, stream.id, player);
    const unfinished = plays.find((p) => p.status === 'started');
    if (unfinished) {
      const play = (await findPlay(trx, unfinished.id))!;
      const game = games.get(play.game_id);
      if (!game) throw new PlayRefused('unavailable');
      return { play, game, resumed: true };
    }
    if (plays.length >= playsAllowed(stream)) throw new PlayRefused('cap_reached');
    const gameId = nextStreamGame(
      { ...stream, game_ids: stream.game_ids.filter((id) => games.has(id)) },
      plays.map((p) => p.game_id),
    );
    const game = gameId === undefined ? undefined : games.get(gameId);
    if (!game) throw new PlayRefused('unavailable');
    if (!(await countStreamPlay(trx, stream.id))) throw new PlayRefused('stream_full');
    const play = await insertPlay(trx, {
      org_id: stream.org_id,
      game_id: game.id,
      stream_id: stream.id,
      player_uuid: playerUuid,
      external_id: player.externalId,
      utm: request.utm ?? null,
      started_at: deps.clock.now(),
    });
    return { play, game, resumed: false };
  });
}

export async function startPlay(deps: Deps, request: StartRequest, playerUuid: string) {
  const { play, game, resumed } =
    'session_token' in request
      ? await startWithToken(deps, request, playerUuid)
      : await startPublicStream(deps, request, playerUuid);
  return { play, game: await gameView(deps, game), resumed };
}

/** Where the wheel stops: the drawn slot, a "no prize" slot when nothing was won, or chance. */
async function wheelLanding(
  deps: Deps,
  game: PlayableGame,
  prize: Awaited<ReturnType<typeof drawPrize>>,
): Promise<number | undefined> {
  if (prize) return prize.segment_index;
  if (game.prize_enabled) {
    const slots = await prizeSlotsOfGame(deps.database.db, game.org_id, game.id);
    const empty = slots.findIndex((slot) => slot.type === 'no_prize');
    // A wheel of prizes only with none left to win has nowhere honest to stop: the page then
    // shows "no prize" under the segment it picks.
    if (empty >= 0) return empty;
    if (slots.length > 0) return undefined;
  }
  const view = await gameView(deps, game);
  return randomInt(Math.max(1, view.segments.length));
}

export interface CompletedPlay {
  score: number;
  result: Record<string, unknown>;
  prize: Awaited<ReturnType<typeof drawPrize>>;
  play: PlayRow;
  /** The public stream's page again, when the player has another game to play there. */
  nextUrl: string | null;
  /** With `nextUrl`: the game that play will be, when it can be named (fixed order). */
  nextGame: { title: string; translations: LangTexts<string> } | null;
  /** Skill games: the personal best and leaderboard rank (plays.standing.ts). */
  standing: PlayStanding;
}

async function nextStreamUrl(
  deps: Deps,
  play: PlayRow,
): Promise<{ url: string; game: CompletedPlay['nextGame'] } | null> {
  if (play.stream_id === null || play.session_id !== null) return null;
  const stream = await findPlayableStream(deps, play.stream_id);
  if (!stream || streamAvailability(stream, deps.clock.now()) !== 'open') return null;
  const plays = await playerStreamPlays(deps.database.db, stream.id, {
    playerUuid: play.player_uuid,
    externalId: play.external_id,
  });
  if (plays.length >= playsAllowed(stream)) return null;
  // A public-link play has an external id only when the link's signature was verified.
  const query = play.external_id ? await signedQuery(deps, stream.id, play.external_id) : '';
  const games = await streamGameTitles(deps.database.db, stream.org_id, stream.game_ids);
  const playable = stream.game_ids.filter((id) => games.some((g) => g.id === id));
  const nextId = namedNextGame(stream, playable, plays.length);
  const game = games.find((g) => g.id === nextId);
  return {
    url: `/stream/${stream.org_slug}/${stream.slug}${query}`,
    game: game ? { title: game.title, translations: titleTexts(game.translations) } : null,
  };
}

export async function completePlay(
  deps: Deps,
  playId: number,
  playerUuid: string | undefined,
  facts: PlayFacts,
): Promise<CompletedPlay> {
  const play = await findPlay(deps.database.db, playId);
  // Someone else's play is answered like a missing one.
  if (!play || play.player_uuid !== playerUuid) throw new AppError('not_found', 'Play not found');
  if (play.status !== 'started') throw new AppError('conflict', 'This play is already complete');
  const game = await findPlayableGame(deps, play.game_id);
  if (!game) throw new AppError('not_found', 'Play not found');
  const now = deps.clock.now();
  const config = withDefaults(game.template, game.config);
  const score = scorePlay({
    template: game.template,
    config,
    facts,
    serverElapsedMs: now.getTime() - play.started_at.getTime(),
  });
  const completed = await completePlayRow(deps.database.db, play.id, {
    score,
    duration_ms: facts.duration_ms,
    completed_at: now,
    template: game.template,
    outcome: playOutcome(game.template, config, facts),
  });
  if (!completed) throw new AppError('conflict', 'This play is already complete');
  const prize = game.prize_enabled
    ? await drawPrize(deps, { id: play.id, org_id: play.org_id, game_id: play.game_id, score })
    : null;
  const result: Record<string, unknown> = {};
  if (isLuckyDraw(game.template)) result.segment_index = await wheelLanding(deps, game, prize);
  if (game.template === 'grid-box-reveal') result.box_index = facts.box_index;
  await setPlayResult(deps.database.db, play.id, result);
  const next = await nextStreamUrl(deps, completed);
  return {
    score,
    result,
    prize,
    play: { ...completed, result },
    nextUrl: next?.url ?? null,
    nextGame: next?.game ?? null,
    standing: await playStanding(deps, game, completed),
  };
}
