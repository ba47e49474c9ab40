import { AppError } from '../../lib/errors.ts';
import type { PlayErrorKind } from '../../web/index.ts';

/** Thrown when there is nothing to play; the page shows the kind, the API answers its status. */
export class PlayRefused extends AppError {
  readonly kind: PlayErrorKind;
  constructor(kind: PlayErrorKind) {
    const code =
      kind === 'unknown' || kind === 'missing_token'
        ? 'not_found'
        : kind === 'wrong_game'
          ? 'validation_failed'
          : kind === 'unavailable' ||
              kind === 'cap_reached' ||
              kind === 'stream_paused' ||
              kind === 'stream_ended' ||
              kind === 'stream_full'
            ? 'conflict'
            : 'session_gone';
    super(code, PLAY_REFUSED_MESSAGES[kind], { reason: kind });
    this.kind = kind;
  }
}

const PLAY_REFUSED_MESSAGES: Record<PlayErrorKind, string> = {
  consumed: 'This link has already been used',
  expired: 'This link has expired',
  revoked: 'This link was cancelled',
  unknown: 'This link is not valid',
  wrong_game: 'This link is for another game',
  unavailable: 'This game is not available',
  missing_token: 'This page needs a game link',
  cap_reached: 'You have used all your plays in this campaign',
  stream_paused: 'This campaign is paused',
  stream_ended: 'This campaign has ended',
  stream_full: 'This campaign has reached its play limit',
};
