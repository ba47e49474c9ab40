import { Type } from 'typebox';
import { Cursor, DateTime, dateTime, Nullable } from '../../http/schemas.ts';

export const ActivityQuery = Type.Object({
  limit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 200, default: 50, description: 'Rows per page' }),
  ),
  cursor: Type.Optional(Cursor),
});

const ActivityType = Type.Unsafe<string>({
  type: 'string',
  anyOf: [
    {
      type: 'string',
      enum: ['play.started', 'play.completed', 'prize.won', 'prize.claimed', 'session.consumed'],
    },
    { type: 'string', pattern: '^event\\.[A-Za-z0-9_.:-]+$' },
  ],
  description:
    "The domain event recorded (see the webhooks of this document); `session.consumed` only for a consume through the API (a play page's consume shows as `play.started`); `event.<name>` for a casino event sent to `POST /api/events`",
});

const Summary = Type.Object(
  {
    score: Type.Optional(
      Type.Integer({ description: 'play.completed: the server-computed score' }),
    ),
    outcome: Type.Optional(Type.String({ description: 'play.completed: win, lose or finished' })),
    duration_ms: Type.Optional(Type.Integer({ description: 'play.completed: as reported' })),
    template: Type.Optional(Type.String({ description: 'play.completed: the game template' })),
    prize_name: Type.Optional(Type.String({ description: "prize.*: the slot's name then" })),
    prize_type: Type.Optional(
      Type.String({ description: 'prize.*: voucher_set, voucher, item or external_link' }),
    ),
    draw_id: Type.Optional(Type.Integer({ description: 'prize.*: the draw' })),
    slot_id: Type.Optional(Type.Integer({ description: 'prize.*: the prize slot' })),
    claim_expires_at: Type.Optional(dateTime('prize.won: the claim deadline')),
    via: Type.Optional(Type.String({ description: 'session.consumed: always `api`' })),
    name: Type.Optional(Type.String({ description: "event.*: the casino event's name" })),
    properties: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        description: "event.*: the casino event's properties as sent",
      }),
    ),
  },
  { description: 'The facts of the event a timeline shows, by type (never a voucher code)' },
);

const Activity = Type.Object({
  event_id: Type.String({
    format: 'uuid',
    description: "The domain event's id: the `id` its webhook deliveries carry",
  }),
  type: ActivityType,
  occurred_at: DateTime,
  game_id: Nullable(Type.Integer()),
  stream_id: Nullable(Type.Integer()),
  session_id: Nullable(Type.Integer()),
  play_id: Nullable(Type.Integer()),
  summary: Summary,
});

export const ActivityPage = Type.Object({
  success: Type.Literal(true),
  data: Type.Array(Activity),
  next_cursor: Nullable(
    Type.Integer({ description: 'Pass as `cursor` for the next (older) page; null on the last' }),
  ),
});
