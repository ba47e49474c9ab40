/// <reference lib="dom" />
import { createHmac } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createGame } from '../../src/modules/games/index.ts';
import { makeTenant } from '../factories.ts';
import { json } from '../harness.ts';
import { activeStream, sessionToken } from '../play.ts';
import { useBrowserServer } from './fixture.ts';

const web = useBrowserServer();
const { phone, shot } = web;

async function playMemory(page: Page): Promise<void> {
  const cards = page.locator('[data-testid="card"]');
  await cards.first().waitFor();
  const count = await cards.count();
  const faces = new Map<number, string>();
  const settled = () =>
    page.waitForFunction(() =>
      [...document.querySelectorAll<HTMLElement>('[data-testid="card"]')].every(
        (card) => card.dataset.matched === 'true' || !card.dataset.face,
      ),
    );
  // Click and read the face in one step inside the page: a wrong pair is face up for only
  // 800 ms, which a slow, loaded machine could otherwise miss between two round trips.
  const flip = async (i: number) => {
    for (let attempt = 0; attempt < 50; attempt++) {
      const face = await page.evaluate((index) => {
        const card = document.querySelectorAll<HTMLElement>('[data-testid="card"]')[index];
        card?.click();
        return card?.dataset.face ?? null;
      }, i);
      if (face) {
        faces.set(i, face);
        // A person needs a moment per card; the server refuses pairs found faster than 300 ms.
        await page.waitForTimeout(250);
        return;
      }
      await page.waitForTimeout(50);
    }
    throw new Error(`card ${i} never turned face up`);
  };
  const matched = async (i: number) => (await cards.nth(i).getAttribute('data-matched')) === 'true';
  // First look at every card two by two, then turn the known pairs.
  for (let i = 0; i + 1 < count; i += 2) {
    if (await page.getByTestId('result-screen').isVisible()) return;
    await flip(i);
    await flip(i + 1);
    await settled();
  }
  for (let i = 0; i < count; i++) {
    if ((await page.getByTestId('result-screen').isVisible()) || (await matched(i))) continue;
    const j = [...faces.keys()].find((k) => k !== i && faces.get(k) === faces.get(i));
    if (j === undefined || (await matched(j))) continue;
    await flip(i);
    await flip(j);
    await settled();
  }
}

async function playTaps(page: Page): Promise<void> {
  const target = page.getByTestId('tap-target');
  const result = page.getByTestId('result-screen');
  await page.waitForSelector('[data-testid="game-area"][data-state="running"]', {
    timeout: 10_000,
  });
  const deadline = Date.now() + 20_000;
  // About eight taps a second, as a quick thumb does: the server refuses more than 15.
  while (!(await result.isVisible()) && Date.now() < deadline) {
    await target.click({ timeout: 1000 }).catch(() => undefined);
    await page.waitForTimeout(120);
  }
}

describe('playing in a phone browser', () => {
  it.each([
    ['memory-match', { pairs: 3, duration_s: 60 }, playMemory],
    ['quick-tap', { duration_s: 3 }, playTaps],
    [
      'spin-wheel',
      {},
      async (page: Page) => {
        await page.getByTestId('spin-button').click();
      },
    ],
  ] as const)(
    'plays %s to the end once; the same link then says it was used',
    async (template, config, play) => {
      const t = await makeTenant(web.h);
      const game = await createGame(web.h.deps, t.org.id, {
        title: `Demo ${template}`,
        template,
        config: config,
      });
      const token = await sessionToken(web.h, t, { game_id: game.id });
      const url = `${web.base}/play/game/${game.id}?session_token=${token}`;
      const page = await phone();
      await page.goto(url);
      await page.getByTestId('start-button').waitFor();
      await shot(page, `${template}-1-start`);
      await page.getByTestId('start-button').click();
      await page.getByTestId('game-area').waitFor();
      await shot(page, `${template}-2-playing`);
      await play(page);
      await page
        .getByTestId('result-screen')
        .waitFor({ timeout: 20_000 })
        .catch(async (error: unknown) => {
          await shot(page, `${template}-failure`);
          throw new Error(`${String(error)}\n${await page.locator('body').innerText()}`);
        });
      await shot(page, `${template}-3-result`);
      const plays = await web.h.deps.database.db
        .selectFrom('plays')
        .select(['status', 'score'])
        .where('game_id', '=', game.id)
        .execute();
      expect(plays).toHaveLength(1);
      expect(plays[0]?.status).toBe('completed');
      if (template === 'memory-match') expect(plays[0]?.score).toBeGreaterThanOrEqual(300);
      if (template === 'quick-tap') expect(plays[0]?.score).toBeGreaterThan(0);

      await page.goto(url);
      await page.locator('[data-testid="error-screen"][data-error="consumed"]').waitFor();
      await shot(page, `${template}-4-already-used`);
      await page.context().close();
    },
    90_000,
  );

  it('resumes the play in progress after a reload instead of granting another', async () => {
    const t = await makeTenant(web.h);
    const game = await createGame(web.h.deps, t.org.id, {
      title: 'Reload',
      template: 'memory-match',
      config: { pairs: 2 },
    });
    const token = await sessionToken(web.h, t, { game_id: game.id });
    const page = await phone();
    await page.goto(`${web.base}/play/game/${game.id}?session_token=${token}`);
    await page.getByTestId('start-button').click();
    await page.getByTestId('game-area').waitFor();
    await page.reload();
    await page.getByTestId('start-button').click();
    await page.getByTestId('game-area').waitFor();
    await playMemory(page);
    await page
      .getByTestId('result-screen')
      .waitFor({ timeout: 20_000 })
      .catch(async (error: unknown) => {
        await shot(page, 'resume-failure');
        throw new Error(`${String(error)}\n${await page.locator('body').innerText()}`);
      });
    const plays = await web.h.deps.database.db
      .selectFrom('plays')
      .select('status')
      .where('game_id', '=', game.id)
      .execute();
    expect(plays).toEqual([{ status: 'completed' }]);
    await page.context().close();
  }, 60_000);

  it('shows "expired" for an expired link, in Thai when asked', async () => {
    const t = await makeTenant(web.h);
    const game = await createGame(web.h.deps, t.org.id, { title: 'Late', template: 'spin-wheel' });
    const token = await sessionToken(web.h, t, { game_id: game.id, expires_in_minutes: 1 });
    web.h.clock.advance(61_000);
    const page = await phone();
    await page.goto(`${web.base}/play/game/${game.id}?session_token=${token}&lang=th`);
    const screen = page.locator('[data-testid="error-screen"][data-error="expired"]');
    await screen.waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('th');
    await shot(page, 'expired-th');
    await page.context().close();
  });

  it('walks a public stream link through its games to the completion message', async () => {
    const t = await makeTenant(web.h);
    const first = await createGame(web.h.deps, t.org.id, {
      title: 'First spin',
      template: 'spin-wheel',
    });
    const second = await createGame(web.h.deps, t.org.id, {
      title: 'Then match',
      template: 'memory-match',
      config: { pairs: 2 },
    });
    const { id: streamId, slug } = await activeStream(web.h, t, [first.id, second.id], {
      completion_message: 'Thanks for playing the summer campaign!',
    });
    // The brand signs the player id on its link (docs/play.md); an unsigned one is ignored.
    const rotated = await web.h.inject({
      method: 'POST',
      url: `/api/streams/${streamId}/identity-secret`,
      headers: t.owner.auth,
      payload: { org_id: t.org.id },
    });
    const secret = json<{ data: { identity_secret: string } }>(rotated).data.identity_secret;
    const expires = Math.floor(web.h.clock.now().getTime() / 1000) + 3600;
    const sig = createHmac('sha256', secret).update(`${streamId}.crm-42.${expires}`).digest('hex');
    const signed = `external_id=crm-42&expires=${expires}&sig=${sig}`;
    const page = await phone();
    await page.goto(`${web.base}/stream/${t.org.slug}/${slug}?${signed}&utm_source=email`);
    await page.getByTestId('start-button').click();
    await page.getByTestId('spin-button').click();
    await page.getByTestId('result-screen').waitFor({ timeout: 20_000 });
    await shot(page, 'stream-1-first-result');
    await page.getByTestId('next-game').click();
    await page.getByTestId('start-button').click();
    await playMemory(page);
    await page.getByTestId('result-screen').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('next-game').count()).toBe(0);
    await page.goto(`${web.base}/stream/${t.org.slug}/${slug}?${signed}`);
    await page.getByTestId('finished').waitFor();
    // Their own plays are used up; the stream goes on, so it does not say the campaign ended.
    expect(await page.getByTestId('finished').getAttribute('data-finished')).toBe('played-all');
    expect(await page.getByTestId('finished').innerText()).toContain(
      'You have played all your turns',
    );
    expect(await page.getByTestId('finished').innerText()).not.toContain('has ended');
    await shot(page, 'stream-2-finished');
    const plays = await web.h.deps.database.db
      .selectFrom('plays')
      .select(['game_id', 'external_id', 'status'])
      .where('org_id', '=', t.org.id)
      .orderBy('id')
      .execute();
    expect(plays).toEqual([
      { game_id: first.id, external_id: 'crm-42', status: 'completed' },
      { game_id: second.id, external_id: 'crm-42', status: 'completed' },
    ]);
    await page.context().close();
  }, 90_000);
});
