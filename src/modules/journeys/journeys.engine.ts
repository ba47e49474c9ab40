import { randomInt } from 'node:crypto';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { prepareTriggeredMessage, type TriggeredMessage } from '../campaigns/index.ts';
import type { PlayerRow } from '../players/index.ts';
import { queueEndpointMessage } from '../webhooks/index.ts';
import { evaluate, nextLocalTime, parseCondition } from './journeys.condition.ts';
import { durationMs, type JourneyGraph, type JourneyNode } from './journeys.graph.ts';
import {
  anyDue,
  claimDue,
  commitStep,
  findVersion,
  recordStepFailure,
  releaseClaim,
  type RunChange,
  type RunRow,
  type StepRecord,
} from './journeys.repo.ts';

// Walking players through their journeys. Due runs are claimed a batch at a time (the claim
// expires, so a worker that dies mid-step leaves its runs to another after JOURNEY_CLAIM_TIMEOUT_MS);
// each step is decided first (reads, the pre-send check, rendering) and then committed in one
// transaction with its effect, guarded by the run's step count: a step replayed by a second
// worker or after a crash commits nothing. A run goes on step after step until it waits,
// exits or completes.

/** Runs claimed at once. */
const CLAIM = 50;
/** Steps one run may take in one claim: graphs are checked to have no loop without a wait. */
const MAX_STEPS_PER_CLAIM = 200;
/** Runs stepped side by side. */
const PARALLEL = 4;

export interface Version {
  graph: JourneyGraph;
  campaigns: Record<string, string>;
}

// Published versions never change: each process keeps the ones it read.
const versions = new Map<string, Promise<Version>>();

export function versionOf(
  deps: Deps,
  journeyId: string,
  version: number,
  /** The transaction to read it in (an events consumer holds PGlite's one connection). */
  db: Kysely<DB> | Transaction<DB> = deps.database.db,
): Promise<Version> {
  const key = `${journeyId}:${version}`;
  let found = versions.get(key);
  if (!found) {
    found = findVersion(db, journeyId, version).then((row) => {
      if (!row) throw new Error(`journey ${journeyId} has no version ${version}`);
      return { graph: row.graph as JourneyGraph, campaigns: row.campaigns };
    });
    found.catch(() => versions.delete(key));
    if (versions.size > 5000) versions.clear();
    versions.set(key, found);
  }
  return found;
}

/** What a step decided, to be committed. */
interface Decision {
  change: RunChange;
  step: StepRecord;
  /** Written in the step's transaction. */
  effect?: (trx: Transaction<DB>) => Promise<void>;
  /** Run after the step committed. */
  after?: () => Promise<void>;
}

const eventOf = (run: RunRow): Record<string, unknown> => {
  const context = run.context as {
    event?: Record<string, unknown>;
    trigger?: Record<string, unknown>;
  };
  return context.event ?? context.trigger ?? {};
};

function goOn(
  run: RunRow,
  node: string,
  next: string | undefined,
  step: Omit<StepRecord, 'node' | 'next'>,
  now: Date,
): Decision {
  if (next === undefined) {
    return {
      change: {
        status: 'completed',
        node: run.node,
        wake_at: null,
        waiting_for: null,
        waiting_since: null,
        finished_at: now,
      },
      step: { ...step, node, next: null },
    };
  }
  return {
    change: { status: 'active', node: next, wake_at: now, waiting_for: null, waiting_since: null },
    step: { ...step, node, next },
  };
}

function exitRun(
  run: RunRow,
  reason: string,
  outcome: StepRecord['outcome'],
  detail: Record<string, unknown>,
  now: Date,
): Decision {
  return {
    change: {
      status: 'exited',
      node: run.node,
      wake_at: null,
      waiting_for: null,
      waiting_since: null,
      exit_reason: reason,
      finished_at: now,
    },
    step: { node: run.node, outcome, next: null, detail },
  };
}

async function loadPlayer(deps: Deps, run: RunRow): Promise<PlayerRow | undefined> {
  return (await deps.database.db
    .selectFrom('players')
    .selectAll()
    .where('property_id', '=', run.property_id)
    .where('id', '=', run.player_id)
    .executeTakeFirst()) as PlayerRow | undefined;
}

/** Leaving a wait node whose time (or event) came. */
function leaveWait(run: RunRow, node: JourneyNode, now: Date): Decision {
  if (node.type === 'wait_for_event') {
    const resumed = run.waiting_for === null;
    return goOn(
      run,
      run.node,
      resumed ? node.next : node.on_timeout,
      {
        outcome: 'passed',
        detail: { via: resumed ? 'event' : 'timeout' },
      },
      now,
    );
  }
  const next = node.type === 'wait' || node.type === 'wait_until' ? node.next : undefined;
  return goOn(run, run.node, next, { outcome: 'passed', detail: {} }, now);
}

/** Arriving at a wait node: the run sleeps until its time (or event). */
function arriveAtWait(
  run: RunRow,
  graph: JourneyGraph,
  node: JourneyNode,
  player: PlayerRow,
  now: Date,
): Decision {
  let wake: Date;
  let waitingFor: string | null = null;
  if (node.type === 'wait') {
    wake = new Date(now.getTime() + durationMs(node.duration));
  } else if (node.type === 'wait_until') {
    const zone = player.timezone ?? graph.fallback_time_zone;
    wake = nextLocalTime(now, node.local_time, zone, node.weekdays);
  } else if (node.type === 'wait_for_event') {
    wake = new Date(now.getTime() + durationMs(node.timeout));
    waitingFor = node.event;
  } else {
    throw new Error(`${node.type} is not a wait`);
  }
  return {
    change: {
      status: 'waiting',
      node: run.node,
      wake_at: wake,
      waiting_for: waitingFor,
      waiting_since: now,
    },
    step: { node: run.node, outcome: 'entered', next: null, detail: { until: wake.toISOString() } },
  };
}

async function decide(deps: Deps, run: RunRow, version: Version, now: Date): Promise<Decision> {
  const { graph } = version;
  const node = graph.nodes[run.node];
  if (!node) return exitRun(run, `the version has no node ${run.node}`, 'failed', {}, now);
  if (run.status === 'waiting') return leaveWait(run, node, now);
  // Only these steps read the profile; for the others a player deleted meanwhile took the run
  // with it (ON DELETE CASCADE), and the guarded commit finds nothing.
  const needsPlayer = ['wait_until', 'send', 'webhook'].includes(node.type);
  const loaded = needsPlayer ? await loadPlayer(deps, run) : undefined;
  if (needsPlayer && !loaded) return exitRun(run, 'the player is gone', 'exited', {}, now);
  const player = loaded ?? ({ id: run.player_id, timezone: null } as PlayerRow);
  switch (node.type) {
    case 'wait':
    case 'wait_until':
    case 'wait_for_event':
      return arriveAtWait(run, graph, node, player, now);
    case 'condition': {
      const result = await evaluate(deps, parseCondition(node.filter), {
        propertyId: run.property_id,
        playerId: run.player_id,
        event: eventOf(run),
      });
      return goOn(
        run,
        run.node,
        result ? node.then : node.else,
        { outcome: 'passed', detail: { result } },
        now,
      );
    }
    case 'split': {
      const total = node.branches.reduce((sum, branch) => sum + branch.weight, 0);
      let pick = randomInt(total);
      const branch =
        node.branches.find((candidate) => (pick -= candidate.weight) < 0) ?? node.branches[0]!;
      return goOn(
        run,
        run.node,
        branch.next,
        { outcome: 'passed', detail: { branch: node.branches.indexOf(branch) } },
        now,
      );
    }
    case 'send':
      return decideSend(deps, run, version, node, player, now);
    case 'update_profile':
      return {
        ...goOn(run, run.node, node.next, { outcome: 'passed', detail: { set: node.set } }, now),
        effect: (trx) => updateProfile(trx, run, node.set, now),
      };
    case 'webhook':
      return {
        ...goOn(
          run,
          run.node,
          node.next,
          { outcome: 'passed', detail: { endpoint_id: node.endpoint_id } },
          now,
        ),
        effect: async (trx) => {
          const queued = await queueEndpointMessage(
            deps,
            trx,
            {
              propertyId: run.property_id,
              endpointId: node.endpoint_id,
              type: 'journey.webhook',
              data: {
                journey_id: run.journey_id,
                version: run.version,
                run_id: run.id,
                node: run.node,
                player: { id: player.id, player_id: player.player_id, tier: player.tier },
                event: eventOf(run),
              },
            },
            now,
          );
          // An endpoint deleted or disabled since publishing: the step is taken, nothing sent.
          if (!queued)
            deps.logger.warn(
              { run: run.id, node: run.node },
              'journey webhook endpoint unavailable',
            );
        },
      };
    case 'exit':
      return exitRun(run, 'exit step', 'exited', {}, now);
  }
}

async function decideSend(
  deps: Deps,
  run: RunRow,
  version: Version,
  node: Extract<JourneyNode, { type: 'send' }>,
  player: PlayerRow,
  now: Date,
): Promise<Decision> {
  const campaignId = version.campaigns[run.node];
  if (!campaignId) return exitRun(run, `send step ${run.node} has no campaign`, 'failed', {}, now);
  const message: TriggeredMessage = await prepareTriggeredMessage(
    deps,
    campaignId,
    player,
    run.id,
    {
      journey_id: run.journey_id,
      journey_run_id: run.id,
    },
  );
  const detail = {
    message_id: message.messageId,
    status: message.status,
    reasons: message.reasons,
  };
  const decision =
    message.status === 'skipped' && node.on_skip === 'exit'
      ? exitRun(run, 'the pre-send check skipped the player', 'skipped', detail, now)
      : goOn(
          run,
          run.node,
          node.next,
          { outcome: message.status === 'queued' ? 'passed' : 'skipped', detail },
          now,
        );
  return {
    ...decision,
    effect: async (trx) => {
      await message.write(trx);
    },
    after: () => message.wake(),
  };
}

const TRAIT = /^traits\.([A-Za-z0-9_]{1,64})$/;

async function updateProfile(
  trx: Transaction<DB>,
  run: RunRow,
  set: Record<string, string | number | boolean | null>,
  now: Date,
): Promise<void> {
  const traits: Record<string, unknown> = {};
  const columns: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(set)) {
    const trait = TRAIT.exec(key)?.[1];
    if (trait) traits[trait] = value;
    else columns[key] = value;
  }
  // The players trigger records player.updated for what changed, as for any other write.
  await trx
    .updateTable('players')
    .set({
      ...columns,
      ...(Object.keys(traits).length > 0
        ? { traits: sql`coalesce(traits, '{}'::jsonb) || ${JSON.stringify(traits)}::jsonb` }
        : {}),
      updated_at: now,
    } as never)
    .where('property_id', '=', run.property_id)
    .where('id', '=', run.player_id)
    .execute();
}

/** Takes the run's steps until it waits, ends, or another worker owns it. */
async function walk(deps: Deps, claimed: RunRow): Promise<number> {
  let run = claimed;
  let taken = 0;
  const version = await versionOf(deps, run.journey_id, run.version);
  for (; taken < MAX_STEPS_PER_CLAIM; taken += 1) {
    const now = deps.clock.now();
    const decision = await decide(deps, run, version, now);
    const committed = await deps.database.db.transaction().execute(async (trx) => {
      if (!(await commitStep(trx, run, decision.change, decision.step, now))) return false;
      if (decision.effect) await decision.effect(trx);
      return true;
    });
    if (!committed) return taken;
    await decision
      .after?.()
      .catch((error: unknown) =>
        deps.logger.warn(
          { err: error, run: run.id },
          'waking the journey sender failed; the sweep will',
        ),
      );
    const { change } = decision;
    run = {
      ...run,
      status: change.status,
      node: change.node,
      steps: run.steps + 1,
      wake_at: change.wake_at,
      waiting_for: change.waiting_for,
      waiting_since: change.waiting_since,
    };
    if (change.status !== 'active') return taken + 1;
  }
  // A run that took its whole allowance goes back in the queue for the next round.
  await releaseClaim(deps.database.db, run);
  return taken;
}

/** Failures of one step before its run exits; retried after 1, 2, 4, 8 minutes. */
const MAX_STEP_FAILURES = 5;

async function failed(deps: Deps, claimed: RunRow, error: unknown): Promise<void> {
  // The run as it is now: the failing step may come after steps this claim committed.
  const run = await deps.database.db
    .selectFrom('journey_runs')
    .selectAll()
    .where('id', '=', claimed.id)
    .executeTakeFirst();
  if (!run || run.claimed_until?.getTime() !== claimed.claimed_until?.getTime()) return;
  const message = error instanceof Error ? error.message : String(error);
  const now = deps.clock.now();
  const failures = Number((run.context as { failures?: unknown }).failures ?? 0);
  const retryAt = new Date(now.getTime() + 60_000 * 2 ** failures);
  const outcome = await recordStepFailure(
    deps.database.db,
    run,
    message.slice(0, 500),
    retryAt,
    MAX_STEP_FAILURES,
    now,
  ).catch(() => 'lost' as const);
  deps.logger.warn(
    { err: error, run: run.id, node: run.node, failures: failures + 1, outcome },
    'a journey step failed',
  );
}

export interface AdvanceResult {
  runs: number;
  steps: number;
}

/**
 * Steps due runs for at most `sliceMs` (the periodic `journeys.advance` and tests). Answers
 * how many runs were claimed and steps taken.
 */
export async function advanceDue(
  deps: Deps,
  options: {
    sliceMs?: number;
    /** Only this property's runs (tests: another file's runs are not theirs to walk). */
    propertyId?: string;
    journeyId?: string;
    signal?: AbortSignal;
  } = {},
): Promise<AdvanceResult> {
  const started = Date.now();
  const result: AdvanceResult = { runs: 0, steps: 0 };
  const sliceMs = options.sliceMs ?? 20_000;
  while (Date.now() - started < sliceMs && !options.signal?.aborted) {
    const now = deps.clock.now();
    const scoped = options.journeyId ?? options.propertyId;
    if (!scoped && !(await anyDue(deps.database.db, now))) break;
    const claimed = await claimDue(
      deps.database.db,
      now,
      new Date(now.getTime() + deps.config.journeyClaimTimeoutMs),
      CLAIM,
      { journeyId: options.journeyId, propertyId: options.propertyId },
    );
    if (claimed.length === 0) break;
    result.runs += claimed.length;
    let next = 0;
    const lanes = Array.from({ length: Math.min(PARALLEL, claimed.length) }, async () => {
      while (next < claimed.length) {
        const run = claimed[next++]!;
        try {
          const taken = await walk(deps, run);
          result.steps += taken;
        } catch (error) {
          await failed(deps, run, error);
        }
      }
    });
    await Promise.all(lanes);
  }
  return result;
}
