import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeUser, type TestUser, unique } from '../../../test/factories.ts';
import {
  createHarness,
  createMailHarness,
  expectError,
  type Harness,
  json,
  type MailHarness,
} from '../../../test/harness.ts';
import type { CaughtMail } from '../../../test/smtp.ts';
import { RESET_REQUESTED } from './accounts.reset.ts';

let h: MailHarness;

beforeAll(async () => {
  h = await createMailHarness();
});

afterAll(async () => {
  await h?.close();
});

const post = (url: string, payload: object, headers: Record<string, string> = {}) =>
  h.inject({ method: 'POST', url, payload, headers });
const requestReset = (email: string) => post('/api/auth/password-reset', { email });
const confirm = (token: string, password: string) =>
  post('/api/auth/password-reset/confirm', { token, new_password: password });
const me = (token: string) =>
  h.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } });
const loginStatus = async (email: string, password: string) =>
  (await post('/api/auth/login', { email, password })).statusCode;

async function loginToken(user: TestUser, password = user.password): Promise<string> {
  const response = await post('/api/auth/login', { email: user.email, password });
  expect(response.statusCode, response.body).toBe(200);
  return json<{ data: { token: string } }>(response).data.token;
}

function linkIn(mail: CaughtMail): URL {
  const found = /https?:\/\/\S+/.exec(mail.text)?.[0];
  if (!found) throw new Error(`no link in: ${mail.text}`);
  return new URL(found);
}

/** Asks for a reset link for the user and returns the token from the mail that arrives. */
async function mailedResetToken(user: TestUser, asked = user.email): Promise<string> {
  const before = h.smtp.to(user.email).length;
  expect((await requestReset(asked)).statusCode).toBe(200);
  await h.smtp.waitFor(() => h.smtp.to(user.email).length > before);
  const mail = h.smtp.to(user.email).at(-1)!;
  return linkIn(mail).searchParams.get('token')!;
}

describe('POST /api/auth/password-reset', () => {
  it('mails a link whose token sets a new password once and ends every login', async () => {
    const user = await makeUser(h);
    const second = await loginToken(user);
    const response = await requestReset(user.email);
    expect(response.statusCode, response.body).toBe(200);
    expect(json(response)).toEqual({ success: true, message: RESET_REQUESTED });

    const mail = await h.smtp.waitFor((m) => m.to.includes(user.email));
    expect(mail.subject).toBe('Reset your PlayLoop password');
    expect(mail.from).toContain('no-reply@localhost');
    const link = linkIn(mail);
    expect(`${link.origin}${link.pathname}`).toBe('http://playloop.test/reset-password');
    const token = link.searchParams.get('token')!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const confirmed = await confirm(token, 'a-brand-new-password');
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(json(confirmed)).toEqual({ success: true });
    expect(await loginStatus(user.email, user.password)).toBe(401);
    expect(await loginStatus(user.email, 'a-brand-new-password')).toBe(200);
    expectError(await me(user.token), 401, 'unauthorized');
    expectError(await me(second), 401, 'unauthorized');

    const again = expectError(await confirm(token, 'yet-another-password'), 400, 'bad_request');
    expect(again.error).toBe('Invalid or expired reset token');
    expect(await loginStatus(user.email, 'yet-another-password')).toBe(401);
  });

  it('answers an unknown address exactly like a known one and mails nothing', async () => {
    const user = await makeUser(h);
    const nobody = `${unique('nobody')}@example.test`;
    const unknown = await requestReset(nobody);
    const known = await requestReset(user.email);
    expect(unknown.statusCode).toBe(200);
    expect(unknown.body).toBe(known.body);
    // The known address's mail was sent after the unknown one's would have been.
    await h.smtp.waitFor((m) => m.to.includes(user.email));
    expect(h.smtp.to(nobody)).toEqual([]);
  });

  it('finds the account whatever the letter case of the address', async () => {
    const user = await makeUser(h);
    const token = await mailedResetToken(user, `  ${user.email.toUpperCase()} `);
    expect((await confirm(token, 'case-blind-password')).statusCode).toBe(200);
    expect(await loginStatus(user.email, 'case-blind-password')).toBe(200);
  });

  it('refuses a link after its hour with 400, keeping the old password', async () => {
    const user = await makeUser(h);
    const token = await mailedResetToken(user);
    h.clock.advance(3_600_000 + 1000);
    const body = expectError(await confirm(token, 'too-late-password'), 400, 'bad_request');
    expect(body.error).toBe('Invalid or expired reset token');
    expect(await loginStatus(user.email, user.password)).toBe(200);
  });

  it("voids the user's other unused links once one of them is used", async () => {
    const user = await makeUser(h);
    const first = await mailedResetToken(user);
    const second = await mailedResetToken(user);
    expect(first).not.toBe(second);
    expect((await confirm(second, 'second-link-password')).statusCode).toBe(200);
    expectError(await confirm(first, 'first-link-password'), 400, 'bad_request');
    expect(await loginStatus(user.email, 'second-link-password')).toBe(200);
  });

  it('lets exactly one of many concurrent confirmations of a link win', async () => {
    const user = await makeUser(h);
    const token = await mailedResetToken(user);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => confirm(token, `concurrent-password-${i}`)),
    );
    const statuses = results.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([200, 400, 400, 400, 400, 400, 400, 400]);
    const winner = results.findIndex((r) => r.statusCode === 200);
    expect(await loginStatus(user.email, `concurrent-password-${winner}`)).toBe(200);
  });

  it('answers 400 to an unknown token', async () => {
    const body = expectError(
      await confirm('not-a-real-token', 'whatever-password'),
      400,
      'bad_request',
    );
    expect(body.error).toBe('Invalid or expired reset token');
  });

  it('rejects a new password under 8 characters with 400 and keeps the link usable', async () => {
    const user = await makeUser(h);
    const token = await mailedResetToken(user);
    expectError(await confirm(token, 'short'), 400, 'validation_failed');
    expect((await confirm(token, 'long-enough-password')).statusCode).toBe(200);
  });

  it.each<[string, string, object]>([
    ['a request without email', '/api/auth/password-reset', {}],
    ['a request with a number as email', '/api/auth/password-reset', { email: 42 }],
    [
      'a confirmation without token',
      '/api/auth/password-reset/confirm',
      { new_password: 'x'.repeat(9) },
    ],
    ['a confirmation without password', '/api/auth/password-reset/confirm', { token: 'abc' }],
  ])('rejects %s with 400', async (_label, url, payload) => {
    expectError(await post(url, payload), 400, 'validation_failed');
  });

  it('never writes the reset token or the new password to the logs', async () => {
    const user = await makeUser(h);
    const token = await mailedResetToken(user);
    await confirm(token, 'secret-new-password');
    expect(h.logs()).not.toContain(token);
    expect(h.logs()).not.toContain('secret-new-password');
  });
});

describe('POST /api/auth/password', () => {
  const change = (token: string | undefined, payload: object) =>
    post('/api/auth/password', payload, token ? { authorization: `Bearer ${token}` } : {});

  it("changes the password, ends the user's other tokens and keeps this one", async () => {
    const user = await makeUser(h);
    const other = await loginToken(user);
    const response = await change(user.token, {
      current_password: user.password,
      new_password: 'changed-password',
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(json(response)).toEqual({ success: true });
    expect((await me(user.token)).statusCode).toBe(200);
    expectError(await me(other), 401, 'unauthorized');
    expect(await loginStatus(user.email, user.password)).toBe(401);
    expect(await loginStatus(user.email, 'changed-password')).toBe(200);
  });

  it('answers 401 to a wrong current password and changes nothing', async () => {
    const user = await makeUser(h);
    const other = await loginToken(user);
    expectError(
      await change(user.token, {
        current_password: 'wrong-password',
        new_password: 'changed-password',
      }),
      401,
      'unauthorized',
    );
    expect((await me(other)).statusCode).toBe(200);
    expect(await loginStatus(user.email, user.password)).toBe(200);
  });

  it('voids reset links mailed before the change', async () => {
    const user = await makeUser(h);
    const token = await mailedResetToken(user);
    await change(user.token, { current_password: user.password, new_password: 'changed-password' });
    expectError(await confirm(token, 'attacker-password'), 400, 'bad_request');
  });

  it('rejects a new password under 8 characters with 400', async () => {
    const user = await makeUser(h);
    expectError(
      await change(user.token, { current_password: user.password, new_password: 'short' }),
      400,
      'validation_failed',
    );
  });

  it('answers 401 without a bearer token', async () => {
    expectError(
      await change(undefined, { current_password: 'whatever', new_password: 'whatever-else' }),
      401,
      'unauthorized',
    );
  });
});

describe('when the mail server is down', () => {
  let down: Harness;
  beforeAll(async () => {
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    down = await createHarness({ config: { smtpUrl: 'smtp://127.0.0.1:1' } });
  });
  afterAll(async () => {
    await down?.close();
  });

  it('still answers a reset request with the same 200 and logs the failure', async () => {
    const user = await makeUser(down);
    const response = await down.inject({
      method: 'POST',
      url: '/api/auth/password-reset',
      payload: { email: user.email },
    });
    expect(response.statusCode).toBe(200);
    expect(json(response)).toEqual({ success: true, message: RESET_REQUESTED });
    for (let i = 0; i < 100 && !down.logs().includes('password reset mail not sent'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(down.logs()).toContain('password reset mail not sent');
  });
});
