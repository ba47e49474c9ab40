import { defineConfig } from 'vitest/config';

// `npm run test:reliability` (test/reliability/run.ts) runs this with the suite's database,
// Redis prefix and SMTP catcher in the environment. Files run one at a time: each starts its
// own server processes, and two cores are shared by everything.
export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
