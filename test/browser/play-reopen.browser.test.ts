/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { makeTenant, type Tenant } from '../factories.ts';
import { activeStream, prizeWheel, sessionToken } from '../play.ts';
import { useBrowserServer } from './fixture.ts';

// Issue 9 item 10 in a real browser: win, reload before Claim, claim, reload again.

const web = useBrowserServer();
const { phone, shot } = web;

/** A wheel whose only slot (100% chance) is a fixed voucher code: every spin wins it. */
async function winningLink(t: Tenant): Promise<string> {
  const game = await prizeWheel(web.h, t, [
    { name: '20% off', type: 'voucher', win_chance: 100, voucher_code: 'SAVE20' },
  ]);
  const token = await sessionToken(web.h, t, { game_id: game.id });
  return `${web.base}/play/game/${game.id}?session_token=${token}`;
}

async function spinToWin(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId('start-button').click();
  await page.getByTestId('spin-button').click();
  await page
    .getByTestId('claim-button')
    .waitFor({ timeout: 20_000 })
    .catch(async (error: unknown) => {
      await shot(page, 'reopen-failure');
      throw new Error(`${String(error)}\n${await page.locator('body').innerText()}`);
    });
}

describe('a won prize survives a reload', () => {
  it('shows the pending prize after a reload, claims it, and shows the code after another', async () => {
    const t = await makeTenant(web.h);
    const url = await winningLink(t);
    const page = await phone();
    await spinToWin(page, url);
    await shot(page, 'reopen-1-won');

    await page.reload();
    const claim = page.getByTestId('claim-button');
    await claim.waitFor();
    expect(await page.locator('[data-testid="error-screen"]').count()).toBe(0);
    expect(await page.getByTestId('prize-offer').innerText()).toContain('20% off');
    await shot(page, 'reopen-2-reloaded-pending');
    await claim.click();
    await page.getByTestId('prize-code').waitFor();
    expect(await page.getByTestId('prize-code').innerText()).toBe('SAVE20');

    await page.reload();
    await page.getByTestId('prize-code').waitFor();
    expect(await page.getByTestId('prize-code').innerText()).toBe('SAVE20');
    expect(await page.getByTestId('claim-button').count()).toBe(0);
    await shot(page, 'reopen-3-reloaded-claimed');
    await page.context().close();
  }, 90_000);

  it('offers the next play of a public stream from the reopened result', async () => {
    const t = await makeTenant(web.h);
    const url = await winningLink(t);
    const gameId = Number(/\/play\/game\/(\d+)/.exec(url)?.[1]);
    const { slug } = await activeStream(web.h, t, [gameId], { max_plays_per_player: 2 });
    const page = await phone();
    await spinToWin(page, `${web.base}/stream/${t.org.slug}/${slug}`);
    await page.reload();
    await page.getByTestId('claim-button').waitFor();
    await shot(page, 'reopen-5-stream-pending');
    await page.getByTestId('next-game').click();
    await page.getByTestId('spin-button').click();
    await page.getByTestId('claim-button').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('next-game').count()).toBe(0);
    const plays = await web.h.deps.database.db
      .selectFrom('plays')
      .select('status')
      .where('org_id', '=', t.org.id)
      .execute();
    expect(plays).toEqual([{ status: 'completed' }, { status: 'completed' }]);
    await page.context().close();
  }, 90_000);

  it('shows the prize as expired after the claim deadline, in Thai when asked', async () => {
    const t = await makeTenant(web.h);
    const url = await winningLink(t);
    const page = await phone();
    await spinToWin(page, url);
    web.h.clock.advance(30 * 60_000 + 1_000);
    await page.goto(`${url}&lang=th`);
    const expired = page.getByTestId('prize-expired');
    await expired.waitFor();
    expect(await expired.innerText()).toContain('หมดเวลารับรางวัลนี้แล้ว');
    expect(await page.getByTestId('claim-button').count()).toBe(0);
    await shot(page, 'reopen-4-expired-th');
    await page.context().close();
  }, 90_000);
});
