import { Type } from 'typebox';
import { dateTime, Nullable } from '../../http/schemas.ts';
import {
  MAX_BATCH_EVENTS,
  MAX_FUTURE_MS,
  MAX_PROPERTIES_BYTES,
  MAX_PROPERTIES_KEYS,
} from './player-events.service.ts';

// Wire shapes of casino events: one event, a batch of them, and the answers.

/** A batch body of 500 events is at most this; more is 413 payload_too_large (the envelope). */
export const BATCH_BODY_LIMIT = 1024 * 1024;
/** One event: 8 KB of properties plus the other fields, with room for JSON escaping. */
export const EVENT_BODY_LIMIT = 32 * 1024;

export const EVENTS_HELP =
  `An event says a player did something at the casino (\`visit\`, \`deposit\`, \`tier_changed\` …). ` +
  "`player_id` is PlayLoop's player id (uuid) or the casino's player_id, read exactly like the `{id}` of `GET /api/players/{id}`; a player of another property is 404 like one that does not exist (no player is created). " +
  `\`properties\` is a JSON object of at most ${MAX_PROPERTIES_KEYS} keys and ${MAX_PROPERTIES_BYTES / 1024} KB serialized. ` +
  `\`occurred_at\` defaults to now; more than ${MAX_FUTURE_MS / 60_000} minutes ahead, or more than a year ago, is 400 validation_failed. ` +
  "Each stored event appears on the player's timeline (`GET /api/players/{id}/activity`, type `event.<name>`) and writes one `player.event` domain event (webhooks, journeys), in the same statement. " +
  '**Idempotency:** `event_id` is your key for the event, unique within the property: sending an `event_id` already stored stores nothing and answers the event stored the first time, with `duplicate: true`, even when the rest of the body differs (the first write wins; retries are safe). Without `event_id` every request stores a new event. ' +
  "Ingestion has no quota of its own beyond the key's rate limit (`rate_limit_per_minute`).";

const Name = Type.String({
  minLength: 1,
  maxLength: 100,
  pattern: '^[A-Za-z0-9_.:-]+$',
  description: 'What happened: letters, digits and `_ . : -` (e.g. `visit`, `deposit`)',
});

const PlayerRef = Type.String({
  minLength: 1,
  maxLength: 100,
  description: "PlayLoop's player id (uuid) or the casino's player_id",
});

export const EventInput = Type.Object(
  {
    player_id: PlayerRef,
    name: Name,
    properties: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        maxProperties: MAX_PROPERTIES_KEYS,
        description: `Facts of the event (amount, game, tier …): a JSON object of at most ${MAX_PROPERTIES_KEYS} keys and ${MAX_PROPERTIES_BYTES} bytes serialized; default \`{}\``,
      }),
    ),
    occurred_at: Type.Optional(
      Type.String({
        format: 'date-time',
        description:
          'When it happened; default: when received. Within the last year, and at most 5 minutes ahead',
      }),
    ),
    event_id: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description:
          'Your idempotency key, unique within the property: a repeat stores nothing and answers the first event (`duplicate: true`)',
      }),
    ),
  },
  { additionalProperties: false },
);

export const BatchBody = Type.Object(
  {
    events: Type.Array(EventInput, {
      minItems: 1,
      maxItems: MAX_BATCH_EVENTS,
      description: `1 to ${MAX_BATCH_EVENTS} events`,
    }),
  },
  { additionalProperties: false },
);

const EventObject = Type.Object({
  id: Type.String({ format: 'uuid', description: "PlayLoop's id of the stored event" }),
  event_id: Nullable(Type.String({ description: 'Your idempotency key, when sent' })),
  player_id: Type.String({ format: 'uuid', description: "PlayLoop's id of the player" }),
  name: Type.String(),
  properties: Type.Record(Type.String(), Type.Unknown()),
  occurred_at: dateTime('When it happened'),
  recorded_at: dateTime('When PlayLoop stored it'),
  duplicate: Type.Boolean({
    description: 'true: the event_id was already stored, and this is that first event',
  }),
});

export const EventOne = Type.Object({ success: Type.Literal(true), data: EventObject });

const ItemResult = Type.Object({
  index: Type.Integer({ minimum: 0, description: 'Position of the event in `events` (from 0)' }),
  status: Type.Union([Type.Literal('created'), Type.Literal('duplicate'), Type.Literal('error')]),
  id: Type.Optional(
    Type.String({
      format: 'uuid',
      description: 'The stored event (created), or the one stored first with its event_id',
    }),
  ),
  error: Type.Optional(
    Type.Object({
      code: Type.String({ description: '`not_found` (no such player) or `validation_failed`' }),
      message: Type.String(),
    }),
  ),
});

export const BatchResponse = Type.Object({
  success: Type.Literal(true),
  data: Type.Array(ItemResult, { description: 'One result per event, in request order' }),
});
