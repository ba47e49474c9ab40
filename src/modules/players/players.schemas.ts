import { Type } from 'typebox';
import { DateTime, dateTime, Nullable } from '../../http/schemas.ts';
import { PLAYER_STATUSES, type PlayerStatus } from './players.table.ts';
import { TRAITS_MAX_BYTES } from './players.validation.ts';

const Status = Type.Unsafe<PlayerStatus>({
  type: 'string',
  enum: [...PLAYER_STATUSES],
  description: 'active (default), inactive, banned or self_excluded',
});

const Traits = Type.Record(Type.String(), Type.Unknown(), {
  description: `Free-form JSON object (at most ${TRAITS_MAX_BYTES / 1024} KiB); select only, not filterable`,
});

/**
 * Set by the server from the plays of DailyPlay sessions that name the player (the return
 * path: see GET /api/players/{id}/activity); read-only, filterable like any column.
 */
const PlayProfile = {
  last_played_at: Nullable(
    dateTime("When the player's latest completed play ended; null before the first"),
  ),
  plays: Type.Integer({
    minimum: 0,
    description:
      'Completed plays of sessions naming this player (a started, unfinished play does not count); read-only',
  }),
  last_score: Nullable(
    Type.Integer({ description: 'Score of the latest completed play; read-only' }),
  ),
  prizes_won: Type.Integer({
    minimum: 0,
    description: 'Prizes drawn for those plays, claimed or not; read-only',
  }),
};

export const Player = Type.Object(
  {
    id: Type.String({ format: 'uuid', description: "PlayLoop's id of the player" }),
    property_id: Type.String({ format: 'uuid', description: 'The property (tenant)' }),
    player_id: Nullable(
      Type.String({
        description:
          "The casino's own player id (loyalty card number), unique within the property; null when the player was created without one",
      }),
    ),
    email: Nullable(Type.String()),
    phone: Nullable(Type.String({ description: 'E.164, e.g. +17025550100' })),
    first_name: Nullable(Type.String()),
    last_name: Nullable(Type.String()),
    status: Status,
    tier: Nullable(Type.String({ description: 'Loyalty tier, e.g. Gold' })),
    adt: Nullable(
      Type.Number({ description: "Average daily theoretical, in the property's currency" }),
    ),
    coin_in: Nullable(Type.Number({ description: "Coin-in, in the property's currency" })),
    timezone: Nullable(Type.String({ description: 'IANA time zone' })),
    state: Nullable(Type.String()),
    country: Nullable(Type.String({ description: 'ISO 3166-1 alpha-2' })),
    date_of_birth: Nullable(Type.String({ format: 'date' })),
    traits: Traits,
    created_at: DateTime,
    updated_at: DateTime,
    ...PlayProfile,
  },
  { description: 'A player of a property' },
);

/** The writable fields. Types are checked here; formats and ranges by the service. */
const writable = {
  player_id: Nullable(
    Type.String({
      description:
        'Optional: 1 to 100 characters, unique within the property; "" or null means none (clears it on update)',
    }),
  ),
  email: Nullable(Type.String({ description: 'An email address; "" or null clears it' })),
  phone: Nullable(
    Type.String({
      description:
        'Stored as E.164. Send +<country code><number>, or a national number together with `country` in the same object.',
    }),
  ),
  first_name: Nullable(Type.String({ description: 'At most 100 characters' })),
  last_name: Nullable(Type.String({ description: 'At most 100 characters' })),
  status: Status,
  tier: Nullable(Type.String({ description: 'At most 50 characters' })),
  adt: Nullable(Type.Number({ description: '≥ 0, two decimals kept' })),
  coin_in: Nullable(Type.Number({ description: '≥ 0, two decimals kept' })),
  timezone: Nullable(Type.String({ description: 'IANA time zone, e.g. America/Los_Angeles' })),
  state: Nullable(Type.String({ description: 'At most 100 characters' })),
  country: Nullable(Type.String({ description: 'ISO 3166-1 alpha-2, e.g. US (upper-cased)' })),
  date_of_birth: Nullable(Type.String({ description: 'YYYY-MM-DD, in the past' })),
  traits: Traits,
};

export const PlayerPatch = Type.Partial(Type.Object(writable), {
  additionalProperties: false,
  description: 'The fields to change; fields not sent keep their value. Null clears a field.',
});

export const PlayerParams = Type.Object({
  id: Type.String({
    minLength: 1,
    maxLength: 100,
    description:
      "The player: PlayLoop's id (a uuid), or the casino's player_id (e.g. 100234). A uuid-shaped value is always read as PlayLoop's id; find a casino id that is itself a uuid with GET /api/players?player_id.eq=<id>.",
  }),
});

export const PlayerOne = Type.Object({ success: Type.Literal(true), data: Player });

export const BatchBody = Type.Object(
  {
    players: Type.Array(
      Type.Unsafe<unknown>({
        description:
          "A player, fields as in PATCH /api/players/{id}. A row with player_id updates the property's player with that player_id, or creates it; a row without one always creates a new player. Checked one by one: a bad row is reported in `errors` and the others are still applied.",
      }),
      { minItems: 1, maxItems: 1000 },
    ),
  },
  { additionalProperties: false },
);

export const BatchResponse = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({
    inserted: Type.Integer({ description: 'Players created' }),
    updated: Type.Integer({ description: 'Existing players (same player_id) updated' }),
    errors: Type.Array(
      Type.Object({
        index: Type.Integer({ description: 'Position of the row in `players` (0-based)' }),
        player_id: Nullable(Type.String()),
        error: Type.String({ description: 'Why the row was not applied' }),
      }),
      { description: 'Rows not applied; every other row was' },
    ),
  }),
});
