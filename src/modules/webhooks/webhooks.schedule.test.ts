import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.ts';
import {
  afterAttempt,
  type EndpointHealth,
  failingTooLong,
  MAX_ATTEMPTS,
  nextAttempt,
} from './webhooks.schedule.ts';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('nextAttempt', () => {
  it('follows the schedule: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, then gives up', () => {
    const clock = new ManualClock(new Date('2026-12-06T00:00:00Z'));
    const created = clock.now();
    const attempts: number[] = [];
    let made = 0;
    let last = created;
    for (;;) {
      const due = nextAttempt(made, last);
      if (due === null) break;
      clock.set(due); // the attempt runs when due, and fails
      attempts.push(due.getTime() - created.getTime());
      last = clock.now();
      made += 1;
    }
    expect(made).toBe(MAX_ATTEMPTS);
    expect(attempts).toEqual([
      0,
      5 * S,
      5 * S + 5 * M,
      5 * S + 35 * M,
      5 * S + 2 * H + 35 * M,
      5 * S + 7 * H + 35 * M,
      5 * S + 17 * H + 35 * M,
      5 * S + 27 * H + 35 * M,
    ]);
  });

  it('counts each delay from the previous attempt, not from the schedule', () => {
    const late = new Date('2026-12-06T10:00:00Z'); // a worker ran the 3rd attempt late
    expect(nextAttempt(3, late)).toEqual(new Date('2026-12-06T10:30:00Z'));
  });

  it('refuses a negative or fractional attempt count', () => {
    expect(() => nextAttempt(-1, new Date())).toThrow(RangeError);
    expect(() => nextAttempt(1.5, new Date())).toThrow(RangeError);
  });
});

describe('endpoint health', () => {
  const start = new Date('2026-12-01T00:00:00Z');
  const at = (ms: number) => new Date(start.getTime() + ms);
  const healthy: EndpointHealth = { failingSince: null, lastSuccessAt: null };

  it('disables at once on 410 Gone', () => {
    expect(afterAttempt(healthy, { ok: false, status: 410, at: start }).disable).toBe('gone');
  });

  it('disables an endpoint whose attempts have all failed for 5 days, not a moment before', () => {
    let health = healthy;
    let verdict = afterAttempt(health, { ok: false, status: 500, at: start });
    expect(verdict).toEqual({
      health: { failingSince: start, lastSuccessAt: null },
      disable: null,
    });
    health = verdict.health;
    verdict = afterAttempt(health, { ok: false, status: null, at: at(5 * D - 1) });
    expect(verdict.disable).toBeNull();
    expect(verdict.health.failingSince).toEqual(start); // the run started at the first failure
    verdict = afterAttempt(verdict.health, { ok: false, status: 503, at: at(5 * D) });
    expect(verdict.disable).toBe('failing');
  });

  it('starts the 5 days again after a success', () => {
    let verdict = afterAttempt(healthy, { ok: false, status: 500, at: start });
    verdict = afterAttempt(verdict.health, { ok: true, status: 200, at: at(3 * D) });
    expect(verdict).toEqual({
      health: { failingSince: null, lastSuccessAt: at(3 * D) },
      disable: null,
    });
    verdict = afterAttempt(verdict.health, { ok: false, status: 500, at: at(4 * D) });
    verdict = afterAttempt(verdict.health, { ok: false, status: 500, at: at(8 * D) });
    expect(verdict.disable).toBeNull();
    verdict = afterAttempt(verdict.health, { ok: false, status: 500, at: at(9 * D) });
    expect(verdict.disable).toBe('failing');
  });

  it('failingTooLong ignores a failure run that a later success ended', () => {
    expect(failingTooLong({ failingSince: start, lastSuccessAt: at(D) }, at(10 * D))).toBe(false);
    expect(failingTooLong({ failingSince: start, lastSuccessAt: at(-D) }, at(5 * D))).toBe(true);
    expect(failingTooLong({ failingSince: null, lastSuccessAt: null }, at(10 * D))).toBe(false);
  });
});
