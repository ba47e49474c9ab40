import { describe, expect, it } from 'vitest';
import { createOrganization } from '../../src/modules/organizations/index.ts';
import { makeUser, unique } from '../factories.ts';
import { json } from '../harness.ts';
import { checkScreen, logInAt, openPage } from './dashboard-fixture.ts';
import { useBrowserServer } from './fixture.ts';

// Issue 16: the scratch card and the box grid in the game editor, with their own settings and
// a preview of each.

const web = useBrowserServer();

describe('the prize games in the game editor', () => {
  it('creates a scratch card and a box grid with their settings, previewed', async () => {
    const org = await createOrganization(web.h.deps, { name: unique('Golden Reef') });
    const owner = await makeUser(web.h, org.id, 'Owner');
    const page = await openPage(web, 'laptop');
    await logInAt(web, page, owner.email, owner.password);
    await page.getByTestId('nav-games').click();

    await page.getByTestId('game-new').click();
    await page.getByTestId('game-template').selectOption('scratch-card');
    await page.getByTestId('game-title').fill('Lucky scratch');
    await page.getByTestId('game-reveal-percent').fill('60');
    await page.getByTestId('game-cover-color').fill('#b0b0b0');
    await page.getByTestId('game-segments').fill('Free drink\nDinner for two\nTry again');
    await page.getByTestId('game-preview').getByTestId('preview-scratch').waitFor();
    expect(await page.getByTestId('game-preview').innerText()).toMatch(/scratch card/i);
    expect(await page.getByTestId('game-boxes').count()).toBe(0);
    await checkScreen(page, 'laptop', 'games-scratch-card-form');
    await page.getByTestId('game-save').click();
    await page.getByTestId('game-form').waitFor({ state: 'detached' });

    await page.getByTestId('game-new').click();
    await page.getByTestId('game-template').selectOption('grid-box-reveal');
    await page.getByTestId('game-title').fill('Pick a box');
    await page.getByTestId('game-boxes').selectOption('4');
    await expect.poll(() => page.getByTestId('preview-boxes').locator('> div').count()).toBe(4);
    expect(await page.getByTestId('game-reveal-percent').count()).toBe(0);
    await checkScreen(page, 'laptop', 'games-grid-box-reveal-form');
    await page.getByTestId('game-save').click();
    await page.getByTestId('game-form').waitFor({ state: 'detached' });

    const games = json<{ data: { title: string; template: string; config: object }[] }>(
      await web.h.inject({
        method: 'GET',
        url: `/api/games?org_id=${org.id}`,
        headers: owner.auth,
      }),
    ).data;
    expect(games.find((g) => g.title === 'Lucky scratch')).toMatchObject({
      template: 'scratch-card',
      config: {
        cover_color: '#b0b0b0',
        reveal_percent: 60,
        segments: [{ label: 'Free drink' }, { label: 'Dinner for two' }, { label: 'Try again' }],
      },
    });
    const grid = games.find((g) => g.title === 'Pick a box');
    expect(grid).toMatchObject({ template: 'grid-box-reveal', config: { boxes: 4 } });
    expect(grid?.config).not.toHaveProperty('reveal_percent');
    await page.context().close();
  }, 120_000);

  it("sets a game's call to action and leaderboard, and keeps them when the game is edited", async () => {
    const org = await createOrganization(web.h.deps, { name: unique('Golden Reef') });
    const owner = await makeUser(web.h, org.id, 'Owner');
    const page = await openPage(web, 'laptop');
    await logInAt(web, page, owner.email, owner.password);
    await page.getByTestId('nav-games').click();

    await page.getByTestId('game-new').click();
    await page.getByTestId('game-template').selectOption('quick-tap');
    await page.getByTestId('game-title').fill('Tap for a stay');
    // Half a call to action is refused by the API, in words.
    await page.getByTestId('game-cta-text').fill('Book your stay');
    await page.getByTestId('game-save').click();
    await page.getByRole('alert').waitFor();
    await page.getByTestId('game-cta-url').fill('https://casino.example/stay');
    await page.getByTestId('game-leaderboard').check();
    await page.getByTestId('game-save').click();
    await page.getByTestId('game-form').waitFor({ state: 'detached' });

    const configOf = async () =>
      json<{ data: { title: string; config: Record<string, unknown> }[] }>(
        await web.h.inject({
          method: 'GET',
          url: `/api/games?org_id=${org.id}`,
          headers: owner.auth,
        }),
      ).data.find((g) => g.title.startsWith('Tap for a stay'))?.config;
    expect(await configOf()).toMatchObject({
      cta_text: 'Book your stay',
      cta_url: 'https://casino.example/stay',
      leaderboard: true,
    });

    // Editing something else keeps them.
    await page
      .getByTestId('game-row')
      .filter({ hasText: 'Tap for a stay' })
      .getByTestId('game-edit')
      .click();
    await page.getByTestId('game-title').fill('Tap for a stay, again');
    await page.getByTestId('game-save').click();
    await page.getByTestId('game-form').waitFor({ state: 'detached' });
    expect(await configOf()).toMatchObject({ cta_text: 'Book your stay', leaderboard: true });
    await page.context().close();
  }, 120_000);
});
