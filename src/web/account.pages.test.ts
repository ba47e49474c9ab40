import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness, json } from '../../test/harness.ts';
import { accountStringsFor } from './account.i18n.ts';
import { MAX_LINK_TOKEN } from './account.render.ts';
import { escapeHtml } from './render.ts';
import { ACCOUNT_PAGE_CSP, PAGE_CSP } from './web.routes.ts';

let h: Harness;

beforeAll(async () => {
  h = await createHarness();
});

afterAll(async () => {
  await h?.close();
});

const get = (url: string, headers: Record<string, string> = {}) =>
  h.inject({ method: 'GET', url, headers });

/** The text of `<script type="application/json" id="…">`, as account.js reads it. */
function embedded(html: string, id: string): unknown {
  const open = `<script type="application/json" id="${id}">`;
  const start = html.indexOf(open);
  expect(start).toBeGreaterThan(-1);
  return JSON.parse(html.slice(start + open.length, html.indexOf('</script>', start)));
}

const TOKEN = 'q3Jz0-Xb_7kLr2c9mNwYtA4uE6iO8pHsDfGvB1xZaQc';

describe('GET /reset-password', () => {
  it('renders the new-password form with its confirm field and the script that sends it', async () => {
    const res = await get(`/reset-password?token=${TOKEN}`);
    expect(res.statusCode).toBe(200);
    const html = res.body;
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('data-testid="reset-form"');
    expect(html).toMatch(/<input[^>]*type="password"[^>]*name="new_password"/);
    expect(html).toMatch(/<input[^>]*type="password"[^>]*name="confirm_password"/);
    expect(html).toContain('autocomplete="new-password"');
    // The form posts (never a GET that would put the password in a URL), and only via the script.
    expect(html).toMatch(/<form[^>]*method="post"/);
    expect(html).toMatch(/<button type="submit"[^>]*data-testid="reset-submit" disabled>/);
    expect(html).toContain('<script type="module" src="/play/static/account.js"></script>');
    expect(html).toContain('href="/play/static/play.css"');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).toContain('<noscript>');
    expect(embedded(html, 'account-view')).toEqual({ lang: 'en', page: 'reset', token: TOKEN });
    expect(embedded(html, 'account-strings')).toEqual(accountStringsFor('en'));
  });

  it('sends the play pages’ headers: HTML, no caching, no referrer and their CSP', async () => {
    const res = await get(`/reset-password?token=${TOKEN}`);
    const play = await get('/play/game/1?session_token=00000000-0000-4000-8000-000000000000');
    expect(play.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(play.headers['referrer-policy']).toBe('no-referrer');
    expect(play.headers['content-security-policy']).toBe(PAGE_CSP);
    // The same policy (no inline script, only this origin) and no framing of a password form.
    expect(res.headers['content-security-policy']).toBe(ACCOUNT_PAGE_CSP);
    expect(ACCOUNT_PAGE_CSP).toBe(`${PAGE_CSP}; frame-ancestors 'none'`);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    // No inline script at all: only the module file and two JSON data blocks.
    const scripts = res.body.match(/<script[^>]*>/g) ?? [];
    expect(scripts).toEqual([
      '<script type="module" src="/play/static/account.js">',
      '<script type="application/json" id="account-view">',
      '<script type="application/json" id="account-strings">',
    ]);
  });

  it.each([
    ['no token', '/reset-password'],
    ['an empty token', '/reset-password?token='],
    ['a token no mail ever carried', `/reset-password?token=${'a'.repeat(MAX_LINK_TOKEN + 1)}`],
  ])('explains what to do instead of showing the form for %s', async (_case, url) => {
    const res = await get(url);
    expect(res.statusCode).toBe(200);
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.body).toContain('data-testid="missing-token"');
    expect(res.body).toContain('This link is incomplete');
    expect(res.body).toContain(escapeHtml(accountStringsFor('en')['reset.missing.body']));
    expect(res.body).not.toContain('<form');
    expect(res.body).not.toContain('account.js');
  });

  it('never lets a hostile token out of its JSON block', async () => {
    const hostile = '"><script>alert(1)</script><img src=x onerror=alert(2)>';
    const res = await get(`/reset-password?token=${encodeURIComponent(hostile)}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('<script>alert(1)');
    expect(res.body).not.toContain('<img src=x');
    expect(res.body).not.toContain(hostile);
    expect(res.body.toLowerCase().match(/<script/g)).toHaveLength(3);
    expect(res.body.toLowerCase().match(/<\/script/g)).toHaveLength(3);
    expect(embedded(res.body, 'account-view')).toEqual({
      lang: 'en',
      page: 'reset',
      token: hostile,
    });
  });

  it('speaks Thai when asked by ?lang= or Accept-Language, ?lang= winning', async () => {
    const th = accountStringsFor('th');
    const byQuery = await get(`/reset-password?token=${TOKEN}&lang=th`);
    const byHeader = await get(`/reset-password?token=${TOKEN}`, {
      'accept-language': 'th-TH,th;q=0.9,en;q=0.5',
    });
    for (const res of [byQuery, byHeader]) {
      expect(res.body).toContain('<html lang="th">');
      expect(res.body).toContain('<body class="lang-th">');
      expect(res.body).toContain(th['reset.title']);
      expect(res.body).toContain(th['form.confirm_password']);
      expect(embedded(res.body, 'account-strings')).toEqual(th);
    }
    const missing = await get('/reset-password?lang=th');
    expect(missing.body).toContain('ลิงก์ไม่สมบูรณ์');
    const english = await get(`/reset-password?token=${TOKEN}&lang=en`, {
      'accept-language': 'th',
    });
    expect(english.body).toContain('<html lang="en">');
    expect(english.body).toContain('Choose a new password');
  });

  it('keeps the token out of the log', async () => {
    const secret = `logcheck${TOKEN}`;
    await get(`/reset-password?token=${secret}&lang=th`);
    await get(`/accept-invite?lang=en&token=${secret}`);
    const logs = h.logs();
    expect(logs).toContain('/reset-password?token=[redacted]&lang=th');
    expect(logs).toContain('/accept-invite?lang=en&token=[redacted]');
    expect(logs).not.toContain(secret);
  });
});

describe('GET /accept-invite', () => {
  it('offers to create an account or to log in, both sending the invitation token', async () => {
    const res = await get(`/accept-invite?token=${TOKEN}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['content-security-policy']).toBe(ACCOUNT_PAGE_CSP);
    const html = res.body;
    expect(html).toContain('data-testid="invite-screen"');
    expect(html).toMatch(/data-testid="choose-signup" disabled>Create an account</);
    expect(html).toMatch(/data-testid="choose-login" disabled>I already have an account</);
    expect(html).toMatch(/<form[^>]*data-testid="signup-form" hidden>/);
    expect(html).toMatch(/<form[^>]*data-testid="login-form" hidden>/);
    for (const name of ['name', 'email', 'password']) {
      expect(html).toMatch(new RegExp(`data-testid="signup-form"[\\s\\S]*name="${name}"`));
    }
    expect(html).toContain('autocomplete="current-password"');
    expect(embedded(html, 'account-view')).toEqual({ lang: 'en', page: 'invite', token: TOKEN });
  });

  it('explains a link without a token', async () => {
    const res = await get('/accept-invite');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('data-testid="missing-token"');
    expect(res.body).toContain(escapeHtml(accountStringsFor('en')['invite.missing.body']));
    expect(res.body).not.toContain('<form');
  });

  it('renders in Thai', async () => {
    const th = accountStringsFor('th');
    const res = await get(`/accept-invite?token=${TOKEN}`, { 'accept-language': 'th' });
    expect(res.body).toContain('<html lang="th">');
    expect(res.body).toContain(th['invite.title']);
    expect(res.body).toContain('สร้างบัญชีใหม่');
    expect(res.body).toContain('ฉันมีบัญชีอยู่แล้ว');
  });

  it('escapes a hostile token', async () => {
    const hostile = '"><script>alert(1)</script>';
    const res = await get(`/accept-invite?token=${encodeURIComponent(hostile)}`);
    expect(res.body).not.toContain('<script>alert(1)');
    expect(res.body.toLowerCase().match(/<script/g)).toHaveLength(3);
    expect(embedded(res.body, 'account-view')).toMatchObject({ token: hostile });
  });
});

describe('account pages', () => {
  it('stay out of the OpenAPI document like the play pages', async () => {
    const doc = json<{ paths: Record<string, unknown> }>(await get('/openapi.json'));
    const paths = Object.keys(doc.paths);
    expect(paths).toContain('/api/auth/password-reset/confirm');
    expect(paths).not.toContain('/reset-password');
    expect(paths).not.toContain('/accept-invite');
    expect(paths.some((path) => path.startsWith('/play/game'))).toBe(false);
  });

  it('have every text in Thai', () => {
    const en = accountStringsFor('en');
    const th = accountStringsFor('th');
    expect(Object.keys(th).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      if (key === 'app.name') continue;
      expect(th[key], key).not.toBe(en[key]);
    }
  });
});
