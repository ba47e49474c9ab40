import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, testConfig } from '../../test/harness.ts';
import type { Database } from '../db/connect.ts';
import { createJobs, type Jobs } from './jobs.ts';
import type { QueueSpec } from './queues.ts';

// On PGlite (default) pg-boss runs through the application's one-connection pool; with
// TEST_DATABASE_URL, on PostgreSQL with a pool of its own. Queue names are unique per test: on
// PostgreSQL every test file shares pg-boss's schema.
const config = testConfig();
const logger = pino({ level: 'silent' });
let database: Database;
const opened: Jobs[] = [];

beforeAll(async () => {
  database = await openTestDatabase(config);
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((jobs) => jobs.stop({ graceful: false })));
});

afterAll(async () => {
  await database.close();
});

function testQueue(overrides: Partial<QueueSpec> = {}): QueueSpec {
  return {
    name: `test.jobs_${randomBytes(5).toString('hex')}`,
    retryLimit: 2,
    retryDelaySeconds: 0,
    retryBackoff: false,
    expireInSeconds: 60,
    concurrency: 2,
    ...overrides,
  };
}

/** A "process" of its own: a Jobs on the test database, stopped after the test. */
async function startJobs(queue: QueueSpec): Promise<Jobs> {
  const jobs = createJobs({
    database,
    databaseUrl: config.databaseUrl,
    logger,
    queues: [queue],
  });
  opened.push(jobs);
  await jobs.start();
  return jobs;
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(50);
  }
}

interface StoredJob {
  tag: string;
  state: string;
  retry_count: number;
}

async function stored(queue: QueueSpec): Promise<StoredJob[]> {
  const { rows } = await sql<StoredJob>`
    SELECT data->>'tag' AS tag, state::text AS state, retry_count
      FROM pgboss.job WHERE name = ${queue.name} ORDER BY created_on
  `.execute(database.db);
  return rows;
}

class Rollback extends Error {}

describe('jobs', () => {
  it('runs a job sent in a committed transaction and never one whose transaction rolled back', async () => {
    const queue = testQueue();
    const jobs = await startJobs(queue);
    const ran: string[] = [];
    await jobs.work<{ tag: string }>(queue.name, (job) => {
      ran.push(job.data.tag);
      return Promise.resolve();
    });

    await expect(
      database.db.transaction().execute(async (trx) => {
        await jobs.send(queue.name, { tag: 'rolled-back' }, { trx });
        throw new Rollback();
      }),
    ).rejects.toBeInstanceOf(Rollback);
    await database.db.transaction().execute(async (trx) => {
      await jobs.send(queue.name, { tag: 'committed' }, { trx });
    });

    await until(() => ran.includes('committed'));
    expect(ran).toEqual(['committed']);
    // Not merely unrun: the rolled-back job was never written.
    await until(async () => (await stored(queue))[0]?.state === 'completed');
    expect((await stored(queue)).map((job) => job.tag)).toEqual(['committed']);
  });

  it('ignores a second send with the same job id', async () => {
    const queue = testQueue();
    const jobs = await startJobs(queue);
    const id = crypto.randomUUID();
    expect(await jobs.send(queue.name, { tag: 'first' }, { id })).toBe(id);
    expect(await jobs.send(queue.name, { tag: 'again' }, { id })).toBeNull();
    expect((await stored(queue)).map((job) => job.tag)).toEqual(['first']);
  });

  it('refuses a queue that is not in the catalog, and a send before start', async () => {
    const queue = testQueue();
    const jobs = createJobs({ database, databaseUrl: config.databaseUrl, logger, queues: [queue] });
    opened.push(jobs);
    await expect(jobs.send(queue.name, {})).rejects.toThrow(/not started/);
    await jobs.start();
    await expect(jobs.send('test.nowhere', {})).rejects.toThrow(/unknown job queue/);
  });

  it('lets a running job finish when it stops gracefully', async () => {
    const queue = testQueue();
    const jobs = await startJobs(queue);
    let started = false;
    let finished = false;
    await jobs.work(queue.name, async () => {
      started = true;
      await sleep(700);
      finished = true;
    });
    await jobs.send(queue.name, { tag: 'slow' });
    await until(() => started);

    await jobs.stop({ graceful: true, timeoutMs: 10_000 });
    expect(finished).toBe(true);
    expect(await stored(queue)).toEqual([{ tag: 'slow', state: 'completed', retry_count: 0 }]);
  });

  it('hands a job still running after the grace period back, and another worker runs it again', async () => {
    const queue = testQueue();
    const first = await startJobs(queue);
    let aborted = false;
    await first.work(queue.name, async (job) => {
      // Stuck until the stop aborts it: the grace period runs out.
      await new Promise<void>((resolve) => job.signal.addEventListener('abort', () => resolve()));
      aborted = true;
    });
    await first.send(queue.name, { tag: 'stuck' });
    await until(async () => (await stored(queue))[0]?.state === 'active');

    const stopping = Date.now();
    await first.stop({ graceful: true, timeoutMs: 1000 });
    expect(Date.now() - stopping).toBeGreaterThanOrEqual(900);
    expect(aborted).toBe(true);
    // Failed as "shut down while active", with its retries left: queued to run again.
    expect(await stored(queue)).toEqual([{ tag: 'stuck', state: 'retry', retry_count: 0 }]);

    const second = await startJobs(queue);
    const retries: number[] = [];
    await second.work(queue.name, (job) => {
      retries.push(job.retryCount);
      return Promise.resolve();
    });
    await until(async () => (await stored(queue))[0]?.state === 'completed');
    expect(retries).toEqual([1]);
  });

  it('retries a job whose handler threw', async () => {
    const queue = testQueue({ retryLimit: 1 });
    const jobs = await startJobs(queue);
    const runs: number[] = [];
    await jobs.work(queue.name, (job) => {
      runs.push(job.retryCount);
      if (job.retryCount === 0) throw new Error('first run fails');
      return Promise.resolve();
    });
    await jobs.send(queue.name, { tag: 'flaky' });
    await until(async () => (await stored(queue))[0]?.state === 'completed');
    expect(runs).toEqual([0, 1]);
  });
});
