import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePropertyTenant, type PropertyTenant } from '../../../test/factories.ts';
import { createHarness, expectError, type Harness, json } from '../../../test/harness.ts';
import { importPlayers } from './index.ts';

/**
 * Players as the vendor SDK writes and reads them: `players.create({ email, tier: "Gold",
 * adt: 250, coin_in: 18000 })` without a casino player_id, `players.list({ q: "gold" })`, and a
 * player looked up by the casino's own id (`GET /api/players/100234`).
 */

let h: Harness;

beforeAll(async () => {
  h = await createHarness({ start: new Date('2026-06-05T12:00:00.000Z') });
});

afterAll(async () => {
  await h.close();
});

type Player = Record<string, unknown> & { id: string; player_id: string | null };

async function create(tenant: PropertyTenant, body: object) {
  return h.inject({
    method: 'POST',
    url: '/api/players',
    headers: tenant.keyHeaders,
    payload: body,
  });
}

async function list(tenant: PropertyTenant, query: string) {
  const response = await h.inject({
    method: 'GET',
    url: `/api/players?${query}`,
    headers: tenant.keyHeaders,
  });
  expect(response.statusCode, response.body).toBe(200);
  return json<{ data: Player[]; totalCount: number | null }>(response);
}

describe('creating players without a casino player_id', () => {
  it('accepts the SDK call players.create({ email, tier, adt, coin_in })', async () => {
    const tenant = await makePropertyTenant(h);
    const response = await create(tenant, {
      email: 'ann@example.test',
      tier: 'Gold',
      adt: 250,
      coin_in: 18000,
    });
    expect(response.statusCode, response.body).toBe(201);
    const { data } = json<{ data: Player }>(response);
    expect(data).toMatchObject({
      player_id: null,
      email: 'ann@example.test',
      tier: 'Gold',
      adt: 250,
      coin_in: 18000,
      status: 'active',
    });
    // Still addressable by PlayLoop's id.
    const got = await h.inject({
      method: 'GET',
      url: `/api/players/${data.id}`,
      headers: tenant.keyHeaders,
    });
    expect(got.statusCode, got.body).toBe(200);
    expect(json<{ data: Player }>(got).data).toMatchObject({ id: data.id, player_id: null });
  });

  it('lets two players without player_id coexist, in one insert and in two', async () => {
    const tenant = await makePropertyTenant(h);
    const first = await create(tenant, [{ email: 'a@example.test' }, { email: 'b@example.test' }]);
    expect(first.statusCode, first.body).toBe(201);
    const second = await create(tenant, { email: 'c@example.test', player_id: '' });
    expect(second.statusCode, second.body).toBe(201);
    expect(json<{ data: Player }>(second).data.player_id).toBeNull();
    const { data, totalCount } = await list(tenant, 'player_id=is.null');
    expect(totalCount).toBe(3);
    expect(new Set(data.map((p) => p.id)).size).toBe(3);
  });

  it('still refuses a player_id already in the property with 409, and a non-string with 400', async () => {
    const tenant = await makePropertyTenant(h);
    expect((await create(tenant, { player_id: '100234' })).statusCode).toBe(201);
    expectError(await create(tenant, { player_id: '100234', tier: 'Gold' }), 409, 'conflict');
    expectError(await create(tenant, { player_id: 100234 }), 400, 'validation_failed');
    const { totalCount } = await list(tenant, 'player_id=eq.100234');
    expect(totalCount).toBe(1);
  });

  it('batch: merges rows on player_id as before and creates every row without one', async () => {
    const tenant = await makePropertyTenant(h);
    const batch = (players: unknown[]) =>
      h.inject({
        method: 'POST',
        url: '/api/players/batch',
        headers: tenant.keyHeaders,
        payload: { players },
      });
    const first = await batch([
      { player_id: 'k1', tier: 'Silver' },
      { email: 'x@example.test', tier: 'Gold' },
      { email: 'y@example.test', player_id: null },
    ]);
    expect(first.statusCode, first.body).toBe(200);
    expect(json<{ data: unknown }>(first).data).toEqual({ inserted: 3, updated: 0, errors: [] });
    const second = await batch([
      { player_id: 'k1', tier: 'Gold' },
      { email: 'x@example.test', tier: 'Gold' },
      { player_id: 'k1', tier: 'Repeat' },
    ]);
    expect(second.statusCode, second.body).toBe(200);
    expect(json<{ data: unknown }>(second).data).toEqual({
      inserted: 1,
      updated: 1,
      errors: [{ index: 2, player_id: 'k1', error: 'player_id repeats row 0 of this batch' }],
    });
    const all = await list(tenant, 'order=email.asc');
    expect(all.totalCount).toBe(4);
    expect(all.data.find((p) => p.player_id === 'k1')).toMatchObject({ tier: 'Gold' });
    // The row without player_id was created twice: nothing to match it on.
    expect(all.data.filter((p) => p.email === 'x@example.test')).toHaveLength(2);
  });
});

describe('CSV import', () => {
  it('still requires a player_id on every row, so running an import twice converges', async () => {
    const tenant = await makePropertyTenant(h);
    const file = () => Readable.from(['player_id,email\n,a@example.test\nk1,b@example.test\n']);
    for (let run = 0; run < 2; run += 1) {
      const summary = await importPlayers(h.deps, tenant.property.id, file());
      expect(summary).toMatchObject({ rows: 2, rejected: 1 });
      expect(summary.errors).toEqual([
        { line: 2, player_id: null, error: 'player_id is required in an import' },
      ]);
    }
    expect((await list(tenant, '')).totalCount).toBe(1);
  });
});

describe('q free-text search', () => {
  it('finds Gold-tier players with q=gold, and players by state', async () => {
    const tenant = await makePropertyTenant(h);
    for (const body of [
      { player_id: 'p1', email: 'g1@example.test', tier: 'Gold' },
      { player_id: 'p2', first_name: 'Bo', tier: 'Platinum Gold', state: 'Nevada' },
      { player_id: 'p3', email: 's1@example.test', tier: 'Silver', state: 'NV' },
    ]) {
      expect((await create(tenant, body)).statusCode).toBe(201);
    }
    const gold = await list(tenant, 'q=gold&order=tier.asc');
    expect(gold.totalCount).toBe(2);
    expect(gold.data.map((p) => p.tier)).toEqual(['Gold', 'Platinum Gold']);
    expect((await list(tenant, 'q=GOLD')).totalCount).toBe(2);
    expect((await list(tenant, 'q=nevada')).data.map((p) => p.player_id)).toEqual(['p2']);
    expect((await list(tenant, 'q=silver')).totalCount).toBe(1);
  });
});

describe('GET, PATCH and DELETE /api/players/{casino player_id}', () => {
  let tenant: PropertyTenant;
  let other: PropertyTenant;

  beforeAll(async () => {
    tenant = await makePropertyTenant(h);
    other = await makePropertyTenant(h);
    expect((await create(tenant, { player_id: '100234', tier: 'Gold' })).statusCode).toBe(201);
    expect((await create(other, { player_id: '555000', tier: 'Gold' })).statusCode).toBe(201);
  });

  it("gets a player by the casino's own id", async () => {
    const response = await h.inject({
      method: 'GET',
      url: '/api/players/100234',
      headers: tenant.keyHeaders,
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(json<{ data: Player }>(response).data).toMatchObject({
      player_id: '100234',
      tier: 'Gold',
    });
  });

  it("answers 404 for another property's casino id, and for an unknown one", async () => {
    for (const key of ['555000', 'nope', encodeURIComponent('a b/c')]) {
      const response = await h.inject({
        method: 'GET',
        url: `/api/players/${key}`,
        headers: tenant.keyHeaders,
      });
      expectError(response, 404, 'not_found');
    }
    const patch = await h.inject({
      method: 'PATCH',
      url: '/api/players/555000',
      headers: tenant.keyHeaders,
      payload: { tier: 'Stolen' },
    });
    expectError(patch, 404, 'not_found');
    const del = await h.inject({
      method: 'DELETE',
      url: '/api/players/555000',
      headers: tenant.keyHeaders,
    });
    expectError(del, 404, 'not_found');
    const theirs = await list(other, 'player_id=eq.555000');
    expect(theirs.data[0]).toMatchObject({ tier: 'Gold' });
  });

  it('answers a key longer than 100 characters (no player_id is) with a 404 envelope', async () => {
    const response = await h.inject({
      method: 'GET',
      url: `/api/players/${'x'.repeat(101)}`,
      headers: tenant.keyHeaders,
    });
    expectError(response, 404, 'not_found');
  });

  it('updates and deletes by casino id', async () => {
    const patch = await h.inject({
      method: 'PATCH',
      url: '/api/players/100234',
      headers: tenant.keyHeaders,
      payload: { tier: 'Platinum' },
    });
    expect(patch.statusCode, patch.body).toBe(200);
    expect(json<{ data: Player }>(patch).data).toMatchObject({
      player_id: '100234',
      tier: 'Platinum',
    });
    const del = await h.inject({
      method: 'DELETE',
      url: '/api/players/100234',
      headers: tenant.keyHeaders,
    });
    expect(del.statusCode, del.body).toBe(200);
    expect((await list(tenant, 'player_id=eq.100234')).totalCount).toBe(0);
  });
});
