import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthThrottles, loadConfig } from '../../src/config.ts';
import { fastifyTrustProxy } from '../../src/http/trust-proxy.ts';
import type { App } from '../../src/http/types.ts';
import { makeTenant, makeUser } from '../factories.ts';
import { createHarness, errorBody, type Harness, json, testConfig } from '../harness.ts';

/** Issue 9 item 3: X-Forwarded-For is believed only as far as TRUST_PROXY says. */

const START = new Date('2026-11-22T10:00:00.000Z');
// Real per-IP limits; the others keep the harness's (unreachable) ones.
const THROTTLES: AuthThrottles = {
  ...testConfig().authThrottles,
  loginPerIp: { limit: 3, windowSeconds: 60 },
  resetPerIp: { limit: 2, windowSeconds: 3600 },
};

/** A test-only route answering what the server believes the client address is. */
const ipRoute = (app: App) => {
  app.get('/test/ip', (request) => ({ ip: request.ip }));
};

const harnessFor = (trustProxy: string | undefined) =>
  createHarness({
    start: START,
    config: {
      trustProxy: loadConfig({ TRUST_PROXY: trustProxy }).trustProxy,
      authThrottles: THROTTLES,
    },
    beforeReady: ipRoute,
  });

async function ipSeen(h: Harness, remoteAddress: string, forwardedFor?: string): Promise<string> {
  const headers = forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor };
  const response = await h.inject({ method: 'GET', url: '/test/ip', remoteAddress, headers });
  expect(response.statusCode, response.body).toBe(200);
  return json<{ ip: string }>(response).ip;
}

let counter = 0;
/** A leftmost X-Forwarded-For entry the client makes up anew for every request. */
const madeUp = () => `198.18.${Math.floor(++counter / 250) % 250}.${(counter % 250) + 1}`;

function login(h: Harness, remoteAddress: string, forwardedFor: string, email: string) {
  return h.inject({
    method: 'POST',
    url: '/api/auth/login',
    remoteAddress,
    headers: { 'x-forwarded-for': forwardedFor },
    payload: { email, password: 'wrong-password' },
  });
}

function resetRequest(h: Harness, remoteAddress: string, forwardedFor: string) {
  return h.inject({
    method: 'POST',
    url: '/api/auth/password-reset',
    remoteAddress,
    headers: { 'x-forwarded-for': forwardedFor },
    payload: { email: `nobody-${++counter}@example.test` },
  });
}

function expect429(response: Awaited<ReturnType<typeof login>>) {
  expect(response.statusCode, response.body).toBe(429);
  expect(errorBody(response).code).toBe('rate_limited');
}

async function auditedIp(h: Harness, remoteAddress: string, forwardedFor: string) {
  const t = await makeTenant(h);
  const call = await h.inject({
    method: 'GET',
    url: '/api/org-api-keys/sessions',
    remoteAddress,
    headers: { ...t.keyHeaders, 'x-forwarded-for': forwardedFor },
  });
  expect(call.statusCode, call.body).toBe(200);
  await h.deps.keyUsage.flush();
  const usage = await h.inject({
    method: 'GET',
    url: `/api/org-api-keys/usage?org_id=${t.org.id}&key_id=${t.keyId}`,
    headers: t.owner.auth,
  });
  expect(usage.statusCode, usage.body).toBe(200);
  return json<{ data: { client_ip: string | null }[] }>(usage).data.map((row) => row.client_ip);
}

describe('TRUST_PROXY unset', () => {
  it('ignores X-Forwarded-For: the socket address is the client', async () => {
    // No database needed: the setting as buildApp hands it to Fastify.
    const app = Fastify({ trustProxy: fastifyTrustProxy(loadConfig({}).trustProxy) });
    ipRoute(app);
    const response = await app.inject({
      url: '/test/ip',
      remoteAddress: '203.0.113.5',
      headers: { 'x-forwarded-for': '1.2.3.4' },
    });
    expect(json<{ ip: string }>(response).ip).toBe('203.0.113.5');
    await app.close();
  });
});

describe('TRUST_PROXY=1 (one load balancer in front)', () => {
  let h: Harness;
  const proxy = '10.0.0.1';
  beforeAll(async () => {
    h = await harnessFor('1');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('takes the entry the proxy appended, not what the client wrote before it', async () => {
    expect(await ipSeen(h, proxy, '1.2.3.4, 203.0.113.7')).toBe('203.0.113.7');
    expect(await ipSeen(h, proxy, '203.0.113.8')).toBe('203.0.113.8');
    expect(await ipSeen(h, proxy)).toBe(proxy);
  });

  it('keeps a client rotating the leftmost entry in its own per-IP login limit', async () => {
    const user = await makeUser(h);
    const client = '203.0.113.10';
    for (let i = 0; i < 3; i++) {
      const response = await login(h, proxy, `${madeUp()}, ${client}`, user.email);
      expect(response.statusCode, response.body).toBe(401);
    }
    for (let i = 0; i < 3; i++)
      expect429(await login(h, proxy, `${madeUp()}, ${client}`, user.email));
    // Another client behind the same proxy has an allowance of its own.
    const other = await login(h, proxy, `${madeUp()}, 203.0.113.11`, user.email);
    expect(other.statusCode, other.body).toBe(401);
  });

  it('keeps a client rotating the leftmost entry in its own per-IP reset limit', async () => {
    const client = '203.0.113.12';
    for (let i = 0; i < 2; i++) {
      expect((await resetRequest(h, proxy, `${madeUp()}, ${client}`)).statusCode).toBe(200);
    }
    expect429(await resetRequest(h, proxy, `${madeUp()}, ${client}`));
  });

  it('records the real client in the audit trail and the request log', async () => {
    expect(await auditedIp(h, proxy, '6.6.6.6, 203.0.113.13')).toEqual(['203.0.113.13']);
    expect(h.logs()).toContain('"remoteAddress":"203.0.113.13"');
  });
});

describe('TRUST_PROXY=10.0.0.0/8,127.0.0.1 (a list of proxies)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harnessFor('10.0.0.0/8,127.0.0.1');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('believes only what the listed proxies appended', async () => {
    // Through a listed proxy: the entry it appended; the made-up one before it is not reached.
    expect(await ipSeen(h, '10.1.2.3', '1.2.3.4, 203.0.113.20')).toBe('203.0.113.20');
    // Through two listed proxies: the address the outer one saw.
    expect(await ipSeen(h, '127.0.0.1', '203.0.113.21, 10.9.9.9')).toBe('203.0.113.21');
    // A client naming a listed address as its own gains nothing: the proxy appends the truth.
    expect(await ipSeen(h, '10.1.2.3', '10.7.7.7, 203.0.113.22')).toBe('203.0.113.22');
    // IPv4-mapped socket addresses of a listed proxy count as that proxy.
    expect(await ipSeen(h, '::ffff:10.1.2.3', '203.0.113.23')).toBe('203.0.113.23');
  });

  it('keys a request from an unlisted socket address by that address, whatever it forwards', async () => {
    expect(await ipSeen(h, '203.0.113.30', '1.2.3.4')).toBe('203.0.113.30');
    expect(await ipSeen(h, '203.0.113.30', '10.0.0.1')).toBe('203.0.113.30');
    const user = await makeUser(h);
    for (let i = 0; i < 3; i++) {
      const response = await login(h, '203.0.113.31', madeUp(), user.email);
      expect(response.statusCode, response.body).toBe(401);
    }
    expect429(await login(h, '203.0.113.31', madeUp(), user.email));
    expect429(await login(h, '203.0.113.31', `${madeUp()}, 10.0.0.1`, user.email));
  });

  it('records the socket address of an unlisted client in the audit trail', async () => {
    expect(await auditedIp(h, '203.0.113.40', '6.6.6.6')).toEqual(['203.0.113.40']);
    expect(await auditedIp(h, '10.0.0.9', '6.6.6.6, 203.0.113.41')).toEqual(['203.0.113.41']);
  });
});
