/// <reference lib="dom" />
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults } from 'axe-core';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { BrowserServer } from './fixture.ts';

/** Shared by the dashboard's browser tests: sizes, pages, screenshots + axe, logging in. */

export const DASHBOARD_SHOTS = new URL('../../test-output/dashboard/', import.meta.url);
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export const SIZES = {
  laptop: { viewport: { width: 1280, height: 800 }, isMobile: false },
  phone: { viewport: { width: 390, height: 844 }, isMobile: true },
} as const;
export type Size = keyof typeof SIZES;

/** A new page in a browser context of its own at `size`. */
export async function openPage(web: BrowserServer, size: Size): Promise<Page> {
  const { viewport, isMobile } = SIZES[size];
  const context = await web.browser.newContext({
    viewport,
    isMobile,
    hasTouch: isMobile,
    deviceScaleFactor: isMobile ? 2 : 1,
    locale: 'en-US',
  });
  return context.newPage();
}

/**
 * Photographs the screen into test-output/dashboard/ and runs axe-core in it: no violation of
 * serious or critical impact. axe is evaluated through the DevTools protocol, which the page's
 * CSP does not restrict.
 */
export async function checkScreen(page: Page, size: Size, name: string): Promise<void> {
  mkdirSync(DASHBOARD_SHOTS, { recursive: true });
  // The pointer leaves what it last clicked, and the page is back at its top: the picture
  // shows the screen at rest (a scrolled full-page shot draws the fixed header mid-page).
  await page.mouse.move(1, 1);
  await page.evaluate(() => window.scrollTo(0, 0));
  // Mantine's transitions (menus, alerts) settle before the picture and the audit.
  await page.waitForTimeout(250);
  await page.screenshot({
    path: new URL(`${size}-${name}.png`, DASHBOARD_SHOTS).pathname,
    fullPage: true,
  });
  await page.evaluate(AXE);
  const results = await page.evaluate(() =>
    (window as unknown as { axe: { run: (o: object) => Promise<AxeResults> } }).axe.run({
      resultTypes: ['violations'],
    }),
  );
  const severe = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(severe, `${size}-${name}`).toEqual([]);
}

/** Logs in on /app/login and waits for the home page. */
export async function logInAt(web: BrowserServer, page: Page, email: string, password: string) {
  await page.goto(`${web.base}/app/login`);
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('home-title').waitFor();
}

/** Picks `option` (its whole label) in the Mantine Select with `testId`. */
export async function pick(page: Page, testId: string, option: string) {
  await page.getByTestId(testId).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}
