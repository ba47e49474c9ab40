import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config.ts';
import { unique } from '../../../test/factories.ts';
import { createMailHarness, expectError, json, type MailHarness } from '../../../test/harness.ts';
import { createUser } from './index.ts';
import { createOidcVerifier } from './users.oidc.ts';

/**
 * Issue 9 items 2 and 12a: an identity-provider login is linked by email only to an account
 * whose address was proven, and only tokens minted for this app (its audience) are accepted.
 */

const AUDIENCE = 'playloop-link-test';
const KID = 'link-key-1';

let h: MailHarness;
let server: Server;
let issuer: string;
let signingKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

/** A real OpenID Connect issuer on 127.0.0.1: discovery document and JWKS over HTTP. */
async function startIssuer(): Promise<void> {
  const pair = await generateKeyPair('RS256');
  signingKey = pair.privateKey;
  const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: KID, alg: 'RS256', use: 'sig' };
  server = createServer((request, response) => {
    response.writeHead(
      request.url?.startsWith('/.well-known/') || request.url === '/jwks' ? 200 : 404,
      {
        'content-type': 'application/json',
      },
    );
    if (request.url === '/.well-known/openid-configuration') {
      response.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
    } else if (request.url === '/jwks') {
      response.end(JSON.stringify({ keys: [jwk] }));
    } else {
      response.end('{}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  await startIssuer();
  h = await createMailHarness({
    config: { oidcIssuer: issuer, oidcAudience: AUDIENCE },
  });
});

afterAll(async () => {
  await h?.close();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

/** What the identity provider issues after the person proved the address to it. */
async function idToken(
  email: string,
  options: { sub?: string; audience?: string | null } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const token = new SignJWT({ email, email_verified: true })
    .setProtectedHeader({ alg: 'RS256', kid: KID, typ: 'JWT' })
    .setIssuer(issuer)
    .setSubject(options.sub ?? randomUUID())
    .setIssuedAt(now - 10)
    .setExpirationTime(now + 600);
  if (options.audience !== null) token.setAudience(options.audience ?? AUDIENCE);
  return token.sign(signingKey);
}

const me = (bearer: string) =>
  h.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${bearer}` } });
const post = (url: string, payload: object) => h.inject({ method: 'POST', url, payload });
const tokenIn = (text: string) =>
  new URL(/https?:\/\/\S+/.exec(text)![0]).searchParams.get('token')!;

async function usersWithEmail(email: string) {
  return h.deps.database.db
    .selectFrom('users')
    .select(['id', 'external_subject'])
    .where(sql<string>`lower(email)`, '=', email.toLowerCase())
    .execute();
}

describe('linking an identity-provider login by email', () => {
  it("is not captured by someone who signed up with the victim's address first", async () => {
    const victim = `${unique('victim')}@example.test`;
    // The attacker signs up with the victim's address and a password of their own, and never
    // sees the verification mail (it goes to the victim).
    const attacker = await post('/api/auth/signup', {
      email: victim,
      password: 'attacker-password',
    });
    expect(attacker.statusCode, attacker.body).toBe(202);
    // The victim logs in through the identity provider, which verified the address.
    const sub = randomUUID();
    const body = expectError(await me(await idToken(victim, { sub })), 401, 'unauthorized');
    expect(body.error).toBe('No PlayLoop user is linked to this identity');
    expect(await usersWithEmail(victim)).toEqual([]);
    expectError(
      await post('/api/auth/login', { email: victim, password: 'attacker-password' }),
      401,
      'unauthorized',
    );
    // Holding the mailbox is not enough to finish the attacker's sign-up: it needs its password.
    const attackersLink = tokenIn(
      (await h.smtp.waitFor((m) => m.to.includes(victim) && m.text.includes('/verify-email'))).text,
    );
    expectError(
      await post('/api/auth/verify-email', { token: attackersLink, password: 'victim-guess' }),
      401,
      'unauthorized',
    );

    // The victim signs up and verifies the address: from then on the login links.
    await post('/api/auth/signup', { email: victim, password: 'victim-password' });
    await h.smtp.waitFor(
      (m) =>
        m.to.includes(victim) &&
        m.text.includes('/verify-email') &&
        !m.text.includes(attackersLink),
    );
    const own = h.smtp.messages.filter(
      (m) => m.to.includes(victim) && m.text.includes('/verify-email'),
    );
    const verified = await post('/api/auth/verify-email', {
      token: tokenIn(own[own.length - 1]!.text),
      password: 'victim-password',
    });
    expect(verified.statusCode, verified.body).toBe(200);
    const linked = await me(await idToken(victim, { sub }));
    expect(linked.statusCode, linked.body).toBe(200);
    expect(json<{ data: { email: string } }>(linked).data.email).toBe(victim);
    // The attacker's pending sign-up was voided by the victim's.
    expectError(
      await post('/api/auth/verify-email', { token: attackersLink, password: 'attacker-password' }),
      400,
      'bad_request',
    );
  });

  it('skips an account whose address was never verified (from before verification)', async () => {
    const email = `${unique('legacy')}@example.test`;
    const user = await createUser(h.deps, { email, password: 'legacy-password' });
    await h.deps.database.db
      .updateTable('users')
      .set({ email_verified_at: null })
      .where('id', '=', user.id)
      .execute();
    const sub = randomUUID();
    expectError(await me(await idToken(email, { sub })), 401, 'unauthorized');
    expect(await usersWithEmail(email)).toEqual([{ id: user.id, external_subject: null }]);
    // A completed password reset proves the address; then the login links.
    await post('/api/auth/password-reset', { email });
    const mail = await h.smtp.waitFor(
      (m) => m.to.includes(email) && m.text.includes('/reset-password'),
    );
    const reset = await post('/api/auth/password-reset/confirm', {
      token: tokenIn(mail.text),
      new_password: 'legacy-new-password',
    });
    expect(reset.statusCode, reset.body).toBe(200);
    const linked = await me(await idToken(email, { sub }));
    expect(linked.statusCode, linked.body).toBe(200);
    expect(json<{ data: { id: number } }>(linked).data.id).toBe(user.id);
  });

  it('refuses a token minted for another application of the same provider, or for none', async () => {
    const email = `${unique('aud')}@example.test`;
    await createUser(h.deps, { email, password: 'aud-password' });
    expectError(await me(await idToken(email, { audience: 'other-app' })), 401, 'unauthorized');
    expectError(await me(await idToken(email, { audience: null })), 401, 'unauthorized');
    expect(await usersWithEmail(email)).toEqual([
      expect.objectContaining({ external_subject: null }),
    ]);
    expect((await me(await idToken(email))).statusCode).toBe(200);
  });
});

describe('OIDC_AUDIENCE', () => {
  it('is required whenever OIDC_ISSUER is set: the server refuses to start without it', () => {
    expect(() => loadConfig({ OIDC_ISSUER: 'https://id.example.test' })).toThrow(ConfigError);
    expect(() => loadConfig({ OIDC_ISSUER: 'https://id.example.test' })).toThrow(/OIDC_AUDIENCE/);
    expect(() =>
      loadConfig({ OIDC_ISSUER: 'https://id.example.test', OIDC_AUDIENCE: '  ' }),
    ).toThrow(/OIDC_AUDIENCE/);
    const config = loadConfig({ OIDC_ISSUER: 'https://id.example.test', OIDC_AUDIENCE: 'app' });
    expect([config.oidcIssuer, config.oidcAudience]).toEqual(['https://id.example.test', 'app']);
    expect(loadConfig({}).oidcIssuer).toBeUndefined();
  });

  it('is required by the verifier itself, whatever builds it', () => {
    expect(() => createOidcVerifier(issuer, '')).toThrow(/audience/);
  });
});
