import type { Deps } from './deps.ts';
import type { Job } from './jobs/jobs.ts';
import type { QueueName } from './jobs/queues.ts';
import { playerActivityConsumer } from './modules/players/index.ts';
import {
  advanceDue,
  enterBirthdays,
  scanSegments,
  forgetSeenEvents,
  journeyTriggers,
} from './modules/journeys/index.ts';
import {
  closeOutboxes,
  continueLater,
  deliverCampaign,
  planCampaign,
  QUEUE_DELIVER,
  QUEUE_PLAN,
  sweepCampaigns,
} from './modules/campaigns/index.ts';
import {
  type DeliverJob,
  deliverMessage,
  sweepOverdue,
  webhookFanout,
} from './modules/webhooks/index.ts';
import {
  createEventDispatcher,
  type EventConsumer,
  EventConsumers,
} from './modules/events/events.dispatch.ts';

/**
 * The background half of a process (composition root, beside deps.ts): the job queue, the
 * workers of every queue, and the events dispatcher. `npm start` runs it beside the HTTP server
 * unless WORKERS=false; `npm run worker` (src/worker.ts) runs it alone.
 */

export type QueueHandler = (deps: Deps, job: Job<unknown>) => Promise<void>;

/**
 * What each queue's jobs do: one service function per queue of src/jobs/queues.ts. A queue
 * without a handler here is only sent to; its jobs wait until a release handles it.
 */
export const JOB_HANDLERS: Partial<Record<QueueName, QueueHandler>> = {
  'webhooks.deliver': async (deps, job) => {
    await deliverMessage(deps, (job.data as DeliverJob).messageId);
  },
  'campaigns.plan': async (deps, job) => {
    const { campaignId } = job.data as { campaignId: string };
    const { next } = await planCampaign(deps, campaignId, job.signal);
    // Sending starts with the first planned slice: a large audience is sent while it is planned.
    if (next !== 'none') await continueLater(deps, QUEUE_DELIVER, campaignId);
    if (next === 'plan') await continueLater(deps, QUEUE_PLAN, campaignId);
  },
  'campaigns.deliver': async (deps, job) => {
    const { campaignId } = job.data as { campaignId: string };
    const result = await deliverCampaign(deps, campaignId, job.signal);
    if (result.next === 'again') await continueLater(deps, QUEUE_DELIVER, campaignId);
    if (result.next === 'later') await continueLater(deps, QUEUE_DELIVER, campaignId, result.at);
  },
};

/** Periodic work of a worker process, each run every `everyMs` (errors logged, never fatal). */
export const PERIODIC_TASKS: Readonly<
  Record<string, { everyMs: number; run: (deps: Deps) => Promise<unknown> }>
> = {
  // Messages whose job was lost (a queue outage, a job that ran before its time) are re-sent.
  'webhooks.sweep': { everyMs: 15_000, run: (deps) => sweepOverdue(deps) },
  // Campaigns whose jobs were lost (a queue outage, a worker killed between jobs) go on.
  'campaigns.sweep': { everyMs: 30_000, run: (deps) => sweepCampaigns(deps) },
  // Players whose wait ended (or whose event came) take their next steps. The runs table is the
  // queue: a due run is claimed with SKIP LOCKED, and a claim runs out if its worker dies.
  'journeys.advance': { everyMs: 1000, run: (deps) => advanceDue(deps) },
  // Birthdays whose local time came enter the journeys with a `date` trigger.
  'journeys.dates': { everyMs: 60_000, run: (deps) => enterBirthdays(deps) },
  // Players who joined a watched segment without an event saying so (a filter edited) enter.
  'journeys.segments': { everyMs: 60_000, run: (deps) => scanSegments(deps) },
  'journeys.forget': { everyMs: 3_600_000, run: (deps) => forgetSeenEvents(deps) },
};

export type ConsumerFactory = (deps: Deps) => EventConsumer;

/**
 * What reacts to committed events, in this order: one consumer per feature, named
 * `<domain>.<purpose>`, each idempotent by event id (it may run again after a rollback).
 */
export const EVENT_CONSUMERS: Readonly<Record<string, ConsumerFactory>> = {
  'webhooks.fanout': webhookFanout,
  'players.activity': playerActivityConsumer,
  // After players.activity: a condition on the profile then reads the play it recorded.
  'journeys.triggers': journeyTriggers,
};

/** The process's consumers, built over its deps. */
export function eventConsumersFor(deps: Deps): EventConsumers {
  const consumers = new EventConsumers();
  for (const [name, factory] of Object.entries(EVENT_CONSUMERS)) {
    consumers.register(name, factory(deps));
  }
  return consumers;
}

export interface BackgroundOptions {
  /** Default: JOB_HANDLERS (tests give their own queues' handlers). */
  readonly handlers?: Readonly<Record<string, QueueHandler | undefined>>;
  /** Default: EVENT_CONSUMERS over this process's deps. */
  readonly consumers?: EventConsumers;
  /** Default: PERIODIC_TASKS (tests that drive time themselves give none). */
  readonly periodic?: typeof PERIODIC_TASKS;
  /** Only this organization's events (tests: another file's events are not theirs to take). */
  readonly dispatchOrgId?: number;
}

export interface Background {
  /** Whether this process runs workers (WORKERS), or only sends jobs. */
  readonly working: boolean;
  /**
   * Stops taking jobs and events, lets running jobs finish for SHUTDOWN_GRACE_MS, then fails
   * the rest so another worker retries them.
   */
  stop(): Promise<void>;
}

/**
 * Starts the job queue (every process needs it to send jobs: it installs pg-boss's schema and
 * the queues) and, when this process runs workers, the workers and the events dispatcher.
 */
export async function startBackground(
  deps: Deps,
  options: BackgroundOptions = {},
): Promise<Background> {
  await deps.jobs.start();
  const stopJobs = () => deps.jobs.stop({ graceful: true, timeoutMs: deps.config.shutdownGraceMs });
  if (!deps.config.workers) {
    deps.logger.info('workers are off in this process (WORKERS=false): jobs are only sent');
    return { working: false, stop: stopJobs };
  }
  const dispatcher = createEventDispatcher(
    { db: deps.database.db, logger: deps.logger },
    {
      pollMs: deps.config.eventsPollMs,
      consumers: options.consumers ?? eventConsumersFor(deps),
      ...(options.dispatchOrgId === undefined ? {} : { orgId: options.dispatchOrgId }),
    },
  );
  try {
    const handlers = options.handlers ?? JOB_HANDLERS;
    for (const [queue, handler] of Object.entries(handlers)) {
      if (handler) await deps.jobs.work(queue, (job) => handler(deps, job));
    }
    dispatcher.start();
  } catch (error) {
    await stopJobs();
    throw error;
  }
  const stopPeriodic = startPeriodic(deps, options.periodic ?? PERIODIC_TASKS);
  return {
    working: true,
    async stop() {
      await stopPeriodic();
      await dispatcher.stop();
      await stopJobs();
      // The campaign senders' pooled SMTP connections, once no job can use them.
      closeOutboxes();
    },
  };
}

function startPeriodic(deps: Deps, tasks: typeof PERIODIC_TASKS): () => Promise<void> {
  const running = new Set<Promise<unknown>>();
  const timers = Object.entries(tasks).map(([name, task]) => {
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      const run = task
        .run(deps)
        .catch((error: unknown) =>
          deps.logger.warn({ err: error, task: name }, 'periodic task failed'),
        )
        .finally(() => {
          busy = false;
          running.delete(run);
        });
      running.add(run);
    }, task.everyMs);
    timer.unref();
    return timer;
  });
  return async () => {
    for (const timer of timers) clearInterval(timer);
    await Promise.all(running);
  };
}
