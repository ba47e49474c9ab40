/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { accountStringsFor } from '../../src/web/account.i18n.ts';
import { unique } from '../factories.ts';
import { json } from '../harness.ts';
import { useBrowserServer } from './fixture.ts';

/** Issue 9 item 2: the sign-up link mailed to the address, followed in a phone web.browser. */

const en = accountStringsFor('en');
const th = accountStringsFor('th');

const web = useBrowserServer({ mail: true, shots: 'verify-' });
const { phone, shot } = web;

const post = (url: string, payload: object) => web.h.inject({ method: 'POST', url, payload });

/** Signs up over the API and returns the mailed link, pointed at this test server. */
async function signUpAndGetLink(email: string, password: string, extra: object = {}) {
  const response = await post('/api/auth/signup', { email, password, ...extra });
  expect(response.statusCode, response.body).toBe(202);
  const mail = await web.smtp.waitFor(
    (m) => m.to.includes(email) && m.text.includes('/verify-email'),
  );
  const link = new URL(/https?:\/\/\S+/.exec(mail.text)![0]);
  expect(`${link.origin}${link.pathname}`).toBe('http://playloop.test/verify-email');
  return `${web.base}${link.pathname}${link.search}`;
}

async function formError(page: Page) {
  const line = page.getByTestId('verify-form').getByTestId('form-error');
  await line.waitFor();
  return { code: await line.getAttribute('data-code'), text: await line.innerText() };
}

describe('the sign-up confirmation page in a phone browser', () => {
  it('asks for the sign-up password, creates the account once, then says the link was used', async () => {
    const email = `${unique('browser')}@example.test`;
    const password = `pw-${unique('b')}`;
    const link = await signUpAndGetLink(email, password, { organization_name: 'Browser Co' });

    const page = await phone();
    const referers: string[] = [];
    page.on('request', (request) => {
      const referer = request.headers()['referer'];
      if (referer) referers.push(`${request.url()} <- ${referer}`);
    });
    const response = await page.goto(link);
    expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(response?.headers()['cache-control']).toBe('no-store');
    await page.waitForSelector('[data-testid="verify-submit"]:not([disabled])');
    expect(await page.title()).toBe(`${en['verify.title']} · PlayLoop`);
    await shot(page, '1-form');
    // Opening the page created nothing: a mail scanner following the link finishes no sign-up.
    expect((await post('/api/auth/login', { email, password })).statusCode).toBe(401);

    await page.getByTestId('verify-password').fill('not-the-sign-up-password');
    await page.getByTestId('verify-submit').click();
    expect(await formError(page)).toEqual({
      code: 'unauthorized',
      text: en['error.verify_password'],
    });

    await page.getByTestId('verify-password').fill(password);
    await page.getByTestId('verify-submit').click();
    await page.getByTestId('verify-done').waitFor();
    expect(await page.getByTestId('verified').innerText()).toBe(
      en['verify.done.body'].replace('{email}', email),
    );
    expect(await page.getByTestId('owned-org').innerText()).toBe(
      'You own the organization Browser Co.',
    );
    expect(await page.getByTestId('docs-link').getAttribute('href')).toBe('/docs');
    await shot(page, '2-done');

    const session = await post('/api/auth/login', { email, password });
    expect(session.statusCode).toBe(200);
    expect(json<{ data: { user: { email: string } } }>(session).data.user.email).toBe(email);

    // The same link again: used.
    const again = await phone();
    await again.goto(link);
    await again.waitForSelector('[data-testid="verify-submit"]:not([disabled])');
    await again.getByTestId('verify-password').fill(password);
    await again.getByTestId('verify-submit').click();
    const line = again.getByTestId('verify-form').getByTestId('form-error');
    await line.waitFor();
    expect(await line.innerText()).toBe(en['error.verify_invalid']);
    await shot(again, '3-used');
    // The token is in the page's URL: no request, not even to this origin, carried it away.
    expect(referers).toEqual([]);
    await page.context().close();
    await again.context().close();
  }, 60_000);

  it('speaks Thai, and explains a link without its token', async () => {
    const email = `${unique('browser-th')}@example.test`;
    const link = await signUpAndGetLink(email, 'thai-password-1');
    const page = await phone('th-TH');
    await page.goto(link);
    await page.waitForSelector('[data-testid="verify-submit"]:not([disabled])');
    expect(await page.getByTestId('verify-submit').innerText()).toBe(th['verify.submit']);
    await page.getByTestId('verify-password').fill('thai-password-1');
    await page.getByTestId('verify-submit').click();
    await page.getByTestId('verify-done').waitFor();
    expect(await page.getByRole('heading').first().innerText()).toBe(th['verify.done.title']);
    await shot(page, '4-thai');

    await page.goto(`${web.base}/verify-email`);
    await page.getByTestId('missing-token').waitFor();
    expect(await page.getByTestId('missing-token').innerText()).toContain(
      th['verify.missing.body'],
    );
    await page.context().close();
  }, 60_000);
});
