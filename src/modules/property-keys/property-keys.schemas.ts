import { Type } from 'typebox';
import { DateTime, dateTime, Nullable } from '../../http/schemas.ts';

const Uuid = (description: string) => Type.String({ format: 'uuid', description });

const Scopes = Type.Array(Type.Enum(['read', 'write']), {
  minItems: 1,
  maxItems: 2,
  uniqueItems: true,
  description:
    'read: list and retrieve resources; write: create, update, send and delete. Default ["read","write"].',
});

const keyFields = {
  id: Uuid('Key id (used to revoke it)'),
  property_id: Uuid('The property the key is bound to; its requests are scoped to it'),
  name: Type.String(),
  key_prefix: Type.String({ description: 'First 8 characters of the key, for identification' }),
  scopes: Scopes,
  rate_limit_per_minute: Type.Integer({
    description: 'Requests per UTC minute; past it the answer is 429 with retry_after',
  }),
  created_at: DateTime,
};

export const PropertyKey = Type.Object({
  ...keyFields,
  revoked_at: Nullable(dateTime('When the key was revoked; null while it works')),
  last_used_at: Nullable(dateTime('Updated at most once a minute')),
  created_by: Nullable(
    Type.Integer({
      description:
        'User id of whoever created the key (null: created by tooling, or the account was deleted). The key belongs to the organization and keeps working when that member leaves.',
    }),
  ),
});

export const CreatePropertyKeyBody = Type.Object(
  {
    property_id: Uuid('The property to issue the key for'),
    name: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'Descriptive name, e.g. "Reporting agent"',
    }),
    scopes: Type.Optional(Scopes),
    rate_limit_per_minute: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 100_000, default: 100, description: 'Default 100' }),
    ),
  },
  { additionalProperties: false },
);

export const CreatePropertyKeyResponse = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({
    ...keyFields,
    key: Type.String({
      description: 'The full key, `pk_` + 48 hex characters. Shown only once: only a hash is kept.',
    }),
  }),
});

export const RevokePropertyKeyBody = Type.Object(
  {
    id: Type.Optional(Uuid('Id of the key to revoke')),
    key_id: Type.Optional(Uuid('Alias of `id`')),
  },
  { additionalProperties: false },
);

export const PropertyKeyQuery = Type.Object({
  property_id: Uuid('The property whose keys to list'),
});

export const PropertyKeyOne = Type.Object({ success: Type.Literal(true), data: PropertyKey });
export const PropertyKeyList = Type.Object({
  success: Type.Literal(true),
  data: Type.Array(PropertyKey),
});
