import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTenant, type Tenant } from '../../../test/factories.ts';
import { createHarness, errorBody, type Harness, json } from '../../../test/harness.ts';
import type { ManualClock } from '../../lib/clock.ts';
import { setPlanTier } from '../organizations/index.ts';

interface UsageJson {
  id: number;
  api_key_id: number | null;
  action: string;
  outcome: string;
  status_code: number;
  client_ip: string | null;
  created_at: string;
  count: number;
}

const PATH = '/api/org-api-keys';
// A fixed minute, so a test never straddles a minute boundary of the real clock.
const START = new Date('2031-03-04T10:00:05.000Z');

let h: Harness;
let clock: ManualClock;

beforeAll(async () => {
  h = await createHarness({ start: START });
  clock = h.clock as ManualClock;
});

afterAll(async () => {
  await h.close();
});

function listSessions(key: string) {
  return h.inject({ method: 'GET', url: `${PATH}/sessions`, headers: { 'x-api-key': key } });
}

/** Sends `count` requests with the key, `parallel` at a time, and tallies the statuses. */
async function hammer(key: string, count: number, parallel = 50): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  for (let sent = 0; sent < count; sent += parallel) {
    const batch = Array.from({ length: Math.min(parallel, count - sent) }, () => listSessions(key));
    for (const response of await Promise.all(batch)) {
      // Every answer is the error envelope, never a 500.
      if (response.statusCode >= 400) errorBody(response);
      statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
    }
  }
  return statuses;
}

async function usageOf(t: Tenant): Promise<UsageJson[]> {
  const response = await h.inject({
    method: 'GET',
    url: `${PATH}/usage?org_id=${t.org.id}&key_id=${t.keyId}&limit=500`,
    headers: t.owner.auth,
  });
  expect(response.statusCode, response.body).toBe(200);
  return json<{ data: UsageJson[] }>(response).data;
}

async function revoke(t: Tenant) {
  const response = await h.inject({
    method: 'PATCH',
    url: PATH,
    headers: t.owner.auth,
    payload: { id: t.keyId, org_id: t.org.id, is_active: false },
  });
  expect(response.statusCode, response.body).toBe(200);
}

const summary = (rows: UsageJson[]) =>
  rows.map((row) => [row.outcome, row.status_code, row.count]).sort();

describe('audit trail of refused API keys', () => {
  it('answers 500 requests with a revoked key 401 and writes one row with count 500', async () => {
    clock.set(START);
    const t = await makeTenant(h);
    await revoke(t);
    expect(await hammer(t.key, 250)).toEqual(new Map([[401, 250]]));
    // A flush in the middle: the second half is added to the same row, not written as a new one.
    await h.deps.keyUsage.flush();
    expect(await hammer(t.key, 250)).toEqual(new Map([[401, 250]]));
    const rows = await usageOf(t);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      api_key_id: t.keyId,
      action: 'list-sessions',
      outcome: 'rejected',
      status_code: 401,
      count: 500,
      client_ip: '127.0.0.1',
      created_at: '2031-03-04T10:00:00.000Z',
    });
  });

  it('limits a refused key before counting it: past its per-minute limit the answer is 429', async () => {
    clock.set(START);
    const t = await makeTenant(h, { perMinute: 100 });
    await revoke(t);
    expect(await hammer(t.key, 150)).toEqual(
      new Map([
        [401, 100],
        [429, 50],
      ]),
    );
    const limited = await listSessions(t.key);
    expect(limited.statusCode).toBe(429);
    expect(errorBody(limited).retry_after).toBeGreaterThan(0);
    expect(limited.headers['retry-after']).toBeDefined();
    expect(summary(await usageOf(t))).toEqual([
      ['rate_limited', 429, 51],
      ['rejected', 401, 100],
    ]);

    // The next minute: refused again (not limited), counted in a row of its own.
    clock.advance(60_000);
    expect(await hammer(t.key, 3)).toEqual(new Map([[401, 3]]));
    const rows = await usageOf(t);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({
      outcome: 'rejected',
      count: 3,
      created_at: '2031-03-04T10:01:00.000Z',
    });
  });

  it('aggregates the 403 of a key whose organization lost the API tier', async () => {
    clock.set(START);
    const t = await makeTenant(h);
    await setPlanTier(h.deps, t.org.id, 'Free');
    expect(await hammer(t.key, 120)).toEqual(new Map([[403, 120]]));
    expect(summary(await usageOf(t))).toEqual([['forbidden', 403, 120]]);
  });

  it("aggregates a working key's requests over its rate limit, and keeps one row per answered request", async () => {
    clock.set(START);
    const t = await makeTenant(h, { perMinute: 5 });
    expect(await hammer(t.key, 205, 41)).toEqual(
      new Map([
        [200, 5],
        [429, 200],
      ]),
    );
    const rows = await usageOf(t);
    expect(summary(rows)).toEqual([
      ['rate_limited', 429, 200],
      ['success', 200, 1],
      ['success', 200, 1],
      ['success', 200, 1],
      ['success', 200, 1],
      ['success', 200, 1],
    ]);
  });

  it('keeps the rows of different keys and actions apart', async () => {
    clock.set(START);
    const t = await makeTenant(h);
    const other = await makeTenant(h);
    await revoke(t);
    await revoke(other);
    await hammer(t.key, 20);
    await hammer(other.key, 7);
    const created = await h.inject({
      method: 'POST',
      url: `${PATH}/sessions`,
      headers: { 'x-api-key': t.key },
      payload: { game_id: t.gameIds[0] },
    });
    expect(created.statusCode).toBe(401);
    expect((await usageOf(t)).map((row) => [row.action, row.count]).sort()).toEqual([
      ['create-session', 1],
      ['list-sessions', 20],
    ]);
    expect(summary(await usageOf(other))).toEqual([['rejected', 401, 7]]);
  });
});
