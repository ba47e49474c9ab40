import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientGoneSignal } from '../../src/http/client-gone.ts';
import {
  MAX_FILTERS,
  MAX_PATTERN_FILTERS,
  MAX_PATTERN_LENGTH,
} from '../../src/lib/postgrest-filter.ts';
import { makePropertyTenant, type PropertyTenant } from '../factories.ts';
import { createHarness, expectError, type Harness, json, onPostgres } from '../harness.ts';

/**
 * Issue 9 item 1: one request could stall every tenant (50 `not.like` filters with long
 * patterns on 10,000 players: 22 s on PGlite with /healthz blocked, 13.7 s on PostgreSQL).
 */

const PLAYERS = 10_000;

/** 10,000 players in one statement (generate_series), like the bench's seed but smaller. */
async function seedPlayers(h: Harness, propertyId: string): Promise<void> {
  await sql`
    INSERT INTO players (id, property_id, player_id, email, first_name, last_name, status, tier,
                         created_at, updated_at)
    SELECT gen_random_uuid(), ${propertyId}::uuid, 'P' || lpad(i::text, 6, '0'),
           'player' || i || '@example.com', (ARRAY['James','Mary','Robert','Linda'])[1 + i % 4],
           (ARRAY['Smith','Johnson','Brown','Davis'])[1 + i % 4], 'active', 'Gold', now(), now()
      FROM generate_series(1, ${PLAYERS}::int) AS i`.execute(h.deps.database.db);
  await sql`ANALYZE players`.execute(h.deps.database.db);
}

/** A query string from [key, value] pairs (keys may repeat). */
const qs = (pairs: [string, string][]) =>
  pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');

describe('query cost on 10,000 players', () => {
  let h: Harness;
  let attacker: PropertyTenant;
  let other: PropertyTenant;

  beforeAll(async () => {
    h = await createHarness();
    attacker = await makePropertyTenant(h, { perMinute: 100_000 });
    other = await makePropertyTenant(h, { perMinute: 100_000 });
    await seedPlayers(h, attacker.property.id);
    await seedPlayers(h, other.property.id);
  }, 120_000);

  afterAll(async () => {
    await h.close();
  });

  it('refuses the reported attack (50 not.like with long patterns) with 400 before any SQL runs', async () => {
    const pattern = `%${'x'.repeat(1990)}%`;
    const attack = qs(Array.from({ length: 50 }, () => ['email.not.like', pattern]));
    const started = performance.now();
    const response = await h.inject({
      url: `/api/players?${attack}`,
      headers: attacker.userHeaders,
    });
    const elapsed = performance.now() - started;
    expectError(response, 400, 'validation_failed');
    console.log(`[query-cost] reported attack refused in ${elapsed.toFixed(0)} ms`);
    // Refused by the parser: far below the 22 s it took, with a very wide margin for load.
    expect(elapsed).toBeLessThan(5000);
  });

  it.each([
    [
      `more than ${MAX_PATTERN_FILTERS} like/ilike filters`,
      Array.from({ length: MAX_PATTERN_FILTERS + 1 }, (): [string, string] => [
        'email.ilike',
        '%a%',
      ]),
      /like\/ilike filters/,
    ],
    [
      `patterns of more than ${MAX_PATTERN_LENGTH} characters in all`,
      [
        ['email.not.like', `%${'a'.repeat(MAX_PATTERN_LENGTH / 2)}%`],
        ['first_name.not.like', `%${'a'.repeat(MAX_PATTERN_LENGTH / 2)}%`],
      ] as [string, string][],
      /characters in all/,
    ],
    [
      `one pattern longer than ${MAX_PATTERN_LENGTH} characters`,
      [['email.like', 'a'.repeat(MAX_PATTERN_LENGTH + 1)]] as [string, string][],
      /longer than/,
    ],
    [
      'q plus four like filters',
      [
        ['q', 'smith'],
        ...Array.from({ length: MAX_PATTERN_FILTERS }, (): [string, string] => [
          'email.ilike',
          '%a%',
        ]),
      ],
      /q counting as one/,
    ],
    [
      `more than ${MAX_FILTERS} conditions`,
      Array.from({ length: MAX_FILTERS + 1 }, (): [string, string] => ['status.neq', 'x']),
      /At most 20 filters/,
    ],
    [
      'in lists of more than 1000 items in all',
      [
        ['player_id.in', `(${Array.from({ length: 600 }, (_, i) => `a${i}`).join(',')})`],
        ['email.in', `(${Array.from({ length: 600 }, (_, i) => `b${i}`).join(',')})`],
      ] as [string, string][],
      /in lists/,
    ],
  ])('refuses %s with 400 in the envelope', async (_name, pairs, message) => {
    const response = await h.inject({
      url: `/api/players?${qs(pairs as [string, string][])}`,
      headers: attacker.keyHeaders,
    });
    expect(expectError(response, 400, 'validation_failed').error).toMatch(message);
  });

  it('serves other tenants and /healthz while the worst allowed request runs, and prints what they saw', async () => {
    // The most expensive request within the bounds found (README "Query cost"): every pattern
    // character on an unindexable negated ilike, many conditions, an exact count, the largest
    // page, sorted on a text column.
    const worst = qs([
      ['email.not.ilike', `%${'a'.repeat(MAX_PATTERN_LENGTH / 4 - 3)}b%`],
      ['first_name.not.ilike', `%${'a'.repeat(MAX_PATTERN_LENGTH / 4 - 3)}b%`],
      ['last_name.not.ilike', `%${'a'.repeat(MAX_PATTERN_LENGTH / 4 - 3)}b%`],
      ['player_id.not.ilike', `%${'a'.repeat(MAX_PATTERN_LENGTH / 4 - 3)}b%`],
      ...Array.from({ length: MAX_FILTERS - 4 }, (_, i): [string, string] => [
        'status.neq',
        `s${i}`,
      ]),
      ['order', 'email.desc'],
      ['limit', '1000'],
      ['count', 'exact'],
    ]);
    const attackerTimes: number[] = [];
    const otherTimes: number[] = [];
    const healthTimes: number[] = [];
    const timed = async (into: number[], run: () => Promise<{ statusCode: number }>) => {
      const started = performance.now();
      const response = await run();
      into.push(performance.now() - started);
      return response;
    };
    const responses = await Promise.all([
      ...Array.from({ length: 3 }, () =>
        timed(attackerTimes, () =>
          h.inject({ url: `/api/players?${worst}`, headers: attacker.keyHeaders }),
        ),
      ),
      ...Array.from({ length: 6 }, () =>
        timed(otherTimes, () =>
          h.inject({ url: '/api/players?status.eq=active&limit=10', headers: other.keyHeaders }),
        ),
      ),
      ...Array.from({ length: 6 }, () => timed(healthTimes, () => h.inject({ url: '/healthz' }))),
    ]);
    for (const response of responses) expect(response.statusCode).toBe(200);
    const max = (list: number[]) => Math.max(...list).toFixed(0);
    console.log(
      `[query-cost] ${h.deps.database.kind}: worst allowed request ${max(attackerTimes)} ms; ` +
        `meanwhile another tenant waited at most ${max(otherTimes)} ms, /healthz ${max(healthTimes)} ms`,
    );
    // No tight bound: the machine is shared. The reported attack blocked everyone for 21 s.
    expect(Math.max(...otherTimes, ...healthTimes)).toBeLessThan(5000);
  });
});

describe('rate limit of user bearer tokens', () => {
  let h: Harness;
  let tenant: PropertyTenant;

  beforeAll(async () => {
    h = await createHarness({ config: { userRateLimitPerMinute: 3 } });
    tenant = await makePropertyTenant(h);
  });

  afterAll(async () => {
    await h.close();
  });

  it('limits a user per minute on /api/{table} and dashboard routes alike, with RateLimit headers and Retry-After', async () => {
    const first = await h.inject({ url: '/api/players?limit=1', headers: tenant.userHeaders });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.headers['ratelimit-limit']).toBe('3');
    expect(first.headers['ratelimit-remaining']).toBe('2');
    // A dashboard route (requireUser) counts against the same budget.
    const dashboard = await h.inject({ url: '/api/auth/me', headers: tenant.owner.auth });
    expect(dashboard.headers['ratelimit-remaining'], dashboard.body).toBe('1');
    await h.inject({ url: '/api/players?limit=1', headers: tenant.userHeaders });
    const refused = await h.inject({ url: '/api/players?limit=1', headers: tenant.userHeaders });
    const body = expectError(refused, 429, 'rate_limited');
    expect(body.retry_after).toBeGreaterThanOrEqual(1);
    expect(refused.headers['retry-after']).toBe(String(body.retry_after));
    // The window is the clock's minute: the next one allows again.
    h.clock.advance(60_000);
    const later = await h.inject({ url: '/api/players?limit=1', headers: tenant.userHeaders });
    expect(later.statusCode).toBe(200);
    // Keys keep their own limits.
    const key = await h.inject({ url: '/api/players?limit=1', headers: tenant.keyHeaders });
    expect(key.statusCode).toBe(200);
  });
});

describe.runIf(onPostgres)('statement timeout and client disconnects (PostgreSQL)', () => {
  let h: Harness;
  const marker = `sleep-${Date.now()}`;

  beforeAll(async () => {
    h = await createHarness({
      config: { dbStatementTimeoutMs: 200 },
      beforeReady: (app, deps) => {
        // Test-only: a statement that takes as long as asked, cancellable like /api/{table}.
        app.get('/test/sleep', async (request, reply) => {
          const { seconds } = request.query as { seconds: string };
          await deps.database.cancellable(clientGoneSignal(reply), () =>
            sql`SELECT pg_sleep(${Number(seconds)}::float8)`.execute(deps.database.db),
          );
          return { ok: true };
        });
      },
    });
  });

  afterAll(async () => {
    await h.close();
  });

  it('answers a statement stopped by DB_STATEMENT_TIMEOUT_MS with 400 query_too_expensive', async () => {
    const response = await h.inject({ url: '/test/sleep?seconds=2' });
    expect(expectError(response, 400, 'query_too_expensive').error).toMatch(/narrow/);
    const fast = await h.inject({ url: '/test/sleep?seconds=0.01' });
    expect(json(fast)).toEqual({ ok: true });
  });

  it('gives pooled connections the timeout back after the migrations lifted it', async () => {
    const { rows } = await sql<{
      t: string;
    }>`SELECT current_setting('statement_timeout') AS t`.execute(h.deps.database.db);
    expect(rows[0]?.t).toBe('200ms');
  });

  it('cancels the statement when the client goes away before the answer', async () => {
    // No statement_timeout here: only the cancel can end the 30 s statement early.
    const slow = await createHarness({
      config: { dbStatementTimeoutMs: 0 },
      beforeReady: (app, deps) => {
        app.get('/test/sleep', async (_request, reply) => {
          await deps.database.cancellable(clientGoneSignal(reply), () =>
            sql`SELECT pg_sleep(30) AS ${sql.ref(marker)}`.execute(deps.database.db),
          );
          return { ok: true };
        });
      },
    });
    try {
      await slow.app.listen({ port: 0, host: '127.0.0.1' });
      const url = `http://127.0.0.1:${(slow.app.server.address() as AddressInfo).port}/test/sleep`;
      const running = () =>
        sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE query LIKE ${`%${marker}%`} AND state = 'active' AND pid <> pg_backend_pid()`
          .execute(h.deps.database.db)
          .then((result) => result.rows[0]?.n ?? 0);
      const client = httpRequest(url);
      client.on('error', () => undefined);
      client.end();
      // Wait until the statement runs (the marker is its column alias), then hang up.
      for (let i = 0; i < 100 && (await running()) === 0; i++) await sleep(50);
      expect(await running()).toBe(1);
      const hungUp = performance.now();
      client.destroy();
      let gone = -1;
      for (let i = 0; i < 100; i++) {
        if ((await running()) === 0) {
          gone = performance.now() - hungUp;
          break;
        }
        await sleep(50);
      }
      console.log(
        `[query-cost] statement gone from pg_stat_activity ${gone.toFixed(0)} ms after the hang-up`,
      );
      expect(gone).toBeGreaterThanOrEqual(0);
      expect(gone).toBeLessThan(5000);
    } finally {
      await slow.close();
    }
  });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
