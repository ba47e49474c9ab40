import { sql, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import { segmentCondition } from '../segments/index.ts';
import { versionOf } from './journeys.engine.ts';
import type { JourneyGraph } from './journeys.graph.ts';
import { enter, entryKey } from './journeys.entry.ts';

// The `segment_entered` trigger. A journey keeps the players it last saw in its segment
// (journey_segment_members); a player found in the segment and not listed is listed and offered
// to the journey in one transaction, and the list's primary key makes that happen once however
// many workers look at once. Two paths look: the events consumer, for the one player an event
// concerns, as the event is dispatched; and a scan every minute over the whole segment, for what
// no event announces (a segment's filter edited, a row changed by a bulk update).

/** Newcomers one journey takes in one scan; the rest are taken by the next. */
const PER_SCAN = 1000;
/** Leavers one journey unlists in one scan. */
const UNLIST_PER_SCAN = 10_000;

interface Watching {
  id: string;
  property_id: string;
  version: number | null;
  status: string;
  segment_id: string | null;
}

/**
 * The property's journeys that watch a segment: active ones, and paused ones, which note who
 * joins without letting them in (so resuming does not let in everyone who joined meanwhile).
 */
function watchingJourneys(trx: Transaction<DB>, propertyId?: string): Promise<Watching[]> {
  let query = trx
    .selectFrom('journeys')
    .select(['id', 'property_id', 'version', 'status', 'trigger_name as segment_id'])
    .where('trigger_type', '=', 'segment_entered')
    .where('status', 'in', ['active', 'paused']);
  if (propertyId) query = query.where('property_id', '=', propertyId);
  return query.execute();
}

/** Lists the player as in the journey's segment; true when they were not listed before. */
async function list(trx: Transaction<DB>, journey: Watching, playerId: string, at: Date) {
  const listed = await trx
    .insertInto('journey_segment_members')
    .values({
      property_id: journey.property_id,
      journey_id: journey.id,
      player_id: playerId,
      since: at,
    })
    .onConflict((oc) => oc.columns(['journey_id', 'player_id']).doNothing())
    .returning('player_id')
    .executeTakeFirst();
  return listed !== undefined;
}

/** Offers a player who just joined the segment to the live version (enter() applies its rules). */
async function offer(
  deps: Deps,
  trx: Transaction<DB>,
  journey: Watching,
  playerId: string,
  at: Date,
  /** The event the join was seen on, if any. */
  eventId: string | null,
) {
  if (journey.status !== 'active' || journey.version === null) return;
  const { graph } = await versionOf(deps, journey.id, journey.version, trx);
  if (graph.trigger.type !== 'segment_entered') return;
  await enter(trx, graph, {
    journeyId: journey.id,
    version: journey.version,
    propertyId: journey.property_id,
    playerId,
    entryKey: joinKey(graph, playerId, at),
    context: {
      trigger: {
        name: 'segment.entered',
        segment_id: journey.segment_id,
        ...(eventId === null ? {} : { event_id: eventId }),
      },
    },
    at,
  });
}

/** A join's entry key: `once` journeys share one per player; otherwise one per join. */
function joinKey(graph: JourneyGraph, playerId: string, at: Date): string {
  return (graph.entry?.rule ?? 'once') === 'once'
    ? entryKey(graph, playerId, '')
    : `segment:${playerId}:${at.getTime()}`;
}

/**
 * Re-judges one player's membership of every watched segment of the property: called by the
 * events consumer, inside the dispatch transaction, for each event that concerns a player.
 */
export async function checkSegmentsFor(
  deps: Deps,
  trx: Transaction<DB>,
  target: { propertyId: string; playerId: string; eventId: string },
  at: Date,
): Promise<void> {
  const journeys = await watchingJourneys(trx, target.propertyId);
  for (const journey of journeys) {
    const condition =
      journey.segment_id === null
        ? undefined
        : await segmentCondition(trx, journey.property_id, journey.segment_id);
    if (!condition) continue;
    const { rows } = await sql<{ in: boolean }>`
      SELECT EXISTS (SELECT 1 FROM players WHERE ${condition} AND id = CAST(${target.playerId} AS uuid)) AS in`.execute(
      trx,
    );
    if (rows[0]?.in === true) {
      if (await list(trx, journey, target.playerId, at)) {
        await offer(deps, trx, journey, target.playerId, at, target.eventId);
      }
    } else {
      await trx
        .deleteFrom('journey_segment_members')
        .where('journey_id', '=', journey.id)
        .where('player_id', '=', target.playerId)
        .execute();
    }
  }
}

/** One journey's scan: unlists who left, lists and offers up to PER_SCAN who joined. */
async function scanJourney(deps: Deps, trx: Transaction<DB>, journey: Watching, at: Date) {
  const condition =
    journey.segment_id === null
      ? undefined
      : await segmentCondition(trx, journey.property_id, journey.segment_id);
  // A deleted segment lets no one in; its list stays, to be judged if it ever came back.
  if (!condition) return 0;
  await sql`
    DELETE FROM journey_segment_members
     WHERE journey_id = ${journey.id} AND player_id IN (
       SELECT m.player_id FROM journey_segment_members m
        WHERE m.journey_id = ${journey.id}
          AND NOT EXISTS (SELECT 1 FROM players WHERE players.id = m.player_id AND ${condition})
        LIMIT ${UNLIST_PER_SCAN})`.execute(trx);
  const { rows } = await sql<{ id: string }>`
    SELECT id FROM players
     WHERE ${condition}
       AND NOT EXISTS (SELECT 1 FROM journey_segment_members m
                        WHERE m.journey_id = ${journey.id} AND m.player_id = players.id)
     ORDER BY id LIMIT ${PER_SCAN}`.execute(trx);
  let joined = 0;
  for (const { id } of rows) {
    if (!(await list(trx, journey, id, at))) continue;
    joined += 1;
    await offer(deps, trx, journey, id, at, null);
  }
  return joined;
}

/**
 * The periodic scan (`journeys.segments`): every watched segment compared with its journey's
 * list, one transaction per journey. Returns how many players it found had joined.
 */
export async function scanSegments(
  deps: Deps,
  /** Only this property's journeys (tests: another file's are not theirs to run). */
  propertyId?: string,
): Promise<number> {
  const journeys = await deps.database.db
    .transaction()
    .execute((trx) => watchingJourneys(trx, propertyId));
  let joined = 0;
  for (const journey of journeys) {
    joined += await deps.database.db
      .transaction()
      .execute((trx) => scanJourney(deps, trx, journey, deps.clock.now()));
  }
  return joined;
}

/**
 * At publish, inside its transaction: a version watching another segment than the live one
 * (or none) starts from the segment's members of now, who are in it already and do not enter.
 */
export async function listSegmentAtPublish(
  trx: Transaction<DB>,
  journey: {
    id: string;
    property_id: string;
    trigger_type: string | null;
    trigger_name: string | null;
  },
  graph: JourneyGraph,
  at: Date,
): Promise<void> {
  const segmentId = graph.trigger.type === 'segment_entered' ? graph.trigger.segment_id : null;
  if (
    segmentId !== null &&
    journey.trigger_type === 'segment_entered' &&
    journey.trigger_name === segmentId
  ) {
    return;
  }
  await trx.deleteFrom('journey_segment_members').where('journey_id', '=', journey.id).execute();
  if (segmentId === null) return;
  // Held until the version is live, so the segment cannot be deleted under it.
  const condition = await segmentCondition(trx, journey.property_id, segmentId, true);
  if (!condition) {
    throw new AppError('validation_failed', `trigger: no segment ${segmentId} in this property`, {
      field: 'graph.trigger.segment_id',
    });
  }
  await sql`
    INSERT INTO journey_segment_members (property_id, journey_id, player_id, since)
    SELECT ${journey.property_id}, ${journey.id}, id, ${at} FROM players WHERE ${condition}`.execute(
    trx,
  );
}
