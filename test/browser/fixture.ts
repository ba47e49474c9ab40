import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { ShiftedClock } from '../../src/lib/clock.ts';
import { createHarness, createMailHarness, type Harness } from '../harness.ts';
import type { SmtpCatcher } from '../smtp.ts';
import { launchChromium, SHOTS } from './chromium.ts';

export interface BrowserServer {
  /** The harness, listening on a local port. */
  h: Harness;
  /** `http://127.0.0.1:<port>`, where the browser reaches the server. */
  base: string;
  browser: Browser;
  /** Where the server's mail goes (closed with `h`); only with `{ mail: true }`. */
  smtp: SmtpCatcher;
  /** A new page in a phone-sized, touch context of its own. */
  phone: (locale?: string) => Promise<Page>;
  /** A full-page screenshot, `<shots prefix><name>.png` in the screenshot folder. */
  shot: (page: Page, name: string) => Promise<Buffer>;
}

/**
 * For one test file: starts a harness listening on a local port and headless chromium before
 * its tests, with `mail` an SMTP catcher the server sends to, and stops them all after. The
 * fields are set once the file's `beforeAll` ran.
 */
export function useBrowserServer(options: { mail?: boolean; shots?: string } = {}): BrowserServer {
  const server = {
    async phone(locale = 'en-US') {
      const context = await server.browser.newContext({
        viewport: { width: 390, height: 844 },
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
        locale,
      });
      return context.newPage();
    },
    shot: (page: Page, name: string) =>
      page.screenshot({
        path: new URL(`${options.shots ?? ''}${name}.png`, SHOTS).pathname,
        fullPage: true,
      }),
  } as BrowserServer;

  beforeAll(async () => {
    // The browser runs in real time, so the server's clock must too (tests may still shift it).
    const clock = new ShiftedClock();
    if (options.mail) {
      const h = await createMailHarness({ clock });
      server.smtp = h.smtp;
      server.h = h;
    } else {
      server.h = await createHarness({ clock });
    }
    await server.h.app.listen({ host: '127.0.0.1', port: 0 });
    server.base = `http://127.0.0.1:${(server.h.app.server.address() as AddressInfo).port}`;
    server.browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await server.browser?.close();
    await server.h?.close();
  });

  return server;
}
