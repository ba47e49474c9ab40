/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createGame } from '../../src/modules/games/index.ts';
import { makeTenant, type Tenant } from '../factories.ts';
import { sessionToken, setPrizes } from '../play.ts';
import { useBrowserServer } from './fixture.ts';
import { checkPlayScreen, openPhone, type Phone } from './play-fixture.ts';

// Issue 16, game content in every page language: a wheel with Thai texts and Thai prize slots,
// played to a win and claimed on a Thai phone (the browser's language picks the page's), and
// the same game in English on an English phone.

const web = useBrowserServer();

const TH = {
  title: 'วงล้อนำโชค',
  intro_text: 'หมุนวงล้อเพื่อลุ้นส่วนลดห้องพัก',
  result_text: 'ขอบคุณที่ร่วมสนุกกับเรา',
};

/** A wheel whose first slot (100%) always wins; the second can never be won (score 0). */
async function thaiWheel(t: Tenant) {
  const game = await createGame(web.h.deps, t.org.id, {
    title: 'Lucky Wheel',
    template: 'spin-wheel',
    prize_enabled: true,
    config: { intro_text: 'Spin to win a room discount', result_text: 'Thanks for playing' },
    translations: { th: TH },
  });
  await setPrizes(web.h, t, game.id, [
    {
      name: '20% off',
      description: 'At the front desk',
      type: 'voucher',
      voucher_code: 'SAVE20',
      win_chance: 100,
      translations: { th: { name: 'ลด 20%', description: 'รับที่เคาน์เตอร์' } },
    },
    {
      name: 'Free night',
      type: 'item',
      win_chance: 50,
      min_score: 1,
      translations: { th: { name: 'พักฟรี' } },
    },
  ]);
  return game;
}

async function link(t: Tenant, gameId: number): Promise<string> {
  const token = await sessionToken(web.h, t, { game_id: gameId });
  return `${web.base}/play/game/${gameId}?session_token=${token}`;
}

/** The wheel's labels as shown (a label broken over two lines is read as one). */
const labels = (page: Page) =>
  page.locator('[data-testid="segment"] text').evaluateAll((nodes) =>
    nodes.map((node) => {
      const lines = [...node.querySelectorAll('tspan')].map((line) => line.textContent ?? '');
      return lines.length > 0 ? lines.join(' ') : (node.textContent ?? '');
    }),
  );

async function failWith(page: Page, error: unknown): Promise<never> {
  throw new Error(`${String(error)}\n${await page.locator('body').innerText()}`);
}

describe.each<Phone>(['phone', 'small'])('game texts in the page language (%s)', (size) => {
  it('plays a Thai wheel to a win and a claim all in Thai, and shows English to English', async () => {
    const t = await makeTenant(web.h);
    const game = await thaiWheel(t);

    const page = await openPhone(web, size, 'th');
    await page.goto(await link(t, game.id));
    expect(await page.locator('html').getAttribute('lang')).toBe('th');
    expect(await page.locator('h1').innerText()).toBe(TH.title);
    expect(await page.getByTestId('start-screen').innerText()).toContain(TH.intro_text);
    expect(await page.getByTestId('start-screen').innerText()).not.toContain('Spin to win');
    await checkPlayScreen(page, `lang-${size}-th-1-start`);

    await page.getByTestId('start-button').click();
    await page.getByTestId('spin-button').waitFor();
    expect(await labels(page)).toEqual(['ลด 20%', 'พักฟรี']);
    expect(await page.getByTestId('game-screen').innerText()).toContain(TH.title);
    await checkPlayScreen(page, `lang-${size}-th-2-wheel`);

    await page.getByTestId('spin-button').click();
    const offer = page.getByTestId('prize-offer');
    await offer.waitFor({ timeout: 20_000 }).catch((error: unknown) => failWith(page, error));
    expect(await offer.innerText()).toContain('ลด 20%');
    expect(await offer.innerText()).toContain('รับที่เคาน์เตอร์');
    const result = await page.getByTestId('result-screen').innerText();
    expect(result).not.toContain('20% off');
    expect(result).toContain(TH.result_text);
    await checkPlayScreen(page, `lang-${size}-th-3-won`);

    await page.getByTestId('claim-button').click();
    await page.getByTestId('prize-code').waitFor();
    const prize = await page.getByTestId('prize').innerText();
    expect(prize).toContain('ลด 20%');
    expect(prize).not.toContain('20% off');
    expect(await page.getByTestId('prize-code').innerText()).toBe('SAVE20');
    await checkPlayScreen(page, `lang-${size}-th-4-claimed`);

    // Reopened, the claimed prize is still Thai.
    await page.reload();
    await page.getByTestId('prize-code').waitFor();
    expect(await page.getByTestId('prize').innerText()).toContain('ลด 20%');
    await page.context().close();

    const english = await openPhone(web, size, 'en');
    await english.goto(await link(t, game.id));
    expect(await english.locator('html').getAttribute('lang')).toBe('en');
    expect(await english.locator('h1').innerText()).toBe('Lucky Wheel');
    expect(await english.getByTestId('start-screen').innerText()).toContain(
      'Spin to win a room discount',
    );
    await english.getByTestId('start-button').click();
    await english.getByTestId('spin-button').waitFor();
    expect(await labels(english)).toEqual(['20% off', 'Free night']);
    await checkPlayScreen(english, `lang-${size}-en-wheel`);
    await english.getByTestId('spin-button').click();
    const englishOffer = english.getByTestId('prize-offer');
    await englishOffer.waitFor({ timeout: 20_000 }).catch((e: unknown) => failWith(english, e));
    expect(await englishOffer.innerText()).toContain('20% off');
    expect(await englishOffer.innerText()).not.toContain('ลด 20%');
    await english.context().close();
  }, 120_000);
});
