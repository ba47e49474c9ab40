import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeUser, type TestUser } from '../../../test/factories.ts';
import { createHarness, expectError, type Harness, json } from '../../../test/harness.ts';

interface Created {
  id: number;
  name: string;
  slug: string;
  plan_tier: string;
  role: string;
}

interface Me {
  organizations: { id: number; role: string }[];
}

// A small real limit: a user may create 3 organizations a day.
const PER_USER = 3;

let h: Harness;

beforeAll(async () => {
  h = await createHarness({
    config: {
      defaultOrgTier: 'Pro',
      orgCreationPerUser: { limit: PER_USER, windowSeconds: 86_400 },
    },
  });
});

afterAll(async () => {
  await h?.close();
});

const create = (by: TestUser | undefined, payload: unknown) =>
  h.inject({
    method: 'POST',
    url: '/api/organizations',
    headers: by?.auth ?? {},
    payload: payload as object,
  });

const me = async (user: TestUser) =>
  json<{ data: Me }>(await h.inject({ method: 'GET', url: '/api/auth/me', headers: user.auth }))
    .data;

describe('POST /api/organizations', () => {
  it('lets a user without an organization create one and become its Owner', async () => {
    const user = await makeUser(h);
    expect((await me(user)).organizations).toEqual([]);
    const response = await create(user, { name: '  Lucky Star Casino  ' });
    expect(response.statusCode, response.body).toBe(201);
    const org = json<{ success: true; data: Created }>(response).data;
    expect(org).toMatchObject({ name: 'Lucky Star Casino', plan_tier: 'Pro', role: 'Owner' });
    expect(org.slug).toMatch(/^lucky-star-casino/);
    expect((await me(user)).organizations).toEqual([
      expect.objectContaining({ id: org.id, role: 'Owner' }),
    ]);
    // The Owner manages it at once: its member list shows them.
    const members = await h.inject({
      method: 'GET',
      url: `/api/organizations/${org.id}/members`,
      headers: user.auth,
    });
    expect(members.statusCode).toBe(200);
  });

  it('gives a second organization of the same name a slug of its own', async () => {
    const user = await makeUser(h);
    const first = json<{ data: Created }>(await create(user, { name: 'Twin Rivers' })).data;
    const second = json<{ data: Created }>(await create(user, { name: 'Twin Rivers' })).data;
    expect(second.id).not.toBe(first.id);
    expect(second.slug).not.toBe(first.slug);
    expect((await me(user)).organizations.map((o) => o.id).sort()).toEqual(
      [first.id, second.id].sort(),
    );
  });

  it('refuses a caller without a login token with 401', async () => {
    expectError(await create(undefined, { name: 'Nobody' }), 401, 'unauthorized');
  });

  it('refuses a missing, empty, overlong or extra-field body with 400', async () => {
    const user = await makeUser(h);
    for (const payload of [
      {},
      { name: '' },
      { name: '   ' },
      { name: 'x'.repeat(201) },
      { name: 'A', plan_tier: 'Enterprise' },
      { name: 7 },
    ]) {
      expectError(await create(user, payload), 400, 'validation_failed');
    }
    expect((await me(user)).organizations).toEqual([]);
  });

  it('answers 429 with retry_after once a user has created their allowance, and counts per user', async () => {
    const user = await makeUser(h);
    for (let i = 0; i < PER_USER; i++) {
      expect((await create(user, { name: `Burst ${i}` })).statusCode).toBe(201);
    }
    const refused = expectError(await create(user, { name: 'One too many' }), 429, 'rate_limited');
    expect(refused.retry_after).toBeGreaterThan(0);
    expect((await me(user)).organizations).toHaveLength(PER_USER);
    // Another user's allowance is their own.
    const other = await makeUser(h);
    expect((await create(other, { name: 'Unaffected' })).statusCode).toBe(201);
  });
});
