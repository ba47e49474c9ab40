import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type {
  DB,
  JourneyRunsTable,
  JourneysTable,
  JourneyStatus,
  JourneyStepOutcome,
} from '../../db/schema.ts';

type Executor = Kysely<DB> | Transaction<DB>;
export type JourneyRow = Selectable<JourneysTable>;
export type RunRow = Selectable<JourneyRunsTable>;

export function listJourneys(
  db: Executor,
  propertyId: string,
  options: {
    status: JourneyStatus | undefined;
    before: { created_at: Date; id: string } | undefined;
    limit: number;
  },
): Promise<JourneyRow[]> {
  let query = db
    .selectFrom('journeys')
    .selectAll()
    .where('property_id', '=', propertyId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit);
  if (options.status) query = query.where('status', '=', options.status);
  const before = options.before;
  if (before) {
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '<', before.created_at),
        eb.and([eb('created_at', '=', before.created_at), eb('id', '<', before.id)]),
      ]),
    );
  }
  return query.execute();
}

export function findJourney(
  db: Executor,
  propertyId: string,
  id: string,
): Promise<JourneyRow | undefined> {
  return db
    .selectFrom('journeys')
    .selectAll()
    .where('property_id', '=', propertyId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export function lockJourney(
  trx: Transaction<DB>,
  propertyId: string,
  id: string,
): Promise<JourneyRow | undefined> {
  return trx
    .selectFrom('journeys')
    .selectAll()
    .where('property_id', '=', propertyId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

/** Inserts unless the property holds `max` journeys (counted under the property's row lock). */
export async function insertJourney(
  trx: Transaction<DB>,
  propertyId: string,
  values: { name: string; description: string | null; draft: unknown },
  max: number,
  now: Date,
): Promise<JourneyRow | undefined> {
  await sql`SELECT 1 FROM properties WHERE id = ${propertyId} FOR NO KEY UPDATE`.execute(trx);
  const { rows } = await sql<{ count: number }>`
    SELECT count(*)::int AS count FROM journeys WHERE property_id = ${propertyId}`.execute(trx);
  if ((rows[0]?.count ?? 0) >= max) return undefined;
  return trx
    .insertInto('journeys')
    .values({
      property_id: propertyId,
      name: values.name,
      description: values.description,
      draft: JSON.stringify(values.draft),
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function updateJourney(
  db: Executor,
  propertyId: string,
  id: string,
  values: Partial<{
    name: string;
    description: string | null;
    draft: unknown;
    status: JourneyStatus;
    version: number;
    trigger_type: string;
    trigger_name: string | null;
  }>,
  now: Date,
): Promise<JourneyRow | undefined> {
  const set: Record<string, unknown> = { ...values, updated_at: now };
  if ('draft' in values) set.draft = JSON.stringify(values.draft);
  return db
    .updateTable('journeys')
    .set(set)
    .where('property_id', '=', propertyId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteJourney(db: Executor, propertyId: string, id: string) {
  const result = await db
    .deleteFrom('journeys')
    .where('property_id', '=', propertyId)
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function insertVersion(
  trx: Transaction<DB>,
  journeyId: string,
  version: number,
  graph: unknown,
  campaigns: Record<string, string>,
  now: Date,
): Promise<void> {
  await trx
    .insertInto('journey_versions')
    .values({
      journey_id: journeyId,
      version,
      graph: JSON.stringify(graph),
      campaigns: JSON.stringify(campaigns),
      published_at: now,
    })
    .execute();
}

export function findVersion(db: Executor, journeyId: string, version: number) {
  return db
    .selectFrom('journey_versions')
    .select(['journey_id', 'version', 'graph', 'campaigns', 'published_at'])
    .where('journey_id', '=', journeyId)
    .where('version', '=', version)
    .executeTakeFirst();
}

export function listVersions(db: Executor, journeyId: string) {
  return db
    .selectFrom('journey_versions')
    .select(['version', 'published_at'])
    .where('journey_id', '=', journeyId)
    .orderBy('version', 'desc')
    .execute();
}

export interface StepRecord {
  readonly node: string;
  readonly outcome: JourneyStepOutcome;
  readonly next: string | null;
  readonly detail: Record<string, unknown>;
}

/**
 * Claims up to `limit` due runs of active journeys for this worker until `claimUntil`: runs
 * whose time came, and runs another worker claimed and did not finish before its claim ran out.
 */
export async function claimDue(
  db: Executor,
  now: Date,
  claimUntil: Date,
  limit: number,
  scope: { journeyId?: string | undefined; propertyId?: string | undefined },
): Promise<RunRow[]> {
  const journey = scope.journeyId ? sql`AND r.journey_id = ${scope.journeyId}` : sql``;
  const property = scope.propertyId ? sql`AND r.property_id = ${scope.propertyId}` : sql``;
  const { rows } = await sql<RunRow>`
    UPDATE journey_runs SET claimed_until = ${claimUntil}
     WHERE id IN (
       SELECT r.id FROM journey_runs r
        WHERE r.status IN ('active', 'waiting') AND r.wake_at <= ${now}
          AND (r.claimed_until IS NULL OR r.claimed_until < ${now}) ${journey} ${property}
          -- EXISTS rather than a join: the due index is then read in wake order whatever the
          -- statistics say (a join planned on stale ones sorted every due run).
          AND EXISTS (SELECT 1 FROM journeys j WHERE j.id = r.journey_id AND j.status = 'active')
        ORDER BY r.wake_at
        LIMIT ${limit}
          FOR UPDATE SKIP LOCKED)
    RETURNING *`.execute(db);
  return rows;
}

/** Whether any run is due (one probe of the partial index). */
export async function anyDue(db: Executor, now: Date): Promise<boolean> {
  const { rows } = await sql<{ due: boolean }>`
    SELECT EXISTS (SELECT 1 FROM journey_runs
                    WHERE status IN ('active', 'waiting') AND wake_at <= ${now}) AS due`.execute(
    db,
  );
  return rows[0]?.due === true;
}

export interface RunChange {
  status: RunRow['status'];
  node: string;
  wake_at: Date | null;
  waiting_for: string | null;
  waiting_since: Date | null;
  exit_reason?: string | null;
  finished_at?: Date | null;
  context?: Record<string, unknown>;
}

/**
 * Moves the run one step, only if it is still at the step this worker read (`steps`) and
 * still this worker's claim; records the step. False when another worker got there first.
 */
export async function commitStep(
  trx: Transaction<DB>,
  run: RunRow,
  change: RunChange,
  step: StepRecord,
  now: Date,
): Promise<boolean> {
  const updated = await trx
    .updateTable('journey_runs')
    .set({
      status: change.status,
      node: change.node,
      steps: run.steps + 1,
      wake_at: change.wake_at,
      waiting_for: change.waiting_for,
      waiting_since: change.waiting_since,
      // A run that waits or ended is no one's: its next step is claimed when it is due.
      ...(change.status === 'active' ? {} : { claimed_until: null }),
      ...(change.exit_reason !== undefined ? { exit_reason: change.exit_reason } : {}),
      ...(change.finished_at !== undefined ? { finished_at: change.finished_at } : {}),
      ...(change.context ? { context: JSON.stringify(change.context) } : {}),
      updated_at: now,
    })
    .where('id', '=', run.id)
    .where('steps', '=', run.steps)
    .where('claimed_until', '=', run.claimed_until)
    .executeTakeFirst();
  if (updated.numUpdatedRows === 0n) return false;
  await trx
    .insertInto('journey_steps')
    .values({
      run_id: run.id,
      seq: run.steps + 1,
      journey_id: run.journey_id,
      version: run.version,
      node: step.node,
      outcome: step.outcome,
      next: step.next,
      detail: JSON.stringify(step.detail),
      at: now,
    })
    .execute();
  return true;
}

/** Lets go of a claim (the run is due again at once, for another worker or the next round). */
export async function releaseClaim(db: Executor, run: RunRow): Promise<void> {
  await db
    .updateTable('journey_runs')
    .set({ claimed_until: null })
    .where('id', '=', run.id)
    .where('steps', '=', run.steps)
    .where('claimed_until', '=', run.claimed_until)
    .execute();
}

export interface NodeCount {
  version: number;
  node: string;
  outcome: JourneyStepOutcome;
  count: number;
}

export async function stepCounts(db: Executor, journeyId: string): Promise<NodeCount[]> {
  const { rows } = await sql<NodeCount>`
    SELECT version, node, outcome, count(*)::int AS count FROM journey_steps
     WHERE journey_id = ${journeyId} GROUP BY version, node, outcome`.execute(db);
  return rows;
}

export async function waitingCounts(db: Executor, journeyId: string) {
  const { rows } = await sql<{ version: number; node: string; status: string; count: number }>`
    SELECT version, node, status, count(*)::int AS count FROM journey_runs
     WHERE journey_id = ${journeyId} GROUP BY version, node, status`.execute(db);
  return rows;
}

export function listRuns(
  db: Executor,
  propertyId: string,
  options: {
    journeyId: string;
    playerId: string | undefined;
    status: RunRow['status'] | undefined;
    before: { created_at: Date; id: string } | undefined;
    limit: number;
  },
): Promise<RunRow[]> {
  let query = db
    .selectFrom('journey_runs')
    .selectAll()
    .where('property_id', '=', propertyId)
    .where('journey_id', '=', options.journeyId)
    .orderBy('entered_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit);
  if (options.playerId) query = query.where('player_id', '=', options.playerId);
  if (options.status) query = query.where('status', '=', options.status);
  const before = options.before;
  if (before) {
    query = query.where((eb) =>
      eb.or([
        eb('entered_at', '<', before.created_at),
        eb.and([eb('entered_at', '=', before.created_at), eb('id', '<', before.id)]),
      ]),
    );
  }
  return query.execute();
}

export function runSteps(db: Executor, runId: string) {
  return db
    .selectFrom('journey_steps')
    .select(['seq', 'node', 'outcome', 'next', 'detail', 'at'])
    .where('run_id', '=', runId)
    .orderBy('seq')
    .execute();
}

/** Ends every run of the journey still going (the journey was archived). */
export async function exitAllRuns(
  trx: Transaction<DB>,
  journeyId: string,
  reason: string,
  now: Date,
) {
  await trx
    .updateTable('journey_runs')
    .set({
      status: 'exited',
      exit_reason: reason,
      finished_at: now,
      wake_at: null,
      waiting_for: null,
      updated_at: now,
    })
    .where('journey_id', '=', journeyId)
    .where('status', 'in', ['active', 'waiting'])
    .execute();
}

/**
 * A step that threw (a provider or database error): the run keeps its step and is due again
 * after `retryAt`; after `maxFailures` it exits with outcome failed. Guarded like a step.
 */
export async function recordStepFailure(
  db: Executor,
  run: RunRow,
  error: string,
  retryAt: Date,
  maxFailures: number,
  now: Date,
): Promise<'retry' | 'exited' | 'lost'> {
  const failures = Number((run.context as { failures?: unknown }).failures ?? 0) + 1;
  const context = JSON.stringify({ ...run.context, failures, last_error: error });
  if (failures < maxFailures) {
    const updated = await db
      .updateTable('journey_runs')
      .set({ context, wake_at: retryAt, claimed_until: null, updated_at: now })
      .where('id', '=', run.id)
      .where('steps', '=', run.steps)
      .where('claimed_until', '=', run.claimed_until)
      .executeTakeFirst();
    return updated.numUpdatedRows > 0n ? 'retry' : 'lost';
  }
  return db.transaction().execute(async (trx) => {
    const exited = await commitStep(
      trx,
      run,
      {
        status: 'exited',
        node: run.node,
        wake_at: null,
        waiting_for: null,
        waiting_since: null,
        exit_reason: `step failed ${failures} times: ${error}`.slice(0, 500),
        finished_at: now,
        context: { ...run.context, failures, last_error: error },
      },
      { node: run.node, outcome: 'failed', next: null, detail: { error } },
      now,
    );
    return exited ? 'exited' : 'lost';
  });
}
