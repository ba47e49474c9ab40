import { Type } from 'typebox';
import { Cursor, DateTime, dateTime, Nullable } from '../../http/schemas.ts';

const Id = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });
const IdList = Nullable(Type.Array(Id, { maxItems: 1000 }));

export const ApiKey = Type.Object({
  id: Type.Integer(),
  org_id: Type.Integer(),
  name: Type.String(),
  description: Nullable(Type.String()),
  key_prefix: Type.String({ description: 'First 8 characters of the key, for identification' }),
  is_active: Type.Boolean(),
  allowed_game_ids: Nullable(Type.Array(Type.Integer())),
  allowed_stream_ids: Nullable(Type.Array(Type.Integer())),
  rate_limit_per_minute: Type.Integer(),
  rate_limit_per_day: Type.Integer(),
  expires_at: Nullable(DateTime),
  created_at: DateTime,
  last_used_at: Nullable(dateTime('Updated at most once a minute')),
  created_by: Nullable(
    Type.Integer({
      description:
        'User id of whoever created the key (null: created by tooling, or the account was deleted). The key belongs to the organization and keeps working when that member leaves.',
    }),
  ),
});

const editable = {
  description: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
  allowed_game_ids: Type.Optional(
    Type.Union([Type.Array(Id, { maxItems: 1000 }), Type.Null()], {
      description: 'Restrict the key to these game ids. Null = all games of the organization.',
    }),
  ),
  allowed_stream_ids: Type.Optional(
    Type.Union([Type.Array(Id, { maxItems: 1000 }), Type.Null()], {
      description: 'Restrict the key to these stream ids. Null = all streams.',
    }),
  ),
  rate_limit_per_minute: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
  rate_limit_per_day: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000_000 })),
  expires_at: Type.Optional(
    Nullable(Type.String({ format: 'date-time', description: 'Optional auto-expiry date' })),
  ),
};

export const CreateApiKeyBody = Type.Object({
  org_id: Id,
  name: Type.String({ minLength: 1, maxLength: 200, description: 'Descriptive name for the key' }),
  ...editable,
});

export const CreateApiKeyResponse = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({
    ...ApiKey.properties,
    key: Type.String({ description: 'The full API key. Only shown once at creation time.' }),
  }),
});

export const UpdateApiKeyBody = Type.Object({
  id: Id,
  org_id: Id,
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  is_active: Type.Optional(
    Type.Boolean({ description: 'Set false to revoke, true to reactivate' }),
  ),
  ...editable,
});

export const OrgQuery = Type.Object({ org_id: Id });
export const KeyQuery = Type.Object({ id: Id, org_id: Id });

export const ApiKeyList = Type.Object({ success: Type.Literal(true), data: Type.Array(ApiKey) });
export const ApiKeyOne = Type.Object({ success: Type.Literal(true), data: ApiKey });

export const UsageQuery = Type.Object({
  org_id: Id,
  key_id: Type.Optional(Id),
  cursor: Type.Optional(Cursor),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
});

export const UsageList = Type.Object({
  success: Type.Literal(true),
  data: Type.Array(
    Type.Object({
      id: Type.Integer(),
      api_key_id: Nullable(Type.Integer()),
      key_prefix: Type.String(),
      action: Type.String(),
      outcome: Type.String({
        description: 'success, rejected, forbidden, rate_limited, client_error or server_error',
      }),
      status_code: Type.Integer(),
      client_ip: Nullable(Type.String()),
      created_at: DateTime,
      count: Type.Integer({
        minimum: 1,
        description:
          'Requests the entry stands for. 1 for a request that passed the key check and rate limit; ' +
          'refusals at the gate (inactive, expired or plan-refused key: rejected/forbidden; over a rate limit: rate_limited) ' +
          'are one entry per key, action, outcome and minute, with `created_at` the start of the minute and `client_ip` the first address seen',
      }),
    }),
  ),
  next_cursor: Nullable(Type.Integer()),
});

export { IdList };
