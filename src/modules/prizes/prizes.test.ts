import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTenant, makeUser, type Tenant } from '../../../test/factories.ts';
import { createHarness, type Harness, json, expectError } from '../../../test/harness.ts';
import { AppError } from '../../lib/errors.ts';
import { pickWeighted } from './prizes.draw.ts';
import { claimPrize, drawPrize, type PrizeOffer } from './index.ts';

interface SlotJson {
  id: number;
  game_id: number;
  position: number;
  name: string;
  description: string | null;
  type: string;
  win_chance: number;
  quantity: number | null;
  won_count: number;
  remaining: number | null;
  min_score: number | null;
  voucher_set_id: number | null;
  voucher_code: string | null;
  external_url: string | null;
}

interface ListJson {
  success: true;
  data: SlotJson[];
  warnings: string[];
}

type Auth = { authorization: string };
type SlotInput = Record<string, unknown>;

let h: Harness;

beforeAll(async () => {
  h = await createHarness();
});

afterAll(async () => {
  await h.close();
});

const prizesUrl = (gameId: number) => `/api/games/${gameId}/prizes`;

function getPrizes(auth: Auth, orgId: number, gameId: number) {
  return h.inject({ method: 'GET', url: `${prizesUrl(gameId)}?org_id=${orgId}`, headers: auth });
}

function putPrizes(auth: Auth, orgId: number, gameId: number, slots: unknown[]) {
  return h.inject({
    method: 'PUT',
    url: prizesUrl(gameId),
    headers: auth,
    payload: { org_id: orgId, slots },
  });
}

async function setSlots(t: Tenant, slots: SlotInput[], gameId = t.gameIds[0]): Promise<ListJson> {
  const response = await putPrizes(t.owner.auth, t.org.id, gameId, slots);
  expect(response.statusCode, response.body).toBe(200);
  return json<ListJson>(response);
}

async function voucherSet(t: Tenant, codes: string[], expiresAt?: string): Promise<number> {
  const created = await h.inject({
    method: 'POST',
    url: '/api/voucher-sets',
    headers: t.owner.auth,
    payload: { org_id: t.org.id, name: 'Codes', ...(expiresAt ? { expires_at: expiresAt } : {}) },
  });
  const setId = json<{ data: { id: number } }>(created).data.id;
  if (codes.length > 0) {
    const uploaded = await h.inject({
      method: 'POST',
      url: `/api/voucher-sets/${setId}/codes?org_id=${t.org.id}`,
      headers: t.owner.auth,
      payload: { codes },
    });
    expect(uploaded.statusCode, uploaded.body).toBe(200);
  }
  return setId;
}

/** Completed plays of the tenant's first game, made directly in the table. */
async function makePlays(t: Tenant, count: number, score: number | null = 0): Promise<number[]> {
  const rows = await h.deps.database.db
    .insertInto('plays')
    .values(
      Array.from({ length: count }, () => ({
        org_id: t.org.id,
        game_id: t.gameIds[0],
        player_uuid: randomUUID(),
        status: 'completed' as const,
        score,
        started_at: h.clock.now(),
        completed_at: h.clock.now(),
      })),
    )
    .returning('id')
    .execute();
  return rows.map((row) => row.id);
}

const play = (t: Tenant, id: number, score: number | null = 0) => ({
  id,
  org_id: t.org.id,
  game_id: t.gameIds[0],
  score,
});

async function drawOne(t: Tenant, score: number | null = 0): Promise<PrizeOffer | null> {
  const [id] = await makePlays(t, 1, score);
  return drawPrize(h.deps, play(t, id!, score));
}

async function expectAppError(promise: Promise<unknown>, code: string, message?: string) {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
  if (message) expect((error as AppError).message).toBe(message);
}

const item = (name: string, win_chance: number, extra: SlotInput = {}): SlotInput => ({
  name,
  type: 'item',
  win_chance,
  ...extra,
});

describe('prize list API', () => {
  it('starts empty and stores all five slot types in the order given', async () => {
    const t = await makeTenant(h);
    const empty = json<ListJson>(await getPrizes(t.owner.auth, t.org.id, t.gameIds[0]));
    expect(empty).toEqual({ success: true, data: [], warnings: [] });
    const setId = await voucherSet(t, ['A']);
    const saved = await setSlots(t, [
      {
        name: 'Code',
        description: 'A unique code',
        type: 'voucher_set',
        win_chance: 10,
        voucher_set_id: setId,
        quantity: 5,
      },
      { name: 'Save 20', type: 'voucher', win_chance: 15, voucher_code: ' SAVE20 ' },
      { name: 'T-shirt', type: 'item', win_chance: 5, min_score: 100, voucher_code: 'ignored' },
      {
        name: 'Shop',
        type: 'external_link',
        win_chance: 20,
        external_url: 'https://shop.example/x',
      },
      { name: 'Try again', type: 'no_prize', win_chance: 50, description: null },
    ]);
    expect(saved.warnings).toEqual([]);
    expect(saved.data.map((slot) => [slot.position, slot.name, slot.type])).toEqual([
      [0, 'Code', 'voucher_set'],
      [1, 'Save 20', 'voucher'],
      [2, 'T-shirt', 'item'],
      [3, 'Shop', 'external_link'],
      [4, 'Try again', 'no_prize'],
    ]);
    expect(saved.data[0]).toMatchObject({
      description: 'A unique code',
      voucher_set_id: setId,
      quantity: 5,
      won_count: 0,
      remaining: 5,
    });
    expect(saved.data[1]).toMatchObject({ voucher_code: 'SAVE20', remaining: null });
    // Fields of other types are not stored.
    expect(saved.data[2]).toMatchObject({ min_score: 100, voucher_code: null });
    expect(saved.data[3]!.external_url).toBe('https://shop.example/x');
    const read = json<ListJson>(await getPrizes(t.owner.auth, t.org.id, t.gameIds[0]));
    expect(read.data).toEqual(saved.data);
  });

  it('accepts chances that do not total 100 and warns about them', async () => {
    const t = await makeTenant(h);
    const saved = await setSlots(t, [item('A', 30), item('B', 30)]);
    expect(saved.data).toHaveLength(2);
    expect(saved.warnings).toEqual([
      'Win chances add up to 60%, not 100%; the draw uses them as relative weights',
    ]);
  });

  it('warns about voucher sets without codes and expired ones', async () => {
    const t = await makeTenant(h);
    const empty = await voucherSet(t, []);
    const expired = await voucherSet(t, ['X'], '2000-01-01T00:00:00Z');
    const saved = await setSlots(t, [
      { name: 'Empty', type: 'voucher_set', win_chance: 50, voucher_set_id: empty },
      { name: 'Old', type: 'voucher_set', win_chance: 50, voucher_set_id: expired },
    ]);
    expect(saved.warnings).toEqual([
      'Slot "Empty": voucher set "Codes" has no available codes',
      'Slot "Old": voucher set "Codes" has expired and is not drawn',
    ]);
  });

  it('refuses invalid slots with 400 and keeps the previous list', async () => {
    const t = await makeTenant(h);
    const other = await makeTenant(h);
    const foreignSet = await voucherSet(other, ['F']);
    await setSlots(t, [item('Keep', 100)]);
    const invalid: unknown[][] = [
      [item('x'.repeat(51), 100)],
      [item('   ', 100)],
      [item('A', 0)],
      [item('A', 101)],
      [item('A', 50.5)],
      [item('A', 100, { description: 'd'.repeat(201) })],
      [item('A', 100, { quantity: 0 })],
      [item('A', 100, { min_score: 1.5 })],
      [{ name: 'A', type: 'jackpot', win_chance: 100 }],
      [{ name: 'A', win_chance: 100 }],
      [{ name: 'A', type: 'voucher_set', win_chance: 100 }],
      [{ name: 'A', type: 'voucher_set', win_chance: 100, voucher_set_id: foreignSet }],
      [{ name: 'A', type: 'voucher_set', win_chance: 100, voucher_set_id: 2_000_000_000 }],
      [{ name: 'A', type: 'voucher', win_chance: 100 }],
      [{ name: 'A', type: 'voucher', win_chance: 100, voucher_code: '  ' }],
      [{ name: 'A', type: 'external_link', win_chance: 100 }],
      [{ name: 'A', type: 'external_link', win_chance: 100, external_url: 'javascript:alert(1)' }],
      [{ name: 'A', type: 'external_link', win_chance: 100, external_url: 'not a url' }],
      Array.from({ length: 13 }, (_, i) => item(`S${i}`, 1)),
      [item('A', 50, { id: 2_000_000_000 })],
    ];
    for (const slots of invalid) {
      const response = await putPrizes(t.owner.auth, t.org.id, t.gameIds[0], slots);
      expectError(response, 400, 'validation_failed');
    }
    const missing = await h.inject({
      method: 'PUT',
      url: prizesUrl(t.gameIds[0]),
      headers: t.owner.auth,
      payload: { org_id: t.org.id },
    });
    expectError(missing, 400, 'validation_failed');
    const list = json<ListJson>(await getPrizes(t.owner.auth, t.org.id, t.gameIds[0]));
    expect(list.data.map((slot) => slot.name)).toEqual(['Keep']);
  });

  it('keeps the wins of slots passed back by id, starts new ones at 0 and removes the rest', async () => {
    const t = await makeTenant(h);
    const saved = await setSlots(t, [
      item('Kept', 50, { quantity: 10 }),
      item('Removed', 25),
      item('Also kept', 25),
    ]);
    const [kept, removed, alsoKept] = saved.data as [SlotJson, SlotJson, SlotJson];
    await h.deps.database.db
      .updateTable('prize_slots')
      .set({ won_count: 4 })
      .where('id', 'in', [kept.id, removed.id])
      .execute();
    const replaced = await setSlots(t, [
      item('New', 10),
      { ...item('Kept, renamed', 40, { quantity: 4 }), id: kept.id },
      { ...item('Also kept', 50), id: alsoKept.id },
    ]);
    expect(
      replaced.data.map((slot) => [slot.id, slot.name, slot.position, slot.won_count]),
    ).toEqual([
      [expect.any(Number), 'New', 0, 0],
      [kept.id, 'Kept, renamed', 1, 4],
      [alsoKept.id, 'Also kept', 2, 0],
    ]);
    expect(replaced.data[1]!.remaining).toBe(0);
    expect(replaced.warnings).toEqual(['Slot "Kept, renamed" is sold out (won 4 of 4)']);
    expect(replaced.data.some((slot) => slot.id === removed.id)).toBe(false);

    // A quantity below the wins so far, an id twice, or another game's slot id: 400.
    const below = await putPrizes(t.owner.auth, t.org.id, t.gameIds[0], [
      { ...item('Kept', 100, { quantity: 3 }), id: kept.id },
    ]);
    expectError(below, 400, 'validation_failed');
    const twice = await putPrizes(t.owner.auth, t.org.id, t.gameIds[0], [
      { ...item('A', 50), id: kept.id },
      { ...item('B', 50), id: kept.id },
    ]);
    expectError(twice, 400, 'validation_failed');
    const elsewhere = await putPrizes(t.owner.auth, t.org.id, t.gameIds[1], [
      { ...item('A', 100), id: kept.id },
    ]);
    expectError(elsewhere, 400, 'validation_failed');
  });

  it('clears the list with an empty array', async () => {
    const t = await makeTenant(h);
    await setSlots(t, [item('A', 100)]);
    expect(await setSlots(t, [])).toEqual({ success: true, data: [], warnings: [] });
  });

  it('lets Analysts and Viewers read, Editors write, and refuses the readers writes with 403', async () => {
    const t = await makeTenant(h);
    await setSlots(t, [item('A', 100)]);
    for (const role of ['Analyst', 'Viewer'] as const) {
      const user = await makeUser(h, t.org.id, role);
      expect((await getPrizes(user.auth, t.org.id, t.gameIds[0])).statusCode).toBe(200);
      expectError(await putPrizes(user.auth, t.org.id, t.gameIds[0], []), 403, 'forbidden');
    }
    const editor = await makeUser(h, t.org.id, 'Editor');
    const response = await putPrizes(editor.auth, t.org.id, t.gameIds[0], [item('B', 100)]);
    expect(json<ListJson>(response).data.map((slot) => slot.name)).toEqual(['B']);
  });

  it("answers 404 for another organization's game and for organizations the user is not in", async () => {
    const a = await makeTenant(h);
    const b = await makeTenant(h);
    await setSlots(a, [item('A', 100)]);
    const gameA = a.gameIds[0];
    expectError(await getPrizes(b.owner.auth, b.org.id, gameA), 404, 'not_found');
    expectError(await putPrizes(b.owner.auth, b.org.id, gameA, []), 404, 'not_found');
    expectError(await getPrizes(b.owner.auth, a.org.id, gameA), 404, 'not_found');
    expectError(await putPrizes(b.owner.auth, a.org.id, gameA, []), 404, 'not_found');
    expectError(await getPrizes(a.owner.auth, a.org.id, 2_000_000_000), 404, 'not_found');
    const list = json<ListJson>(await getPrizes(a.owner.auth, a.org.id, gameA));
    expect(list.data.map((slot) => slot.name)).toEqual(['A']);
  });
});

describe('drawing prizes', () => {
  it('picks slots in proportion to their win chances', () => {
    const slots = [{ win_chance: 25 }, { win_chance: 75 }];
    let first = 0;
    for (let i = 0; i < 20_000; i++) if (pickWeighted(slots) === slots[0]) first++;
    expect(first / 20_000).toBeGreaterThan(0.22);
    expect(first / 20_000).toBeLessThan(0.28);
  });

  it('offers a signed token, the slot and its wheel segment', async () => {
    const t = await makeTenant(h);
    await setSlots(t, [item('Never', 1, { min_score: 1_000_000 }), item('Shirt', 100)]);
    const offer = await drawOne(t);
    expect(offer?.draw_token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(offer).toMatchObject({
      slot: { name: 'Shirt', description: null, type: 'item' },
      segment_index: 1,
    });
    expect(offer!.expires_at.getTime()).toBe(h.clock.now().getTime() + 30 * 60_000);
  });

  it('respects the minimum score', async () => {
    const t = await makeTenant(h);
    await setSlots(t, [item('Top', 100, { min_score: 100 })]);
    for (const score of [null, 0, 99]) expect(await drawOne(t, score), `score ${score}`).toBeNull();
    for (const score of [100, 150]) expect((await drawOne(t, score))?.slot.name).toBe('Top');
    const slot = await h.deps.database.db
      .selectFrom('prize_slots')
      .select('won_count')
      .where('org_id', '=', t.org.id)
      .executeTakeFirstOrThrow();
    expect(slot.won_count).toBe(2);
  });

  it('gives a no_prize outcome without a token, and null when no slot is eligible', async () => {
    const t = await makeTenant(h);
    expect(await drawOne(t)).toBeNull();
    await setSlots(t, [{ name: 'Try again', type: 'no_prize', win_chance: 100 }]);
    const offer = await drawOne(t);
    expect(offer).toMatchObject({
      draw_token: null,
      slot: { name: 'Try again', type: 'no_prize' },
      segment_index: 0,
    });
    await setSlots(t, [item('High', 100, { min_score: 10 })]);
    const [id] = await makePlays(t, 1);
    expect(await drawPrize(h.deps, play(t, id!))).toBeNull();
    // The empty outcome is recorded: the play never draws again.
    await setSlots(t, [item('Easy', 100)]);
    expect(await drawPrize(h.deps, play(t, id!))).toBeNull();
  });

  it('skips voucher-set slots whose set is empty or expired', async () => {
    const t = await makeTenant(h);
    const empty = await voucherSet(t, []);
    const expired = await voucherSet(t, ['X'], '2000-01-01T00:00:00Z');
    await setSlots(t, [
      { name: 'Empty', type: 'voucher_set', win_chance: 50, voucher_set_id: empty },
      { name: 'Old', type: 'voucher_set', win_chance: 49, voucher_set_id: expired },
      item('Fallback', 1),
    ]);
    for (let i = 0; i < 5; i++) expect((await drawOne(t))?.slot.name).toBe('Fallback');
  });

  it('hands out a quantity-3 slot exactly 3 times over 20 concurrent plays', async () => {
    const t = await makeTenant(h);
    await setSlots(t, [item('Rare', 100, { quantity: 3 })]);
    const ids = await makePlays(t, 20);
    const offers = await Promise.all(ids.map((id) => drawPrize(h.deps, play(t, id))));
    expect(offers.filter((offer) => offer !== null)).toHaveLength(3);
    const slot = await h.deps.database.db
      .selectFrom('prize_slots')
      .select('won_count')
      .where('org_id', '=', t.org.id)
      .executeTakeFirstOrThrow();
    expect(slot.won_count).toBe(3);
    const draws = await h.deps.database.db
      .selectFrom('prize_draws')
      .select(['slot_id'])
      .where('org_id', '=', t.org.id)
      .execute();
    expect(draws).toHaveLength(20);
    expect(draws.filter((draw) => draw.slot_id !== null)).toHaveLength(3);
  });

  it('falls back to the other slots once a slot sells out', async () => {
    const t = await makeTenant(h);
    await setSlots(t, [item('Rare', 99, { quantity: 2 }), item('Common', 1)]);
    const ids = await makePlays(t, 10);
    const offers = await Promise.all(ids.map((id) => drawPrize(h.deps, play(t, id))));
    const names = offers.map((offer) => offer?.slot.name);
    expect(names.filter((name) => name === 'Rare').length).toBeLessThanOrEqual(2);
    expect(names.filter((name) => name === 'Common').length).toBeGreaterThanOrEqual(8);
  });

  it('draws once per play: repeated and concurrent calls return the same offer', async () => {
    const t = await makeTenant(h);
    await setSlots(t, [item('A', 50), item('B', 50)]);
    const [id] = await makePlays(t, 1);
    const offers = await Promise.all(
      Array.from({ length: 5 }, () => drawPrize(h.deps, play(t, id!))),
    );
    const again = await drawPrize(h.deps, play(t, id!));
    for (const offer of [...offers, again]) expect(offer).toEqual(offers[0]);
    const slots = await h.deps.database.db
      .selectFrom('prize_slots')
      .select('won_count')
      .where('org_id', '=', t.org.id)
      .execute();
    expect(slots.reduce((sum, slot) => sum + slot.won_count, 0)).toBe(1);
  });
});

describe('claiming prizes', () => {
  it('hands out the fixed code, the link, the item and a code of the set', async () => {
    const t = await makeTenant(h);
    const setId = await voucherSet(t, ['unique-1']);
    const cases: [SlotInput, { code: string | null; url: string | null }][] = [
      [
        { name: 'Fixed', type: 'voucher', win_chance: 100, voucher_code: 'SAVE20' },
        { code: 'SAVE20', url: null },
      ],
      [
        {
          name: 'Link',
          type: 'external_link',
          win_chance: 100,
          external_url: 'https://x.example/r',
        },
        { code: null, url: 'https://x.example/r' },
      ],
      [
        { name: 'Shirt', type: 'item', win_chance: 100, description: 'Size M' },
        { code: null, url: null },
      ],
      [
        { name: 'Code', type: 'voucher_set', win_chance: 100, voucher_set_id: setId },
        { code: 'UNIQUE-1', url: null },
      ],
    ];
    for (const [slot, expected] of cases) {
      await setSlots(t, [slot]);
      const offer = await drawOne(t);
      const prize = await claimPrize(h.deps, offer!.draw_token!);
      expect(prize).toEqual({
        name: slot.name,
        description: slot.description ?? null,
        translations: {},
        type: slot.type,
        ...expected,
      });
    }
    const code = await h.deps.database.db
      .selectFrom('voucher_codes')
      .select(['status', 'draw_id'])
      .where('set_id', '=', setId)
      .executeTakeFirstOrThrow();
    const draw = await h.deps.database.db
      .selectFrom('prize_draws')
      .select(['id', 'status', 'voucher_code_id'])
      .where('id', '=', code.draw_id)
      .executeTakeFirstOrThrow();
    expect(code.status).toBe('claimed');
    expect(draw.status).toBe('claimed');
    expect(draw.voucher_code_id).not.toBeNull();
  });

  it('refuses a second claim of the same token', async () => {
    const t = await makeTenant(h);
    await setSlots(t, [item('Shirt', 100)]);
    const offer = await drawOne(t);
    await claimPrize(h.deps, offer!.draw_token!);
    await expectAppError(
      claimPrize(h.deps, offer!.draw_token!),
      'session_gone',
      'Prize already claimed',
    );
  });

  it('refuses forged and malformed tokens', async () => {
    const t = await makeTenant(h);
    await setSlots(t, [item('Shirt', 100)]);
    const offer = await drawOne(t);
    const token = offer!.draw_token!;
    const [payload, signature] = token.split('.') as [string, string];
    const [drawId, playId, orgId, expiry] = Buffer.from(payload, 'base64url').toString().split('.');
    const otherPayload = Buffer.from(`${Number(drawId) + 1}.${playId}.${orgId}.${expiry}`).toString(
      'base64url',
    );
    const longerLife = Buffer.from(`${drawId}.${playId}.${orgId}.${Number(expiry) + 1}`).toString(
      'base64url',
    );
    const flipped = signature.slice(0, -1) + (signature.endsWith('A') ? 'B' : 'A');
    for (const forged of [
      `${otherPayload}.${signature}`,
      `${longerLife}.${signature}`,
      `${payload}.${flipped}`,
      `${payload}.${signature.slice(1)}`,
      `${payload}.${signature}.x`,
      `${payload}`,
      '',
      'not a token',
    ]) {
      await expectAppError(claimPrize(h.deps, forged), 'bad_request', 'Invalid draw token');
    }
    // The genuine token still works.
    expect((await claimPrize(h.deps, token)).name).toBe('Shirt');
  });

  it('refuses an expired token, and accepts it until then', async () => {
    const t = await makeTenant(h);
    await setSlots(t, [item('Shirt', 100)]);
    const late = await drawOne(t);
    const inTime = await drawOne(t);
    h.clock.advance(30 * 60_000 - 1);
    expect((await claimPrize(h.deps, inTime!.draw_token!)).name).toBe('Shirt');
    h.clock.advance(1);
    await expectAppError(
      claimPrize(h.deps, late!.draw_token!),
      'session_gone',
      'Draw token expired',
    );
  });

  it('refuses prizes whose slot was removed after the draw', async () => {
    const t = await makeTenant(h);
    await setSlots(t, [item('Shirt', 100)]);
    const offer = await drawOne(t);
    await setSlots(t, [item('Cap', 100)]);
    await expectAppError(
      claimPrize(h.deps, offer!.draw_token!),
      'session_gone',
      'Prize no longer available',
    );
  });

  it('gives 10 codes to exactly 10 of 100 concurrent claims, each a different code', async () => {
    const t = await makeTenant(h);
    const codes = Array.from({ length: 10 }, (_, i) => `CODE-${i}`);
    const setId = await voucherSet(t, codes);
    await setSlots(t, [
      { name: 'Code', type: 'voucher_set', win_chance: 100, voucher_set_id: setId },
    ]);
    const ids = await makePlays(t, 100);
    const offers = await Promise.all(ids.map((id) => drawPrize(h.deps, play(t, id))));
    expect(offers.every((offer) => offer?.slot.type === 'voucher_set')).toBe(true);

    const results = await Promise.allSettled(
      offers.map((offer) => claimPrize(h.deps, offer!.draw_token!)),
    );
    const won = results.flatMap((result) =>
      result.status === 'fulfilled' ? [result.value.code] : [],
    );
    const refused = results.flatMap((result): unknown[] =>
      result.status === 'rejected' ? [result.reason] : [],
    );
    expect(won).toHaveLength(10);
    expect(new Set(won)).toEqual(new Set(codes));
    expect(refused).toHaveLength(90);
    for (const reason of refused) {
      expect(reason).toBeInstanceOf(AppError);
      expect(reason).toMatchObject({ code: 'conflict', message: 'No voucher codes left' });
    }
    const draws = await h.deps.database.db
      .selectFrom('prize_draws')
      .select(['status', 'voucher_code_id'])
      .where('org_id', '=', t.org.id)
      .execute();
    expect(draws.filter((draw) => draw.status === 'claimed')).toHaveLength(10);
    expect(draws.filter((draw) => draw.voucher_code_id !== null)).toHaveLength(10);

    // A refused claim rolled back: with new codes the same token claims.
    const refusedOffer = offers[results.findIndex((result) => result.status === 'rejected')]!;
    await h.inject({
      method: 'POST',
      url: `/api/voucher-sets/${setId}/codes?org_id=${t.org.id}`,
      headers: t.owner.auth,
      payload: { codes: ['LATE-1'] },
    });
    expect((await claimPrize(h.deps, refusedOffer.draw_token!)).code).toBe('LATE-1');
  });
});
