import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTenant, makeUser, type Tenant, unique } from '../../../test/factories.ts';
import { createHarness, type Harness, json, expectError } from '../../../test/harness.ts';

const PATH = '/api/org-api-keys';
const KEY_FORMAT = /^dpk_[0-9a-f]{40}$/;
/** Exactly the fields of the documented ApiKey object: never `key` or `key_hash`. */
const API_KEY_FIELDS = [
  'allowed_game_ids',
  'allowed_stream_ids',
  'created_at',
  'created_by',
  'description',
  'expires_at',
  'id',
  'is_active',
  'key_prefix',
  'last_used_at',
  'name',
  'org_id',
  'rate_limit_per_day',
  'rate_limit_per_minute',
];

interface ApiKeyJson {
  id: number;
  org_id: number;
  name: string;
  description: string | null;
  key_prefix: string;
  is_active: boolean;
  allowed_game_ids: number[] | null;
  allowed_stream_ids: number[] | null;
  rate_limit_per_minute: number;
  rate_limit_per_day: number;
  expires_at: string | null;
  created_at: string;
  last_used_at: string | null;
}

interface UsageJson {
  id: number;
  api_key_id: number | null;
  key_prefix: string;
  action: string;
  outcome: string;
  status_code: number;
  client_ip: string | null;
  created_at: string;
}

type Auth = { authorization: string };

let h: Harness;

beforeAll(async () => {
  h = await createHarness();
});

afterAll(async () => {
  await h.close();
});

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

function listKeys(auth: Auth, orgId: number) {
  return h.inject({ method: 'GET', url: `${PATH}?org_id=${orgId}`, headers: auth });
}

async function keysOf(t: Tenant): Promise<ApiKeyJson[]> {
  const response = await listKeys(t.owner.auth, t.org.id);
  expect(response.statusCode, response.body).toBe(200);
  return json<{ data: ApiKeyJson[] }>(response).data;
}

function postKey(auth: Auth, payload: Record<string, unknown>) {
  return h.inject({ method: 'POST', url: PATH, headers: auth, payload });
}

async function createKey(
  t: Tenant,
  fields: Record<string, unknown> = {},
): Promise<ApiKeyJson & { key: string }> {
  const response = await postKey(t.owner.auth, {
    org_id: t.org.id,
    name: unique('Key'),
    ...fields,
  });
  expect(response.statusCode, response.body).toBe(200);
  return json<{ data: ApiKeyJson & { key: string } }>(response).data;
}

function patchKey(auth: Auth, payload: Record<string, unknown>) {
  return h.inject({ method: 'PATCH', url: PATH, headers: auth, payload });
}

function deleteKey(auth: Auth, orgId: number, keyId: number) {
  return h.inject({ method: 'DELETE', url: `${PATH}?id=${keyId}&org_id=${orgId}`, headers: auth });
}

function usage(auth: Auth, query: string) {
  return h.inject({ method: 'GET', url: `${PATH}/usage?${query}`, headers: auth });
}

async function usageOf(t: Tenant, query = ''): Promise<UsageJson[]> {
  const response = await usage(t.owner.auth, `org_id=${t.org.id}${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return json<{ data: UsageJson[] }>(response).data;
}

function createSession(key: string, gameId: number) {
  return h.inject({
    method: 'POST',
    url: `${PATH}?action=create-session`,
    headers: { 'x-api-key': key },
    payload: { game_id: gameId },
  });
}

async function sessionToken(key: string, gameId: number): Promise<string> {
  const response = await createSession(key, gameId);
  expect(response.statusCode, response.body).toBe(200);
  return json<{ data: { token: string } }>(response).data.token;
}

function validateSession(token: string) {
  return h.inject({ method: 'GET', url: `${PATH}?action=validate-session&token=${token}` });
}

function consumeSession(token: string) {
  return h.inject({ method: 'POST', url: `${PATH}?action=consume-session`, payload: { token } });
}

describe('POST /api/org-api-keys', () => {
  it('creates a key and returns id, name, key_prefix and the dpk_ key once', async () => {
    const t = await makeTenant(h);
    const response = await postKey(t.owner.auth, { org_id: t.org.id, name: 'Production CRM' });
    expect(response.statusCode, response.body).toBe(200);
    const body = json<{ success: boolean; data: ApiKeyJson & { key: string } }>(response);
    expect(body.success).toBe(true);
    expect(body.data.id).toEqual(expect.any(Number));
    expect(body.data.name).toBe('Production CRM');
    expect(body.data.key).toMatch(KEY_FORMAT);
    expect(body.data.key_prefix).toBe(body.data.key.slice(0, 8));
    expect(body.data).not.toHaveProperty('key_hash');
  });

  it('stores every documented setting and applies the default limits when omitted', async () => {
    const t = await makeTenant(h);
    const expiresAt = new Date(h.clock.now().getTime() + 365 * 86_400_000);
    const scoped = await createKey(t, {
      name: 'Scoped',
      description: 'Used by the CRM to issue game links',
      allowed_game_ids: [t.gameIds[0], t.gameIds[1]],
      allowed_stream_ids: [t.streamId],
      rate_limit_per_minute: 30,
      rate_limit_per_day: 5000,
      expires_at: expiresAt.toISOString(),
    });
    expect(scoped).toMatchObject({
      org_id: t.org.id,
      name: 'Scoped',
      description: 'Used by the CRM to issue game links',
      is_active: true,
      allowed_game_ids: [t.gameIds[0], t.gameIds[1]],
      allowed_stream_ids: [t.streamId],
      rate_limit_per_minute: 30,
      rate_limit_per_day: 5000,
      expires_at: expiresAt.toISOString(),
      last_used_at: null,
    });
    const plain = await createKey(t);
    expect(plain).toMatchObject({
      description: null,
      allowed_game_ids: null,
      allowed_stream_ids: null,
      rate_limit_per_minute: 60,
      rate_limit_per_day: 10_000,
      expires_at: null,
    });
  });

  it('issues a key that creates sessions at once', async () => {
    const t = await makeTenant(h);
    const created = await createKey(t);
    const response = await createSession(created.key, t.gameIds[0]);
    expect(response.statusCode, response.body).toBe(200);
  });

  it('stores only the SHA-256 of the key, never the key itself', async () => {
    const t = await makeTenant(h);
    const created = await createKey(t);
    const row = await h.deps.database.db
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(row.key_hash).toBe(sha256(created.key));
    expect(row.key_prefix).toBe(created.key.slice(0, 8));
    // The 40 secret hex digits appear in no column.
    for (const value of Object.values(row)) {
      expect(JSON.stringify(value) ?? '').not.toContain(created.key.slice(4));
    }
  });

  it('never writes the key to the server logs', async () => {
    const t = await makeTenant(h);
    const created = await createKey(t);
    await createSession(created.key, t.gameIds[0]);
    expect(h.logs()).not.toContain(created.key.slice(4));
  });

  it('rejects a body without name with 400', async () => {
    const t = await makeTenant(h);
    const body = expectError(
      await postKey(t.owner.auth, { org_id: t.org.id }),
      400,
      'validation_failed',
    );
    expect(body.error).toContain('name');
  });

  it('rejects a body without org_id with 400', async () => {
    const t = await makeTenant(h);
    const body = expectError(
      await postKey(t.owner.auth, { name: 'No org' }),
      400,
      'validation_failed',
    );
    expect(body.error).toContain('org_id');
  });

  it('rejects a blank name with 400', async () => {
    const t = await makeTenant(h);
    expectError(
      await postKey(t.owner.auth, { org_id: t.org.id, name: '   ' }),
      400,
      'validation_failed',
    );
  });

  it('rejects a game id of another organization in allowed_game_ids with 400', async () => {
    const t = await makeTenant(h);
    const other = await makeTenant(h);
    const body = expectError(
      await postKey(t.owner.auth, {
        org_id: t.org.id,
        name: 'Scoped',
        allowed_game_ids: [t.gameIds[0], other.gameIds[0]],
      }),
      400,
      'validation_failed',
    );
    expect(body.error).toContain(String(other.gameIds[0]));
    expect(await keysOf(t)).toHaveLength(1);
  });

  it('rejects an unknown stream id in allowed_stream_ids with 400', async () => {
    const t = await makeTenant(h);
    expectError(
      await postKey(t.owner.auth, {
        org_id: t.org.id,
        name: 'Scoped',
        allowed_stream_ids: [2_147_483_647],
      }),
      400,
      'validation_failed',
    );
  });

  it.each<[string, Record<string, unknown>]>([
    ['an object as name', { name: { text: 'x' } }],
    ['a word as org_id', { org_id: 'acme' }],
    ['a word in allowed_game_ids', { allowed_game_ids: ['first'] }],
    ['an object as allowed_stream_ids', { allowed_stream_ids: { id: 1 } }],
    ['a zero rate_limit_per_minute', { rate_limit_per_minute: 0 }],
    ['a fractional rate_limit_per_day', { rate_limit_per_day: 1.5 }],
    ['a word as rate_limit_per_minute', { rate_limit_per_minute: 'fast' }],
    ['a non-date expires_at', { expires_at: 'tomorrow' }],
    ['a name of 201 characters', { name: 'x'.repeat(201) }],
  ])('rejects %s with 400', async (_label, fields) => {
    const t = await makeTenant(h);
    expectError(
      await postKey(t.owner.auth, { org_id: t.org.id, name: 'Typed', ...fields }),
      400,
      'validation_failed',
    );
    expect(await keysOf(t)).toHaveLength(1);
  });

  it.each<[string, (t: Tenant) => Record<string, unknown>]>([
    ['true as org_id', () => ({ org_id: true })],
    ['a number as name', () => ({ name: 123 })],
    ['a bare game id as allowed_game_ids', (t) => ({ allowed_game_ids: t.gameIds[0] })],
  ])('rejects %s with 400 instead of coercing it', async (_label, fields) => {
    const t = await makeTenant(h);
    expectError(
      await postKey(t.owner.auth, { org_id: t.org.id, name: 'Typed', ...fields(t) }),
      400,
      'validation_failed',
    );
    expect(await keysOf(t)).toHaveLength(1);
  });

  it('rejects malformed JSON with 400', async () => {
    const t = await makeTenant(h);
    const response = await h.inject({
      method: 'POST',
      url: PATH,
      headers: { ...t.owner.auth, 'content-type': 'application/json' },
      payload: `{"org_id": ${t.org.id}, "name": `,
    });
    expectError(response, 400, 'invalid_json');
  });

  it('refuses a Free-tier organization with 403 plan_required', async () => {
    const t = await makeTenant(h, { tier: 'Free' });
    expectError(
      await postKey(t.owner.auth, { org_id: t.org.id, name: 'Too cheap' }),
      403,
      'plan_required',
    );
    expect(await keysOf(t)).toHaveLength(1);
  });
});

describe('GET /api/org-api-keys', () => {
  it('lists the documented ApiKey fields and never the key or its hash', async () => {
    const t = await makeTenant(h);
    const created = await createKey(t, { allowed_game_ids: [t.gameIds[0]] });
    const response = await listKeys(t.owner.auth, t.org.id);
    expect(response.statusCode).toBe(200);
    const body = json<{ success: boolean; data: ApiKeyJson[] }>(response);
    expect(body.success).toBe(true);
    expect(body.data.map((key) => key.id)).toEqual([t.keyId, created.id]);
    for (const key of body.data) expect(Object.keys(key).sort()).toEqual(API_KEY_FIELDS);
    const { key: _secret, ...stored } = created;
    expect(body.data[1]).toEqual(stored);
    expect(response.body).not.toContain(created.key.slice(4));
    expect(response.body).not.toContain(t.key.slice(4));
    expect(response.body).not.toContain(sha256(created.key));
  });

  it("lists only the organization's own keys", async () => {
    const t = await makeTenant(h);
    const other = await makeTenant(h);
    const keys = await keysOf(t);
    expect(keys.map((key) => key.id)).toEqual([t.keyId]);
    expect(keys.map((key) => key.id)).not.toContain(other.keyId);
  });

  it('rejects a request without org_id with 400', async () => {
    const t = await makeTenant(h);
    expectError(
      await h.inject({ method: 'GET', url: PATH, headers: t.owner.auth }),
      400,
      'validation_failed',
    );
  });

  it('rejects a non-numeric org_id with 400', async () => {
    const t = await makeTenant(h);
    expectError(await listKeys(t.owner.auth, Number.NaN), 400, 'validation_failed');
  });
});

describe('PATCH /api/org-api-keys', () => {
  it('updates the name, scope and limits and returns the key without its secret', async () => {
    const t = await makeTenant(h);
    const response = await patchKey(t.owner.auth, {
      id: t.keyId,
      org_id: t.org.id,
      name: 'Renamed',
      description: 'Now scoped',
      allowed_game_ids: [t.gameIds[1]],
      allowed_stream_ids: [t.otherStreamId],
      rate_limit_per_minute: 5,
      rate_limit_per_day: 50,
    });
    expect(response.statusCode, response.body).toBe(200);
    const data = json<{ data: ApiKeyJson }>(response).data;
    expect(Object.keys(data).sort()).toEqual(API_KEY_FIELDS);
    expect(data).toMatchObject({
      id: t.keyId,
      name: 'Renamed',
      description: 'Now scoped',
      is_active: true,
      allowed_game_ids: [t.gameIds[1]],
      allowed_stream_ids: [t.otherStreamId],
      rate_limit_per_minute: 5,
      rate_limit_per_day: 50,
    });
    expect((await keysOf(t))[0]).toEqual(data);
  });

  it('applies a narrowed scope to the next request at once', async () => {
    const t = await makeTenant(h);
    expect((await createSession(t.key, t.gameIds[0])).statusCode).toBe(200);
    await patchKey(t.owner.auth, {
      id: t.keyId,
      org_id: t.org.id,
      allowed_game_ids: [t.gameIds[1]],
    });
    expectError(await createSession(t.key, t.gameIds[0]), 403, 'forbidden');
    expect((await createSession(t.key, t.gameIds[1])).statusCode).toBe(200);
  });

  it('revokes the key with is_active false: create-session answers 401 at once', async () => {
    const t = await makeTenant(h);
    expect((await createSession(t.key, t.gameIds[0])).statusCode).toBe(200);
    const response = await patchKey(t.owner.auth, {
      id: t.keyId,
      org_id: t.org.id,
      is_active: false,
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(json<{ data: ApiKeyJson }>(response).data.is_active).toBe(false);
    expectError(await createSession(t.key, t.gameIds[0]), 401, 'unauthorized');
  });

  it('reactivates a revoked key with is_active true', async () => {
    const t = await makeTenant(h);
    await patchKey(t.owner.auth, { id: t.keyId, org_id: t.org.id, is_active: false });
    expectError(await createSession(t.key, t.gameIds[0]), 401, 'unauthorized');
    const response = await patchKey(t.owner.auth, {
      id: t.keyId,
      org_id: t.org.id,
      is_active: true,
    });
    expect(json<{ data: ApiKeyJson }>(response).data.is_active).toBe(true);
    expect((await createSession(t.key, t.gameIds[0])).statusCode).toBe(200);
  });

  it('keeps sessions created before the revoke valid and consumable', async () => {
    const t = await makeTenant(h);
    const token = await sessionToken(t.key, t.gameIds[0]);
    await patchKey(t.owner.auth, { id: t.keyId, org_id: t.org.id, is_active: false });
    const validated = await validateSession(token);
    expect(validated.statusCode, validated.body).toBe(200);
    expect(json<{ data: { valid: boolean; status: string } }>(validated).data).toMatchObject({
      valid: true,
      status: 'active',
    });
    const consumed = await consumeSession(token);
    expect(consumed.statusCode, consumed.body).toBe(200);
    expect(json<{ data: { org_id: number; game_id: number } }>(consumed).data).toMatchObject({
      org_id: t.org.id,
      game_id: t.gameIds[0],
    });
  });

  it('refuses the key once expires_at is set in the past', async () => {
    const t = await makeTenant(h);
    const past = new Date(h.clock.now().getTime() - 60_000).toISOString();
    const response = await patchKey(t.owner.auth, {
      id: t.keyId,
      org_id: t.org.id,
      expires_at: past,
    });
    expect(response.statusCode, response.body).toBe(200);
    expectError(await createSession(t.key, t.gameIds[0]), 401, 'unauthorized');
  });

  it('returns 404 for a key id that does not exist', async () => {
    const t = await makeTenant(h);
    expectError(
      await patchKey(t.owner.auth, { id: 2_147_483_647, org_id: t.org.id, name: 'Ghost' }),
      404,
      'not_found',
    );
  });

  it('rejects an unknown game id in allowed_game_ids with 400 and changes nothing', async () => {
    const t = await makeTenant(h);
    const other = await makeTenant(h);
    expectError(
      await patchKey(t.owner.auth, {
        id: t.keyId,
        org_id: t.org.id,
        name: 'Renamed',
        allowed_game_ids: [other.gameIds[0]],
      }),
      400,
      'validation_failed',
    );
    expect((await keysOf(t))[0]).toMatchObject({ name: 'Test key', allowed_game_ids: null });
  });

  it.each<[string, Record<string, unknown>]>([
    ['a body without id', { id: undefined }],
    ['a body without org_id', { org_id: undefined }],
    ['a word as is_active', { is_active: 'maybe' }],
    ['an empty name', { name: '' }],
    ['a negative rate_limit_per_day', { rate_limit_per_day: -1 }],
  ])('rejects %s with 400', async (_label, fields) => {
    const t = await makeTenant(h);
    const payload = { id: t.keyId, org_id: t.org.id, ...fields };
    expectError(
      await patchKey(t.owner.auth, JSON.parse(JSON.stringify(payload)) as Record<string, unknown>),
      400,
      'validation_failed',
    );
    expect((await keysOf(t))[0]).toMatchObject({ name: 'Test key', is_active: true });
  });

  it('rejects the string "false" as is_active with 400 instead of revoking', async () => {
    const t = await makeTenant(h);
    expectError(
      await patchKey(t.owner.auth, { id: t.keyId, org_id: t.org.id, is_active: 'false' }),
      400,
      'validation_failed',
    );
    expect((await keysOf(t))[0]?.is_active).toBe(true);
  });

  it('rejects malformed JSON with 400', async () => {
    const t = await makeTenant(h);
    const response = await h.inject({
      method: 'PATCH',
      url: PATH,
      headers: { ...t.owner.auth, 'content-type': 'application/json' },
      payload: '{"id": 1, "is_active": fal',
    });
    expectError(response, 400, 'invalid_json');
  });
});

describe('DELETE /api/org-api-keys', () => {
  it('removes the record: the list no longer has it and the key answers 401', async () => {
    const t = await makeTenant(h);
    expect((await createSession(t.key, t.gameIds[0])).statusCode).toBe(200);
    const response = await deleteKey(t.owner.auth, t.org.id, t.keyId);
    expect(response.statusCode, response.body).toBe(200);
    expect(json(response)).toEqual({ success: true });
    expect(await keysOf(t)).toEqual([]);
    expectError(await createSession(t.key, t.gameIds[0]), 401, 'unauthorized');
    const row = await h.deps.database.db
      .selectFrom('api_keys')
      .select('id')
      .where('id', '=', t.keyId)
      .executeTakeFirst();
    expect(row).toBeUndefined();
  });

  it('keeps sessions the deleted key created valid and consumable', async () => {
    const t = await makeTenant(h);
    const token = await sessionToken(t.key, t.gameIds[0]);
    await deleteKey(t.owner.auth, t.org.id, t.keyId);
    const validated = await validateSession(token);
    expect(validated.statusCode, validated.body).toBe(200);
    expect(json<{ data: { valid: boolean } }>(validated).data.valid).toBe(true);
    const consumed = await consumeSession(token);
    expect(consumed.statusCode, consumed.body).toBe(200);
  });

  it('returns 404 when the key was already deleted', async () => {
    const t = await makeTenant(h);
    expect((await deleteKey(t.owner.auth, t.org.id, t.keyId)).statusCode).toBe(200);
    expectError(await deleteKey(t.owner.auth, t.org.id, t.keyId), 404, 'not_found');
  });

  it('rejects a request without id with 400', async () => {
    const t = await makeTenant(h);
    expectError(
      await h.inject({
        method: 'DELETE',
        url: `${PATH}?org_id=${t.org.id}`,
        headers: t.owner.auth,
      }),
      400,
      'validation_failed',
    );
    expect(await keysOf(t)).toHaveLength(1);
  });
});

describe('tenant isolation', () => {
  it("does not reveal another organization's key usage through key_id", async () => {
    const a = await makeTenant(h);
    const b = await makeTenant(h);
    expect((await createSession(b.key, b.gameIds[0])).statusCode).toBe(200);
    expect(await usageOf(a, `&key_id=${b.keyId}`)).toEqual([]);
    expect(await usageOf(b, `&key_id=${b.keyId}`)).toHaveLength(1);
  });

  it("rejects another organization's game in allowed_game_ids on update with 400", async () => {
    const a = await makeTenant(h);
    const b = await makeTenant(h);
    expectError(
      await patchKey(a.owner.auth, {
        id: a.keyId,
        org_id: a.org.id,
        allowed_game_ids: [b.gameIds[0]],
      }),
      400,
      'validation_failed',
    );
  });
});

describe('Free tier', () => {
  it('answers 403 plan_required to create-session with an existing key', async () => {
    const t = await makeTenant(h, { tier: 'Free' });
    expectError(await createSession(t.key, t.gameIds[0]), 403, 'plan_required');
  });
});

describe('GET /api/org-api-keys/usage', () => {
  it('lists create-session calls newest first with outcome, status and client IP', async () => {
    const t = await makeTenant(h);
    const scoped = await createKey(t, { allowed_game_ids: [t.gameIds[0]] });
    expect((await createSession(scoped.key, t.gameIds[0])).statusCode).toBe(200);
    expectError(await createSession(scoped.key, t.gameIds[1]), 403, 'forbidden');
    await patchKey(t.owner.auth, { id: scoped.id, org_id: t.org.id, is_active: false });
    expectError(await createSession(scoped.key, t.gameIds[0]), 401, 'unauthorized');

    const response = await usage(t.owner.auth, `org_id=${t.org.id}`);
    expect(response.statusCode, response.body).toBe(200);
    const body = json<{ success: boolean; data: UsageJson[]; next_cursor: number | null }>(
      response,
    );
    expect(body.success).toBe(true);
    expect(body.next_cursor).toBeNull();
    expect(body.data.map((entry) => [entry.status_code, entry.outcome])).toEqual([
      [401, 'rejected'],
      [403, 'forbidden'],
      [200, 'success'],
    ]);
    for (const entry of body.data) {
      expect(entry).toMatchObject({
        api_key_id: scoped.id,
        key_prefix: scoped.key_prefix,
        action: 'create-session',
        client_ip: '127.0.0.1',
      });
      expect(Number.isNaN(Date.parse(entry.created_at))).toBe(false);
    }
    const ids = body.data.map((entry) => entry.id);
    expect(ids).toEqual([...ids].sort((x, y) => y - x));
    expect(response.body).not.toContain(scoped.key.slice(4));
  });

  it('filters by key_id', async () => {
    const t = await makeTenant(h);
    const second = await createKey(t);
    expect((await createSession(t.key, t.gameIds[0])).statusCode).toBe(200);
    expect((await createSession(second.key, t.gameIds[0])).statusCode).toBe(200);
    expect((await createSession(second.key, t.gameIds[1])).statusCode).toBe(200);
    expect((await usageOf(t)).map((entry) => entry.api_key_id)).toEqual([
      second.id,
      second.id,
      t.keyId,
    ]);
    expect((await usageOf(t, `&key_id=${second.id}`)).map((e) => e.api_key_id)).toEqual([
      second.id,
      second.id,
    ]);
    expect((await usageOf(t, `&key_id=${t.keyId}`)).map((e) => e.api_key_id)).toEqual([t.keyId]);
  });

  it('pages with limit and next_cursor', async () => {
    const t = await makeTenant(h);
    for (const gameId of [...t.gameIds, t.gameIds[0]]) {
      expect((await createSession(t.key, gameId)).statusCode).toBe(200);
    }
    const all = await usageOf(t);
    expect(all).toHaveLength(3);
    const first = await usage(t.owner.auth, `org_id=${t.org.id}&limit=2`);
    expect(first.statusCode, first.body).toBe(200);
    const page1 = json<{ data: UsageJson[]; next_cursor: number | null }>(first);
    expect(page1.data.map((e) => e.id)).toEqual(all.slice(0, 2).map((e) => e.id));
    expect(page1.next_cursor).toEqual(expect.any(Number));
    const second = await usage(
      t.owner.auth,
      `org_id=${t.org.id}&limit=2&cursor=${page1.next_cursor}`,
    );
    expect(second.statusCode, second.body).toBe(200);
    const page2 = json<{ data: UsageJson[]; next_cursor: number | null }>(second);
    expect(page2.data.map((e) => e.id)).toEqual([all[2]?.id]);
    expect(page2.next_cursor).toBeNull();
  });

  it('keeps the audit trail of a deleted key', async () => {
    const t = await makeTenant(h);
    expect((await createSession(t.key, t.gameIds[0])).statusCode).toBe(200);
    await deleteKey(t.owner.auth, t.org.id, t.keyId);
    expect(await usageOf(t, `&key_id=${t.keyId}`)).toMatchObject([
      { api_key_id: t.keyId, key_prefix: t.key.slice(0, 8), outcome: 'success' },
    ]);
  });

  it('answers 403 to a Viewer of the organization', async () => {
    const t = await makeTenant(h);
    const viewer = await makeUser(h, t.org.id, 'Viewer');
    expectError(await usage(viewer.auth, `org_id=${t.org.id}`), 403, 'forbidden');
  });

  it('rejects a non-numeric key_id with 400', async () => {
    const t = await makeTenant(h);
    expectError(
      await usage(t.owner.auth, `org_id=${t.org.id}&key_id=first`),
      400,
      'validation_failed',
    );
  });
});

describe('last_used_at', () => {
  it('is set after a successful use once the recorder flushes', async () => {
    const t = await makeTenant(h);
    expect((await keysOf(t))[0]?.last_used_at).toBeNull();
    expect((await createSession(t.key, t.gameIds[0])).statusCode).toBe(200);
    await h.deps.keyUsage.flush();
    const lastUsed = (await keysOf(t))[0]?.last_used_at;
    expect(lastUsed).toBe(h.clock.now().toISOString());
  });

  it('stays null when every use was refused', async () => {
    const t = await makeTenant(h);
    await patchKey(t.owner.auth, { id: t.keyId, org_id: t.org.id, is_active: false });
    expectError(await createSession(t.key, t.gameIds[0]), 401, 'unauthorized');
    await h.deps.keyUsage.flush();
    expect((await keysOf(t))[0]?.last_used_at).toBeNull();
  });
});

describe('usage paging', () => {
  it('rejects a cursor beyond the ids a number holds exactly with 400 rather than 500', async () => {
    const t = await makeTenant(h);
    for (const cursor of ['1e21', '9007199254740992']) {
      expectError(
        await usage(t.owner.auth, `org_id=${t.org.id}&cursor=${cursor}`),
        400,
        'validation_failed',
      );
    }
  });
});
