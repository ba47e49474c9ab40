import { sql, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { durationMs, type JourneyGraph } from './journeys.graph.ts';

// Entering a player into a journey version under its entry rules, whatever made the player
// enter: an event, a segment join, the API. (Birthdays enter in one statement of their own,
// journeys.dates.ts, keyed by the year.)

export interface Entry {
  journeyId: string;
  version: number;
  propertyId: string;
  playerId: string;
  /** The key that makes entering again with it a no-op. */
  entryKey: string;
  context: Record<string, unknown>;
  at: Date;
}

/**
 * Enters the player into the journey version unless the entry rule forbids it: never twice
 * with one key, never while already in it, and for once_per_period not within the period.
 * Serialized per journey and player (an advisory lock), so concurrent dispatchers agree.
 */
export async function enter(
  trx: Transaction<DB>,
  graph: JourneyGraph,
  entry: Entry,
): Promise<string | undefined> {
  const period =
    graph.entry?.rule === 'once_per_period' && graph.entry.period
      ? new Date(entry.at.getTime() - durationMs(graph.entry.period))
      : null;
  // Under the journey's row (shared): an archive or pause committing meanwhile waits for this
  // entry, or this entry sees it and lets no one in.
  const live = await trx
    .selectFrom('journeys')
    .select(['status', 'version'])
    .where('id', '=', entry.journeyId)
    .forShare()
    .executeTakeFirst();
  if (live?.status !== 'active' || live.version !== entry.version) return undefined;
  // `once`: never again, whatever key the entry comes with (an API caller's own keys included).
  const once = (graph.entry?.rule ?? 'once') === 'once' ? sql`TRUE` : sql`FALSE`;
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`${entry.journeyId}:${entry.playerId}`}, 0))`.execute(
    trx,
  );
  const { rows } = await sql<{ id: string }>`
    INSERT INTO journey_runs (property_id, journey_id, version, player_id, entry_key, status, node,
                              wake_at, context, entered_at, updated_at)
    SELECT ${entry.propertyId}, ${entry.journeyId}, ${entry.version}, ${entry.playerId},
           ${entry.entryKey}, 'active', ${graph.start}, ${entry.at},
           CAST(${JSON.stringify(entry.context)} AS jsonb), ${entry.at}, ${entry.at}
     WHERE NOT EXISTS (
       SELECT 1 FROM journey_runs r
        WHERE r.journey_id = ${entry.journeyId} AND r.player_id = ${entry.playerId}
          AND (${once} OR r.status IN ('active', 'waiting')
               OR (CAST(${period} AS timestamptz) IS NOT NULL AND r.entered_at > ${period})))
    ON CONFLICT (journey_id, entry_key) DO NOTHING
    RETURNING id`.execute(trx);
  return rows[0]?.id;
}

/** The entry key the journey's rule gives an entry caused by the event. */
export function entryKey(graph: JourneyGraph, playerId: string, eventId: string): string {
  return (graph.entry?.rule ?? 'once') === 'once' ? `once:${playerId}` : `event:${eventId}`;
}
