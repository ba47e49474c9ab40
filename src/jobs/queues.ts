/**
 * Every job queue, with its retry and expiry rules: the one place they are set. Each queue is
 * created (or its options brought up to date) when a process starts its jobs, so a queue added
 * here exists before anything is sent to it. One queue per use case, named `<domain>.<verb>`;
 * its handler is a service function, registered in `src/jobs/handlers.ts`.
 */
export interface QueueSpec {
  readonly name: string;
  /** Failed runs retried this many times before the job is marked failed (and kept for review). */
  readonly retryLimit: number;
  /** Seconds before the first retry; doubled on each later one when `retryBackoff`. */
  readonly retryDelaySeconds: number;
  readonly retryBackoff: boolean;
  /**
   * A run still going after this long is counted as failed and retried: the bound on a job whose
   * worker died (kill -9, lost host). Keep it above the handler's own timeouts.
   */
  readonly expireInSeconds: number;
  /** Jobs of this queue one worker process runs at a time. */
  readonly concurrency: number;
}

export const QUEUES = {
  /**
   * One delivery attempt of one webhook message. The delivery service keeps the Standard Webhooks
   * retry schedule itself (it sends the next attempt with a start time); these retries only cover
   * a worker that died or a handler that threw before recording its attempt.
   */
  'webhooks.deliver': {
    name: 'webhooks.deliver',
    retryLimit: 5,
    retryDelaySeconds: 5,
    retryBackoff: true,
    expireInSeconds: 120,
    concurrency: 8,
  },
  /**
   * Planning one slice (30 s) of a campaign's audience: check, render, mint, write. A slice
   * hands over to the next job, so expiry stays short; retries resume from the campaign's cursor.
   */
  'campaigns.plan': {
    name: 'campaigns.plan',
    retryLimit: 10,
    retryDelaySeconds: 10,
    retryBackoff: true,
    expireInSeconds: 300,
    concurrency: 1,
  },
  /**
   * Sending one slice (30 s) of a campaign's due messages at the channel's rate. Messages are
   * claimed one statement at a time, so a retried or doubled job never sends one twice.
   */
  'campaigns.deliver': {
    name: 'campaigns.deliver',
    retryLimit: 10,
    retryDelaySeconds: 10,
    retryBackoff: true,
    expireInSeconds: 300,
    concurrency: 4,
  },
} as const satisfies Record<string, QueueSpec>;

export type QueueName = keyof typeof QUEUES;

export const ALL_QUEUES: readonly QueueSpec[] = Object.values(QUEUES);
