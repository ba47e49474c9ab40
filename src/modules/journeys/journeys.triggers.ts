import { sql, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import type { DispatchedEvent, EventConsumer } from '../events/index.ts';
import { sessionTarget } from '../players/index.ts';
import type { JourneyGraph } from './journeys.graph.ts';
import { versionOf } from './journeys.engine.ts';
import { enter, entryKey } from './journeys.entry.ts';
import { checkSegmentsFor } from './journeys.segments.ts';

// The `journeys.triggers` events consumer: each committed event that concerns a player may
// take them out of journeys (`exit_on`), resume their runs waiting for it, enter them into
// journeys it triggers, and re-judge which watched segments they are in, in that order. It
// writes only through the dispatch transaction, and is idempotent by event id: the ids it took
// are kept (journey_events_seen), and entry keys come from the event.

interface PlayerEvent {
  /** The name journeys know it by: a casino event's name, or play.completed / prize.won. */
  name: string;
  trigger: { type: string; name: string | null };
  propertyId: string;
  playerId: string;
  data: Record<string, unknown>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Resolves the player a play event's session names (the return path's convention). */
async function playTarget(trx: Transaction<DB>, event: DispatchedEvent) {
  if (event.orgId === null) return undefined;
  const target = sessionTarget(event.payload);
  if (!target) return undefined;
  const property =
    target.propertyId === null
      ? sql`SELECT (array_agg(id))[1] AS id FROM properties WHERE org_id = ${event.orgId} HAVING count(*) = 1`
      : sql`SELECT id FROM properties WHERE org_id = ${event.orgId} AND id = CAST(${target.propertyId} AS uuid)`;
  const which =
    'id' in target.player
      ? sql`p.id = CAST(${target.player.id} AS uuid)`
      : sql`p.player_id = ${target.player.playerId}`;
  const { rows } = await sql<{ property_id: string; id: string }>`
    WITH property AS (${property})
    SELECT p.property_id, p.id FROM players p JOIN property pr ON pr.id = p.property_id
     WHERE ${which}`.execute(trx);
  return rows[0];
}

async function playerEventOf(
  trx: Transaction<DB>,
  event: DispatchedEvent,
): Promise<PlayerEvent | undefined> {
  const { payload } = event;
  // PlayLoop's id of the player: `id` of the player.* events (and of player.event).
  const playerId = typeof payload.id === 'string' && UUID.test(payload.id) ? payload.id : undefined;
  switch (event.type) {
    case 'player.event':
      if (!event.propertyId || !playerId || typeof payload.name !== 'string') return undefined;
      return {
        name: payload.name,
        trigger: { type: 'event', name: payload.name },
        propertyId: event.propertyId,
        playerId,
        data: { name: payload.name, ...(payload.properties as Record<string, unknown>) },
      };
    case 'player.created':
      if (!event.propertyId || !playerId) return undefined;
      return {
        name: event.type,
        trigger: { type: 'player_created', name: null },
        propertyId: event.propertyId,
        playerId,
        data: (payload.player as Record<string, unknown>) ?? {},
      };
    case 'player.updated':
      if (!event.propertyId || !playerId) return undefined;
      return {
        name: event.type,
        trigger: { type: 'attribute_changed', name: null },
        propertyId: event.propertyId,
        playerId,
        data: { changed: payload.changed, ...(payload.values as Record<string, unknown>) },
      };
    case 'consent.recorded':
      if (!event.propertyId || !playerId) return undefined;
      return {
        name: event.type,
        trigger: { type: 'consent_changed', name: null },
        propertyId: event.propertyId,
        playerId,
        data: payload,
      };
    case 'play.completed':
    case 'prize.won': {
      const target = await playTarget(trx, event);
      if (!target) return undefined;
      return {
        name: event.type,
        trigger: {
          type: event.type === 'play.completed' ? 'game_played' : 'prize_won',
          name: null,
        },
        propertyId: target.property_id,
        playerId: target.id,
        data: payload,
      };
    }
    default:
      return undefined;
  }
}

/** Whether the live version's trigger takes this event (beyond its type and name). */
function triggerTakes(graph: JourneyGraph, event: PlayerEvent): boolean {
  const trigger = graph.trigger;
  switch (trigger.type) {
    case 'attribute_changed': {
      const changed = event.data.changed;
      if (!Array.isArray(changed) || !changed.includes(trigger.field)) return false;
      return trigger.to === undefined || event.data[trigger.field] === trigger.to;
    }
    case 'game_played':
      return trigger.game_id === undefined || event.data.game_id === trigger.game_id;
    case 'consent_changed':
      return (
        (trigger.channel === undefined || event.data.channel === trigger.channel) &&
        (trigger.action === undefined || event.data.action === trigger.action)
      );
    case 'segment_entered':
      // Joining a segment is judged on every event (checkSegmentsFor), not matched by type.
      return false;
    case 'date':
    case 'event':
    case 'player_created':
    case 'prize_won':
    case 'api':
      return true;
  }
}

/** The runs of the player that the event takes out of their journey (its `exit_on`). */
async function exitRuns(deps: Deps, trx: Transaction<DB>, event: PlayerEvent, at: Date) {
  const runs = await trx
    .selectFrom('journey_runs')
    .select(['id', 'journey_id', 'version'])
    .where('property_id', '=', event.propertyId)
    .where('player_id', '=', event.playerId)
    .where('status', 'in', ['active', 'waiting'])
    .execute();
  const leaving: string[] = [];
  for (const run of runs) {
    const { graph } = await versionOf(deps, run.journey_id, run.version, trx);
    if (graph.exit_on?.includes(event.name)) leaving.push(run.id);
  }
  if (leaving.length === 0) return;
  await trx
    .updateTable('journey_runs')
    .set({
      status: 'exited',
      exit_reason: `exit_on ${event.name}`,
      wake_at: null,
      waiting_for: null,
      finished_at: at,
      updated_at: at,
    })
    .where('id', 'in', leaving)
    .where('status', 'in', ['active', 'waiting'])
    .execute();
}

/** Wakes the player's runs waiting for this event (a play: the run whose link it was, if any). */
async function resumeRuns(trx: Transaction<DB>, event: PlayerEvent, eventId: string, at: Date) {
  const metadata = event.data.metadata as Record<string, unknown> | undefined;
  const runId = typeof metadata?.journey_run_id === 'string' ? metadata.journey_run_id : undefined;
  let query = trx
    .updateTable('journey_runs')
    .set({
      waiting_for: null,
      wake_at: at,
      context: sql`context || jsonb_build_object('event', ${JSON.stringify({ ...event.data, event_id: eventId, name: event.name })}::jsonb)`,
      updated_at: at,
    } as never)
    .where('property_id', '=', event.propertyId)
    .where('player_id', '=', event.playerId)
    .where('status', '=', 'waiting')
    .where('waiting_for', '=', event.name)
    .where('waiting_since', '<=', at);
  if (runId && UUID.test(runId)) query = query.where('id', '=', runId);
  await query.execute();
}

async function enterTriggered(
  deps: Deps,
  trx: Transaction<DB>,
  event: PlayerEvent,
  eventId: string,
  at: Date,
) {
  let query = trx
    .selectFrom('journeys')
    .select(['id', 'version'])
    .where('property_id', '=', event.propertyId)
    .where('status', '=', 'active')
    .where('trigger_type', '=', event.trigger.type);
  query =
    event.trigger.name === null
      ? query.where('trigger_name', 'is', null)
      : query.where('trigger_name', '=', event.trigger.name);
  const journeys = await query.execute();
  for (const journey of journeys) {
    if (journey.version === null) continue;
    const { graph } = await versionOf(deps, journey.id, journey.version, trx);
    if (!triggerTakes(graph, event)) continue;
    await enter(trx, graph, {
      journeyId: journey.id,
      version: journey.version,
      propertyId: event.propertyId,
      playerId: event.playerId,
      entryKey: entryKey(graph, event.playerId, eventId),
      context: { trigger: { ...event.data, event_id: eventId, name: event.name } },
      at,
    });
  }
}

const HANDLED = new Set([
  'player.event',
  'player.created',
  'player.updated',
  'consent.recorded',
  'play.completed',
  'prize.won',
]);

export function journeyTriggers(deps: Deps): EventConsumer {
  return async (dispatched, trx) => {
    if (!HANDLED.has(dispatched.type)) return;
    const event = await playerEventOf(trx, dispatched);
    if (!event) return;
    const first = await trx
      .insertInto('journey_events_seen')
      .values({ event_id: dispatched.id })
      .onConflict((oc) => oc.column('event_id').doNothing())
      .returning('event_id')
      .executeTakeFirst();
    if (!first) return;
    const at = deps.clock.now();
    await exitRuns(deps, trx, event, at);
    await resumeRuns(trx, event, dispatched.id, at);
    await enterTriggered(deps, trx, event, dispatched.id, at);
    await checkSegmentsFor(
      deps,
      trx,
      { propertyId: event.propertyId, playerId: event.playerId, eventId: dispatched.id },
      at,
    );
  };
}
