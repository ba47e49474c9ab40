import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, Agent } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.ts';
import type { Database } from '../src/db/connect.ts';
import { createDeps, type Deps } from '../src/deps.ts';
import { createProperty } from '../src/modules/properties/index.ts';
import { createPropertyKey } from '../src/modules/property-keys/index.ts';
import { createStream } from '../src/modules/streams/index.ts';
import { createEndpoint, newWebhookSecret } from '../src/modules/webhooks/index.ts';
import { percentiles } from './latency.ts';
import { log, sleep } from './proc.ts';
import type { BenchSeed } from './seed.ts';
import type { RunningServer } from './server.ts';

// Issue 11's two rows: the cost of subscribed connections to a play, and delivery throughput
// against a bare HTTP client loop to the same receiver. PostgreSQL target only (see README).

export interface PlayRun {
  connections: number;
  plays: number;
  playsPerSec: number;
  p50Ms: number;
  p95Ms: number;
  failed: number;
  /** After the run: until every message of the run was delivered. */
  drainSec: number;
  deliveries: number;
}

export interface WebhooksBench {
  playNone: PlayRun;
  playThree: PlayRun;
  /** playThree / playNone throughput. */
  playRatio: number;
  events: number;
  pipelineSec: number;
  pipelinePerSec: number;
  bareSec: number;
  barePerSec: number;
  /** pipeline / bare throughput. */
  deliveryRatio: number;
}

const PLAY_CLIENTS = 16;
const PLAY_SECONDS = 10;
const EVENTS = 10_000;
/** The delivery queue's concurrency per process (src/jobs/queues.ts), for the bare loop too. */
const DELIVERY_CONCURRENCY = 8;

interface Receiver {
  url: string;
  count: () => number;
  close: () => Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  let received = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      res.end('ok');
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    count: () => received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function until(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await sleep(50);
  }
}

async function seedStreamSessions(
  database: Database,
  seed: BenchSeed,
  streamId: number,
  count: number,
): Promise<string[]> {
  const { rows } = await sql<{ token: string }>`
    INSERT INTO game_sessions (org_id, token, api_key_id, stream_id, status, expires_at, created_at)
    SELECT ${seed.orgId}::int, gen_random_uuid(), ${seed.keyId}::int, ${streamId}::int,
           'active', now() + interval '1 day', now()
      FROM generate_series(1, ${count}::int)
    RETURNING token`.execute(database.db);
  return rows.map((row) => row.token);
}

async function post(
  url: string,
  body: object,
  cookie: string,
): Promise<{ status: number; body: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.text() };
}

/** PLAY_CLIENTS players, each starting and completing session plays back to back. */
async function playLoad(
  server: RunningServer,
  streamId: number,
  tokens: string[],
): Promise<Omit<PlayRun, 'connections' | 'drainSec' | 'deliveries'>> {
  const latencies: number[] = [];
  let failed = 0;
  let next = 0;
  const stopAt = performance.now() + PLAY_SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: PLAY_CLIENTS }, async () => {
      while (performance.now() < stopAt && next < tokens.length) {
        const token = tokens[next++]!;
        const cookie = `pl_player=${randomUUID()}`;
        const t0 = performance.now();
        const start = await post(
          `${server.baseUrl}/play/api/start`,
          { session_token: token, stream_id: streamId },
          cookie,
        );
        if (start.status !== 200) {
          if (failed++ === 0)
            log(`play start answered ${start.status}: ${start.body.slice(0, 300)}`);
          continue;
        }
        const playId = (JSON.parse(start.body) as { data: { play: { id: number } } }).data.play.id;
        const done = await post(
          `${server.baseUrl}/play/api/plays/${playId}/complete`,
          { duration_ms: 1000 },
          cookie,
        );
        if (done.status !== 200) {
          if (failed++ === 0)
            log(`play complete answered ${done.status}: ${done.body.slice(0, 300)}`);
        } else latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const { p50Ms, p95Ms } = percentiles(latencies);
  return {
    plays: latencies.length,
    playsPerSec: latencies.length / seconds,
    p50Ms,
    p95Ms,
    failed,
  };
}

async function pendingMessages(database: Database, orgId: number): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM webhook_messages WHERE org_id = ${orgId} AND status = 'pending'`.execute(
    database.db,
  );
  return rows[0]?.n ?? 0;
}

async function pendingEvents(database: Database, orgId: number): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM events WHERE org_id = ${orgId} AND dispatched_at IS NULL`.execute(
    database.db,
  );
  return rows[0]?.n ?? 0;
}

async function linkConnections(
  deps: Deps,
  seed: BenchSeed,
  streamId: number,
  url: string,
  count: number,
) {
  for (let i = 0; i < count; i++) {
    const connection = await deps.database.db
      .insertInto('connections')
      .values({
        org_id: seed.orgId,
        name: `bench ${i + 1}`,
        provider: 'webhook',
        settings: JSON.stringify({ url: `${url}/connection-${i + 1}` }),
        secret: await deps.secrets.seal(newWebhookSecret()),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await deps.database.db
      .insertInto('stream_connections')
      .values({
        org_id: seed.orgId,
        stream_id: streamId,
        connection_id: connection.id,
        triggers: ['play_start', 'play_complete'],
      })
      .execute();
  }
}

async function playRun(
  server: RunningServer,
  deps: Deps,
  seed: BenchSeed,
  receiver: Receiver,
  connections: number,
): Promise<PlayRun> {
  const stream = await createStream(deps, seed.orgId, {
    name: `Bench stream ${randomUUID().slice(0, 6)}`,
    gameIds: [seed.gameId],
    status: 'Active',
  });
  if (connections > 0) await linkConnections(deps, seed, stream.id, receiver.url, connections);
  const tokens = await seedStreamSessions(deps.database, seed, stream.id, 40_000);
  const before = receiver.count();
  log(
    `postgres: consume-and-play, ${connections} connections, ${PLAY_CLIENTS} players, ${PLAY_SECONDS} s`,
  );
  const load = await playLoad(server, stream.id, tokens);
  const drainStart = performance.now();
  await until(
    async () =>
      (await pendingEvents(deps.database, seed.orgId)) === 0 &&
      (await pendingMessages(deps.database, seed.orgId)) === 0,
    600_000,
    'deliveries to drain',
  );
  const deliveries = receiver.count() - before;
  log(
    `postgres: ${load.plays} plays (${load.failed} failed), ${deliveries} deliveries, drained in ${((performance.now() - drainStart) / 1000).toFixed(1)} s`,
  );
  return { connections, ...load, drainSec: (performance.now() - drainStart) / 1000, deliveries };
}

/** The same number of POSTs of the same bodies, straight from a keep-alive client loop. */
async function bareLoop(url: string, bodies: string[]): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: DELIVERY_CONCURRENCY });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: DELIVERY_CONCURRENCY }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        await new Promise<void>((resolve, reject) => {
          const req = httpRequest(
            `${url}/bare`,
            { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
            (res) => {
              res.resume();
              res.on('end', resolve);
            },
          );
          req.on('error', reject);
          req.end(body);
        });
      }
    }),
  );
  agent.destroy();
  return (performance.now() - started) / 1000;
}

export async function benchWebhooksPostgres(
  url: string,
  server: RunningServer,
  database: Database,
  seed: BenchSeed,
): Promise<WebhooksBench> {
  const deps = await createDeps(
    loadConfig({
      DATABASE_URL: url,
      LOG_LEVEL: 'error',
      SEED_DEMO: 'false',
      WEBHOOKS_ALLOW_PRIVATE_NETWORKS: 'true',
    }),
    { database },
  );
  const receiver = await startReceiver();
  try {
    const playNone = await playRun(server, deps, seed, receiver, 0);
    const playThree = await playRun(server, deps, seed, receiver, 3);

    // Delivery throughput: EVENTS player.created events to one endpoint, written in batches
    // through the API, timed from the first write to the last delivery.
    const property = await createProperty(deps, undefined, {
      orgId: seed.orgId,
      name: 'Bench casino',
    });
    const key = await createPropertyKey(deps, undefined, {
      propertyId: property.id,
      name: 'bench',
      rateLimitPerMinute: 100_000,
    });
    await createEndpoint(
      deps,
      { id: property.id, orgId: seed.orgId },
      { url: `${receiver.url}/endpoint`, event_types: ['player.created'] },
    );
    const before = receiver.count();
    log(`postgres: delivering ${EVENTS} events to one endpoint`);
    const started = performance.now();
    for (let batch = 0; batch < EVENTS / 1000; batch++) {
      const players = Array.from({ length: 1000 }, (_, i) => ({
        player_id: `b${batch}-${i}`,
        email: `b${batch}-${i}@bench.test`,
      }));
      const response = await fetch(`${server.baseUrl}/api/players/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key.key },
        body: JSON.stringify({ players }),
      });
      if (response.status !== 200)
        throw new Error(`bench: batch ${batch}: ${response.status} ${await response.text()}`);
    }
    await until(() => receiver.count() - before >= EVENTS, 900_000, `${EVENTS} deliveries`);
    const pipelineSec = (performance.now() - started) / 1000;

    const { rows } = await sql<{ payload: unknown }>`
      SELECT payload FROM webhook_messages WHERE property_id = ${property.id} LIMIT ${EVENTS}`.execute(
      database.db,
    );
    const bodies = rows.map((row) => JSON.stringify(row.payload));
    log(`postgres: bare HTTP loop, ${bodies.length} POSTs, ${DELIVERY_CONCURRENCY} at a time`);
    const bareSec = await bareLoop(receiver.url, bodies);
    return {
      playNone,
      playThree,
      playRatio: playThree.playsPerSec / playNone.playsPerSec,
      events: EVENTS,
      pipelineSec,
      pipelinePerSec: EVENTS / pipelineSec,
      bareSec,
      barePerSec: bodies.length / bareSec,
      deliveryRatio: EVENTS / pipelineSec / (bodies.length / bareSec),
    };
  } finally {
    await receiver.close();
    await deps.keyUsage.close();
    await deps.propertyKeyUsage.close();
    await deps.rateLimiter.close();
    deps.webhookSender.close();
  }
}

export function formatWebhooks(bench: WebhooksBench): string {
  const f = (n: number, d = 0) =>
    n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
  const play = (run: PlayRun) =>
    `| consume-and-play, ${run.connections} connections | ${f(run.playsPerSec)} plays/s | p50 ${f(run.p50Ms, 1)} ms | p95 ${f(run.p95Ms, 1)} ms | ${run.failed} failed | ${f(run.deliveries)} deliveries, drained ${f(run.drainSec, 1)} s after |`;
  return [
    '| webhooks (postgres) | throughput | | | | |',
    '| --- | --- | --- | --- | --- | --- |',
    play(bench.playNone),
    play(bench.playThree),
    `| overhead ratio (3 / none) | ${f(bench.playRatio, 2)} | | | | |`,
    `| delivery, ${f(bench.events)} events → 1 endpoint | ${f(bench.pipelinePerSec)} /s (${f(bench.pipelineSec, 1)} s, writes included) | | | | |`,
    `| bare HTTP loop, same bodies, ${DELIVERY_CONCURRENCY} at a time | ${f(bench.barePerSec)} /s (${f(bench.bareSec, 1)} s) | | | | |`,
    `| delivery ratio (pipeline / bare) | ${f(bench.deliveryRatio, 3)} | | | | |`,
  ].join('\n');
}
