/// <reference lib="dom" />
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { qrPath } from '../../src/lib/qr.ts';
import { createGame } from '../../src/modules/games/index.ts';
import { makeTenant, type Tenant } from '../factories.ts';
import { activeStream, prizeWheel, sessionToken, setPrizes } from '../play.ts';
import { useBrowserServer } from './fixture.ts';
import { checkPlayScreen, openPhone } from './play-fixture.ts';

// Issue 16, result screens: a win with its moment, a kind no-prize screen, a skill score with
// personal best and rank, the call to action on each, and a claimed code with Copy and QR.

const web = useBrowserServer();

const CTA = { cta_text: 'Visit the shop', cta_url: 'https://shop.example/deals' };

async function wheel(t: Tenant, win: boolean) {
  const game = await prizeWheel(
    web.h,
    t,
    win
      ? [{ name: '20% off drinks', type: 'voucher', win_chance: 100, voucher_code: 'SAVE20-XY' }]
      : [{ name: 'Try again', type: 'no_prize', win_chance: 100 }],
  );
  await web.h.deps.database.db
    .updateTable('games')
    .set({ config: JSON.stringify(CTA) })
    .where('id', '=', game.id)
    .execute();
  return game;
}

async function gameLink(t: Tenant, gameId: number): Promise<string> {
  const token = await sessionToken(web.h, t, { game_id: gameId });
  return `${web.base}/play/game/${gameId}?session_token=${token}`;
}

/** Counts the chime's notes: WebAudio oscillators started on the page. */
async function countNotes(page: Page) {
  await page.addInitScript(() => {
    const w = window as unknown as { notes: number; AudioContext: typeof AudioContext };
    w.notes = 0;
    const Original = w.AudioContext;
    w.AudioContext = class extends Original {
      override createOscillator() {
        w.notes += 1;
        return super.createOscillator();
      }
    };
  });
}

const notes = (page: Page) => page.evaluate(() => (window as unknown as { notes: number }).notes);

async function resultOf(page: Page) {
  const result = page.getByTestId('result-screen');
  await result.waitFor({ timeout: 20_000 }).catch(async (error: unknown) => {
    throw new Error(`${String(error)}\n${await page.locator('body').innerText()}`);
  });
  return result;
}

async function spin(page: Page, url: string) {
  await page.goto(url);
  await page.getByTestId('start-button').click();
  await page.getByTestId('spin-button').click();
  return resultOf(page);
}

async function expectCta(page: Page) {
  const cta = page.getByTestId('cta');
  expect(await cta.getAttribute('href')).toBe(CTA.cta_url);
  expect(await cta.getAttribute('rel')).toBe('noopener');
}

/** The claimed code with its Copy button and a QR code drawn from the server's own path. */
async function expectCode(page: Page, code: string) {
  await page.getByTestId('prize-code').waitFor();
  expect(await page.getByTestId('prize-code').innerText()).toBe(code);
  expect(await page.getByTestId('copy-code').isEnabled()).toBe(true);
  const qr = page.getByTestId('prize-qr');
  const expected = qrPath(code)!;
  expect(await qr.locator('path').getAttribute('d')).toBe(expected.path);
  expect(await qr.getAttribute('viewBox')).toBe(`0 0 ${expected.size} ${expected.size}`);
  expect(await qr.locator('path').getAttribute('fill')).toBe('#000000');
  expect((await qr.boundingBox())!.width).toBeGreaterThanOrEqual(160);
}

describe('result screens', () => {
  it.each([
    ['phone', 'en', false],
    ['small', 'th', true],
  ] as const)(
    'a wheel win (%s, %s, reduced motion %s): the moment, reload, claim, reload: code and QR',
    async (size, lang, reducedMotion) => {
      const t = await makeTenant(web.h);
      const game = await wheel(t, true);
      const url = await gameLink(t, game.id);
      const page = await openPhone(web, size, lang, { reducedMotion });
      await countNotes(page);
      await page.goto(url);

      // Sound is off until the player turns it on, and the choice is remembered.
      const sound = page.getByTestId('sound-toggle');
      expect(await sound.getAttribute('aria-pressed')).toBe('false');
      await sound.click();
      expect(await sound.getAttribute('aria-pressed')).toBe('true');

      const result = await spin(page, url);
      expect(await result.getAttribute('data-outcome')).toBe('win');
      expect(await result.getAttribute('data-celebrate')).toBe(reducedMotion ? 'still' : 'motion');
      // Sound on: the win chimes (three notes), with or without motion.
      expect(await notes(page)).toBe(3);
      if (reducedMotion) {
        expect(await page.evaluate(() => document.getAnimations().length)).toBe(0);
      } else {
        expect(await page.locator('.confetti span').count()).toBeGreaterThan(0);
      }
      expect(await page.locator('.prize-name').innerText()).toBe('20% off drinks');
      // Date, time and zone: the phone's own zone here (no stream).
      expect(await page.getByTestId('claim-by').innerText()).toMatch(
        lang === 'th' ? /รับรางวัลได้ถึง .*256\d.*\d\d:\d\d/ : /Claim by \d+ \w+ 2026, \d\d:\d\d \S+/,
      );
      await expectCta(page);
      await checkPlayScreen(page, `result-win-${size}-${lang}`);

      await page.reload();
      expect(await page.getByTestId('sound-toggle').getAttribute('aria-pressed')).toBe('true');
      const reopened = await resultOf(page);
      expect(await reopened.getAttribute('data-outcome')).toBe('win');
      expect(await reopened.getAttribute('data-celebrate')).toBe('still');
      await page.getByTestId('claim-button').click();
      await expectCode(page, 'SAVE20-XY');
      await expectCta(page);
      await checkPlayScreen(page, `result-claimed-${size}-${lang}`);

      await page.reload();
      await expectCode(page, 'SAVE20-XY');
      await expectCta(page);
      if (!reducedMotion) {
        // With the clipboard API missing the Copy button selects the code instead.
        await page.evaluate(() => {
          Object.defineProperty(navigator, 'clipboard', { value: undefined });
        });
        await page.getByTestId('copy-code').click();
        expect(await page.evaluate(() => window.getSelection()?.toString())).toBe('SAVE20-XY');
      }
      await page.context().close();
    },
    90_000,
  );

  it.each([
    ['phone', 'th'],
    ['small', 'en'],
  ] as const)(
    'a wheel that won nothing (%s, %s): "not this time", the landed label, no score',
    async (size, lang) => {
      const t = await makeTenant(web.h);
      const game = await wheel(t, false);
      const page = await openPhone(web, size, lang);
      await countNotes(page);
      const result = await spin(page, await gameLink(t, game.id));
      expect(await result.getAttribute('data-outcome')).toBe('no-prize');
      expect(await notes(page)).toBe(0);
      expect(await result.getAttribute('data-celebrate')).toBe('still');
      expect(await page.locator('h1').innerText()).toBe(
        lang === 'th' ? 'ครั้งนี้ยังไม่ได้รางวัล' : 'Not this time',
      );
      expect(await page.getByTestId('segment-result').innerText()).toBe('Try again');
      expect(await page.getByTestId('score').count()).toBe(0);
      await expectCta(page);
      await checkPlayScreen(page, `result-no-prize-${size}-${lang}`);
      await page.context().close();
    },
    60_000,
  );

  it("names the stream's time zone in the claim deadline and the next game on its button", async () => {
    const t = await makeTenant(web.h);
    const game = await wheel(t, true);
    const next = await createGame(web.h.deps, t.org.id, {
      title: 'Tap Rush',
      template: 'quick-tap',
      status: 'Active',
    });
    const stream = await activeStream(web.h, t, [game.id, next.id], {
      timezone: 'Asia/Bangkok',
      order_mode: 'fixed',
    });
    const page = await openPhone(web, 'phone', 'en');
    await countNotes(page);
    const result = await spin(page, `${web.base}/stream/${t.org.slug}/${stream.slug}`);
    expect(await result.getAttribute('data-outcome')).toBe('win');
    // Sound is off by default: a win makes no sound.
    expect(await page.getByTestId('sound-toggle').getAttribute('aria-pressed')).toBe('false');
    expect(await notes(page)).toBe(0);
    expect(await page.getByTestId('claim-by').innerText()).toMatch(
      /^Claim by \d+ \w+ 2026, \d\d:\d\d GMT\+7$/,
    );
    expect(await page.getByTestId('next-game').innerText()).toBe('Next: Tap Rush');
    await expectCta(page);
    await checkPlayScreen(page, 'result-win-stream-phone-en');
    await page.context().close();
  }, 60_000);

  it('a skill score: personal best, then a second play with the rank (both sizes, both languages)', async () => {
    const t = await makeTenant(web.h);
    const game = await createGame(web.h.deps, t.org.id, {
      title: 'Tap Rush',
      template: 'quick-tap',
      config: { duration_s: 3, leaderboard: true, ...CTA },
      prize_enabled: true,
    });
    await setPrizes(web.h, t, game.id, [{ name: 'Nothing', type: 'no_prize', win_chance: 100 }]);
    // Someone else already played well.
    await web.h.deps.database.db
      .insertInto('plays')
      .values({
        org_id: t.org.id,
        game_id: game.id,
        player_uuid: randomUUID(),
        status: 'completed',
        score: 40,
        started_at: new Date(),
        completed_at: new Date(),
      })
      .execute();

    const tapRound = async (page: Page, taps: number) => {
      await page.goto(await gameLink(t, game.id));
      await page.getByTestId('start-button').click();
      await page.waitForSelector('[data-testid="game-area"][data-state="running"]');
      for (let i = 0; i < taps; i++) {
        await page
          .getByTestId('tap-target')
          .click({ timeout: 1000 })
          .catch(() => undefined);
        await page.waitForTimeout(150);
      }
      return resultOf(page);
    };

    const page = await openPhone(web, 'phone', 'en');
    const first = await tapRound(page, 3);
    expect(await first.getAttribute('data-outcome')).toBe('score');
    expect(await page.getByTestId('best').innerText()).toBe('New personal best!');
    expect(await page.getByTestId('rank').innerText()).toBe('You are #2 of 2 players');
    await expectCta(page);
    await checkPlayScreen(page, 'result-score-phone-en');
    const score = Number(await page.getByTestId('score').getAttribute('data-score'));

    // The same player (same device cookie) again, on the small phone in Thai: one tap only.
    const cookies = await page.context().cookies();
    await page.context().close();
    const small = await openPhone(web, 'small', 'th');
    await small.context().addCookies(cookies);
    const second = await tapRound(small, 1);
    expect(await second.getAttribute('data-outcome')).toBe('score');
    const again = Number(await small.getByTestId('score').getAttribute('data-score'));
    expect(again).toBeLessThan(score);
    expect(await small.getByTestId('best').innerText()).toBe(`สถิติดีที่สุดของคุณ: ${score}`);
    expect(await small.getByTestId('rank').innerText()).toBe('คุณอยู่อันดับที่ 2 จากผู้เล่น 2 คน');
    await expectCta(small);
    await checkPlayScreen(small, 'result-score-small-th');
    await small.context().close();
  }, 90_000);
});
