import { Type } from 'typebox';
import { DateTime, dateTime, Nullable } from '../../http/schemas.ts';
import { Player } from '../players/index.ts';
import { EXPORT_KINDS, EXPORT_ROWS_PER_KIND } from './privacy.export.ts';

export const PrivacyRequestBody = Type.Object(
  {
    player_id: Type.String({
      minLength: 1,
      maxLength: 100,
      description:
        "The player: PlayLoop's id (uuid) or the casino's player_id, as in `GET /api/players/{id}`",
    }),
    regime: Type.Optional(
      Type.Unsafe<'gdpr' | 'ccpa'>({
        type: 'string',
        enum: ['gdpr', 'ccpa'],
        default: 'gdpr',
        description: 'Sets the deadline: gdpr one month (default), ccpa 45 calendar days',
      }),
    ),
    note: Type.Optional(
      Type.String({ maxLength: 500, description: 'Free text kept with the request' }),
    ),
    request_id: Type.Optional(
      Type.String({
        format: 'uuid',
        description:
          'A request opened with `POST /api/functions/open-privacy-request` (status `received`, or `failed` to retry it): completes that request, which must have the same type and player (else 409), instead of recording a new one. Its own regime, note and deadline stay; `regime` and `note` here are ignored.',
      }),
    ),
  },
  { additionalProperties: false },
);

const RequestType = Type.Unsafe<'export' | 'delete'>({
  type: 'string',
  enum: ['export', 'delete'],
});
const RegimeField = Type.Unsafe<'gdpr' | 'ccpa'>({ type: 'string', enum: ['gdpr', 'ccpa'] });

export const OpenPrivacyRequestBody = Type.Object(
  {
    type: Type.Unsafe<'export' | 'delete'>({
      type: 'string',
      enum: ['export', 'delete'],
      description: 'export: access / portability; delete: erasure',
    }),
    player_id: PrivacyRequestBody.properties.player_id,
    regime: PrivacyRequestBody.properties.regime,
    note: PrivacyRequestBody.properties.note,
  },
  { additionalProperties: false },
);

export const ExtendPrivacyRequestBody = Type.Object(
  {
    id: Type.String({ format: 'uuid', description: 'The privacy request' }),
    reason: Type.String({
      minLength: 1,
      maxLength: 500,
      pattern: '\\S',
      description:
        'Why more time is needed (complexity, number of requests): the subject must be told it with the extension',
    }),
  },
  { additionalProperties: false },
);

const Counts = Type.Record(Type.String(), Type.Unknown(), {
  description:
    'The completion proof: export `{ exported: { kind: rows }, truncated_kinds }`; delete `{ deleted: { kind: rows }, kept: { consents, decisions, reason }, suppressions: { written, reasons } }`',
});

const requestFields = {
  id: Type.String({ format: 'uuid' }),
  property_id: Type.String({ format: 'uuid' }),
  type: RequestType,
  player_id: Nullable(
    Type.String({
      format: 'uuid',
      description: "PlayLoop's id of the player; null once the player is erased",
    }),
  ),
  subject_hash: Type.String({
    description: "SHA-256 hex of 'player:' + PlayLoop's player id: names the subject after erasure",
  }),
  regime: RegimeField,
  status: Type.Unsafe<'received' | 'completed' | 'failed'>({
    type: 'string',
    enum: ['received', 'completed', 'failed'],
    description:
      'received: opened, not yet answered; completed: answered (see completion); failed: an attempt rolled back, still to answer',
  }),
  note: Nullable(Type.String()),
  received_at: DateTime,
  deadline: dateTime('When the answer is due (gdpr: one month; ccpa: 45 days)'),
  extended_until: Nullable(
    dateTime(
      'The extended deadline, when extended (gdpr: two further months; ccpa: another 45 days)',
    ),
  ),
  extension_reason: Nullable(
    Type.String({ description: 'Why the deadline was extended, as told to the subject' }),
  ),
  extended_at: Nullable(dateTime('When the extension was made (within the first period)')),
  completed_at: Nullable(DateTime),
  completion: Nullable(Counts),
};

export const PrivacyRequest = Type.Object(requestFields);

const ListedPrivacyRequest = Type.Object({
  ...requestFields,
  overdue: Type.Boolean({
    description: 'Not completed, and the deadline (the extended one, when extended) has passed',
  }),
});

export const PrivacyRequestOne = Type.Object({
  success: Type.Literal(true),
  data: PrivacyRequest,
});

export const PrivacyRequestList = Type.Object({
  success: Type.Literal(true),
  data: Type.Array(ListedPrivacyRequest),
});

export const PrivacyRequestQuery = Type.Object({
  limit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 500, default: 100, description: 'Most requests answered' }),
  ),
  overdue: Type.Optional(
    Type.Boolean({
      description: 'true: only overdue requests; false: only the others; absent: all',
    }),
  ),
});

const Rows = (description: string) =>
  Type.Array(Type.Record(Type.String(), Type.Unknown()), { description });

export const ExportBundle = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({
    request: PrivacyRequest,
    player: Player,
    consents: Rows(
      "Consent records (grants and revocations, with source and evidence) naming the player's id, email or phone",
    ),
    decisions: Rows('Pre-send compliance decisions made for the player'),
    events: Rows(
      'Domain events about the player: player.* events, and the play events on its timeline (`data` is the payload)',
    ),
    activity: Rows("The player's timeline (player_activity)"),
    messages: Rows(
      'Campaign messages to the player: queued, skipped (with the reasons) or sent, with subject and text',
    ),
    subscriptions: Rows('Subscription group memberships, with the group'),
    contacts: Rows("The contact log: each send to the player's id or addresses"),
    truncated: Type.Boolean({
      description: `True when a kind had more than ${EXPORT_ROWS_PER_KIND} rows and was cut`,
    }),
    truncated_kinds: Type.Array(Type.Unsafe<string>({ type: 'string', enum: [...EXPORT_KINDS] }), {
      description: 'The kinds cut at the limit',
    }),
  }),
});
