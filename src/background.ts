import type { Deps } from './deps.ts';
import type { Job } from './jobs/jobs.ts';
import type { QueueName } from './jobs/queues.ts';
import {
  createEventDispatcher,
  type EventConsumers,
  eventConsumers,
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
export const JOB_HANDLERS: Partial<Record<QueueName, QueueHandler>> = {};

export interface BackgroundOptions {
  /** Default: JOB_HANDLERS (tests give their own queues' handlers). */
  readonly handlers?: Readonly<Record<string, QueueHandler | undefined>>;
  /** Default: the process's registered consumers (events.dispatch.ts). */
  readonly consumers?: EventConsumers;
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
      consumers: options.consumers ?? eventConsumers,
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
  return {
    working: true,
    async stop() {
      await dispatcher.stop();
      await stopJobs();
    },
  };
}
