import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  makeTenant,
  makeUser,
  type Tenant,
  type TestUser,
  unique,
} from '../../../test/factories.ts';
import {
  createHarness,
  createMailHarness,
  expectError,
  type Harness,
  json,
  type MailHarness,
} from '../../../test/harness.ts';
import type { CaughtMail } from '../../../test/smtp.ts';
import { addMember } from '../organizations/index.ts';
import { createUser, login } from '../users/index.ts';

interface InvitationJson {
  id: string;
  email: string;
  role: string;
  status: string;
  invited_by: number | null;
  created_at: string;
  expires_at: string;
  accepted_at: string | null;
  email_sent?: boolean;
}

interface MemberJson {
  user_id: number | null;
  invitation_id: string | null;
  email: string;
  role: string;
  status: string;
}

let h: MailHarness;

beforeAll(async () => {
  h = await createMailHarness();
});

afterAll(async () => {
  await h?.close();
});

const newEmail = () => `${unique('invitee')}@example.test`;
const bearer = (user: TestUser | { token: string }) => ({ authorization: `Bearer ${user.token}` });

const invite = (orgId: number, by: { token: string } | undefined, payload: object) =>
  h.inject({
    method: 'POST',
    url: `/api/organizations/${orgId}/invitations`,
    headers: by ? bearer(by) : {},
    payload,
  });
const list = (orgId: number, by: { token: string }) =>
  h.inject({ method: 'GET', url: `/api/organizations/${orgId}/invitations`, headers: bearer(by) });
const revoke = (orgId: number, id: string, by: { token: string }) =>
  h.inject({
    method: 'DELETE',
    url: `/api/organizations/${orgId}/invitations/${id}`,
    headers: bearer(by),
  });
const accept = (token: string, by: { token: string }) =>
  h.inject({
    method: 'POST',
    url: '/api/invitations/accept',
    headers: bearer(by),
    payload: { token },
  });
const members = (orgId: number, by: { token: string }) =>
  h.inject({ method: 'GET', url: `/api/organizations/${orgId}/members`, headers: bearer(by) });

async function invited(t: Tenant, email: string, role = 'Editor', by: TestUser = t.owner) {
  const before = h.smtp.messages.length;
  const response = await invite(t.org.id, by, { email, role });
  expect(response.statusCode, response.body).toBe(200);
  const data = json<{ data: InvitationJson }>(response).data;
  const address = email.toLowerCase();
  const mail = await h.smtp.waitFor(
    (m) =>
      h.smtp.messages.indexOf(m) >= before && m.to.some((rcpt) => rcpt.toLowerCase() === address),
  );
  return { invitation: data, mail, token: tokenOf(mail) };
}

function tokenOf(mail: CaughtMail): string {
  const link = new URL(/https?:\/\/\S+/.exec(mail.text)![0]);
  expect(`${link.origin}${link.pathname}`).toBe('http://playloop.test/accept-invite');
  return link.searchParams.get('token')!;
}

/** A user with exactly this email, logged in. */
async function userWithEmail(email: string): Promise<{ id: number; token: string }> {
  const user = await createUser(h.deps, { email, password: 'invitee-password' });
  const { token } = await login(h.deps, { email, password: 'invitee-password' });
  return { id: user.id, token };
}

describe('POST /api/organizations/:orgId/invitations', () => {
  it('mails an accept link valid for 30 days and lists the invitation as pending', async () => {
    const t = await makeTenant(h);
    const email = newEmail();
    const { invitation, mail } = await invited(t, email, 'Analyst');
    expect(invitation).toMatchObject({
      email,
      role: 'Analyst',
      status: 'pending',
      invited_by: t.owner.id,
      accepted_at: null,
      email_sent: true,
    });
    expect(invitation.expires_at).toBe(
      new Date(h.clock.now().getTime() + 30 * 86_400_000).toISOString(),
    );
    expect(mail.subject).toBe(`PlayLoop invitation to join “${t.org.name}”`);
    expect(mail.text).toContain('as Analyst');

    const listed = json<{ data: InvitationJson[] }>(await list(t.org.id, t.owner)).data;
    expect(listed.map((i) => [i.id, i.status])).toEqual([[invitation.id, 'pending']]);
    const rows = json<{ data: MemberJson[] }>(await members(t.org.id, t.owner)).data;
    expect(rows.at(-1)).toMatchObject({
      user_id: null,
      invitation_id: invitation.id,
      email,
      role: 'Analyst',
      status: 'Pending',
    });
  });

  it.each(['Admin', 'Editor', 'Analyst', 'Viewer'])('lets an Admin invite an %s', async (role) => {
    const t = await makeTenant(h);
    const admin = await makeUser(h, t.org.id, 'Admin');
    const response = await invite(t.org.id, admin, { email: newEmail(), role });
    expect(response.statusCode, response.body).toBe(200);
  });

  it('refuses Owner as a role with 400: ownership is given by promotion', async () => {
    const t = await makeTenant(h);
    expectError(
      await invite(t.org.id, t.owner, { email: newEmail(), role: 'Owner' }),
      400,
      'validation_failed',
    );
  });

  it.each(['Editor', 'Analyst', 'Viewer'] as const)(
    'answers 403 to an inviting %s',
    async (role) => {
      const t = await makeTenant(h);
      const member = await makeUser(h, t.org.id, role);
      expectError(
        await invite(t.org.id, member, { email: newEmail(), role: 'Viewer' }),
        403,
        'forbidden',
      );
      expectError(await list(t.org.id, member), 403, 'forbidden');
    },
  );

  it('replaces the pending invitation when the address is invited again', async () => {
    const t = await makeTenant(h);
    const email = newEmail();
    const first = await invited(t, email, 'Viewer');
    h.clock.advance(1000);
    const second = await invited(t, email.toUpperCase(), 'Editor');
    const statuses = json<{ data: InvitationJson[] }>(await list(t.org.id, t.owner)).data;
    expect(statuses.map((i) => [i.id, i.status])).toEqual([
      [second.invitation.id, 'pending'],
      [first.invitation.id, 'revoked'],
    ]);
    const invitee = await userWithEmail(email);
    expectError(await accept(first.token, invitee), 410, 'invitation_gone');
    const accepted = await accept(second.token, invitee);
    expect(json<{ data: { role: string } }>(accepted).data.role).toBe('Editor');
  });

  it('answers 409 when the address belongs to a member', async () => {
    const t = await makeTenant(h);
    const member = await makeUser(h, t.org.id, 'Viewer');
    expectError(
      await invite(t.org.id, t.owner, { email: member.email.toUpperCase(), role: 'Editor' }),
      409,
      'conflict',
    );
  });

  it.each<[string, object]>([
    ['an invalid email', { email: 'not-an-email', role: 'Editor' }],
    ['an unknown role', { email: 'someone@example.test', role: 'Superuser' }],
    ['no role', { email: 'someone@example.test' }],
    ['an unknown field', { email: 'someone@example.test', role: 'Editor', org_id: 1 }],
  ])('rejects %s with 400', async (_label, payload) => {
    const t = await makeTenant(h);
    expectError(await invite(t.org.id, t.owner, payload), 400, 'validation_failed');
  });

  it('rejects an organization id that is not a number with 400', async () => {
    const t = await makeTenant(h);
    const response = await h.inject({
      method: 'GET',
      url: '/api/organizations/abc/invitations',
      headers: t.owner.auth,
    });
    expectError(response, 400, 'validation_failed');
  });
});

describe('POST /api/invitations/accept', () => {
  it('joins with the invited role when the email matches in any letter case', async () => {
    const t = await makeTenant(h);
    const email = newEmail();
    const { invitation, token } = await invited(t, email.toUpperCase(), 'Analyst');
    const invitee = await userWithEmail(email);
    const response = await accept(token, invitee);
    expect(response.statusCode, response.body).toBe(200);
    expect(json(response)).toEqual({
      success: true,
      data: {
        organization: { id: t.org.id, name: t.org.name, slug: t.org.slug },
        role: 'Analyst',
      },
    });
    const rows = json<{ data: MemberJson[] }>(await members(t.org.id, invitee)).data;
    expect(rows.find((r) => r.user_id === invitee.id)).toMatchObject({
      status: 'Active',
      role: 'Analyst',
    });
    expect(rows.some((r) => r.status === 'Pending')).toBe(false);
    const listed = json<{ data: InvitationJson[] }>(await list(t.org.id, t.owner)).data;
    expect(listed[0]).toMatchObject({ id: invitation.id, status: 'accepted' });
    expect(listed[0]!.accepted_at).not.toBeNull();
    expectError(await accept(token, invitee), 410, 'invitation_gone');
  });

  it('answers 403 to a user with another email and leaves the invitation usable', async () => {
    const t = await makeTenant(h);
    const email = newEmail();
    const { token } = await invited(t, email);
    const stranger = await makeUser(h);
    const body = expectError(await accept(token, stranger), 403, 'forbidden');
    expect(body.error).toContain('another email address');
    expect((await accept(token, await userWithEmail(email))).statusCode).toBe(200);
  });

  it('answers 410 once the invitation is 30 days old', async () => {
    const t = await makeTenant(h);
    const email = newEmail();
    const { invitation, token } = await invited(t, email);
    h.clock.advance(30 * 86_400_000 + 1000);
    // Logged in after the jump, so the login token itself is fresh.
    const invitee = await userWithEmail(email);
    expectError(await accept(token, invitee), 410, 'invitation_gone');
    const owner = await login(h.deps, { email: t.owner.email, password: t.owner.password });
    const listed = json<{ data: InvitationJson[] }>(await list(t.org.id, owner)).data;
    expect(listed[0]).toMatchObject({ id: invitation.id, status: 'expired' });
    const rows = json<{ data: MemberJson[] }>(await members(t.org.id, owner)).data;
    expect(rows.some((r) => r.status === 'Pending')).toBe(false);
  });

  it('answers 410 to an unknown token', async () => {
    const user = await makeUser(h);
    expectError(await accept('no-such-invitation-token', user), 410, 'invitation_gone');
  });

  it('answers 409 to someone who became a member meanwhile, keeping their role', async () => {
    const t = await makeTenant(h);
    const email = newEmail();
    const { token } = await invited(t, email, 'Admin');
    const invitee = await userWithEmail(email);
    await addMember(h.deps, t.org.id, invitee.id, 'Viewer');
    expectError(await accept(token, invitee), 409, 'conflict');
    const rows = json<{ data: MemberJson[] }>(await members(t.org.id, invitee)).data;
    expect(rows.find((r) => r.user_id === invitee.id)?.role).toBe('Viewer');
  });

  it('lets exactly one of many concurrent accepts win', async () => {
    const t = await makeTenant(h);
    const email = newEmail();
    const { token } = await invited(t, email);
    const invitee = await userWithEmail(email);
    const results = await Promise.all(Array.from({ length: 6 }, () => accept(token, invitee)));
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 410, 410, 410, 410, 410]);
  });

  it('answers 400 without a token', async () => {
    const user = await makeUser(h);
    const response = await h.inject({
      method: 'POST',
      url: '/api/invitations/accept',
      headers: user.auth,
      payload: {},
    });
    expectError(response, 400, 'validation_failed');
  });
});

describe('DELETE /api/organizations/:orgId/invitations/:id', () => {
  it('revokes a pending invitation for good: its link answers 410', async () => {
    const t = await makeTenant(h);
    const admin = await makeUser(h, t.org.id, 'Admin');
    const email = newEmail();
    const { invitation, token } = await invited(t, email);
    const response = await revoke(t.org.id, invitation.id, admin);
    expect(response.statusCode, response.body).toBe(200);
    expect(json<{ data: InvitationJson }>(response).data.status).toBe('revoked');
    expectError(await accept(token, await userWithEmail(email)), 410, 'invitation_gone');
    expectError(await revoke(t.org.id, invitation.id, admin), 409, 'conflict');
    const rows = json<{ data: MemberJson[] }>(await members(t.org.id, t.owner)).data;
    expect(rows.some((r) => r.status === 'Pending')).toBe(false);
  });

  it('answers 403 to an Editor and 404 to an unknown id', async () => {
    const t = await makeTenant(h);
    const editor = await makeUser(h, t.org.id, 'Editor');
    const { invitation } = await invited(t, newEmail());
    expectError(await revoke(t.org.id, invitation.id, editor), 403, 'forbidden');
    expectError(
      await revoke(t.org.id, '00000000-0000-4000-8000-000000000000', t.owner),
      404,
      'not_found',
    );
    expectError(await revoke(t.org.id, 'not-a-uuid', t.owner), 400, 'validation_failed');
  });
});

describe('tenant isolation and authentication', () => {
  it("answers 404 for another organization's invitations, on every route", async () => {
    const a = await makeTenant(h);
    const b = await makeTenant(h);
    const { invitation } = await invited(a, newEmail());
    expectError(
      await invite(a.org.id, b.owner, { email: newEmail(), role: 'Viewer' }),
      404,
      'not_found',
    );
    expectError(await list(a.org.id, b.owner), 404, 'not_found');
    expectError(await revoke(a.org.id, invitation.id, b.owner), 404, 'not_found');
    // B's Owner addressing A's invitation through B's own organization.
    expectError(await revoke(b.org.id, invitation.id, b.owner), 404, 'not_found');
    const listed = json<{ data: InvitationJson[] }>(await list(a.org.id, a.owner)).data;
    expect(listed[0]!.status).toBe('pending');
  });

  it.each<[string, string, object | undefined]>([
    ['POST', '/api/organizations/1/invitations', { email: 'a@example.test', role: 'Viewer' }],
    ['GET', '/api/organizations/1/invitations', undefined],
    ['DELETE', '/api/organizations/1/invitations/00000000-0000-4000-8000-000000000000', undefined],
    ['POST', '/api/invitations/accept', { token: 'abc' }],
  ])('answers 401 to %s %s without a bearer token', async (method, url, payload) => {
    const response = await h.inject({
      method: method as 'GET',
      url,
      ...(payload ? { payload } : {}),
    });
    expectError(response, 401, 'unauthorized');
  });
});

describe('when the mail server is down', () => {
  let down: Harness;
  beforeAll(async () => {
    down = await createHarness({ config: { smtpUrl: 'smtp://127.0.0.1:1' } });
  });
  afterAll(async () => {
    await down?.close();
  });

  it('keeps the invitation and says the mail was not sent', async () => {
    const t = await makeTenant(down);
    const response = await down.inject({
      method: 'POST',
      url: `/api/organizations/${t.org.id}/invitations`,
      headers: t.owner.auth,
      payload: { email: newEmail(), role: 'Viewer' },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(json<{ data: InvitationJson }>(response).data).toMatchObject({
      status: 'pending',
      email_sent: false,
    });
  });
});
