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
  | 'cap_reached'
  | 'stream_paused'
  | 'stream_ended'
  | 'stream_full';

export type GameTemplate =
  'spin-wheel' | 'memory-match' | 'quick-tap' | 'scratch-card' | 'grid-box-reveal';

/**
 * A game's template configuration with defaults filled in. Common keys: `primary_color`,
 * `secondary_color`, `background_color` (`#rrggbb`), `difficulty` (1–10), `duration_s`,
 * `intro_text`, `result_text`, `cta_text` + `cta_url`, `leaderboard`;
 * per template: `segments` (the lucky draws), `pairs` (memory-match),
 * `cover_color`, `reveal_percent` (scratch-card), `boxes` (grid-box-reveal).
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
  /**
   * Lucky draws (spin-wheel, scratch-card, grid-box-reveal): the prize slots, or
   * `config.segments` when the prize system is off; empty for skill games.
   */
  segments: { label: string; translations?: LangTexts<string> | undefined }[];
  /** Texts per page language; `localizeView` (localize.ts) applies them and drops them. */
  translations?: LangTexts<GameTexts> | undefined;
}

/** A text per page language (translations a brand gave; localize.ts applies them). */
export type LangTexts<T> = Partial<Record<string, T>>;
export interface GameTexts {
  title?: string | undefined;
  description?: string | undefined;
  intro_text?: string | undefined;
  result_text?: string | undefined;
  cta_text?: string | undefined;
}
export type SlotTexts = LangTexts<{ name?: string | undefined; description?: string | undefined }>;

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
      slot: {
        name: string;
        description: string | null;
        type: string;
        translations?: SlotTexts | undefined;
      };
    }
  | {
      state: 'claimed';
      name: string;
      description: string | null;
      translations?: SlotTexts | undefined;
      type: string;
      code: string | null;
      url: string | null;
      /** The code as a QR code (src/lib/qr.ts): dark modules on a size×size grid. */
      qr?: { size: number; path: string } | null | undefined;
    };

/**
 * A game of a stream as its page lists it: `played` (this player completed it; `score` and
 * the drawn `prize` of their latest play of it), `next` (the next play's game) or `upcoming`.
 */
export interface StreamGameView {
  title: string;
  template: string;
  state: 'played' | 'next' | 'upcoming';
  score?: number | undefined;
  prize?: string | undefined;
  /** The title per page language; `localizeView` (localize.ts) applies it and drops it. */
  translations?: LangTexts<string> | undefined;
}

/** The safe list of fonts: local system stacks only, each with Thai-capable fallbacks. */
export type BrandFont = 'system' | 'rounded' | 'serif' | 'slab' | 'condensed' | 'mono';

/**
 * The organization's look (its branding, with the game's overrides applied). Absent when the
 * page cannot tell whose link it is: the neutral PlayLoop look. Colours are `#rrggbb` or null
 * (null: the game's or PlayLoop's default); image URLs are this origin's `/play/assets/<uuid>`.
 */
export interface BrandView {
  /** Shown instead of "PlayLoop": in the top bar, as the logo's alt text, in the title. */
  name: string;
  logo_url: string | null;
  font: BrandFont;
  colors: { primary: string | null; secondary: string | null; background: string | null };
  background:
    | { type: 'color' }
    | { type: 'gradient'; from: string; to: string; angle: number }
    | { type: 'image'; url: string };
  /** Show the small "Powered by PlayLoop" line. */
  powered_by: boolean;
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
  /** result: the play's prize, when it won one. */
  prize?: PrizeView | undefined;
  /** result, skill games: the personal best and leaderboard rank (plays.standing.ts). */
  best?: { score: number; previous: number | null; is_new: boolean } | null | undefined;
  rank?: { position: number; players: number } | null | undefined;
  stream?:
    | {
        name: string;
        completion_message: string | null;
        start_at: string | null;
        end_at: string | null;
        timezone: string;
        /** start and finished: the stream's games, in order, with this player's progress. */
        games?: StreamGameView[] | undefined;
        /** Plays this player made and may make; `score` sums their scores. */
        progress?: { plays: number; allowed: number; score: number } | undefined;
      }
    | undefined;
  /** result, while plays are left: the game the next play will be (fixed order only). */
  next_game?: { title: string; translations?: LangTexts<string> | undefined } | undefined;
  /**
   * finished: the player used every play the stream allows them (`max_plays_per_player`, else
   * one per game); absent when the stream itself ended.
   */
  played?: { plays: number; allowed: number } | undefined;
  /** The organization's branding, on every screen whose organization is known. */
  brand?: BrandView | undefined;
}
