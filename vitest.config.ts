import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    exclude: [
      'test/reliability/**',
      // The dashboard's walks (screenshots, axe) run once, on the embedded database: the app
      // only calls the API, and every endpoint it calls is tested on both databases by the
      // files beside the routes. On PostgreSQL they cost ~95 s of CI's 30 minutes.
      // The play pages' walks per template, size and language (issue 16) likewise: the play
      // API under them is tested on both databases (src/modules/plays), and play.browser and
      // loop.browser still play through the browser on PostgreSQL.
      ...(process.env.TEST_DATABASE_URL
        ? ['test/browser/dashboard*.browser.test.ts', 'test/browser/play-*.browser.test.ts']
        : []),
    ],
    // The dashboard's build (web/dist), which the /app routes and browser tests serve.
    globalSetup: ['test/web-build.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two files at once even on a 2-core machine (vitest's default there is one): most files
    // wait on sockets, timers and the database more than they compute. Measured on the CI
    // machine's size: PGlite suite 18.8 min with one worker, 11.7 with two.
    maxWorkers: 2,
    // Files of one worker share its module graph instead of loading the app again for each:
    // every file builds its own harness (database, Redis prefix, clock), and the one test that
    // replaces a global (campaigns.sms: fetch) puts it back. PGlite suite 11.8 → 7.3 min.
    isolate: false,
  },
});
