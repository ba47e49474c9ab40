import { sql } from 'kysely';
import type { Deps } from '../../deps.ts';
import { versionOf } from './journeys.engine.ts';

// The `date` trigger: every year on the player's birthday, once the trigger's local time has
// passed in the player's time zone (the graph's `fallback_time_zone`, else UTC, for a player
// without one), the player enters. A periodic task looks once a minute; the entry key names the
// year, so looking again (or from two workers) enters a player once a year at most.

/** Players one journey takes in one look; the rest are taken by the next. */
const PER_LOOK = 1000;

export async function enterBirthdays(
  deps: Deps,
  /** Only this property's journeys (tests: another file's are not theirs to run). */
  propertyId?: string,
): Promise<number> {
  let query = deps.database.db
    .selectFrom('journeys')
    .select(['id', 'property_id', 'version'])
    .where('status', '=', 'active')
    .where('trigger_type', '=', 'date');
  if (propertyId) query = query.where('property_id', '=', propertyId);
  const journeys = await query.execute();
  const now = deps.clock.now();
  let entered = 0;
  for (const journey of journeys) {
    if (journey.version === null) continue;
    const { graph } = await versionOf(deps, journey.id, journey.version);
    if (graph.trigger.type !== 'date') continue;
    const fallback = graph.fallback_time_zone ?? 'UTC';
    const blocked =
      graph.entry?.rule === 'once'
        ? sql`r.status IN ('active', 'waiting') OR r.entry_key LIKE 'date:' || c.id || ':%'`
        : sql`r.status IN ('active', 'waiting')`;
    // A zone PostgreSQL does not know (players' zones are checked by the runtime's list) is read
    // as the fallback rather than failing the whole look.
    const { rows } = await sql<{ id: string }>`
      WITH zones AS (SELECT name FROM pg_timezone_names),
      candidates AS (
        SELECT p.id,
               timezone(CASE WHEN p.timezone IN (SELECT name FROM zones) THEN p.timezone
                             ELSE ${fallback} END, CAST(${now} AS timestamptz)) AS local
          FROM players p
         WHERE p.property_id = ${journey.property_id} AND p.date_of_birth IS NOT NULL
           AND p.status = 'active'
      ),
      due AS (
        SELECT c.id, extract(year FROM c.local)::int AS year FROM candidates c
          JOIN players p ON p.id = c.id
         WHERE CAST(c.local AS time) >= CAST(${graph.trigger.local_time} AS time)
           AND (to_char(p.date_of_birth, 'MM-DD') = to_char(c.local, 'MM-DD')
                OR (to_char(p.date_of_birth, 'MM-DD') = '02-29' AND to_char(c.local, 'MM-DD') = '02-28'
                    AND extract(day FROM date_trunc('year', c.local) + interval '2 months' - interval '1 day') = 28))
           AND NOT EXISTS (
             SELECT 1 FROM journey_runs r
              WHERE r.journey_id = ${journey.id} AND r.player_id = c.id
                AND (r.entry_key = 'date:' || c.id || ':' || extract(year FROM c.local)::int
                     OR ${blocked}))
         LIMIT ${PER_LOOK}
      )
      INSERT INTO journey_runs (property_id, journey_id, version, player_id, entry_key, status, node,
                                wake_at, context, entered_at, updated_at)
      SELECT ${journey.property_id}, ${journey.id}, ${journey.version}, d.id,
             'date:' || d.id || ':' || d.year, 'active', ${graph.start}, ${now},
             jsonb_build_object('trigger', jsonb_build_object('name', 'date', 'year', d.year)),
             ${now}, ${now}
        FROM due d
      ON CONFLICT (journey_id, entry_key) DO NOTHING
      RETURNING id`.execute(deps.database.db);
    entered += rows.length;
  }
  return entered;
}

/** Forgets the event ids the journeys consumer took more than 30 days ago. */
export async function forgetSeenEvents(deps: Deps): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    WITH gone AS (
      DELETE FROM journey_events_seen WHERE event_id IN (
        SELECT event_id FROM journey_events_seen
         WHERE seen_at < now() - interval '30 days' LIMIT 10000)
      RETURNING 1)
    SELECT count(*)::int AS n FROM gone`.execute(deps.database.db);
  return rows[0]?.n ?? 0;
}
