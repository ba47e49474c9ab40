import { Type } from 'typebox';
import { Cursor, DateTime, Nullable } from '../../http/schemas.ts';

const Id = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });
const Token = Type.String({
  format: 'uuid',
  description: 'The session token UUID',
  examples: ['a1b2c3d4-e5f6-7890-abcd-ef1234567890'],
});
const Metadata = Type.Record(Type.String(), Type.Unknown(), {
  description: 'Arbitrary JSON data for your own tracking (at most 16 KiB)',
});

export const CreateSessionBody = Type.Object({
  game_id: Type.Optional(
    Nullable(
      Type.Integer({
        minimum: 1,
        maximum: 2_147_483_647,
        description:
          'Target game ID. At least one of game_id or stream_id is required; with both, the game must be part of the stream.',
      }),
    ),
  ),
  stream_id: Type.Optional(
    Nullable(
      Type.Integer({
        minimum: 1,
        maximum: 2_147_483_647,
        description: 'Target stream ID. At least one of game_id or stream_id is required.',
      }),
    ),
  ),
  external_ref: Type.Optional(
    Nullable(Type.String({ maxLength: 255, description: 'Your tracking reference' })),
  ),
  metadata: Type.Optional(Nullable(Metadata)),
  expires_in_minutes: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 525_600,
      default: 1440,
      description: 'Token expiry in minutes (1 to 525600). Default: 1440 (24 hours)',
    }),
  ),
});

/*
 * DailyPlay's document types game_id, external_ref and metadata of the create, validate and
 * consume answers as integer, string and object, not nullable: when a session has none, the field
 * is left out, never sent as null (stream_id is documented nullable and stays null).
 */
const OptionalGameId = Type.Optional(
  Type.Integer({ description: 'Absent for a token of a whole stream' }),
);
const OptionalExternalRef = Type.Optional(
  Type.String({ description: 'Absent when the token was created without one' }),
);
const OptionalMetadata = Type.Optional(
  Type.Record(Type.String(), Type.Unknown(), {
    description: 'Absent when the token was created without metadata',
  }),
);

export const CreateSessionResponse = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({
    token: Type.String({ format: 'uuid', description: 'The one-time session token' }),
    stream_id: Nullable(Type.Integer()),
    game_id: OptionalGameId,
    expires_at: DateTime,
    external_ref: OptionalExternalRef,
    play_url: Type.String({ description: 'Where to send the player (PlayLoop addition)' }),
  }),
});

export const ValidateQuery = Type.Object({ token: Token });

const Status = Type.Union(
  [
    Type.Literal('active'),
    Type.Literal('consumed'),
    Type.Literal('expired'),
    Type.Literal('revoked'),
  ],
  { description: 'active, then consumed, expired or revoked' },
);

export const ValidateSessionResponse = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({
    valid: Type.Boolean({ description: 'true only while status is active' }),
    status: Status,
    stream_id: Nullable(Type.Integer()),
    game_id: OptionalGameId,
    expires_at: DateTime,
    external_ref: OptionalExternalRef,
    metadata: OptionalMetadata,
  }),
});

export const ConsumeSessionBody = Type.Object({
  token: Token,
  player_uuid: Type.Optional(
    Nullable(Type.String({ maxLength: 200, description: 'UUID identifying the player' })),
  ),
});

export const ConsumeSessionResponse = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({
    session_id: Type.Integer(),
    org_id: Type.Integer(),
    stream_id: Nullable(Type.Integer()),
    game_id: OptionalGameId,
    external_ref: OptionalExternalRef,
    metadata: OptionalMetadata,
  }),
});

export const RevokeSessionBody = Type.Object({ token: Token });

export const SessionObject = Type.Object({
  session_id: Type.Integer(),
  token: Type.String({ format: 'uuid' }),
  status: Status,
  game_id: Nullable(Type.Integer()),
  stream_id: Nullable(Type.Integer()),
  external_ref: Nullable(Type.String()),
  metadata: Nullable(Metadata),
  expires_at: DateTime,
  created_at: DateTime,
  consumed_at: Nullable(DateTime),
  revoked_at: Nullable(DateTime),
  player_uuid: Nullable(Type.String()),
  api_key_id: Nullable(Type.Integer()),
});

export const RevokeSessionResponse = Type.Object({
  success: Type.Literal(true),
  data: SessionObject,
});

export const ListSessionsQuery = Type.Object({
  status: Type.Optional(Status),
  game_id: Type.Optional(Id),
  stream_id: Type.Optional(Id),
  external_ref: Type.Optional(Type.String({ maxLength: 255 })),
  cursor: Type.Optional(Cursor),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
});

export const MemberSessionsQuery = Type.Object({
  org_id: Id,
  ...ListSessionsQuery.properties,
});

/** A session as a member sees it: the token only for Owners and Admins. */
const MemberSessionObject = Type.Object({
  ...SessionObject.properties,
  token: Nullable(
    Type.String({ format: 'uuid', description: 'Owners and Admins only; null for the others' }),
  ),
});

export const MemberSessionsResponse = Type.Object({
  success: Type.Literal(true),
  data: Type.Array(MemberSessionObject),
  next_cursor: Nullable(Type.Integer({ description: 'Pass as cursor for the next page' })),
});

export const ListSessionsResponse = Type.Object({
  success: Type.Literal(true),
  data: Type.Array(SessionObject),
  next_cursor: Nullable(Type.Integer({ description: 'Pass as cursor for the next page' })),
});
