import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePropertyTenant, makeUser, unique } from '../../../test/factories.ts';
import { createHarness, errorBody, type Harness, json } from '../../../test/harness.ts';
import { addMember, createOrganization } from '../organizations/index.ts';

const PATH = '/api/properties';

interface PropertyJson {
  id: string;
  org_id: number;
  name: string;
  timezone: string;
  created_at: string;
  role?: string;
}

let h: Harness;

beforeAll(async () => {
  h = await createHarness();
});

afterAll(async () => {
  await h.close();
});

function create(auth: { authorization: string } | undefined, payload: object) {
  return h.inject({ method: 'POST', url: PATH, headers: auth ?? {}, payload });
}

function list(auth: { authorization: string } | undefined, query: Record<string, string> = {}) {
  return h.inject({ method: 'GET', url: PATH, headers: auth ?? {}, query });
}

describe('POST /api/properties', () => {
  it('creates a property with a UUID id and a canonical time zone', async () => {
    const t = await makePropertyTenant(h);
    const response = await create(t.owner.auth, {
      org_id: t.org.id,
      name: '  Riverside Casino ',
      timezone: 'america/chicago',
    });
    expect(response.statusCode).toBe(200);
    const { success, data } = json<{ success: true; data: PropertyJson }>(response);
    expect(success).toBe(true);
    expect(data).toMatchObject({
      org_id: t.org.id,
      name: 'Riverside Casino',
      timezone: 'America/Chicago',
    });
    expect(data.id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(Object.keys(data).sort()).toEqual(['created_at', 'id', 'name', 'org_id', 'timezone']);
  });

  it('defaults the time zone to UTC', async () => {
    const t = await makePropertyTenant(h);
    const response = await create(t.owner.auth, { org_id: t.org.id, name: 'Harbor' });
    expect(response.statusCode).toBe(200);
    expect(json<{ data: PropertyJson }>(response).data.timezone).toBe('UTC');
  });

  it.each([
    [{ name: 'No org' }, 'org_id'],
    [{ org_id: 1 }, 'name'],
    [{ org_id: 1, name: '' }, 'name'],
    [{ org_id: 1, name: 'x'.repeat(201) }, 'name'],
    [{ org_id: '1', name: 'String id' }, 'org_id'],
    [{ org_id: 1, name: 'x', tenant: 2 }, 'tenant'],
  ])('answers 400 to the malformed body %j', async (payload, field) => {
    const t = await makePropertyTenant(h);
    const response = await create(t.owner.auth, payload);
    expect(response.statusCode).toBe(400);
    expect(errorBody(response).error).toContain(field);
  });

  it('answers 400 to a blank name and to an unknown time zone', async () => {
    const t = await makePropertyTenant(h);
    const blank = await create(t.owner.auth, { org_id: t.org.id, name: '   ' });
    const zone = await create(t.owner.auth, {
      org_id: t.org.id,
      name: 'Zoned',
      timezone: 'Mars/Olympus_Mons',
    });
    expect(blank.statusCode).toBe(400);
    expect(zone.statusCode).toBe(400);
    expect(errorBody(zone).error).toContain('timezone');
  });
});

describe('GET /api/properties', () => {
  it("lists the properties of every organization the user belongs to, with the user's role", async () => {
    const a = await makePropertyTenant(h);
    const b = await makePropertyTenant(h);
    const stranger = await makePropertyTenant(h);
    const user = await makeUser(h, a.org.id, 'Viewer');
    await addMember(h.deps, b.org.id, user.id, 'Editor');
    const response = await list(user.auth);
    expect(response.statusCode).toBe(200);
    const { data } = json<{ data: PropertyJson[] }>(response);
    expect(data.map((p) => [p.id, p.org_id, p.role])).toEqual([
      [a.property.id, a.org.id, 'Viewer'],
      [b.property.id, b.org.id, 'Editor'],
    ]);
    expect(data.map((p) => p.id)).not.toContain(stranger.property.id);
  });

  it('filters by org_id, and an organization of someone else yields nothing', async () => {
    const a = await makePropertyTenant(h);
    const b = await makePropertyTenant(h);
    const own = await list(a.owner.auth, { org_id: String(a.org.id) });
    expect(json<{ data: PropertyJson[] }>(own).data.map((p) => p.id)).toEqual([a.property.id]);
    const foreign = await list(a.owner.auth, { org_id: String(b.org.id) });
    expect(foreign.statusCode).toBe(200);
    expect(json<{ data: PropertyJson[] }>(foreign).data).toEqual([]);
  });

  it('returns an empty list to a user of an organization without properties', async () => {
    const org = await createOrganization(h.deps, { name: unique('Empty'), slug: unique('empty') });
    const user = await makeUser(h, org.id, 'Owner');
    const response = await list(user.auth);
    expect(json<{ success: boolean; data: unknown[] }>(response)).toEqual({
      success: true,
      data: [],
    });
  });
});
