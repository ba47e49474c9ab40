import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTenant, makeUser, type Tenant, type TestUser } from '../../../test/factories.ts';
import { createHarness, type Harness, json, expectError } from '../../../test/harness.ts';
import type { Role } from '../organizations/index.ts';

interface MemberJson {
  user_id: number | null;
  invitation_id: string | null;
  name: string | null;
  email: string;
  role: string;
  status: string;
  joined_at: string | null;
  expires_at: string | null;
}

let h: Harness;

beforeAll(async () => {
  h = await createHarness();
});

afterAll(async () => {
  await h?.close();
});

const list = (orgId: number, by: TestUser) =>
  h.inject({ method: 'GET', url: `/api/organizations/${orgId}/members`, headers: by.auth });
const setRole = (orgId: number, userId: number, role: string, by: TestUser) =>
  h.inject({
    method: 'PATCH',
    url: `/api/organizations/${orgId}/members/${userId}`,
    headers: by.auth,
    payload: { role },
  });
const remove = (orgId: number, userId: number, by: TestUser) =>
  h.inject({
    method: 'DELETE',
    url: `/api/organizations/${orgId}/members/${userId}`,
    headers: by.auth,
  });

async function roleOf(t: Tenant, userId: number): Promise<string | undefined> {
  const rows = json<{ data: MemberJson[] }>(await list(t.org.id, t.owner)).data;
  return rows.find((r) => r.user_id === userId)?.role;
}

async function expectRole(t: Tenant, userId: number, role: string, by: TestUser) {
  const response = await setRole(t.org.id, userId, role, by);
  expect(response.statusCode, response.body).toBe(200);
  expect(json<{ data: MemberJson }>(response).data).toMatchObject({ user_id: userId, role });
  expect(await roleOf(t, userId)).toBe(role);
}

const member = (t: Tenant, role: Role) => makeUser(h, t.org.id, role);

describe('GET /api/organizations/:orgId/members', () => {
  it('lists every member with name, email, role, status and joining time, to any member', async () => {
    const t = await makeTenant(h);
    const viewer = await member(t, 'Viewer');
    const response = await list(t.org.id, viewer);
    expect(response.statusCode, response.body).toBe(200);
    const rows = json<{ success: boolean; data: MemberJson[] }>(response).data;
    expect(rows).toEqual([
      {
        user_id: t.owner.id,
        invitation_id: null,
        name: null,
        email: t.owner.email,
        role: 'Owner',
        status: 'Active',
        joined_at: expect.any(String) as string,
        expires_at: null,
      },
      expect.objectContaining({ user_id: viewer.id, role: 'Viewer', status: 'Active' }),
    ]);
  });
});

describe('PATCH /api/organizations/:orgId/members/:userId', () => {
  it('lets an Owner give any role, Owner included (several Owners are allowed)', async () => {
    const t = await makeTenant(h);
    const target = await member(t, 'Viewer');
    for (const role of ['Analyst', 'Editor', 'Admin', 'Owner'] as const) {
      await expectRole(t, target.id, role, t.owner);
    }
  });

  it('lets an Admin assign roles up to Admin', async () => {
    const t = await makeTenant(h);
    const admin = await member(t, 'Admin');
    const target = await member(t, 'Viewer');
    await expectRole(t, target.id, 'Admin', admin);
    await expectRole(t, target.id, 'Analyst', admin);
  });

  it('answers 403 to an Admin making someone Owner', async () => {
    const t = await makeTenant(h);
    const admin = await member(t, 'Admin');
    const target = await member(t, 'Editor');
    const body = expectError(await setRole(t.org.id, target.id, 'Owner', admin), 403, 'forbidden');
    expect(body.error).toBe('Admins cannot make someone Owner');
    expect(await roleOf(t, target.id)).toBe('Editor');
  });

  it("answers 403 to an Admin changing an Owner's role", async () => {
    const t = await makeTenant(h);
    const admin = await member(t, 'Admin');
    expectError(await setRole(t.org.id, t.owner.id, 'Viewer', admin), 403, 'forbidden');
    expect(await roleOf(t, t.owner.id)).toBe('Owner');
  });

  it.each(['Admin', 'Editor', 'Viewer'] as const)(
    'answers 403 to an %s changing their own role',
    async (role) => {
      const t = await makeTenant(h);
      const actor = await member(t, role);
      const body = expectError(
        await setRole(t.org.id, actor.id, 'Viewer', actor),
        403,
        'forbidden',
      );
      expect(body.error).toContain('your own role');
      expect(await roleOf(t, actor.id)).toBe(role);
    },
  );

  it('lets an Owner step down while another Owner remains', async () => {
    const t = await makeTenant(h);
    const second = await member(t, 'Owner');
    await expectRole(t, t.owner.id, 'Admin', t.owner);
    expect(await roleOf(t, second.id)).toBe('Owner');
  });

  it('answers 409 to the last Owner stepping down', async () => {
    const t = await makeTenant(h);
    const body = expectError(
      await setRole(t.org.id, t.owner.id, 'Admin', t.owner),
      409,
      'conflict',
    );
    expect(body.error).toContain('at least one Owner');
    expect(await roleOf(t, t.owner.id)).toBe('Owner');
  });

  it('keeps one Owner when two Owners demote each other at the same time', async () => {
    const t = await makeTenant(h);
    const second = await member(t, 'Owner');
    const [a, b] = await Promise.all([
      setRole(t.org.id, second.id, 'Admin', t.owner),
      setRole(t.org.id, t.owner.id, 'Admin', second),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 403]);
    const rows = json<{ data: MemberJson[] }>(await list(t.org.id, second)).data;
    expect(rows.filter((r) => r.role === 'Owner')).toHaveLength(1);
  });

  it('keeps one Owner when two Owners step down at the same time', async () => {
    const t = await makeTenant(h);
    const second = await member(t, 'Owner');
    const [a, b] = await Promise.all([
      setRole(t.org.id, t.owner.id, 'Editor', t.owner),
      setRole(t.org.id, second.id, 'Editor', second),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const rows = json<{ data: MemberJson[] }>(await list(t.org.id, second)).data;
    expect(rows.filter((r) => r.role === 'Owner')).toHaveLength(1);
  });

  it('answers 404 for a user who is not a member, and 400 for an unknown role', async () => {
    const t = await makeTenant(h);
    const outsider = await makeUser(h);
    expectError(await setRole(t.org.id, outsider.id, 'Viewer', t.owner), 404, 'not_found');
    const target = await member(t, 'Viewer');
    expectError(await setRole(t.org.id, target.id, 'Superuser', t.owner), 400, 'validation_failed');
    expectError(await setRole(t.org.id, target.id, 'owner', t.owner), 400, 'validation_failed');
  });
});

describe('DELETE /api/organizations/:orgId/members/:userId', () => {
  it('lets an Admin remove an Editor, who loses access at once', async () => {
    const t = await makeTenant(h);
    const admin = await member(t, 'Admin');
    const editor = await member(t, 'Editor');
    const response = await remove(t.org.id, editor.id, admin);
    expect(response.statusCode, response.body).toBe(200);
    expect(json(response)).toEqual({
      success: true,
      data: { revoked_invitation_ids: [], keys_created: { api_keys: [], property_keys: [] } },
    });
    expectError(await list(t.org.id, editor), 404, 'not_found');
    expect(await roleOf(t, editor.id)).toBeUndefined();
  });

  it('answers 403 to an Admin removing an Owner', async () => {
    const t = await makeTenant(h);
    const admin = await member(t, 'Admin');
    expectError(await remove(t.org.id, t.owner.id, admin), 403, 'forbidden');
    expect(await roleOf(t, t.owner.id)).toBe('Owner');
  });

  it('lets any member leave', async () => {
    const t = await makeTenant(h);
    const viewer = await member(t, 'Viewer');
    expect((await remove(t.org.id, viewer.id, viewer)).statusCode).toBe(200);
    expectError(await list(t.org.id, viewer), 404, 'not_found');
  });

  it('lets an Owner remove another Owner', async () => {
    const t = await makeTenant(h);
    const second = await member(t, 'Owner');
    expect((await remove(t.org.id, second.id, t.owner)).statusCode).toBe(200);
  });

  it('answers 409 to the last Owner leaving', async () => {
    const t = await makeTenant(h);
    await member(t, 'Admin');
    const body = expectError(await remove(t.org.id, t.owner.id, t.owner), 409, 'conflict');
    expect(body.error).toContain('last Owner');
    expect(await roleOf(t, t.owner.id)).toBe('Owner');
  });

  it('keeps one Owner when two Owners leave at the same time', async () => {
    const t = await makeTenant(h);
    const second = await member(t, 'Owner');
    const [a, b] = await Promise.all([
      remove(t.org.id, t.owner.id, t.owner),
      remove(t.org.id, second.id, second),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
  });
});
