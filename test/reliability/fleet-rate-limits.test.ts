import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTenant, type Tenant } from '../factories.ts';
import type { Harness } from '../harness.ts';
import { reliabilityEnv } from './env.ts';
import {
  ensureMinuteLeft,
  errorCode,
  header,
  minuteOf,
  percentile,
  redisServer,
  type RedisProcess,
  roundRobin,
  sleep,
} from './fleet-helpers.ts';
import { recordFigure, recordSecrets } from './figures.ts';
import { type Answer, postJson, runConcurrently, statusCounts } from './load.ts';
import { LOG_DIR } from './paths.ts';
import { openSeeder } from './seeder.ts';
import { freePort, type ServerProcess, startFleet } from './server.ts';

/**
 * Promise 2: a key's per-minute and per-day limits hold across three processes (no balancer:
 * the client spreads the calls), a request refused by one window consumes nothing from the
 * other, and when Redis dies mid-run the fleet keeps answering, each process counting on its
 * own (README "Rate limits": fail open, at most processes × limit), shared again once Redis is
 * back.
 */
const SECTION = '2. Fleet rate limits';
const FALLBACK_WARNING = 'rate limits fell back to in-process counting';

let h: Harness;
let fleet: ServerProcess[];
let redis: Redis;
let ownRedis: RedisProcess;
let ownFleet: ServerProcess[] = [];
const env = reliabilityEnv();

beforeAll(async () => {
  h = await openSeeder('fleet-rate-limits');
  redis = new Redis(env.redisUrl);
  ownRedis = redisServer('fleet-rate-limits-redis', await freePort());
  await ownRedis.start();
  [fleet, ownFleet] = await Promise.all([
    startFleet(3, 'fleet-rate-limits'),
    startFleet(3, 'fleet-rate-limits-own-redis', { REDIS_URL: ownRedis.url }),
  ]);
});

afterAll(async () => {
  await Promise.all([...fleet, ...ownFleet].map((server) => server.kill()));
  await ownRedis.kill();
  redis.disconnect();
  await h.close();
});

const figure = (name: string, value: string | number, expected?: string) =>
  recordFigure({ section: SECTION, name, value, ...(expected ? { expected } : {}) });

const createSession = (base: string, t: Tenant) =>
  postJson(
    `${base}/api/org-api-keys?action=create-session`,
    { game_id: t.gameIds[0] },
    t.keyHeaders,
  );

/** `count` create-session calls with the tenant's key, 128 in flight at a time, round-robin. */
async function burst(servers: readonly ServerProcess[], t: Tenant, count: number) {
  const next = roundRobin(servers);
  const plan = Array.from({ length: count }, (_, i) => ({
    server: i % servers.length,
    base: next(),
  }));
  const started = performance.now();
  const answers = await runConcurrently(
    plan.map(
      ({ base }) =>
        () =>
          createSession(base, t),
    ),
    128,
  );
  const ms = performance.now() - started;
  const allowedBy = servers.map(
    (_, s) => answers.filter((a, i) => a.status === 200 && plan[i]!.server === s).length,
  );
  return { answers, counts: statusCounts(answers), allowedBy, ms };
}

const windowOf = (answer: Answer) =>
  (JSON.parse(answer.body) as { details?: { window?: string } }).details?.window;

/** The key's counters in Redis by window ("minute", "day"): summed over windows started. */
async function redisCounters(keyId: number): Promise<Record<string, number>> {
  const pattern = `${env.redisPrefix}rl:key:${keyId}:*`;
  const names: string[] = [];
  let cursor = '0';
  do {
    const [nextCursor, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = nextCursor;
    names.push(...found);
  } while (cursor !== '0');
  const totals: Record<string, number> = {};
  for (const name of names) {
    const window = name.slice(pattern.length - 1).split(':')[0]!;
    totals[window] = (totals[window] ?? 0) + Number(await redis.get(name));
  }
  return totals;
}

describe('rate limits across three processes', () => {
  it('admits exactly 100 of 400 concurrent requests in a minute and counts only those against the day', async () => {
    const t = await makeTenant(h, { perMinute: 100, perDay: 1000 });
    recordSecrets(t.owner.password);
    await ensureMinuteLeft(15_000);
    const minute = minuteOf(Date.now());
    const { answers, counts, allowedBy, ms } = await burst(fleet, t, 400);
    expect(minuteOf(Date.now()), 'the burst straddled two minutes').toBe(minute);
    const refused = answers.filter((a) => a.status === 429);
    // Every admitted request saw its own place in one shared counter: remaining 99 … 0.
    const remaining = answers
      .filter((a) => a.status === 200)
      .map((a) => Number(header(a, 'ratelimit-remaining')))
      .sort((a, b) => a - b);
    const counters = await redisCounters(t.keyId);

    figure('requests sent at once (100/min, 1,000/day key)', answers.length, '= 400');
    figure('allowed', counts[200] ?? 0, '= 100');
    figure('refused 429', counts[429] ?? 0, '= 300');
    figure('other statuses', answers.length - (counts[200] ?? 0) - (counts[429] ?? 0), '= 0');
    figure('allowed per process', allowedBy.join(' / '), 'sum = 100');
    figure('burst wall time (ms)', Math.round(ms));
    figure(
      'distinct RateLimit-Remaining values among the allowed',
      new Set(remaining).size,
      '= 100 (0 … 99)',
    );
    figure(
      'Redis minute / day counters after the minute refusals',
      `${counters.minute ?? 0} / ${counters.day ?? 0}`,
      '100 / 100',
    );

    expect(counts).toEqual({ 200: 100, 429: 300 });
    expect(remaining).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(refused.every((a) => errorCode(a) === 'rate_limited' && windowOf(a) === 'minute')).toBe(
      true,
    );
    expect(refused.every((a) => Number(header(a, 'retry-after')) >= 1)).toBe(true);
    // The 300 refused by the minute consumed nothing from the day.
    expect(counters).toEqual({ minute: 100, day: 100 });
  });

  it('counts nothing against the minute for requests the day refuses', async () => {
    const t = await makeTenant(h, { perMinute: 100, perDay: 40 });
    recordSecrets(t.owner.password);
    await ensureMinuteLeft(5_000);
    const { answers, counts } = await burst(fleet, t, 150);
    const refused = answers.filter((a) => a.status === 429);
    const counters = await redisCounters(t.keyId);

    figure(
      'day below minute (100/min, 40/day): allowed / refused of 150',
      `${counts[200] ?? 0} / ${counts[429] ?? 0}`,
      '40 / 110',
    );
    figure(
      'day below minute: Redis minute / day counters',
      `${counters.minute ?? 0} / ${counters.day ?? 0}`,
      '40 / 40',
    );

    expect(counts).toEqual({ 200: 40, 429: 110 });
    expect(refused.every((a) => windowOf(a) === 'day')).toBe(true);
    expect(counters).toEqual({ minute: 40, day: 40 });
  });
});

type Phase =
  | 'before'
  | 'killing'
  | 'down'
  | 'restarting'
  | 'back'
  | 'stopping'
  | 'silent'
  | 'resuming'
  | 'resumed';
const PHASES: readonly Phase[] = [
  'before',
  'killing',
  'down',
  'restarting',
  'back',
  'stopping',
  'silent',
  'resuming',
  'resumed',
];

interface Sent {
  readonly phase: Phase;
  readonly server: number;
  readonly answer: Answer;
}

/** Each process's /readyz status, or 0 when it did not answer within `timeoutMs`. */
function readiness(servers: readonly ServerProcess[], timeoutMs = 2000): Promise<number[]> {
  return Promise.all(
    servers.map((server) =>
      fetch(`${server.url}/readyz`, { signal: AbortSignal.timeout(timeoutMs) }).then(
        (response) => response.status,
        () => 0,
      ),
    ),
  );
}

/** Each process's view of Redis as /readyz reports it (`ok`, `unreachable`), or `no answer`. */
function redisSeen(servers: readonly ServerProcess[], timeoutMs = 2000): Promise<string[]> {
  return Promise.all(
    servers.map((server) =>
      fetch(`${server.url}/readyz`, { signal: AbortSignal.timeout(timeoutMs) })
        .then((response) => response.json() as Promise<{ redis?: string }>)
        .then(
          (body) => body.redis ?? 'missing',
          () => 'no answer',
        ),
    ),
  );
}

describe('rate limits while Redis dies, restarts and stops answering', () => {
  it('keeps answering with per-process limits while Redis is away, and shares them again after', async () => {
    const LIMIT = 30;
    // One key per phase, so each phase's count starts from zero wherever it is kept.
    const keys = {} as Record<Phase, Tenant>;
    for (const phase of PHASES) {
      keys[phase] = await makeTenant(h, { perMinute: LIMIT, perDay: 1_000_000 });
      recordSecrets(keys[phase].owner.password);
    }
    await ensureMinuteLeft(30_000);
    const minute = minuteOf(Date.now());

    let phase: Phase = 'before';
    let stopped = false;
    const sent: Sent[] = [];
    let turn = 0;
    const worker = async () => {
      while (!stopped) {
        const server = turn++ % ownFleet.length;
        const current = phase;
        const answer = await createSession(ownFleet[server]!.url, keys[current]);
        sent.push({ phase: current, server, answer });
      }
    };
    const load = Promise.all(Array.from({ length: 12 }, worker));

    // Keys change between phases with a pause, so no request of one phase is still in flight
    // (and decided the other way) when Redis dies, returns, stops or resumes.
    await sleep(1500);
    phase = 'killing';
    await sleep(300);
    const killedAt = performance.now();
    await ownRedis.kill('SIGKILL');
    await sleep(500);
    phase = 'down';
    const readyWhileDown = sleep(1000).then(() => readiness(ownFleet));
    const redisWhileDown = sleep(1000).then(() => redisSeen(ownFleet));
    await sleep(2500);
    phase = 'restarting';
    await sleep(300);
    const downMs = performance.now() - killedAt;
    await ownRedis.start();
    const restartedAt = performance.now();
    while (!(await redisSeen(ownFleet, 500)).every((state) => state === 'ok')) {
      if (performance.now() - restartedAt > 15_000) throw new Error('fleet never saw Redis again');
      await sleep(20);
    }
    const recoveryMs = performance.now() - restartedAt;
    phase = 'back';
    await sleep(2000);
    phase = 'stopping';
    await sleep(300);
    ownRedis.pause(true);
    // The first calls wait for the limiter's deadline (500 ms) before deciding in-process.
    await sleep(800);
    phase = 'silent';
    const readyWhileSilent = sleep(500).then(() => readiness(ownFleet));
    await sleep(2500);
    phase = 'resuming';
    // Longer than the limiter's deadline (500 ms): a probe sent in the last moments of 'silent'
    // has fallen back in-process before Redis answers again, rather than being counted there.
    await sleep(800);
    ownRedis.pause(false);
    // Each process probes Redis again once its pause (1 s) after the last timeout is over.
    await sleep(2500);
    phase = 'resumed';
    await sleep(2000);
    stopped = true;
    await load;
    expect(minuteOf(Date.now()), 'the run straddled two minutes').toBe(minute);

    const of = (p: Phase) => sent.filter((s) => s.phase === p);
    const allowed = (p: Phase, server?: number) =>
      of(p).filter((s) => s.answer.status === 200 && (server === undefined || s.server === server))
        .length;
    const all = sent.map((s) => s.answer);
    const failed = all.filter((a) => a.status >= 500 || a.status === 0);
    const unexpected = all.filter((a) => a.status !== 200 && a.status !== 429);
    const maxMs = (p: Phase) => Math.max(...of(p).map((s) => s.answer.ms));
    const latency = (p: Phase) => {
      const ms = of(p).map((s) => s.answer.ms);
      return `${percentile(ms, 50).toFixed(1)} / ${percentile(ms, 99).toFixed(1)} / ${maxMs(p).toFixed(1)}`;
    };
    const perProcess = (p: Phase) => ownFleet.map((_, s) => allowed(p, s));
    const expected: Record<Phase, string> = {
      before: `allowed = ${LIMIT} (shared)`,
      killing: `allowed ≤ ${4 * LIMIT}`,
      down: `allowed ≤ ${3 * LIMIT} (${LIMIT} per process)`,
      restarting: `allowed ≤ ${4 * LIMIT}`,
      back: `allowed = ${LIMIT} (shared again)`,
      stopping: `allowed ≤ ${4 * LIMIT}`,
      silent: `allowed ≤ ${3 * LIMIT} (${LIMIT} per process)`,
      resuming: `allowed ≤ ${4 * LIMIT}`,
      resumed: `allowed = ${LIMIT} (shared again)`,
    };

    figure('Redis away: requests sent (all phases, 12 connections)', all.length);
    figure('Redis away: 5xx or failed requests', failed.length, '= 0');
    figure('Redis away: answers other than 200/429', unexpected.length, '= 0');
    figure('Redis away: killed for (ms, SIGKILL to restart)', Math.round(downMs));
    figure(
      'Redis away: every process sees Redis again after the restart (ms)',
      Math.round(recoveryMs),
    );
    // Readiness follows the database only: a balancer must not pull the whole fleet because
    // the shared cache is away (src/http/health.ts).
    const downReadiness = await readyWhileDown;
    const silentReadiness = await readyWhileSilent;
    figure('Redis away: /readyz per process while killed', downReadiness.join(' / '), '200 each');
    figure(
      'Redis away: /readyz per process while silent (0 = no answer in 2 s)',
      silentReadiness.join(' / '),
      '200 each',
    );
    expect(downReadiness).toEqual(ownFleet.map(() => 200));
    const downRedis = await redisWhileDown;
    figure(
      'Redis away: Redis as /readyz reports it while killed',
      downRedis.join(' / '),
      'unreachable each',
    );
    expect(downRedis).toEqual(ownFleet.map(() => 'unreachable'));
    expect(silentReadiness).toEqual(ownFleet.map(() => 200));
    for (const p of PHASES) {
      figure(
        `Redis away: phase "${p}" requests / allowed (limit ${LIMIT}/min)`,
        `${of(p).length} / ${allowed(p)}`,
        expected[p],
      );
      figure(`Redis away: phase "${p}" latency p50 / p99 / max (ms)`, latency(p));
    }
    figure(
      'Redis away: allowed per process while killed',
      perProcess('down').join(' / '),
      `each = ${LIMIT}`,
    );
    figure(
      'Redis away: allowed per process while silent',
      perProcess('silent').join(' / '),
      `each = ${LIMIT}`,
    );

    expect(failed).toEqual([]);
    expect(unexpected).toEqual([]);
    for (const p of PHASES) {
      // Every phase was actually hammered past what the whole fleet could admit.
      expect(of(p).length).toBeGreaterThan(4 * LIMIT);
      expect(allowed(p)).toBeLessThanOrEqual(4 * LIMIT);
    }
    expect(allowed('before')).toBe(LIMIT);
    expect(perProcess('down')).toEqual(ownFleet.map(() => LIMIT));
    expect(allowed('back')).toBe(LIMIT);
    expect(perProcess('silent')).toEqual(ownFleet.map(() => LIMIT));
    expect(allowed('resumed')).toBe(LIMIT);
    // Nothing waits on a dead or silent Redis beyond the limiter's 500 ms deadline.
    expect(maxMs('down')).toBeLessThan(1000);
    expect(maxMs('silent')).toBeLessThan(1500);

    // Each process logged the fallback (the fleet's logs are in LOG_DIR).
    const logs = async (server: ServerProcess) => {
      const file = join(LOG_DIR, `${server.name}.log`);
      for (let i = 0; i < 50 && !readFileSync(file, 'utf8').includes(FALLBACK_WARNING); i++) {
        await sleep(100);
      }
      return readFileSync(file, 'utf8');
    };
    const texts = await Promise.all(ownFleet.map(logs));
    const warned = texts.filter((text) => text.includes(FALLBACK_WARNING)).length;
    figure('Redis away: processes that logged the fallback warning', warned, '= 3');
    // deps.ts logs the fallback at most once per 10 s per process: a second outage that soon
    // after the first goes unlogged, which this records rather than asserts.
    figure(
      'Redis away: processes that logged the silent-Redis deadline (warnings: ≤ 1 per 10 s)',
      texts.filter((text) => text.includes('did not answer within')).length,
    );
    const unhandled = texts.filter((text) => text.includes('unhandled error')).length;
    figure('Redis away: processes that logged an unhandled error', unhandled, '= 0');
    expect(warned).toBe(ownFleet.length);
    expect(unhandled).toBe(0);
  });
});
