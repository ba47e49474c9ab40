import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.ts';
import { makeTenant, makeUser, unique } from '../../../test/factories.ts';
import {
  createHarness,
  createMailHarness,
  errorBody,
  expectError,
  type Harness,
  json,
  type MailHarness,
} from '../../../test/harness.ts';
import type { CaughtMail } from '../../../test/smtp.ts';
import { createUser } from '../users/index.ts';

/** Issue 9 items 2 and 12b: sign-up proves the address and does not reveal accounts. */

interface LoginJson {
  token: string;
  user: { id: number; email: string; name: string | null };
  organizations: { id: number; name: string; role: string }[];
}

let h: MailHarness;

beforeAll(async () => {
  h = await createMailHarness();
});

afterAll(async () => {
  await h?.close();
});

const PASSWORD = 'sign-up-password';
const newEmail = () => `${unique('verify')}@example.test`;
const post = (url: string, payload: object, harness: Harness = h, remoteAddress?: string) =>
  harness.inject({ method: 'POST', url, payload, ...(remoteAddress ? { remoteAddress } : {}) });
const signup = (payload: object, harness: Harness = h, ip?: string) =>
  post('/api/auth/signup', payload, harness, ip);
const verify = (token: string, password = PASSWORD) =>
  post('/api/auth/verify-email', { token, password });
const login = (email: string, password = PASSWORD) => post('/api/auth/login', { email, password });

const tokenOf = (mail: CaughtMail) =>
  new URL(/https?:\/\/\S+/.exec(mail.text)![0]).searchParams.get('token')!;
const mailsTo = (email: string) =>
  h.smtp.messages.filter((m) => m.to.some((to) => to.toLowerCase() === email.toLowerCase()));
const waitMails = async (email: string, count: number) => {
  await h.smtp.waitFor(() => mailsTo(email).length >= count);
  return mailsTo(email);
};
const verifyMailTo = (email: string) =>
  h.smtp.waitFor((m) => m.to.includes(email) && m.subject === 'Finish signing up for PlayLoop');

async function emailVerifiedAt(email: string): Promise<Date | null | undefined> {
  const row = await h.deps.database.db
    .selectFrom('users')
    .select('email_verified_at')
    .where(sql<string>`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirst();
  return row?.email_verified_at;
}

/** A user from before verification existed: email_verified_at is null. */
async function legacyUser(): Promise<{ id: number; email: string; password: string }> {
  const email = `${unique('legacy')}@example.test`;
  const user = await createUser(h.deps, { email, password: PASSWORD });
  await h.deps.database.db
    .updateTable('users')
    .set({ email_verified_at: null })
    .where('id', '=', user.id)
    .execute();
  return { id: user.id, email, password: PASSWORD };
}

/** Status and body with the request id taken out: what tells two answers apart. */
function comparable(response: LightMyRequestResponse) {
  const { request_id: _id, ...body } = json<Record<string, unknown>>(response);
  return {
    status: response.statusCode,
    body: JSON.stringify(body),
    type: response.headers['content-type'],
    length: response.body.length,
  };
}

describe('POST /api/auth/signup without an invitation', () => {
  it('answers an address with an account exactly like a new one (byte for byte)', async () => {
    const existing = await makeUser(h);
    const fresh = await signup({ email: newEmail(), password: PASSWORD });
    const taken = await signup({ email: existing.email.toUpperCase(), password: PASSWORD });
    expect(fresh.statusCode, fresh.body).toBe(202);
    expect(comparable(taken)).toEqual(comparable(fresh));
    expect(json(fresh)).toEqual({
      success: true,
      message:
        'Check your email: we sent a link to finish signing up. It works once and expires in 24 hours.',
    });
  });

  it('creates no account until the mailed link is followed', async () => {
    const email = newEmail();
    expect((await signup({ email, password: PASSWORD })).statusCode).toBe(202);
    expectError(await login(email), 401, 'unauthorized');
    expect(await emailVerifiedAt(email)).toBeUndefined();
    const mail = await verifyMailTo(email);
    expect(mail.text).toContain(`http://playloop.test/verify-email?token=${tokenOf(mail)}`);
  });

  it('keeps only hashes: neither the password nor the link token is stored or logged', async () => {
    const email = newEmail();
    const password = `pw-${unique('secret')}`;
    await signup({ email, password });
    const token = tokenOf(await verifyMailTo(email));
    const row = await h.deps.database.db
      .selectFrom('signup_requests')
      .selectAll()
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2/);
    expect(JSON.stringify(row)).not.toContain(password);
    expect(JSON.stringify(row)).not.toContain(token);
    expect(h.logs()).not.toContain(password);
    expect(h.logs()).not.toContain(token);
  });

  it("mails an existing account's owner a note with a working reset link, not a sign-up link", async () => {
    const existing = await makeUser(h);
    await signup({ email: existing.email, password: 'intruder-password' });
    const [mail] = await waitMails(existing.email, 1);
    expect(mail!.subject).toBe('Someone tried to sign up to PlayLoop with your address');
    expect(mail!.text).toContain('/reset-password?token=');
    expect(mail!.text).not.toContain('/verify-email');
    // The intruder's password was not set on the account.
    expectError(await login(existing.email, 'intruder-password'), 401, 'unauthorized');
    expect((await login(existing.email, existing.password)).statusCode).toBe(200);
    const reset = await post('/api/auth/password-reset/confirm', {
      token: tokenOf(mail!),
      new_password: 'owner-new-password',
    });
    expect(reset.statusCode, reset.body).toBe(200);
    expect((await login(existing.email, 'owner-new-password')).statusCode).toBe(200);
  });

  it('checks the body before anything else: bad input is 400 for any address', async () => {
    const existing = await makeUser(h);
    for (const email of [existing.email, newEmail()]) {
      expectError(await signup({ email, password: 'short' }), 400, 'validation_failed');
      expectError(
        await signup({ email, password: PASSWORD, organization_name: '  ' }),
        400,
        'validation_failed',
      );
    }
  });
});

describe('POST /api/auth/verify-email', () => {
  it('creates the verified user and the organization asked for, and answers like a login', async () => {
    const email = newEmail();
    await signup({ email, password: PASSWORD, name: 'Verified Person', organization_name: 'V Co' });
    const response = await verify(tokenOf(await verifyMailTo(email)));
    expect(response.statusCode, response.body).toBe(200);
    const data = json<{ data: LoginJson }>(response).data;
    expect(data.token).toMatch(/^pls_/);
    expect(data.user).toMatchObject({ email, name: 'Verified Person' });
    expect(data.organizations).toEqual([expect.objectContaining({ name: 'V Co', role: 'Owner' })]);
    expect(await emailVerifiedAt(email)).toBeInstanceOf(Date);
    expect((await login(email)).statusCode).toBe(200);
    const me = await h.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${data.token}` },
    });
    expect(me.statusCode).toBe(200);
  });

  it('refuses another password with 401 and leaves the link usable', async () => {
    const email = newEmail();
    await signup({ email, password: PASSWORD });
    const token = tokenOf(await verifyMailTo(email));
    expectError(await verify(token, 'someone-elses-password'), 401, 'unauthorized');
    expect(await emailVerifiedAt(email)).toBeUndefined();
    expect((await verify(token)).statusCode).toBe(200);
  });

  it('works once: the used link is 400 and creates nobody twice', async () => {
    const email = newEmail();
    await signup({ email, password: PASSWORD });
    const token = tokenOf(await verifyMailTo(email));
    expect((await verify(token)).statusCode).toBe(200);
    const again = expectError(await verify(token), 400, 'bad_request');
    expect(again.error).toBe('Invalid or expired verification link');
  });

  it('expires after 24 hours', async () => {
    const email = newEmail();
    await signup({ email, password: PASSWORD });
    const token = tokenOf(await verifyMailTo(email));
    h.clock.advance(24 * 3_600_000 + 1000);
    expectError(await verify(token), 400, 'bad_request');
    expectError(await login(email), 401, 'unauthorized');
  });

  it("voids the address's other pending links once one made the account", async () => {
    const email = newEmail();
    await signup({ email, password: PASSWORD });
    await signup({ email, password: 'second-password' });
    const [first, second] = await waitMails(email, 2);
    expect((await verify(tokenOf(second!), 'second-password')).statusCode).toBe(200);
    expectError(await verify(tokenOf(first!)), 400, 'bad_request');
    expect((await login(email, 'second-password')).statusCode).toBe(200);
  });

  it('answers 409 and creates nothing when the address got an account meanwhile', async () => {
    const email = newEmail();
    await signup({ email, password: PASSWORD, organization_name: 'Never Made' });
    const token = tokenOf(await verifyMailTo(email));
    await createUser(h.deps, { email: email.toUpperCase(), password: 'operator-made-password' });
    expectError(await verify(token), 409, 'conflict');
    const users = await h.deps.database.db
      .selectFrom('users')
      .select('id')
      .where(sql<string>`lower(email)`, '=', email.toLowerCase())
      .execute();
    expect(users).toHaveLength(1);
    expectError(await login(email), 401, 'unauthorized');
  });

  it('lets exactly one of many concurrent verifications create the account', async () => {
    const email = newEmail();
    await signup({ email, password: PASSWORD });
    const token = tokenOf(await verifyMailTo(email));
    const answers = await Promise.all(Array.from({ length: 8 }, () => verify(token)));
    const statuses = answers.map((a) => a.statusCode).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.every((s) => s === 200 || s === 400 || s === 409)).toBe(true);
    for (const answer of answers) if (answer.statusCode !== 200) errorBody(answer);
  });

  it.each<[string, object]>([
    ['no token', { password: PASSWORD }],
    ['an empty token', { token: '', password: PASSWORD }],
    ['a token over 200 characters', { token: 'x'.repeat(201), password: PASSWORD }],
    ['no password', { token: 'abc' }],
    ['an unknown field', { token: 'abc', password: PASSWORD, email: 'a@b.test' }],
  ])('rejects a body with %s with 400', async (_label, payload) => {
    expectError(await post('/api/auth/verify-email', payload), 400, 'validation_failed');
  });

  it('answers 400 to an unknown token', async () => {
    expectError(await verify(unique('made-up')), 400, 'bad_request');
  });
});

describe('other proofs of the address', () => {
  it('marks the address verified when a mailed password reset is completed', async () => {
    const user = await legacyUser();
    expect(await emailVerifiedAt(user.email)).toBeNull();
    await post('/api/auth/password-reset', { email: user.email });
    const mail = await h.smtp.waitFor(
      (m) => m.to.includes(user.email) && m.text.includes('/reset-password'),
    );
    const done = await post('/api/auth/password-reset/confirm', {
      token: tokenOf(mail),
      new_password: 'a-new-password',
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(await emailVerifiedAt(user.email)).toBeInstanceOf(Date);
  });

  it('marks the address verified when the user accepts an invitation mailed to it', async () => {
    const t = await makeTenant(h);
    const user = await legacyUser();
    const invited = await h.inject({
      method: 'POST',
      url: `/api/organizations/${t.org.id}/invitations`,
      headers: t.owner.auth,
      payload: { email: user.email, role: 'Viewer' },
    });
    expect(invited.statusCode, invited.body).toBe(200);
    const token = tokenOf(await h.smtp.waitFor((m) => m.to.includes(user.email)));
    const session = json<{ data: { token: string } }>(await login(user.email)).data.token;
    const accepted = await h.inject({
      method: 'POST',
      url: '/api/invitations/accept',
      headers: { authorization: `Bearer ${session}` },
      payload: { token },
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(await emailVerifiedAt(user.email)).toBeInstanceOf(Date);
  });

  it('creates invited and operator-made users verified', async () => {
    const t = await makeTenant(h);
    const email = newEmail();
    await h.inject({
      method: 'POST',
      url: `/api/organizations/${t.org.id}/invitations`,
      headers: t.owner.auth,
      payload: { email, role: 'Editor' },
    });
    const token = tokenOf(await h.smtp.waitFor((m) => m.to.includes(email)));
    const joined = await signup({ email, password: PASSWORD, invitation_token: token });
    expect(joined.statusCode, joined.body).toBe(200);
    expect(await emailVerifiedAt(email)).toBeInstanceOf(Date);
    expect(await emailVerifiedAt(t.owner.email)).toBeInstanceOf(Date);
  });
});

describe('sign-up mail throttling per address', () => {
  let limited: Harness;
  const RULE = { limit: 3, windowSeconds: 3600 };

  beforeAll(async () => {
    limited = await createHarness({
      start: new Date('2026-11-22T10:00:00.000Z'),
      config: {
        smtpUrl: h.smtp.url,
        authThrottles: { ...h.deps.config.authThrottles, signupPerAccount: RULE },
      },
    });
  });
  afterAll(async () => {
    await limited?.close();
  });

  it('ships 3 per hour by default', () => {
    expect(loadConfig({}).authThrottles.signupPerAccount).toEqual(RULE);
  });

  it('mails an address at most 3 times an hour, from any client, known or not alike', async () => {
    const known = `${unique('known')}@example.test`;
    await createUser(limited.deps, { email: known, password: PASSWORD });
    const unknown = newEmail();
    const answers: Record<string, number[]> = { known: [], unknown: [] };
    for (let i = 0; i < 4; i++) {
      const ip = `10.9.${i}.1`;
      answers.known!.push(
        (await signup({ email: known, password: PASSWORD }, limited, ip)).statusCode,
      );
      answers.unknown!.push(
        (await signup({ email: unknown, password: PASSWORD }, limited, ip)).statusCode,
      );
    }
    expect(answers).toEqual({ known: [202, 202, 202, 429], unknown: [202, 202, 202, 429] });
    const refused = await signup({ email: known, password: PASSWORD }, limited, '10.9.9.9');
    const refusedUnknown = await signup(
      { email: unknown, password: PASSWORD },
      limited,
      '10.9.9.8',
    );
    expect(errorBody(refused).retry_after).toBe(errorBody(refusedUnknown).retry_after);
    expect(await waitMails(known, 3)).toHaveLength(3);
    expect(await waitMails(unknown, 3)).toHaveLength(3);
    limited.clock.advance(3_600_000);
    expect((await signup({ email: known, password: PASSWORD }, limited)).statusCode).toBe(202);
  });
});
