/// <reference lib="dom" />
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createGame } from '../../src/modules/games/index.ts';
import { png } from '../brand-images.ts';
import { makeTenant, type Tenant } from '../factories.ts';
import { expectData } from '../harness.ts';
import { activeStream, sessionToken } from '../play.ts';
import { useBrowserServer } from './fixture.ts';
import { checkPlayScreen, openPhone, type Phone, type PlayLang } from './play-fixture.ts';

// Issue 16: a branded organization's colours, logo, name and font on every play screen,
// errors included, at both phone sizes; an unknown link keeps PlayLoop's neutral look.

const web = useBrowserServer();

interface Look {
  name: string;
  background: Record<string, unknown>;
  /** What the body's computed background must show. */
  expectBody: { color?: string; image?: string };
}

const LOOKS: Record<PlayLang, Look> = {
  en: {
    name: 'Golden Lotus Casino',
    background: { type: 'color' },
    expectBody: { color: 'rgb(255, 247, 237)' },
  },
  th: {
    name: 'คาสิโนโกลเด้นโลตัส',
    background: { type: 'gradient', from: '#7f1d1d', to: '#f59e0b', angle: 160 },
    expectBody: { image: 'linear-gradient(160deg, rgb(127, 29, 29), rgb(245, 158, 11))' },
  },
};

async function brandOrg(t: Tenant, look: Look): Promise<void> {
  const logo = await web.h.inject({
    method: 'POST',
    url: `/api/organizations/${t.org.id}/assets`,
    headers: { ...t.owner.auth, 'content-type': 'image/png' },
    payload: png(96, 48, '#b45309'),
  });
  expect(logo.statusCode, logo.body).toBe(201);
  const logoId = (JSON.parse(logo.body) as { data: { id: string } }).data.id;
  await expectData(
    web.h.inject({
      method: 'PUT',
      url: `/api/organizations/${t.org.id}/branding`,
      headers: t.owner.auth,
      payload: {
        display_name: look.name,
        logo_asset_id: logoId,
        background: look.background,
        font: 'serif',
        primary_color: '#b91c1c',
        secondary_color: '#fbbf24',
        background_color: '#fff7ed',
        powered_by: true,
      },
    }),
  );
}

/** What the page shows of the brand, once the logo has loaded (or failed to). */
async function brandOnPage(page: Page) {
  await page.waitForFunction(() => {
    const img = document.querySelector<HTMLImageElement>('[data-testid="brand-logo"]');
    return !img || img.complete;
  });
  return page.evaluate(() => {
    const img = document.querySelector<HTMLImageElement>('[data-testid="brand-logo"]');
    const body = getComputedStyle(document.body);
    return {
      logoWidth: img?.naturalWidth ?? 0,
      logoAlt: img?.alt ?? null,
      topbar: document.querySelector('.topbar .brand')?.textContent ?? '',
      primary: getComputedStyle(document.documentElement).getPropertyValue('--primary').trim(),
      bodyColor: body.backgroundColor,
      bodyImage: body.backgroundImage,
      font: body.fontFamily,
      titleFont: getComputedStyle(document.querySelector('h1') ?? document.body).fontFamily,
      poweredBy: document.querySelector('[data-testid="powered-by"]')?.textContent ?? null,
      title: document.title,
    };
  });
}

async function expectBranded(page: Page, look: Look, shot: string): Promise<void> {
  const seen = await brandOnPage(page);
  expect(seen.logoWidth, shot).toBeGreaterThan(0);
  expect(seen.logoAlt).toBe(look.name);
  expect(seen.topbar).toBe(look.name);
  expect(seen.title).not.toContain('PlayLoop');
  expect(seen.primary).toBe('#b91c1c');
  if (look.expectBody.color) expect(seen.bodyColor).toBe(look.expectBody.color);
  if (look.expectBody.image) expect(seen.bodyImage).toContain(look.expectBody.image);
  expect(seen.font).toMatch(/^ui-serif/);
  expect(seen.titleFont).toMatch(/^ui-serif/);
  expect(seen.poweredBy).toMatch(/PlayLoop/);
  await checkPlayScreen(page, shot);
}

describe('a branded organization on every play screen', () => {
  it.each([
    ['phone', 'en'],
    ['small', 'th'],
  ] as [Phone, PlayLang][])(
    'shows the brand at %s size in %s on start, game, result, countdown and errors',
    async (phone, lang) => {
      const look = LOOKS[lang];
      const t = await makeTenant(web.h);
      await brandOrg(t, look);
      const game = await createGame(web.h.deps, t.org.id, {
        title: lang === 'th' ? 'วงล้อนำโชค' : 'Lucky wheel',
        template: 'spin-wheel',
      });
      const prefix = `brand-${phone}-${lang}`;
      const page = await openPhone(web, phone, lang);

      const token = await sessionToken(web.h, t, { game_id: game.id });
      const url = `${web.base}/play/game/${game.id}?session_token=${token}`;
      await page.goto(url);
      await page.getByTestId('start-button').waitFor();
      await expectBranded(page, look, `${prefix}-1-start`);

      await page.getByTestId('start-button').click();
      await page.getByTestId('game-area').waitFor();
      await expectBranded(page, look, `${prefix}-2-game`);

      await page.getByTestId('spin-button').click();
      await page.getByTestId('result-screen').waitFor({ timeout: 20_000 });
      await expectBranded(page, look, `${prefix}-3-result`);

      // The same link again: consumed, and still the organization's page.
      await page.goto(url);
      await page.locator('[data-error="consumed"]').waitFor();
      await expectBranded(page, look, `${prefix}-4-error-consumed`);

      const stale = await sessionToken(web.h, t, { game_id: game.id });
      await web.h.deps.database.db
        .updateTable('game_sessions')
        .set({ expires_at: new Date(Date.now() - 60_000) })
        .where('token', '=', stale)
        .execute();
      await page.goto(`${web.base}/play/game/${game.id}?session_token=${stale}`);
      await page.locator('[data-error="expired"]').waitFor();
      await expectBranded(page, look, `${prefix}-5-error-expired`);

      const later = new Date(Date.now() + 3 * 86_400_000).toISOString();
      const { slug } = await activeStream(web.h, t, [game.id], { start_at: later });
      await page.goto(`${web.base}/stream/${t.org.slug}/${slug}`);
      await page.getByTestId('countdown').waitFor();
      await expectBranded(page, look, `${prefix}-6-countdown`);

      await page.context().close();
    },
    120_000,
  );

  it('keeps the neutral PlayLoop look on a link that names no organization', async () => {
    const t = await makeTenant(web.h);
    await brandOrg(t, LOOKS.en);
    const page = await openPhone(web, 'phone', 'en');
    await page.goto(`${web.base}/play/game/${t.gameIds[0]}?session_token=${randomUUID()}`);
    await page.locator('[data-error="unknown"]').waitFor();
    const seen = await brandOnPage(page);
    expect(seen.logoWidth).toBe(0);
    expect(seen.topbar).toBe('PlayLoop');
    expect(seen.primary).toBe('#6d28d9');
    expect(seen.poweredBy).toBeNull();
    expect(seen.font).toMatch(/^system-ui/);
    await checkPlayScreen(page, 'brand-unknown-link');
    await page.context().close();
  }, 60_000);
});
