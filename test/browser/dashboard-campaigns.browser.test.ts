import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { deliverCampaign, planCampaign } from '../../src/modules/campaigns/index.ts';
import { createGame } from '../../src/modules/games/index.ts';
import { updateMemberRole } from '../../src/modules/organizations/organizations.members.repo.ts';
import { makePropertyTenant, makeUser } from '../factories.ts';
import { json } from '../harness.ts';
import { checkScreen, logInAt, openPage, SIZES } from './dashboard-fixture.ts';
import { useBrowserServer } from './fixture.ts';

/**
 * Issue 15, PlayerOS content and campaigns: an Owner writes an email with a game link and
 * previews it for a player, composes a campaign to all players, sees the audience and the
 * player the pre-send check skips (no consent), sends a test, sends it and watches the counts
 * reach the end while real mail lands on an SMTP server; then a member whose role is lowered
 * to Viewer is refused in words and only reads. Screens are photographed at laptop and phone size.
 */

const web = useBrowserServer({ mail: true });

const PLAYERS = [
  { player_id: 'c-1', first_name: 'Somchai', email: 'somchai@example.test', tier: 'Gold' },
  { player_id: 'c-2', first_name: 'Malee', email: 'malee@example.test', tier: 'Gold' },
  { player_id: 'c-3', first_name: 'Niran', email: 'niran@example.test', tier: 'Silver' },
];
const BODY = (gameLine: string) =>
  `<mjml><mj-body><mj-section><mj-column>\n<mj-text>Hi {{ player.first_name | default: "friend" }}, your {{ player.tier }} spin is waiting.</mj-text>\n${gameLine}<mj-text><a href="{% unsubscribe_url %}">Unsubscribe</a></mj-text>\n</mj-column>\n</mj-section></mj-body></mjml>`;

/** The browser and the server share two loaded cores: allow a slow answer. */
const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 15_000 });

async function pick(page: Page, testId: string, option: string) {
  await page.getByTestId(testId).click();
  await page.getByRole('option', { name: option }).click();
}

/** Plans and delivers the campaign to the end, as the workers would. */
async function runCampaign(id: string) {
  for (let round = 0; round < 20; round++) {
    if ((await planCampaign(web.h.deps, id)).next !== 'plan') break;
  }
  for (let round = 0; round < 20; round++) {
    if ((await deliverCampaign(web.h.deps, id)).next === 'done') return;
  }
  throw new Error(`campaign ${id} did not finish`);
}

describe('the dashboard content and campaigns screens', () => {
  it('writes and previews content, sends a campaign with live results; a Viewer only reads', async () => {
    await web.h.deps.jobs.start();
    const t = await makePropertyTenant(web.h);
    const api = async (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) => {
      const res = await web.h.inject({
        method,
        url,
        headers: t.keyHeaders,
        ...(payload && { payload }),
      });
      expect(res.statusCode, res.body).toBeLessThan(300);
      return json<{ data: unknown }>(res).data;
    };
    const game = await createGame(web.h.deps, t.org.id, {
      title: 'Lucky Tap',
      template: 'quick-tap',
      config: { duration_s: 8 },
    });
    await api('PATCH', '/api/functions/compliance-settings', { postal_address: '1 Casino Way' });
    await api('POST', '/api/players/batch', { players: PLAYERS });
    // Somchai and Malee opted in to marketing email; Niran did not (the check skips him).
    for (const p of PLAYERS.slice(0, 2)) {
      await api('POST', '/api/functions/record-consent', {
        player_id: p.player_id,
        channel: 'email',
        consent_type: 'email_opt_in',
        purpose: 'marketing',
      });
    }

    const page = await openPage(web, 'laptop');
    await logInAt(web, page, t.owner.email, t.owner.password);

    // Content: write an email, insert the game link, preview it for Somchai, save.
    await page.getByTestId('nav-content').click();
    await page.getByTestId('templates-empty').waitFor();
    await page.getByTestId('template-new').click();
    await page.getByTestId('template-name').fill('Weekend spin');
    await page.getByTestId('template-subject').fill('{{ player.first_name }}, a free spin');
    await page.getByTestId('template-body').fill(BODY(''));
    await pick(page, 'template-game', 'Lucky Tap');
    await page.getByTestId('template-insert-game').click();
    expect(await page.getByTestId('template-body').inputValue()).toContain(
      `{% game_link game: ${game.id} %}`,
    );
    await pick(page, 'preview-player', 'Somchai · c-1');
    await poll(() => page.getByTestId('preview-subject').innerText()).toBe('Somchai, a free spin');
    const frame = (await page.getByTestId('preview-frame').getAttribute('srcdoc')) ?? '';
    expect(frame).toContain('Hi Somchai, your Gold spin is waiting.');
    expect(frame).toContain('preview-not-playable');
    expect(await page.getByTestId('preview-frame').getAttribute('sandbox')).toBe('');
    await page.getByTestId('template-save').click();
    await page.getByTestId('template-saved').waitFor();
    await poll(() => page.getByTestId('template-row').innerText()).toContain('Weekend spin');
    const [template] = (await api('GET', '/api/templates')) as { id: string; game_ids: number[] }[];
    expect(template?.game_ids).toEqual([game.id]);
    await checkScreen(page, 'laptop', 'cp-30-content');

    // A broken document: the API's refusal, in words, with its line.
    await page.getByTestId('template-body').fill('<mjml><mj-body><mj-section>\n<mj-text>x');
    await page.getByTestId('render-error').waitFor();
    // An SMS: its text for the player, with the segment count the API computes.
    await page.getByTestId('template-new').click();
    await page.getByTestId('template-channel').getByText('SMS').click();
    await pick(page, 'preview-player', 'Niran · c-3');
    await poll(() => page.getByTestId('preview-text').innerText()).toBe(
      'Hi Niran! Reply STOP to opt out.',
    );
    expect(await page.getByTestId('preview-segments').textContent()).toBe('1 SMS segment(s)');

    // Campaigns: compose to all players.
    await page.getByTestId('nav-campaigns').click();
    await page.getByTestId('campaigns-empty').waitFor();
    await page.getByTestId('campaign-name').fill('Weekend spin — all');
    await pick(page, 'campaign-template', 'Weekend spin');
    expect(await page.getByTestId('campaign-game-links').innerText()).toContain('Lucky Tap');
    await checkScreen(page, 'laptop', 'cp-31-campaigns');
    await page.getByTestId('campaign-save').click();
    await poll(() => page.getByTestId('campaign-title').innerText()).toBe('Weekend spin — all');
    const id = page.url().split('/').pop() ?? '';

    // The audience preview: three players, one skipped for want of consent.
    await poll(() => page.getByTestId('audience-size').innerText()).toBe(
      '3 players in the audience',
    );
    expect(await page.getByTestId('audience-would-send').innerText()).toBe(
      'Would receive it now: 2',
    );
    expect(await page.getByTestId('audience-reasons').innerText()).toBe(
      'No consent to receive it: 1',
    );
    await pick(page, 'preview-player', 'Malee · c-2');
    await poll(() => page.getByTestId('preview-subject').innerText()).toBe('Malee, a free spin');

    // A test to the team's address goes through the SMTP server, marked [Test].
    await page.getByTestId('test-send-to').fill('team@example.test');
    await page.getByTestId('test-send').click();
    expect(await page.getByTestId('test-send-result').innerText()).toBe(
      'Sent to team@example.test.',
    );
    const test = await web.smtp.waitFor((mail) => mail.to.includes('team@example.test'));
    expect(test.subject).toBe('[Test] Malee, a free spin');
    await checkScreen(page, 'laptop', 'cp-32-campaign-draft');
    await page.setViewportSize(SIZES.phone.viewport);
    await checkScreen(page, 'phone', 'cp-32-campaign-draft');
    await page.setViewportSize(SIZES.laptop.viewport);

    // Send: the page follows the campaign while the workers plan and deliver it.
    await page.getByTestId('send-now').click();
    await page.getByTestId('send-confirm').click();
    await poll(() => page.getByTestId('campaign-status').textContent()).toBe('Sending');
    await runCampaign(id);
    await poll(() => page.getByTestId('campaign-status').textContent()).toBe('Sent');
    expect(await page.getByTestId('stat-audience').innerText()).toBe('3');
    expect(await page.getByTestId('stat-sent').innerText()).toBe('2');
    expect(await page.getByTestId('stat-skipped').innerText()).toBe('1');
    expect(await page.getByTestId('campaign-progress-text').innerText()).toBe('3 of 3 done.');
    await poll(() => page.getByTestId('result-reasons').innerText()).toBe(
      'No consent to receive it: 1',
    );
    const mails = await Promise.all(
      ['somchai@example.test', 'malee@example.test'].map((to) =>
        web.smtp.waitFor((mail) => mail.to.includes(to)),
      ),
    );
    expect(mails.map((m) => m.subject)).toEqual(['Somchai, a free spin', 'Malee, a free spin']);
    expect(web.smtp.to('niran@example.test')).toEqual([]);
    const messages = (await api('GET', `/api/messages?campaign_id=${id}`)) as {
      status: string;
      skip_reasons: string[];
    }[];
    expect(messages.map((m) => m.status).sort()).toEqual(['sent', 'sent', 'skipped']);
    await checkScreen(page, 'laptop', 'cp-33-campaign-sent');
    await page.setViewportSize(SIZES.phone.viewport);
    await checkScreen(page, 'phone', 'cp-33-campaign-sent');
    await page.getByTestId('language-switch').getByText('ไทย').click();
    await poll(() => page.getByTestId('campaign-status').textContent()).toBe('ส่งแล้ว');
    await checkScreen(page, 'phone', 'cp-34-campaign-sent-th');
    await page.getByTestId('language-switch').getByText('English').click();
    await page.goto(`${web.base}/app/content`);
    await page.getByTestId('template-open').click();
    await page.getByTestId('preview-frame').waitFor();
    await checkScreen(page, 'phone', 'cp-30-content');
    await page.goto(`${web.base}/app/campaigns`);
    await page.getByTestId('campaign-row').first().waitFor();
    await checkScreen(page, 'phone', 'cp-31-campaigns');
    await page.context().close();

    // A member lowered to Viewer while the page is open: the API's refusal in words; after a
    // reload the controls are gone and the results still show.
    const draft = (await api('POST', '/api/campaigns', {
      name: 'Next week',
      channel: 'email',
      template_id: template?.id,
      audience: { type: 'all' },
    })) as { id: string };
    const member = await makeUser(web.h, t.org.id, 'Editor');
    const view = await openPage(web, 'laptop');
    await logInAt(web, view, member.email, member.password);
    await view.goto(`${web.base}/app/campaigns/${draft.id}`);
    // An Editor schedules it for tomorrow (the browser's time zone, this machine's).
    const tomorrow = new Date(Date.now() + 86_400_000);
    const pad = (n: number) => String(n).padStart(2, '0');
    const local = `${tomorrow.getFullYear()}-${pad(tomorrow.getMonth() + 1)}-${pad(tomorrow.getDate())}T10:00`;
    await view.getByTestId('schedule-at').fill(local);
    await view.getByTestId('schedule').click();
    await poll(() => view.getByTestId('campaign-status').textContent()).toBe('Scheduled');
    const scheduled = (await api('GET', `/api/campaigns/${draft.id}`)) as { send_at: string };
    expect(scheduled.send_at).toBe(new Date(local).toISOString());
    await view.getByTestId('test-send-to').fill('team@example.test');
    await updateMemberRole(web.h.deps.database.db, t.org.id, member.id, 'Viewer');
    await view.getByTestId('test-send').click();
    expect(await view.getByTestId('form-error').innerText()).toBe(
      'Your role does not allow this. Ask an Owner or Admin of the organization.',
    );
    await view.goto(`${web.base}/app/campaigns`);
    await poll(() => view.getByTestId('campaign-row').count()).toBe(2);
    expect(await view.getByTestId('campaign-form').count()).toBe(0);
    await view.getByTestId('campaign-link').filter({ hasText: 'Weekend spin' }).click();
    await poll(() => view.getByTestId('stat-sent').innerText()).toBe('2');
    for (const hidden of ['send-now', 'test-send', 'campaign-delete', 'campaign-edit']) {
      expect(await view.getByTestId(hidden).count(), hidden).toBe(0);
    }
    await checkScreen(view, 'laptop', 'cp-35-campaign-viewer');
    await view.getByTestId('nav-content').click();
    await view.getByTestId('template-open').click();
    expect(await view.getByTestId('template-new').count()).toBe(0);
    expect(await view.getByTestId('template-save').count()).toBe(0);
    await pick(view, 'preview-player', 'Niran · c-3');
    await poll(() => view.getByTestId('preview-subject').innerText()).toBe('Niran, a free spin');
    await view.context().close();
  }, 120_000);
});
