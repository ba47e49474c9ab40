import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGame } from '../../src/modules/games/index.ts';
import type { Harness } from '../harness.ts';
import { recordFigure } from './figures.ts';
import { breakersOf, mustFailCase, oddMethodCase, validishCase } from './fuzz-cases.ts';
import { filterCase } from './fuzz-filters.ts';
import { businessTables, changedTables, fingerprint } from './fuzz-fingerprint.ts';
import type { FuzzCase } from './fuzz-http.ts';
import { loadOperations } from './fuzz-openapi.ts';
import type { FuzzContext } from './fuzz-parts.ts';
import { type RawCase, rawCases } from './fuzz-raw.ts';
import { send, sendRaw } from './fuzz-send.ts';
import { Tally } from './fuzz-tally.ts';
import { targetedCase } from './fuzz-targeted.ts';
import { type FuzzWorld, makeWorld } from './fuzz-tenants.ts';
import { runConcurrently } from './load.ts';
import { OUTPUT_DIR } from './paths.ts';
import { openSeeder } from './seeder.ts';
import { type ServerProcess, startServer } from './server.ts';

/**
 * Promise 4: hostile input. Property-based fuzzing of every operation of openapi.json against
 * one real server process, with real credentials so that requests get past authentication.
 * Five phases, in this order, drawn by fast-check from one printed seed (replay a run with
 * RELIABILITY_FUZZ_SEED=<seed>):
 * - A: cases that cannot succeed (a refused credential, a body the schema refuses, a broken raw
 *   body, an invalid path or query parameter): every batch is checked for database changes;
 * - T: valid requests with one hostile value planted (body field or query parameter), which
 *   reach the services, the SQL and the jsonb columns;
 * - B: valid-ish requests (schema-shaped bodies with real ids, odd values, odd methods);
 * - C: PostgREST filter strings made of SQL fragments against /api/players and /api/{table};
 * - D: raw bytes an HTTP client will not send (request-line, header and framing errors).
 * Before and after each batch the business tables are fingerprinted; a batch in which no
 * request succeeded must leave them unchanged.
 *
 * Every answer must be below 500; every 4xx with a body must be the documented envelope with a
 * code whose status is the one sent. Only cases built to trip Node's HTTP parser (phase D, and
 * heads estimated over 16 KiB) may instead get a non-JSON 400/413/417/431 from Node itself or
 * a closed socket; a body over the route's limit may see its socket closed while it is sent.
 */
const SECTION = '4. Hostile input';
const SEED = Number(process.env.RELIABILITY_FUZZ_SEED ?? 20_261_124);
if (!Number.isSafeInteger(SEED)) throw new Error('RELIABILITY_FUZZ_SEED must be an integer');
const PHASES = {
  A: { count: 13_000, batch: 200 },
  B: { count: 4_000, batch: 300 },
  T: { count: 6_000, batch: 300 },
  C: { count: 2_000, batch: 250 },
  D: { count: 300, batch: 150 },
} as const;
const CONCURRENCY = 32;
const RELAXED_THROTTLES = {
  THROTTLE_LOGIN_PER_IP: '100000/60',
  THROTTLE_LOGIN_PER_ACCOUNT: '100000/60',
  THROTTLE_LOGIN_PER_ACCOUNT_TOTAL: '100000/3600',
  THROTTLE_RESET_PER_IP: '100000/60',
  THROTTLE_RESET_PER_ACCOUNT: '100000/60',
  THROTTLE_SIGNUP_PER_IP: '100000/60',
};
const MIN_REQUESTS = 20_000;

let h: Harness;
let server: ServerProcess;
let world: FuzzWorld;

beforeAll(async () => {
  h = await openSeeder('fuzz');
  // The authentication throttles would answer most login, sign-up and reset attempts with 429
  // before their code runs; they have their own suite. Everything else is as in production.
  server = await startServer('fuzz', { env: RELAXED_THROTTLES });
  world = await makeWorld(h, server.url);
});

afterAll(async () => {
  await server?.kill();
  await h?.close();
});

function sendCase(c: FuzzCase) {
  const headers = { ...c.headers, ...world.credentials.get(c.role) };
  return send(server.url, { method: c.method, path: c.path, headers, body: c.body });
}

interface BatchStats {
  checked: number;
  skipped: number;
  /** Requests in the checked batches (all of them failed). */
  checkedRequests: number;
  changed: string[];
  repaired: string[];
}

/**
 * Sends `items` in batches, fingerprinting the business tables around each one. A batch with a
 * success is not checked (and the credentials are repaired after it, in case it disabled one).
 */
async function inBatches<T>(
  phase: string,
  items: readonly T[],
  size: number,
  sendOne: (item: T) => Promise<boolean>,
  tables: readonly string[],
  stats: BatchStats,
): Promise<void> {
  for (let start = 0; start < items.length; start += size) {
    const batch = items.slice(start, start + size);
    const before = await fingerprint(h, tables);
    const succeeded = await runConcurrently(
      batch.map((item) => () => sendOne(item)),
      CONCURRENCY,
    );
    const after = await fingerprint(h, tables);
    if (succeeded.some(Boolean)) {
      stats.skipped += 1;
      stats.repaired.push(...(await world.repair()));
      continue;
    }
    stats.checked += 1;
    stats.checkedRequests += batch.length;
    const changed = changedTables(before, after);
    if (changed.length > 0) {
      stats.changed.push(
        `phase ${phase} cases ${start}–${start + batch.length - 1}, all failed: ${changed.join(', ')}`,
      );
    }
  }
}

function generate(ctx: FuzzContext) {
  const { operations } = ctx;
  const sample = <T>(arbitrary: fc.Arbitrary<T>, offset: number, numRuns: number) =>
    fc.sample(arbitrary, { seed: SEED + offset, numRuns });
  const failing = operations.filter((op) => breakersOf(op).length > 0);
  const targeted = operations.flatMap((op) => targetedCase(op, ctx) ?? []);
  return {
    A: sample(fc.oneof(...failing.map((op) => mustFailCase(op, ctx))), 0, PHASES.A.count),
    B: sample(
      fc.oneof(
        ...operations.map((op) =>
          fc.oneof({ weight: 9, arbitrary: validishCase(op, ctx) }, oddMethodCase(op, ctx)),
        ),
      ),
      1,
      PHASES.B.count,
    ),
    T: sample(fc.oneof(...targeted), 2, PHASES.T.count),
    C: sample(filterCase(ctx), 3, PHASES.C.count),
    D: sample(
      rawCases(['/healthz', '/api/players', '/api/games', '/api/org-api-keys']),
      4,
      PHASES.D.count,
    ),
  };
}

describe('hostile input against every documented route', () => {
  it('answers 20,000 fuzzed requests without a 5xx, with the envelope, leaving failed requests without effect', async () => {
    const started = performance.now();
    console.info(`[fuzz] seed ${SEED} (replay with RELIABILITY_FUZZ_SEED=${SEED})`);
    const operations = loadOperations();
    const staticSegments = new Set(
      operations.map((op) => op.template.split('/')[2] ?? '').filter((s) => !s.startsWith('{')),
    );
    const cases = generate({
      operations,
      pools: world.pools,
      ownPools: world.ownPools,
      staticSegments,
    });
    console.info(
      `[fuzz] ${operations.length} operations; cases generated in ${Math.round(performance.now() - started)} ms`,
    );

    const tables = await businessTables(h);
    // The fingerprint must see a change at all: one game made through the seeder shows in it.
    const probeBefore = await fingerprint(h, tables);
    await createGame(h.deps, Number(world.ownPools.byName.orgId?.[0]), { title: 'Probe' });
    expect(changedTables(probeBefore, await fingerprint(h, tables))).toEqual([
      expect.stringMatching(/^games /),
    ]);
    console.info(`[fuzz] fingerprinted tables: ${tables.join(', ')}`);
    const tally = new Tally(operations);
    const stats: BatchStats = {
      checked: 0,
      skipped: 0,
      checkedRequests: 0,
      changed: [],
      repaired: [],
    };
    /** Status counts per phase and operation, written out as the run's coverage. */
    const coverage: Record<string, Record<string, number>> = {};
    const viaHttp = async (c: FuzzCase) => {
      const reply = await sendCase(c);
      const key = `${c.phase} ${c.op}`;
      const row = (coverage[key] ??= {});
      row[reply.status] = (row[reply.status] ?? 0) + 1;
      return tally.record(c, reply);
    };
    for (const phase of ['A', 'T', 'B', 'C'] as const) {
      const t0 = performance.now();
      await inBatches(phase, cases[phase], PHASES[phase].batch, viaHttp, tables, stats);
      console.info(
        `[fuzz] phase ${phase}: ${cases[phase].length} requests in ${Math.round(performance.now() - t0)} ms`,
      );
    }
    const t0 = performance.now();
    const viaSocket = async (c: RawCase) =>
      tally.recordRaw(c, await sendRaw(server.port, c.bytes, c.incomplete ? 1500 : 3000));
    await inBatches('D', cases.D, PHASES.D.batch, viaSocket, tables, stats);
    console.info(
      `[fuzz] phase D: ${cases.D.length} raw requests in ${Math.round(performance.now() - t0)} ms`,
    );
    const seconds = (performance.now() - started) / 1000;

    const fuzzed = new Set(Object.keys(coverage).map((key) => key.split(' ')[1]));
    const missing = operations.filter((op) => !fuzzed.has(op.id)).map((op) => op.id);
    const figure = (name: string, value: string | number, expected?: string) =>
      recordFigure({ section: SECTION, name, value, ...(expected ? { expected } : {}) });
    figure('fast-check seed (RELIABILITY_FUZZ_SEED)', SEED);
    figure(
      'documented operations fuzzed',
      `${operations.length - missing.length} of ${operations.length}`,
      'all',
    );
    figure('requests sent', tally.sent, `≥ ${MIN_REQUESTS.toLocaleString('en-US')}`);
    figure('2xx answers', tally.success);
    figure('4xx answers', tally.clientError);
    figure('5xx answers', tally.serverError, '0');
    figure('connection errors (not parser-level)', tally.connectionErrors, '0');
    figure(
      'requests retried on a fresh socket (pooled one closed or desynchronized)',
      tally.retried,
    );
    figure('sockets closed by Node on parser-level cases', tally.parserClosed);
    figure('sockets closed while an over-limit body was sent', tally.overLimitClosed);
    figure(
      'non-JSON 4xx, all from Node on parser-level cases',
      [...tally.nonJson].map(([key, n]) => `${key}: ${n}`).join('; ') || '0',
    );
    figure('non-JSON 4xx outside parser-level cases', tally.nonJsonUnexpected, '0');
    figure(
      'HTML 4xx pages to requests preferring text/html (operations documenting them)',
      tally.htmlPages,
    );
    figure('4xx not in the documented envelope', tally.envelopeViolations, '0');
    figure('must-fail cases that succeeded', tally.mustFailSucceeded, '0');
    figure('business tables fingerprinted', tables.length);
    figure('batches checked (none succeeded) / skipped', `${stats.checked} / ${stats.skipped}`);
    figure('failed requests in checked batches', stats.checkedRequests, '> half of all');
    figure('fingerprint changes on all-failed batches', stats.changed.length, '0');
    figure('credentials re-issued after the fuzzer disabled them', stats.repaired.length);
    figure('duration (s)', seconds.toFixed(1));

    console.info(`[fuzz] statuses: ${JSON.stringify(Object.fromEntries(tally.byStatus))}`);
    console.info(`[fuzz] labels: ${JSON.stringify(Object.fromEntries(tally.byLabel))}`);
    if (stats.repaired.length > 0) console.info(`[fuzz] re-issued: ${stats.repaired.join(', ')}`);
    writeFileSync(join(OUTPUT_DIR, 'fuzz-coverage.json'), JSON.stringify(coverage, null, 1));
    writeFileSync(
      join(OUTPUT_DIR, 'fuzz-problems.jsonl'),
      tally.problems.map((problem) => `${JSON.stringify(problem)}\n`).join(''),
    );
    for (const change of stats.changed) console.error(`[fuzz] database changed: ${change}`);
    for (const problem of tally.problems.slice(0, 40)) {
      console.error(`[fuzz] ${problem.kind}: ${problem.detail}`);
    }

    expect(missing).toEqual([]);
    expect(tally.sent).toBeGreaterThanOrEqual(MIN_REQUESTS);
    expect(tally.problems.map((p) => `${p.kind}: ${p.detail}`).slice(0, 20)).toEqual([]);
    expect(stats.changed).toEqual([]);
    expect(stats.checkedRequests).toBeGreaterThan(tally.sent / 2);
  });
});
