import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../src/lib/clock.ts';
import { makeTenant, type Tenant } from './factories.ts';
import { createHarness, errorBody, expectError, type Harness, json } from './harness.ts';

/** What a newcomer to the DailyPlay half hits first: a mistyped action, a key sent as Bearer. */

const PATH = '/api/org-api-keys';
// A fixed minute, so the rate-limit test never straddles a window boundary.
const START = new Date('2031-05-06T10:00:05.000Z');

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ start: START });
});
afterAll(async () => {
  await h.close();
});

interface ValidAction {
  action: string;
  methods: string[];
}

describe('an action the API does not have', () => {
  it('answers a mistyped create-session 400 listing the valid actions, with or without a key', async () => {
    const t = await makeTenant(h);
    for (const headers of [{}, t.keyHeaders, t.owner.auth]) {
      const response = await h.inject({
        method: 'POST',
        url: `${PATH}?action=create-sesion`,
        headers,
        payload: { game_id: t.gameIds[0] },
      });
      const body = expectError(response, 400, 'bad_request');
      expect(body.error).toContain('Unknown action "create-sesion"');
      expect(body.error).toContain('create-session (POST)');
      expect(body.error).toContain('validate-session (GET)');
      const valid = json<{ details: { valid_actions: ValidAction[] } }>(response).details
        .valid_actions;
      expect(valid).toContainEqual({ action: 'create-session', methods: ['POST'] });
      expect(valid).toContainEqual({ action: 'consume-session', methods: ['POST'] });
      expect(valid).toContainEqual({ action: 'validate-session', methods: ['GET'] });
    }
  });

  it('answers 400 for an unknown action on GET, PATCH and DELETE too, and for an empty one', async () => {
    for (const [method, url] of [
      ['GET', `${PATH}?action=validate&token=a1b2c3d4-e5f6-7890-abcd-ef1234567890`],
      ['PATCH', `${PATH}?action=nope`],
      ['DELETE', `${PATH}?action=nope&id=1&org_id=1`],
      ['POST', `${PATH}?action=`],
    ] as const) {
      const response = await h.inject({ method, url, payload: {} });
      expect(errorBody(response).code, `${method} ${url}`).toBe('bad_request');
      expect(response.statusCode).toBe(400);
    }
  });

  it('says so when the action exists under another method', async () => {
    const response = await h.inject({ method: 'GET', url: `${PATH}?action=create-session` });
    const body = expectError(response, 400, 'bad_request');
    expect(body.error).toContain('action=create-session is not a GET action');
  });

  it('keeps the routes without an action, and the actions themselves, as they were', async () => {
    const t = await makeTenant(h);
    const list = await h.inject({ url: `${PATH}?org_id=${t.org.id}`, headers: t.owner.auth });
    expect(list.statusCode, list.body).toBe(200);
    const unauthenticated = await h.inject({ url: `${PATH}?org_id=${t.org.id}` });
    expectError(unauthenticated, 401, 'unauthorized');
    const created = await h.inject({
      method: 'POST',
      url: `${PATH}?action=create-session`,
      headers: t.keyHeaders,
      payload: { game_id: t.gameIds[0] },
    });
    expect(created.statusCode, created.body).toBe(200);
    // Other paths are not concerned with `action`.
    const health = await h.inject({ url: '/healthz?action=whatever' });
    expect(health.statusCode).toBe(200);
  });
});

describe('a dpk_ key sent as Authorization: Bearer', () => {
  const create = (t: Tenant, headers: Record<string, string>) =>
    h.inject({
      method: 'POST',
      url: `${PATH}?action=create-session`,
      headers,
      payload: { game_id: t.gameIds[0] },
    });

  it('is accepted on create-session and list-sessions like x-api-key', async () => {
    const t = await makeTenant(h);
    const bearer = { authorization: `Bearer ${t.key}` };
    const created = await create(t, bearer);
    expect(created.statusCode, created.body).toBe(200);
    const listed = await h.inject({ url: `${PATH}/sessions`, headers: bearer });
    expect(listed.statusCode, listed.body).toBe(200);
    expect(json<{ data: unknown[] }>(listed).data).toHaveLength(1);
  });

  it('is refused 401 when unknown, malformed or revoked, and x-api-key wins over it', async () => {
    const t = await makeTenant(h);
    for (const token of [`dpk_${'0'.repeat(40)}`, 'dpk_short', 'garbage']) {
      expectError(await create(t, { authorization: `Bearer ${token}` }), 401, 'unauthorized');
    }
    // A member's login token is no API key.
    expectError(await create(t, t.owner.auth), 401, 'unauthorized');
    // Both sent: the x-api-key header is the credential.
    const both = { 'x-api-key': `dpk_${'0'.repeat(40)}`, authorization: `Bearer ${t.key}` };
    expectError(await create(t, both), 401, 'unauthorized');
    const revoke = await h.inject({
      method: 'PATCH',
      url: PATH,
      headers: t.owner.auth,
      payload: { id: t.keyId, org_id: t.org.id, is_active: false },
    });
    expect(revoke.statusCode, revoke.body).toBe(200);
    expectError(await create(t, { authorization: `Bearer ${t.key}` }), 401, 'unauthorized');
  });

  it('shares the rate limit and the audit trail with x-api-key', async () => {
    (h.clock as ManualClock).set(START);
    const t = await makeTenant(h, { perMinute: 2 });
    const bearer = { authorization: `Bearer ${t.key}` };
    expect((await create(t, t.keyHeaders)).statusCode).toBe(200);
    expect((await create(t, bearer)).statusCode).toBe(200);
    const limited = await create(t, bearer);
    expectError(limited, 429, 'rate_limited');
    expect(limited.headers['retry-after']).toBeDefined();

    const usage = await h.inject({
      url: `${PATH}/usage?org_id=${t.org.id}&key_id=${t.keyId}`,
      headers: t.owner.auth,
    });
    expect(usage.statusCode, usage.body).toBe(200);
    const rows = json<{ data: { action: string; outcome: string; count: number }[] }>(usage).data;
    const summary = rows.map((r) => `${r.action} ${r.outcome} ${r.count}`).sort();
    expect(summary).toEqual([
      'create-session rate_limited 1',
      'create-session success 1',
      'create-session success 1',
    ]);
  });
});
