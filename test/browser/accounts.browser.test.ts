/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { accountStringsFor } from '../../src/web/account.i18n.ts';
import { makeTenant, makeUser, unique } from '../factories.ts';
import { json } from '../harness.ts';
import { useBrowserServer } from './fixture.ts';

const en = accountStringsFor('en');
const th = accountStringsFor('th');

const web = useBrowserServer({ mail: true, shots: 'account-' });
const { phone, shot } = web;

/** The link of the newest mail to `to` whose path is `path`, pointed at this test server. */
async function mailedLink(to: string, path: string): Promise<string> {
  const mail = await web.smtp.waitFor(
    (m) => m.to.some((rcpt) => rcpt.toLowerCase() === to.toLowerCase()) && m.text.includes(path),
  );
  const link = new URL(mail.text.match(/https?:\/\/\S+/g)?.find((u) => u.includes(path)) ?? '');
  expect(`${link.origin}${link.pathname}`).toBe(`http://playloop.test${path}`);
  return `${web.base}${link.pathname}${link.search}`;
}

const login = (email: string, password: string) =>
  web.h.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });

async function invite(orgId: number, auth: { authorization: string }, email: string, role: string) {
  const res = await web.h.inject({
    method: 'POST',
    url: `/api/organizations/${orgId}/invitations`,
    headers: auth,
    payload: { email, role },
  });
  expect(res.statusCode, res.body).toBe(200);
  return mailedLink(email, '/accept-invite');
}

async function membersOf(orgId: number, auth: { authorization: string }) {
  const res = await web.h.inject({
    method: 'GET',
    url: `/api/organizations/${orgId}/members`,
    headers: auth,
  });
  expect(res.statusCode, res.body).toBe(200);
  return json<{ data: { email: string; role: string; status: string }[] }>(res).data;
}

/** Waits for the form's error line and returns its code and text. */
async function formError(page: Page, form: string) {
  const line = page.getByTestId(form).getByTestId('form-error');
  await line.waitFor();
  return { code: await line.getAttribute('data-code'), text: await line.innerText() };
}

describe('account pages in a phone browser', () => {
  it('resets a password from the mailed link once; the same link then says it was used', async () => {
    const user = await makeUser(web.h);
    const requested = await web.h.inject({
      method: 'POST',
      url: '/api/auth/password-reset',
      payload: { email: user.email },
    });
    expect(requested.statusCode).toBe(200);
    const link = await mailedLink(user.email, '/reset-password');

    const page = await phone();
    const referers: string[] = [];
    page.on('request', (request) => {
      const referer = request.headers()['referer'];
      if (referer) referers.push(`${request.url()} <- ${referer}`);
    });
    await page.goto(link);
    await page.getByTestId('reset-form').waitFor();
    await page.waitForSelector('[data-testid="reset-submit"]:not([disabled])');
    await shot(page, 'reset-1-form');

    // Checked in the page before anything is sent.
    await page.getByTestId('new-password').fill('a-new-password-1');
    await page.getByTestId('confirm-password').fill('a-new-password-2');
    await page.getByTestId('reset-submit').click();
    expect(await formError(page, 'reset-form')).toEqual({
      code: 'client',
      text: en['check.mismatch'],
    });
    await page.getByTestId('new-password').fill('short');
    await page.getByTestId('confirm-password').fill('short');
    await page.getByTestId('reset-submit').click();
    expect((await formError(page, 'reset-form')).text).toBe(en['check.password_short']);

    const fresh = `new-${unique('pw')}`;
    await page.getByTestId('new-password').fill(fresh);
    await page.getByTestId('confirm-password').fill(fresh);
    await page.getByTestId('reset-submit').click();
    await page.getByTestId('reset-done').waitFor();
    expect(await page.getByTestId('reset-done').innerText()).toContain(
      'Your password is changed. You can now log in.',
    );
    await shot(page, 'reset-2-done');

    expect((await login(user.email, fresh)).statusCode).toBe(200);
    expect((await login(user.email, user.password)).statusCode).toBe(401);

    await page.goto(link);
    await page.waitForSelector('[data-testid="reset-submit"]:not([disabled])');
    await page.getByTestId('new-password').fill('yet-another-password');
    await page.getByTestId('confirm-password').fill('yet-another-password');
    await page.getByTestId('reset-submit').click();
    expect(await formError(page, 'reset-form')).toEqual({
      code: 'bad_request',
      text: en['error.reset_invalid'],
    });
    await shot(page, 'reset-3-used');
    expect((await login(user.email, 'yet-another-password')).statusCode).toBe(401);
    // The token is in the page's URL: no request, not even to this origin, carried it away.
    expect(referers).toEqual([]);
    await page.context().close();
  }, 60_000);

  it('creates an account from an invitation and joins with the invited role', async () => {
    const t = await makeTenant(web.h);
    const email = `${unique('invitee')}@example.test`;
    const link = await invite(t.org.id, t.owner.auth, email, 'Editor');

    const page = await phone();
    await page.goto(link);
    await page.waitForSelector('[data-testid="choose-signup"]:not([disabled])');
    await shot(page, 'invite-1-choice');
    await page.getByTestId('choose-signup').click();
    await page.getByTestId('signup-name').fill('Nok Invitee');
    await page.getByTestId('signup-email').fill(email);
    await page.getByTestId('signup-password').fill('invitee-password-1');
    await shot(page, 'invite-2-signup');
    await page.getByTestId('signup-submit').click();
    await page.getByTestId('invite-done').waitFor();
    expect(await page.getByTestId('joined').innerText()).toBe(
      `You joined ${t.org.name} as Editor.`,
    );
    expect(await page.getByTestId('docs-link').getAttribute('href')).toBe('/docs');
    await shot(page, 'invite-3-joined');

    const members = await membersOf(t.org.id, t.owner.auth);
    expect(members.find((m) => m.email === email)).toMatchObject({
      role: 'Editor',
      status: 'Active',
    });
    const session = await login(email, 'invitee-password-1');
    expect(session.statusCode).toBe(200);
    const me = await web.h.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: {
        authorization: `Bearer ${json<{ data: { token: string } }>(session).data.token}`,
      },
    });
    expect(json<{ data: { name: string; organizations: unknown[] } }>(me).data).toMatchObject({
      name: 'Nok Invitee',
      organizations: [{ id: t.org.id, role: 'Editor' }],
    });
    await page.context().close();
  }, 60_000);

  it('lets an existing user accept by logging in, in Thai; the used link then refuses', async () => {
    const t = await makeTenant(web.h);
    const existing = await makeUser(web.h);
    const link = await invite(t.org.id, t.owner.auth, existing.email, 'Viewer');

    const page = await phone('th-TH');
    await page.goto(link);
    expect(await page.getAttribute('html', 'lang')).toBe('th');
    await page.waitForSelector('[data-testid="choose-login"]:not([disabled])');
    await page.getByTestId('choose-login').click();
    await page.getByTestId('login-email').fill(existing.email);
    await page.getByTestId('login-password').fill('not-the-password');
    await page.getByTestId('login-submit').click();
    expect(await formError(page, 'login-form')).toEqual({
      code: 'unauthorized',
      text: th['error.login_failed'],
    });
    await shot(page, 'invite-4-login-wrong-th');

    await page.getByTestId('login-password').fill(existing.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('invite-done').waitFor();
    expect(await page.getByTestId('joined').innerText()).toBe(
      `คุณเข้าร่วม ${t.org.name} ในบทบาท Viewer แล้ว`,
    );
    await shot(page, 'invite-5-joined-th');
    const members = await membersOf(t.org.id, t.owner.auth);
    expect(members.find((m) => m.email === existing.email)).toMatchObject({
      role: 'Viewer',
      status: 'Active',
    });

    await page.goto(link);
    await page.waitForSelector('[data-testid="choose-login"]:not([disabled])');
    await page.getByTestId('choose-login').click();
    await page.getByTestId('login-email').fill(existing.email);
    await page.getByTestId('login-password').fill(existing.password);
    await page.getByTestId('login-submit').click();
    expect(await formError(page, 'login-form')).toEqual({
      code: 'invitation_gone',
      text: th['error.invitation_gone'],
    });
    await page.context().close();
  }, 60_000);
});
