import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  makePropertyTenant,
  makeUser,
  type PropertyTenant,
  unique,
} from '../../../test/factories.ts';
import { createHarness, expectError, type Harness, json } from '../../../test/harness.ts';
import { createPlayers } from '../players/index.ts';
import { createPropertyKey } from '../property-keys/index.ts';
import { createSegment, MAX_SEGMENTS_PER_PROPERTY } from './segments.service.ts';

// Saved segments through /api/segments: CRUD, the filter checked by the players parser, the cap,
// credentials and tenants, and a segment's players and count against GET /api/players.

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ start: new Date('2026-07-14T16:00:00Z') });
});
afterAll(async () => {
  await h.close();
});

interface Segment {
  id: string;
  name: string;
  filter: string;
  description: string | null;
  created_at: string;
  updated_at: string;
}

const post = (t: PropertyTenant, payload: object, headers: Record<string, string> = t.keyHeaders) =>
  h.inject({ method: 'POST', url: '/api/segments', headers, payload });

async function segment(t: PropertyTenant, fields: Record<string, unknown> = {}): Promise<Segment> {
  const response = await post(t, { name: unique('Gold NV'), filter: 'tier=eq.gold', ...fields });
  expect(response.statusCode, response.body).toBe(201);
  return json<{ data: Segment }>(response).data;
}

const get = (t: PropertyTenant, url: string, headers: Record<string, string> = t.keyHeaders) =>
  h.inject({ method: 'GET', url, headers });

async function readOnlyKey(t: PropertyTenant) {
  const key = await createPropertyKey(h.deps, undefined, {
    propertyId: t.property.id,
    name: 'Read only',
    scopes: ['read'],
  });
  return { 'x-api-key': key.key };
}

/** Players of every tier/state combination, plus one who has played recently. */
async function seedPlayers(t: PropertyTenant) {
  const rows = [];
  for (const tier of ['gold', 'silver', 'bronze']) {
    for (const state of ['NV', 'NJ', 'PA']) {
      for (let i = 0; i < 3; i += 1)
        rows.push({ player_id: unique(`${tier}-${state}`), tier, state });
    }
  }
  return createPlayers(h.deps, t.property.id, rows);
}

describe('segments', () => {
  it('creates, reads, lists, updates and deletes a segment', async () => {
    const t = await makePropertyTenant(h);
    const created = await segment(t, {
      name: 'Gold in NV or NJ',
      filter: '?tier=eq.gold&state=in.(NV,NJ)',
      description: 'High-value east and west',
    });
    expect(created).toMatchObject({
      name: 'Gold in NV or NJ',
      filter: 'tier=eq.gold&state=in.(NV,NJ)',
      description: 'High-value east and west',
    });
    const b = await segment(t, { name: 'B everyone', filter: '' });
    expect(json<{ data: Segment }>(await get(t, `/api/segments/${created.id}`)).data).toEqual(
      created,
    );

    const first = json<{ data: Segment[]; next_after: string | null }>(
      await get(t, '/api/segments?limit=1'),
    );
    expect(first.data.map((s) => s.id)).toEqual([b.id]);
    expect(first.next_after).toBe('B everyone');
    const second = json<{ data: Segment[]; next_after: string | null }>(
      await get(t, `/api/segments?limit=1&after=${encodeURIComponent(first.next_after ?? '')}`),
    );
    expect(second.data.map((s) => s.id)).toEqual([created.id]);
    expect(second.next_after).toBeNull();

    h.clock.advance(1000);
    const patched = await h.inject({
      method: 'PATCH',
      url: `/api/segments/${created.id}`,
      headers: t.keyHeaders,
      payload: { filter: 'tier=eq.silver', description: null },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(json<{ data: Segment }>(patched).data).toMatchObject({
      name: 'Gold in NV or NJ',
      filter: 'tier=eq.silver',
      description: null,
    });

    const deleted = await h.inject({
      method: 'DELETE',
      url: `/api/segments/${created.id}`,
      headers: t.keyHeaders,
    });
    expect(deleted.statusCode, deleted.body).toBe(200);
    expectError(await get(t, `/api/segments/${created.id}`), 404, 'not_found');
    expectError(
      await h.inject({
        method: 'DELETE',
        url: `/api/segments/${created.id}`,
        headers: t.keyHeaders,
      }),
      404,
      'not_found',
    );
  });

  it('refuses a taken name with 409, on create and on rename', async () => {
    const t = await makePropertyTenant(h);
    await segment(t, { name: 'Whales' });
    const other = await segment(t, { name: 'Minnows' });
    expectError(await post(t, { name: 'Whales', filter: '' }), 409, 'conflict');
    expectError(
      await h.inject({
        method: 'PATCH',
        url: `/api/segments/${other.id}`,
        headers: t.keyHeaders,
        payload: { name: 'Whales' },
      }),
      409,
      'conflict',
    );
    // Another property may use the name.
    await segment(await makePropertyTenant(h), { name: 'Whales' });
  });

  it.each([
    ['an unknown column', 'tier=eq.gold&favourite_colour=eq.red', 'favourite_colour'],
    ['an unknown operator', 'tier=near.gold', 'near'],
    ['a JSON column', 'traits=eq.x', 'traits'],
    ['a bad value', 'plays=gt.many', 'plays'],
    ['select', 'tier=eq.gold&select=id', 'select'],
    ['order', 'order=created_at.desc', 'order'],
    ['limit', 'tier=eq.gold&limit=5', 'limit'],
    ['offset', 'offset=5', 'offset'],
    ['or', 'or=(tier.eq.gold,tier.eq.silver)', 'or'],
  ])('refuses a filter with %s, naming it', async (_what, filter, named) => {
    const t = await makePropertyTenant(h);
    const body = expectError(
      await post(t, { name: unique('S'), filter }),
      400,
      'validation_failed',
    );
    expect(body.error).toContain(named);
    const saved = await segment(t);
    const patch = await h.inject({
      method: 'PATCH',
      url: `/api/segments/${saved.id}`,
      headers: t.keyHeaders,
      payload: { filter },
    });
    expect(expectError(patch, 400, 'validation_failed').error).toContain(named);
    expect(json<{ data: Segment }>(await get(t, `/api/segments/${saved.id}`)).data.filter).toBe(
      'tier=eq.gold',
    );
  });

  it('refuses malformed bodies and ids in the error envelope', async () => {
    const t = await makePropertyTenant(h);
    expectError(await post(t, { name: '', filter: '' }), 400, 'validation_failed');
    expectError(await post(t, { filter: 'tier=eq.gold' }), 400, 'validation_failed');
    expectError(await post(t, { name: 'x', filter: '', extra: 1 }), 400, 'validation_failed');
    expectError(await post(t, { name: '   ', filter: '' }), 400, 'validation_failed');
    expectError(await get(t, '/api/segments/not-a-uuid'), 400, 'validation_failed');
    const saved = await segment(t);
    expectError(
      await h.inject({
        method: 'PATCH',
        url: `/api/segments/${saved.id}`,
        headers: t.keyHeaders,
        payload: {},
      }),
      400,
      'validation_failed',
    );
    // The players of a segment take paging only: a filter would widen what the key reads.
    expectError(
      await get(t, `/api/segments/${saved.id}/players?tier=eq.silver`),
      400,
      'validation_failed',
    );
  });

  it('answers 401 without a credential and 403 to a read-only key or a Viewer', async () => {
    const t = await makePropertyTenant(h);
    const saved = await segment(t);
    const payload = { name: unique('S'), filter: '' };
    for (const [method, url] of [
      ['GET', '/api/segments'],
      ['POST', '/api/segments'],
      ['GET', `/api/segments/${saved.id}`],
      ['GET', `/api/segments/${saved.id}/players`],
      ['GET', `/api/segments/${saved.id}/count`],
      ['DELETE', `/api/segments/${saved.id}`],
    ] as const) {
      expectError(await h.inject({ method, url, payload }), 401, 'unauthorized');
    }
    const readOnly = await readOnlyKey(t);
    expectError(await post(t, payload, readOnly), 403, 'forbidden');
    expectError(
      await h.inject({
        method: 'PATCH',
        url: `/api/segments/${saved.id}`,
        headers: readOnly,
        payload: { name: 'Mine' },
      }),
      403,
      'forbidden',
    );
    expectError(
      await h.inject({ method: 'DELETE', url: `/api/segments/${saved.id}`, headers: readOnly }),
      403,
      'forbidden',
    );
    const viewer = await makeUser(h, t.org.id, 'Viewer');
    const viewerHeaders = { ...viewer.auth, 'x-property-id': t.property.id };
    expectError(await post(t, payload, viewerHeaders), 403, 'forbidden');
    // Reading is theirs, and the owner's bearer token writes.
    expect((await get(t, `/api/segments/${saved.id}`, readOnly)).statusCode).toBe(200);
    expect((await get(t, `/api/segments/${saved.id}/count`, viewerHeaders)).statusCode).toBe(200);
    expect((await post(t, payload, t.userHeaders)).statusCode).toBe(201);
  });

  it("never reads, changes, counts or lists the players of another property's segment", async () => {
    const a = await makePropertyTenant(h);
    const b = await makePropertyTenant(h);
    await seedPlayers(b);
    const theirs = await segment(b);
    for (const url of [
      `/api/segments/${theirs.id}`,
      `/api/segments/${theirs.id}/players`,
      `/api/segments/${theirs.id}/count`,
    ]) {
      expectError(await get(a, url), 404, 'not_found');
    }
    expectError(
      await h.inject({
        method: 'PATCH',
        url: `/api/segments/${theirs.id}`,
        headers: a.keyHeaders,
        payload: { name: 'Mine now' },
      }),
      404,
      'not_found',
    );
    expectError(
      await h.inject({
        method: 'DELETE',
        url: `/api/segments/${theirs.id}`,
        headers: a.keyHeaders,
      }),
      404,
      'not_found',
    );
    const list = json<{ data: Segment[] }>(await get(a, '/api/segments'));
    expect(list.data).toEqual([]);
    expect(json<{ data: Segment }>(await get(b, `/api/segments/${theirs.id}`)).data.name).toBe(
      theirs.name,
    );
  });

  it(`holds at most ${MAX_SEGMENTS_PER_PROPERTY} segments per property, under concurrent inserts`, async () => {
    const t = await makePropertyTenant(h);
    const start = MAX_SEGMENTS_PER_PROPERTY - 5;
    for (let i = 0; i < start; i += 1) {
      await createSegment(h.deps, t.property.id, { name: `Existing ${i}`, filter: '' });
    }
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        post(t, { name: `Racing ${i}`, filter: 'tier=eq.gold' }),
      ),
    );
    expect(responses.filter((r) => r.statusCode === 201)).toHaveLength(5);
    for (const refused of responses.filter((r) => r.statusCode !== 201)) {
      expect(expectError(refused, 403, 'quota_exceeded').error).toContain(
        String(MAX_SEGMENTS_PER_PROPERTY),
      );
    }
    const { count } = await h.deps.database.db
      .selectFrom('segments')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('property_id', '=', t.property.id)
      .executeTakeFirstOrThrow();
    expect(Number(count)).toBe(MAX_SEGMENTS_PER_PROPERTY);
    // Another property's cap is its own.
    await segment(await makePropertyTenant(h));
  });
});

describe("a segment's players and count", () => {
  it.each([
    'tier=eq.gold&state=in.(NV,NJ)',
    'tier.neq=bronze',
    'state=eq.PA&tier=in.(gold,silver)',
    'q=silver',
    '',
  ])('equal GET /api/players?%s', async (filter) => {
    const t = await makePropertyTenant(h);
    await seedPlayers(t);
    await seedPlayers(await makePropertyTenant(h));
    const saved = await segment(t, { filter });
    const paging = 'order=player_id.asc&select=id,player_id,tier,state&limit=4&offset=2';
    const direct = await get(t, `/api/players?${filter}&${paging}&count=exact`);
    const viaSegment = await get(t, `/api/segments/${saved.id}/players?${paging}&count=exact`);
    expect(viaSegment.statusCode, viaSegment.body).toBe(200);
    expect(json(viaSegment)).toEqual(json(direct));
    expect(viaSegment.headers['content-range']).toBe(direct.headers['content-range']);

    const all = json<{ data: unknown[]; totalCount: number }>(
      await get(t, `/api/players?${filter}&limit=1000&count=exact`),
    );
    expect(all.data.length).toBeGreaterThan(0);
    const counted = json<{ data: { count: number } }>(
      await get(t, `/api/segments/${saved.id}/count`),
    );
    expect(counted.data.count).toBe(all.data.length);
    expect(counted.data.count).toBe(all.totalCount);
  });

  it('pages with Prefer: count=none like /api/players', async () => {
    const t = await makePropertyTenant(h);
    await seedPlayers(t);
    const saved = await segment(t, { filter: 'tier=eq.gold' });
    const response = await h.inject({
      method: 'GET',
      url: `/api/segments/${saved.id}/players?limit=2`,
      headers: { ...t.keyHeaders, prefer: 'count=none' },
    });
    expect(response.statusCode, response.body).toBe(200);
    const body = json<{ data: { tier: string }[]; totalCount: null }>(response);
    expect(body.totalCount).toBeNull();
    expect(body.data.map((p) => p.tier)).toEqual(['gold', 'gold']);
    expect(response.headers['content-range']).toBe('0-1/*');
  });
});
