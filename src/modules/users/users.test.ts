import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTenant, makeUser, unique } from '../../../test/factories.ts';
import { createHarness, type Harness, json, expectError } from '../../../test/harness.ts';
import { addMember } from '../organizations/index.ts';
import { createUser, deleteUser, issueLoginToken } from './index.ts';

const AUDIENCE = 'playloop-test';
const KID = 'test-key-1';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

interface UserJson {
  id: number;
  email: string;
  name: string | null;
  created_at: string;
}

interface MeJson extends UserJson {
  organizations: {
    id: number;
    name: string;
    slug: string;
    type: string;
    plan_tier: string;
    role: string;
    created_at: string;
  }[];
}

let h: Harness;
let server: Server;
let issuer: string;
let signingKey: PrivateKey;
/** Same kid as the published key, but not published: what a forger would hold. */
let foreignKey: PrivateKey;

/** A stand-in OpenID Connect issuer: discovery document and JWKS over real HTTP. */
async function startIssuer(): Promise<void> {
  const pair = await generateKeyPair('RS256');
  signingKey = pair.privateKey;
  foreignKey = (await generateKeyPair('RS256')).privateKey;
  const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: KID, alg: 'RS256', use: 'sig' };
  server = createServer((request, response) => {
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.url === '/.well-known/openid-configuration') {
      send(200, { issuer, jwks_uri: `${issuer}/jwks.json` });
    } else if (request.url === '/jwks.json') {
      send(200, { keys: [jwk] });
    } else {
      send(404, { error: 'not found' });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  await startIssuer();
  h = await createHarness({ config: { oidcIssuer: issuer, oidcAudience: AUDIENCE } });
});

afterAll(async () => {
  await h?.close();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

function login(payload: unknown) {
  return h.inject({ method: 'POST', url: '/api/auth/login', payload: payload as object });
}

function me(token: string) {
  return h.inject({
    method: 'GET',
    url: '/api/auth/me',
    headers: { authorization: `Bearer ${token}` },
  });
}

function logout(token: string) {
  return h.inject({
    method: 'POST',
    url: '/api/auth/logout',
    headers: { authorization: `Bearer ${token}` },
  });
}

async function loginToken(email: string, password: string): Promise<string> {
  const response = await login({ email, password });
  expect(response.statusCode, response.body).toBe(200);
  return json<{ data: { token: string } }>(response).data.token;
}

interface JwtOptions {
  sub?: string | undefined;
  email?: string | undefined;
  /** Defaults to true when an email is given; `null` leaves the claim out. */
  emailVerified?: boolean | null | undefined;
  audience?: string | undefined;
  issuer?: string | undefined;
  key?: PrivateKey | undefined;
  /** Seconds since the epoch; `null` leaves the claim out. */
  expiresAt?: number | null | undefined;
}

async function jwt(options: JwtOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {};
  if (options.email !== undefined) claims.email = options.email;
  if (options.email !== undefined && options.emailVerified !== null) {
    claims.email_verified = options.emailVerified ?? true;
  }
  const token = new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: KID, typ: 'JWT' })
    .setIssuer(options.issuer ?? issuer)
    .setAudience(options.audience ?? AUDIENCE)
    .setIssuedAt(now - 60);
  if (options.sub !== undefined) token.setSubject(options.sub);
  if (options.expiresAt !== null) token.setExpirationTime(options.expiresAt ?? now + 600);
  return token.sign(options.key ?? signingKey);
}

/** A user with a password, not linked to any external identity. */
async function newUser(): Promise<UserJson & { password: string }> {
  const email = `${unique('person')}@example.test`;
  const password = `pw-${randomUUID()}`;
  const user = await createUser(h.deps, { email, password, name: 'Test Person' });
  return { ...user, created_at: user.created_at.toISOString(), password };
}

describe('POST /api/auth/login', () => {
  it('returns a bearer token, its expiry and the user for a correct password', async () => {
    const user = await newUser();
    const response = await login({ email: user.email, password: user.password });
    expect(response.statusCode, response.body).toBe(200);
    const body = json<{
      success: boolean;
      data: { token: string; token_type: string; expires_at: string; user: UserJson };
    }>(response);
    expect(body.success).toBe(true);
    expect(body.data.token).toMatch(/^pls_[A-Za-z0-9_-]{43}$/);
    expect(body.data.token_type).toBe('Bearer');
    const ttlMs = h.deps.config.userSessionTtlHours * 3_600_000;
    expect(body.data.expires_at).toBe(new Date(h.clock.now().getTime() + ttlMs).toISOString());
    expect(body.data.user).toEqual({
      id: user.id,
      email: user.email,
      name: 'Test Person',
      created_at: user.created_at,
    });
    expect((await me(body.data.token)).statusCode).toBe(200);
  });

  it('matches the email regardless of letter case and surrounding spaces', async () => {
    const user = await newUser();
    const response = await login({
      email: `  ${user.email.toUpperCase()} `,
      password: user.password,
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(json<{ data: { user: UserJson } }>(response).data.user.id).toBe(user.id);
  });

  it('answers 401 to a wrong password and to an unknown email with the same message', async () => {
    const user = await newUser();
    const wrongPassword = expectError(
      await login({ email: user.email, password: `${user.password}x` }),
      401,
      'unauthorized',
    );
    const unknownEmail = expectError(
      await login({ email: `${unique('nobody')}@example.test`, password: user.password }),
      401,
      'unauthorized',
    );
    expect(wrongPassword.error).toBe(unknownEmail.error);
  });

  it('answers 401 to a user who has no password', async () => {
    const email = `${unique('sso-only')}@example.test`;
    await createUser(h.deps, { email });
    expectError(await login({ email, password: 'anything-at-all' }), 401, 'unauthorized');
  });

  it.each<[string, Record<string, unknown>]>([
    ['without email', { password: 'secret-password' }],
    ['without password', { email: 'someone@example.test' }],
    ['with an empty password', { email: 'someone@example.test', password: '' }],
    ['with an object as email', { email: { address: 'x' }, password: 'secret-password' }],
  ])('rejects a body %s with 400', async (_label, payload) => {
    const body = expectError(await login(payload), 400, 'validation_failed');
    expect(body.error).toMatch(/email|password/);
  });

  it('answers 401, not 500, when the user is deleted while the login token is issued', async () => {
    const user = await createUser(h.deps, {
      email: `${unique('gone')}@example.test`,
      password: 'a long enough password',
    });
    await deleteUser(h.deps.database.db, user.id);
    await expect(issueLoginToken(h.deps, user)).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('rejects malformed JSON with 400', async () => {
    const response = await h.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"email": "a@b.c", "password": ',
    });
    expectError(response, 400, 'invalid_json');
  });

  it('never writes the password or the token to the logs', async () => {
    const user = await newUser();
    const token = await loginToken(user.email, user.password);
    await me(token);
    expect(h.logs()).not.toContain(user.password);
    expect(h.logs()).not.toContain(token);
  });
});

describe('GET /api/auth/me', () => {
  it('returns the user with every organization and their role in it', async () => {
    const first = await makeTenant(h);
    const second = await makeTenant(h);
    await addMember(h.deps, second.org.id, first.owner.id, 'Viewer');
    const response = await me(first.owner.token);
    expect(response.statusCode, response.body).toBe(200);
    const data = json<{ success: boolean; data: MeJson }>(response).data;
    expect(data).toMatchObject({ id: first.owner.id, email: first.owner.email });
    expect(data).not.toHaveProperty('password_hash');
    const organization = (org: typeof first.org, role: string) => ({
      id: org.id,
      name: org.name,
      slug: org.slug,
      type: org.type,
      plan_tier: org.plan_tier,
      role,
      created_at: org.created_at.toISOString(),
    });
    expect(data.organizations).toEqual([
      organization(first.org, 'Owner'),
      organization(second.org, 'Viewer'),
    ]);
  });

  it('lists no organizations for a user who belongs to none', async () => {
    const user = await makeUser(h);
    const response = await me(user.token);
    expect(response.statusCode, response.body).toBe(200);
    expect(json<{ data: MeJson }>(response).data.organizations).toEqual([]);
  });

  it('answers 401 once the login token has expired', async () => {
    const user = await newUser();
    const token = await loginToken(user.email, user.password);
    expect((await me(token)).statusCode).toBe(200);
    h.clock.advance(h.deps.config.userSessionTtlHours * 3_600_000 + 1000);
    expectError(await me(token), 401, 'unauthorized');
  });
});

describe('POST /api/auth/logout', () => {
  it('ends the login token: it answers 401 afterwards', async () => {
    const user = await newUser();
    const token = await loginToken(user.email, user.password);
    expect((await me(token)).statusCode).toBe(200);
    const response = await logout(token);
    expect(response.statusCode, response.body).toBe(200);
    expect(json(response)).toEqual({ success: true });
    expectError(await me(token), 401, 'unauthorized');
    expectError(await logout(token), 401, 'unauthorized');
  });

  it("ends only that token, not the user's other logins", async () => {
    const user = await newUser();
    const first = await loginToken(user.email, user.password);
    const second = await loginToken(user.email, user.password);
    await logout(first);
    expectError(await me(first), 401, 'unauthorized');
    expect((await me(second)).statusCode).toBe(200);
  });
});

describe('OIDC bearer tokens', () => {
  it('authenticates a JWT whose email matches an existing user', async () => {
    const user = await newUser();
    const response = await me(await jwt({ sub: randomUUID(), email: user.email }));
    expect(response.statusCode, response.body).toBe(200);
    expect(json<{ data: MeJson }>(response).data).toMatchObject({
      id: user.id,
      email: user.email,
    });
  });

  it('links the subject, so a later JWT with the same sub and no email works', async () => {
    const user = await newUser();
    const sub = randomUUID();
    expect((await me(await jwt({ sub, email: user.email }))).statusCode).toBe(200);
    const response = await me(await jwt({ sub }));
    expect(response.statusCode, response.body).toBe(200);
    expect(json<{ data: MeJson }>(response).data.id).toBe(user.id);
  });

  it('lets a linked identity manage the organizations of its user', async () => {
    const t = await makeTenant(h);
    const token = await jwt({ sub: randomUUID(), email: t.owner.email });
    const response = await h.inject({
      method: 'GET',
      url: `/api/org-api-keys?org_id=${t.org.id}`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.statusCode, response.body).toBe(200);
  });

  it('answers 401 to a JWT for another audience', async () => {
    const user = await newUser();
    const token = await jwt({ sub: randomUUID(), email: user.email, audience: 'someone-else' });
    expectError(await me(token), 401, 'unauthorized');
  });

  it('answers 401 to an expired JWT', async () => {
    const user = await newUser();
    const expiresAt = Math.floor(Date.now() / 1000) - 30;
    const token = await jwt({ sub: randomUUID(), email: user.email, expiresAt });
    expectError(await me(token), 401, 'unauthorized');
  });

  it('answers 401 to a JWT signed by a key the issuer does not publish', async () => {
    const user = await newUser();
    const token = await jwt({ sub: randomUUID(), email: user.email, key: foreignKey });
    expectError(await me(token), 401, 'unauthorized');
    // The same claims signed with the published key are accepted: only the signature differed.
    expect((await me(await jwt({ sub: randomUUID(), email: user.email }))).statusCode).toBe(200);
  });

  it('answers 401 to a JWT from another issuer', async () => {
    const user = await newUser();
    const token = await jwt({
      sub: randomUUID(),
      email: user.email,
      issuer: 'https://evil.example.test',
    });
    expectError(await me(token), 401, 'unauthorized');
  });

  it('answers 401 to an unsigned JWT', async () => {
    const user = await newUser();
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const token = `${encode({ alg: 'none', typ: 'JWT' })}.${encode({
      iss: issuer,
      aud: AUDIENCE,
      sub: randomUUID(),
      email: user.email,
      iat: now,
      exp: now + 600,
    })}.`;
    expectError(await me(token), 401, 'unauthorized');
  });

  it('answers 401 to a JWT without an expiry', async () => {
    const user = await newUser();
    const token = await jwt({ sub: randomUUID(), email: user.email, expiresAt: null });
    expectError(await me(token), 401, 'unauthorized');
  });

  it('answers 401 to an unknown email and an unlinked subject', async () => {
    const unknown = await jwt({ sub: randomUUID(), email: `${unique('stranger')}@example.test` });
    expectError(await me(unknown), 401, 'unauthorized');
    expectError(await me(await jwt({ sub: randomUUID() })), 401, 'unauthorized');
  });

  it('does not link by an email the issuer marks as unverified', async () => {
    const user = await newUser();
    const sub = randomUUID();
    const token = await jwt({ sub, email: user.email, emailVerified: false });
    expectError(await me(token), 401, 'unauthorized');
    expectError(await me(await jwt({ sub })), 401, 'unauthorized');
  });

  it('does not link by an email whose verification the issuer does not state', async () => {
    const user = await newUser();
    const token = await jwt({ sub: randomUUID(), email: user.email, emailVerified: null });
    expectError(await me(token), 401, 'unauthorized');
  });

  it('does not relink a user already linked to another subject', async () => {
    const user = await newUser();
    expect((await me(await jwt({ sub: randomUUID(), email: user.email }))).statusCode).toBe(200);
    const other = await jwt({ sub: randomUUID(), email: user.email });
    expectError(await me(other), 401, 'unauthorized');
  });
});
