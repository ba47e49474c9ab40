import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePropertyTenant } from '../factories.ts';
import type { Harness } from '../harness.ts';
import { recordSecrets } from './figures.ts';
import { openSeeder } from './seeder.ts';
import { startServer } from './server.ts';
import { createdEventIds, deliveryJobs, leasedMessages, messageStatuses } from './webhooks-db.ts';
import {
  count,
  createEndpoint,
  deliveriesBy,
  figure,
  firstArrivals,
  httpPost,
  playerRows,
  postOk,
  seconds,
  startWorker,
  tally,
  waitFor,
  type WorkerProcess,
} from './webhooks-helpers.ts';
import { startHookReceiver } from './webhooks-receiver.ts';

/**
 * Promise 9 (webhooks, at least once), first case: a worker killed with -9 mid-delivery loses
 * no event. The messages it had leased are sent again by its replacement once the lease or the
 * sweeper lets them go: those, and only those, may reach the receiver twice.
 */
let h: Harness;

beforeAll(async () => {
  h = await openSeeder('webhooks-kill');
});

afterAll(async () => {
  await h.close();
});

async function tenant() {
  const t = await makePropertyTenant(h);
  recordSecrets(t.owner.password);
  return t;
}

describe('webhooks: a worker killed with -9 mid-delivery', () => {
  const PLAYERS = 300;
  const WORKER_ENV = {
    WEBHOOKS_ALLOW_PRIVATE_NETWORKS: 'true',
    WEBHOOK_TIMEOUT_MS: '3000',
    EVENTS_POLL_MS: '50',
  };

  it('loses no event: the replacement sends every leased message again', async () => {
    const t = await tenant();
    const pids = new Map<number, string>();
    const receiver = await startHookReceiver({ holdMs: [200, 500], senders: () => pids });
    const api = await startServer('webhooks-api', {
      env: { WORKERS: 'false', WEBHOOKS_ALLOW_PRIVATE_NETWORKS: 'true' },
    });
    let worker: WorkerProcess | undefined;
    try {
      worker = await startWorker('webhooks-worker-killed', WORKER_ENV);
      pids.set(worker.pid, 'killed worker');
      const post = httpPost(api.url, t.keyHeaders);
      const endpoint = await createEndpoint(post, `${receiver.url}/kill`);
      await postOk(post, '/api/players/batch', { players: playerRows('kill', PLAYERS) });
      const expected = await createdEventIds(h, t.property.id);
      expect(expected.size).toBe(PLAYERS);

      // A fifth delivered, the worker busy with the next ones: kill it.
      await waitFor(
        'a fifth of the deliveries with some in flight',
        () => receiver.deliveries.length >= PLAYERS / 5 && receiver.inFlight() > 0,
        60_000,
        () => `(received ${receiver.deliveries.length}, in flight ${receiver.inFlight()})`,
      );
      const inFlightAtKill = receiver.inFlight();
      const receivedBeforeKill = receiver.deliveries.length;
      const killedAt = performance.now();
      await worker.kill('SIGKILL');
      const leasedAtKill = await leasedMessages(h, endpoint.id);
      const missingAtKill = tally(receiver.deliveries, expected).missing.length;

      const restartStarted = performance.now();
      worker = await startWorker('webhooks-worker-replacement', WORKER_ENV);
      pids.set(worker.pid, 'replacement');
      const restartMs = performance.now() - restartStarted;
      await waitFor(
        'every event at the receiver and every message delivered',
        async () =>
          tally(receiver.deliveries, expected).missing.length === 0 &&
          (await messageStatuses(h, endpoint.id)).delivered === PLAYERS,
        120_000,
        () => `(${tally(receiver.deliveries, expected).missing.length} events still missing)`,
      );
      const lastArrival = Math.max(...firstArrivals(receiver.deliveries).values());
      const leasedAgain = leasedAtKill.map((id) =>
        Math.max(
          ...receiver.deliveries
            .filter((d) => d.webhookId === id && d.at > killedAt)
            .map((d) => d.at),
        ),
      );
      const result = tally(receiver.deliveries, expected);
      const statuses = await messageStatuses(h, endpoint.id);

      figure('kill -9: events (player.created)', count(expected.size), `= ${count(PLAYERS)}`);
      figure('kill -9: deliveries received before the kill', receivedBeforeKill);
      figure('kill -9: deliveries in flight at the kill (held by the receiver)', inFlightAtKill);
      figure('kill -9: messages leased by the killed worker', leasedAtKill.length);
      figure('kill -9: events not yet received at the kill', missingAtKill);
      figure('kill -9: replacement worker start (ms to running)', Math.round(restartMs));
      figure(
        'kill -9: time from the kill to its leased messages sent again',
        seconds(Math.max(...leasedAgain) - killedAt),
        '13–45 s: lease 13 s, then the sweeper (every 15 s) re-sends what is 30 s overdue',
      );
      figure(
        'kill -9: time from the kill to the last event received (backlog)',
        seconds(lastArrival - killedAt),
      );
      figure('kill -9: events never received', result.missing.length, '0');
      figure(
        'kill -9: duplicates received (same webhook-id twice)',
        result.duplicates,
        `≤ ${leasedAtKill.length} (leased at the kill)`,
      );
      figure('kill -9: messages by status', JSON.stringify(statuses), `{"delivered":${PLAYERS}}`);
      figure(
        'kill -9: delivery jobs queued for the 300 messages',
        count(await deliveryJobs(h, [endpoint.id])),
        '300 + sweeper re-sends',
      );
      figure('kill -9: deliveries by process', await deliveriesBy(receiver.deliveries));

      expect(inFlightAtKill).toBeGreaterThan(0);
      expect(leasedAtKill.length).toBeGreaterThan(0);
      expect(missingAtKill).toBeGreaterThan(0);
      expect(result.missing).toEqual([]);
      expect(result.strays).toBe(0);
      expect(statuses).toEqual({ delivered: PLAYERS });
      // Only a message taken and not recorded when the worker died can reach the receiver twice.
      expect(result.duplicates).toBeLessThanOrEqual(leasedAtKill.length);
      // Each message the dead worker held reached the receiver again after the kill.
      expect(leasedAgain.filter((at) => !Number.isFinite(at))).toEqual([]);
    } finally {
      await worker?.kill();
      await api.kill();
      await receiver.close();
    }
  });
});
