import { Type, type TSchema } from 'typebox';

// The pieces the event payloads of events.catalog.ts are made of.

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
export const Id = (description: string) => Type.Integer({ minimum: 1, description });
export const DateTime = (description: string) =>
  Type.Unsafe<string>({ type: 'string', format: 'date-time', description });
export const Uuid = (description: string) => Type.String({ format: 'uuid', description });
export const Metadata = Nullable(
  Type.Record(Type.String(), Type.Unknown(), {
    description:
      "The session's `metadata` as its creator sent it. By convention a PlayLoop campaign link names its player with `metadata.player_id` (the casino's id, or PlayLoop's player uuid; the session's `external_ref` when absent) and `metadata.property_id` (a property of the same organization; the organization's only property when absent): the plays then appear on that player (`GET /api/players/{id}/activity`).",
  }),
);

/** The stream a fact happened in: its id, and its slug and name as they were at the time. */
export const stream = {
  stream_id: Nullable(Id('The stream; null outside a stream')),
  stream_slug: Nullable(Type.String({ description: "The stream's slug at the time" })),
  stream_name: Nullable(Type.String({ description: "The stream's name at the time" })),
};

/** The one-time session a fact comes from (null fields for a public stream link). */
export const session = {
  session_id: Nullable(Id("The session token's id (the token itself is never sent)")),
  external_ref: Nullable(
    Type.String({ description: "The session's `external_ref` (often the casino's player id)" }),
  ),
  metadata: Metadata,
};

export const player = {
  player_uuid: Type.String({
    description: 'The browser the play page runs in (a cookie of the play pages)',
  }),
  external_id: Nullable(
    Type.String({
      description:
        "The player's id as the brand gave it: the session's `external_ref`, or a signed `external_id` of a public link; null when unknown",
    }),
  ),
};

export const play = {
  play_id: Id('The play'),
  game_id: Id('The game played'),
  ...stream,
  ...session,
  ...player,
};

export const prize = {
  draw_id: Id('The draw: one per play'),
  slot_id: Id("The game's prize slot drawn"),
  prize_name: Type.String({ description: "The slot's name at the time" }),
  prize_type: Type.Union(
    [
      Type.Literal('voucher_set'),
      Type.Literal('voucher'),
      Type.Literal('item'),
      Type.Literal('external_link'),
    ],
    { description: "The slot's type (a `no_prize` draw is not a win and writes no event)" },
  ),
  voucher_set_id: Nullable(Id('For a `voucher_set` prize, the set its code comes from')),
};

export const playerRef = {
  property_id: Uuid('The property (the PlayerOS tenant)'),
  id: Uuid("PlayLoop's id of the player"),
  player_id: Nullable(Type.String({ description: "The casino's player id, when it has one" })),
};

/** The writable player fields, as the PlayerOS API shows them. */
export const PLAYER_FIELDS = {
  email: Nullable(Type.String()),
  phone: Nullable(Type.String({ description: 'E.164' })),
  first_name: Nullable(Type.String()),
  last_name: Nullable(Type.String()),
  status: Type.String({ description: 'active, inactive, banned or self_excluded' }),
  tier: Nullable(Type.String()),
  adt: Nullable(Type.Number()),
  coin_in: Nullable(Type.Number()),
  timezone: Nullable(Type.String()),
  state: Nullable(Type.String()),
  country: Nullable(Type.String()),
  date_of_birth: Nullable(Type.String({ format: 'date' })),
  traits: Type.Record(Type.String(), Type.Unknown()),
};

/**
 * The play profile, set by the server from the plays of sessions naming the player (at its
 * defaults in player.created). Not tracked: a play writes its own play.* events, not
 * player.updated.
 */
export const PLAY_PROFILE_FIELDS = {
  last_played_at: Nullable(DateTime('When the latest completed play ended')),
  plays: Type.Integer({ minimum: 0, description: 'Completed plays' }),
  last_score: Nullable(Type.Integer({ description: 'Score of the latest completed play' })),
  prizes_won: Type.Integer({ minimum: 0, description: 'Prizes drawn for those plays' }),
};

/** The player fields whose change is a `player.updated` event (updated_at alone is not). */
export const TRACKED_PLAYER_FIELDS = ['player_id', ...Object.keys(PLAYER_FIELDS)] as const;
