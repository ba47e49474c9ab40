import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePropertyTenant, type PropertyTenant, unique } from '../factories.ts';
import type { Harness } from '../harness.ts';
import { recordFigure, recordSecrets } from './figures.ts';
import { openSeeder } from './seeder.ts';
import { sleep, startWorker, waitFor, type WorkerProcess } from './webhooks-helpers.ts';

/**
 * Promise 3 (crash), journeys (issue 14): 10,000 players waiting in a journey, the worker killed
 * with -9 and restarted: every player takes its next step exactly once.
 *
 * The journey (trigger `api`) is created and published through the API; its players are not
 * entered through POST /api/journeys/:id/enter (10,000 requests would be most of the test's time)
 * but written in SQL as the engine leaves a player that arrived at the first wait: a run
 * `waiting` at `wait1` after one step (its `entered` row in journey_steps), waking over a few
 * seconds. A worker process (the periodic `journeys.advance`, claims of CLAIM_TIMEOUT_MS) walks
 * them out of wait1 into update1 (the run then completes) and is killed with SIGKILL once about a
 * third left wait1, holding claims (and usually a run mid-walk); a replacement takes the runs
 * whose claim ran out and finishes.
 *
 * Exactly once is checked three ways: each run's history is the graph's three steps in order and
 * nothing else; each player's profile shows the update, with one player.updated event; and a
 * row trigger this file installs (for its own property only) counts every UPDATE of each player
 * row, because the events trigger writes nothing for a write that changes no value — an update
 * step applied twice would not show in the events, but shows there.
 */
const SECTION = '3. Crash';
/**
 * The issue's 10,000 (RELIABILITY_JOURNEY_PLAYERS for a quicker run by hand). The walk is
 * CPU-bound: the worker process spends about 1.2 ms of CPU a step (dispatching the profile
 * updates' events included) and the database more, and the workers take 20,000 steps here (one
 * wait and one update a player: the next step is what the promise is about; a graph of two waits
 * took 50,000 steps and 4–6 minutes under load); the time limits below grow with the count.
 */
const PLAYERS = Number(process.env.RELIABILITY_JOURNEY_PLAYERS ?? 10_000);
if (!Number.isInteger(PLAYERS) || PLAYERS < 30) {
  throw new Error('RELIABILITY_JOURNEY_PLAYERS must be a whole number of at least 30');
}
/** A generous allowance per player for each phase (a machine under load 15 walked ~35/s). */
const MS_PER_PLAYER = 30;
const CLAIM_TIMEOUT_MS = 3000;
/** The first wait ends for the players over this span, starting a second after they are seeded. */
const WAKE_SPREAD_MS = 3000;
const POLL_MS = 200;
/**
 * The kill waits for the worker to hold at least this many claimed runs it has not stepped (of
 * the 50 it claims at once): between two claims, or between two periodic rounds, it holds none.
 */
const KILL_INSIDE_BATCH = 10;
const WORKER_ENV = { JOURNEY_CLAIM_TIMEOUT_MS: String(CLAIM_TIMEOUT_MS) };
/** Each run's history, in order: the steps the graph takes a player through, once each. */
const HISTORY = ['wait1:entered', 'wait1:passed', 'update1:passed'].join(',');
const STEPS = 3;
/** Steps the workers take per player (the first, arriving at wait1, is seeded). */
const WORKER_STEPS = STEPS - 1;

const figure = (name: string, value: string | number, expected?: string) =>
  recordFigure({ section: SECTION, name, value, ...(expected === undefined ? {} : { expected }) });
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const count = (n: number) => n.toLocaleString('en-US');

let h: Harness;
let t: PropertyTenant;
/** The write counter's table and trigger, named for this run (dropped in afterAll). */
const counter = `journey_crash_writes_${unique('w')
  .replace(/[^a-z0-9_]/gi, '_')
  .toLowerCase()}`;

beforeAll(async () => {
  h = await openSeeder('journey-crash');
  t = await makePropertyTenant(h, { perMinute: 100_000 });
  recordSecrets(t.key, t.owner.password, t.owner.token);
});

afterAll(async () => {
  if (h) {
    await sql`DROP TRIGGER IF EXISTS ${sql.id(counter)} ON players`.execute(h.deps.database.db);
    await sql`DROP TABLE IF EXISTS ${sql.id(counter)}`.execute(h.deps.database.db);
    await sql`DROP FUNCTION IF EXISTS ${sql.id(counter)}()`.execute(h.deps.database.db);
  }
  await h?.close();
});

/** A request of the tenant's read+write key to the in-process app (setup only). */
async function inject<T>(url: string, payload: object): Promise<T> {
  const response = await h.inject({ method: 'POST', url, headers: t.keyHeaders, payload });
  if (response.statusCode >= 300)
    throw new Error(`${url}: ${response.statusCode} ${response.body}`);
  return (JSON.parse(response.body) as { data: T }).data;
}

/**
 * Counts every UPDATE of this property's player rows, one row per write, whether or not it
 * changed a value. The property's id is a uuid the database made, written into the DDL as a
 * literal because a trigger's WHEN takes no parameters.
 */
async function installWriteCounter(propertyId: string): Promise<void> {
  if (!/^[0-9a-f-]{36}$/.test(propertyId)) throw new Error(`not a uuid: ${propertyId}`);
  const db = h.deps.database.db;
  const name = sql.id(counter);
  await sql`CREATE TABLE ${name} (player_id uuid NOT NULL)`.execute(db);
  await sql`
    CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO ${name} (player_id) VALUES (NEW.id);
      RETURN NULL;
    END
    $$`.execute(db);
  await sql`
    CREATE TRIGGER ${name} AFTER UPDATE ON players FOR EACH ROW
      WHEN (NEW.property_id = ${sql.lit(propertyId)}::uuid)
      EXECUTE FUNCTION ${name}()`.execute(db);
}

/**
 * The players, without their player.created events (as a CSV import writes them): the worker
 * would otherwise spend the test dispatching 10,000 events no journey here takes.
 */
async function seedPlayers(propertyId: string): Promise<void> {
  await h.deps.database.db.transaction().execute(async (trx) => {
    await sql`SET LOCAL playloop.player_events = 'off'`.execute(trx);
    await sql`
      INSERT INTO players (id, property_id, player_id, email, first_name)
      SELECT gen_random_uuid(), ${propertyId}::uuid, 'journey-crash-' || g,
             'journey-crash-' || g || '@example.test', 'Ann'
        FROM generate_series(1, ${PLAYERS}::int) AS g`.execute(trx);
  });
}

/**
 * Every player of the property waiting at wait1 as if it had just arrived there (one step
 * taken), their wait ending over WAKE_SPREAD_MS from a second after now.
 */
async function seedRuns(journeyId: string, propertyId: string): Promise<void> {
  const now = new Date();
  const firstWake = new Date(now.getTime() + 1000);
  await h.deps.database.db.transaction().execute(async (trx) => {
    await sql`
      INSERT INTO journey_runs (property_id, journey_id, version, player_id, entry_key, status,
                                node, steps, wake_at, waiting_since, context, entered_at,
                                updated_at)
      SELECT p.property_id, ${journeyId}::uuid, 1, p.id, 'seed:' || p.id, 'waiting', 'wait1', 1,
             ${firstWake}::timestamptz
               + make_interval(secs => (row_number() OVER (ORDER BY p.id) % ${WAKE_SPREAD_MS}::int)
                                       / 1000.0),
             ${now}::timestamptz, '{"trigger": {"name": "api"}}'::jsonb, ${now}::timestamptz,
             ${now}::timestamptz
        FROM players p WHERE p.property_id = ${propertyId}::uuid`.execute(trx);
    await sql`
      INSERT INTO journey_steps (run_id, seq, journey_id, version, node, outcome, next, detail, at)
      SELECT r.id, 1, r.journey_id, 1, 'wait1', 'entered', NULL,
             jsonb_build_object('until', r.wake_at), ${now}::timestamptz
        FROM journey_runs r WHERE r.journey_id = ${journeyId}::uuid`.execute(trx);
  });
  // 10,000 rows at once leave the planner's statistics behind (players entering over time give
  // autovacuum the time to follow): with none, the claim sorted every due run, 300 ms a claim.
  await sql`ANALYZE journey_runs`.execute(h.deps.database.db);
  await sql`ANALYZE journey_steps`.execute(h.deps.database.db);
}

interface Progress {
  /** Runs that left wait1 (took their step 2). */
  leftWait1: number;
  /** Steps recorded in all (seeded ones included). */
  steps: number;
}

async function progressOf(journeyId: string): Promise<Progress> {
  // Both counts come from journey_steps_counts_idx (journey_id, version, node, outcome).
  const { rows } = await sql<{ left: number; steps: number }>`
    SELECT count(*) FILTER (WHERE node = 'wait1' AND outcome = 'passed')::int AS left,
           count(*)::int AS steps
      FROM journey_steps WHERE journey_id = ${journeyId}::uuid AND version = 1`.execute(
    h.deps.database.db,
  );
  return { leftWait1: rows[0]?.left ?? 0, steps: rows[0]?.steps ?? 0 };
}

/** A check polled every POLL_MS, not waitFor's 25: the counts must not compete with the worker. */
const throttled =
  <T>(check: () => Promise<T>) =>
  async (): Promise<T> => {
    await sleep(POLL_MS);
    return check();
  };

interface Held {
  /** Runs under a claim that has not run out, not yet through their first worker step. */
  claimedWaiting: number;
  /** Runs between two steps (left wait1, not yet through update1): their walk was cut. */
  midWalk: number;
}

async function heldOf(journeyId: string, at: Date): Promise<Held> {
  const { rows } = await sql<{ waiting: number; active: number }>`
    SELECT count(*) FILTER (WHERE status = 'waiting' AND node = 'wait1'
                              AND claimed_until > ${at}::timestamptz)::int AS waiting,
           count(*) FILTER (WHERE status = 'active')::int AS active
      FROM journey_runs WHERE journey_id = ${journeyId}::uuid`.execute(h.deps.database.db);
  return { claimedWaiting: rows[0]?.waiting ?? 0, midWalk: rows[0]?.active ?? 0 };
}

async function unfinished(journeyId: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM journey_runs
     WHERE journey_id = ${journeyId}::uuid AND status <> 'completed'`.execute(h.deps.database.db);
  return rows[0]?.n ?? 0;
}

/**
 * CPU seconds a process has used (Linux /proc; NaN elsewhere): the work the walk costs, which
 * a loaded machine stretches in time but not in CPU.
 */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** How many runs (or players) share each value: {"value": how many}. */
const histogram = (rows: readonly { value: string | number | null; n: number }[]) =>
  Object.fromEntries(rows.map((row) => [String(row.value), row.n]));

describe(`journeys: a worker killed with -9 while ${count(PLAYERS)} players leave a wait`, () => {
  it(
    'takes every player through each next step exactly once, effects included',
    async () => {
      const fileStarted = performance.now();
      const journey = await inject<{ id: string }>('/api/journeys', {
        name: unique('Crash'),
        graph: {
          trigger: { type: 'api' },
          start: 'wait1',
          nodes: {
            wait1: { type: 'wait', duration: { seconds: 3 }, next: 'update1' },
            update1: { type: 'update_profile', set: { 'traits.step': 'after_wait' } },
          },
        },
      });
      await inject(`/api/journeys/${journey.id}/publish`, {});
      await seedPlayers(t.property.id);
      await installWriteCounter(t.property.id);

      let worker: WorkerProcess | undefined;
      try {
        worker = await startWorker('journey-crash-worker-killed', WORKER_ENV);
        const seeded = performance.now();
        await seedRuns(journey.id, t.property.id);
        const setupMs = seeded - fileStarted;

        // About a third of the players left wait1, and the worker holds claims on runs it has not
        // stepped yet: kill it in the middle of a batch.
        let progress: Progress = { leftWait1: 0, steps: 0 };
        await waitFor(
          'a third of the players past wait1, with runs claimed',
          throttled(async () => {
            progress = await progressOf(journey.id);
            if (progress.leftWait1 < PLAYERS / 3) return false;
            // A batch just claimed: the kill, milliseconds after this count, lands inside it.
            return (await heldOf(journey.id, new Date())).claimedWaiting >= KILL_INSIDE_BATCH;
          }),
          60_000 + PLAYERS * MS_PER_PLAYER,
          () => `(${count(progress.leftWait1)} past wait1)`,
        );
        const killedAt = performance.now();
        const killedAtDate = new Date();
        let workerCpu = cpuSeconds(worker.pid);
        await worker.kill('SIGKILL');
        const atKill = await progressOf(journey.id);
        // The dead worker's claims stay in the rows until they run out.
        const heldAtKill = await heldOf(journey.id, killedAtDate);
        const firstWorkerMs = killedAt - seeded - 1000;

        const restartStarted = performance.now();
        worker = await startWorker('journey-crash-worker-replacement', WORKER_ENV);
        const restartedAt = performance.now();
        let left = PLAYERS;
        await waitFor(
          'every run to complete',
          throttled(async () => (left = await unfinished(journey.id)) === 0),
          60_000 + PLAYERS * MS_PER_PLAYER,
          () => `(${count(left)} not completed)`,
        );
        const finishedAt = performance.now();
        workerCpu += cpuSeconds(worker.pid);
        await worker.kill();
        worker = undefined;

        const db = h.deps.database.db;
        const runs = await sql<{ value: string; n: number }>`
        SELECT status || ' at ' || node || ' after ' || steps || ' steps' AS value,
               count(*)::int AS n
          FROM journey_runs WHERE journey_id = ${journey.id}::uuid GROUP BY 1`.execute(db);
        const histories = await sql<{ value: string; n: number }>`
        SELECT history AS value, count(*)::int AS n FROM (
          SELECT string_agg(node || ':' || outcome, ',' ORDER BY seq) AS history,
                 min(seq) AS first, max(seq) AS last, count(*) AS rows
            FROM journey_steps WHERE journey_id = ${journey.id}::uuid GROUP BY run_id) s
         WHERE first = 1 AND last = rows
         GROUP BY history`.execute(db);
        const profiles = await sql<{ value: string; n: number }>`
        SELECT coalesce(traits ->> 'step', '-') AS value, count(*)::int AS n
          FROM players WHERE property_id = ${t.property.id}::uuid GROUP BY 1`.execute(db);
        const events = await sql<{ value: number; n: number }>`
        SELECT coalesce(e.n, 0) AS value, count(*)::int AS n
          FROM players p
          LEFT JOIN (SELECT payload ->> 'id' AS id, count(*)::int AS n FROM events
                      WHERE property_id = ${t.property.id}::uuid AND type = 'player.updated'
                        AND payload -> 'changed' = '["traits"]'::jsonb
                      GROUP BY 1) e ON e.id = p.id::text
         WHERE p.property_id = ${t.property.id}::uuid GROUP BY 1`.execute(db);
        const otherEvents = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM events
         WHERE property_id = ${t.property.id}::uuid AND type = 'player.updated'
           AND payload -> 'changed' <> '["traits"]'::jsonb`.execute(db);
        const writes = await sql<{ value: number; n: number }>`
        SELECT coalesce(w.n, 0) AS value, count(*)::int AS n
          FROM players p
          LEFT JOIN (SELECT player_id, count(*)::int AS n FROM ${sql.id(counter)}
                      GROUP BY 1) w ON w.player_id = p.id
         WHERE p.property_id = ${t.property.id}::uuid GROUP BY 1`.execute(db);
        const final = await progressOf(journey.id);

        const stepsAfterRestart = final.steps - atKill.steps;
        const restartToEndMs = finishedAt - restartedAt;
        figure(
          'journey kill -9: players waiting, claim timeout',
          `${count(PLAYERS)}, ${seconds(CLAIM_TIMEOUT_MS)}`,
        );
        figure('journey kill -9: setup (journey, players, worker start)', seconds(setupMs));
        figure('journey kill -9: players past wait1 at the kill', count(atKill.leftWait1));
        figure(
          'journey kill -9: runs claimed but not stepped / mid-walk at the kill',
          `${heldAtKill.claimedWaiting} / ${heldAtKill.midWalk}`,
        );
        figure(
          'journey kill -9: killed worker, steps per second',
          Math.round((atKill.steps - PLAYERS) / (firstWorkerMs / 1000)),
        );
        figure(
          'journey kill -9: worker CPU (both processes) per step taken, events dispatch included',
          `${((workerCpu * 1000) / (PLAYERS * WORKER_STEPS)).toFixed(2)} ms`,
        );
        figure('journey kill -9: replacement worker start', seconds(restartedAt - restartStarted));
        figure(
          'journey kill -9: time from the restart to every run completed',
          seconds(restartToEndMs),
          `≥ the claim timeout (${seconds(CLAIM_TIMEOUT_MS)})`,
        );
        figure(
          'journey kill -9: replacement worker, steps per second (waits included)',
          Math.round(stepsAfterRestart / (restartToEndMs / 1000)),
        );
        figure(
          'journey kill -9: time from the kill to every run completed',
          seconds(finishedAt - killedAt),
        );
        figure(
          'journey kill -9: runs by state',
          JSON.stringify(histogram(runs.rows)),
          `all completed after ${STEPS} steps`,
        );
        figure(
          'journey kill -9: runs with exactly the graph’s history',
          count(histogram(histories.rows)[HISTORY] ?? 0),
          `= ${count(PLAYERS)}`,
        );
        figure(
          'journey kill -9: steps recorded',
          count(final.steps),
          `= ${count(PLAYERS * STEPS)}`,
        );
        figure(
          'journey kill -9: players by player.updated events',
          JSON.stringify(histogram(events.rows)),
          `{"1": ${PLAYERS}}`,
        );
        figure(
          'journey kill -9: players by writes to their row',
          JSON.stringify(histogram(writes.rows)),
          `{"1": ${PLAYERS}}`,
        );
        figure('journey kill -9: test duration', seconds(performance.now() - fileStarted));

        // The kill happened mid-walk: some players had left wait1, most had not, and the dead
        // worker held claims that only the claim timeout gives back.
        expect(atKill.leftWait1).toBeGreaterThan(0);
        expect(atKill.leftWait1).toBeLessThan(PLAYERS);
        expect(heldAtKill.claimedWaiting + heldAtKill.midWalk).toBeGreaterThan(0);

        expect(histogram(runs.rows)).toEqual({
          [`completed at update1 after ${STEPS} steps`]: PLAYERS,
        });
        expect(histogram(histories.rows)).toEqual({ [HISTORY]: PLAYERS });
        expect(final.steps).toBe(PLAYERS * STEPS);
        expect(stepsAfterRestart).toBeLessThanOrEqual(PLAYERS * WORKER_STEPS);
        expect(histogram(profiles.rows)).toEqual({ after_wait: PLAYERS });
        expect(histogram(events.rows)).toEqual({ '1': PLAYERS });
        expect(otherEvents.rows[0]?.n).toBe(0);
        expect(histogram(writes.rows)).toEqual({ '1': PLAYERS });
      } finally {
        await worker?.kill();
      }
    },
    180_000 + 2 * PLAYERS * MS_PER_PLAYER,
  );
});
