/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createGame } from '../../src/modules/games/index.ts';
import { makeTenant, type Tenant } from '../factories.ts';
import { sessionToken, setPrizes } from '../play.ts';
import { useBrowserServer } from './fixture.ts';
import { checkPlayScreen, openPhone, type Phone, type PlayLang } from './play-fixture.ts';

// Issue 16: every template played to each of its outcomes, at both phone sizes, in English and
// Thai. Lucky draws are forced with prize slots: the other slot needs a score no draw has.

const web = useBrowserServer();

type Outcome = 'win' | 'no-prize';
type LuckyTemplate = 'spin-wheel' | 'scratch-card' | 'grid-box-reveal';

const PRIZE = { en: 'Free dinner for two', th: 'บุฟเฟต์มื้อค่ำฟรี 2 ท่าน' };
const NOTHING = { en: 'Better luck next time', th: 'เสียใจด้วย ลองใหม่นะ' };

/** Slots whose only drawable one is the prize (win) or the "no prize" (no-prize). */
function slots(outcome: Outcome, lang: PlayLang, extra = 0) {
  const never = { win_chance: 1, min_score: 1 };
  const filler = Array.from({ length: extra }, (_, i) => ({
    name: lang === 'th' ? `ส่วนลด ${i + 10}% ทุกเมนู` : `${i + 10}% off your next stay`,
    type: 'voucher',
    voucher_code: `F${i}`,
    ...never,
  }));
  return [
    {
      name: PRIZE[lang],
      type: 'voucher',
      voucher_code: 'DINNER2',
      ...(outcome === 'win' ? { win_chance: 100 } : never),
    },
    ...filler,
    {
      name: NOTHING[lang],
      type: 'no_prize',
      ...(outcome === 'no-prize' ? { win_chance: 100 } : never),
    },
  ];
}

async function link(t: Tenant, gameId: number): Promise<string> {
  const token = await sessionToken(web.h, t, { game_id: gameId });
  return `${web.base}/play/game/${gameId}?session_token=${token}`;
}

async function open(
  phone: Phone,
  lang: PlayLang,
  template: string,
  config: Record<string, unknown>,
  prizeSlots?: Record<string, unknown>[],
  options: { reducedMotion?: boolean } = {},
): Promise<{ page: Page; gameId: number }> {
  const t = await makeTenant(web.h);
  const game = await createGame(web.h.deps, t.org.id, {
    title: lang === 'th' ? 'ลุ้นรางวัลประจำวัน' : 'Daily prize game',
    template: template as 'spin-wheel',
    status: 'Active',
    config,
    prize_enabled: prizeSlots !== undefined,
  });
  if (prizeSlots) await setPrizes(web.h, t, game.id, prizeSlots);
  const page = await openPhone(web, phone, lang, options);
  await page.goto(await link(t, game.id));
  await page.getByTestId('start-button').waitFor();
  expect(await page.getAttribute('html', 'lang')).toBe(lang);
  return { page, gameId: game.id };
}

async function startGame(page: Page, name: string): Promise<void> {
  await checkPlayScreen(page, `${name}-1-start`);
  await page.getByTestId('start-button').click();
  await page.getByTestId('game-area').waitFor();
}

async function result(page: Page, name: string): Promise<string | null> {
  const screen = page.getByTestId('result-screen');
  await screen.waitFor({ timeout: 30_000 }).catch(async (error: unknown) => {
    await page.screenshot({ path: `test-output/screenshots/${name}-failure.png` });
    throw new Error(`${String(error)}\n${await page.locator('body').innerText()}`);
  });
  await checkPlayScreen(page, `${name}-3-result`);
  return screen.getAttribute('data-outcome');
}

async function storedPlay(gameId: number) {
  const plays = await web.h.deps.database.db
    .selectFrom('plays')
    .select(['status', 'score', 'result'])
    .where('game_id', '=', gameId)
    .execute();
  expect(plays).toHaveLength(1);
  return plays[0]!;
}

/** The card fills the phone sensibly, and nothing sticks out of it on the right. */
async function expectFits(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => {
    const card = document.getElementById('app')!.getBoundingClientRect();
    const out = [...document.querySelectorAll<HTMLElement>('#app *')]
      .filter((el) => el.getClientRects().length > 0 && !el.closest('svg'))
      .filter((el) => el.getBoundingClientRect().right > card.right + 0.5)
      .map((el) => el.className || el.tagName);
    return { out, scrollWidth: document.documentElement.scrollWidth, width: window.innerWidth };
  });
  expect(overflow.out).toEqual([]);
  expect(overflow.scrollWidth).toBeLessThanOrEqual(overflow.width);
}

/** What the card or box shows the moment it opens (it gives way to the result soon after). */
async function revealed(page: Page, state: string, testid: string): Promise<string> {
  const handle = await page.waitForFunction(
    ([state, testid]) =>
      document.querySelector(`[data-testid="game-area"][data-state="${state}"]`)
        ? (document.querySelector<HTMLElement>(`[data-testid="${testid}"]`)?.innerText ?? '')
        : null,
    [state, testid],
    { timeout: 15_000, polling: 20 },
  );
  return (await handle.jsonValue()) as string;
}

const lucky: [LuckyTemplate, Outcome, Phone, PlayLang][] = [
  ['spin-wheel', 'win', 'phone', 'en'],
  ['spin-wheel', 'no-prize', 'small', 'th'],
  ['scratch-card', 'win', 'small', 'en'],
  ['scratch-card', 'no-prize', 'phone', 'th'],
  ['grid-box-reveal', 'win', 'phone', 'th'],
  ['grid-box-reveal', 'no-prize', 'small', 'en'],
];

describe('every prize game to each of its outcomes', () => {
  it.each(lucky)(
    '%s: %s at %s size in %s',
    async (template, outcome, phone, lang) => {
      const name = `game-${template}-${outcome}-${phone}-${lang}`;
      // The Thai wheel gets eight long labels: they must stay inside the rim.
      const extra =
        template === 'spin-wheel' && lang === 'th' ? 6 : template === 'spin-wheel' ? 3 : 0;
      const config = template === 'grid-box-reveal' && phone === 'small' ? { boxes: 4 } : {};
      const reducedMotion = template === 'scratch-card' && lang === 'th';
      const { page, gameId } = await open(
        phone,
        lang,
        template,
        config,
        slots(outcome, lang, extra),
        { reducedMotion },
      );
      const segments = 2 + extra;
      const expectedIndex = outcome === 'win' ? 0 : segments - 1;
      if (template === 'spin-wheel') {
        // The start screen's wheel is this game's wheel: same number of segments.
        expect(await page.getByTestId('hero-wheel').getAttribute('data-segments')).toBe(
          String(segments),
        );
      }
      await startGame(page, name);
      await expectFits(page);
      const area = page.getByTestId('game-area');

      if (template === 'spin-wheel') {
        const fit = await page.evaluate(() =>
          [...document.querySelectorAll<SVGTextElement>('[data-testid="segment"] text')].map(
            (text) => {
              // A label on two lines: each line must fit.
              const lines = [...text.querySelectorAll<SVGTSpanElement>('tspan')];
              return Math.max(
                ...(lines.length > 0 ? lines : [text]).map((line) => line.getComputedTextLength()),
              );
            },
          ),
        );
        expect(fit).toHaveLength(segments);
        // From the rim's inner edge (88) to the hub (20): 68 units at most.
        for (const length of fit) expect(length).toBeLessThanOrEqual(68.5);
        await checkPlayScreen(page, `${name}-2-playing`);
        await page.getByTestId('spin-button').click();
      } else if (template === 'scratch-card') {
        if (reducedMotion) {
          // The accessible way: the Reveal button, from the keyboard.
          await checkPlayScreen(page, `${name}-2-playing`);
          await page.getByTestId('reveal-button').focus();
          await page.keyboard.press('Enter');
        } else {
          const box = (await page.getByTestId('scratch-card').boundingBox())!;
          // Rub across the card, row by row, as a finger would.
          for (let row = 0; row < 6; row++) {
            const y = box.y + (box.height * (row + 0.5)) / 6;
            await page.mouse.move(box.x + 4, y);
            await page.mouse.down();
            await page.mouse.move(box.x + box.width - 4, y, { steps: 12 });
            await page.mouse.up();
            if (row === 1) await checkPlayScreen(page, `${name}-2-playing`);
            if ((await area.getAttribute('data-state')) === 'revealed') break;
          }
        }
        expect(await revealed(page, 'revealed', 'scratch-result')).toBe(
          outcome === 'win' ? PRIZE[lang] : NOTHING[lang],
        );
        if (!reducedMotion) await web.shot(page, `${name}-2b-revealed`);
      } else {
        const boxes = page.getByTestId('box');
        expect(await boxes.count()).toBe(phone === 'small' ? 4 : 9);
        const size = (await boxes.first().boundingBox())!;
        expect(Math.min(size.width, size.height)).toBeGreaterThanOrEqual(44);
        await checkPlayScreen(page, `${name}-2-playing`);
        if (phone === 'small') {
          // Keyboard: the boxes are buttons.
          await boxes.nth(2).focus();
          await page.keyboard.press('Enter');
        } else {
          await boxes.nth(2).tap();
        }
        expect(await revealed(page, 'opened', 'box-prize')).toBe(
          outcome === 'win' ? PRIZE[lang] : NOTHING[lang],
        );
        await web.shot(page, `${name}-2b-opened`);
      }

      expect(await result(page, name)).toBe(outcome);
      expect(await page.getByTestId('claim-button').count()).toBe(outcome === 'win' ? 1 : 0);
      const play = await storedPlay(gameId);
      expect(play).toMatchObject({ status: 'completed', score: 0 });
      expect(play.result).toMatchObject({
        segment_index: expectedIndex,
        ...(template === 'grid-box-reveal' && { box_index: 2 }),
      });
      await page.context().close();
    },
    90_000,
  );
});

async function playMemory(page: Page): Promise<void> {
  const cards = page.locator('[data-testid="card"]');
  await cards.first().waitFor();
  const count = await cards.count();
  const faces: string[] = [];
  const flip = async (i: number) => {
    for (let attempt = 0; attempt < 50; attempt++) {
      const face = await page.evaluate((index) => {
        const card = document.querySelectorAll<HTMLElement>('[data-testid="card"]')[index];
        card?.click();
        return card?.dataset.face ?? null;
      }, i);
      if (face) {
        faces[i] = face;
        await page.waitForTimeout(350);
        return;
      }
      await page.waitForTimeout(60);
    }
    throw new Error(`card ${i} never turned face up`);
  };
  const settled = () =>
    page.waitForFunction(() =>
      [...document.querySelectorAll<HTMLElement>('[data-testid="card"]')].every(
        (card) => card.dataset.matched === 'true' || !card.dataset.face,
      ),
    );
  for (let i = 0; i + 1 < count; i += 2) {
    await flip(i);
    await flip(i + 1);
    await settled();
  }
  for (let i = 0; i < count; i++) {
    if (await page.getByTestId('result-screen').isVisible()) return;
    if ((await cards.nth(i).getAttribute('data-matched')) === 'true') continue;
    const j = faces.findIndex((face, k) => k !== i && face === faces[i]);
    await flip(i);
    await flip(j);
    await settled();
  }
}

async function playTaps(page: Page): Promise<void> {
  const target = page.getByTestId('tap-target');
  await page.waitForSelector('[data-testid="game-area"][data-state="running"]', {
    timeout: 10_000,
  });
  const deadline = Date.now() + 15_000;
  let shot = false;
  while (!(await page.getByTestId('result-screen').isVisible()) && Date.now() < deadline) {
    await target.click({ timeout: 1000 }).catch(() => undefined);
    if (!shot) {
      shot = true;
      // The target and its arena stay inside the card, also at 320 px.
      const [arena, card, hit] = await Promise.all([
        page.getByTestId('tap-arena').boundingBox(),
        page.locator('#app').boundingBox(),
        target.boundingBox(),
      ]);
      expect(arena!.x + arena!.width).toBeLessThanOrEqual(card!.x + card!.width);
      expect(hit!.x + hit!.width).toBeLessThanOrEqual(arena!.x + arena!.width + 0.5);
    }
    await page.waitForTimeout(120);
  }
}

describe('every skill game to each of its outcomes', () => {
  it.each([
    ['completed', 'phone', 'en', { pairs: 2, duration_s: 60 }],
    ['timed-out', 'small', 'th', { pairs: 6, duration_s: 10 }],
  ] as const)(
    'memory-match %s at %s size in %s',
    async (outcome, phone, lang, config) => {
      const name = `game-memory-match-${outcome}-${phone}-${lang}`;
      const { page, gameId } = await open(phone, lang, 'memory-match', config);
      await startGame(page, name);
      await expectFits(page);
      await checkPlayScreen(page, `${name}-2-playing`);
      if (outcome === 'completed') await playMemory(page);
      expect(await result(page, name)).toBe('score');
      const play = await storedPlay(gameId);
      expect(play.status).toBe('completed');
      if (outcome === 'completed') expect(play.score).toBeGreaterThanOrEqual(200);
      else expect(play.score).toBe(0);
      await page.context().close();
    },
    90_000,
  );

  it.each([
    ['small', 'en'],
    ['phone', 'th'],
  ] as const)(
    'quick-tap scored at %s size in %s',
    async (phone, lang) => {
      const name = `game-quick-tap-scored-${phone}-${lang}`;
      const { page, gameId } = await open(phone, lang, 'quick-tap', { duration_s: 3 });
      await startGame(page, name);
      await page.waitForSelector('[data-testid="game-area"][data-state="running"]');
      await expectFits(page);
      await checkPlayScreen(page, `${name}-2-playing`);
      await playTaps(page);
      expect(await result(page, name)).toBe('score');
      const play = await storedPlay(gameId);
      expect(play.score).toBeGreaterThan(0);
      expect(Number(await page.getByTestId('score').getAttribute('data-score'))).toBe(play.score);
      await page.context().close();
    },
    90_000,
  );
});
