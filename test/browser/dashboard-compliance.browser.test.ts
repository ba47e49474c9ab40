import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ShiftedClock } from '../../src/lib/clock.ts';
import { makePropertyTenant, makeUser } from '../factories.ts';
import { json } from '../harness.ts';
import { checkScreen, logInAt, openPage, SIZES } from './dashboard-fixture.ts';
import { useBrowserServer } from './fixture.ts';

/**
 * Issue 15, compliance and members: the compliance log (consent changes and pre-send checks the
 * API recorded), privacy requests with their legal deadlines (opened, exported, erased), and the
 * organization's members (invite by mail, change a role, remove), walked by an Owner; a Viewer
 * reads both screens without their actions. Every screen is photographed at laptop and phone size
 * and checked with axe-core.
 */

const web = useBrowserServer({ mail: true });
const DAY_MS = 86_400_000;

interface Member {
  user_id: number | null;
  email: string;
  role: string;
  status: string;
}

describe('the dashboard compliance and members screens', () => {
  it('logs consent and checks, answers privacy requests, manages members; a Viewer only reads', async () => {
    const t = await makePropertyTenant(web.h);
    const viewer = await makeUser(web.h, t.org.id, 'Viewer');
    const analyst = await makeUser(web.h, t.org.id, 'Analyst');
    const leaver = await makeUser(web.h, t.org.id, 'Editor');
    const api = async (method: 'GET' | 'POST', url: string, payload?: object) => {
      const res = await web.h.inject({
        method,
        url,
        headers: t.keyHeaders,
        ...(payload && { payload }),
      });
      expect(res.statusCode, res.body).toBeLessThan(300);
      return json<{ data: unknown }>(res).data;
    };
    await api('POST', '/api/players/batch', {
      players: [
        { player_id: 'p-1', first_name: 'Somchai', last_name: 'Jaidee', email: 's1@example.test' },
        { player_id: 'p-2', first_name: 'Malee', last_name: 'Suk', email: 's2@example.test' },
        { player_id: 'p-3', first_name: 'Niran', last_name: 'Chai', email: 's3@example.test' },
      ],
    });
    const consent = { player_id: 'p-1', channel: 'email', purpose: 'marketing' };
    await api('POST', '/api/functions/record-consent', {
      ...consent,
      consent_type: 'email_opt_in',
      source: { method: 'signup_form' },
    });
    await api('POST', '/api/functions/record-consent', {
      ...consent,
      action: 'revoke',
      source: { method: 'unsubscribe_link' },
    });
    await api('POST', '/api/functions/tcpa-check', {
      channel: 'email',
      purpose: 'marketing',
      recipients: [{ player_id: 'p-2' }],
    });
    // A request received 40 days ago under the GDPR: a month has passed, it is overdue.
    const clock = web.h.deps.clock as ShiftedClock;
    clock.advance(-40 * DAY_MS);
    try {
      await api('POST', '/api/functions/open-privacy-request', {
        type: 'export',
        player_id: 'p-3',
      });
    } finally {
      clock.advance(40 * DAY_MS);
    }

    const page = await openPage(web, 'laptop');
    await logInAt(web, page, t.owner.email, t.owner.password);

    // The compliance log: the two consent records, newest first, named by player.
    await page.getByTestId('nav-compliance').click();
    await expect.poll(() => page.getByTestId('log-range').innerText()).toBe('1–2 of 2');
    const consents = page.getByTestId('log-row');
    await expect
      .poll(() => consents.nth(0).innerText())
      .toMatch(
        /Somchai Jaidee \(p-1\)\s+Email\s+s1@example\.test\s+Revoked[\s\S]*unsubscribe_link/i,
      );
    expect(await consents.nth(1).innerText()).toMatch(/Granted\s+Email opt-in\s+Marketing/i);
    await checkScreen(page, 'laptop', 'co-01-log');

    // The pre-send checks: p-2 was skipped for want of consent; a filter on p-1 finds none.
    await page.getByTestId('log-kind').selectOption('compliance_decisions');
    await expect.poll(() => page.getByTestId('log-range').innerText()).toBe('1–1 of 1');
    await expect
      .poll(() => page.getByTestId('log-row').innerText())
      .toMatch(/Malee Suk \(p-2\)[\s\S]*Skipped\s+No postal address in the settings, No consent/i);
    await page.getByTestId('log-player').fill('p-1');
    await page.getByTestId('log-player-apply').click();
    await page.getByTestId('log-empty').waitFor();
    expect(await page.getByTestId('log-player-for').innerText()).toContain('Somchai Jaidee');
    await page.getByTestId('log-player').fill('nobody');
    await page.getByTestId('log-player-apply').click();
    expect(await page.getByTestId('log-player-unknown').innerText()).toContain('nobody');
    await page.setViewportSize(SIZES.phone.viewport);
    await checkScreen(page, 'phone', 'co-01-log');
    await page.setViewportSize(SIZES.laptop.viewport);

    // Privacy requests: the overdue one says so in words.
    await page.getByTestId('tab-privacy').click();
    await page.getByTestId('request-row').waitFor();
    expect(await page.getByTestId('request-due').innerText()).toMatch(/Overdue\s+Was due/i);

    // An export opened for p-1, answered: the bundle is downloaded, the request completed.
    await page.getByTestId('request-player').fill('p-1');
    await page.getByTestId('request-create').click();
    expect(await page.getByTestId('privacy-notice').innerText()).toMatch(
      /Request opened\. It is due/,
    );
    const p1Row = page.getByTestId('request-row').filter({ hasText: 'Somchai Jaidee' });
    expect(await p1Row.innerText()).toMatch(/Waiting for an answer/);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      p1Row.getByTestId('request-export').click(),
    ]);
    expect(download.suggestedFilename()).toBe('privacy-export-p-1.json');
    const bundle = JSON.parse(readFileSync(await download.path(), 'utf8')) as {
      player: { email: string };
      consents: unknown[];
    };
    expect(bundle.player.email).toBe('s1@example.test');
    expect(bundle.consents).toHaveLength(2);
    await expect.poll(() => p1Row.getByTestId('request-status').innerText()).toMatch(/Completed/);

    // An erasure under the CCPA: confirmed by typing the player's ID.
    await page.getByTestId('request-type').selectOption('delete');
    await page.getByTestId('request-player').fill('p-2');
    await page.getByTestId('request-regime').selectOption('ccpa');
    await page.getByTestId('request-create').click();
    const p2Row = page.getByTestId('request-row').filter({ hasText: 'Malee Suk' });
    await p2Row.getByTestId('request-erase').click();
    await expect(page.getByTestId('erase-confirm').isDisabled()).resolves.toBe(true);
    await page.getByTestId('erase-confirm-input').fill('p-2');
    await checkScreen(page, 'laptop', 'co-03-erase');
    await page.getByTestId('erase-confirm').click();
    expect(await page.getByTestId('privacy-notice').innerText()).toContain('was erased');
    const requests = (await api('GET', '/api/functions/privacy-requests')) as {
      type: string;
      regime: string;
      status: string;
      player_id: string | null;
      overdue: boolean;
    }[];
    expect(
      requests.map((r) => [r.type, r.regime, r.status, r.player_id === null, r.overdue]),
    ).toEqual([
      ['delete', 'ccpa', 'completed', true, false],
      ['export', 'gdpr', 'completed', false, false],
      ['export', 'gdpr', 'received', false, true],
    ]);
    const erased = await web.h.inject({
      method: 'GET',
      url: '/api/players/p-2',
      headers: t.keyHeaders,
    });
    expect(erased.statusCode).toBe(404);
    await expect
      .poll(() => page.getByTestId('request-status').nth(0).innerText())
      .toMatch(/Completed/);
    await checkScreen(page, 'laptop', 'co-02-privacy');
    await page.setViewportSize(SIZES.phone.viewport);
    await checkScreen(page, 'phone', 'co-02-privacy');
    await page.setViewportSize(SIZES.laptop.viewport);

    // Members: invite by mail, change a role, remove someone.
    const members = async () =>
      json<{ data: Member[] }>(
        await web.h.inject({
          method: 'GET',
          url: `/api/organizations/${t.org.id}/members`,
          headers: t.owner.auth,
        }),
      ).data;
    // By address: the menu outgrew the window (its Settings group is below the fold, unscrolled).
    await page.goto(`${web.base}/app/members`);
    await expect.poll(() => page.getByTestId('member-row').count()).toBe(4);
    await page.getByTestId('invite-email').fill('newbie@example.test');
    await page.getByTestId('invite-role').selectOption('Editor');
    await page.getByTestId('invite-send').click();
    expect(await page.getByTestId('invite-sent').innerText()).toContain(
      'Invitation sent to newbie@example.test',
    );
    const mail = await web.smtp.waitFor((m) => m.to.includes('newbie@example.test'));
    expect(mail.text).toMatch(/\/accept-invite\?token=/);
    expect(await page.getByTestId('invitation-row').innerText()).toMatch(
      /newbie@example\.test\s+Editor\s+Invited/i,
    );

    const analystRow = page.locator(`[data-testid=member-row][data-email="${analyst.email}"]`);
    await analystRow.getByTestId('member-role').selectOption('Admin');
    expect(await page.getByTestId('members-notice').innerText()).toMatch(/is now Admin/);
    await page
      .locator(`[data-testid=member-row][data-email="${leaver.email}"]`)
      .getByTestId('member-remove')
      .click();
    await page.getByTestId('member-remove-confirm').click();
    await expect.poll(() => page.getByTestId('member-row').count()).toBe(3);
    expect(await page.getByTestId('members-notice').innerText()).toContain('was removed');
    expect((await members()).map((m) => [m.email, m.role, m.status])).toEqual(
      expect.arrayContaining([
        [analyst.email, 'Admin', 'Active'],
        ['newbie@example.test', 'Editor', 'Pending'],
      ]),
    );
    expect((await members()).some((m) => m.email === leaver.email)).toBe(false);
    await checkScreen(page, 'laptop', 'co-04-members');
    await page.setViewportSize(SIZES.phone.viewport);
    await checkScreen(page, 'phone', 'co-04-members');

    // A Viewer reads the members and the requests, without the actions.
    const viewing = await openPage(web, 'laptop');
    await logInAt(web, viewing, viewer.email, viewer.password);
    await viewing.goto(`${web.base}/app/members`);
    expect(await viewing.getByTestId('members-read-only').innerText()).toContain(
      'Only Owners and Admins',
    );
    await expect.poll(() => viewing.getByTestId('member-row').count()).toBe(3);
    expect(await viewing.getByTestId('invite-form').count()).toBe(0);
    expect(await viewing.getByTestId('member-role').count()).toBe(0);
    expect(await viewing.getByTestId('member-remove').count()).toBe(0);
    await checkScreen(viewing, 'laptop', 'co-05-members-viewer');
    await viewing.getByTestId('nav-compliance').click();
    await viewing.getByTestId('tab-privacy').click();
    expect(await viewing.getByTestId('privacy-read-only').innerText()).toContain(
      'Owners, Admins and Editors can',
    );
    await expect.poll(() => viewing.getByTestId('request-row').count()).toBe(3);
    expect(await viewing.getByTestId('request-form').count()).toBe(0);
    expect(await viewing.getByTestId('request-export').count()).toBe(0);
    await checkScreen(viewing, 'laptop', 'co-06-privacy-viewer');
  }, 90_000);
});
