import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  makePropertyTenant,
  makeUser,
  type PropertyTenant,
  unique,
} from '../../../test/factories.ts';
import { createHarness, errorBody, type Harness, json } from '../../../test/harness.ts';
import { createProperty } from '../properties/index.ts';
import { createPropertyKey, revokePropertyKey } from '../property-keys/index.ts';
import type { Role } from '../organizations/index.ts';
import { currentProperty, type PropertyContext, requirePropertyAccess } from './auth.property.ts';

type Headers = Record<string, string>;

const READ = '/test/whoami-read';
const WRITE = '/test/whoami-write';

let h: Harness;

beforeAll(async () => {
  h = await createHarness({
    beforeReady(app, deps) {
      app.get(READ, { onRequest: requirePropertyAccess(deps, 'read') }, (request) =>
        currentProperty(request),
      );
      app.post(WRITE, { onRequest: requirePropertyAccess(deps, 'write') }, (request) =>
        currentProperty(request),
      );
    },
  });
});

afterAll(async () => {
  await h.close();
});

function read(headers: Headers, query: Record<string, string> = {}) {
  return h.inject({ method: 'GET', url: READ, headers, query });
}

function write(headers: Headers, payload: object = {}) {
  return h.inject({ method: 'POST', url: WRITE, headers, payload });
}

async function readKey(t: PropertyTenant): Promise<string> {
  const key = await createPropertyKey(h.deps, undefined, {
    propertyId: t.property.id,
    name: 'Reader',
    scopes: ['read'],
  });
  return key.key;
}

describe('requirePropertyAccess with a pk_ key', () => {
  it('accepts the key as X-Api-Key and scopes the request to its property', async () => {
    const t = await makePropertyTenant(h);
    const response = await read(t.keyHeaders);
    expect(response.statusCode).toBe(200);
    expect(json<PropertyContext>(response)).toEqual({
      id: t.property.id,
      orgId: t.org.id,
      scopes: ['read', 'write'],
      keyId: t.keyId,
      userId: null,
    });
  });

  it('accepts the key as Authorization: Bearer pk_…', async () => {
    const t = await makePropertyTenant(h);
    const response = await write({ authorization: `Bearer ${t.key}` });
    expect(response.statusCode).toBe(200);
    expect(json<PropertyContext>(response)).toMatchObject({ id: t.property.id, keyId: t.keyId });
  });

  it('refuses a write with a read-only key (403) but lets it read', async () => {
    const t = await makePropertyTenant(h);
    const key = await readKey(t);
    expect((await read({ 'x-api-key': key })).statusCode).toBe(200);
    const response = await write({ 'x-api-key': key });
    expect(response.statusCode).toBe(403);
    expect(errorBody(response)).toMatchObject({
      code: 'forbidden',
      error: 'This API key lacks the write scope',
    });
  });

  it('answers 401 with one generic message for revoked, unknown and malformed keys', async () => {
    const t = await makePropertyTenant(h);
    expect((await read(t.keyHeaders)).statusCode).toBe(200);
    await revokePropertyKey(h.deps, { userId: t.owner.id }, t.keyId);
    const candidates = [
      t.key,
      `pk_${randomBytes(24).toString('hex')}`,
      'pk_not-a-key',
      `dpk_${randomBytes(20).toString('hex')}`,
      '',
    ];
    const messages = new Set<string>();
    for (const key of candidates) {
      const response = await read({ 'x-api-key': key });
      expect(response.statusCode).toBe(401);
      messages.add(errorBody(response).error);
    }
    const bearer = await read({ authorization: `Bearer ${t.key}` });
    expect(bearer.statusCode).toBe(401);
    messages.add(errorBody(bearer).error);
    expect([...messages]).toEqual(['Missing, invalid or revoked API key']);
  });

  it('answers 401 without any credential', async () => {
    const response = await read({});
    expect(response.statusCode).toBe(401);
    expect(errorBody(response).code).toBe('unauthorized');
  });

  it("ignores another property's id in the header, query and body", async () => {
    const a = await makePropertyTenant(h);
    const b = await makePropertyTenant(h);
    const viaHeader = await read({ ...a.keyHeaders, 'x-property-id': b.property.id });
    const viaQuery = await read(a.keyHeaders, { property_id: b.property.id });
    const viaBody = await write(a.keyHeaders, {
      property_id: b.property.id,
      propertyId: b.property.id,
    });
    for (const response of [viaHeader, viaQuery, viaBody]) {
      expect(response.statusCode).toBe(200);
      expect(json<PropertyContext>(response)).toMatchObject({
        id: a.property.id,
        orgId: a.org.id,
      });
    }
  });

  it('answers 429 past the per-minute limit, with retry_after and Retry-After', async () => {
    const t = await makePropertyTenant(h, { perMinute: 3 });
    for (let i = 0; i < 3; i++) {
      const ok = await read(t.keyHeaders);
      expect(ok.statusCode).toBe(200);
      expect(ok.headers['ratelimit-limit']).toBe('3');
      expect(ok.headers['ratelimit-remaining']).toBe(String(2 - i));
    }
    const refused = await read(t.keyHeaders);
    expect(refused.statusCode).toBe(429);
    const body = errorBody(refused);
    expect(body.code).toBe('rate_limited');
    expect(body.retry_after).toBeGreaterThanOrEqual(1);
    expect(body.retry_after).toBeLessThanOrEqual(60);
    expect(refused.headers['retry-after']).toBe(String(body.retry_after));
    expect(refused.headers['ratelimit-remaining']).toBe('0');
    // The limit is per key: another key of the same property is unaffected.
    expect((await read({ 'x-api-key': await readKey(t) })).statusCode).toBe(200);
  });

  it('records last_used_at off the request path, at most once a minute', async () => {
    const t = await makePropertyTenant(h);
    const lastUsed = async () => {
      await h.deps.propertyKeyUsage.flush();
      const row = await h.deps.database.db
        .selectFrom('property_api_keys')
        .select('last_used_at')
        .where('id', '=', t.keyId)
        .executeTakeFirstOrThrow();
      return row.last_used_at;
    };
    expect(await lastUsed()).toBeNull();
    await read(t.keyHeaders);
    const first = await lastUsed();
    expect(first).toEqual(h.deps.clock.now());
    h.clock.advance(10_000);
    await read(t.keyHeaders);
    expect(await lastUsed()).toEqual(first);
    h.clock.advance(60_000);
    await read(t.keyHeaders);
    expect(await lastUsed()).toEqual(h.deps.clock.now());
  });
});

describe('requirePropertyAccess with a user bearer token', () => {
  it('answers 400 when X-Property-Id is missing', async () => {
    const t = await makePropertyTenant(h);
    const response = await read(t.owner.auth);
    expect(response.statusCode).toBe(400);
    expect(errorBody(response).error).toBe('X-Property-Id header is required for user tokens');
  });

  it('answers 400 when X-Property-Id is not a UUID', async () => {
    const t = await makePropertyTenant(h);
    const response = await read({ ...t.owner.auth, 'x-property-id': "1' OR 1=1" });
    expect(response.statusCode).toBe(400);
    expect(errorBody(response).code).toBe('bad_request');
  });

  it("answers 404 for another organization's property and for an unknown one", async () => {
    const a = await makePropertyTenant(h);
    const b = await makePropertyTenant(h);
    const foreign = await read({ ...a.owner.auth, 'x-property-id': b.property.id });
    const unknown = await read({ ...a.owner.auth, 'x-property-id': randomUUID() });
    for (const response of [foreign, unknown]) {
      expect(response.statusCode).toBe(404);
      expect(errorBody(response).error).toBe('Property not found');
    }
  });

  it('answers 401 for an invalid bearer token', async () => {
    const t = await makePropertyTenant(h);
    const response = await read({
      authorization: 'Bearer pls_not-a-token',
      'x-property-id': t.property.id,
    });
    expect(response.statusCode).toBe(401);
  });

  it('scopes the request to the selected property of the user, in any letter case', async () => {
    const t = await makePropertyTenant(h);
    const second = await createProperty(h.deps, undefined, {
      orgId: t.org.id,
      name: unique('Second'),
    });
    const response = await write({
      ...t.owner.auth,
      'x-property-id': second.id.toUpperCase(),
    });
    expect(response.statusCode).toBe(200);
    expect(json<PropertyContext>(response)).toEqual({
      id: second.id,
      orgId: t.org.id,
      scopes: ['read', 'write'],
      keyId: null,
      userId: t.owner.id,
    });
  });

  const cases: [Role, boolean][] = [
    ['Owner', true],
    ['Admin', true],
    ['Editor', true],
    ['Analyst', false],
    ['Viewer', false],
  ];
  it.each(cases)('lets an %s read, and write: %s', async (role, canWrite) => {
    const t = await makePropertyTenant(h);
    const user = await makeUser(h, t.org.id, role);
    const headers = { ...user.auth, 'x-property-id': t.property.id };
    const reading = await read(headers);
    expect(reading.statusCode).toBe(200);
    expect(json<PropertyContext>(reading).scopes).toEqual(canWrite ? ['read', 'write'] : ['read']);
    const writing = await write(headers);
    expect(writing.statusCode).toBe(canWrite ? 200 : 403);
    if (!canWrite) expect(errorBody(writing).code).toBe('forbidden');
  });
});
