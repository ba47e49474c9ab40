import { Type } from 'typebox';
import { dateTime, Nullable } from '../../http/schemas.ts';
import { MAX_DNC_ENTRIES } from './subscriptions.dnc.ts';
import { MAX_MEMBERS_PER_CALL } from './subscriptions.service.ts';

const PlayerRef = Type.String({
  minLength: 1,
  maxLength: 100,
  description: "PlayLoop's player id (UUID) or the casino's player_id",
});

export const SetSubscriptionsBody = Type.Object(
  {
    group_id: Type.String({ format: 'uuid', description: 'The subscription group' }),
    members: Type.Array(
      Type.Object(
        {
          player_id: PlayerRef,
          subscribed: Type.Boolean({ description: 'true: in the group; false: unsubscribed' }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: MAX_MEMBERS_PER_CALL },
    ),
  },
  { additionalProperties: false },
);

export const SetSubscriptionsResponse = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({
    updated: Type.Integer({ description: 'Memberships written' }),
    unknown: Type.Array(Type.String(), {
      description: 'The player_id values, as sent, of players the property does not have',
    }),
  }),
});

const identifierFields = {
  phone: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 40,
      description: 'A phone number, E.164 (a US number may omit +1)',
    }),
  ),
  email: Type.Optional(Type.String({ minLength: 1, maxLength: 320 })),
  player_id: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 100,
      description:
        "The casino's player id; PlayLoop's id of one of the property's players stands for that player's casino id",
    }),
  ),
};

const Identifier = Type.Object(identifierFields, {
  additionalProperties: false,
  description: 'Exactly one of phone, email or player_id',
});

export const LookupBody = Identifier;

const Entries = <T extends Parameters<typeof Type.Array>[0]>(item: T) =>
  Type.Object(
    { entries: Type.Array(item, { minItems: 1, maxItems: MAX_DNC_ENTRIES }) },
    { additionalProperties: false },
  );

export const AddBody = Entries(
  Type.Object(
    {
      ...identifierFields,
      note: Type.Optional(
        Type.String({ maxLength: 500, description: 'Why, for the staff reading the list' }),
      ),
    },
    { additionalProperties: false, description: 'Exactly one of phone, email or player_id' },
  ),
);

export const RemoveBody = Entries(Identifier);

const Hash = Type.String({
  pattern: '^[0-9a-fA-F]{64}$',
  description: 'SHA-256 (hex) of the normalized identifier',
});

export const HashParams = Type.Object({ hash: Hash });

export const ListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'Default 100' })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
    before: Type.Optional(
      Type.String({
        maxLength: 200,
        description: '`next_before` of the previous page, or a date-time: entries added before it',
      }),
    ),
  },
  { additionalProperties: false },
);

export const ListResponse = Type.Object({
  success: Type.Literal(true),
  data: Type.Array(
    Type.Object({
      hash: Hash,
      note: Nullable(Type.String()),
      created_at: dateTime('When it was listed'),
    }),
  ),
  total: Type.Integer({ description: 'Entries on the list' }),
  next_before: Nullable(
    Type.String({ description: 'Pass as `before` for the next page; null on the last page' }),
  ),
});

export const AddResponse = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({
    added: Type.Integer({
      description: 'Entries newly listed (ones already listed are kept as they were)',
    }),
    hashes: Type.Array(Hash, { description: 'The hash of each entry, in the order sent' }),
  }),
});

export const RemoveResponse = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({
    removed: Type.Integer({ description: 'Entries taken off the list' }),
    hashes: Type.Array(Hash, { description: 'The hashes taken off the list' }),
  }),
});

export const LookupResponse = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({
    listed: Type.Boolean({ description: 'Whether any suppression blocks messages to it' }),
    reasons: Type.Array(
      Type.Union([
        Type.Literal('do_not_contact'),
        Type.Literal('erased'),
        Type.Literal('self_excluded'),
      ]),
      {
        description:
          "do_not_contact (this list: blocks every purpose), erased and self_excluded (block marketing); for a player, any identifier of the profile's",
      },
    ),
    hash: Hash,
  }),
});
