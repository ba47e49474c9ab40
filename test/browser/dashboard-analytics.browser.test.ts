import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createGame } from '../../src/modules/games/index.ts';
import { makeTenant, makeUser } from '../factories.ts';
import { json } from '../harness.ts';
import { setPrizes, voucherSet } from '../play.ts';
import { checkScreen, logInAt, openPage, SIZES } from './dashboard-fixture.ts';
import { useBrowserServer } from './fixture.ts';

/**
 * Issue 15, DailyPlay part two: play sessions (searched with the login), voucher sets (made by
 * upload and by generation, with their usage), connections and the analytics charts, walked by
 * an Owner at laptop and phone size and by a Viewer; every screen photographed and checked with
 * axe-core. The figures asserted come from plays made through the API.
 */

const web = useBrowserServer();

interface SessionData {
  token: string;
}

describe('sessions, vouchers, connections and analytics in the dashboard', () => {
  it('finds a played session, shows its play in the charts, makes voucher sets and a connection, and keeps a Viewer to reading', async () => {
    // A Business organization (API keys) with an Active prize wheel whose one prize is a voucher.
    const t = await makeTenant(web.h);
    const viewer = await makeUser(web.h, t.org.id, 'Viewer');
    const prizeSet = await voucherSet(web.h, t, ['SONGKRAN-1', 'SONGKRAN-2']);
    const game = await createGame(web.h.deps, t.org.id, {
      title: 'Songkran Spin',
      template: 'spin-wheel',
      prize_enabled: true,
      status: 'Active',
    });
    await setPrizes(web.h, t, game.id, [
      { name: 'Water gun voucher', type: 'voucher_set', win_chance: 100, voucher_set_id: prizeSet },
    ]);
    const session = async (ref: string) => {
      const response = await web.h.inject({
        method: 'POST',
        url: '/api/org-api-keys?action=create-session',
        headers: t.keyHeaders,
        payload: { game_id: game.id, external_ref: ref },
      });
      expect(response.statusCode, response.body).toBe(200);
      return json<{ data: SessionData }>(response).data.token;
    };
    // Three sessions; the first is played to the end and its voucher claimed.
    const played = await session('order-1001');
    await session('order-1002');
    await session('order-1003');
    const player = randomUUID();
    const start = await web.h.inject({
      method: 'POST',
      url: '/play/api/start',
      payload: { session_token: played, game_id: game.id },
      cookies: { pl_player: player },
    });
    expect(start.statusCode, start.body).toBe(200);
    const playId = json<{ data: { play: { id: number } } }>(start).data.play.id;
    const done = await web.h.inject({
      method: 'POST',
      url: `/play/api/plays/${playId}/complete`,
      payload: { duration_ms: 2_000 },
      cookies: { pl_player: player },
    });
    expect(done.statusCode, done.body).toBe(200);
    const drawToken = json<{ data: { prize: { draw_token: string } } }>(done).data.prize.draw_token;
    const claim = await web.h.inject({
      method: 'POST',
      url: '/play/api/claim',
      payload: { draw_token: drawToken },
    });
    expect(claim.statusCode, claim.body).toBe(200);

    const page = await openPage(web, 'laptop');
    await logInAt(web, page, t.owner.email, t.owner.password);

    // Sessions, with the login (no key): all three, newest first.
    await page.getByTestId('nav-sessions').click();
    await expect.poll(() => page.getByTestId('session-row').count()).toBe(3);
    // By reference: the played one, with its game and status.
    await page.getByTestId('sessions-reference').fill('order-1001');
    await page.getByTestId('sessions-search').click();
    await expect.poll(() => page.getByTestId('session-row').count()).toBe(1);
    expect(await page.getByTestId('session-row').innerText()).toMatch(
      /Songkran Spin\s+order-1001\s+Played/i,
    );
    await checkScreen(page, 'laptop', 'dp2-02-sessions-played');
    // By status: only the played one; not played yet: the other two.
    await page.getByTestId('sessions-reference').fill('');
    await page.getByTestId('sessions-status').selectOption('consumed');
    await page.getByTestId('sessions-search').click();
    await expect
      .poll(() => page.getByTestId('session-reference').allInnerTexts())
      .toEqual(['order-1001']);
    await page.getByTestId('sessions-status').selectOption('active');
    await page.getByTestId('sessions-search').click();
    await expect
      .poll(() => page.getByTestId('session-reference').allInnerTexts())
      .toEqual(['order-1003', 'order-1002']);
    await checkScreen(page, 'laptop', 'dp2-02-sessions');

    // Analytics: the one play, finished, its prize won and claimed, in numbers beside the charts.
    await goTo(page, '/analytics');
    await page.getByTestId('chart-plays').waitFor();
    expect(await page.getByTestId('analytics-stat-started').innerText()).toContain('1');
    expect(await page.getByTestId('table-completion').innerText()).toMatch(
      /Plays started\s+1\s+Plays finished\s+1\s+Not finished\s+0\s+Finished\s+100%/,
    );
    expect(await page.getByTestId('table-prizes').innerText()).toMatch(
      /Prize draws\s+1\s+Prizes won\s+1\s+Prizes claimed\s+1/,
    );
    expect(await page.getByTestId('table-games').innerText()).toMatch(/Songkran Spin\s+1\s+1/);
    expect(await page.getByTestId('table-plays').innerText()).toMatch(/\d{4}\s+1\s+1/);
    await page.getByTestId('chart-plays').locator('.recharts-surface').waitFor();
    await checkScreen(page, 'laptop', 'dp2-03-analytics');
    // A game nobody played: the empty state says what to do.
    await page.getByTestId('analytics-game').selectOption({ label: 'Match' });
    await page.getByTestId('analytics-empty').waitFor();
    expect(await page.getByTestId('analytics-empty').innerText()).toContain('Share a stream link');

    // Voucher sets: the prize's set shows its one code given out.
    await goTo(page, '/vouchers');
    await page.getByTestId('voucher-row').first().waitFor();
    expect(await page.getByTestId('voucher-usage').first().innerText()).toBe('1 of 2 used');
    expect(await page.getByTestId('voucher-row').first().innerText()).toContain('Songkran Spin');
    // Its codes: which one went to the winner.
    await page.getByTestId('voucher-codes-open').first().click();
    await expect.poll(() => page.getByTestId('voucher-code-row').count()).toBe(2);
    expect(await page.getByTestId('voucher-codes').innerText()).toMatch(
      /SONGKRAN-1\s+Given out\s+\d.*\n.*SONGKRAN-2\s+Available\s+–/i,
    );
    await checkScreen(page, 'laptop', 'dp2-04-voucher-codes');
    await page.keyboard.press('Escape');
    await page.getByTestId('voucher-codes').waitFor({ state: 'detached' });
    // By upload: four lines, one a repeat in another case, upper-cased and dropped.
    await page.getByTestId('voucher-new').click();
    await page.getByTestId('voucher-name').fill('Store coupons');
    await page.getByTestId('voucher-file').setInputFiles({
      name: 'coupons.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('code,value\nfree-tea,1\nFREE-TEA,1\nfree-cake,2\n'),
    });
    await page.getByTestId('voucher-header').check();
    await page.getByTestId('voucher-save').click();
    await expect
      .poll(() => page.getByTestId('vouchers-added').innerText())
      .toBe('Store coupons: 2 codes added, 1 repeats dropped. The set now has 2 codes.');
    // By generation: 25 codes PROMO-XXXXXX.
    await page.getByTestId('voucher-new').click();
    await page.getByTestId('voucher-name').fill('Generated promo');
    await page.getByTestId('voucher-method').getByText('Generate').click();
    await page.getByTestId('voucher-count').fill('25');
    await page.getByTestId('voucher-prefix').fill('promo');
    await page.getByTestId('voucher-length').fill('6');
    expect(await page.getByTestId('voucher-example').innerText()).toBe(
      'Codes will look like PROMO-A8K2M9',
    );
    await checkScreen(page, 'laptop', 'dp2-05-voucher-generate');
    await page.getByTestId('voucher-save').click();
    await expect
      .poll(() => page.getByTestId('vouchers-added').innerText())
      .toContain('Generated promo: 25 codes added');
    await expect.poll(() => page.getByTestId('voucher-row').count()).toBe(3);
    const sets = json<{ data: { name: string; counts: { total: number; claimed: number } }[] }>(
      await web.h.inject({
        method: 'GET',
        url: `/api/voucher-sets?org_id=${t.org.id}`,
        headers: t.owner.auth,
      }),
    ).data;
    expect(sets.map((s) => [s.name, s.counts.total, s.counts.claimed]).slice(1)).toEqual([
      ['Store coupons', 2, 0],
      ['Generated promo', 25, 0],
    ]);
    expect(await page.getByTestId('voucher-usage').allInnerTexts()).toEqual([
      '1 of 2 used',
      '0 of 2 used',
      '0 of 25 used',
    ]);
    await checkScreen(page, 'laptop', 'dp2-06-vouchers');

    // Connections: empty, then a signed webhook whose secret is shown once.
    await goTo(page, '/connections');
    await page.getByTestId('connections-empty').waitFor();
    await checkScreen(page, 'laptop', 'dp2-07-connections-empty');
    await page.getByTestId('connection-new').click();
    await page.getByTestId('connection-name').fill('Order system');
    await page.getByTestId('connection-save').click();
    expect(await page.getByTestId('connection-url').getAttribute('aria-invalid')).toBe('true');
    // An address that resolves nowhere is refused, the reason under the field.
    await page.getByTestId('connection-url').fill('https://hooks.playloop.invalid/in');
    await page.getByTestId('connection-save').click();
    await expect
      .poll(() => page.getByTestId('connection-form').innerText())
      .toContain('This address could not be found');
    await page.getByTestId('connection-url').fill('http://127.0.0.1:4010/playloop');
    await page.getByTestId('connection-auth-header-name').fill('Authorization');
    await page.getByTestId('connection-auth-header-value').fill('Bearer s3cret');
    await checkScreen(page, 'laptop', 'dp2-08-connection-form');
    await page.getByTestId('connection-save').click();
    expect(await page.getByTestId('connection-secret').innerText()).toMatch(/^whsec_/);
    await page.getByTestId('connection-secret-done').click();
    await page.getByTestId('connection-row').waitFor();
    expect(await page.getByTestId('connection-row').innerText()).toMatch(
      /Order system\s+Webhook\s+http:\/\/127\.0\.0\.1:4010\/playloop\s+On\s+Nothing sent yet/i,
    );
    await page.getByTestId('connection-pause').click();
    await expect
      .poll(() => page.getByTestId('connection-health').innerText())
      .toBe('Paused by a member.');
    await checkScreen(page, 'laptop', 'dp2-09-connections');
    const [connection] = json<{ data: Record<string, unknown>[] }>(
      await web.h.inject({
        method: 'GET',
        url: `/api/connections?org_id=${t.org.id}`,
        headers: t.owner.auth,
      }),
    ).data;
    expect(connection).toMatchObject({
      name: 'Order system',
      provider: 'webhook',
      url: 'http://127.0.0.1:4010/playloop',
      auth_header_name: 'Authorization',
      auth_header_value_set: true,
      enabled: false,
    });

    // Thai, then phone size: every screen again.
    await page.getByTestId('language-switch').getByText('ไทย').click();
    await page.waitForFunction(() => document.documentElement.lang === 'th');
    expect(await page.getByTestId('connections-title').innerText()).toBe('การเชื่อมต่อ');
    await goTo(page, '/analytics');
    await page.getByTestId('chart-plays').waitFor();
    expect(await page.getByTestId('table-completion').innerText()).toContain('เล่นจบ');
    await checkScreen(page, 'laptop', 'dp2-10-analytics-th');
    await page.getByTestId('language-switch').getByText('English').click();
    await page.setViewportSize(SIZES.phone.viewport);
    for (const [path, ready, name] of [
      ['/sessions', 'session-row', 'dp2-02-sessions'],
      ['/analytics', 'chart-games', 'dp2-03-analytics'],
      ['/vouchers', 'voucher-row', 'dp2-06-vouchers'],
      ['/connections', 'connection-row', 'dp2-09-connections'],
    ] as const) {
      await goTo(page, path);
      await page.getByTestId(ready).first().waitFor();
      await checkScreen(page, 'phone', name);
    }
    await page.context().close();

    // A Viewer reads the sets, connections and charts, with no button to change them, and is
    // told who can.
    const seen = await openPage(web, 'laptop');
    await logInAt(web, seen, viewer.email, viewer.password);
    await goTo(seen, '/vouchers');
    await seen.getByTestId('voucher-row').first().waitFor();
    expect(await seen.getByTestId('voucher-new').count()).toBe(0);
    expect(await seen.getByTestId('voucher-add-codes').count()).toBe(0);
    expect(await seen.getByTestId('vouchers-read-only').innerText()).toContain(
      'Only Editors, Admins and Owners can create voucher sets',
    );
    await checkScreen(seen, 'laptop', 'dp2-11-vouchers-viewer');
    // The codes' statuses, not the codes (prize secrets).
    await seen.getByTestId('voucher-codes-open').first().click();
    await seen.getByTestId('voucher-code-row').first().waitFor();
    expect(await seen.getByTestId('voucher-codes').innerText()).toMatch(
      /Given out[\s\S]*Available/i,
    );
    expect(await seen.getByTestId('voucher-codes').innerText()).not.toContain('SONGKRAN');
    await seen.keyboard.press('Escape');
    await goTo(seen, '/connections');
    await seen.getByTestId('connection-row').waitFor();
    expect(await seen.getByTestId('connection-new').count()).toBe(0);
    expect(await seen.getByTestId('connection-pause').count()).toBe(0);
    expect(await seen.getByTestId('connection-resume').count()).toBe(0);
    expect(await seen.getByTestId('connections-read-only').innerText()).toContain(
      'Only an Owner or Admin can add',
    );
    await checkScreen(seen, 'laptop', 'dp2-12-connections-viewer');
    await goTo(seen, '/analytics');
    await seen.getByTestId('chart-plays').waitFor();
    expect(await seen.getByTestId('analytics-stat-started').innerText()).toContain('1');
    // Sessions are for Analysts and above: a Viewer is told so, and the API refuses them.
    await goTo(seen, '/sessions');
    expect(await seen.getByTestId('sessions-not-allowed').innerText()).toContain(
      'ask an Owner or Admin',
    );
    const refused = await web.h.inject({
      method: 'GET',
      url: `/api/sessions?org_id=${t.org.id}`,
      headers: viewer.auth,
    });
    expect(refused.statusCode).toBe(403);
    await seen.context().close();
  }, 120_000);
});

/** Opens a dashboard path without a reload. */
async function goTo(page: Page, path: string) {
  await page.evaluate((to) => {
    window.history.pushState(null, '', to);
    window.dispatchEvent(new PopStateEvent('popstate'));
  }, `/app${path}`);
}
