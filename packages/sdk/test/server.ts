import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { ShiftedClock } from '../../../src/lib/clock.ts';
import { createHarness, type Harness } from '../../../test/harness.ts';

export interface SdkServer {
  h: Harness;
  /** `http://127.0.0.1:<port>`: the SDK talks to the server over real HTTP. */
  base: string;
}

/**
 * For one test file: a harness listening on a local port (as test/browser/fixture.ts does), its
 * job queue started so campaign sends can enqueue (no workers run). Fields are set in beforeAll.
 */
export function useSdkServer(): SdkServer {
  const server = {} as SdkServer;
  beforeAll(async () => {
    server.h = await createHarness({ clock: new ShiftedClock() });
    await server.h.deps.jobs.start();
    await server.h.app.listen({ host: '127.0.0.1', port: 0 });
    server.base = `http://127.0.0.1:${(server.h.app.server.address() as AddressInfo).port}`;
  }, 60_000);
  afterAll(async () => {
    await server.h?.close();
  });
  return server;
}

/** A player row for players.batch / create. */
export const playerRow = (n: number, tier = n % 3 === 0 ? 'Gold' : 'Silver') => ({
  player_id: `${100_000 + n}`,
  first_name: `Ann${n}`,
  last_name: 'Tester',
  email: `ann${n}@example.com`,
  tier,
  adt: 100 + n,
  coin_in: 1000 * n,
});

/** An email body the send checks accept: an unsubscribe link. */
export const EMAIL_BODY =
  '<mjml><mj-body><mj-section><mj-column><mj-text>Hi {{ player.first_name | default: "friend" }}</mj-text>' +
  '<mj-text><a href="{% unsubscribe_url %}">Unsubscribe</a></mj-text></mj-column></mj-section></mj-body></mjml>';
