import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePropertyTenant, makeTenant } from '../factories.ts';
import type { Harness } from '../harness.ts';
import { recordFigure, recordSecrets } from './figures.ts';
import { type Answer, postJson, request } from './load.ts';
import { openSeeder } from './seeder.ts';
import { type ServerProcess, startFleet } from './server.ts';

/** Promise 7: a key revoked through one process is refused by every other within 1 s. */
const SECTION = '7. Revocation reach';
const LIMIT_MS = 1000;

let h: Harness;
let fleet: ServerProcess[];

beforeAll(async () => {
  h = await openSeeder('revocation');
  fleet = await startFleet(3, 'revocation');
});

afterAll(async () => {
  await Promise.all(fleet.map((server) => server.kill()));
  await h.close();
});

/**
 * Polls `use` on every process but the first until each refuses with 401; returns the slowest
 * process's time to refusal after `revoke` answered.
 */
async function timeToRefusal(
  revoke: () => Promise<Answer>,
  use: (server: ServerProcess) => Promise<Answer>,
): Promise<number> {
  const others = fleet.slice(1);
  for (const server of others) expect((await use(server)).status).toBe(200);
  expect((await revoke()).status).toBe(200);
  const revokedAt = performance.now();
  const times = await Promise.all(
    others.map(async (server) => {
      while (performance.now() - revokedAt < 5 * LIMIT_MS) {
        if ((await use(server)).status === 401) return performance.now() - revokedAt;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return Number.POSITIVE_INFINITY;
    }),
  );
  return Math.max(...times);
}

describe('revocation reach across three processes', () => {
  it('refuses a revoked DailyPlay key everywhere within 1 s', async () => {
    const t = await makeTenant(h);
    recordSecrets(t.owner.password);
    const [first] = fleet;
    const slowest = await timeToRefusal(
      () =>
        request(`${first!.url}/api/org-api-keys`, {
          method: 'PATCH',
          headers: { 'content-type': 'application/json', ...t.owner.auth },
          body: JSON.stringify({ id: t.keyId, org_id: t.org.id, is_active: false }),
        }),
      (server) =>
        postJson(
          `${server.url}/api/org-api-keys?action=create-session`,
          { game_id: t.gameIds[0] },
          t.keyHeaders,
        ),
    );
    recordFigure({
      section: SECTION,
      name: 'dpk_ key: slowest other process refuses after (ms)',
      value: Math.round(slowest),
      expected: `≤ ${LIMIT_MS}`,
    });
    expect(slowest).toBeLessThanOrEqual(LIMIT_MS);
  });

  it('refuses a revoked PlayerOS key everywhere within 1 s', async () => {
    const t = await makePropertyTenant(h);
    recordSecrets(t.owner.password);
    const [first] = fleet;
    const slowest = await timeToRefusal(
      () => postJson(`${first!.url}/api/functions/revoke-api-key`, { id: t.keyId }, t.owner.auth),
      (server) => request(`${server.url}/api/players?limit=1`, { headers: t.keyHeaders }),
    );
    recordFigure({
      section: SECTION,
      name: 'pk_ key: slowest other process refuses after (ms)',
      value: Math.round(slowest),
      expected: `≤ ${LIMIT_MS}`,
    });
    expect(slowest).toBeLessThanOrEqual(LIMIT_MS);
  });
});
