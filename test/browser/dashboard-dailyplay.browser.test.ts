import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createOrganization } from '../../src/modules/organizations/index.ts';
import { makeUser, unique } from '../factories.ts';
import { json } from '../harness.ts';
import { checkScreen, logInAt, openPage, type Size } from './dashboard-fixture.ts';
import { useBrowserServer } from './fixture.ts';

/**
 * Issue 15, DailyPlay part: games (from a template, with the preview), streams and dpk_ keys
 * (the secret shown once) in the dashboard, walked once at laptop size by an Owner and once by
 * a Viewer; every screen is photographed at laptop and phone size and checked with axe-core.
 */

const web = useBrowserServer();

interface Row {
  id: number;
  [field: string]: unknown;
}

describe('the DailyPlay screens of the dashboard', () => {
  it('creates a game, a stream and a key shown once, revokes it, and hides it all from a Viewer', async () => {
    // An organization on the plan that includes API keys, its Owner and a Viewer.
    const org = await createOrganization(web.h.deps, {
      name: unique('Lucky Star'),
      planTier: 'Business',
    });
    const owner = await makeUser(web.h, org.id, 'Owner');
    const viewer = await makeUser(web.h, org.id, 'Viewer');
    const list = async (url: string) =>
      json<{ data: Row[] }>(await web.h.inject({ method: 'GET', url, headers: owner.auth })).data;
    const createSession = (key: string, gameId: number) =>
      web.h.inject({
        method: 'POST',
        url: '/api/org-api-keys?action=create-session',
        headers: { 'x-api-key': key },
        payload: { game_id: gameId, external_ref: 'dashboard-test' },
      });

    const page = await openPage(web, 'laptop');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await logInAt(web, page, owner.email, owner.password);

    // Games: empty, then one made from the memory-match template.
    await page.getByTestId('nav-games').click();
    await page.getByTestId('games-empty').waitFor();
    expect(await page.getByTestId('games-empty').innerText()).toContain('Create your first one');
    await checkScreen(page, 'laptop', 'dp-01-games-empty');
    await page.getByTestId('game-new').click();
    await page.getByTestId('game-template').selectOption('memory-match');
    await page.getByTestId('game-title').fill('Songkran Match');
    await page.getByTestId('game-status').selectOption('Active');
    await page.getByTestId('game-intro').fill('Find the pairs before time runs out!');
    // The preview follows the settings as they are typed.
    await expect
      .poll(() => page.getByTestId('game-preview').innerText())
      .toContain('Find the pairs before time runs out!');
    expect(await page.getByTestId('game-preview').innerText()).toMatch(/memory match/i);
    await checkScreen(page, 'laptop', 'dp-02-game-form');
    await page.getByTestId('game-save').click();
    await page.getByTestId('game-row').waitFor();
    expect(await page.getByTestId('game-row').innerText()).toMatch(
      /Songkran Match\s+Memory match\s+Active/i,
    );
    let [game] = await list(`/api/games?org_id=${org.id}`);
    expect(game).toMatchObject({
      title: 'Songkran Match',
      template: 'memory-match',
      status: 'Active',
      config: { intro_text: 'Find the pairs before time runs out!' },
    });

    // Editing: a setting the template refuses is explained, a valid one saved.
    await page.getByTestId('game-edit').click();
    await page.getByTestId('game-duration').fill('5');
    await page.getByTestId('game-save').click();
    expect(await page.getByTestId('form-error').innerText()).toContain(
      'A setting does not fit this template',
    );
    await page.getByTestId('game-duration').fill('45');
    await page.getByTestId('game-save').click();
    await page.getByTestId('game-form').waitFor({ state: 'detached' });
    [game] = await list(`/api/games?org_id=${org.id}`);
    expect(game?.config).toMatchObject({ duration_s: 45 });
    await checkScreen(page, 'laptop', 'dp-03-games');

    // Prizes: what can be won, with odds and stock.
    await page.getByTestId('game-prizes').click();
    await page.getByTestId('prizes-empty').waitFor();
    await page.getByTestId('prize-add').click();
    await page.getByTestId('prize-add').click();
    await page.getByTestId('prize-name').nth(0).fill('Free spin voucher');
    await page.getByTestId('prize-chance').nth(0).fill('20');
    await page.getByTestId('prize-quantity').nth(0).fill('50');
    await page.getByTestId('prize-name').nth(1).fill('Try again');
    await page.getByTestId('prize-type').nth(1).selectOption('no_prize');
    await page.getByTestId('prize-chance').nth(1).fill('80');
    await expect
      .poll(() => page.getByTestId('prizes-total').innerText())
      .toBe('Chances add up to 100%.');
    await checkScreen(page, 'laptop', 'dp-16-prizes');
    await page.getByTestId('prizes-save').click();
    await page.getByTestId('prizes-form').waitFor({ state: 'detached' });
    expect(await list(`/api/games/${game!.id}/prizes?org_id=${org.id}`)).toMatchObject([
      { name: 'Free spin voucher', type: 'item', win_chance: 20, quantity: 50, remaining: 50 },
      { name: 'Try again', type: 'no_prize', win_chance: 80, quantity: null },
    ]);

    // Streams: a live one holding the game, capped per player, then capped in total.
    await page.getByTestId('nav-streams').click();
    await page.getByTestId('streams-empty').waitFor();
    await page.getByTestId('stream-new').click();
    await page.getByTestId('stream-name').fill('Songkran Week');
    await page.getByLabel('Songkran Match (Active)').check();
    await page.getByTestId('stream-status').selectOption('Active');
    await page.getByTestId('stream-max-player').fill('3');
    await checkScreen(page, 'laptop', 'dp-04-stream-form');
    await page.getByTestId('stream-save').click();
    await page.getByTestId('stream-row').waitFor();
    expect(await page.getByTestId('stream-row').innerText()).toContain('Open to players');
    await page.getByTestId('stream-edit').click();
    await page.getByTestId('stream-max-total').fill('100');
    await page.getByTestId('stream-save').click();
    await expect.poll(() => page.getByTestId('stream-row').innerText()).toContain('0 / 100');
    const [stream] = await list(`/api/streams?org_id=${org.id}`);
    expect(stream).toMatchObject({
      name: 'Songkran Week',
      status: 'Active',
      game_ids: [game!.id],
      max_plays_per_player: 3,
      max_total_plays: 100,
    });
    expect(await page.getByTestId('stream-link').getAttribute('href')).toBe(stream!.public_url);
    await checkScreen(page, 'laptop', 'dp-05-streams');

    // API keys: the secret once, with a copy button and the warning.
    await page.getByTestId('nav-api-keys').click();
    await page.getByTestId('keys-empty').waitFor();
    await page.getByTestId('usage-empty').waitFor();
    await checkScreen(page, 'laptop', 'dp-06-keys-empty');
    await page.getByTestId('key-new').click();
    await page.getByTestId('key-name').fill('Website promotions');
    await page.getByTestId('key-create').click();
    await page.getByTestId('key-secret').waitFor();
    const secret = await page.getByTestId('key-secret').innerText();
    expect(secret).toMatch(/^dpk_\w+/);
    expect(await page.getByTestId('key-secret-warning').innerText()).toContain(
      'You will not see it again',
    );
    await page.getByTestId('key-copy').click();
    await expect.poll(() => page.getByTestId('key-copy').innerText()).toBe('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await checkScreen(page, 'laptop', 'dp-07-key-secret');
    await page.getByTestId('key-secret-done').click();
    await page.getByTestId('key-secret-modal').waitFor({ state: 'detached' });
    expect(await page.getByTestId('key-status').textContent()).toBe('Active');
    // Gone for good: not on the page, not after a reload.
    expect(await page.content()).not.toContain(secret);
    await page.reload();
    await page.getByTestId('key-row').waitFor();
    expect(await page.content()).not.toContain(secret);
    expect(await page.getByTestId('key-row').innerText()).toContain(secret.slice(0, 8));

    // The key works, and its use shows in the log.
    const session = await createSession(secret, game!.id);
    expect(session.statusCode, session.body).toBe(200);
    await page.getByTestId('usage-refresh').click();
    await page.getByTestId('usage-row').first().waitFor();
    expect(await page.getByTestId('usage-row').first().innerText()).toContain('success (200)');
    await checkScreen(page, 'laptop', 'dp-08-keys');

    // Revoked, it fails; reactivated, it works again.
    await page.getByTestId('key-revoke').click();
    await expect.poll(() => page.getByTestId('key-status').textContent()).toBe('Revoked');
    await expect.poll(async () => (await createSession(secret, game!.id)).statusCode).toBe(401);
    await page.getByTestId('key-reactivate').click();
    await expect.poll(() => page.getByTestId('key-status').textContent()).toBe('Active');
    await expect.poll(async () => (await createSession(secret, game!.id)).statusCode).toBe(200);

    // The same screens in Thai.
    await page.getByTestId('language-switch').getByText('ไทย').click();
    await page.waitForFunction(() => document.documentElement.lang === 'th');
    expect(await page.getByTestId('keys-title').innerText()).toBe('API คีย์');
    await checkScreen(page, 'laptop', 'dp-09-keys-th');
    await page.getByTestId('nav-games').click();
    expect(await page.getByTestId('game-row').innerText()).toContain('จับคู่ความจำ');
    await checkScreen(page, 'laptop', 'dp-10-games-th');
    await page.getByTestId('nav-streams').click();
    await page.getByTestId('stream-row').waitFor();
    await checkScreen(page, 'laptop', 'dp-11-streams-th');
    await page.context().close();

    // A Viewer sees the live game and stream, and no control the API would refuse.
    const seen = await openPage(web, 'laptop');
    await logInAt(web, seen, viewer.email, viewer.password);
    await viewerSees(seen, 'laptop');
    await seen.context().close();

    // Phone size: the same screens for the Owner and the Viewer, photographed and audited.
    const phone = await openPage(web, 'phone');
    await logInAt(web, phone, owner.email, owner.password);
    for (const [path, ready, name] of [
      ['/games', 'game-row', 'dp-03-games'],
      ['/streams', 'stream-row', 'dp-05-streams'],
      ['/api-keys', 'key-row', 'dp-08-keys'],
    ] as const) {
      await phone.goto(`${web.base}/app${path}`);
      await phone.getByTestId(ready).first().waitFor();
      await checkScreen(phone, 'phone', name);
    }
    await phone.getByTestId('key-new').click();
    await phone.getByTestId('key-form').waitFor();
    await checkScreen(phone, 'phone', 'dp-12-key-form');
    await phone.goto(`${web.base}/app/games`);
    await phone.getByTestId('game-edit').click();
    await phone.getByTestId('game-preview').waitFor();
    await checkScreen(phone, 'phone', 'dp-02-game-form');
    await phone.context().close();
    const phoneViewer = await openPage(web, 'phone');
    await logInAt(web, phoneViewer, viewer.email, viewer.password);
    await viewerSees(phoneViewer, 'phone');
    await phoneViewer.context().close();
  }, 120_000);
});

async function viewerSees(page: Page, size: Size) {
  await page.goto(`${web.base}/app/games`);
  await page.getByTestId('game-row').waitFor();
  expect(await page.getByTestId('game-new').count()).toBe(0);
  expect(await page.getByTestId('game-edit').count()).toBe(0);
  await checkScreen(page, size, 'dp-13-games-viewer');
  await page.goto(`${web.base}/app/streams`);
  await page.getByTestId('stream-row').waitFor();
  expect(await page.getByTestId('stream-new').count()).toBe(0);
  expect(await page.getByTestId('stream-edit').count()).toBe(0);
  await checkScreen(page, size, 'dp-14-streams-viewer');
  await page.goto(`${web.base}/app/api-keys`);
  await page.getByTestId('keys-not-allowed').waitFor();
  expect(await page.getByTestId('key-new').count()).toBe(0);
  expect(await page.getByTestId('key-row').count()).toBe(0);
  expect(await page.getByTestId('key-revoke').count()).toBe(0);
  await checkScreen(page, size, 'dp-15-keys-viewer');
}
