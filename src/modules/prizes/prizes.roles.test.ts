import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTenant, makeUser, type Tenant } from '../../../test/factories.ts';
import { createHarness, expectError, type Harness, json } from '../../../test/harness.ts';
import { setPrizes, voucherSet } from '../../../test/play.ts';
import { createGame } from '../games/index.ts';
import type { Role } from '../organizations/index.ts';

interface SlotJson {
  name: string;
  type: string;
  voucher_code: string | null;
  voucher_set_id: number | null;
}

let h: Harness;

beforeAll(async () => {
  h = await createHarness();
});

afterAll(async () => {
  await h.close();
});

const SHARED_CODE = 'VIPSECRET2031';

function getPrizes(auth: { authorization: string }, orgId: number, gameId: number) {
  return h.inject({
    method: 'GET',
    url: `/api/games/${gameId}/prizes?org_id=${orgId}`,
    headers: auth,
  });
}

/** Gives the game a shared-code slot and a voucher-set slot, as the Owner. */
async function withPrizes(t: Tenant, gameId: number) {
  const setId = await voucherSet(h, t);
  await setPrizes(h, t, gameId, [
    { name: 'VIP', type: 'voucher', win_chance: 50, voucher_code: SHARED_CODE },
    { name: 'Set', type: 'voucher_set', win_chance: 50, voucher_set_id: setId },
  ]);
}

async function slotsAs(t: Tenant, role: Role, gameId: number) {
  const user = await makeUser(h, t.org.id, role);
  const response = await getPrizes(user.auth, t.org.id, gameId);
  return { response, user };
}

describe('prize secrets by role', () => {
  it.each(['Viewer', 'Analyst'] as const)(
    'gives a %s the prize slots without the voucher code, nowhere in the answer',
    async (role) => {
      const t = await makeTenant(h);
      await withPrizes(t, t.gameIds[0]);
      const { response } = await slotsAs(t, role, t.gameIds[0]);
      expect(response.statusCode, response.body).toBe(200);
      const slots = json<{ data: SlotJson[] }>(response).data;
      expect(slots.map((slot) => [slot.name, slot.type, slot.voucher_code])).toEqual([
        ['VIP', 'voucher', null],
        ['Set', 'voucher_set', null],
      ]);
      expect(response.body).not.toContain(SHARED_CODE);
    },
  );

  it.each(['Editor', 'Admin', 'Owner'] as const)('still shows an %s the code', async (role) => {
    const t = await makeTenant(h);
    await withPrizes(t, t.gameIds[0]);
    const { response } = await slotsAs(t, role, t.gameIds[0]);
    expect(json<{ data: SlotJson[] }>(response).data[0]?.voucher_code).toBe(SHARED_CODE);
  });
});

describe('games a Viewer may not see', () => {
  it.each(['Draft', 'Archived'] as const)(
    'answers a Viewer 404 for the prizes of a %s game, like a game that does not exist',
    async (status) => {
      const t = await makeTenant(h);
      const game = await createGame(h.deps, t.org.id, { title: 'Hidden', status });
      await withPrizes(t, game.id);
      const viewer = await makeUser(h, t.org.id, 'Viewer');
      const hidden = expectError(await getPrizes(viewer.auth, t.org.id, game.id), 404, 'not_found');
      const missing = expectError(
        await getPrizes(viewer.auth, t.org.id, 2_000_000_000),
        404,
        'not_found',
      );
      expect(hidden.error).toBe(missing.error);
      // An Analyst sees every game (without the codes).
      const analyst = await makeUser(h, t.org.id, 'Analyst');
      const response = await getPrizes(analyst.auth, t.org.id, game.id);
      expect(response.statusCode, response.body).toBe(200);
      expect(response.body).not.toContain(SHARED_CODE);
    },
  );

  it('answers a Viewer 404 for the analytics of a Draft game, and 200 for an Active one', async () => {
    const t = await makeTenant(h);
    const draft = await createGame(h.deps, t.org.id, { title: 'Draft', status: 'Draft' });
    const viewer = await makeUser(h, t.org.id, 'Viewer');
    const analytics = (gameId: number, auth = viewer.auth) =>
      h.inject({
        method: 'GET',
        url: `/api/analytics/plays?org_id=${t.org.id}&game_id=${gameId}`,
        headers: auth,
      });
    expectError(await analytics(draft.id), 404, 'not_found');
    expect((await analytics(t.gameIds[0])).statusCode).toBe(200);
    const analyst = await makeUser(h, t.org.id, 'Analyst');
    expect((await analytics(draft.id, analyst.auth)).statusCode).toBe(200);
  });
});
