import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTenant, makeUser, type Tenant } from '../../../test/factories.ts';
import { createHarness, errorBody, type Harness, json } from '../../../test/harness.ts';

// GET /api/sessions: the dashboard's session search, with a login instead of a dpk_ key.

interface Listed {
  session_id: number;
  token: string | null;
  status: string;
  game_id: number | null;
  external_ref: string | null;
}

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
});

async function createSession(t: Tenant, body: Record<string, unknown>): Promise<string> {
  const response = await h.inject({
    method: 'POST',
    url: '/api/org-api-keys?action=create-session',
    headers: t.keyHeaders,
    payload: body,
  });
  expect(response.statusCode, response.body).toBe(200);
  return json<{ data: { token: string } }>(response).data.token;
}

const list = (auth: Record<string, string>, query: string) =>
  h.inject({ method: 'GET', url: `/api/sessions?${query}`, headers: auth });

async function listed(auth: Record<string, string>, query: string) {
  const response = await list(auth, query);
  expect(response.statusCode, response.body).toBe(200);
  return json<{ data: Listed[]; next_cursor: number | null }>(response);
}

describe('GET /api/sessions (members)', () => {
  it('lists the organization’s sessions newest first, filtered and paged, tokens to Admins and up only', async () => {
    const t = await makeTenant(h);
    const first = await createSession(t, { game_id: t.gameIds[0], external_ref: 'order-1' });
    const second = await createSession(t, { game_id: t.gameIds[1], external_ref: 'order-2' });
    const consumed = await h.inject({
      method: 'POST',
      url: '/api/org-api-keys?action=consume-session',
      payload: { token: first },
    });
    expect(consumed.statusCode, consumed.body).toBe(200);

    const all = await listed(t.owner.auth, `org_id=${t.org.id}`);
    expect(all.data.map((s) => [s.external_ref, s.status, s.token])).toEqual([
      ['order-2', 'active', second],
      ['order-1', 'consumed', first],
    ]);
    expect((await listed(t.owner.auth, `org_id=${t.org.id}&status=consumed`)).data).toHaveLength(1);
    const byRef = await listed(t.owner.auth, `org_id=${t.org.id}&external_ref=order-2`);
    expect(byRef.data.map((s) => s.game_id)).toEqual([t.gameIds[1]]);
    const page = await listed(t.owner.auth, `org_id=${t.org.id}&limit=1`);
    expect(page.data.map((s) => s.external_ref)).toEqual(['order-2']);
    const next = await listed(
      t.owner.auth,
      `org_id=${t.org.id}&limit=1&cursor=${page.next_cursor}`,
    );
    expect(next.data.map((s) => s.external_ref)).toEqual(['order-1']);

    const admin = await makeUser(h, t.org.id, 'Admin');
    expect((await listed(admin.auth, `org_id=${t.org.id}`)).data[0]?.token).toBe(second);
    // An Analyst sees every field but the token, which would open the game.
    const analyst = await makeUser(h, t.org.id, 'Analyst');
    const seen = await listed(analyst.auth, `org_id=${t.org.id}`);
    expect(seen.data.map((s) => [s.external_ref, s.token])).toEqual([
      ['order-2', null],
      ['order-1', null],
    ]);
    expect(JSON.stringify(seen)).not.toContain(second);
  });

  it('refuses bad filters with 400, no login with 401, a Viewer with 403', async () => {
    const t = await makeTenant(h);
    for (const query of [
      `org_id=${t.org.id}&status=finished`,
      `org_id=${t.org.id}&limit=0`,
      `org_id=${t.org.id}&cursor=abc`,
      'status=active',
    ]) {
      const response = await list(t.owner.auth, query);
      expect(response.statusCode, query).toBe(400);
      expect(errorBody(response).code, query).toBe('validation_failed');
    }
    expect((await list({}, `org_id=${t.org.id}`)).statusCode).toBe(401);
    // A dpk_ key is not a login here (keys have their own list-sessions).
    expect((await list(t.keyHeaders, `org_id=${t.org.id}`)).statusCode).toBe(401);
    const viewer = await makeUser(h, t.org.id, 'Viewer');
    const refused = await list(viewer.auth, `org_id=${t.org.id}`);
    expect(refused.statusCode).toBe(403);
    expect(errorBody(refused).code).toBe('forbidden');
  });

  it('answers 404 for another organization and never lists its sessions', async () => {
    const a = await makeTenant(h);
    const b = await makeTenant(h);
    await createSession(b, { game_id: b.gameIds[0], external_ref: 'b-only' });
    const response = await list(a.owner.auth, `org_id=${b.org.id}`);
    expect(response.statusCode).toBe(404);
    expect(errorBody(response).code).toBe('not_found');
    const own = await listed(a.owner.auth, `org_id=${a.org.id}`);
    expect(own.data.map((s) => s.external_ref)).not.toContain('b-only');
  });
});
