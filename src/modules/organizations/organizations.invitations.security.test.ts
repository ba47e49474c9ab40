import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  makePropertyTenant,
  makeTenant,
  makeUser,
  type Tenant,
  type TestUser,
  unique,
} from '../../../test/factories.ts';
import { createMailHarness, expectError, json, type MailHarness } from '../../../test/harness.ts';
import type { CaughtMail } from '../../../test/smtp.ts';
import { AppError } from '../../lib/errors.ts';
import { quoteName, requireDisplayName } from '../../lib/display-name.ts';
import { createApiKey } from '../api-keys/index.ts';
import { createPropertyKey } from '../property-keys/index.ts';
import { createUser, login } from '../users/index.ts';
import { addMember, createOrganization } from './index.ts';

interface InvitationJson {
  id: string;
  status: string;
}

// Small real limits: a user may send 3 invitations an hour, an organization 5 a day.
const PER_USER = 3;
const PER_ORG = 5;

let h: MailHarness;

beforeAll(async () => {
  h = await createMailHarness({
    config: {
      inviteThrottles: {
        perUser: { limit: PER_USER, windowSeconds: 3600 },
        perOrg: { limit: PER_ORG, windowSeconds: 86_400 },
      },
    },
  });
});

afterAll(async () => {
  await h?.close();
});

const newEmail = () => `${unique('invitee')}@example.test`;

const invite = (orgId: number, by: TestUser, email: string, role = 'Viewer') =>
  h.inject({
    method: 'POST',
    url: `/api/organizations/${orgId}/invitations`,
    headers: by.auth,
    payload: { email, role },
  });

async function invitedMail(t: { org: { id: number } }, by: TestUser, email: string) {
  const before = h.smtp.messages.length;
  const response = await invite(t.org.id, by, email);
  expect(response.statusCode, response.body).toBe(200);
  const mail = await h.smtp.waitFor(
    (m) => h.smtp.messages.indexOf(m) >= before && m.to.includes(email.toLowerCase()),
  );
  return { invitation: json<{ data: InvitationJson }>(response).data, mail };
}

/** The organization's invitations, as its owner lists them. */
async function invitationsOf(t: { org: { id: number }; owner: TestUser }) {
  const response = await h.inject({
    method: 'GET',
    url: `/api/organizations/${t.org.id}/invitations`,
    headers: t.owner.auth,
  });
  return json<{ data: InvitationJson[] }>(response).data;
}

function tokenOf(mail: CaughtMail): string {
  const link = new URL(/https?:\/\/\S+/.exec(mail.text)![0]);
  return link.searchParams.get('token')!;
}

describe('names in invitation mails', () => {
  it('refuses organization and user names with line breaks, control characters or over 80 characters', async () => {
    const bad = [
      'Acme\nSecurity notice',
      'Acme\r\nSubject: urgent',
      'Tab\there',
      'Bidi \u202Emoc.lapyap',
      'x'.repeat(81),
      '   ',
    ];
    for (const name of bad) {
      await expect(createOrganization(h.deps, { name, slug: unique('org') })).rejects.toThrow(
        AppError,
      );
      await expect(
        createUser(h.deps, { email: newEmail(), password: 'password-123', name }),
      ).rejects.toMatchObject({ code: 'validation_failed' });
    }
    expect(requireDisplayName('name', '  Casino Royale – Team 😀  ')).toBe(
      'Casino Royale – Team 😀',
    );
    expect(requireDisplayName('name', 'x'.repeat(80))).toHaveLength(80);
  });

  it('answers 400 to a sign-up whose names hold a line break or are too long', async () => {
    for (const payload of [
      { name: 'PayPal\nSupport' },
      { organization_name: 'Acme\r\nBcc: everyone@example.test' },
      { organization_name: 'o'.repeat(81) },
    ]) {
      const response = await h.inject({
        method: 'POST',
        url: '/api/auth/signup',
        payload: { email: newEmail(), password: 'password-123', ...payload },
      });
      expectError(response, 400, 'validation_failed');
    }
  });

  it('quotes stored names on one line, as user text, with no link and nothing in the headers', async () => {
    const t = await makeTenant(h);
    // Rows from before the rule (or written by other tools) are neutralised at mail time.
    const orgName =
      'Acme\n\nSECURITY NOTICE: your account is locked.\r\nLog in at https://paypal.com.evil.example/login';
    await h.deps.database.db
      .updateTable('organizations')
      .set({ name: orgName })
      .where('id', '=', t.org.id)
      .execute();
    await h.deps.database.db
      .updateTable('users')
      .set({ name: 'PayPal\u200B Support\u202E "Team" paypal.com' })
      .where('id', '=', t.owner.id)
      .execute();
    const email = newEmail();
    const { mail } = await invitedMail(t, t.owner, email);

    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.subject.startsWith('PlayLoop invitation to join “Acme SECURITY')).toBe(true);
    expect(mail.subject).not.toContain('paypal.com');
    // The accept link is the only link in the mail; no name reads as a domain or a URL.
    expect(mail.text.match(/https?:\/\/\S+/g)).toHaveLength(1);
    expect(mail.text.match(/https?:\/\/\S+/g)?.[0]).toMatch(/^http:\/\/playloop\.test\//);
    expect(mail.text).not.toMatch(/paypal\.com|evil\.example|https:\/\/paypal/);
    const lines = mail.text.split('\n');
    const orgLine = lines.find((line) => line.includes('Organization (name chosen by'));
    expect(orgLine).toBe(`  Organization (name chosen by its members): ${quoteName(orgName)}`);
    expect(orgLine).toMatch(/: “Acme SECURITY NOTICE:\u200B your account is locked․ Log in at/);
    const byLine = lines.find((line) => line.includes('Invited by'));
    expect(byLine).toContain(`“PayPal Support 'Team' paypal․com” <${t.owner.email}>`);
    // Each name is one line and quoted: no line of the mail starts with the user's words.
    expect(lines.some((line) => line.startsWith('SECURITY') || line.startsWith('Log in'))).toBe(
      false,
    );
    expect(mail.text).toContain('written by PlayLoop users, not by PlayLoop');
  });

  it('cuts a long stored name to 80 characters in the mail', () => {
    const quoted = quoteName('n'.repeat(500));
    expect([...quoted]).toHaveLength(82);
    expect(quoted.endsWith('…”')).toBe(true);
  });
});

describe('invitation throttles', () => {
  it(`refuses a user's invitation ${PER_USER + 1} within the hour with 429, re-sends included, and mails nothing`, async () => {
    const t = await makeTenant(h);
    const email = newEmail();
    // Re-sending to one address counts like inviting new ones.
    for (let i = 0; i < PER_USER; i++) await invitedMail(t, t.owner, email);
    const before = h.smtp.messages.length;
    const refused = await invite(t.org.id, t.owner, email);
    const body = expectError(refused, 429, 'rate_limited');
    expect(body.retry_after).toBeGreaterThan(0);
    expectError(await invite(t.org.id, t.owner, newEmail()), 429, 'rate_limited');
    // The mail is sent before the answer, so a refusal that had mailed would show here already.
    expect(h.smtp.messages.length).toBe(before);
    // Nothing was stored either: the last accepted invitation is still the pending one.
    const listed = await invitationsOf(t);
    expect(listed.map((i) => i.status).sort()).toEqual(['pending', 'revoked', 'revoked']);

    // An hour later the user may invite again.
    h.clock.advance(3600_000);
    await invitedMail(t, t.owner, newEmail());
  });

  it(`refuses the organization's invitation ${PER_ORG + 1} within the day, whoever sends it`, async () => {
    const t = await makeTenant(h);
    const admins = [await makeUser(h, t.org.id, 'Admin'), await makeUser(h, t.org.id, 'Admin')];
    for (let i = 0; i < PER_ORG; i++) await invitedMail(t, admins[i % 2]!, newEmail());
    const before = h.smtp.messages.length;
    for (const by of [...admins, t.owner]) {
      expectError(await invite(t.org.id, by, newEmail()), 429, 'rate_limited');
    }
    expect(h.smtp.messages.length).toBe(before);
    // Another organization's budget is its own.
    const other = await makeTenant(h);
    await invitedMail(other, other.owner, newEmail());
  });

  it('does not count refused attempts of members who may not invite', async () => {
    const t = await makeTenant(h);
    const viewer = await makeUser(h, t.org.id, 'Viewer');
    for (let i = 0; i < PER_ORG + 2; i++) {
      expectError(await invite(t.org.id, viewer, newEmail()), 403, 'forbidden');
    }
    await invitedMail(t, t.owner, newEmail());
  });
});

describe('removing a member', () => {
  async function remove(t: Tenant, userId: number, by: TestUser = t.owner) {
    return h.inject({
      method: 'DELETE',
      url: `/api/organizations/${t.org.id}/members/${userId}`,
      headers: by.auth,
    });
  }

  it('revokes the pending invitations the member sent, in the same change, and keeps the others', async () => {
    const t = await makeTenant(h);
    const admin = await makeUser(h, t.org.id, 'Admin');
    const inviteeEmail = newEmail();
    const invitee = await createUser(h.deps, { email: inviteeEmail, password: 'invitee-pass' });
    const { token } = await login(h.deps, { email: inviteeEmail, password: 'invitee-pass' });
    const { invitation, mail } = await invitedMail(t, admin, inviteeEmail);
    const second = await invitedMail(t, admin, newEmail());
    const byOwner = await invitedMail(t, t.owner, newEmail());

    const response = await remove(t, admin.id);
    expect(response.statusCode, response.body).toBe(200);
    const data = json<{ data: { revoked_invitation_ids: string[] } }>(response).data;
    expect(data.revoked_invitation_ids).toEqual([invitation.id, second.invitation.id].sort());

    const accepted = await h.inject({
      method: 'POST',
      url: '/api/invitations/accept',
      headers: { authorization: `Bearer ${token}` },
      payload: { token: tokenOf(mail) },
    });
    expectError(accepted, 410, 'invitation_gone');
    const listed = await invitationsOf(t);
    const status = new Map(listed.map((i) => [i.id, i.status]));
    expect(status.get(invitation.id)).toBe('revoked');
    expect(status.get(second.invitation.id)).toBe('revoked');
    expect(status.get(byOwner.invitation.id)).toBe('pending');
    expect(invitee.id).toBeGreaterThan(0);
  });

  it('revokes them when the member leaves, and leaves their invitations of other organizations alone', async () => {
    const t = await makeTenant(h);
    const other = await makeTenant(h);
    const admin = await makeUser(h, t.org.id, 'Admin');
    await addMember(h.deps, other.org.id, admin.id, 'Admin');
    const here = await invitedMail(t, admin, newEmail());
    const there = await invitedMail(other, admin, newEmail());
    const response = await remove(t, admin.id, admin);
    expect(response.statusCode, response.body).toBe(200);
    expect(json<{ data: { revoked_invitation_ids: string[] } }>(response).data).toMatchObject({
      revoked_invitation_ids: [here.invitation.id],
    });
    const listed = await invitationsOf(other);
    expect(listed.find((i) => i.id === there.invitation.id)?.status).toBe('pending');
  });

  it("keeps the member's keys working, lists them in the answer and shows created_by", async () => {
    // One organization with both kinds of key (its tier allows dpk_ keys too).
    const t = await makePropertyTenant(h);
    const admin = await makeUser(h, t.org.id, 'Admin');
    const apiKey = await createApiKey(h.deps, { userId: admin.id }, t.org.id, {
      name: 'Integration',
    });
    const pk = await createPropertyKey(
      h.deps,
      { userId: admin.id },
      { propertyId: t.property.id, name: 'Reporting' },
    );
    const response = await h.inject({
      method: 'DELETE',
      url: `/api/organizations/${t.org.id}/members/${admin.id}`,
      headers: t.owner.auth,
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(json<{ data: unknown }>(response).data).toEqual({
      revoked_invitation_ids: [],
      keys_created: {
        api_keys: [{ id: apiKey.id, name: 'Integration', key_prefix: apiKey.key_prefix }],
        property_keys: [
          { id: pk.id, property_id: t.property.id, name: 'Reporting', key_prefix: pk.key_prefix },
        ],
      },
    });
    // The keys belong to the organization: they still work.
    const sessions = await h.inject({
      method: 'GET',
      url: '/api/org-api-keys/sessions',
      headers: { 'x-api-key': apiKey.key },
    });
    expect(sessions.statusCode, sessions.body).toBe(200);
    const keys = json<{ data: { id: number; created_by: number | null }[] }>(
      await h.inject({
        method: 'GET',
        url: `/api/org-api-keys?org_id=${t.org.id}`,
        headers: t.owner.auth,
      }),
    ).data;
    expect(keys.find((k) => k.id === apiKey.id)?.created_by).toBe(admin.id);
  });
});
