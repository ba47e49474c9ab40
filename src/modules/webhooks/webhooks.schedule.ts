// Retry schedule and endpoint health (issue 11), the same as Svix's: a message is attempted
// immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h after the previous failure
// (8 attempts, about 27.6 h in all), then given up. Pure functions over times the caller reads
// from `deps.clock`, so tests move a simulated clock instead of waiting.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Delay before attempt n+1, measured from attempt n (index 0: the first attempt). */
export const RETRY_DELAYS_MS: readonly number[] = [
  0,
  5 * SECOND,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  10 * HOUR,
];

export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length;

/** An endpoint whose deliveries have all failed for this long is disabled. */
export const DISABLE_AFTER_FAILING_MS = 5 * DAY;

/**
 * When the next attempt of a message is due, or null when it has had all its attempts.
 * `attemptsMade` = 0 with `lastAttemptAt` = the message's creation gives the first attempt (now).
 */
export function nextAttempt(attemptsMade: number, lastAttemptAt: Date): Date | null {
  if (!Number.isInteger(attemptsMade) || attemptsMade < 0) {
    throw new RangeError(`attemptsMade must be a non-negative integer, got ${attemptsMade}`);
  }
  const delay = RETRY_DELAYS_MS[attemptsMade];
  return delay === undefined ? null : new Date(lastAttemptAt.getTime() + delay);
}

/** Whether a failed attempt is worth retrying: 410 Gone means the receiver is gone for good. */
export function isRetryable(status: number | null): boolean {
  return status !== 410;
}

export interface EndpointHealth {
  /** Start of the current run of failures (the first failure after the last success), or null. */
  failingSince: Date | null;
  /** Last successful delivery, or null. */
  lastSuccessAt: Date | null;
}

/**
 * "An endpoint failing for 5 days is disabled": true when every attempt since `failingSince`
 * has failed (no success at or after it) and that was at least 5 days before `now`.
 */
export function failingTooLong(health: EndpointHealth, now: Date): boolean {
  const { failingSince, lastSuccessAt } = health;
  if (failingSince === null) return false;
  if (lastSuccessAt !== null && lastSuccessAt >= failingSince) return false;
  return now.getTime() - failingSince.getTime() >= DISABLE_AFTER_FAILING_MS;
}

export type DisableReason = 'gone' | 'failing';

export interface AttemptVerdict {
  /** The endpoint's health to store after this attempt. */
  health: EndpointHealth;
  /** Disable the endpoint now (and record an event saying why), or null to keep it. */
  disable: DisableReason | null;
}

/**
 * Folds one attempt into the endpoint's health: a success clears the failure run, a failure
 * starts one (or continues it), 410 Gone disables at once, a run of 5 days disables.
 */
export function afterAttempt(
  health: EndpointHealth,
  attempt: { ok: boolean; status: number | null; at: Date },
): AttemptVerdict {
  if (attempt.ok) {
    return { health: { failingSince: null, lastSuccessAt: attempt.at }, disable: null };
  }
  const next: EndpointHealth = {
    failingSince: health.failingSince ?? attempt.at,
    lastSuccessAt: health.lastSuccessAt,
  };
  if (!isRetryable(attempt.status)) return { health: next, disable: 'gone' };
  return { health: next, disable: failingTooLong(next, attempt.at) ? 'failing' : null };
}
