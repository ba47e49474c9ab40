import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePropertyTenant } from '../../../test/factories.ts';
import {
  createHarness,
  errorBody,
  expectError,
  type Harness,
  json,
} from '../../../test/harness.ts';
import { MAX_ENDPOINTS_PER_PROPERTY } from './webhooks.endpoints.service.ts';

// PlayerOS webhook endpoints: the rules of creating and changing them. (Who may call each route
// and tenant isolation: the shared security suite, test/security/routes.ts.)

let h: Harness;
/** An install that does not allow private networks (the production default). */
let strict: Harness;

beforeAll(async () => {
  h = await createHarness();
  strict = await createHarness({ config: { webhooksAllowPrivateNetworks: false } });
});

afterAll(async () => {
  await h.close();
  await strict.close();
});

const create = (harness: Harness, headers: Record<string, string>, payload: object) =>
  harness.inject({ method: 'POST', url: '/api/webhooks', headers, payload });

describe('creating an endpoint', () => {
  it('shows the secret once, keeps it sealed, and never logs it', async () => {
    const t = await makePropertyTenant(h);
    const response = await create(h, t.keyHeaders, {
      url: 'https://93.184.215.14/playloop',
      event_types: ['player.updated', 'player.created', 'player.created'],
      description: 'CRM sync',
    });
    expect(response.statusCode, response.body).toBe(201);
    const created = json<{ data: Record<string, unknown> & { id: string; secret: string } }>(
      response,
    ).data;
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created).toMatchObject({
      url: 'https://93.184.215.14/playloop',
      event_types: ['player.created', 'player.updated'],
      description: 'CRM sync',
      enabled: true,
      property_id: t.property.id,
    });

    for (const url of ['/api/webhooks', `/api/webhooks/${created.id}`]) {
      const read = await h.inject({ method: 'GET', url, headers: t.keyHeaders });
      expect(read.statusCode).toBe(200);
      expect(read.body).not.toContain(created.secret);
      expect(read.body).not.toContain('"secret"');
    }
    const row = await h.deps.database.db
      .selectFrom('webhook_endpoints')
      .select(['secret'])
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(row.secret).toMatch(/^v1\./);
    expect(row.secret).not.toContain(created.secret.slice(6, 20));
    expect(await h.deps.secrets.open(row.secret)).toBe(created.secret);
    expect(h.logs()).not.toContain(created.secret);
  });

  it('takes every type with "*", alone', async () => {
    const t = await makePropertyTenant(h);
    const all = await create(h, t.keyHeaders, {
      url: 'https://93.184.215.14/a',
      event_types: ['*'],
    });
    expect(all.statusCode).toBe(201);
    const mixed = await create(h, t.keyHeaders, {
      url: 'https://93.184.215.14/a',
      event_types: ['*', 'player.created'],
    });
    expectError(mixed, 400, 'validation_failed');
  });

  it('refuses unknown event types, naming them', async () => {
    const t = await makePropertyTenant(h);
    const response = await create(h, t.keyHeaders, {
      url: 'https://93.184.215.14/a',
      event_types: ['player.created', 'player.exploded'],
    });
    expectError(response, 400, 'validation_failed');
    expect(errorBody(response).error).toContain('player.exploded');
  });

  it.each([
    ['no scheme', 'hooks.example.test/x'],
    ['ftp', 'ftp://hooks.example.test/x'],
    ['credentials in the URL', 'https://user:pass@hooks.example.test/x'],
    ['too long', `https://hooks.example.test/${'a'.repeat(2100)}`],
  ])('refuses a URL with %s', async (_name, url) => {
    const t = await makePropertyTenant(h);
    const response = await create(h, t.keyHeaders, { url, event_types: ['player.created'] });
    expect(response.statusCode).toBe(400);
  });

  it.each([
    ['loopback', 'http://127.0.0.1:8080/hook'],
    ['loopback, another form', 'http://127.1/hook'],
    ['IPv6 loopback', 'http://[::1]/hook'],
    ['IPv4-mapped IPv6 loopback', 'http://[::ffff:127.0.0.1]/hook'],
    ['private 10/8', 'http://10.1.2.3/hook'],
    ['private 192.168/16', 'https://192.168.0.10/hook'],
    ['private 172.16/12', 'http://172.20.0.1/hook'],
    ['link-local', 'http://169.254.10.10/hook'],
    ['cloud metadata', 'http://169.254.169.254/latest/meta-data/'],
    ['a name that resolves to loopback', 'http://localhost:3000/hook'],
    ['unspecified', 'http://0.0.0.0/hook'],
  ])('refuses %s with 400 and the rule (SSRF guard)', async (_name, url) => {
    const t = await makePropertyTenant(strict);
    const response = await create(strict, t.keyHeaders, { url, event_types: ['player.created'] });
    expectError(response, 400, 'validation_failed');
    expect(typeof (json<{ rule?: string }>(response).rule ?? errorBody(response).error)).toBe(
      'string',
    );
    const listed = await strict.inject({
      method: 'GET',
      url: '/api/webhooks',
      headers: t.keyHeaders,
    });
    expect(json<{ data: unknown[] }>(listed).data).toHaveLength(0);
  });

  it('refuses metadata addresses even where private networks are allowed', async () => {
    const t = await makePropertyTenant(h);
    const response = await create(h, t.keyHeaders, {
      url: 'http://169.254.169.254/latest/meta-data/',
      event_types: ['player.created'],
    });
    expectError(response, 400, 'validation_failed');
  });

  it(`allows ${MAX_ENDPOINTS_PER_PROPERTY} endpoints per property, counted before the write`, async () => {
    const t = await makePropertyTenant(h);
    const responses = await Promise.all(
      Array.from({ length: MAX_ENDPOINTS_PER_PROPERTY + 3 }, (_, i) =>
        create(h, t.keyHeaders, { url: `https://93.184.215.14/e${i}`, event_types: ['*'] }),
      ),
    );
    const codes = responses.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 201)).toHaveLength(MAX_ENDPOINTS_PER_PROPERTY);
    expect(codes.filter((c) => c === 403)).toHaveLength(3);
    const refused = responses.find((r) => r.statusCode === 403)!;
    expectError(refused, 403, 'quota_exceeded');
  });
});

describe('changing an endpoint', () => {
  it('updates fields, checks the new URL, disables and enables', async () => {
    const t = await makePropertyTenant(strict);
    const created = json<{ data: { id: string } }>(
      await create(strict, t.keyHeaders, {
        url: 'https://93.184.215.14/a',
        event_types: ['player.created'],
      }),
    ).data;
    const patch = (payload: object) =>
      strict.inject({
        method: 'PATCH',
        url: `/api/webhooks/${created.id}`,
        headers: t.keyHeaders,
        payload,
      });
    const updated = await patch({ event_types: ['*'], description: 'All of it' });
    expect(json<{ data: unknown }>(updated).data).toMatchObject({
      event_types: ['*'],
      description: 'All of it',
    });
    expectError(await patch({ url: 'http://10.0.0.1/' }), 400, 'validation_failed');
    expectError(await patch({}), 400, 'validation_failed');

    const disabled = await strict.inject({
      method: 'POST',
      url: `/api/webhooks/${created.id}/disable`,
      headers: t.keyHeaders,
    });
    expect(json<{ data: unknown }>(disabled).data).toMatchObject({
      enabled: false,
      disabled_reason: 'manual',
    });
    expectError(
      await strict.inject({
        method: 'POST',
        url: `/api/webhooks/${created.id}/test`,
        headers: t.keyHeaders,
      }),
      409,
      'conflict',
    );
    const enabled = await strict.inject({
      method: 'POST',
      url: `/api/webhooks/${created.id}/enable`,
      headers: t.keyHeaders,
    });
    expect(json<{ data: unknown }>(enabled).data).toMatchObject({
      enabled: true,
      disabled_reason: null,
      failing_since: null,
    });
  });

  it('deletes an endpoint with its log', async () => {
    const t = await makePropertyTenant(h);
    const created = json<{ data: { id: string } }>(
      await create(h, t.keyHeaders, { url: 'https://93.184.215.14/a', event_types: ['*'] }),
    ).data;
    const deleted = await h.inject({
      method: 'DELETE',
      url: `/api/webhooks/${created.id}`,
      headers: t.keyHeaders,
    });
    expect(deleted.statusCode).toBe(200);
    expectError(
      await h.inject({ method: 'GET', url: `/api/webhooks/${created.id}`, headers: t.keyHeaders }),
      404,
      'not_found',
    );
  });

  it('pages the delivery log and refuses a malformed cursor', async () => {
    const t = await makePropertyTenant(h);
    const created = json<{ data: { id: string } }>(
      await create(h, t.keyHeaders, { url: 'https://93.184.215.14/a', event_types: ['*'] }),
    ).data;
    const bad = await h.inject({
      method: 'GET',
      url: `/api/webhooks/${created.id}/messages?before=nope&limit=1000`,
      headers: t.keyHeaders,
    });
    expectError(bad, 400, 'validation_failed');
    const resend = await h.inject({
      method: 'POST',
      url: `/api/webhooks/${created.id}/resend-failed`,
      headers: t.keyHeaders,
      payload: { since: '2999-01-01T00:00:00Z' },
    });
    expectError(resend, 400, 'validation_failed');
  });
});
