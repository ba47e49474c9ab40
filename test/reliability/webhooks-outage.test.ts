import { describe, expect, it } from 'vitest';
import { deliverDue } from '../../src/modules/webhooks/index.ts';
import { makePropertyTenant } from '../factories.ts';
import { recordSecrets } from './figures.ts';
import { freePort } from './server.ts';
import { attemptStats, createdEventIds, messageStatuses, nextDue } from './webhooks-db.ts';
import {
  count,
  createEndpoint,
  dispatchAll,
  figure,
  injectPost,
  openSimulatedHarness,
  playerRows,
  postOk,
  seconds,
  tally,
} from './webhooks-helpers.ts';
import { type HookReceiver, startHookReceiver } from './webhooks-receiver.ts';

/**
 * Promise 9 (webhooks, at least once), second case: a receiver that refuses connections for an
 * hour of simulated time gets every event once it is back, along the retry schedule (0, 5 s,
 * 5 min, 30 min, 2 h …), and no message fails. In process, on a ManualClock, the dispatcher and
 * the deliveries driven by hand.
 */
const MINUTE = 60_000;

describe('webhooks: a receiver down for a simulated hour', () => {
  const PER_MINUTE = 4;

  it('delivers every event once it is back, along the retry schedule, none failed', async () => {
    const s = await openSimulatedHarness('webhooks-simulated');
    let receiver: HookReceiver | undefined;
    try {
      await s.deps.jobs.start();
      const t = await makePropertyTenant(s);
      recordSecrets(t.owner.password);
      const post = injectPost(s, t.keyHeaders);
      // Nothing listens on the port yet: every attempt is refused.
      const port = await freePort();
      const endpoint = await createEndpoint(post, `http://127.0.0.1:${port}/down`);
      const started = performance.now();
      const downSince = s.clock.now().getTime();
      for (let minute = 0; minute < 60; minute++) {
        await postOk(post, '/api/players/batch', {
          players: playerRows('down', PER_MINUTE, minute * PER_MINUTE),
        });
        await dispatchAll(s, t.org.id, PER_MINUTE);
        const outcomes = await deliverDue(s.deps, { orgId: t.org.id });
        // 'skipped': another process took the message, a worker left running on the database.
        expect(new Set(outcomes), `minute ${minute}`).toEqual(new Set(['retrying']));
        s.clock.advance(MINUTE);
      }
      const whileDown = await attemptStats(s, endpoint.id);

      receiver = await startHookReceiver({ port });
      const upAt = s.clock.now().getTime();
      let lastDeliveryAt = upAt;
      for (let step = 0; ; step++) {
        const outcomes = await deliverDue(s.deps, { orgId: t.org.id });
        if (outcomes.includes('delivered')) lastDeliveryAt = s.clock.now().getTime();
        expect(outcomes).not.toContain('failed');
        const next = await nextDue(s, endpoint.id);
        if (!next) break;
        // The whole schedule spans 27.6 h: a message still pending past it is stuck.
        if (next.getTime() - downSince > 28 * 60 * MINUTE || step > 1000) {
          throw new Error(`still pending after ${step} steps, next at ${next.toISOString()}`);
        }
        if (next.getTime() > s.clock.now().getTime()) s.clock.set(next);
      }
      const wallMs = performance.now() - started;

      const expected = await createdEventIds(s, t.property.id);
      const result = tally(receiver.deliveries, expected);
      const statuses = await messageStatuses(s, endpoint.id);
      const stats = await attemptStats(s, endpoint.id);
      const drainMs = lastDeliveryAt - upAt;

      figure('receiver down: events over the simulated hour', count(expected.size), '= 240');
      figure(
        'receiver down: attempts while down (all refused)',
        `${count(whileDown.attempts)} (${JSON.stringify(whileDown.failedKinds)})`,
      );
      figure('receiver down: attempts in all', count(stats.attempts));
      figure('receiver down: most attempts for one message', stats.maxPerMessage, '≤ 5 of 8');
      figure(
        'receiver down: simulated time from its return to the last delivery',
        `${(drainMs / MINUTE).toFixed(0)} min`,
        '≤ 2 h (a 4th attempt failed just before waits 2 h for the 5th)',
      );
      figure(
        'receiver down: simulated time in all',
        `${((lastDeliveryAt - downSince) / MINUTE).toFixed(0)} min`,
      );
      figure('receiver down: events never received', result.missing.length, '0');
      figure('receiver down: duplicates received', result.duplicates, '0');
      figure('receiver down: messages by status', JSON.stringify(statuses), '{"delivered":240}');
      figure('receiver down: wall time', seconds(wallMs));

      expect(expected.size).toBe(60 * PER_MINUTE);
      expect(whileDown.failed).toBe(whileDown.attempts);
      expect(whileDown.attempts).toBeGreaterThanOrEqual(expected.size);
      expect(result.missing).toEqual([]);
      expect(result.strays).toBe(0);
      expect(result.duplicates).toBe(0);
      expect(statuses).toEqual({ delivered: expected.size });
      expect(stats.attempts).toBe(whileDown.attempts + expected.size);
      expect(stats.maxPerMessage).toBeLessThanOrEqual(5);
      expect(drainMs).toBeLessThanOrEqual(2 * 60 * MINUTE);
    } finally {
      await receiver?.close();
      await s.close();
    }
  });
});
