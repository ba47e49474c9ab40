/**
 * The view model a play page embeds for `/play/static/play.js` (docs/play.md). The page routes
 * build it; the renderer and the browser script only read it.
 */

export type Lang = 'en' | 'th';

export type PlayScreen = 'start' | 'resume' | 'result' | 'error' | 'countdown' | 'finished';

export type PlayErrorKind =
  | 'consumed'
  | 'expired'
  | 'revoked'
  | 'unknown'
  | 'wrong_game'
  | 'unavailable'
  | 'missing_token'
  | 'cap_reached';

export type GameTemplate = 'spin-wheel' | 'memory-match' | 'quick-tap';

/**
 * A game's template configuration with defaults filled in. Common keys: `primary_color`,
 * `secondary_color`, `background_color` (`#rrggbb`), `difficulty` (1–10), `duration_s`,
 * `intro_text`, `result_text`; per template: `segments` (spin-wheel), `pairs` (memory-match).
 * Typed loosely because it is stored as JSON; the renderer and the browser read it defensively.
 */
export type TemplateConfig = Record<string, unknown>;

/** What `POST /play/api/start` must send. */
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

export interface GameView {
  id: number;
  title: string;
  description: string | null;
  template: GameTemplate;
  config: TemplateConfig;
  /** spin-wheel only: the prize slots, or `config.segments` when the prize system is off. */
  segments: { label: string }[];
}

/**
 * A won prize shown again when its player reopens the link (screen 'result'): until the claim
 * deadline the offer with its draw token (`pending`), after it the offer without (`expired`),
 * and once claimed what was handed out (`claimed`: the code or link).
 */
export type PrizeView =
  | {
      state: 'pending' | 'expired';
      draw_token: string | null;
      expires_at: string;
      slot: { name: string; description: string | null; type: string };
    }
  | {
      state: 'claimed';
      name: string;
      description: string | null;
      type: string;
      code: string | null;
      url: string | null;
    };

export interface PlayView {
  lang: Lang;
  screen: PlayScreen;
  error?: PlayErrorKind | undefined;
  /** What `POST /play/api/start` must send (screens 'start' and 'resume'). */
  start?: StartRequest | undefined;
  /** The game to play (start, resume, result). */
  game?: GameView | undefined;
  /** resume / result */
  play?:
    | {
        id: number;
        status: 'started' | 'completed';
        score: number | null;
        result: Record<string, unknown> | null;
      }
    | undefined;
  /** result: the play's prize, when it won one. */
  prize?: PrizeView | undefined;
  stream?:
    | {
        name: string;
        completion_message: string | null;
        start_at: string | null;
        end_at: string | null;
        timezone: string;
      }
    | undefined;
  /**
   * finished: the player used every play the stream allows them (`max_plays_per_player`, else
   * one per game); absent when the stream itself ended.
   */
  played?: { plays: number; allowed: number } | undefined;
}
