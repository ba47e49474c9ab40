import { Type } from 'typebox';
import { dateTime, DateTime, Nullable } from '../../http/schemas.ts';
import { EVENT_TYPES } from '../events/index.ts';
import { MAX_LOG_PAGE } from './webhooks.log.ts';

// Wire shapes of PlayerOS webhook endpoints and of the delivery log (shared with connections).

const Url = Type.String({
  minLength: 1,
  maxLength: 2048,
  description:
    'Where deliveries are POSTed: http or https. Refused with 400 (and `rule`) when it names, or its host resolves to, a loopback, private, link-local or cloud metadata address, unless the install sets WEBHOOKS_ALLOW_PRIVATE_NETWORKS (metadata addresses are refused always).',
});

const EventTypes = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
  minItems: 1,
  maxItems: 64,
  description: `The event types delivered, of the catalog (${EVENT_TYPES.join(', ')}), or \`["*"]\` for every type. A test message (\`webhook.test\`) is sent whatever they are.`,
});

const Description = Type.String({ maxLength: 500 });

export const EndpointParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const CreateEndpointBody = Type.Object(
  { url: Url, event_types: EventTypes, description: Type.Optional(Description) },
  { additionalProperties: false },
);

export const UpdateEndpointBody = Type.Object(
  {
    url: Type.Optional(Url),
    event_types: Type.Optional(EventTypes),
    description: Type.Optional(Description),
  },
  { additionalProperties: false, minProperties: 1 },
);

const DisabledReason = Nullable(
  Type.Union([Type.Literal('manual'), Type.Literal('gone'), Type.Literal('failing')], {
    description:
      '`manual`: disabled through the API; `gone`: the receiver answered 410; `failing`: every attempt failed for 5 days',
  }),
);

export const Endpoint = Type.Object({
  id: Type.String({ format: 'uuid' }),
  property_id: Type.String({ format: 'uuid' }),
  url: Type.String(),
  description: Type.String(),
  event_types: Type.Array(Type.String()),
  enabled: Type.Boolean(),
  disabled_at: Nullable(DateTime),
  disabled_reason: DisabledReason,
  failing_since: Nullable(
    dateTime('The first failed attempt since the last success; null when healthy'),
  ),
  last_success_at: Nullable(DateTime),
  previous_secret_expires_at: Nullable(
    dateTime('After a rotation: when the previous secret stops signing beside the new one'),
  ),
  created_at: DateTime,
  updated_at: DateTime,
});

export const EndpointOne = Type.Object({ success: Type.Literal(true), data: Endpoint });
export const EndpointList = Type.Object({
  success: Type.Literal(true),
  data: Type.Array(Endpoint),
});

export const EndpointWithSecret = Type.Object({
  success: Type.Literal(true),
  data: Type.Intersect([
    Endpoint,
    Type.Object({
      secret: Type.String({
        description:
          'The signing secret (`whsec_` + base64), shown this once: verify `webhook-signature` with it (Standard Webhooks)',
      }),
    }),
  ]),
});

export const Queued = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({
    message_id: Type.String({ description: 'The `webhook-id` it is sent with' }),
  }),
});

// --- the delivery log -----------------------------------------------------------------------

export const MessageId = Type.String({
  pattern: '^msg_[0-9a-f]{32}$',
  description: 'A message id (`msg_…`)',
});

export const MessagesQuery = Type.Object(
  {
    status: Type.Optional(
      Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LOG_PAGE, default: 50 })),
    before: Type.Optional(
      Type.String({ pattern: '^msg_[0-9a-f]{32}$', description: '`next_before` of the last page' }),
    ),
  },
  { additionalProperties: false },
);

export const Attempt = Type.Object({
  attempt: Type.Integer({ minimum: 1 }),
  attempted_at: DateTime,
  trigger: Type.Union([Type.Literal('schedule'), Type.Literal('replay'), Type.Literal('resend')]),
  url: Type.String(),
  ok: Type.Boolean(),
  http_status: Nullable(Type.Integer()),
  latency_ms: Type.Integer(),
  error_kind: Nullable(
    Type.String({
      description: 'refused_url, timeout, network, redirect, http_status or unsendable',
    }),
  ),
  error: Nullable(Type.String()),
  response_body: Type.String({ description: "The answer's first 4 KiB" }),
  response_truncated: Type.Boolean(),
});

const messageFields = {
  id: Type.String({ description: 'The message id: the `webhook-id` of every attempt' }),
  event_id: Nullable(Type.String({ format: 'uuid', description: 'null for a test message' })),
  event_type: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]),
  attempts: Type.Integer({ minimum: 0 }),
  next_attempt_at: Nullable(DateTime),
  created_at: DateTime,
  last_attempt: Nullable(Attempt),
};

export const MessageList = Type.Object({
  success: Type.Literal(true),
  data: Type.Array(Type.Object(messageFields)),
  next_before: Nullable(Type.String({ description: 'Pass as `before` for the next page' })),
});

export const MessageOne = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({
    ...messageFields,
    payload: Type.Record(Type.String(), Type.Unknown(), {
      description: 'The event envelope delivered',
    }),
    attempts_log: Type.Array(Attempt),
  }),
});

export const ResendBody = Type.Object(
  {
    since: Type.String({
      format: 'date-time',
      description: 'Messages created at or after this time that failed are sent again',
    }),
  },
  { additionalProperties: false },
);

export const ResendResult = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({
    requeued: Type.Integer({ minimum: 0 }),
    more: Type.Boolean({
      description: 'More failed messages are left than one resend takes (1,000): call it again',
    }),
  }),
});
