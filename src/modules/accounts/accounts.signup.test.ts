import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTenant, makeUser, unique } from '../../../test/factories.ts';
import {
  createHarness,
  createMailHarness,
  expectError,
  type Harness,
  json,
  type MailHarness,
} from '../../../test/harness.ts';

interface SignupJson {
  token: string;
  token_type: string;
  expires_at: string;
  user: { id: number; email: string; name: string | null; created_at: string };
  organizations: { id: number; name: string; slug: string; role: string }[];
}

let h: MailHarness;

beforeAll(async () => {
  h = await createMailHarness();
});

afterAll(async () => {
  await h?.close();
});

const newEmail = () => `${unique('new')}@example.test`;
const signup = (payload: object, harness: Harness = h) =>
  harness.inject({ method: 'POST', url: '/api/auth/signup', payload });

const tokenOf = (mail: { text: string }) =>
  new URL(/https?:\/\/\S+/.exec(mail.text)![0]).searchParams.get('token')!;

/** Signs up and follows the link mailed to the address, as its owner would. */
async function signedUp(
  payload: { email: string; password: string } & Record<string, unknown>,
): Promise<SignupJson> {
  const response = await signup(payload);
  expect(response.statusCode, response.body).toBe(202);
  const mail = await h.smtp.waitFor(
    (m) => m.to.includes(payload.email) && m.subject === 'Finish signing up for PlayLoop',
  );
  const verified = await h.inject({
    method: 'POST',
    url: '/api/auth/verify-email',
    payload: { token: tokenOf(mail), password: payload.password },
  });
  expect(verified.statusCode, verified.body).toBe(200);
  return json<{ success: true; data: SignupJson }>(verified).data;
}

/** Signs up with an invitation token mailed to that address: the account is made at once. */
async function signedUpInvited(payload: object): Promise<SignupJson> {
  const response = await signup(payload);
  expect(response.statusCode, response.body).toBe(200);
  return json<{ success: true; data: SignupJson }>(response).data;
}

const me = (token: string) =>
  h.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } });

async function invite(orgId: number, token: string, email: string, role: string) {
  const response = await h.inject({
    method: 'POST',
    url: `/api/organizations/${orgId}/invitations`,
    headers: { authorization: `Bearer ${token}` },
    payload: { email, role },
  });
  expect(response.statusCode, response.body).toBe(200);
  return json<{ data: { id: string } }>(response).data;
}

describe('POST /api/auth/signup', () => {
  it('creates the user once the mailed link is followed, answering like a login', async () => {
    const email = newEmail();
    const data = await signedUp({ email, password: 'sign-up-password', name: 'New Person' });
    expect(data.token).toMatch(/^pls_/);
    expect(data.token_type).toBe('Bearer');
    expect(data.user).toMatchObject({ email, name: 'New Person' });
    expect(data.organizations).toEqual([]);
    const response = await me(data.token);
    expect(response.statusCode).toBe(200);
    expect(json<{ data: { id: number } }>(response).data.id).toBe(data.user.id);
    const login = await h.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email, password: 'sign-up-password' },
    });
    expect(login.statusCode).toBe(200);
  });

  it('creates an organization the new user owns when given organization_name', async () => {
    const data = await signedUp({
      email: newEmail(),
      password: 'sign-up-password',
      organization_name: 'Acme Games',
    });
    expect(data.organizations).toEqual([
      {
        id: expect.any(Number) as number,
        name: 'Acme Games',
        slug: expect.stringMatching(/^acme-games/) as string,
        role: 'Owner',
      },
    ]);
    const mine = json<{ data: { organizations: { id: number; role: string }[] } }>(
      await me(data.token),
    ).data.organizations;
    expect(mine).toEqual([
      expect.objectContaining({ id: data.organizations[0]!.id, role: 'Owner' }),
    ]);
  });

  it('gives organizations of the same name different slugs', async () => {
    const name = unique('Same Name');
    const first = await signedUp({
      email: newEmail(),
      password: 'sign-up-password',
      organization_name: name,
    });
    const second = await signedUp({
      email: newEmail(),
      password: 'sign-up-password',
      organization_name: name,
    });
    expect(first.organizations[0]!.slug).not.toBe(second.organizations[0]!.slug);
  });

  const tokenOfMailTo = async (email: string) =>
    tokenOf(await h.smtp.waitFor((m) => m.to.includes(email)));

  it('joins the organization whose invitation token is given, with the invited role', async () => {
    const a = await makeTenant(h);
    const email = newEmail();
    await invite(a.org.id, a.owner.token, email, 'Editor');
    const token = await tokenOfMailTo(email);
    const data = await signedUpInvited({
      email,
      password: 'sign-up-password',
      organization_name: 'Mine',
      invitation_token: token,
    });
    const roles = Object.fromEntries(data.organizations.map((o) => [o.id, o.role]));
    expect(roles[a.org.id]).toBe('Editor');
    expect(data.organizations).toHaveLength(2);
    const invitations = await h.inject({
      method: 'GET',
      url: `/api/organizations/${a.org.id}/invitations`,
      headers: a.owner.auth,
    });
    expect(json<{ data: { status: string }[] }>(invitations).data[0]!.status).toBe('accepted');
    // The link in the mail is used up by joining.
    const accept = await h.inject({
      method: 'POST',
      url: '/api/invitations/accept',
      headers: { authorization: `Bearer ${data.token}` },
      payload: { token },
    });
    expectError(accept, 410, 'invitation_gone');
  });

  it('joins nothing by the invited address alone: the invitation needs its mailed token', async () => {
    const a = await makeTenant(h);
    const email = newEmail();
    await invite(a.org.id, a.owner.token, email, 'Admin');
    const data = await signedUp({ email, password: 'sign-up-password' });
    expect(data.organizations).toEqual([]);
    const invitations = await h.inject({
      method: 'GET',
      url: `/api/organizations/${a.org.id}/invitations`,
      headers: a.owner.auth,
    });
    expect(json<{ data: { status: string }[] }>(invitations).data[0]!.status).toBe('pending');
  });

  it("refuses an expired, a revoked or another address's invitation token and keeps no account", async () => {
    const a = await makeTenant(h);
    const b = await makeTenant(h);
    const expiredEmail = newEmail();
    const revokedEmail = newEmail();
    await invite(a.org.id, a.owner.token, expiredEmail, 'Editor');
    const expiredToken = await tokenOfMailTo(expiredEmail);
    const revoked = await invite(b.org.id, b.owner.token, revokedEmail, 'Editor');
    const revokedToken = await tokenOfMailTo(revokedEmail);
    const revoke = await h.inject({
      method: 'DELETE',
      url: `/api/organizations/${b.org.id}/invitations/${revoked.id}`,
      headers: b.owner.auth,
    });
    expect(revoke.statusCode).toBe(200);
    expectError(
      await signup({
        email: revokedEmail,
        password: 'sign-up-password',
        invitation_token: revokedToken,
      }),
      410,
      'invitation_gone',
    );
    const pending = newEmail();
    await invite(a.org.id, a.owner.token, pending, 'Viewer');
    expectError(
      await signup({
        email: newEmail(),
        password: 'sign-up-password',
        invitation_token: await tokenOfMailTo(pending),
      }),
      403,
      'forbidden',
    );
    h.clock.advance(30 * 86_400_000 + 1000);
    expectError(
      await signup({
        email: expiredEmail,
        password: 'sign-up-password',
        invitation_token: expiredToken,
      }),
      410,
      'invitation_gone',
    );
    // The refused sign-up left no account behind: the address can sign up again.
    expect(
      (await signedUp({ email: expiredEmail, password: 'sign-up-password' })).organizations,
    ).toEqual([]);
  });

  it('answers 409, to the holder of its invitation only, when the invited address has an account', async () => {
    const a = await makeTenant(h);
    const user = await makeUser(h);
    await invite(a.org.id, a.owner.token, user.email, 'Viewer');
    const body = expectError(
      await signup({
        email: user.email.toUpperCase(),
        password: 'sign-up-password',
        invitation_token: await tokenOfMailTo(user.email),
      }),
      409,
      'conflict',
    );
    expect(body.error).toContain('already exists');
  });

  it.each<[string, object]>([
    ['a password under 8 characters', { email: 'short@example.test', password: 'short' }],
    ['no password', { email: 'nopass@example.test' }],
    ['an invalid email', { email: 'not-an-email', password: 'sign-up-password' }],
    [
      'an empty organization name',
      { email: 'x@example.test', password: 'sign-up-password', organization_name: '' },
    ],
    [
      'a blank organization name',
      { email: 'y@example.test', password: 'sign-up-password', organization_name: '   ' },
    ],
    ['an unknown field', { email: 'z@example.test', password: 'sign-up-password', role: 'Owner' }],
  ])('rejects a body with %s with 400', async (_label, payload) => {
    expectError(await signup(payload), 400, 'validation_failed');
  });

  it('checks the organization name before creating the account', async () => {
    const email = newEmail();
    expectError(
      await signup({ email, password: 'sign-up-password', organization_name: ' \t ' }),
      400,
      'validation_failed',
    );
    expect((await signup({ email, password: 'sign-up-password' })).statusCode).toBe(202);
  });
});

describe('with SIGNUP_ENABLED=false', () => {
  let closed: Harness;
  beforeAll(async () => {
    closed = await createHarness({ config: { signupEnabled: false } });
  });
  afterAll(async () => {
    await closed?.close();
  });

  it('answers 403 and creates nobody', async () => {
    const email = newEmail();
    const body = expectError(
      await signup({ email, password: 'sign-up-password' }, closed),
      403,
      'forbidden',
    );
    expect(body.error).toBe('Sign-up is disabled on this server');
    const login = await closed.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email, password: 'sign-up-password' },
    });
    expect(login.statusCode).toBe(401);
  });
});
