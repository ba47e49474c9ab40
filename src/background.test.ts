import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, testConfig } from '../test/harness.ts';
import { type Background, startBackground } from './background.ts';
import type { Database } from './db/connect.ts';
import { closeDeps, createDeps, type Deps } from './deps.ts';
import type { QueueSpec } from './jobs/queues.ts';
import { EventConsumers } from './modules/events/events.dispatch.ts';

// Two "processes" on one database: an API-only one (WORKERS=false) and one with workers.
const logger = pino({ level: 'silent' });
let database: Database;
const running: { deps: Deps; background: Background }[] = [];

beforeAll(async () => {
  database = await openTestDatabase(testConfig());
});

afterAll(async () => {
  for (const { deps, background } of running) {
    await background.stop();
    await closeDeps(deps);
  }
  await database.close();
});

const queue: QueueSpec = {
  name: `test.background_${randomBytes(5).toString('hex')}`,
  retryLimit: 0,
  retryDelaySeconds: 0,
  retryBackoff: false,
  expireInSeconds: 60,
  concurrency: 2,
};

interface Seen {
  jobs: string[];
  events: number[];
}

async function startProcess(workers: boolean, orgId: number, seen: Seen) {
  const deps = await createDeps(testConfig({ workers, eventsPollMs: 20, shutdownGraceMs: 1000 }), {
    // The database outlives both "processes".
    database: { ...database, close: () => Promise.resolve() },
    logger,
    queues: [queue],
  });
  const consumers = new EventConsumers();
  consumers.register('test', (event) => {
    seen.events.push(event.seq);
    return Promise.resolve();
  });
  const background = await startBackground(deps, {
    handlers: {
      [queue.name]: (_deps, job) => {
        seen.jobs.push((job.data as { tag: string }).tag);
        return Promise.resolve();
      },
    },
    consumers,
    dispatchOrgId: orgId,
  });
  running.push({ deps, background });
  return { deps, background };
}

describe('background workers', () => {
  it('runs no job and no event in an API-only process (WORKERS=false), which still sends jobs', async () => {
    const slug = `background-${randomBytes(5).toString('hex')}`;
    const { id: orgId } = await database.db
      .insertInto('organizations')
      .values({ name: slug, slug, type: 'Brand', plan_tier: 'Business' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const apiSeen: Seen = { jobs: [], events: [] };
    const api = await startProcess(false, orgId, apiSeen);
    expect(api.background.working).toBe(false);

    const tags = ['a', 'b', 'c', 'd', 'e', 'f'];
    for (const tag of tags) await api.deps.jobs.send(queue.name, { tag });
    await sql`INSERT INTO events (type, org_id, payload)
              SELECT 'test.background', ${orgId}, '{}' FROM generate_series(1, 4)`.execute(
      database.db,
    );
    // Longer than a worker's poll (1 s) and many dispatcher rounds (20 ms).
    await sleep(2000);
    expect(apiSeen).toEqual({ jobs: [], events: [] });

    const workerSeen: Seen = { jobs: [], events: [] };
    const worker = await startProcess(true, orgId, workerSeen);
    expect(worker.background.working).toBe(true);
    for (let i = 0; i < 300; i++) {
      if (workerSeen.jobs.length === tags.length && workerSeen.events.length === 4) break;
      await sleep(50);
    }
    expect([...workerSeen.jobs].sort()).toEqual(tags);
    expect(workerSeen.events).toHaveLength(4);
    expect(apiSeen).toEqual({ jobs: [], events: [] });
  });
});
