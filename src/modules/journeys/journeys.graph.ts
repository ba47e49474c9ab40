import { type Static, type TSchema, Type } from 'typebox';
import { Value } from 'typebox/value';
import { AppError } from '../../lib/errors.ts';

// A journey's graph: a trigger, entry and exit rules, and named nodes, each a step that names
// the node(s) that follow it. The wire shape is strict (unknown fields are refused) and the
// graph is checked as a whole: every named node exists, every node is reachable from `start`,
// and a loop passes through a wait (a loop without one would spin a player forever).

export const MAX_NODES = 100;
const NODE_ID = '^[A-Za-z][A-Za-z0-9_-]{0,63}$';

const NodeId = (description: string) => Type.String({ pattern: NODE_ID, description });
const strict = <T extends Record<string, TSchema>>(properties: T, description?: string) =>
  Type.Object(properties, { additionalProperties: false, ...(description ? { description } : {}) });

const EventName = Type.String({
  pattern: '^[A-Za-z0-9_.:-]{1,100}$',
  description:
    'A casino event name (POST /api/events), or `play.completed` / `prize.won` for the play loop',
});

export const Duration = strict(
  {
    days: Type.Optional(Type.Integer({ minimum: 0, maximum: 365 })),
    hours: Type.Optional(Type.Integer({ minimum: 0, maximum: 8760 })),
    minutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 525_600 })),
    seconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 31_536_000 })),
  },
  'A duration: the sum of its parts, at least one second and at most a year',
);
export type Duration = Static<typeof Duration>;

const LocalTime = Type.String({
  pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$',
  description: "HH:MM in the player's time zone (`fallback_time_zone` without one)",
});

export const Trigger = Type.Union(
  [
    strict({ type: Type.Literal('event'), name: EventName }),
    strict({ type: Type.Literal('player_created') }),
    strict({
      type: Type.Literal('attribute_changed'),
      field: Type.String({ minLength: 1, maxLength: 64, description: 'A player field, e.g. tier' }),
      to: Type.Optional(
        Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()], {
          description: 'Only when it changed to this value',
        }),
      ),
    }),
    strict({
      type: Type.Literal('game_played'),
      game_id: Type.Optional(Type.Integer({ minimum: 1, description: 'Only plays of this game' })),
    }),
    strict({ type: Type.Literal('prize_won') }),
    strict(
      {
        type: Type.Literal('segment_entered'),
        segment_id: Type.String({
          format: 'uuid',
          description: "A segment of the journey's property",
        }),
      },
      'A player joins the saved segment: found in it after a change to their profile, their consents, their plays or their events (checked as each is recorded), or by a scan every minute that also catches a segment whose filter was edited. Players already in the segment when the version is published do not enter; one who leaves and comes back enters again as the entry rule allows. While the journey is paused, joining is noted but lets no one in',
    ),
    strict(
      {
        type: Type.Literal('consent_changed'),
        channel: Type.Optional(
          Type.Union([
            Type.Literal('email'),
            Type.Literal('sms'),
            Type.Literal('voice'),
            Type.Literal('push'),
          ]),
        ),
        action: Type.Optional(Type.Union([Type.Literal('grant'), Type.Literal('revoke')])),
      },
      'A consent or revocation recorded for the player (optionally of one channel or action)',
    ),
    strict(
      {
        type: Type.Literal('date'),
        field: Type.Literal('date_of_birth'),
        local_time: LocalTime,
      },
      "Every year on the player's birthday, once its local time passed in the player's time zone (Feb 29 birthdays on Feb 28 in other years); checked every minute",
    ),
    strict({ type: Type.Literal('api'), description: Type.Optional(Type.String()) }),
  ],
  { description: 'What makes a player enter' },
);
export type Trigger = Static<typeof Trigger>;

const Entry = strict({
  rule: Type.Union([
    Type.Literal('once'),
    Type.Literal('once_per_period'),
    Type.Literal('every_time'),
  ]),
  period: Type.Optional(Duration),
});

const next = NodeId('The node that follows');

export const JourneyNode = Type.Union([
  strict({ type: Type.Literal('wait'), duration: Duration, next }),
  strict({
    type: Type.Literal('wait_until'),
    local_time: LocalTime,
    weekdays: Type.Optional(
      Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), {
        minItems: 1,
        maxItems: 7,
        uniqueItems: true,
        description: 'ISO weekdays (1 = Monday … 7 = Sunday); default every day',
      }),
    ),
    next,
  }),
  strict({
    type: Type.Literal('wait_for_event'),
    event: EventName,
    timeout: Duration,
    next: NodeId('Taken when the event comes'),
    on_timeout: NodeId('Taken when the timeout passes first'),
  }),
  strict({
    type: Type.Literal('condition'),
    filter: Type.String({
      maxLength: 2000,
      description:
        'The players filter grammar (`tier=eq.gold&last_score=gte.500`) over the profile, plus `event.<field>` over the last event waited for (or the trigger)',
    }),
    then: NodeId('Taken when the filter holds'),
    else: NodeId('Taken otherwise'),
  }),
  strict({
    type: Type.Literal('split'),
    branches: Type.Array(strict({ weight: Type.Integer({ minimum: 1, maximum: 100 }), next }), {
      minItems: 2,
      maxItems: 10,
    }),
  }),
  strict({
    type: Type.Literal('send'),
    template_id: Type.String({ format: 'uuid', description: 'An email or SMS template' }),
    purpose: Type.Optional(
      Type.Union([
        Type.Literal('marketing'),
        Type.Literal('informational'),
        Type.Literal('transactional'),
      ]),
    ),
    program: Type.Optional(Type.String({ maxLength: 100 })),
    from_name: Type.Optional(Type.String({ maxLength: 100 })),
    from_address: Type.Optional(Type.String({ maxLength: 254, format: 'email' })),
    reply_to: Type.Optional(Type.String({ maxLength: 254, format: 'email' })),
    link_ttl_hours: Type.Optional(Type.Integer({ minimum: 1, maximum: 2160 })),
    on_skip: Type.Optional(
      Type.Union([Type.Literal('continue'), Type.Literal('exit')], {
        description: 'When the pre-send check skips the player: go on (default) or exit',
      }),
    ),
    next: Type.Optional(NodeId('The node that follows; the run completes without one')),
  }),
  strict({
    type: Type.Literal('update_profile'),
    set: Type.Record(
      Type.String({ pattern: '^(tier|status|traits\\.[A-Za-z0-9_]{1,64})$' }),
      Type.Union([Type.String({ maxLength: 500 }), Type.Number(), Type.Boolean(), Type.Null()]),
      { minProperties: 1, maxProperties: 20 },
    ),
    next: Type.Optional(NodeId('The node that follows; the run completes without one')),
  }),
  strict({
    type: Type.Literal('webhook'),
    endpoint_id: Type.String({
      format: 'uuid',
      description:
        "One of the property's webhook endpoints (POST /api/webhooks): it gets a signed `journey.webhook` message, retried like any",
    }),
    next: Type.Optional(NodeId('The node that follows; the run completes without one')),
  }),
  strict({ type: Type.Literal('exit') }),
]);
export type JourneyNode = Static<typeof JourneyNode>;

export const JourneyGraph = strict({
  trigger: Trigger,
  entry: Type.Optional(Entry),
  exit_on: Type.Optional(
    Type.Array(EventName, {
      maxItems: 10,
      description: 'Events that take a player out of the journey wherever they are',
    }),
  ),
  fallback_time_zone: Type.Optional(Type.String({ maxLength: 64 })),
  start: NodeId('The first node'),
  nodes: Type.Record(Type.String({ pattern: NODE_ID }), JourneyNode, {
    minProperties: 1,
    maxProperties: MAX_NODES,
  }),
});
export type JourneyGraph = Static<typeof JourneyGraph>;

export const WAITS = new Set(['wait', 'wait_until', 'wait_for_event']);

export function durationMs(duration: Duration): number {
  return (
    (((duration.days ?? 0) * 24 + (duration.hours ?? 0)) * 60 + (duration.minutes ?? 0)) * 60_000 +
    (duration.seconds ?? 0) * 1000
  );
}

/** The nodes a node can lead to. */
export function successors(node: JourneyNode): string[] {
  switch (node.type) {
    case 'wait':
    case 'wait_until':
      return [node.next];
    case 'wait_for_event':
      return [node.next, node.on_timeout];
    case 'condition':
      return [node.then, node.else];
    case 'split':
      return node.branches.map((branch) => branch.next);
    case 'send':
    case 'update_profile':
    case 'webhook':
      return node.next ? [node.next] : [];
    case 'exit':
      return [];
  }
}

const invalid = (message: string, field = 'graph') =>
  new AppError('validation_failed', message, { field });

/** Checks a graph as a whole; throws 400 validation_failed naming what is wrong. */
export function checkGraph(input: unknown): JourneyGraph {
  if (!Value.Check(JourneyGraph, input)) {
    const first = Value.Errors(JourneyGraph, input)[0];
    const path = first?.instancePath ? `graph${first.instancePath.replaceAll('/', '.')}` : 'graph';
    throw invalid(`${path}: ${first?.message ?? 'is not a journey graph'}`, path);
  }
  const graph = input;
  const ids = Object.keys(graph.nodes);
  if (!graph.nodes[graph.start]) throw invalid(`start: no node ${graph.start}`, 'graph.start');
  for (const [id, node] of Object.entries(graph.nodes)) {
    for (const target of successors(node)) {
      if (!graph.nodes[target])
        throw invalid(`nodes.${id}: no node ${target}`, `graph.nodes.${id}`);
    }
    if ('duration' in node && durationMs(node.duration) < 1000) {
      throw invalid(`nodes.${id}: the duration must be at least a second`, `graph.nodes.${id}`);
    }
    if (node.type === 'wait_for_event' && durationMs(node.timeout) < 1000) {
      throw invalid(`nodes.${id}: the timeout must be at least a second`, `graph.nodes.${id}`);
    }
    if (
      node.type === 'wait_for_event' &&
      node.timeout &&
      durationMs(node.timeout) > 366 * 86_400_000
    ) {
      throw invalid(`nodes.${id}: the timeout is at most a year`, `graph.nodes.${id}`);
    }
  }
  if (graph.entry?.rule === 'once_per_period' && !graph.entry.period) {
    throw invalid('entry: once_per_period needs a period', 'graph.entry');
  }
  // Reachability.
  const seen = new Set<string>([graph.start]);
  const queue = [graph.start];
  while (queue.length > 0) {
    const id = queue.pop()!;
    for (const target of successors(graph.nodes[id]!)) {
      if (!seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  const unreachable = ids.filter((id) => !seen.has(id));
  if (unreachable.length > 0) {
    throw invalid(`nodes ${unreachable.join(', ')} cannot be reached from ${graph.start}`);
  }
  // A cycle among nodes that are not waits would loop without end: the graph without its waits
  // must be acyclic (depth-first search, three colours).
  const colour = new Map<string, 'grey' | 'black'>();
  const visit = (id: string, path: string[]): void => {
    colour.set(id, 'grey');
    for (const target of successors(graph.nodes[id]!)) {
      if (WAITS.has(graph.nodes[target]!.type)) continue;
      const seenColour = colour.get(target);
      if (seenColour === 'grey') {
        throw invalid(`the loop ${[...path, id, target].join(' → ')} has no wait in it`);
      }
      if (!seenColour) visit(target, [...path, id]);
    }
    colour.set(id, 'black');
  };
  for (const id of ids) {
    if (!colour.has(id) && !WAITS.has(graph.nodes[id]!.type)) visit(id, []);
  }
  return graph;
}
