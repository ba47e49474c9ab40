import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import pino from 'pino';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, testConfig } from '../../../test/harness.ts';
import { type Receiver, startReceiver } from '../../../test/webhook-receiver.ts';
import { type Background, startBackground } from '../../background.ts';
import { closeDeps, createDeps, type Deps } from '../../deps.ts';
import { createOrganization } from '../organizations/index.ts';
import { createPlayer } from '../players/index.ts';
import { createProperty } from '../properties/index.ts';
import { createEndpoint } from './index.ts';

// The delivery path as a worker process runs it: the dispatcher's fan-out sends the first job,
// pg-boss runs it, a failed attempt sends the next with its start time. Real time; a pg-boss
// schema of this file's own, so its worker takes no other file's jobs.

const jobsSchema = `pgboss_test_${randomBytes(4).toString('hex')}`;
let deps: Deps;
let background: Background;
let receiver: Receiver;
let answers: number[] = [];

beforeAll(async () => {
  const config = testConfig({ eventsPollMs: 20 });
  deps = await createDeps(config, {
    database: await openTestDatabase(config),
    logger: pino({ level: 'silent' }),
    jobsSchema,
  });
  receiver = await startReceiver((_req, res) => {
    res.statusCode = answers.shift() ?? 200;
    res.end();
  });
});

afterAll(async () => {
  await background?.stop();
  await receiver.close();
  await sql`DROP SCHEMA IF EXISTS ${sql.id(jobsSchema)} CASCADE`.execute(deps.database.db);
  await closeDeps(deps);
});

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(50);
  }
}

describe('a worker process', () => {
  it('delivers through the job queue, retrying a failure on schedule', async () => {
    const org = await createOrganization(deps, {
      name: 'Worker casino',
      slug: `worker-${randomBytes(4).toString('hex')}`,
    });
    const property = await createProperty(deps, undefined, { orgId: org.id, name: 'Main floor' });
    const { endpoint, secret } = await createEndpoint(
      deps,
      { id: property.id, orgId: org.id },
      { url: `${receiver.url}/hook`, event_types: ['player.created'] },
    );
    background = await startBackground(deps, { dispatchOrgId: org.id, periodic: {} });

    answers = [503];
    await createPlayer(deps, property.id, { player_id: 'w-1', email: 'w1@example.test' });
    await until(() => receiver.received.length >= 1, 10_000);
    const firstAt = Date.now();
    // The retry is due 5 s after the failure.
    await until(() => receiver.received.length >= 2, 20_000);
    expect(Date.now() - firstAt).toBeGreaterThanOrEqual(4_000);

    const [first, second] = receiver.received;
    expect(first!.headers['webhook-id']).toBe(second!.headers['webhook-id']);
    const body = new Webhook(secret).verify(
      second!.body,
      second!.headers as Record<string, string>,
    ) as { type: string };
    expect(body.type).toBe('player.created');
    await until(() => false, 300).catch(() => undefined);
    const message = await deps.database.db
      .selectFrom('webhook_messages')
      .select(['status', 'attempts'])
      .where('endpoint_id', '=', endpoint.id)
      .executeTakeFirstOrThrow();
    expect(message).toEqual({ status: 'delivered', attempts: 2 });
  }, 40_000);
});
