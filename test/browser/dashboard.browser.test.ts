/// <reference lib="dom" />
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults } from 'axe-core';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { makeTenant, unique } from '../factories.ts';
import { json } from '../harness.ts';
import { useBrowserServer } from './fixture.ts';

/**
 * Issue 15, first slice: the dashboard at /app (built by vitest's globalSetup as npm start
 * builds it), driven at laptop and phone size; every screen is photographed into
 * test-output/dashboard/ and checked with axe-core.
 */

const web = useBrowserServer({ mail: true });
const SHOTS = new URL('../../test-output/dashboard/', import.meta.url);
mkdirSync(SHOTS, { recursive: true });
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const SIZES = {
  laptop: { viewport: { width: 1280, height: 800 }, isMobile: false },
  phone: { viewport: { width: 390, height: 844 }, isMobile: true },
} as const;
type Size = keyof typeof SIZES;

async function open(size: Size): Promise<Page> {
  const { viewport, isMobile } = SIZES[size];
  const context = await web.browser.newContext({
    viewport,
    isMobile,
    hasTouch: isMobile,
    deviceScaleFactor: isMobile ? 2 : 1,
    locale: 'en-US',
  });
  return context.newPage();
}

/**
 * Photographs the screen and runs axe-core in it: no violation of serious or critical impact.
 * axe is evaluated through the DevTools protocol, which the page's CSP does not restrict.
 */
async function check(page: Page, size: Size, name: string): Promise<void> {
  // Mantine's transitions (menus, alerts) settle before the picture and the audit.
  await page.waitForTimeout(250);
  await page.screenshot({ path: new URL(`${size}-${name}.png`, SHOTS).pathname, fullPage: true });
  await page.evaluate(AXE);
  const results = await page.evaluate(() =>
    (window as unknown as { axe: { run: (o: object) => Promise<AxeResults> } }).axe.run({
      resultTypes: ['violations'],
    }),
  );
  const severe = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(severe, `${size}-${name}`).toEqual([]);
}

/** The newest mailed link to `to` whose path is `path`, pointed at this test server. */
async function mailedLink(to: string, path: string): Promise<URL> {
  const mail = await web.smtp.waitFor((m) => m.to.includes(to) && m.text.includes(path));
  const link = new URL(/https?:\/\/\S+/.exec(mail.text)?.[0] ?? '');
  expect(link.pathname).toBe(path);
  return new URL(`${link.pathname}${link.search}`, web.base);
}

const login = async (email: string, password: string) => {
  const res = await web.h.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email, password },
  });
  expect(res.statusCode, res.body).toBe(200);
  return { authorization: `Bearer ${json<{ data: { token: string } }>(res).data.token}` };
};

async function logIn(page: Page, email: string, password: string) {
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

describe.each(Object.keys(SIZES) as Size[])('the dashboard on a %s', (size) => {
  it('signs up, lands in the shell, creates a property, speaks Thai, signs out and back in', async () => {
    const email = `${unique('dash')}@example.test`;
    const password = `pw-${unique('d')}`;
    const orgName = `Lucky Star ${size}`;
    const page = await open(size);

    // `/` leads to /app, which asks a signed-out visitor to log in.
    await page.goto(`${web.base}/`);
    await page.getByTestId('login-form').waitFor();
    expect(new URL(page.url()).pathname).toBe('/app/login');
    expect(await page.title()).toBe('PlayLoop');
    await check(page, size, '01-login');

    await page.getByTestId('to-signup').click();
    await page.getByTestId('signup-form').waitFor();
    await page.getByTestId('signup-name').fill('Nok Marketer');
    await page.getByTestId('signup-email').fill(email);
    await page.getByTestId('signup-password').fill('short');
    await page.getByTestId('signup-org').fill(orgName);
    await page.getByTestId('signup-submit').click();
    expect(await page.getByTestId('form-error').innerText()).toBe('Use at least 8 characters.');
    await check(page, size, '02-signup-error');
    await page.getByTestId('signup-password').fill(password);
    await page.getByTestId('signup-submit').click();
    await page.getByTestId('signup-sent').waitFor();
    expect(await page.getByTestId('signup-sent').innerText()).toContain(email);
    await check(page, size, '03-signup-sent');

    // The mailed link finishes the sign-up (the server's /verify-email page).
    const verify = await mailedLink(email, '/verify-email');
    await page.goto(verify.href);
    await page.waitForSelector('[data-testid="verify-submit"]:not([disabled])');
    await page.getByTestId('verify-password').fill(password);
    await page.getByTestId('verify-submit').click();
    await page.getByTestId('verify-done').waitFor();

    await page.goto(`${web.base}/app`);
    await page.getByTestId('login-form').waitFor();
    await logIn(page, email, 'not-the-password');
    expect(await page.getByTestId('form-error').innerText()).toBe(
      'The email or password is wrong.',
    );
    await check(page, size, '04-login-wrong');
    await logIn(page, email, password);
    await page.getByTestId('home-title').waitFor();
    expect(new URL(page.url()).pathname).toBe('/app');
    expect(await page.getByTestId('home-title').innerText()).toBe(`Overview of ${orgName}`);
    // A new Owner: nothing yet, and each empty block says what to do.
    await page.getByTestId('games-empty').waitFor();
    // Each count arrives with a request of its own: polled until it shows.
    await expect.poll(() => page.getByTestId('games-count').innerText()).toBe('0');
    await expect.poll(() => page.getByTestId('streams-count').innerText()).toBe('0');
    expect(await page.getByTestId('games-empty').innerText()).toContain('Create your first one');
    await page.getByTestId('property-form').waitFor();
    await check(page, size, '05-home-empty');

    await page.getByTestId('property-name').fill('Bangkok Club');
    await page.getByTestId('property-timezone').fill('Asia/Bangkok');
    await page.getByTestId('property-create').click();
    await page.getByTestId('players-empty').waitFor();
    await expect.poll(() => page.getByTestId('players-count').innerText()).toBe('0');

    // What the page shows is what the API gives this user.
    const auth = await login(email, password);
    const me = json<{ data: { organizations: { id: number; name: string; role: string }[] } }>(
      await web.h.inject({ method: 'GET', url: '/api/auth/me', headers: auth }),
    ).data.organizations;
    expect(me).toMatchObject([{ name: orgName, role: 'Owner' }]);
    const properties = json<{ data: { name: string; timezone: string }[] }>(
      await web.h.inject({
        method: 'GET',
        url: `/api/properties?org_id=${me[0]!.id}`,
        headers: auth,
      }),
    ).data;
    expect(properties).toMatchObject([{ name: 'Bangkok Club', timezone: 'Asia/Bangkok' }]);

    if (size === 'phone') {
      // The switchers live in the menu, slid out of the screen on a phone until it is opened.
      const right = () =>
        page.getByTestId('org-switcher').evaluate((el) => el.getBoundingClientRect().right);
      expect(await right()).toBeLessThanOrEqual(0);
      await page.getByTestId('menu-toggle').click();
      await expect.poll(right).toBeGreaterThan(0);
    }
    await page.getByTestId('property-switcher').waitFor({ state: 'visible' });
    expect(await page.getByTestId('org-switcher').inputValue()).toBe(orgName);
    expect(await page.getByTestId('property-switcher').inputValue()).toBe('Bangkok Club');
    expect(await page.getByTestId('role').innerText()).toBe('Your role: Owner');
    await check(page, size, '06-shell-menu');
    if (size === 'phone') await page.getByTestId('menu-toggle').click();

    await page.getByTestId('language-switch').getByText('ไทย').click();
    await page.waitForFunction(() => document.documentElement.lang === 'th');
    expect(await page.getByTestId('home-title').innerText()).toBe(`ภาพรวมของ ${orgName}`);
    expect(await page.getByTestId('sign-out').innerText()).toBe('ออกจากระบบ');
    await check(page, size, '07-home-th');

    await page.getByTestId('sign-out').click();
    await page.getByTestId('login-form').waitFor();
    // The language stays chosen; the token was ended on the server, not only forgotten.
    expect(await page.getByTestId('login-submit').innerText()).toBe('เข้าสู่ระบบ');
    expect(await page.evaluate(() => localStorage.getItem('playloop.session'))).toBeNull();
    await check(page, size, '08-login-th');

    await logIn(page, email, password);
    await page.getByTestId('home-title').waitFor();
    expect(await page.getByTestId('home-title').innerText()).toBe(`ภาพรวมของ ${orgName}`);
    await expect.poll(() => page.getByTestId('players-count').innerText()).toBe('0');
    await page.getByTestId('language-switch').getByText('English').click();
    await page.waitForFunction(() => document.documentElement.lang === 'en');

    // A path the app does not know still loads the app (the server answers index.html).
    await page.goto(`${web.base}/app/no/such/screen`);
    await page.getByTestId('not-found').waitFor();
    await check(page, size, '09-not-found');
    await page.context().close();
  }, 120_000);

  it('resets a forgotten password from the login page', async () => {
    const t = await makeTenant(web.h);
    const page = await open(size);
    await page.goto(`${web.base}/app/login`);
    await page.getByTestId('to-reset').click();
    await page.getByTestId('reset-request-form').waitFor();
    await check(page, size, '10-reset-request');
    await page.getByTestId('reset-email').fill(t.owner.email);
    await page.getByTestId('reset-request-submit').click();
    await page.getByTestId('reset-sent').waitFor();
    await check(page, size, '11-reset-sent');

    // The mailed link's token, on the dashboard's screen for it.
    const link = await mailedLink(t.owner.email, '/reset-password');
    await page.goto(`${web.base}/app/reset-password${link.search}`);
    await page.getByTestId('reset-form').waitFor();
    await page.getByTestId('new-password').fill('a-new-password-1');
    await page.getByTestId('confirm-password').fill('a-new-password-2');
    await page.getByTestId('reset-submit').click();
    expect(await page.getByTestId('form-error').innerText()).toBe(
      'The two passwords are not the same.',
    );
    await check(page, size, '12-reset-new');
    const fresh = `new-${unique('pw')}`;
    await page.getByTestId('new-password').fill(fresh);
    await page.getByTestId('confirm-password').fill(fresh);
    await page.getByTestId('reset-submit').click();
    await page.getByTestId('reset-done').waitFor();
    await check(page, size, '13-reset-done');

    // Used once: the same link now says so in words.
    await page.goto(`${web.base}/app/reset-password${link.search}`);
    await page.getByTestId('new-password').fill('another-password');
    await page.getByTestId('confirm-password').fill('another-password');
    await page.getByTestId('reset-submit').click();
    expect(await page.getByTestId('form-error').innerText()).toContain(
      'This link is not valid any more',
    );

    await page.getByTestId('to-login').click();
    await logIn(page, t.owner.email, fresh);
    await page.getByTestId('home-title').waitFor();
    expect(await page.getByTestId('home-title').innerText()).toBe(`Overview of ${t.org.name}`);
    await page.context().close();
  }, 120_000);

  it('joins from an invitation as a Viewer and shows only what the API gives a Viewer', async () => {
    const t = await makeTenant(web.h);
    // A draft: the API lists it to the Owner, not to a Viewer.
    const draft = await web.h.inject({
      method: 'POST',
      url: '/api/games',
      headers: t.owner.auth,
      payload: { org_id: t.org.id, title: 'Next month', status: 'Draft' },
    });
    expect(draft.statusCode, draft.body).toBe(200);
    const email = `${unique('viewer')}@example.test`;
    const invited = await web.h.inject({
      method: 'POST',
      url: `/api/organizations/${t.org.id}/invitations`,
      headers: t.owner.auth,
      payload: { email, role: 'Viewer' },
    });
    expect(invited.statusCode, invited.body).toBe(200);
    const link = await mailedLink(email, '/accept-invite');

    const page = await open(size);
    await page.goto(`${web.base}/app/accept-invite${link.search}`);
    await page.getByTestId('choose-signup').click();
    await page.getByTestId('signup-name').fill('Pim Viewer');
    await page.getByTestId('signup-email').fill(email);
    await page.getByTestId('signup-password').fill('viewer-password-1');
    await check(page, size, '14-invite-signup');
    await page.getByTestId('signup-submit').click();
    await page.getByTestId('invite-done').waitFor();
    expect(await page.getByTestId('joined').innerText()).toBe(
      `You joined ${t.org.name} as Viewer.`,
    );
    await check(page, size, '15-invite-joined');
    await page.getByTestId('open-dashboard').click();
    await page.getByTestId('home-title').waitFor();

    // The counts are the API's answers to this Viewer, and differ from the Owner's.
    const viewer = await login(email, 'viewer-password-1');
    const count = async (url: string, auth: { authorization: string }) =>
      json<{ data: unknown[] }>(await web.h.inject({ method: 'GET', url, headers: auth })).data
        .length;
    const games = await count(`/api/games?org_id=${t.org.id}`, viewer);
    const streams = await count(`/api/streams?org_id=${t.org.id}`, viewer);
    expect(games + streams).toBeLessThan(
      (await count(`/api/games?org_id=${t.org.id}`, t.owner.auth)) +
        (await count(`/api/streams?org_id=${t.org.id}`, t.owner.auth)),
    );
    await expect.poll(() => page.getByTestId('games-count').innerText()).toBe(String(games));
    await expect.poll(() => page.getByTestId('streams-count').innerText()).toBe(String(streams));
    // A Viewer gets no form to create a property (the API would refuse it) but a pointer to who can.
    await page.getByTestId('properties-empty').waitFor();
    expect(await page.getByTestId('properties-empty').innerText()).toBe(
      'No property yet. Ask an Owner or Admin of this organization to create one.',
    );
    expect(await page.getByTestId('property-form').count()).toBe(0);
    await check(page, size, '16-home-viewer');
    await page.context().close();
  }, 120_000);
});
