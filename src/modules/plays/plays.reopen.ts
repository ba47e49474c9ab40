import type { Deps } from '../../deps.ts';
import { withQr } from '../../lib/qr.ts';
import type { PrizeView } from '../../web/index.ts';
import { findPlayableGame } from '../games/index.ts';
import { type PlayPrize, prizeOfPlay } from '../prizes/index.ts';
import type { PageView } from './plays.pages.ts';
import type { PlayRow } from './plays.repo.ts';
import { gameView } from './plays.service.ts';
import { playStanding } from './plays.standing.ts';

// A prize belongs to the play that won it. Reopening the link of a finished play that won one
// shows that play's result again: the prize with its Claim button until the claim deadline,
// the prize marked expired after it, and once claimed the code or link that was handed out.
// Who may reopen is the caller's rule: the token holder for session links, the same device or
// signed identity for public stream links.

function prizeView(won: PlayPrize): PrizeView {
  switch (won.state) {
    case 'pending':
    case 'expired':
      return {
        state: won.state,
        draw_token: won.offer.draw_token,
        expires_at: won.offer.expires_at.toISOString(),
        slot: won.offer.slot,
      };
    case 'claimed':
      return { state: 'claimed', ...withQr(won.prize) };
  }
}

/** The result screen of a completed play that won a prize; undefined for any other play. */
export async function reopenedPlay(
  deps: Deps,
  play: PlayRow,
): Promise<Pick<PageView, 'screen' | 'game' | 'play' | 'prize' | 'best' | 'rank'> | undefined> {
  if (play.status !== 'completed') return undefined;
  const won = await prizeOfPlay(deps, play);
  if (!won) return undefined;
  const game = await findPlayableGame(deps, play.game_id);
  if (!game) return undefined;
  const standing = await playStanding(deps, game, play);
  return {
    screen: 'result',
    game: await gameView(deps, game),
    play: { id: play.id, status: play.status, score: play.score, result: play.result },
    prize: prizeView(won),
    best: standing.best,
    rank: standing.rank,
  };
}
