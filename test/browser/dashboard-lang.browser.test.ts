import { describe, expect, it } from 'vitest';
import { createOrganization } from '../../src/modules/organizations/index.ts';
import { makeUser, unique } from '../factories.ts';
import { json } from '../harness.ts';
import { checkScreen, logInAt, openPage } from './dashboard-fixture.ts';
import { useBrowserServer } from './fixture.ts';

// Issue 16 in the dashboard: a game's Thai texts in the game editor, a prize slot's Thai name
// in the prizes form, saved through the API and shown again when edited.

const web = useBrowserServer();

interface Row {
  id: number;
  [field: string]: unknown;
}

describe('Thai texts in the game editor', () => {
  it('saves the Thai title, intro and wheel labels, and a prize slot name in Thai', async () => {
    const org = await createOrganization(web.h.deps, { name: unique('Siam'), planTier: 'Pro' });
    const owner = await makeUser(web.h, org.id, 'Owner');
    const list = async (url: string) =>
      json<{ data: Row[] }>(await web.h.inject({ method: 'GET', url, headers: owner.auth })).data;

    const page = await openPage(web, 'laptop');
    await logInAt(web, page, owner.email, owner.password);
    await page.getByTestId('nav-games').click();
    await page.getByTestId('game-new').click();
    await page.getByTestId('game-title').fill('Lucky Wheel');
    await page.getByTestId('game-intro').fill('Spin to win');
    await page.getByTestId('game-th-title').fill('วงล้อนำโชค');
    await page.getByTestId('game-th-intro').fill('หมุนเพื่อลุ้นรางวัล');
    // One input per wheel segment, the default label as its placeholder.
    const segments = page.getByTestId('game-th-segment');
    expect(await segments.count()).toBe(6);
    expect(await segments.nth(5).getAttribute('placeholder')).toBe('Try again');
    await segments.nth(0).fill('รางวัลที่ 1');
    await segments.nth(5).fill('ลองใหม่');
    await checkScreen(page, 'laptop', 'lang-game-form');
    await page.getByTestId('game-save').click();
    await page.getByTestId('game-form').waitFor({ state: 'detached' });
    const [game] = await list(`/api/games?org_id=${org.id}`);
    expect(game?.translations).toEqual({
      th: {
        title: 'วงล้อนำโชค',
        intro_text: 'หมุนเพื่อลุ้นรางวัล',
        segments: ['รางวัลที่ 1', '', '', '', '', 'ลองใหม่'],
      },
    });

    // Edited again: the Thai texts are there, and the other fields leave them alone.
    await page.getByTestId('game-edit').click();
    expect(await page.getByTestId('game-th-title').inputValue()).toBe('วงล้อนำโชค');
    await page.getByTestId('game-save').click();
    await page.getByTestId('game-form').waitFor({ state: 'detached' });
    expect((await list(`/api/games?org_id=${org.id}`))[0]?.translations).toEqual(
      game?.translations,
    );

    await page.getByTestId('game-prizes').click();
    await page.getByTestId('prize-add').click();
    await page.getByTestId('prize-name').fill('Free drink');
    await page.getByTestId('prize-name-th').fill('เครื่องดื่มฟรี');
    await page.getByTestId('prize-chance').fill('100');
    await checkScreen(page, 'laptop', 'lang-prizes-form');
    await page.getByTestId('prizes-save').click();
    await page.getByTestId('prizes-form').waitFor({ state: 'detached' });
    expect(await list(`/api/games/${game!.id}/prizes?org_id=${org.id}`)).toMatchObject([
      { name: 'Free drink', translations: { th: { name: 'เครื่องดื่มฟรี' } } },
    ]);
    await page.context().close();
  }, 120_000);
});
