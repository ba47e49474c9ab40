import type { Regime } from './privacy.repo.ts';

const DAY_MS = 86_400_000;
/** CCPA: 45 calendar days to answer, extendable once by another 45. */
const CCPA_DAYS = 45;
/** GDPR Art. 12(3): one month to answer, extendable by two further months. */
const GDPR_MONTHS = 1;
const GDPR_EXTENSION_MONTHS = 2;

/**
 * The same day `months` later, or the last day of that month when it has no such day
 * (31 January + 1 month → 28/29 February), at the same UTC time of day.
 */
export function addMonths(from: Date, months: number): Date {
  const due = new Date(from.getTime());
  const day = due.getUTCDate();
  due.setUTCDate(1);
  due.setUTCMonth(due.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(due.getUTCFullYear(), due.getUTCMonth() + 1, 0)).getUTCDate();
  due.setUTCDate(Math.min(day, lastDay));
  return due;
}

/** When the answer is due: GDPR Art. 12(3) one month, CCPA 45 calendar days. */
export function deadlineOf(regime: Regime, receivedAt: Date): Date {
  return regime === 'ccpa'
    ? new Date(receivedAt.getTime() + CCPA_DAYS * DAY_MS)
    : addMonths(receivedAt, GDPR_MONTHS);
}

/**
 * The extended deadline: GDPR two further months counted from the first deadline, CCPA another
 * 45 days. Counting the GDPR months from the deadline rather than from receipt is the stricter
 * reading when the first month was cut short: received 31 January, due 28 February, extended
 * to 28 April (not 30 April).
 */
export function extendedDeadlineOf(regime: Regime, deadline: Date): Date {
  return regime === 'ccpa'
    ? new Date(deadline.getTime() + CCPA_DAYS * DAY_MS)
    : addMonths(deadline, GDPR_EXTENSION_MONTHS);
}
