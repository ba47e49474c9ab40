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
  stream?:
    | {
        name: string;
        completion_message: string | null;
        start_at: string | null;
        end_at: string | null;
        timezone: string;
      }
    | undefined;
}
