/// <reference lib="dom" />
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../test/browser/chromium.ts';
import { loadConfig } from '../src/config.ts';
import { connectDatabase } from '../src/db/connect.ts';
import { migrate } from '../src/db/migrate.ts';
import { createDeps } from '../src/deps.ts';
import { createApiKey } from '../src/modules/api-keys/index.ts';
import { createGame, TEMPLATES } from '../src/modules/games/index.ts';
import { createOrganization } from '../src/modules/organizations/index.ts';
import { installCleanup, log, makeTempDir, removeTempDir } from './proc.ts';
import { startServer } from './server.ts';

// Issue 16's row: the first load of a game page in a phone-sized Chromium with an empty cache,
// one page per template: every response until the network is idle (the page, its stylesheet, its
// scripts and the template's module), images excepted, in bytes on the wire as served.

/** Compressed bytes a game page's first load may take, images excepted (issue 16). */
export const PLAY_PAGE_BUDGET = 100 * 1024;

export interface PlayPageRow {
  template: string;
  /** Bytes on the wire (bodies as sent, compressed where the server compressed them). */
  transferred: number;
  decoded: number;
  requests: number;
  /** Navigation start → the Play button enabled. */
  interactiveMs: number;
}

export interface PlayPageBench {
  rows: PlayPageRow[];
  budget: number;
}

/** An organization with one active game per template and one unused session token for each. */
async function seed(dataDir: string): Promise<{ template: string; url: string }[]> {
  const database = await connectDatabase({ kind: 'pglite', dataDir, role: 'bench' });
  try {
    await migrate(database);
    const deps = await createDeps(loadConfig({ LOG_LEVEL: 'warn', SEED_DEMO: 'false' }), {
      database,
    });
    try {
      const org = await createOrganization(deps, {
        name: 'Page Bench Org',
        slug: 'page-bench',
        type: 'Brand',
        planTier: 'Business',
      });
      const key = await createApiKey(deps, undefined, org.id, { name: 'page bench key' });
      const pages = [];
      for (const template of TEMPLATES) {
        const game = await createGame(deps, org.id, {
          title: `Bench ${template}`,
          description: 'A game page as players first load it.',
          template,
          status: 'Active',
        });
        const token = randomUUID();
        await sql`
          INSERT INTO game_sessions (org_id, token, api_key_id, game_id, status, expires_at, created_at)
          VALUES (${org.id}, ${token}::uuid, ${key.id}, ${game.id}, 'active',
                  now() + interval '1 day', now())`.execute(database.db);
        pages.push({ template, url: `/play/game/${game.id}?session_token=${token}` });
      }
      return pages;
    } finally {
      await deps.keyUsage.close();
      await deps.rateLimiter.close();
    }
  } finally {
    await database.close();
  }
}

async function load(browser: Browser, url: string) {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  const page = await context.newPage();
  const responses: Promise<{ type: string; body: number; decoded: number }>[] = [];
  page.on('requestfinished', (request) => {
    responses.push(
      Promise.all([request.sizes(), request.response()]).then(async ([sizes, response]) => ({
        type: request.resourceType(),
        body: sizes.responseBodySize,
        decoded: (await response?.body())?.length ?? 0,
      })),
    );
  });
  await page.goto(url);
  await page.waitForSelector('[data-testid="start-button"]:not([disabled])');
  const interactiveMs = await page.evaluate(() => performance.now());
  await page.waitForLoadState('networkidle');
  const all = (await Promise.all(responses)).filter((r) => r.type !== 'image');
  await context.close();
  return {
    interactiveMs,
    transferred: all.reduce((sum, r) => sum + r.body, 0),
    decoded: all.reduce((sum, r) => sum + r.decoded, 0),
    requests: all.length,
  };
}

export async function benchPlayPages(): Promise<PlayPageBench> {
  const dataDir = makeTempDir('playloop-bench-play-');
  const pages = await seed(dataDir);
  const server = await startServer('play-pages', { DATA_DIR: dataDir, SEED_DEMO: 'false' });
  const browser = await launchChromium();
  try {
    const rows: PlayPageRow[] = [];
    for (const { template, url } of pages) {
      log(`play page: first load of a ${template} game`);
      rows.push({ template, ...(await load(browser, `${server.baseUrl}${url}`)) });
    }
    return { rows, budget: PLAY_PAGE_BUDGET };
  } finally {
    await browser.close();
    await server.stop();
    removeTempDir(dataDir);
  }
}

export function playPagesWithin(result: PlayPageBench): boolean {
  return result.rows.every((row) => row.transferred <= result.budget);
}

export function formatPlayPages(result: PlayPageBench): string {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  return [
    `game page first load (Chromium 390×844, empty cache, images excepted; budget ${kb(result.budget)})`,
    ...result.rows.map(
      (r) =>
        `  ${r.template.padEnd(16)} ${kb(r.transferred).padStart(9)} on the wire, ` +
        `${kb(r.decoded)} unpacked, ${r.requests} requests, Play enabled at ` +
        `${r.interactiveMs.toFixed(0)} ms: ${r.transferred <= result.budget ? 'within' : 'OVER'}`,
    ),
  ].join('\n');
}

// `node bench/play-page-bench.ts`: this row alone (about 15 s).
if (import.meta.main) {
  installCleanup();
  const result = await benchPlayPages();
  process.stdout.write(`${formatPlayPages(result)}\n`);
  process.exitCode = playPagesWithin(result) ? 0 : 1;
}
