import { existsSync, mkdirSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

// Debian's chromium (.ci/run installs it); never a downloaded browser build.
const CHROMIUM = '/usr/bin/chromium';
/** Where the browser tests leave their screenshots (gitignored). */
export const SHOTS = new URL('../../test-output/screenshots/', import.meta.url);

/** Headless Debian chromium for the browser tests, with the screenshot folder made. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
