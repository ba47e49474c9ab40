import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import type { Database } from '../src/db/connect.ts';
import { closeDeps, createDeps, type Deps } from '../src/deps.ts';
import { ManualClock } from '../src/lib/clock.ts';
import { advanceDue, scanSegments } from '../src/modules/journeys/index.ts';
import { durationMs, type JourneyGraph } from '../src/modules/journeys/journeys.graph.ts';
import {
  archiveJourney,
  createJourney,
  enterJourney,
  publishJourney,
  type PropertyRef,
} from '../src/modules/journeys/journeys.service.ts';
import { createProperty } from '../src/modules/properties/index.ts';
import { createSegment } from '../src/modules/segments/index.ts';
import { failures } from './measure.ts';
import { JOURNEY_PLAYERS } from './options.ts';
import { log } from './proc.ts';
import type { BenchSeed } from './seed.ts';

// Issue 14's row (PostgreSQL target): JOURNEY_PLAYERS players walked through a three-step
// journey (wait an hour, tag the profile, wait a day, exit) by advanceDue on a simulated clock,
// as the journeys.advance job runs it, against the raw SQL that makes the same state changes
// (the claim, then per step the guarded run update, the step row and the profile update) from
// bare pg clients stepping as many runs side by side.

/** Rows per seeding INSERT … SELECT FROM generate_series. */
const SEED_CHUNK = 100_000;
/** advanceDue's claim size (CLAIM in journeys.engine.ts): the ceiling claims as many. */
const CLAIM = 50;
/** Runs advanceDue steps side by side (PARALLEL): the ceiling uses as many connections. */
const LANES = 4;
/** Players entered through enterJourney (the API's path), measured apart. */
const ENTRIES = 5000;
const START = 'wait_hour';

/** The journey: `wait 1 h → update_profile traits.seg → wait 1 d → exit`, six steps a player. */
function benchGraph(seg: string): JourneyGraph {
  return {
    trigger: { type: 'api' },
    start: START,
    nodes: {
      [START]: { type: 'wait', duration: { hours: 1 }, next: 'tag' },
      tag: { type: 'update_profile', set: { 'traits.seg': seg }, next: 'wait_day' },
      wait_day: { type: 'wait', duration: { days: 1 }, next: 'done' },
      done: { type: 'exit' },
    },
  };
}
const GRAPH_TEXT = 'wait {hours: 1} → update_profile {traits.seg} → wait {days: 1} → exit';

export interface JourneysBench {
  players: number;
  graph: string;
  seedSec: number;
  /** Steps advanceDue took (journey_steps rows: six a player) and runs it finished (exited). */
  steps: number;
  /** The sum of advanceDue's answers' `steps` (journeys.engine.ts counts across lanes). */
  reportedSteps: number;
  finished: number;
  /** Runs claimed (three claims a run: at entry, after each wait) and advanceDue calls. */
  claims: number;
  calls: number;
  sec: number;
  stepsPerSec: number;
  runsPerSec: number;
  rssBeforeMb: number;
  peakRssMb: number;
  ceilingSteps: number;
  ceilingSec: number;
  ceilingStepsPerSec: number;
  /** advanceDue steps/s over the ceiling's. */
  ratio: number;
  /** enterJourney, LANES at a time. */
  entries: number;
  entrySec: number;
  entriesPerSec: number;
  segment: SegmentScanRow;
}

/** The segment_entered trigger over every seeded player (all Gold): its list and its scan. */
export interface SegmentScanRow {
  members: number;
  /** Publishing: the version's list of the segment's members of now (one INSERT … SELECT). */
  publishSec: number;
  /** A scan that finds nothing changed (every minute, in steady state). */
  steadySec: number;
  /** The same two statements from a bare pg client. */
  rawSteadySec: number;
  /** Players moved out and back (SQL, no events): the scans that unlist, then enter, them. */
  moved: number;
  unlistSec: number;
  joinSec: number;
  joinScans: number;
  entered: number;
}

const mb = (bytes: number) => bytes / 1024 / 1024;

/** Samples the process's RSS every 50 ms until stopped (as the campaign rows do). */
function sampleRss(): () => number {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  return () => {
    clearInterval(timer);
    return Math.max(peak, process.memoryUsage().rss);
  };
}

const playerId = (i: string) => sql.raw(`md5('bench-journey-player-' || ${i})::uuid`);

/** `count` active players, bulk-inserted with their events off (a table long in service). */
async function seedJourneyPlayers(database: Database, propertyId: string, count: number) {
  for (let from = 1; from <= count; from += SEED_CHUNK) {
    const to = Math.min(count, from + SEED_CHUNK - 1);
    await database.db.transaction().execute(async (trx) => {
      await sql`SELECT set_config('playloop.player_events', 'off', true)`.execute(trx);
      await sql`
        INSERT INTO players (id, property_id, player_id, email, first_name, last_name, status,
                            tier, timezone, country, traits, created_at, updated_at)
        SELECT ${playerId('i')}, ${propertyId}::uuid, 'JP' || i, 'jplayer' || i || '@example.com',
               'Mary', 'Smith', 'active', 'Gold', 'America/Los_Angeles', 'US',
               jsonb_build_object('marketing_opt_in', i % 2 = 0), now(), now()
          FROM generate_series(${from}::int, ${to}::int) AS i`.execute(trx);
    });
  }
}

/** Every seeded player in the journey at its start node, active and due at `at`. */
async function insertRuns(
  database: Database,
  propertyId: string,
  journeyId: string,
  count: number,
  at: Date,
) {
  for (let from = 1; from <= count; from += SEED_CHUNK) {
    const to = Math.min(count, from + SEED_CHUNK - 1);
    await sql`
      INSERT INTO journey_runs (property_id, journey_id, version, player_id, entry_key, status,
                                node, wake_at, context, entered_at, updated_at)
      SELECT ${propertyId}::uuid, ${journeyId}::uuid, 1, ${playerId('i')},
             'once:' || ${playerId('i')}, 'active', ${START}, ${at}, '{"trigger":{"name":"api"}}',
             ${at}, ${at}
        FROM generate_series(${from}::int, ${to}::int) AS i`.execute(database.db);
  }
}

async function vacuum(database: Database) {
  for (const table of ['players', 'journey_runs', 'journey_steps', 'events']) {
    await sql`VACUUM ANALYZE ${sql.table(table)}`.execute(database.db);
  }
}

/** When the journey's next unfinished run is due, or undefined when all are finished. */
async function nextWake(database: Database, journeyId: string): Promise<Date | undefined> {
  const { rows } = await sql<{ at: Date | null }>`
    SELECT min(wake_at) AS at FROM journey_runs
     WHERE journey_id = ${journeyId}::uuid AND status IN ('active', 'waiting')`.execute(
    database.db,
  );
  return rows[0]?.at ?? undefined;
}

async function publish(deps: Deps, property: PropertyRef, name: string, seg: string) {
  const journey = await createJourney(deps, property, { name, graph: benchGraph(seg) });
  await publishJourney(deps, property, journey.id);
  return journey.id;
}

/** Checks the journey ended with every run exited after six steps and every profile tagged. */
async function checkOutcome(
  what: string,
  database: Database,
  journeyId: string,
  propertyId: string,
  seg: string,
  players: number,
) {
  const { rows } = await sql<{ exited: number; steps: number; tagged: number }>`
    SELECT (SELECT count(*)::int FROM journey_runs
             WHERE journey_id = ${journeyId}::uuid AND status = 'exited' AND steps = 6) AS exited,
           (SELECT count(*)::int FROM journey_steps WHERE journey_id = ${journeyId}::uuid) AS steps,
           (SELECT count(*)::int FROM players
             WHERE property_id = ${propertyId}::uuid AND traits->>'seg' = ${seg}) AS tagged`.execute(
    database.db,
  );
  const { exited = 0, steps = 0, tagged = 0 } = rows[0] ?? {};
  if (exited !== players || steps !== 6 * players || tagged !== players) {
    failures.push(
      `journeys ${what}: ${exited} runs exited after 6 steps, ${steps} steps, ${tagged} ` +
        `profiles tagged, of ${players} players`,
    );
  }
  return { exited, steps };
}

/** One step of the bench graph's runs as the engine decides it (journeys.engine.ts decide). */
interface RawRun {
  id: string;
  journey_id: string;
  version: number;
  player_id: string;
  property_id: string;
  status: string;
  node: string;
  steps: number;
  claimed_until: Date;
}

const UPDATE_RUN = `
  UPDATE journey_runs
     SET status = $1, node = $2, steps = $3, wake_at = $4, waiting_for = NULL, waiting_since = $5,
         exit_reason = $6, finished_at = $7, updated_at = $8
   WHERE id = $9 AND steps = $10 AND claimed_until = $11`;
const INSERT_STEP = `
  INSERT INTO journey_steps (run_id, seq, journey_id, version, node, outcome, next, detail, at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`;
const UPDATE_PLAYER = `
  UPDATE players SET traits = coalesce(traits, '{}'::jsonb) || $1::jsonb, updated_at = $2
   WHERE property_id = $3 AND id = $4`;
/** advanceDue's claim, unscoped as the journeys.advance job runs it (journeys.repo.ts claimDue). */
const CLAIM_RUNS = `
  UPDATE journey_runs SET claimed_until = $1
   WHERE id IN (
     SELECT r.id FROM journey_runs r
       JOIN journeys j ON j.id = r.journey_id AND j.status = 'active'
      WHERE r.status IN ('active', 'waiting') AND r.wake_at <= $2
        AND (r.claimed_until IS NULL OR r.claimed_until < $2)
      ORDER BY r.wake_at
      LIMIT ${CLAIM}
        FOR UPDATE OF r SKIP LOCKED)
  RETURNING id, journey_id, version, player_id, property_id, status, node, steps, claimed_until`;

/** Takes one run's steps until it waits or ends, one transaction a step; answers the count. */
async function rawWalk(
  client: pg.Client,
  graph: JourneyGraph,
  claimed: RawRun,
  now: Date,
): Promise<number> {
  const run = { ...claimed };
  let taken = 0;
  for (;;) {
    const node = graph.nodes[run.node]!;
    let status: string;
    let next: string | null = null;
    let wake: Date | null = null;
    let since: Date | null = null;
    let outcome = 'passed';
    let detail: Record<string, unknown> = {};
    let set: Record<string, unknown> | undefined;
    if (run.status === 'waiting') {
      if (node.type !== 'wait') throw new Error(`the bench graph waits only at wait nodes`);
      status = 'active';
      next = node.next;
      wake = now;
    } else if (node.type === 'wait') {
      status = 'waiting';
      wake = new Date(now.getTime() + durationMs(node.duration));
      since = now;
      outcome = 'entered';
      detail = { until: wake.toISOString() };
    } else if (node.type === 'update_profile') {
      status = 'active';
      next = node.next ?? null;
      wake = now;
      detail = { set: node.set };
      set = { seg: node.set['traits.seg'] };
    } else if (node.type === 'exit') {
      status = 'exited';
      outcome = 'exited';
    } else {
      throw new Error(`the bench graph has no ${node.type} node`);
    }
    const ended = status === 'exited';
    await client.query('BEGIN');
    const updated = await client.query({
      name: 'journey-run-step',
      text: UPDATE_RUN,
      values: [
        status,
        next ?? run.node,
        run.steps + 1,
        wake,
        since,
        ended ? 'exit step' : null,
        ended ? now : null,
        now,
        run.id,
        run.steps,
        run.claimed_until,
      ],
    });
    if (updated.rowCount !== 1) {
      await client.query('ROLLBACK');
      throw new Error(`the ceiling lost run ${run.id}`);
    }
    await client.query({
      name: 'journey-step-insert',
      text: INSERT_STEP,
      values: [
        run.id,
        run.steps + 1,
        run.journey_id,
        run.version,
        run.node,
        outcome,
        next,
        JSON.stringify(detail),
        now,
      ],
    });
    if (set) {
      await client.query({
        name: 'journey-player-update',
        text: UPDATE_PLAYER,
        values: [JSON.stringify(set), now, run.property_id, run.player_id],
      });
    }
    await client.query('COMMIT');
    taken += 1;
    run.steps += 1;
    run.status = status;
    run.node = next ?? run.node;
    if (status !== 'active') return taken;
  }
}

/**
 * The ceiling: the same claims and state changes from LANES bare pg clients (named prepared
 * statements), on a journey of its own whose runs start where advanceDue's did. Not included:
 * what the engine reads to decide (the player, on four of the six steps) and its anyDue probe.
 */
async function ceilingRow(
  url: string,
  database: Database,
  journeyId: string,
  graph: JourneyGraph,
  start: Date,
  claimTimeoutMs: number,
): Promise<{ steps: number; sec: number }> {
  const clients = Array.from(
    { length: LANES },
    () => new pg.Client({ connectionString: url, application_name: 'playloop-bench-journeys' }),
  );
  await Promise.all(clients.map((client) => client.connect()));
  try {
    let now = start;
    let steps = 0;
    const started = performance.now();
    for (;;) {
      const claimed = await clients[0]!.query<RawRun>({
        name: 'journey-claim',
        text: CLAIM_RUNS,
        values: [new Date(now.getTime() + claimTimeoutMs), now],
      });
      if (claimed.rows.length === 0) {
        const wake = await nextWake(database, journeyId);
        if (!wake) break;
        now = wake > now ? wake : now;
        continue;
      }
      let next = 0;
      await Promise.all(
        clients.map(async (client) => {
          while (next < claimed.rows.length) {
            // Awaited first: `steps += await …` would read steps before the other lanes add.
            const taken = await rawWalk(client, graph, claimed.rows[next++]!, now);
            steps += taken;
          }
        }),
      );
    }
    return { steps, sec: (performance.now() - started) / 1000 };
  } finally {
    await Promise.all(clients.map((client) => client.end()));
  }
}

/** enterJourney for ENTRIES players (at most the seeded ones), LANES calls at a time. */
async function entryRow(deps: Deps, database: Database, property: PropertyRef, players: number) {
  const journeyId = await publish(deps, property, 'Bench journey entries', 'z');
  const count = Math.min(ENTRIES, players);
  const { rows } = await sql<{ id: string }>`
    SELECT ${playerId('i')}::text AS id FROM generate_series(1, ${count}::int) AS i`.execute(
    database.db,
  );
  let next = 0;
  let entered = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: LANES }, async () => {
      while (next < rows.length) {
        const result = await enterJourney(deps, property, journeyId, {
          player_id: rows[next++]!.id,
        });
        if (result.entered) entered += 1;
      }
    }),
  );
  const sec = (performance.now() - started) / 1000;
  if (entered !== count) failures.push(`journeys entries: ${entered} of ${count} entered`);
  // Its runs are due now: archiving exits them, so nothing after this row walks them.
  await archiveJourney(deps, property, journeyId);
  return { entries: count, sec };
}

const MOVED = 2000;

/** Sets `count` seeded players' tier without events (as a bulk update nothing announces). */
async function setTier(database: Database, propertyId: string, count: number, tier: string) {
  await database.db.transaction().execute(async (trx) => {
    await sql`SELECT set_config('playloop.player_events', 'off', true)`.execute(trx);
    await sql`
      UPDATE players SET tier = ${tier}
       WHERE property_id = ${propertyId}::uuid
         AND id IN (SELECT ${playerId('i')} FROM generate_series(1, ${count}::int) AS i)`.execute(
      trx,
    );
  });
}

async function segmentRow(
  deps: Deps,
  database: Database,
  url: string,
  property: PropertyRef,
  players: number,
): Promise<SegmentScanRow> {
  const segment = await createSegment(deps, property.id, {
    name: 'Bench gold',
    filter: 'tier=eq.Gold',
  });
  const journey = await createJourney(deps, property, {
    name: 'Bench segment journey',
    graph: {
      trigger: { type: 'segment_entered', segment_id: segment.id },
      entry: { rule: 'every_time' },
      start: 'done',
      nodes: { done: { type: 'exit' } },
    },
  });
  let started = performance.now();
  await publishJourney(deps, property, journey.id);
  const publishSec = (performance.now() - started) / 1000;
  await sql`VACUUM ANALYZE journey_segment_members`.execute(database.db);
  const { rows: listed } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM journey_segment_members WHERE journey_id = ${journey.id}::uuid`.execute(
    database.db,
  );
  const members = listed[0]?.n ?? 0;
  if (members !== players) failures.push(`journeys segment: ${members} listed of ${players}`);

  started = performance.now();
  const steadyJoined = await scanSegments(deps, property.id);
  const steadySec = (performance.now() - started) / 1000;
  if (steadyJoined !== 0) failures.push(`journeys segment: steady scan entered ${steadyJoined}`);

  // The ceiling: the scan's two statements with the segment's condition written out.
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    started = performance.now();
    await client.query('BEGIN');
    await client.query(
      `DELETE FROM journey_segment_members
        WHERE journey_id = $1 AND player_id IN (
          SELECT m.player_id FROM journey_segment_members m
           WHERE m.journey_id = $1
             AND NOT EXISTS (SELECT 1 FROM players WHERE players.id = m.player_id
                              AND property_id = $2 AND tier = $3)
           LIMIT 10000)`,
      [journey.id, property.id, 'Gold'],
    );
    await client.query(
      `SELECT id FROM players
        WHERE property_id = $2 AND tier = $3
          AND NOT EXISTS (SELECT 1 FROM journey_segment_members m
                           WHERE m.journey_id = $1 AND m.player_id = players.id)
        ORDER BY id LIMIT 1000`,
      [journey.id, property.id, 'Gold'],
    );
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
  const rawSteadySec = (performance.now() - started) / 1000;

  const moved = Math.min(MOVED, players);
  await setTier(database, property.id, moved, 'Silver');
  started = performance.now();
  await scanSegments(deps, property.id);
  const unlistSec = (performance.now() - started) / 1000;
  await setTier(database, property.id, moved, 'Gold');
  let entered = 0;
  let joinScans = 0;
  started = performance.now();
  for (;;) {
    const joined = await scanSegments(deps, property.id);
    joinScans += 1;
    entered += joined;
    if (joined === 0 || joinScans > 100) break;
  }
  const joinSec = (performance.now() - started) / 1000;
  if (entered !== moved) failures.push(`journeys segment: ${entered} of ${moved} moved entered`);
  await archiveJourney(deps, property, journey.id);
  return {
    members,
    publishSec,
    steadySec,
    rawSteadySec,
    moved,
    unlistSec,
    joinSec,
    joinScans,
    entered,
  };
}

/**
 * The journey row on the PostgreSQL target's database, with no server running (its
 * journeys.advance job would walk the runs). advanceDue runs in this process with a worker's
 * dependencies and a ManualClock that is moved to the next wake whenever nothing is due.
 */
export async function benchJourneysPostgres(
  url: string,
  /** The benchmark's own connection (no statement timeout): seeding, checks and moving the clock. */
  database: Database,
  seed: BenchSeed,
): Promise<JourneysBench> {
  const clock = new ManualClock(new Date());
  const deps = await createDeps(
    loadConfig({
      DATABASE_URL: url,
      LOG_LEVEL: 'error',
      SEED_DEMO: 'false',
      ...(process.env.DB_POOL_SIZE ? { DB_POOL_SIZE: process.env.DB_POOL_SIZE } : {}),
    }),
    { clock },
  );
  try {
    const players = JOURNEY_PLAYERS;
    const created = await createProperty(deps, undefined, {
      orgId: seed.orgId,
      name: 'Bench journeys',
      timezone: 'America/Los_Angeles',
    });
    const property = { id: created.id, orgId: seed.orgId };
    const journeyId = await publish(deps, property, 'Bench journey', 'x');
    const ceilingId = await publish(deps, property, 'Bench journey ceiling', 'y');

    log(`postgres: seeding ${players.toLocaleString('en-US')} journey players and runs`);
    const start = clock.now();
    const seedStart = performance.now();
    await seedJourneyPlayers(database, property.id, players);
    await insertRuns(database, property.id, journeyId, players, start);
    await vacuum(database);
    const seedSec = (performance.now() - seedStart) / 1000;

    log(`postgres: advanceDue walking ${players.toLocaleString('en-US')} runs (${GRAPH_TEXT})`);
    const rssBefore = process.memoryUsage().rss;
    const peakRss = sampleRss();
    let reportedSteps = 0;
    let claims = 0;
    let calls = 0;
    const started = performance.now();
    for (;;) {
      const result = await advanceDue(deps);
      calls += 1;
      reportedSteps += result.steps;
      claims += result.runs;
      if (result.runs > 0) continue;
      // Nothing is due now: the clock moves to the next wake (past the wait).
      const wake = await nextWake(database, journeyId);
      if (!wake) break;
      if (wake <= clock.now()) {
        failures.push(`journeys: runs due at ${wake.toISOString()} that advanceDue did not take`);
        break;
      }
      clock.set(wake);
    }
    const sec = (performance.now() - started) / 1000;
    const peak = peakRss();
    const { exited, steps } = await checkOutcome(
      'advanceDue',
      database,
      journeyId,
      property.id,
      'x',
      players,
    );
    log(
      `postgres: advanceDue took ${steps} steps in ${sec.toFixed(1)} s ` +
        `(${(steps / sec).toFixed(0)}/s), peak RSS ${mb(peak).toFixed(0)} MB`,
    );

    log(`postgres: the ceiling, raw SQL making the same changes from ${LANES} pg clients`);
    await insertRuns(database, property.id, ceilingId, players, start);
    await vacuum(database);
    const ceiling = await ceilingRow(
      url,
      database,
      ceilingId,
      benchGraph('y'),
      start,
      deps.config.journeyClaimTimeoutMs,
    );
    await checkOutcome('ceiling', database, ceilingId, property.id, 'y', players);
    log(`postgres: the ceiling took ${ceiling.steps} steps in ${ceiling.sec.toFixed(1)} s`);

    log(`postgres: enterJourney, ${Math.min(ENTRIES, players)} players, ${LANES} at a time`);
    const entry = await entryRow(deps, database, property, players);

    log(`postgres: a segment_entered journey over ${players.toLocaleString('en-US')} players`);
    const segment = await segmentRow(deps, database, url, property, players);

    const stepsPerSec = steps / sec;
    const ceilingStepsPerSec = ceiling.steps / ceiling.sec;
    return {
      players,
      graph: GRAPH_TEXT,
      seedSec,
      steps,
      reportedSteps,
      finished: exited,
      claims,
      calls,
      sec,
      stepsPerSec,
      runsPerSec: exited / sec,
      rssBeforeMb: mb(rssBefore),
      peakRssMb: mb(peak),
      ceilingSteps: ceiling.steps,
      ceilingSec: ceiling.sec,
      ceilingStepsPerSec,
      ratio: stepsPerSec / ceilingStepsPerSec,
      entries: entry.entries,
      entrySec: entry.sec,
      entriesPerSec: entry.entries / entry.sec,
      segment,
    };
  } finally {
    await closeDeps(deps);
  }
}

export function formatJourneys(bench: JourneysBench): string {
  const f = (n: number, d = 0) =>
    n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
  return [
    '| journeys (postgres) | per second | time | |',
    '| --- | --- | --- | --- |',
    `| advanceDue, ${f(bench.players)} players, ${bench.graph} | ${f(bench.stepsPerSec)} steps/s, ${f(bench.runsPerSec)} runs/s | ${f(bench.sec, 1)} s | ${f(bench.steps)} steps (advanceDue answered ${f(bench.reportedSteps)}), ${f(bench.finished)} runs exited, ${f(bench.claims)} claimed in ${f(bench.calls)} calls; peak RSS ${f(bench.peakRssMb)} MB (${f(bench.rssBeforeMb)} MB before) |`,
    `| raw SQL making the same changes, ${LANES} pg clients | ${f(bench.ceilingStepsPerSec)} steps/s | ${f(bench.ceilingSec, 1)} s | ${f(bench.ceilingSteps)} steps |`,
    `| ratio (advanceDue / raw) | ${f(bench.ratio, 3)} | | seed ${f(bench.seedSec, 1)} s |`,
    `| enterJourney, ${f(bench.entries)} players, ${LANES} at a time | ${f(bench.entriesPerSec)} entries/s | ${f(bench.entrySec, 1)} s | |`,
    ...formatSegment(bench.segment, f),
  ].join('\n');
}

function formatSegment(row: SegmentScanRow, f: (n: number, d?: number) => string): string[] {
  return [
    `| segment_entered: publish, listing ${f(row.members)} members | | ${f(row.publishSec, 2)} s | |`,
    `| segment scan, nothing changed | | ${f(row.steadySec, 3)} s | raw SQL ${f(row.rawSteadySec, 3)} s, ratio ${f(row.rawSteadySec / row.steadySec, 3)} |`,
    `| segment scan, ${f(row.moved)} players left (bulk update, no events) | | ${f(row.unlistSec, 3)} s | |`,
    `| segment scans, the ${f(row.moved)} back: entered | ${f(row.entered / row.joinSec)} entries/s | ${f(row.joinSec, 2)} s | ${f(row.entered)} entered in ${f(row.joinScans)} scans |`,
  ];
}
