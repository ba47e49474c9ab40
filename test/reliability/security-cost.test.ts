import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePropertyTenant, type PropertyTenant } from '../factories.ts';
import type { Harness } from '../harness.ts';
import { recordFigure, recordSecrets } from './figures.ts';
import { ensureMinuteLeft, header, percentile } from './fleet-helpers.ts';
import { type Answer, runConcurrently } from './load.ts';
import {
  type DocOperation,
  isEnvelope4xx,
  liveOperations,
  operationsOf,
  send,
  statusOf,
  tally,
} from './security-http.ts';
import { openSeeder } from './seeder.ts';
import { type ServerProcess, startServer } from './server.ts';

/**
 * Section 8, class "cost": every operation taking free-form filter parameters (read from
 * openapi.json: its description carries the filter grammar) refuses a clearly abusive filter
 * with a 4xx before any SQL runs; the most expensive request it still allows, found by asking
 * the server itself, over a property of 10,000 players, ends promptly while another tenant's
 * /healthz and cheap reads stay fast; and a user bearer token is rate limited like a key.
 */
const SECTION = '8. Security classes';
const PLAYERS = 10_000;
const USER_LIMIT = 50;
/** The operations known to take column filters; the document must show exactly these. */
const FILTER_OPERATIONS = ['tables.delete', 'tables.list', 'tables.update'];
const GRAMMAR = /any query parameter other than the reserved ones filters on a column/i;

let h: Harness;
let server: ServerProcess;
/** 10,000 players: the target of the expensive requests. */
let big: PropertyTenant;
/** No players: where the limits are probed without running anything slow. */
let empty: PropertyTenant;
/** Another tenant, reading its own few players during the attack. */
let victim: PropertyTenant;
/** A user hammering /api/players with a login token. */
let hammer: PropertyTenant;

const figure = (name: string, value: string | number, expected?: string) =>
  recordFigure({ section: SECTION, name, value, ...(expected ? { expected } : {}) });

async function seedPlayers(propertyId: string, count: number, prefix: string): Promise<void> {
  await sql`
    INSERT INTO players (id, property_id, player_id, email, first_name, last_name, tier, traits)
    SELECT gen_random_uuid(), ${propertyId}::uuid, ${prefix} || g, ${prefix} || g || '@example.test',
           'First' || g, 'Last' || (g % 997), CASE WHEN g % 3 = 0 THEN 'gold' END,
           jsonb_build_object('n', g)
    FROM generate_series(1, ${count}::int) AS g`.execute(h.deps.database.db);
}

beforeAll(async () => {
  h = await openSeeder('security-cost');
  const high = { perMinute: 100_000 };
  [big, empty, victim, hammer] = [
    await makePropertyTenant(h, high),
    await makePropertyTenant(h, high),
    await makePropertyTenant(h, high),
    await makePropertyTenant(h, high),
  ];
  for (const t of [big, empty, victim, hammer]) recordSecrets(t.owner.password, t.owner.token);
  await seedPlayers(big.property.id, PLAYERS, 'cost-');
  await seedPlayers(victim.property.id, 100, 'victim-');
  server = await startServer('security-cost', {
    env: { USER_RATE_LIMIT_PER_MINUTE: String(USER_LIMIT) },
  });
});

afterAll(async () => {
  await server?.kill();
  await h?.close();
});

const letters = (n: number) =>
  Array.from(randomBytes(n), (byte) => String.fromCharCode(97 + (byte % 26))).join('');

/** `*xyz…*` of exactly `length` characters: a substring pattern no index can serve. */
const pattern = (length: number) => `*${letters(Math.max(1, length - 2))}*`;

const query = (pairs: readonly (readonly [string, string])[]) =>
  pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');

interface Target {
  readonly op: DocOperation;
  readonly method: string;
  readonly table: string;
}

/** Filter-taking operations × the tables their `{table}` parameter names. */
function targetsOf(ops: readonly DocOperation[]): Target[] {
  return ops
    .filter((op) => GRAMMAR.test(op.description))
    .flatMap((op) => {
      const param = op.parameters.find((p) => p.in === 'path' && p.name === 'table');
      const listed = /The table: ([\w, ]+)\./.exec(param?.description ?? '')?.[1];
      const names = new Set(
        [
          ...(listed?.split(',').map((n) => n.trim()) ?? []),
          typeof param?.example === 'string' ? param.example : '',
        ].filter(Boolean),
      );
      return [...names].map((table) => ({ op, method: op.method, table }));
    });
}

function committed(): DocOperation[] {
  const file = join(import.meta.dirname, '..', '..', 'openapi.json');
  return operationsOf(JSON.parse(readFileSync(file, 'utf8')));
}

/** A request of `target` with `pairs` as its query, with `tenant`'s pk_ key. */
function call(target: Target, tenant: PropertyTenant, pairs: [string, string][]): Promise<Answer> {
  const write = target.method !== 'GET';
  return send(`${server.url}/api/${target.table}?${query(pairs)}`, {
    method: target.method,
    headers: {
      ...tenant.keyHeaders,
      ...(write && target.method === 'PATCH' ? { 'content-type': 'application/json' } : {}),
    },
    ...(target.method === 'PATCH' ? { body: JSON.stringify({ first_name: 'Cost' }) } : {}),
  });
}

interface Attack {
  readonly name: string;
  readonly pairs: [string, string][];
  /** `refused`: a 4xx envelope; `bounded`: a 4xx, or an answer within 2 s (cheap by design). */
  readonly expect: 'refused' | 'bounded';
}

/**
 * Clearly abusive filters; writes carry a never-issued id so they can never change a row.
 * `maxIn` is the documented maximum of `in` items (the grammar in the description).
 */
function abusive(write: boolean, maxIn: number): Attack[] {
  const guard: [string, string][] = write ? [['id', `eq.${randomUUID()}`]] : [];
  const room = write ? 49 : 50;
  const nested = (depth: number): string =>
    depth === 0 ? 'first_name.eq.x' : `or(first_name.eq.${letters(4)},${nested(depth - 1)})`;
  const values = (n: number) => Array.from({ length: n }, (_, i) => `v${i}`).join(',');
  return [
    {
      name: `${room} not.like filters with 200-character patterns`,
      expect: 'refused',
      pairs: [
        ...guard,
        ...Array.from({ length: room }, (): [string, string] => [
          'first_name',
          `not.like.${pattern(200)}`,
        ]),
      ],
    },
    {
      // An `in` list is an index lookup (player_id) or a hashed comparison: cheap, if allowed.
      name: 'in.(…) with 500 values',
      expect: 'bounded',
      pairs: [...guard, ['first_name', `not.in.(${values(500)})`]],
    },
    {
      name: `in.(…) with ${maxIn + 1} values (the documented maximum + 1)`,
      expect: 'refused',
      pairs: [...guard, ['player_id', `in.(${values(maxIn + 1)})`]],
    },
    {
      name: 'or=(…) nested 40 deep',
      expect: 'refused',
      pairs: [...guard, ['or', `(${nested(40)})`]],
    },
  ];
}

/** The first candidate the server accepts (200) on the empty property, or undefined. */
async function firstAccepted<T>(
  list: readonly T[],
  build: (candidate: T) => [string, string][],
  target: Target,
): Promise<T | undefined> {
  for (const candidate of list) {
    const answer = await call(target, empty, build(candidate));
    if (answer.status === 200) return candidate;
    if (!isEnvelope4xx(answer)) throw new Error(`probe answered ${statusOf(answer)}`);
  }
  return undefined;
}

describe('security class: query cost', () => {
  let targets: Target[] = [];

  it('finds the filter-taking operations in the document (live and committed agree with the known list)', async () => {
    const live = await liveOperations(server.url);
    const ids = (ops: DocOperation[]) => [...new Set(targetsOf(ops).map((t) => t.op.id))].sort();
    targets = targetsOf(live);
    figure(
      'cost: operations taking free-form filters (live /openapi.json)',
      targets.map((t) => `${t.op.id} /api/${t.table}`).join(', '),
    );
    expect(ids(live), 'add the new filter operation to FILTER_OPERATIONS (and check it)').toEqual(
      FILTER_OPERATIONS,
    );
    expect(ids(committed())).toEqual(FILTER_OPERATIONS);
    expect(targets.every((t) => t.table !== '')).toBe(true);
  });

  it('refuses clearly abusive filters with a 4xx in the envelope, quickly, on every filter operation', async () => {
    const results: { label: string; answer: Answer; attack: Attack }[] = [];
    for (const target of targets) {
      const maxIn = Number(/at most (\d+) items/.exec(target.op.description)?.[1] ?? 1000);
      for (const attack of abusive(target.method !== 'GET', maxIn)) {
        const answer = await call(target, big, attack.pairs);
        const label = `${target.method} /api/${target.table} ${attack.name}`;
        results.push({ label, answer, attack });
      }
    }
    const wrong = results
      .filter(({ answer, attack }) =>
        attack.expect === 'refused'
          ? !isEnvelope4xx(answer) || answer.ms > 5000
          : !(isEnvelope4xx(answer) || (answer.status === 200 && answer.ms < 2000)),
      )
      .map(({ label, answer }) => `${label}: ${statusOf(answer)} in ${Math.round(answer.ms)} ms`);
    for (const { label, answer, attack } of results.filter((r) => r.attack.expect === 'bounded')) {
      figure(
        `cost: ${label} (${attack.expect}): status, ms`,
        `${statusOf(answer)}, ${Math.round(answer.ms)}`,
      );
    }
    figure('cost: abusive requests sent (4 shapes × filter operations)', results.length);
    figure(
      'cost: abusive requests not refused (4xx envelope within 5 s; the 500-value in: or answered within 2 s)',
      wrong.length,
      '0',
    );
    figure(
      'cost: slowest refusal of an abusive request (ms)',
      Math.round(Math.max(...results.map((r) => r.answer.ms))),
    );
    for (const line of wrong) console.error(`abusive request not refused: ${line}`);
    expect(wrong).toEqual([]);
  });

  it("runs the most expensive allowed request over 10,000 players while another tenant's reads stay fast", async () => {
    const list = targets.find((t) => t.method === 'GET' && t.table === 'players');
    expect(list, 'GET /api/players is a filter operation').toBeDefined();
    const target = list!;
    // Probe the limits on the empty property: the longest pattern, then how many of them,
    // then how many filters in all, the longest q, the largest page.
    const lengths = [200, 150, 128, 100, 64, 50, 40, 32, 24, 16, 12, 8, 6, 4];
    const counts = [50, 40, 30, 25, 20, 16, 12, 10, 8, 6, 5, 4, 3, 2, 1];
    const patternsOf = (n: number, chars: number): [string, string][] =>
      Array.from({ length: n }, (_, i) => [
        i % 2 ? 'last_name' : 'first_name',
        `not.ilike.${pattern(chars)}`,
      ]);
    // A pattern costs about its length on every row: the worst is the largest count × length.
    let patternCount = 0;
    let length = 0;
    for (const n of counts) {
      if (n * lengths[0]! <= patternCount * length) break;
      const longest = await firstAccepted(
        lengths.filter((l) => n * l > patternCount * length),
        (l) => patternsOf(n, l),
        target,
      );
      if (longest !== undefined) [patternCount, length] = [n, longest];
    }
    const patterns = (n: number) => patternsOf(n, length);
    const fill = (n: number): [string, string][] => [
      ...patterns(patternCount),
      ...Array.from({ length: n - patternCount }, (): [string, string] => [
        'email',
        `neq.${letters(40)}`,
      ]),
    ];
    const total =
      (await firstAccepted(
        counts.filter((n) => n >= patternCount),
        fill,
        target,
      )) ?? patternCount;
    const qLength =
      (await firstAccepted([200, 100, 64, 50, 32, 16, 8], (n) => [['q', letters(n)]], target)) ?? 0;
    const limit =
      (await firstAccepted([1000, 500, 200, 100], (n) => [['limit', String(n)]], target)) ?? 100;
    // q counts against the pattern allowance too: keep it only when the server still accepts.
    const worstWith = (withQ: boolean): [string, string][] => [
      ...fill(total),
      ...(withQ && qLength ? [['q', letters(qLength)] as [string, string]] : []),
      ['order', 'last_name.desc.nullslast,first_name.asc'],
      ['limit', String(limit)],
      ['count', 'exact'],
    ];
    const withQ = (await call(target, empty, worstWith(true))).status === 200;
    const worst = () => worstWith(withQ);
    const shape = `${patternCount} not.ilike of ${length} chars, ${total} filters in all, q of ${withQ ? qLength : 0}, limit ${limit}, count=exact, order on unindexed columns`;
    figure('cost: most expensive allowed request found by probing', shape);
    const accepted = await call(target, empty, worst());
    expect(accepted.status, `the combined worst request: ${statusOf(accepted)}`).toBe(200);

    const solo = await call(target, big, worst());
    figure(
      `cost: that request alone over ${PLAYERS.toLocaleString('en-US')} players (ms, status)`,
      `${Math.round(solo.ms)}, ${statusOf(solo)}`,
    );

    // Four attackers repeat it for 8 s (at most 30 each); the other tenant polls meanwhile.
    const ATTACKERS = 4;
    let attacking = true;
    const attacks: Answer[] = [];
    const attacker = async () => {
      const until = performance.now() + 8000;
      for (let i = 0; i < 30 && performance.now() < until; i++) {
        attacks.push(await call(target, big, worst()));
      }
    };
    const polls: { kind: string; answer: Answer }[] = [];
    const poller = async (kind: string, url: string, headers: Record<string, string>) => {
      for (let i = 0; i < 2000 && attacking; i++) {
        polls.push({ kind, answer: await send(url, { headers, timeoutMs: 30_000 }) });
      }
    };
    const pollers = Promise.all([
      poller('healthz', `${server.url}/healthz`, {}),
      poller('players read', `${server.url}/api/players?limit=5&count=none`, victim.keyHeaders),
    ]);
    await Promise.all(Array.from({ length: ATTACKERS }, attacker));
    attacking = false;
    await pollers;

    const ms = (kind: string) => polls.filter((p) => p.kind === kind).map((p) => p.answer.ms);
    const attackMs = attacks.map((a) => a.ms);
    const badPolls = polls.filter((p) => p.answer.status !== 200);
    const unfinished = attacks.filter((a) => a.status === 0);
    const attackWrong = attacks.filter(
      (a) => a.status !== 200 && !(isEnvelope4xx(a) && statusOf(a).endsWith('query_too_expensive')),
    );
    const worstSeen = Math.max(...polls.map((p) => p.answer.ms));
    figure(
      `cost: attack requests (${ATTACKERS} at once, 8 s): sent, statuses`,
      `${attacks.length}: ${JSON.stringify(tally(attacks))}`,
    );
    figure(
      'cost: attack request latency p50 / max (ms)',
      `${percentile(attackMs, 50).toFixed(0)} / ${Math.max(...attackMs).toFixed(0)}`,
    );
    for (const kind of ['healthz', 'players read']) {
      figure(
        `cost: other tenant's ${kind} during the attack: count, p50 / p99 / max (ms)`,
        `${ms(kind).length}, ${percentile(ms(kind), 50).toFixed(1)} / ${percentile(ms(kind), 99).toFixed(1)} / ${Math.max(...ms(kind)).toFixed(1)}`,
      );
    }
    figure('cost: worst latency the other tenant saw (ms)', Math.round(worstSeen), '< 2,000');
    expect(unfinished.length, 'attack requests that never ended').toBe(0);
    expect(attackWrong.map(statusOf)).toEqual([]);
    expect(badPolls.map((p) => `${p.kind} ${statusOf(p.answer)}`)).toEqual([]);
    // Before the bounds: 50 × 200-character patterns took 2.8 s here alone (PostgreSQL).
    expect(solo.ms, 'the most expensive allowed request, alone').toBeLessThan(2000);
    expect(worstSeen).toBeLessThan(2000);
  });

  it(`answers 429 to a user login token past its ${USER_LIMIT} requests a minute on /api/players`, async () => {
    await ensureMinuteLeft(20_000);
    const answers = await runConcurrently(
      Array.from(
        { length: 3 * USER_LIMIT },
        () => () =>
          send(`${server.url}/api/players?limit=1&count=none`, { headers: hammer.userHeaders }),
      ),
      8,
    );
    const ok = answers.filter((a) => a.status === 200).length;
    const refused = answers.filter((a) => a.status === 429);
    figure(
      `cost: ${answers.length} reads with one user token (USER_RATE_LIMIT_PER_MINUTE=${USER_LIMIT}): 200 / 429`,
      `${ok} / ${refused.length}`,
      `${USER_LIMIT} / ${answers.length - USER_LIMIT}`,
    );
    expect(tally(answers)).toEqual({
      '200': USER_LIMIT,
      '429 rate_limited': answers.length - USER_LIMIT,
    });
    expect(refused.every((a) => Number(header(a, 'retry-after')) >= 1)).toBe(true);
  });
});
