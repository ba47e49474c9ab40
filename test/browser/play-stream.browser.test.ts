/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createGame } from '../../src/modules/games/index.ts';
import { fmt, stringsFor } from '../../src/web/i18n.ts';
import { makeTenant, type Tenant } from '../factories.ts';
import { activeStream } from '../play.ts';
import { useBrowserServer } from './fixture.ts';
import { checkPlayScreen, openPhone, type Phone, type PlayLang } from './play-fixture.ts';

// Issue 16, streams a player understands: a three-game stream walked to its end on its public
// link, the list showing progress after each play and the next game named, the summary at the
// end and the per-player cap after it; a paused stream's own message.

const web = useBrowserServer();

const GAMES = [
  { title: 'Lucky Wheel', template: 'spin-wheel' },
  { title: 'Tap Rush', template: 'quick-tap' },
  { title: 'Bonus Spin', template: 'spin-wheel' },
] as const;

async function streamOfThree(t: Tenant, fields: Record<string, unknown> = {}) {
  const ids: number[] = [];
  for (const game of GAMES) {
    const config = game.template === 'quick-tap' ? { duration_s: 3 } : {};
    ids.push((await createGame(web.h.deps, t.org.id, { ...game, config })).id);
  }
  const stream = await activeStream(web.h, t, ids, {
    name: 'Summer Games',
    completion_message: 'Thanks for playing the summer games!',
    ...fields,
  });
  return `${web.base}/stream/${t.org.slug}/${stream.slug}`;
}

/** Plays the game on screen to its result: spins the wheel, or taps for the tap game. */
async function playGame(page: Page, template: string): Promise<void> {
  const result = page.getByTestId('result-screen');
  if (template === 'spin-wheel') {
    await page.getByTestId('spin-button').click();
  } else {
    await page.waitForSelector('[data-testid="game-area"][data-state="running"]', {
      timeout: 10_000,
    });
    const target = page.getByTestId('tap-target');
    const deadline = Date.now() + 20_000;
    while (!(await result.isVisible()) && Date.now() < deadline) {
      await target.click({ timeout: 1000 }).catch(() => undefined);
      await page.waitForTimeout(150);
    }
  }
  await result.waitFor({ timeout: 20_000 });
}

const statesOf = (page: Page) =>
  page
    .locator('[data-testid="stream-game"]')
    .evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.state));

/** The stream's start screen before play `n` (0-based): progress so far, the next game named. */
async function expectStartScreen(page: Page, lang: PlayLang, n: number): Promise<void> {
  const t = stringsFor(lang);
  await page.getByTestId('stream-games').waitFor();
  expect(await statesOf(page)).toEqual(
    GAMES.map((_, i) => (i < n ? 'played' : i === n ? 'next' : 'upcoming')),
  );
  expect(await page.getByTestId('stream-next').innerText()).toBe(
    fmt(t['stream.next'], { title: GAMES[n]!.title }),
  );
  expect(await page.getByTestId('stream-count').innerText()).toContain(
    fmt(t['stream.count'], { n: n + 1, allowed: GAMES.length }),
  );
  await page.waitForSelector('[data-testid="start-button"]:not([disabled])');
}

async function walkToTheEnd(phone: Phone, lang: PlayLang): Promise<void> {
  const t = stringsFor(lang);
  const tenant = await makeTenant(web.h);
  const url = await streamOfThree(tenant);
  const page = await openPhone(web, phone, lang);
  const name = `stream-${lang}-${phone}`;
  await page.goto(url);
  // A second tab of the same player, left on the last game's start screen.
  let stale: Page | undefined;
  for (const [n, game] of GAMES.entries()) {
    await expectStartScreen(page, lang, n);
    await checkPlayScreen(page, `${name}-${n + 1}-start`);
    if (n === GAMES.length - 1) {
      stale = await page.context().newPage();
      await stale.goto(url);
      await stale.waitForSelector('[data-testid="start-button"]:not([disabled])');
    }
    await page.getByTestId('start-button').click();
    await playGame(page, game.template);
    if (n < GAMES.length - 1) {
      await page.getByTestId('next-game').waitFor();
      if (n === 0) await checkPlayScreen(page, `${name}-${n + 1}-result`);
      await page.getByTestId('next-game').click();
    }
  }
  // The last result leads nowhere further; reopened, the link sums the stream up.
  expect(await page.getByTestId('next-game').count()).toBe(0);
  await checkPlayScreen(page, `${name}-3-result`);
  await page.goto(url);
  const finished = page.getByTestId('finished');
  await finished.waitFor();
  expect(await finished.getAttribute('data-finished')).toBe('played-all');
  expect(await page.locator('h1').innerText()).toBe(t['finished.played.title']);
  expect(await statesOf(page)).toEqual(['played', 'played', 'played']);
  const total = Number(await page.getByTestId('stream-total').getAttribute('data-total'));
  expect(total).toBeGreaterThan(0);
  expect(await page.getByTestId('stream-message').innerText()).toBe(
    'Thanks for playing the summer games!',
  );
  await checkPlayScreen(page, `${name}-4-summary`);

  // Play on the tab left open: the per-player cap, in its own words.
  await stale!.getByTestId('start-button').click();
  const error = stale!.getByTestId('error-screen');
  await error.waitFor();
  expect(await error.getAttribute('data-error')).toBe('cap_reached');
  expect(await stale!.locator('h1').innerText()).toBe(t['error.cap_reached.title']);
  expect(await stale!.locator('.badge').getAttribute('class')).toBe('badge badge-done');
  await checkPlayScreen(stale!, `${name}-5-cap`);
  await page.context().close();
}

describe('a stream on a phone', () => {
  it('is walked to its end in English, with progress, the next game and a summary', async () => {
    await walkToTheEnd('phone', 'en');
  }, 120_000);

  it('is walked to its end in Thai on a small phone', async () => {
    await walkToTheEnd('small', 'th');
  }, 120_000);

  it('says a paused stream is paused', async () => {
    const tenant = await makeTenant(web.h);
    const url = await streamOfThree(tenant, { status: 'Paused' });
    for (const [phone, lang] of [
      ['phone', 'en'],
      ['small', 'th'],
    ] as const) {
      const page = await openPhone(web, phone, lang);
      await page.goto(url);
      const error = page.getByTestId('error-screen');
      await error.waitFor();
      expect(await error.getAttribute('data-error')).toBe('stream_paused');
      expect(await page.locator('h1').innerText()).toBe(
        stringsFor(lang)['error.stream_paused.title'],
      );
      expect(await page.locator('.badge').getAttribute('class')).toBe('badge badge-clock');
      await checkPlayScreen(page, `stream-paused-${lang}-${phone}`);
      await page.context().close();
    }
  }, 60_000);
});
