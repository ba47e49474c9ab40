import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '../../src/lib/clock.ts';
import { createEventDispatcher, EventConsumers } from '../../src/modules/events/events.dispatch.ts';
import { webhookFanout } from '../../src/modules/webhooks/index.ts';
import { createHarness, type Harness } from '../harness.ts';
import { reliabilityEnv } from './env.ts';
import { recordFigure, recordSecrets } from './figures.ts';
import { postJson } from './load.ts';
import { LOG_DIR } from './paths.ts';
import { serverEnv, spawnLogged } from './server.ts';
import type { Delivery } from './webhooks-receiver.ts';

/** Shared by the section 9 files (webhooks-*.test.ts): processes, waiting, the receiver's tally. */

const SECTION = '9. Webhooks';

export const figure = (name: string, value: string | number, expected?: string) =>
  recordFigure({ section: SECTION, name, value, ...(expected === undefined ? {} : { expected }) });

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it holds; on timeout fails with `what` and the last `progress()`. */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  progress: () => string = () => '',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} ${progress()}`);
    }
    await sleep(25);
  }
}

/**
 * The suite's in-process harness on a ManualClock (openSeeder runs on the real clock): the
 * test moves time itself. Its log goes beside the processes' for the secrets check.
 */
export async function openSimulatedHarness(
  name: string,
): Promise<Harness & { clock: ManualClock }> {
  const env = reliabilityEnv();
  const h = await createHarness({
    config: {
      databaseUrl: env.databaseUrl,
      redisUrl: env.redisUrl,
      redisPrefix: env.redisPrefix,
      smtpUrl: env.smtpUrl,
    },
  });
  if (!(h.clock instanceof ManualClock)) throw new Error('expected a ManualClock');
  const clock = h.clock;
  return {
    ...h,
    clock,
    async close() {
      await h.close();
      mkdirSync(LOG_DIR, { recursive: true });
      writeFileSync(join(LOG_DIR, `${name}-seeder.log`), h.logs());
    },
  };
}

export interface WorkerProcess {
  readonly pid: number;
  /** Sends the signal and waits for the process (and its log) to end. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** `node src/worker.ts` on the suite's database; resolves once it says it is running. */
export async function startWorker(
  name: string,
  env: Record<string, string>,
): Promise<WorkerProcess> {
  const { child, logged } = spawnLogged(name, ['src/worker.ts'], serverEnv(env));
  const kill = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await logged;
  };
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    if (output.length < 100_000) output += chunk.toString('utf8');
  });
  try {
    await waitFor(
      `worker ${name} to start`,
      () => {
        if (child.exitCode !== null) throw new Error(`worker ${name} exited: ${output}`);
        return output.includes('PlayLoop worker is running');
      },
      30_000,
    );
  } catch (error) {
    await kill('SIGKILL');
    throw error;
  }
  return { pid: child.pid ?? -1, kill };
}

/** A POST to the API as one client: over HTTP to a process, or injected into a harness. */
export type Post = (path: string, body: unknown) => Promise<{ status: number; body: string }>;

export const httpPost =
  (baseUrl: string, headers: Record<string, string>): Post =>
  (path, body) =>
    postJson(`${baseUrl}${path}`, body, headers);

export const injectPost =
  (h: Harness, headers: Record<string, string>): Post =>
  async (path, body) => {
    const response = await h.inject({
      method: 'POST',
      url: path,
      headers,
      payload: body as object,
    });
    return { status: response.statusCode, body: response.body };
  };

/** Posts and insists on `status`; answers the parsed `data`. */
export async function postOk<T>(post: Post, path: string, body: unknown, status = 200): Promise<T> {
  const answer = await post(path, body);
  if (answer.status !== status) {
    throw new Error(`POST ${path}: expected ${status}, got ${answer.status} ${answer.body}`);
  }
  return (JSON.parse(answer.body) as { data: T }).data;
}

/** A `player.created` endpoint; its secret is registered for the secrets check. */
export async function createEndpoint(
  post: Post,
  url: string,
): Promise<{ id: string; secret: string }> {
  const endpoint = await postOk<{ id: string; secret: string }>(
    post,
    '/api/webhooks',
    { url, event_types: ['player.created'] },
    201,
  );
  registerSecret(endpoint.secret);
  return endpoint;
}

/**
 * The secrets check matches runs of [A-Za-z0-9_-], and a base64 secret may hold `+` or `/`:
 * its runs are registered as well as the whole, or a leak of it would go unnoticed.
 */
export function registerSecret(secret: string): void {
  recordSecrets(secret, ...(secret.match(/[A-Za-z0-9_-]{12,}/g) ?? []));
}

export function playerRows(prefix: string, count: number, from = 0) {
  return Array.from({ length: count }, (_, i) => ({
    player_id: `${prefix}-${from + i}`,
    email: `${prefix}-${from + i}@example.test`,
    first_name: 'Hook',
  }));
}

export interface Tally {
  readonly received: number;
  /** Expected event ids not received at all. */
  readonly missing: string[];
  /** Deliveries whose webhook-id had been received before. */
  readonly duplicates: number;
  /** Deliveries of an event id not expected (another property's, or no envelope). */
  readonly strays: number;
}

export function tally(deliveries: readonly Delivery[], expected: ReadonlySet<string>): Tally {
  const seen = new Set<string>();
  const events = new Set<string>();
  let duplicates = 0;
  let strays = 0;
  for (const delivery of deliveries) {
    if (seen.has(delivery.webhookId)) duplicates += 1;
    seen.add(delivery.webhookId);
    events.add(delivery.eventId);
    if (!expected.has(delivery.eventId)) strays += 1;
  }
  const missing = [...expected].filter((id) => !events.has(id));
  return { received: deliveries.length, missing, duplicates, strays };
}

/**
 * Hands the organization's committed events to the fan-out, as a worker's dispatcher would,
 * until `expected` of them are dispatched. The dispatcher only takes events older than every
 * open transaction of the cluster, so another database's long transaction can hold them back
 * for a moment: wait for them rather than move the clock past undispatched events.
 */
export async function dispatchAll(h: Harness, orgId: number, expected: number): Promise<void> {
  const consumers = new EventConsumers();
  consumers.register('webhooks.fanout', webhookFanout(h.deps));
  const dispatcher = createEventDispatcher(
    { db: h.deps.database.db, logger: h.deps.logger },
    { pollMs: 10, consumers, orgId },
  );
  let total = 0;
  await waitFor(
    `${expected} events dispatched`,
    async () => {
      const round = await dispatcher.runOnce();
      if (round.failure) throw new Error(`fan-out failed on event ${round.failure.seq}`);
      total += round.dispatched;
      return total >= expected;
    },
    30_000,
    () => `(${total} dispatched)`,
  );
}

export const count = (n: number) => n.toLocaleString('en-US');

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** When each event id first reached the receiver (performance.now() time). */
export function firstArrivals(deliveries: readonly Delivery[]): Map<string, number> {
  const first = new Map<string, number>();
  for (const d of deliveries) if (!first.has(d.eventId)) first.set(d.eventId, d.at);
  return first;
}

/** "name: n · name: n" over the processes that sent the deliveries. */
export async function deliveriesBy(deliveries: readonly Delivery[]): Promise<string> {
  const names = await Promise.all(deliveries.map((d) => d.by));
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  return [...counts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, n]) => `${name}: ${count(n)}`)
    .join(' · ');
}
