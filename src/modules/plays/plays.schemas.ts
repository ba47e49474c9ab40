import { Type } from 'typebox';
import { Nullable } from '../../http/schemas.ts';

const Token = Type.String({ format: 'uuid' });
const Id = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });
const Utm = Type.Record(Type.String({ maxLength: 40 }), Type.String({ maxLength: 200 }), {
  maxProperties: 10,
});

export const StartBody = Type.Union([
  Type.Object({ session_token: Token, game_id: Id }, { additionalProperties: false }),
  Type.Object({ session_token: Token, stream_id: Id }, { additionalProperties: false }),
  Type.Object(
    {
      org_slug: Type.String({ minLength: 1, maxLength: 64 }),
      stream_slug: Type.String({ minLength: 1, maxLength: 64 }),
      external_id: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
      // The link's signature over external_id (docs/play.md): without a valid one the id is ignored.
      expires: Type.Optional(Type.Integer({ minimum: 0, maximum: 999_999_999_999 })),
      sig: Type.Optional(Type.String({ maxLength: 128 })),
      utm: Type.Optional(Utm),
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

export const CompleteResponse = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({
    score: Type.Integer(),
    result: Type.Record(Type.String(), Type.Unknown()),
    prize: Nullable(PrizeOffer),
    next_url: Nullable(Type.String()),
  }),
});

export const ClaimBody = Type.Object(
  { draw_token: Type.String({ minLength: 1, maxLength: 1000 }) },
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
