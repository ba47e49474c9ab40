import { Type } from 'typebox';
import { Nullable } from '../../http/schemas.ts';

const Token = Type.String({ format: 'uuid' });
// The page's language (play.js sends it): the game's texts and prizes come back in it.
const Lang = Type.Optional(
  Type.String({ maxLength: 10, description: 'Page language (en, th); else Accept-Language' }),
);
const Id = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });
const Utm = Type.Record(Type.String({ maxLength: 40 }), Type.String({ maxLength: 200 }), {
  maxProperties: 10,
});

export const StartBody = Type.Union([
  Type.Object({ session_token: Token, game_id: Id, lang: Lang }, { additionalProperties: false }),
  Type.Object({ session_token: Token, stream_id: Id, lang: Lang }, { additionalProperties: false }),
  Type.Object(
    {
      org_slug: Type.String({ minLength: 1, maxLength: 64 }),
      stream_slug: Type.String({ minLength: 1, maxLength: 64 }),
      external_id: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
      // The link's signature over external_id (docs/play.md): without a valid one the id is ignored.
      expires: Type.Optional(Type.Integer({ minimum: 0, maximum: 999_999_999_999 })),
      sig: Type.Optional(Type.String({ maxLength: 128 })),
      utm: Type.Optional(Utm),
      lang: Lang,
    },
    { additionalProperties: false },
  ),
]);

const GameView = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  description: Nullable(Type.String()),
  template: Type.String(),
  config: Type.Record(Type.String(), Type.Unknown()),
  segments: Type.Array(Type.Object({ label: Type.String() })),
});

const PlayObject = Type.Object({
  id: Type.Integer(),
  game_id: Type.Integer(),
  stream_id: Nullable(Type.Integer()),
  status: Type.String(),
});

export const StartResponse = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({ play: PlayObject, game: GameView, resumed: Type.Boolean() }),
});

export const PlayParams = Type.Object({ id: Id });

export const CompleteBody = Type.Object(
  {
    duration_ms: Type.Integer({ minimum: 0, maximum: 3_600_000 }),
    pairs_found: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
    moves: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
    taps: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
    lang: Lang,
    box_index: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 100, description: 'grid-box-reveal: the box picked' }),
    ),
  },
  { additionalProperties: false },
);

const PrizeOffer = Type.Object({
  draw_token: Nullable(Type.String()),
  expires_at: Type.Unsafe<Date | string>({ type: 'string', format: 'date-time' }),
  slot: Type.Object({
    name: Type.String(),
    description: Nullable(Type.String()),
    type: Type.String(),
  }),
});

const Qr = Nullable(
  Type.Object(
    { size: Type.Integer(), path: Type.String() },
    {
      description:
        'The code as a QR code: an SVG path of the dark modules on a size×size grid (quiet zone included); draw it black on white',
    },
  ),
);

export const PlayBest = Nullable(
  Type.Object(
    {
      score: Type.Integer({ description: 'The best score, this play included' }),
      previous: Nullable(Type.Integer({ description: 'The best before this play' })),
      is_new: Type.Boolean({ description: 'This play set the best (true on a first play)' }),
    },
    { description: "Skill games: the player's personal best; null for lucky draws" },
  ),
);

export const PlayRank = Nullable(
  Type.Object(
    { position: Type.Integer({ minimum: 1 }), players: Type.Integer({ minimum: 1 }) },
    { description: "Skill games with a leaderboard: the player's rank by best score" },
  ),
);

export const CompleteResponse = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({
    score: Type.Integer(),
    result: Type.Record(Type.String(), Type.Unknown()),
    prize: Nullable(PrizeOffer),
    next_url: Nullable(Type.String()),
    best: PlayBest,
    rank: PlayRank,
    // The game the next play will be (fixed-order streams; null without a next play).
    next_game: Nullable(Type.Object({ title: Type.String() })),
  }),
});

export const ClaimBody = Type.Object(
  { draw_token: Type.String({ minLength: 1, maxLength: 1000 }), lang: Lang },
  { additionalProperties: false },
);

export const ClaimResponse = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({
    prize: Type.Object({
      name: Type.String(),
      description: Nullable(Type.String()),
      type: Type.String(),
      code: Nullable(Type.String()),
      url: Nullable(Type.String()),
      qr: Qr,
    }),
  }),
});

export const PageQuery = Type.Object({
  session_token: Type.Optional(Type.String({ maxLength: 100 })),
  lang: Type.Optional(Type.String({ maxLength: 10 })),
});

export const PublicStreamQuery = Type.Object({
  external_id: Type.Optional(Type.String({ maxLength: 200 })),
  user_id: Type.Optional(Type.String({ maxLength: 200 })),
  braze_id: Type.Optional(Type.String({ maxLength: 200 })),
  // Unix seconds and hex HMAC-SHA256 signing the id; anything malformed counts as unsigned.
  expires: Type.Optional(Type.String({ maxLength: 20 })),
  sig: Type.Optional(Type.String({ maxLength: 200 })),
  lang: Type.Optional(Type.String({ maxLength: 10 })),
  utm_source: Type.Optional(Type.String({ maxLength: 200 })),
  utm_medium: Type.Optional(Type.String({ maxLength: 200 })),
  utm_campaign: Type.Optional(Type.String({ maxLength: 200 })),
  utm_term: Type.Optional(Type.String({ maxLength: 200 })),
  utm_content: Type.Optional(Type.String({ maxLength: 200 })),
});
