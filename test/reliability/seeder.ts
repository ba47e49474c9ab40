import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ShiftedClock } from '../../src/lib/clock.ts';
import { createHarness, type Harness } from '../harness.ts';
import { reliabilityEnv } from './env.ts';
import { LOG_DIR } from './paths.ts';

/**
 * The in-process app and services on the suite's database, for making tenants and checking
 * rows (the factories in test/factories.ts take it). It runs on the real clock, like the server
 * processes; its log is written beside theirs on close, for the secrets check.
 */
export async function openSeeder(name: string): Promise<Harness> {
  const env = reliabilityEnv();
  const h = await createHarness({
    clock: new ShiftedClock(),
    config: {
      databaseUrl: env.databaseUrl,
      redisUrl: env.redisUrl,
      redisPrefix: env.redisPrefix,
      smtpUrl: env.smtpUrl,
    },
  });
  return {
    ...h,
    async close() {
      await h.close();
      mkdirSync(LOG_DIR, { recursive: true });
      writeFileSync(join(LOG_DIR, `${name}-seeder.log`), h.logs());
    },
  };
}
