import { randomInt } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthThrottles } from '../../src/config.ts';
import { makeUser, type TestUser, unique } from '../factories.ts';
import { createMailHarness, errorBody, json, type MailHarness, testConfig } from '../harness.ts';

/**
 * Issue 9 item 4: limits on failed passwords hold under concurrency. Each attempt is counted
 * before the (slow) password check and given back when the password was right, so N
 * simultaneous wrong passwords get exactly `limit` checks, never N.
 */

// The shipped defaults of the failure limits; the per-IP limits are out of the way (their own
// suite covers them) except where a test says otherwise.
const THROTTLES: AuthThrottles = {
  ...testConfig().authThrottles,
  loginFailuresPerAccount: { limit: 5, windowSeconds: 900 },
  loginFailuresPerAccountTotal: { limit: 50, windowSeconds: 3600 },
  resetPerIp: { limit: 5, windowSeconds: 3600 },
  resetPerAccount: { limit: 3, windowSeconds: 3600 },
};

let h: MailHarness;

beforeAll(async () => {
  // At an hour boundary, and the clock never moves: every window starts with the file.
  h = await createMailHarness({
    start: new Date('2026-11-22T10:00:00.000Z'),
    config: { authThrottles: THROTTLES },
  });
});

afterAll(async () => {
  await h?.close();
});

/** A client address of its own for every caller, so tests never share an IP window. */
const newIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

const post = (url: string, payload: object, ip: string, headers: Record<string, string> = {}) =>
  h.inject({ method: 'POST', url, payload, headers, remoteAddress: ip });
const login = (email: string, password: string, ip: string) =>
  post('/api/auth/login', { email, password }, ip);
const changePassword = (user: TestUser, current: string, ip: string, next = unique('new-pw')) =>
  post('/api/auth/password', { current_password: current, new_password: next }, ip, user.auth);

/** Status → count; every error answer must be the envelope, and 429s must say rate_limited. */
function tally(responses: LightMyRequestResponse[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const response of responses) {
    if (response.statusCode >= 400) {
      const body = errorBody(response);
      if (response.statusCode === 429) expect(body.code).toBe('rate_limited');
    }
    counts[response.statusCode] = (counts[response.statusCode] ?? 0) + 1;
  }
  return counts;
}

const times = <T>(n: number, make: (i: number) => Promise<T>) =>
  Promise.all(Array.from({ length: n }, (_, i) => make(i)));

describe('login under concurrency', () => {
  it('checks exactly 5 of 10 simultaneous wrong passwords at 5 per 15 minutes', async () => {
    const user = await makeUser(h);
    const ip = newIp();
    const started = performance.now();
    const responses = await times(10, () => login(user.email, 'wrong-password', ip));
    console.log(`10 concurrent wrong logins: ${Math.round(performance.now() - started)} ms`);
    expect(tally(responses)).toEqual({ 401: 5, 429: 5 });
    // The allowance is used up: the right password is refused too, from this address only.
    expect((await login(user.email, user.password, ip)).statusCode).toBe(429);
    expect((await login(user.email, user.password, newIp())).statusCode).toBe(200);
  });

  it('checks exactly 50 of 60 simultaneous wrong passwords from 20 addresses at 50 per hour', async () => {
    const user = await makeUser(h);
    const ips = Array.from({ length: 20 }, newIp);
    const started = performance.now();
    // 3 per address: the per-address allowance of 5 never refuses, only the total does.
    const responses = await times(60, (i) => login(user.email, 'wrong-password', ips[i % 20]!));
    console.log(`60 concurrent wrong logins: ${Math.round(performance.now() - started)} ms`);
    expect(tally(responses)).toEqual({ 401: 50, 429: 10 });
    const locked = await login(user.email, user.password, newIp());
    expect(errorBody(locked).error).toContain('Too many failed logins for this account');
  });

  it('counts an unknown email exactly like a known one', async () => {
    const ip = newIp();
    const nobody = `${unique('nobody')}@example.test`;
    const responses = await times(10, () => login(nobody, 'wrong-password', ip));
    expect(tally(responses)).toEqual({ 401: 5, 429: 5 });
  });

  it('lets the right password in among concurrent wrong ones and gives its count back', async () => {
    const user = await makeUser(h);
    const ip = newIp();
    const responses = await times(4, (i) =>
      login(user.email, i === 2 ? user.password : 'wrong-password', ip),
    );
    expect(responses.map((r) => r.statusCode)).toEqual([401, 401, 200, 401]);
    // 3 failures so far: the success used up nothing, so two more wrong passwords are checked.
    expect(tally(await times(3, () => login(user.email, 'wrong-password', ip)))).toEqual({
      401: 2,
      429: 1,
    });
  });

  it("never uses up the allowance with the owner's own logins", async () => {
    const user = await makeUser(h);
    const ip = newIp();
    // Sequential: concurrent right passwords hold a count while in flight (see the service).
    for (let i = 0; i < 8; i++) {
      expect((await login(user.email, user.password, ip)).statusCode).toBe(200);
    }
    expect(tally(await times(6, () => login(user.email, 'wrong-password', ip)))).toEqual({
      401: 5,
      429: 1,
    });
  });
});

describe('password change under concurrency', () => {
  it('checks exactly 5 of 10 simultaneous wrong current passwords', async () => {
    const user = await makeUser(h);
    const ip = newIp();
    const responses = await times(10, () => changePassword(user, 'wrong-password', ip));
    expect(tally(responses)).toEqual({ 401: 5, 429: 5 });
    // Wrong current passwords count as failed logins of the account at that address.
    expect((await login(user.email, user.password, ip)).statusCode).toBe(429);
  });

  it('changes the password with the right one among concurrent wrong ones, and gives its count back', async () => {
    const user = await makeUser(h);
    const ip = newIp();
    const next = unique('brand-new-pw');
    const responses = await times(4, (i) =>
      i === 1 ? changePassword(user, user.password, ip, next) : changePassword(user, 'nope', ip),
    );
    expect(responses.map((r) => r.statusCode)).toEqual([401, 200, 401, 401]);
    expect((await login(user.email, next, ip)).statusCode).toBe(200);
    // 3 failures: two more wrong passwords are checked, the third is refused.
    expect(tally(await times(3, () => login(user.email, 'wrong-password', ip)))).toEqual({
      401: 2,
      429: 1,
    });
  });
});

describe('password reset under concurrency', () => {
  const requestReset = (email: string, ip: string) =>
    post('/api/auth/password-reset', { email }, ip);

  it('mails exactly 3 of 10 simultaneous reset requests for one email', async () => {
    const user = await makeUser(h);
    const responses = await times(10, () => requestReset(user.email, newIp()));
    expect(tally(responses)).toEqual({ 200: 3, 429: 7 });
    await h.smtp.waitFor(() => h.smtp.to(user.email).length === 3);
    expect(h.smtp.to(user.email)).toHaveLength(3);
  });

  it('accepts exactly 5 of 10 simultaneous reset requests from one address', async () => {
    const ip = newIp();
    const responses = await times(10, () => requestReset(`${unique('someone')}@example.test`, ip));
    expect(tally(responses)).toEqual({ 200: 5, 429: 5 });
  });

  it('lets exactly one of 10 simultaneous confirmations with one link set the password', async () => {
    const user = await makeUser(h);
    expect((await requestReset(user.email, newIp())).statusCode).toBe(200);
    await h.smtp.waitFor(() => h.smtp.to(user.email).length === 1);
    const token = /token=([A-Za-z0-9_-]+)/.exec(h.smtp.to(user.email)[0]!.text)?.[1];
    expect(token).toBeDefined();
    const passwords = Array.from({ length: 10 }, (_, i) => `new-password-${i}`);
    const responses = await times(10, (i) =>
      post('/api/auth/password-reset/confirm', { token, new_password: passwords[i] }, newIp()),
    );
    // 3 per account pass the count (one sets the password, two find the link used up).
    expect(tally(responses)).toEqual({ 200: 1, 400: 2, 429: 7 });
    const winner = responses.findIndex((r) => r.statusCode === 200);
    expect(json(responses[winner]!)).toEqual({ success: true });
    const ip = newIp();
    expect((await login(user.email, passwords[winner]!, ip)).statusCode).toBe(200);
    expect((await login(user.email, user.password, ip)).statusCode).toBe(401);
  });
});
