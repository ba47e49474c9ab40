import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePropertyTenant, type PropertyTenant } from '../../../test/factories.ts';
import { createHarness, type Harness, json, expectError } from '../../../test/harness.ts';
import { AppError } from '../../lib/errors.ts';
import {
  createPlayer,
  createPlayers,
  getPlayer,
  listPlayers,
  type PlayerRow,
  upsertPlayers,
  validatePlayer,
} from './index.ts';

let h: Harness;

beforeAll(async () => {
  h = await createHarness({ start: new Date('2026-06-05T12:00:00.000Z') });
});

afterAll(async () => {
  await h.close();
});

const NOW = new Date('2026-06-05T12:00:00.000Z');

/** The validation message for one player object; fails the test when it is accepted. */
function refusal(input: unknown, mode: 'create' | 'update' = 'create'): string {
  try {
    validatePlayer(input, mode, NOW);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('validation_failed');
    return (error as AppError).message;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be refused`);
}

const valid = (input: Record<string, unknown>) =>
  validatePlayer({ player_id: 'p1', ...input }, 'create', NOW);

describe('validatePlayer', () => {
  it('takes an optional player_id of 1 to 100 characters', () => {
    expect(validatePlayer({}, 'create', NOW)).toEqual({});
    expect(validatePlayer({ player_id: '   ' }, 'create', NOW)).toEqual({ player_id: null });
    expect(refusal({ player_id: 42 })).toMatch(/player_id must be a string/);
    expect(refusal({ player_id: 'x'.repeat(101) })).toMatch(/player_id must have at most 100/);
    expect(valid({ player_id: '  card-7 ' }).player_id).toBe('card-7');
    expect(validatePlayer({ tier: 'Gold' }, 'update', NOW)).toEqual({ tier: 'Gold' });
    expect(refusal({}, 'update')).toBe('Nothing to update');
  });

  it('checks email format and lets "" or null clear it', () => {
    expect(valid({ email: ' ann@example.test ' }).email).toBe('ann@example.test');
    expect(valid({ email: '' }).email).toBeNull();
    expect(valid({ email: null }).email).toBeNull();
    for (const bad of ['ann', 'ann@', '@example.test', 'a b@example.test', 'ann@example']) {
      expect(refusal({ player_id: 'p', email: bad })).toMatch(/^email .* is not a valid email/);
    }
  });

  it('stores phones as E.164, national numbers only with a country', () => {
    expect(valid({ phone: '+1 (702) 555-0100' }).phone).toBe('+17025550100');
    expect(valid({ phone: '(702) 555-0100', country: 'us' }).phone).toBe('+17025550100');
    expect(valid({ phone: '06 12 34 56 78', country: 'FR' }).phone).toBe('+33612345678');
    expect(refusal({ player_id: 'p', phone: '(702) 555-0100' })).toMatch(
      /phone must be in international format/,
    );
    expect(refusal({ player_id: 'p', phone: '+1 555' })).toMatch(/phone "\+1 555" is not a valid/);
    expect(refusal({ player_id: 'p', phone: '123', country: 'US' })).toMatch(/phone .* in US/);
    expect(refusal({ player_id: 'p', phone: 12345 })).toMatch(/phone must be a string/);
  });

  it('accepts the four statuses only', () => {
    for (const status of ['active', 'inactive', 'banned', 'self_excluded']) {
      expect(valid({ status }).status).toBe(status);
    }
    expect(refusal({ player_id: 'p', status: 'Active' })).toMatch(/status must be one of/);
    expect(refusal({ player_id: 'p', status: null })).toMatch(/status must be one of/);
  });

  it('limits tier to 50 characters', () => {
    expect(valid({ tier: 'x'.repeat(50) }).tier).toHaveLength(50);
    expect(refusal({ player_id: 'p', tier: 'x'.repeat(51) })).toMatch(/tier must have at most 50/);
  });

  it('takes adt and coin_in as non-negative numbers', () => {
    expect(valid({ adt: 250.5, coin_in: 0 })).toMatchObject({ adt: 250.5, coin_in: 0 });
    expect(refusal({ player_id: 'p', adt: -1 })).toMatch(/adt must be from 0/);
    expect(refusal({ player_id: 'p', coin_in: '100' })).toMatch(/coin_in must be a number/);
    expect(refusal({ player_id: 'p', adt: 1e15 })).toMatch(/adt must be from 0 to/);
  });

  it('takes IANA time zones only', () => {
    expect(valid({ timezone: 'America/Los_Angeles' }).timezone).toBe('America/Los_Angeles');
    expect(valid({ timezone: 'UTC' }).timezone).toBe('UTC');
    for (const bad of ['Mars/Olympus', '+02:00', 'GMT+2 ', 'EST5EDT;', 'America/../etc']) {
      expect(refusal({ player_id: 'p', timezone: bad })).toMatch(/timezone .* is not an IANA/);
    }
  });

  it('upper-cases ISO 3166 alpha-2 countries and refuses others', () => {
    expect(valid({ country: 'us' }).country).toBe('US');
    expect(refusal({ player_id: 'p', country: 'USA' })).toMatch(/country must have at most 2/);
    expect(refusal({ player_id: 'p', country: 'QQ' })).toMatch(/country "QQ" is not an ISO/);
  });

  it('takes a real past date of birth', () => {
    expect(valid({ date_of_birth: '1980-02-29' }).date_of_birth).toBe('1980-02-29');
    expect(refusal({ player_id: 'p', date_of_birth: '1981-02-29' })).toMatch(/YYYY-MM-DD/);
    expect(refusal({ player_id: 'p', date_of_birth: '05/01/1980' })).toMatch(/YYYY-MM-DD/);
    expect(refusal({ player_id: 'p', date_of_birth: '2026-06-05' })).toMatch(/in the past/);
    expect(refusal({ player_id: 'p', date_of_birth: '1850-01-01' })).toMatch(/1900-01-01/);
  });

  it('takes traits as a JSON object of at most 16 KiB', () => {
    expect(valid({ traits: { vip: true, games: ['slots'] } }).traits).toEqual({
      vip: true,
      games: ['slots'],
    });
    for (const bad of [[], null, 'x', 3]) {
      expect(refusal({ player_id: 'p', traits: bad })).toBe('traits must be a JSON object');
    }
    expect(refusal({ player_id: 'p', traits: { blob: 'x'.repeat(16 * 1024) } })).toMatch(
      /at most 16384 bytes/,
    );
    expect(refusal({ player_id: 'p', traits: { k: 'a\u0000b' } })).toMatch(/NUL/);
  });

  it('refuses unknown and server-set fields by name', () => {
    expect(refusal({ player_id: 'p', nickname: 'x' })).toBe('Unknown field "nickname"');
    expect(refusal({ player_id: 'p', constructor: 'x' })).toBe('Unknown field "constructor"');
    for (const field of ['id', 'property_id', 'created_at', 'updated_at']) {
      expect(refusal({ player_id: 'p', [field]: 'x' })).toBe(
        `Field ${field} is set by the server and cannot be written`,
      );
    }
    expect(refusal(['p'])).toBe('A player must be a JSON object');
    expect(refusal(null)).toBe('A player must be a JSON object');
  });

  it('refuses NUL characters in text', () => {
    expect(refusal({ player_id: 'p', first_name: 'a\u0000' })).toMatch(/first_name must not/);
  });
});

describe('player service', () => {
  it('creates, lists and gets players of one property only', async () => {
    const a = await makePropertyTenant(h);
    const b = await makePropertyTenant(h);
    const player = await createPlayer(h.deps, a.property.id, { player_id: 'c1', tier: 'Gold' });
    expect(player).toMatchObject({ player_id: 'c1', tier: 'Gold', status: 'active', traits: {} });
    expect(await getPlayer(h.deps, a.property.id, player.id)).toEqual(player);
    await expect(getPlayer(h.deps, b.property.id, player.id)).rejects.toThrow('Player not found');
    await expect(getPlayer(h.deps, a.property.id, 'nope')).rejects.toThrow('Player not found');
    const listed = await listPlayers(h.deps, a.property.id, { query: { 'tier.eq': 'Gold' } });
    expect(listed.rows).toEqual([player]);
    expect((await listPlayers(h.deps, b.property.id, { query: {} })).totalCount).toBe(0);
  });

  it('lets two properties use the same player_id', async () => {
    const a = await makePropertyTenant(h);
    const b = await makePropertyTenant(h);
    await createPlayer(h.deps, a.property.id, { player_id: 'same' });
    await createPlayer(h.deps, b.property.id, { player_id: 'same' });
    await expect(createPlayer(h.deps, a.property.id, { player_id: 'same' })).rejects.toThrow(
      /already exists/,
    );
  });
});

describe('GET, PATCH and DELETE /api/players/{id}', () => {
  let tenant: PropertyTenant;
  let other: PropertyTenant;
  let mine: PlayerRow;

  beforeAll(async () => {
    tenant = await makePropertyTenant(h);
    other = await makePropertyTenant(h);
    [mine] = (await createPlayers(h.deps, tenant.property.id, [
      { player_id: 'g1', email: 'g1@example.test', country: 'US' },
      { player_id: 'g2' },
    ])) as [PlayerRow];
  });

  it('gets a player of the property', async () => {
    const response = await h.inject({
      method: 'GET',
      url: `/api/players/${mine.id}`,
      headers: tenant.keyHeaders,
    });
    expect(response.statusCode, response.body).toBe(200);
    const { data } = json<{ data: Record<string, unknown> }>(response);
    expect(data).toMatchObject({ id: mine.id, player_id: 'g1', email: 'g1@example.test' });
    expect(data.created_at).toBe(mine.created_at.toISOString());
  });

  it('updates the fields sent and stamps updated_at', async () => {
    h.clock.advance(60_000);
    const response = await h.inject({
      method: 'PATCH',
      url: `/api/players/${mine.id}`,
      headers: tenant.keyHeaders,
      payload: { phone: '(702) 555-0111', country: 'US', tier: 'Gold', traits: { vip: true } },
    });
    expect(response.statusCode, response.body).toBe(200);
    const { data } = json<{ data: Record<string, unknown> }>(response);
    expect(data).toMatchObject({
      phone: '+17025550111',
      tier: 'Gold',
      email: 'g1@example.test',
      traits: { vip: true },
      updated_at: h.clock.now().toISOString(),
      created_at: mine.created_at.toISOString(),
    });
  });

  it('refuses a PATCH naming a bad field, unknown fields and server-set fields', async () => {
    for (const [payload, message] of [
      [{ phone: '555-0111' }, /phone must be in international format/],
      [{ email: 'nope' }, /email/],
      [{ nickname: 'x' }, /nickname/],
      [{ property_id: other.property.id }, /property_id/],
      [{ adt: '12' }, /adt/],
    ] as const) {
      const response = await h.inject({
        method: 'PATCH',
        url: `/api/players/${mine.id}`,
        headers: tenant.keyHeaders,
        payload,
      });
      expect(expectError(response, 400, 'validation_failed').error).toMatch(message);
    }
  });

  it('answers 409 when the new player_id is taken', async () => {
    const response = await h.inject({
      method: 'PATCH',
      url: `/api/players/${mine.id}`,
      headers: tenant.keyHeaders,
      payload: { player_id: 'g2' },
    });
    expect(expectError(response, 409, 'conflict').error).toMatch(/"g2"/);
  });

  it('deletes a player', async () => {
    const victim = await createPlayer(h.deps, tenant.property.id, { player_id: 'gone' });
    const response = await h.inject({
      method: 'DELETE',
      url: `/api/players/${victim.id}`,
      headers: tenant.keyHeaders,
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(json(response)).toEqual({ success: true });
    await expect(getPlayer(h.deps, tenant.property.id, victim.id)).rejects.toThrow(/not found/);
    const again = await h.inject({
      method: 'DELETE',
      url: `/api/players/${victim.id}`,
      headers: tenant.keyHeaders,
    });
    expectError(again, 404, 'not_found');
  });
});

describe('POST /api/players/batch', () => {
  interface BatchJson {
    data: {
      inserted: number;
      updated: number;
      errors: { index: number; player_id: string | null; error: string }[];
    };
  }

  async function batch(tenant: PropertyTenant, players: unknown[]) {
    const response = await h.inject({
      method: 'POST',
      url: '/api/players/batch',
      headers: tenant.keyHeaders,
      payload: { players },
    });
    expect(response.statusCode, response.body).toBe(200);
    return json<BatchJson>(response).data;
  }

  const byPlayerId = async (tenant: PropertyTenant) => {
    const { rows } = await listPlayers(h.deps, tenant.property.id, { query: { limit: '1000' } });
    return new Map(rows.map((row) => [row.player_id as string, row]));
  };

  it('inserts new players, updates existing ones and reports bad rows', async () => {
    const tenant = await makePropertyTenant(h);
    await createPlayer(h.deps, tenant.property.id, {
      player_id: 'u1',
      email: 'keep@example.test',
      tier: 'Silver',
      first_name: 'Una',
    });
    const result = await batch(tenant, [
      { player_id: 'u1', tier: 'Gold', first_name: null },
      { player_id: 'u2', email: 'u2@example.test', adt: 12.5 },
      { player_id: 'u3', phone: '555-0100' },
      { email: 'no-id@example.test' },
      { player_id: 'u4', status: 'vip', country: 'US' },
      { player_id: 'u2', tier: 'Repeat' },
      'not an object',
      { player_id: 'u5', traits: { vip: true } },
    ]);
    // The row without player_id (index 3) is created: nothing to match it on.
    expect(result.inserted).toBe(3);
    expect(result.updated).toBe(1);
    expect(result.errors).toEqual([
      { index: 2, player_id: 'u3', error: expect.stringMatching(/^phone/) as unknown },
      { index: 4, player_id: 'u4', error: expect.stringMatching(/^status/) as unknown },
      { index: 5, player_id: 'u2', error: 'player_id repeats row 1 of this batch' },
      { index: 6, player_id: null, error: 'A player must be a JSON object' },
    ]);
    const players = await byPlayerId(tenant);
    expect([...players.keys()].sort()).toEqual([null, 'u1', 'u2', 'u5']);
    // An update changes only the fields its row carries; null clears.
    expect(players.get('u1')).toMatchObject({
      tier: 'Gold',
      email: 'keep@example.test',
      first_name: null,
      status: 'active',
    });
    expect(players.get('u2')).toMatchObject({ adt: 12.5, status: 'active', traits: {} });
    expect(players.get('u5')).toMatchObject({ traits: { vip: true } });
  });

  it('applies a row entirely or not at all', async () => {
    const tenant = await makePropertyTenant(h);
    await createPlayer(h.deps, tenant.property.id, { player_id: 'w1', tier: 'Silver' });
    const result = await batch(tenant, [{ player_id: 'w1', tier: 'Gold', email: 'bad' }]);
    expect(result).toMatchObject({ inserted: 0, updated: 0 });
    expect(result.errors).toHaveLength(1);
    expect((await byPlayerId(tenant)).get('w1')).toMatchObject({ tier: 'Silver', email: null });
  });

  it('updates updated_at of existing players and keeps created_at', async () => {
    const tenant = await makePropertyTenant(h);
    const before = await createPlayer(h.deps, tenant.property.id, { player_id: 't1' });
    h.clock.advance(5_000);
    await batch(tenant, [{ player_id: 't1', tier: 'Gold' }]);
    const after = await getPlayer(h.deps, tenant.property.id, before.id);
    expect(after.created_at).toEqual(before.created_at);
    expect(after.updated_at).toEqual(h.clock.now());
  });

  it("never touches another property's player with the same player_id", async () => {
    const a = await makePropertyTenant(h);
    const b = await makePropertyTenant(h);
    const theirs = await createPlayer(h.deps, b.property.id, { player_id: 's1', tier: 'Gold' });
    const result = await batch(a, [{ player_id: 's1', tier: 'Hacked' }]);
    expect(result).toMatchObject({ inserted: 1, updated: 0 });
    expect(await getPlayer(h.deps, b.property.id, theirs.id)).toMatchObject({ tier: 'Gold' });
  });

  it('takes 1000 rows in one request and refuses 1001', async () => {
    const tenant = await makePropertyTenant(h);
    const rows = Array.from({ length: 1000 }, (_, i) => ({
      player_id: `bulk-${i}`,
      email: `bulk-${i}@example.test`,
      tier: 'Bronze',
      adt: i,
    }));
    expect(await batch(tenant, rows)).toEqual({ inserted: 1000, updated: 0, errors: [] });
    const again = await batch(
      tenant,
      rows.map((row) => ({ player_id: row.player_id, tier: 'Silver' })),
    );
    expect(again).toEqual({ inserted: 0, updated: 1000, errors: [] });
    const silver = await listPlayers(h.deps, tenant.property.id, {
      query: { 'tier.eq': 'Silver', limit: '0' },
    });
    expect(silver.totalCount).toBe(1000);
    const tooMany = await h.inject({
      method: 'POST',
      url: '/api/players/batch',
      headers: tenant.keyHeaders,
      payload: { players: [...rows, { player_id: 'one-more' }] },
    });
    expectError(tooMany, 400, 'validation_failed');
  });

  it('reports every row when all are invalid, and applies nothing', async () => {
    const tenant = await makePropertyTenant(h);
    const result = await upsertPlayers(h.deps, tenant.property.id, [[], { player_id: 7 }]);
    expect(result.inserted + result.updated).toBe(0);
    expect(result.errors.map((e) => e.index)).toEqual([0, 1]);
  });

  it('refuses an empty or malformed body', async () => {
    const tenant = await makePropertyTenant(h);
    for (const payload of [{ players: [] }, {}, { players: 'x' }, [{ player_id: 'x' }]]) {
      const response = await h.inject({
        method: 'POST',
        url: '/api/players/batch',
        headers: tenant.keyHeaders,
        payload,
      });
      expectError(response, 400, 'validation_failed');
    }
  });
});
