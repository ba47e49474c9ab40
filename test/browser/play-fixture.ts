/// <reference lib="dom" />
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults } from 'axe-core';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { SHOTS } from './chromium.ts';
import type { BrowserServer } from './fixture.ts';

/** Shared by the play pages' browser tests: phone sizes, pages, screenshots + axe. */

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The two phones issue 16 asks for: a current large phone and the smallest still in use. */
export const PHONES = {
  phone: { width: 390, height: 844 },
  small: { width: 320, height: 568 },
} as const;
export type Phone = keyof typeof PHONES;

export const PLAY_LOCALES = { en: 'en-US', th: 'th-TH' } as const;
export type PlayLang = keyof typeof PLAY_LOCALES;

/** A new touch page in a context of its own, at `phone` size, with the browser in `lang`. */
export async function openPhone(
  web: BrowserServer,
  phone: Phone = 'phone',
  lang: PlayLang = 'en',
  options: { reducedMotion?: boolean } = {},
): Promise<Page> {
  const context = await web.browser.newContext({
    viewport: PHONES[phone],
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: PLAY_LOCALES[lang],
    reducedMotion: options.reducedMotion ? 'reduce' : 'no-preference',
  });
  return context.newPage();
}

/**
 * Photographs the play page into test-output/screenshots/<name>.png and runs axe-core in it:
 * no violation of serious or critical impact. axe goes in through the DevTools protocol, which
 * the page's CSP does not restrict.
 */
export async function checkPlayScreen(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  // Screen transitions settle before the picture and the audit.
  await page.waitForTimeout(200);
  await page.screenshot({ path: new URL(`${name}.png`, SHOTS).pathname, fullPage: true });
  await page.evaluate(AXE);
  const results = await page.evaluate(() =>
    (window as unknown as { axe: { run: (o: object) => Promise<AxeResults> } }).axe.run({
      resultTypes: ['violations'],
    }),
  );
  const severe = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(severe, name).toEqual([]);
}
