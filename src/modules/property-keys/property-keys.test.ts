import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePropertyTenant, makeUser, type PropertyTenant } from '../../../test/factories.ts';
import { createHarness, errorBody, type Harness, json } from '../../../test/harness.ts';
import { requirePropertyAccess } from '../auth/index.ts';
import { sha256Hex } from '../../lib/secrets.ts';
import { PropertyKeyCache } from './property-keys.cache.ts';

const CREATE = '/api/functions/create-api-key';
const REVOKE = '/api/functions/revoke-api-key';
const LIST = '/api/functions/list-api-keys';
const PROBE = '/test/property-probe';
const KEY_FORMAT = /^pk_[0-9a-f]{48}$/;
const LISTED_FIELDS = [
  'created_at',
  'created_by',
  'id',
  'key_prefix',
  'last_used_at',
  'name',
  'property_id',
  'rate_limit_per_minute',
  'revoked_at',
  'scopes',
];

interface CreatedKey {
  id: string;
  name: string;
  key: string;
  key_prefix: string;
  scopes: string[];
  property_id: string;
  rate_limit_per_minute: number;
  created_at: string;
}

type Auth = { authorization: string };

let h: Harness;

beforeAll(async () => {
  h = await createHarness({
    beforeReady(app, deps) {
      app.get(PROBE, { onRequest: requirePropertyAccess(deps, 'read') }, () => ({ ok: true }));
    },
  });
});

afterAll(async () => {
  await h.close();
});

function createKey(auth: Auth | Record<string, string>, payload: object) {
  return h.inject({ method: 'POST', url: CREATE, headers: auth, payload });
}

function revokeKey(auth: Auth | Record<string, string>, payload: object) {
  return h.inject({ method: 'POST', url: REVOKE, headers: auth, payload });
}

function listKeys(auth: Auth | Record<string, string>, propertyId: string) {
  return h.inject({ method: 'GET', url: LIST, headers: auth, query: { property_id: propertyId } });
}

function probe(key: string) {
  return h.inject({ method: 'GET', url: PROBE, headers: { 'x-api-key': key } });
}

async function created(t: PropertyTenant, payload: object = {}): Promise<CreatedKey> {
  const response = await createKey(t.owner.auth, {
    property_id: t.property.id,
    name: 'Agent',
    ...payload,
  });
  expect(response.statusCode).toBe(200);
  return json<{ data: CreatedKey }>(response).data;
}

describe('POST /api/functions/create-api-key', () => {
  it('issues a pk_ key with both scopes by default, shown once', async () => {
    const t = await makePropertyTenant(h);
    const response = await createKey(t.owner.auth, {
      property_id: t.property.id,
      name: 'Reporting agent',
    });
    expect(response.statusCode).toBe(200);
    const body = json<{ success: boolean; data: CreatedKey }>(response);
    expect(body.success).toBe(true);
    expect(body.data.key).toMatch(KEY_FORMAT);
    expect(body.data).toMatchObject({
      name: 'Reporting agent',
      key_prefix: body.data.key.slice(0, 8),
      scopes: ['read', 'write'],
      property_id: t.property.id,
      rate_limit_per_minute: 100,
    });
    expect(Object.keys(body.data).sort()).toEqual([
      'created_at',
      'id',
      'key',
      'key_prefix',
      'name',
      'property_id',
      'rate_limit_per_minute',
      'scopes',
    ]);
    expect((await probe(body.data.key)).statusCode).toBe(200);
  });

  it('issues a read-only key and a custom rate limit when asked', async () => {
    const t = await makePropertyTenant(h);
    const key = await created(t, { scopes: ['read'], rate_limit_per_minute: 5 });
    expect(key).toMatchObject({ scopes: ['read'], rate_limit_per_minute: 5 });
  });

  it('stores only the SHA-256 of the key', async () => {
    const t = await makePropertyTenant(h);
    const key = await created(t);
    const row = await h.deps.database.db
      .selectFrom('property_api_keys')
      .selectAll()
      .where('id', '=', key.id)
      .executeTakeFirstOrThrow();
    expect(row.key_hash).toBe(sha256Hex(key.key));
    expect(JSON.stringify(row)).not.toContain(key.key);
    expect(JSON.stringify(row)).not.toContain(key.key.slice(8));
    expect(row.created_by).toBe(t.owner.id);
  });

  it('never writes the key to the logs', async () => {
    const t = await makePropertyTenant(h);
    const key = await created(t);
    await probe(key.key);
    await h.inject({
      method: 'GET',
      url: PROBE,
      headers: { authorization: `Bearer ${key.key}` },
    });
    await listKeys(t.owner.auth, t.property.id);
    expect(h.logs()).not.toContain(key.key);
    expect(h.logs()).not.toContain(key.key.slice(8));
  });

  it.each([
    [{ scopes: ['admin'] }, 'scopes'],
    [{ scopes: [] }, 'scopes'],
    [{ scopes: ['read', 'read'] }, 'scopes'],
    [{ scopes: 'read' }, 'scopes'],
    [{ name: '' }, 'name'],
    [{ name: undefined }, 'name'],
    [{ property_id: 'not-a-uuid' }, 'property_id'],
    [{ rate_limit_per_minute: 0 }, 'rate_limit_per_minute'],
    [{ rate_limit_per_minute: 100_001 }, 'rate_limit_per_minute'],
    [{ key_hash: 'chosen' }, 'key_hash'],
  ])('answers 400 to %j', async (override, field) => {
    const t = await makePropertyTenant(h);
    const response = await createKey(t.owner.auth, {
      property_id: t.property.id,
      name: 'Agent',
      ...override,
    });
    expect(response.statusCode).toBe(400);
    expect(errorBody(response)).toMatchObject({ code: 'validation_failed' });
    expect(errorBody(response).error).toContain(field);
  });
});

describe('POST /api/functions/revoke-api-key', () => {
  it('revokes a key, which this process refuses at once', async () => {
    const t = await makePropertyTenant(h);
    const key = await created(t);
    expect((await probe(key.key)).statusCode).toBe(200);
    const response = await revokeKey(t.owner.auth, { id: key.id });
    expect(response.statusCode).toBe(200);
    const { data } = json<{ data: { id: string; revoked_at: string | null } }>(response);
    expect(data.id).toBe(key.id);
    expect(data.revoked_at).toBe(h.deps.clock.now().toISOString());
    const refused = await probe(key.key);
    expect(refused.statusCode).toBe(401);
    // The factory's key of the same property still works.
    expect((await probe(t.key)).statusCode).toBe(200);
  });

  it('accepts key_id and keeps the first revocation time when revoked twice', async () => {
    const t = await makePropertyTenant(h);
    const key = await created(t);
    const first = json<{ data: { revoked_at: string } }>(
      await revokeKey(t.owner.auth, { key_id: key.id }),
    ).data.revoked_at;
    h.clock.advance(5_000);
    const again = await revokeKey(t.owner.auth, { id: key.id });
    expect(again.statusCode).toBe(200);
    expect(json<{ data: { revoked_at: string } }>(again).data.revoked_at).toBe(first);
  });

  it('is refused by another process within the cache TTL (at most 1 s)', async () => {
    const t = await makePropertyTenant(h);
    const key = await created(t);
    const other = new PropertyKeyCache(
      h.deps.database,
      h.deps.clock,
      h.deps.config.apiKeyCacheTtlMs,
    );
    const hash = sha256Hex(key.key);
    expect((await other.get(hash))?.revoked_at).toBeNull();
    await revokeKey(t.owner.auth, { id: key.id });
    h.clock.advance(h.deps.config.apiKeyCacheTtlMs);
    expect(h.deps.config.apiKeyCacheTtlMs).toBeLessThanOrEqual(1000);
    expect((await other.get(hash))?.revoked_at).not.toBeNull();
  });

  it("answers 404 for another organization's key, which keeps working", async () => {
    const a = await makePropertyTenant(h);
    const b = await makePropertyTenant(h);
    const foreign = await revokeKey(a.owner.auth, { id: b.keyId });
    const missing = await revokeKey(a.owner.auth, { id: randomUUID() });
    expect(foreign.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);
    expect(errorBody(foreign).error).toBe('API key not found');
    expect(errorBody(missing).error).toBe('API key not found');
    expect((await probe(b.key)).statusCode).toBe(200);
  });

  it('answers 403 to an Editor and 400 without an id', async () => {
    const t = await makePropertyTenant(h);
    const editor = await makeUser(h, t.org.id, 'Editor');
    expect((await revokeKey(editor.auth, { id: t.keyId })).statusCode).toBe(403);
    expect((await probe(t.key)).statusCode).toBe(200);
    const empty = await revokeKey(t.owner.auth, {});
    expect(empty.statusCode).toBe(400);
    expect((await revokeKey(t.owner.auth, { id: 'nope' })).statusCode).toBe(400);
  });

  it('answers 401 to a pk_ key trying to revoke itself', async () => {
    const t = await makePropertyTenant(h);
    expect((await revokeKey(t.keyHeaders, { id: t.keyId })).statusCode).toBe(401);
  });
});

describe('GET /api/functions/list-api-keys', () => {
  it('lists the keys of the property, revoked ones too, without key or hash', async () => {
    const t = await makePropertyTenant(h);
    const extra = await created(t, { name: 'Reader', scopes: ['read'] });
    await revokeKey(t.owner.auth, { id: extra.id });
    const response = await listKeys(t.owner.auth, t.property.id);
    expect(response.statusCode).toBe(200);
    const { data } = json<{ data: Record<string, unknown>[] }>(response);
    expect(data.map((k) => [k.id, k.scopes, k.revoked_at !== null])).toEqual([
      [t.keyId, ['read', 'write'], false],
      [extra.id, ['read'], true],
    ]);
    for (const key of data) expect(Object.keys(key).sort()).toEqual(LISTED_FIELDS);
    expect(response.body).not.toContain(extra.key);
  });
});
