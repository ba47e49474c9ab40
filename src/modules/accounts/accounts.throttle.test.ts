import { randomInt } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.ts';
import { makeUser, unique } from '../../../test/factories.ts';
import {
  createHarness,
  createMailHarness,
  errorBody,
  type MailHarness,
  onRedis,
} from '../../../test/harness.ts';

/** The shipped defaults: 10/min per IP and 5 failures/15 min per account for login, … */
const DEFAULTS = loadConfig({}).authThrottles;

let h: MailHarness;

beforeAll(async () => {
  // At a quarter-hour boundary, so every window of these tests starts with the test.
  h = await createMailHarness({
    start: new Date('2026-11-22T10:00:00.000Z'),
    config: { authThrottles: DEFAULTS },
  });
});

afterAll(async () => {
  await h?.close();
});

/** Moves the clock to the start of the next window of this length: exact `retry_after`s. */
const align = (windowMs: number) =>
  h.clock.advance(windowMs - (h.clock.now().getTime() % windowMs));

/** A client address of its own for every caller, so tests never share an IP window. */
const newIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

const post = (url: string, payload: object, ip: string, headers: Record<string, string> = {}) =>
  h.inject({ method: 'POST', url, payload, headers, remoteAddress: ip });
const login = (email: string, password: string, ip = newIp()) =>
  post('/api/auth/login', { email, password }, ip);

function expectThrottled(response: LightMyRequestResponse, retryAfter: number) {
  expect(response.statusCode, response.body).toBe(429);
  const body = errorBody(response);
  expect(body.code).toBe('rate_limited');
  expect(body.retry_after).toBe(retryAfter);
  expect(response.headers['retry-after']).toBe(String(retryAfter));
  return body;
}

describe('login throttling', () => {
  it('uses the documented defaults', () => {
    expect(DEFAULTS).toEqual({
      loginPerIp: { limit: 10, windowSeconds: 60 },
      loginFailuresPerAccount: { limit: 5, windowSeconds: 900 },
      loginFailuresPerAccountTotal: { limit: 50, windowSeconds: 3600 },
      resetPerIp: { limit: 5, windowSeconds: 3600 },
      resetPerAccount: { limit: 3, windowSeconds: 3600 },
      signupPerIp: { limit: 10, windowSeconds: 3600 },
      signupPerAccount: { limit: 3, windowSeconds: 3600 },
    });
  });

  it('refuses an account at an address after 5 failures there, even the right password', async () => {
    align(900_000);
    const user = await makeUser(h);
    const guesser = newIp();
    for (let i = 0; i < 5; i++) {
      expect((await login(user.email, 'wrong-password', guesser)).statusCode).toBe(401);
    }
    const body = expectThrottled(await login(user.email, user.password, guesser), 900);
    expect(body.error).toContain('failed logins for this account from this address');
    // The guesser cannot lock the owner out: from the owner's address the account opens.
    expect((await login(user.email, user.password)).statusCode).toBe(200);
    // Once the window is over the guesser's address may try again.
    h.clock.advance(900_000);
    expect((await login(user.email, user.password, guesser)).statusCode).toBe(200);
  });

  it('locks the account everywhere after 50 failures spread over many addresses', async () => {
    align(3_600_000);
    const user = await makeUser(h);
    for (let i = 0; i < 50; i++) {
      expect((await login(user.email, 'wrong-password')).statusCode).toBe(401);
    }
    const body = expectThrottled(await login(user.email, user.password), 3600);
    expect(body.error).toMatch(/^Too many failed logins for this account;/);
    h.clock.advance(3_600_000);
    expect((await login(user.email, user.password)).statusCode).toBe(200);
  });

  it('counts only failures against the account', async () => {
    const user = await makeUser(h);
    for (let i = 0; i < 8; i++) {
      expect((await login(user.email, user.password)).statusCode).toBe(200);
    }
    for (let i = 0; i < 4; i++) {
      expect((await login(user.email, 'wrong-password')).statusCode).toBe(401);
    }
    expect((await login(user.email, user.password)).statusCode).toBe(200);
  });

  it('throttles an unknown email exactly like a known one', async () => {
    align(900_000);
    const nobody = `${unique('nobody')}@example.test`;
    const ip = newIp();
    for (let i = 0; i < 5; i++) {
      expect((await login(nobody, 'wrong-password', ip)).statusCode).toBe(401);
    }
    expectThrottled(await login(nobody, 'wrong-password', ip), 900);
  });

  it('matches the account whatever the letter case of the email', async () => {
    align(900_000);
    const user = await makeUser(h);
    const ip = newIp();
    for (let i = 0; i < 5; i++) {
      const email = i % 2 ? user.email.toUpperCase() : ` ${user.email} `;
      expect((await login(email, 'wrong-password', ip)).statusCode).toBe(401);
    }
    expectThrottled(await login(user.email, user.password, ip), 900);
  });

  it('refuses an address after 10 attempts a minute; another address still logs in', async () => {
    const ip = newIp();
    const user = await makeUser(h);
    align(60_000);
    for (let i = 0; i < 10; i++) {
      // Different accounts, so no account window is involved; successes count too.
      const someone = i % 2 ? user : await makeUser(h);
      const response = await login(someone.email, i % 2 ? someone.password : 'wrong', ip);
      expect(response.statusCode).toBe(i % 2 ? 200 : 401);
    }
    h.clock.advance(15_000);
    const body = expectThrottled(await login(user.email, user.password, ip), 45);
    expect(body.error).toContain('from this address');
    const other = await makeUser(h);
    expect((await login(other.email, other.password, newIp())).statusCode).toBe(200);
    h.clock.advance(45_000);
    expect((await login(user.email, user.password, ip)).statusCode).toBe(200);
  });

  it('treats every address of one IPv6 /64 as one client', async () => {
    const user = await makeUser(h);
    align(60_000);
    for (let i = 0; i < 10; i++) {
      const ip = `2001:db8:7:9::${(i + 1).toString(16)}`;
      expect((await login(user.email, user.password, ip)).statusCode).toBe(200);
    }
    expectThrottled(await login(user.email, user.password, '2001:db8:7:9:ffff::1'), 60);
    expect((await login(user.email, user.password, '2001:db8:7:a::1')).statusCode).toBe(200);
  });

  it('counts a wrong current password on a password change as a failed login', async () => {
    align(900_000);
    const user = await makeUser(h);
    const ip = newIp();
    const change = (current: string) =>
      post(
        '/api/auth/password',
        { current_password: current, new_password: 'new-password-1' },
        ip,
        user.auth,
      );
    for (let i = 0; i < 5; i++) expect((await change('wrong-password')).statusCode).toBe(401);
    expectThrottled(await change(user.password), 900);
    expectThrottled(await login(user.email, user.password, ip), 900);
    expect((await login(user.email, user.password)).statusCode).toBe(200);
  });
});

describe('password reset throttling', () => {
  const reset = (email: string, ip = newIp()) => post('/api/auth/password-reset', { email }, ip);

  it('answers 429 to the fourth request for one address in an hour, known or not', async () => {
    align(3_600_000);
    const user = await makeUser(h);
    const nobody = `${unique('nobody')}@example.test`;
    for (let i = 0; i < 3; i++) {
      expect((await reset(user.email)).statusCode).toBe(200);
      expect((await reset(nobody)).statusCode).toBe(200);
    }
    const known = expectThrottled(await reset(user.email), 3600);
    const unknown = expectThrottled(await reset(nobody), 3600);
    expect(known.error).toBe(unknown.error);
    await h.smtp.waitFor(() => h.smtp.to(user.email).length === 3);
    expect(h.smtp.to(user.email)).toHaveLength(3);
  });

  it('answers 429 to the sixth request from one address in an hour', async () => {
    align(3_600_000);
    const ip = newIp();
    for (let i = 0; i < 5; i++) {
      expect((await reset(`${unique('someone')}@example.test`, ip)).statusCode).toBe(200);
    }
    const body = expectThrottled(await reset(`${unique('someone')}@example.test`, ip), 3600);
    expect(body.error).toContain('from this address');
    expect((await reset(`${unique('someone')}@example.test`, newIp())).statusCode).toBe(200);
  });

  it('answers 429 to the sixth confirmation from one address in an hour', async () => {
    align(3_600_000);
    const ip = newIp();
    const confirm = (address: string) =>
      post(
        '/api/auth/password-reset/confirm',
        { token: unique('guess'), new_password: 'guessed-password' },
        address,
      );
    for (let i = 0; i < 5; i++) expect((await confirm(ip)).statusCode).toBe(400);
    expectThrottled(await confirm(ip), 3600);
    expect((await confirm(newIp())).statusCode).toBe(400);
  });
});

describe('sign-up throttling', () => {
  it('answers 429 to the eleventh sign-up from one address in an hour', async () => {
    align(3_600_000);
    const ip = newIp();
    const signup = (address: string) =>
      post(
        '/api/auth/signup',
        { email: `${unique('signup')}@example.test`, password: 'sign-up-password' },
        address,
      );
    for (let i = 0; i < 10; i++) expect((await signup(ip)).statusCode).toBe(202);
    expectThrottled(await signup(ip), 3600);
    expect((await signup(newIp())).statusCode).toBe(202);
  });
});

describe.runIf(onRedis)('with Redis', () => {
  it('shares the counters between processes', async () => {
    align(900_000);
    const other = await createHarness({
      start: h.clock.now(),
      config: { authThrottles: DEFAULTS, redisPrefix: h.deps.config.redisPrefix },
    });
    try {
      const user = await makeUser(h);
      const ip = newIp();
      for (let i = 0; i < 3; i++) await login(user.email, 'wrong-password', ip);
      for (let i = 0; i < 2; i++) {
        const response = await other.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { email: user.email, password: 'wrong-password' },
          remoteAddress: ip,
        });
        expect(response.statusCode).toBe(401);
      }
      expectThrottled(await login(user.email, user.password, ip), 900);
    } finally {
      await other.close();
    }
  });
});
