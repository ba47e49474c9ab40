import { Type } from 'typebox';
import { dateTime, Nullable } from '../../http/schemas.ts';
import { JourneyGraph } from './journeys.graph.ts';
import { MAX_JOURNEYS_PER_PROPERTY, MAX_PAGE } from './journeys.service.ts';

// Wire shapes of journeys, their versions, stats and runs.

const Uuid = (description?: string) =>
  Type.String({ format: 'uuid', ...(description ? { description } : {}) });
const Name = Type.String({
  minLength: 1,
  maxLength: 200,
  description: 'Unique within the property',
});
const Description = Type.String({ maxLength: 2000 });
const Status = Type.Union([
  Type.Literal('draft'),
  Type.Literal('active'),
  Type.Literal('paused'),
  Type.Literal('archived'),
]);
const RunStatus = Type.Union([
  Type.Literal('active'),
  Type.Literal('waiting'),
  Type.Literal('completed'),
  Type.Literal('exited'),
]);

export const GRAPH_HELP = [
  "A journey is a graph: a `trigger` (a casino event by `name`, `player_created`, `attribute_changed` of a `field` (optionally `to` a value), `game_played` (optionally of a `game_id`), `prize_won`, `segment_entered` (a `segment_id`: the player joins that saved segment; those in it when the version is published do not enter, one who leaves and comes back enters again as the entry rule allows), `consent_changed` (optionally of a `channel` and `action`), `date` (`field: date_of_birth` at a `local_time`: yearly on the player's birthday in their time zone; 29 February on 28 February in other years), or `api` for POST /api/journeys/{id}/enter), an `entry` rule (`once` (default), `once_per_period` with a `period`, or `every_time`; a player is never in one journey twice at once), `exit_on` events that take a player out wherever they are, a `start` node and `nodes` by id.",
  "Steps: `wait` a `duration`; `wait_until` a `local_time` (HH:MM, optionally on `weekdays` 1–7) in the player's time zone (`fallback_time_zone` without one); `wait_for_event` an `event` with a `timeout` (`next` when it comes, `on_timeout` otherwise; a play of a game link this run sent resumes this run); `condition` on a `filter` in the players filter grammar plus `event.<field>` over the last event waited for, or the trigger (`event.score=gte.500&tier=eq.gold`), to `then` or `else`; `split` by `branches` weights; `send` a `template_id` (email or SMS, through the pre-send check; every `{% game_link %}` mints this player's own one-time link; `on_skip` `continue` (default) or `exit`); `update_profile` `set` tier, status or `traits.<name>`; `webhook` to one of the property’s endpoints (`endpoint_id`: it gets a signed `journey.webhook` message with the run, the player’s ids and tier, and the last event, retried like any endpoint message); `exit`. A `send` or `update_profile` without `next` completes the run.",
  'Checked when saved: unknown fields, a node that does not exist or cannot be reached from `start`, and a loop with no wait in it are 400 validation_failed naming the node. Publishing also checks filters, templates and profile values.',
].join('\n\n');

export const CreateJourneyBody = Type.Object(
  {
    name: Name,
    description: Type.Optional(Nullable(Description)),
    graph: Type.Unknown({ description: 'The graph (see the description); checked as a whole' }),
  },
  { additionalProperties: false },
);

export const UpdateJourneyBody = Type.Object(
  {
    name: Type.Optional(Name),
    description: Type.Optional(Nullable(Description)),
    graph: Type.Optional(Type.Unknown({ description: 'The new draft graph' })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const JourneyParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
export const RunParams = Type.Object({
  id: Type.String({ format: 'uuid' }),
  runId: Type.String({ format: 'uuid' }),
});
export const VersionParams = Type.Object({
  id: Type.String({ format: 'uuid' }),
  version: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
});

export const ListQuery = Type.Object(
  {
    status: Type.Optional(Status),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE, default: 50 })),
    before: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: '`next_before` of the last page' }),
    ),
  },
  { additionalProperties: false },
);

export const RunsQuery = Type.Object(
  {
    player_id: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description: "PlayLoop's id or the casino's player_id",
      }),
    ),
    status: Type.Optional(RunStatus),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE, default: 50 })),
    before: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);

const JourneyObject = Type.Object({
  id: Uuid(),
  name: Type.String(),
  description: Nullable(Type.String()),
  status: Status,
  version: Nullable(
    Type.Integer({ description: 'The live version; null before the first publish' }),
  ),
  graph: JourneyGraph,
  created_at: dateTime('When it was created'),
  updated_at: dateTime('When it last changed'),
});

export const JourneyOne = Type.Object({ success: Type.Literal(true), data: JourneyObject });
export const JourneyList = Type.Object({
  success: Type.Literal(true),
  data: Type.Array(JourneyObject),
  next_before: Nullable(Type.String()),
});

export const VersionOne = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({
    version: Type.Integer(),
    graph: JourneyGraph,
    published_at: dateTime('When it was published'),
  }),
});

const NodeCounts = Type.Object({
  entered: Type.Integer({ description: 'Times players reached the node' }),
  passed: Type.Integer(),
  skipped: Type.Integer({ description: 'Sends the pre-send check skipped' }),
  exited: Type.Integer(),
  failed: Type.Integer(),
  waiting: Type.Integer({ description: 'Players waiting at the node now' }),
});

export const StatsOne = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({
    entered: Type.Integer({ description: 'Players who entered (runs), all versions' }),
    active: Type.Integer(),
    waiting: Type.Integer(),
    completed: Type.Integer(),
    exited: Type.Integer(),
    nodes: Type.Record(Type.String(), NodeCounts),
  }),
});

const RunFields = {
  id: Uuid(),
  journey_id: Uuid(),
  version: Type.Integer(),
  player_id: Uuid(),
  status: RunStatus,
  node: Type.String({ description: 'The node the player is at (or ended at)' }),
  steps: Type.Integer(),
  wake_at: Nullable(dateTime('When a waiting player moves on, at the latest')),
  waiting_for: Nullable(Type.String({ description: 'The event a wait_for_event waits for' })),
  exit_reason: Nullable(Type.String()),
  entered_at: dateTime('When the player entered'),
  finished_at: Nullable(dateTime('When the run completed or exited')),
};

export const RunList = Type.Object({
  success: Type.Literal(true),
  data: Type.Array(Type.Object(RunFields)),
  next_before: Nullable(Type.String()),
});

export const RunOne = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({
    ...RunFields,
    history: Type.Array(
      Type.Object({
        seq: Type.Integer(),
        node: Type.String(),
        outcome: Type.String({
          description: 'entered (a wait began), passed, skipped, exited or failed',
        }),
        next: Nullable(Type.String()),
        detail: Type.Record(Type.String(), Type.Unknown()),
        at: dateTime('When the step was taken'),
      }),
    ),
  }),
});

export const EnterBody = Type.Object(
  {
    player_id: Type.String({
      minLength: 1,
      maxLength: 100,
      description: "PlayLoop's id or the casino's player_id",
    }),
    entry_key: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'Entering again with the same key does nothing',
      }),
    ),
    data: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        description: 'Readable as `event.<field>` by conditions',
      }),
    ),
  },
  { additionalProperties: false },
);

export const EnterOne = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({
    entered: Type.Boolean({
      description: 'False when the entry rule (or the key) kept the player out',
    }),
    run_id: Nullable(Uuid()),
  }),
});

export const JOURNEYS_HELP = `A property holds at most ${MAX_JOURNEYS_PER_PROPERTY} journeys.`;
