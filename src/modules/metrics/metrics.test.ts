import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainEvents } from '../../../test/events.ts';
import { makePropertyTenant, makeTenant, type Tenant } from '../../../test/factories.ts';
import {
  createHarness,
  expectError,
  type Harness,
  json,
  onPostgres,
} from '../../../test/harness.ts';
import { type Receiver, startReceiver } from '../../../test/webhook-receiver.ts';
import { createJobs, type Jobs } from '../../jobs/jobs.ts';
import type { QueueSpec } from '../../jobs/queues.ts';
import { EventConsumers } from '../events/events.dispatch.ts';
import { deliverDue, webhookFanout } from '../webhooks/index.ts';
import { ConfigError, loadConfig } from '../../config.ts';
import { Metrics, processRegistry, serveWorkerMetrics } from './index.ts';

let h: Harness;
let receiver: Receiver;

beforeAll(async () => {
  h = await createHarness();
  await h.deps.jobs.start();
  receiver = await startReceiver((_req, res) => {
    res.statusCode = 200;
    res.end('ok');
  });
});

afterAll(async () => {
  await receiver.close();
  await h.close();
});

/** One sample of the exposition text: its name, labels and value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parse(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a sample line: ${line}`);
      const labels: Record<string, string> = {};
      for (const pair of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
        labels[pair[1]!] = pair[2]!;
      }
      return { name: match[1]!, labels, value: Number(match[3]) };
    });
}

/** The value of the sample with this name and (at least) these labels; 0 when absent. */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  return found.reduce((sum, s) => sum + s.value, 0);
}

async function scrape(on: Harness = h, headers: Record<string, string> = {}): Promise<Sample[]> {
  const response = await on.inject({ method: 'GET', url: '/metrics', headers });
  expect(response.statusCode, response.body).toBe(200);
  expect(response.headers['content-type']).toContain('text/plain; version=0.0.4');
  return parse(response.body);
}

async function mintSession(t: Tenant, gameId = t.gameIds[0]): Promise<string> {
  const response = await h.inject({
    method: 'POST',
    url: '/api/org-api-keys?action=create-session',
    headers: t.keyHeaders,
    payload: { game_id: gameId },
  });
  expect(response.statusCode, response.body).toBe(200);
  return json<{ data: { token: string } }>(response).data.token;
}

describe('GET /metrics', () => {
  it('counts requests by route template, method and status, never by the URL asked for', async () => {
    const t = await makeTenant(h);
    const before = await scrape();
    const labels = { method: 'GET', route: '/api/games/:id', status: '200' };
    for (const id of [t.gameIds[0], t.gameIds[1], t.gameIds[0]]) {
      const response = await h.inject({
        method: 'GET',
        url: `/api/games/${id}?org_id=${t.org.id}&ignored=${randomUUID()}`,
        headers: t.owner.auth,
      });
      expect(response.statusCode, response.body).toBe(200);
    }
    const after = await scrape();
    expect(
      valueOf(after, 'http_requests_total', labels) -
        valueOf(before, 'http_requests_total', labels),
    ).toBe(3);
    expect(
      valueOf(after, 'http_request_duration_seconds_count', {
        method: 'GET',
        route: '/api/games/:id',
      }) -
        valueOf(before, 'http_request_duration_seconds_count', {
          method: 'GET',
          route: '/api/games/:id',
        }),
    ).toBe(3);
    // The game ids and the query string appear in no label.
    const routes = after.filter((s) => s.name === 'http_requests_total').map((s) => s.labels.route);
    expect(routes.some((route) => route?.includes(String(t.gameIds[0])))).toBe(false);
    expect(routes.some((route) => route?.includes('ignored'))).toBe(false);
  });

  it('labels requests no route matched `unmatched`, whatever their path', async () => {
    const before = await scrape();
    const paths = [`/nope/${randomUUID()}`, `/nope/${randomBytes(8).toString('hex')}/deeper`];
    for (const url of paths) {
      expect((await h.inject({ method: 'GET', url })).statusCode).toBe(404);
    }
    const after = await scrape();
    const labels = { method: 'GET', route: 'unmatched', status: '404' };
    expect(
      valueOf(after, 'http_requests_total', labels) -
        valueOf(before, 'http_requests_total', labels),
    ).toBe(2);
    const text = after.map((s) => JSON.stringify(s.labels)).join('\n');
    for (const path of paths) expect(text).not.toContain(path);
  });

  it('counts API consumes, consumed and refused', async () => {
    const t = await makeTenant(h);
    const token = await mintSession(t);
    const before = await scrape();
    for (let i = 0; i < 3; i++) {
      await h.inject({
        method: 'POST',
        url: '/api/org-api-keys?action=consume-session',
        payload: { token },
      });
    }
    const after = await scrape();
    const delta = (result: string) =>
      valueOf(after, 'playloop_session_consumes_total', { via: 'api', result }) -
      valueOf(before, 'playloop_session_consumes_total', { via: 'api', result });
    expect(delta('consumed')).toBe(1);
    expect(delta('refused')).toBe(2);
  });

  it('counts a play page start that consumes its token', async () => {
    const t = await makeTenant(h);
    const token = await mintSession(t);
    const before = await scrape();
    const response = await h.inject({
      method: 'POST',
      url: '/play/api/start',
      payload: { session_token: token, game_id: t.gameIds[0] },
      cookies: { pl_player: randomUUID() },
    });
    expect(response.statusCode, response.body).toBe(200);
    const after = await scrape();
    const labels = { via: 'play_page', result: 'consumed' };
    expect(
      valueOf(after, 'playloop_session_consumes_total', labels) -
        valueOf(before, 'playloop_session_consumes_total', labels),
    ).toBe(1);
  });

  it('counts webhook deliveries by outcome', async () => {
    const t = await makePropertyTenant(h);
    const endpoint = await h.inject({
      method: 'POST',
      url: '/api/webhooks',
      headers: t.keyHeaders,
      payload: { url: `${receiver.url}/hooks`, event_types: ['player.created'] },
    });
    expect(endpoint.statusCode, endpoint.body).toBe(201);
    const player = await h.inject({
      method: 'POST',
      url: '/api/players',
      headers: t.keyHeaders,
      payload: { email: 'metrics@example.test' },
    });
    expect(player.statusCode, player.body).toBe(201);
    const consumers = new EventConsumers();
    consumers.register('webhooks.fanout', webhookFanout(h.deps));
    await drainEvents(h, t.org.id, consumers);
    const before = await scrape();
    expect(await deliverDue(h.deps, { orgId: t.org.id })).toEqual(['delivered']);
    const after = await scrape();
    const labels = { outcome: 'delivered' };
    expect(
      valueOf(after, 'playloop_webhook_deliveries_total', labels) -
        valueOf(before, 'playloop_webhook_deliveries_total', labels),
    ).toBe(1);
    expect(receiver.received).toHaveLength(1);
  });

  it('reports the pool, the job queues and the campaigns now sending, read at scrape time', async () => {
    const t = await makePropertyTenant(h);
    const before = await scrape();
    await h.deps.database.db
      .insertInto('campaigns')
      .values({
        property_id: t.property.id,
        name: 'Metrics sending',
        channel: 'email',
        audience: JSON.stringify({}),
        status: 'sending',
        queued: 5,
        sent: 3,
        delivered: 2,
      })
      .execute();
    const after = await scrape();
    const grew = (name: string, labels: Record<string, string> = {}) =>
      valueOf(after, name, labels) - valueOf(before, name, labels);
    // On PostgreSQL other files' campaigns may start sending meanwhile.
    const exactly = (value: number, expected: number) =>
      onPostgres ? expect(value).toBeGreaterThanOrEqual(expected) : expect(value).toBe(expected);
    exactly(grew('playloop_campaigns_sending'), 1);
    exactly(grew('playloop_campaign_messages', { status: 'queued' }), 5);
    exactly(grew('playloop_campaign_messages', { status: 'sent' }), 3);
    exactly(grew('playloop_campaign_messages', { status: 'delivered' }), 2);
    expect(valueOf(after, 'playloop_db_pool_connections', { state: 'size' })).toBeGreaterThan(0);
    // Every queue of src/jobs/queues.ts has its three states.
    const queues = after.filter((s) => s.name === 'playloop_job_queue_jobs');
    expect(queues.some((s) => s.labels.queue === 'webhooks.deliver')).toBe(true);
    expect(new Set(queues.map((s) => s.labels.state))).toEqual(
      new Set(['waiting', 'deferred', 'active']),
    );
    // Process metrics come with it.
    expect(after.some((s) => s.name === 'process_cpu_user_seconds_total')).toBe(true);
    expect(after.some((s) => s.name === 'nodejs_eventloop_lag_seconds')).toBe(true);
  });

  it('is left out of openapi.json', async () => {
    const response = await h.inject({ method: 'GET', url: '/openapi.json' });
    expect(Object.keys(json<{ paths: object }>(response).paths)).not.toContain('/metrics');
  });
});

describe('without METRICS_TOKEN', () => {
  it('serves this machine only', async () => {
    for (const remoteAddress of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
      const local = await h.inject({ method: 'GET', url: '/metrics', remoteAddress });
      expect(local.statusCode, remoteAddress).toBe(200);
    }
    for (const remoteAddress of ['203.0.113.5', '10.0.0.7', '::ffff:192.0.2.1', '2001:db8::1']) {
      const response = await h.inject({ method: 'GET', url: '/metrics', remoteAddress });
      const body = expectError(response, 401, 'unauthorized');
      expect(body.error).toContain('METRICS_TOKEN');
      expect(response.body).not.toContain('http_requests_total');
    }
  });
});

describe('METRICS_TOKEN', () => {
  let guarded: Harness;
  const token = randomBytes(16).toString('hex');

  beforeAll(async () => {
    guarded = await createHarness({ config: { metricsToken: token } });
  });

  afterAll(async () => {
    await guarded.close();
  });

  it('answers 401 in the envelope without the bearer token, or with another', async () => {
    for (const headers of [{}, { authorization: `Bearer ${token}x` }, { authorization: token }]) {
      const response = await guarded.inject({ method: 'GET', url: '/metrics', headers });
      expectError(response, 401, 'unauthorized');
      expect(response.body).not.toContain('http_requests_total');
    }
  });

  it('answers the metrics with the bearer token, from anywhere', async () => {
    const samples = await scrape(guarded, { authorization: `Bearer ${token}` });
    expect(samples.some((s) => s.name === 'http_requests_total')).toBe(true);
    const remote = await guarded.inject({
      method: 'GET',
      url: '/metrics',
      remoteAddress: '203.0.113.5',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(remote.statusCode).toBe(200);
  });
});

describe('worker metrics (METRICS_PORT)', () => {
  it('serves /metrics on a port of its own, with the same token rule, and 404 elsewhere', async () => {
    const token = randomBytes(16).toString('hex');
    const deps = { ...h.deps, config: { ...h.deps.config, metricsToken: token } };
    const server = await serveWorkerMetrics(deps, 0, '127.0.0.1');
    try {
      const address = server.address();
      const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const refused = await fetch(`${base}/metrics`);
      expect(refused.status).toBe(401);
      expect(await refused.json()).toMatchObject({ success: false, code: 'unauthorized' });
      const answered = await fetch(`${base}/metrics`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(answered.status).toBe(200);
      const samples = parse(await answered.text());
      expect(samples.some((s) => s.name === 'playloop_job_queue_jobs')).toBe(true);
      expect((await fetch(`${base}/other`)).status).toBe(404);
    } finally {
      server.close();
    }
  });

  it('reads METRICS_PORT and METRICS_TOKEN, unset by default, and refuses a bad port', () => {
    expect(loadConfig({})).toMatchObject({ metricsPort: undefined, metricsToken: undefined });
    expect(loadConfig({ METRICS_PORT: '9091', METRICS_TOKEN: 'abc' })).toMatchObject({
      metricsPort: 9091,
      metricsToken: 'abc',
    });
    expect(() => loadConfig({ METRICS_PORT: 'nine' })).toThrow(ConfigError);
  });
});

describe('a scrape during a database outage', () => {
  it('still answers, with the failing source reported and the other metrics intact', async () => {
    const metrics = new Metrics();
    metrics.httpRequest('GET', '/healthz', 200, 0.001);
    metrics.addSource(() => Promise.reject(new Error('database unreachable')));
    const errors: unknown[] = [];
    const samples = parse(await metrics.text((error) => errors.push(error)));
    expect(errors).toHaveLength(1);
    expect(valueOf(samples, 'http_requests_total', { route: '/healthz' })).toBe(1);
  });
});

describe('several apps in one process', () => {
  it('keeps counts apart and registers the process metrics once', async () => {
    const other = await createHarness();
    try {
      const before = await scrape(h);
      for (let i = 0; i < 4; i++) await other.inject({ method: 'GET', url: '/healthz' });
      const mine = await scrape(h);
      const theirs = await scrape(other);
      const labels = { method: 'GET', route: '/healthz', status: '200' };
      expect(valueOf(theirs, 'http_requests_total', labels)).toBe(4);
      expect(valueOf(mine, 'http_requests_total', labels)).toBe(
        valueOf(before, 'http_requests_total', labels),
      );
      // Each metric family once per scrape: no double registration across apps.
      const response = await other.inject({ method: 'GET', url: '/metrics' });
      const families = response.body.split('\n').filter((line) => line.startsWith('# TYPE '));
      expect(new Set(families).size).toBe(families.length);
      // One process registry, whichever app asks.
      expect(processRegistry()).toBe(processRegistry());
      expect(new Metrics().registry).not.toBe(new Metrics().registry);
    } finally {
      await other.close();
    }
  });
});

describe('job metrics', () => {
  const queue: QueueSpec = {
    name: `test.metrics_${randomBytes(5).toString('hex')}`,
    retryLimit: 0,
    retryDelaySeconds: 0,
    retryBackoff: false,
    expireInSeconds: 60,
    concurrency: 2,
  };
  let jobs: Jobs;
  const metrics = new Metrics();

  beforeAll(async () => {
    jobs = createJobs({
      database: h.deps.database,
      databaseUrl: h.deps.config.databaseUrl,
      logger: pino({ level: 'silent' }),
      queues: [queue],
      onJobRun: (run) => metrics.jobDone(run.queue, run.waitSeconds, run.runSeconds, run.outcome),
    });
    await jobs.start();
  });

  afterAll(async () => {
    await jobs.stop({ graceful: false });
  });

  it('counts waiting and deferred jobs, then times the runs per queue and outcome', async () => {
    await jobs.send(queue.name, { fail: false });
    await jobs.send(queue.name, { fail: true });
    await jobs.send(queue.name, { fail: false }, { startAfter: new Date(Date.now() + 3_600_000) });
    expect(await jobs.depth()).toEqual([{ queue: queue.name, waiting: 2, deferred: 1, active: 0 }]);

    await jobs.work<{ fail: boolean }>(queue.name, async (job) => {
      await sleep(20);
      if (job.data.fail) throw new Error('planned failure');
    });
    const deadline = Date.now() + 15_000;
    let samples: Sample[] = [];
    const runs = () => valueOf(samples, 'playloop_job_run_seconds_count', { queue: queue.name });
    while (runs() < 2 && Date.now() < deadline) {
      await sleep(50);
      samples = parse(await metrics.text(() => undefined));
    }
    expect(valueOf(samples, 'playloop_job_wait_seconds_count', { queue: queue.name })).toBe(2);
    const labels = (outcome: string) => ({ queue: queue.name, outcome });
    expect(valueOf(samples, 'playloop_job_run_seconds_count', labels('completed'))).toBe(1);
    expect(valueOf(samples, 'playloop_job_run_seconds_count', labels('failed'))).toBe(1);
    // Each run slept 20 ms.
    expect(valueOf(samples, 'playloop_job_run_seconds_sum', { queue: queue.name })).toBeGreaterThan(
      0.035,
    );
  });
});
