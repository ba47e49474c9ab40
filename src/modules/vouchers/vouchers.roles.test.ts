import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTenant, makeUser, type Tenant } from '../../../test/factories.ts';
import { createHarness, type Harness, json } from '../../../test/harness.ts';
import { setPrizes, voucherSet } from '../../../test/play.ts';
import { createGame } from '../games/index.ts';

interface CodeJson {
  id: number;
  code: string | null;
  status: string;
}

interface SetJson {
  id: number;
  counts: { total: number; available: number };
  games: { id: number; title: string }[];
}

let h: Harness;

beforeAll(async () => {
  h = await createHarness();
});

afterAll(async () => {
  await h.close();
});

/** A set with 5 generated codes; returns its id and the codes (as the Owner saw them). */
async function setWithCodes(t: Tenant): Promise<{ setId: number; codes: string[] }> {
  const setId = await voucherSet(h, t);
  const generated = await h.inject({
    method: 'POST',
    url: `/api/voucher-sets/${setId}/generate?org_id=${t.org.id}`,
    headers: t.owner.auth,
    payload: { count: 5, prefix: 'SUM' },
  });
  expect(generated.statusCode, generated.body).toBe(200);
  return { setId, codes: json<{ data: { codes: string[] } }>(generated).data.codes };
}

const listCodes = (auth: { authorization: string }, orgId: number, setId: number) =>
  h.inject({
    method: 'GET',
    url: `/api/voucher-sets/${setId}/codes?org_id=${orgId}`,
    headers: auth,
  });

describe('voucher codes by role', () => {
  it.each(['Viewer', 'Analyst'] as const)(
    'lists the codes to a %s with statuses but without the codes themselves',
    async (role) => {
      const t = await makeTenant(h);
      const { setId, codes } = await setWithCodes(t);
      const user = await makeUser(h, t.org.id, role);
      const response = await listCodes(user.auth, t.org.id, setId);
      expect(response.statusCode, response.body).toBe(200);
      const rows = json<{ data: CodeJson[] }>(response).data;
      expect(rows).toHaveLength(5);
      expect(rows.every((row) => row.code === null && row.status === 'available')).toBe(true);
      for (const code of codes) expect(response.body).not.toContain(code);
      // Nor do the set views (list and one) carry any code.
      for (const url of [
        `/api/voucher-sets?org_id=${t.org.id}`,
        `/api/voucher-sets/${setId}?org_id=${t.org.id}`,
      ]) {
        const set = await h.inject({ method: 'GET', url, headers: user.auth });
        expect(set.statusCode).toBe(200);
        for (const code of codes) expect(set.body).not.toContain(code);
      }
    },
  );

  it('still lists the codes to an Editor', async () => {
    const t = await makeTenant(h);
    const { setId, codes } = await setWithCodes(t);
    const editor = await makeUser(h, t.org.id, 'Editor');
    const rows = json<{ data: CodeJson[] }>(await listCodes(editor.auth, t.org.id, setId)).data;
    expect(rows.map((row) => row.code).sort()).toEqual([...codes].sort());
  });
});

describe('games of a voucher set by role', () => {
  it('hides a Draft game that draws from the set from a Viewer, not from an Analyst', async () => {
    const t = await makeTenant(h);
    const { setId } = await setWithCodes(t);
    const draft = await createGame(h.deps, t.org.id, { title: 'Secret launch', status: 'Draft' });
    for (const gameId of [t.gameIds[0], draft.id]) {
      await setPrizes(h, t, gameId, [
        { name: 'Code', type: 'voucher_set', win_chance: 100, voucher_set_id: setId },
      ]);
    }
    const gamesAs = async (role: 'Viewer' | 'Analyst') => {
      const user = await makeUser(h, t.org.id, role);
      const one = await h.inject({
        method: 'GET',
        url: `/api/voucher-sets/${setId}?org_id=${t.org.id}`,
        headers: user.auth,
      });
      const list = await h.inject({
        method: 'GET',
        url: `/api/voucher-sets?org_id=${t.org.id}`,
        headers: user.auth,
      });
      const fromList = json<{ data: SetJson[] }>(list).data.find((set) => set.id === setId);
      expect(fromList?.games).toEqual(json<{ data: SetJson }>(one).data.games);
      return { games: json<{ data: SetJson }>(one).data.games.map((g) => g.id), body: one.body };
    };
    const viewer = await gamesAs('Viewer');
    expect(viewer.games).toEqual([t.gameIds[0]]);
    expect(viewer.body).not.toContain('Secret launch');
    expect((await gamesAs('Analyst')).games).toEqual([t.gameIds[0], draft.id]);
  });
});
