import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGame } from '../../src/modules/games/index.ts';
import { replacePrizes } from '../../src/modules/prizes/index.ts';
import { createVoucherSet, uploadVoucherCodes } from '../../src/modules/vouchers/index.ts';
import { makeTenant, type Tenant } from '../factories.ts';
import type { Harness } from '../harness.ts';
import { errorCode, percentile, roundRobin, shuffle } from './fleet-helpers.ts';
import { recordFigure, recordSecrets } from './figures.ts';
import { type Answer, postJson, runConcurrently, statusCounts } from './load.ts';
import { grewBy, sample, scrapeFleet } from './metrics-scrape.ts';
import { openSeeder } from './seeder.ts';
import { type ServerProcess, startFleet } from './server.ts';

/**
 * Promise 1: with three processes and no balancer (the client spreads the calls round-robin),
 * a session token is consumed exactly once and a won voucher prize hands out exactly one code,
 * however many calls race for it; the database agrees.
 */
const SECTION = '1. Fleet exactly-once';
const TOKENS = 1000;
const ATTEMPTS_PER_TOKEN = 10;
const CONCURRENCY = 96;

let h: Harness;
let fleet: ServerProcess[];
let next: () => string;

beforeAll(async () => {
  h = await openSeeder('fleet-exactly-once');
  fleet = await startFleet(3, 'fleet-exactly-once');
  next = roundRobin(fleet);
});

afterAll(async () => {
  await Promise.all(fleet.map((server) => server.kill()));
  await h.close();
});

const figure = (name: string, value: string | number, expected?: string) =>
  recordFigure({ section: SECTION, name, value, ...(expected ? { expected } : {}) });

const thousands = (n: number | undefined) => (n ?? 0).toLocaleString('en-US');
const rate = (count: number, ms: number) => Math.round((count * 1000) / ms);

function others(counts: Record<string, number>, ...expected: number[]): number {
  return Object.entries(counts)
    .filter(([status]) => !expected.includes(Number(status)))
    .reduce((sum, [, count]) => sum + count, 0);
}

async function mintSession(t: Tenant, gameId: number): Promise<string> {
  const answer = await postJson(
    `${next()}/api/org-api-keys?action=create-session`,
    { game_id: gameId },
    t.keyHeaders,
  );
  expect(answer.status, answer.body).toBe(200);
  return (JSON.parse(answer.body) as { data: { token: string } }).data.token;
}

/** `attempts` per item, shuffled, each sent to the next process in turn; answers in order. */
async function race<T>(
  items: readonly T[],
  attempts: number,
  send: (item: T, base: string) => Promise<Answer>,
): Promise<{ runs: { item: T; answer: Answer }[]; ms: number }> {
  const plan = shuffle(items.flatMap((item) => Array.from({ length: attempts }, () => item)));
  const started = performance.now();
  const answers = await runConcurrently(
    plan.map((item) => {
      const base = next();
      return () => send(item, base);
    }),
    CONCURRENCY,
  );
  const ms = performance.now() - started;
  return { runs: plan.map((item, i) => ({ item, answer: answers[i]! })), ms };
}

describe('exactly-once across three processes', () => {
  it('consumes each of 1,000 tokens exactly once under 10,000 racing attempts', async () => {
    const t = await makeTenant(h);
    recordSecrets(t.owner.password);
    const mintStarted = performance.now();
    const tokens = await runConcurrently(
      Array.from({ length: TOKENS }, () => () => mintSession(t, t.gameIds[0])),
      32,
    );
    const mintMs = performance.now() - mintStarted;
    expect(new Set(tokens).size).toBe(TOKENS);

    const metricsBefore = await scrapeFleet(fleet);
    const { runs, ms } = await race(tokens, ATTEMPTS_PER_TOKEN, (token, base) =>
      postJson(`${base}/api/org-api-keys?action=consume-session`, { token }),
    );
    const answers = runs.map((run) => run.answer);
    const counts = statusCounts(answers);
    const wins = runs.filter((run) => run.answer.status === 200);
    const sessionIds = new Map<string, number>();
    for (const win of wins) {
      sessionIds.set(
        win.item,
        (JSON.parse(win.answer.body) as { data: { session_id: number } }).data.session_id,
      );
    }
    const gone = answers.filter((a) => a.status === 410);

    figure('tokens minted through the fleet', tokens.length, '= 1,000');
    figure('mint rate (tokens/s)', rate(tokens.length, mintMs));
    figure('consume attempts', answers.length, '= 10,000');
    figure('consume answers 200', counts[200] ?? 0, '= 1,000');
    figure('consume answers 410', counts[410] ?? 0, '= 9,000');
    figure('consume answers of any other status', others(counts, 200, 410), '= 0');
    figure('tokens won by more than one attempt', wins.length - sessionIds.size, '= 0');
    figure('consume race wall time (ms)', Math.round(ms));
    figure('consume attempts/s', rate(answers.length, ms));
    figure(
      'consume latency p50 / p99 (ms)',
      `${percentile(
        answers.map((a) => a.ms),
        50,
      ).toFixed(1)} / ${percentile(
        answers.map((a) => a.ms),
        99,
      ).toFixed(1)}`,
    );

    expect(counts).toEqual({ 200: TOKENS, 410: TOKENS * (ATTEMPTS_PER_TOKEN - 1) });
    expect(sessionIds.size).toBe(TOKENS);
    expect(gone.every((a) => errorCode(a) === 'session_gone')).toBe(true);

    // Issue 17: the fleet's /metrics (summed over the three processes) count what the race did.
    const consumes = (result: string) =>
      sample('playloop_session_consumes_total', { via: 'api', result });
    const requests = (status: string) =>
      sample('http_requests_total', { method: 'POST', route: '/api/org-api-keys', status });
    const expected = {
      [consumes('consumed')]: counts[200] ?? 0,
      [consumes('refused')]: counts[410] ?? 0,
      [requests('200')]: counts[200] ?? 0,
      [requests('410')]: counts[410] ?? 0,
    };
    const counted = await grewBy(fleet, metricsBefore, expected);
    figure(
      '/metrics: consumes counted consumed / refused (3 processes)',
      `${thousands(counted[consumes('consumed')])} / ${thousands(counted[consumes('refused')])}`,
      '1,000 / 9,000',
    );
    figure(
      '/metrics: consume requests counted 200 / 410 (route template)',
      `${thousands(counted[requests('200')])} / ${thousands(counted[requests('410')])}`,
      '1,000 / 9,000',
    );
    expect(
      counted,
      'the fleet /metrics counters (summed over its processes) differ from the consume answers the suite received',
    ).toEqual(expected);

    // The database: exactly these 1,000 rows consumed, each by the attempt that was told so.
    const rows = await h.deps.database.db
      .selectFrom('game_sessions')
      .select(['id', 'token', 'status', 'consumed_at'])
      .where('org_id', '=', t.org.id)
      .execute();
    const consumed = rows.filter((row) => row.status === 'consumed' && row.consumed_at !== null);
    figure('game_sessions rows consumed', consumed.length, '= 1,000');
    expect(rows).toHaveLength(TOKENS);
    expect(consumed).toHaveLength(TOKENS);
    for (const row of rows) expect(sessionIds.get(row.token)).toBe(row.id);
  });

  /**
   * A game whose only prize slot (100 % win) hands out codes of a voucher set with `codes` in
   * it, and `winners` completed plays of it, each through the real play flow spread over the
   * fleet (mint a token, start the play, complete it): their draw tokens.
   */
  async function winners(t: Tenant, codes: readonly string[], count: number) {
    const actor = { userId: t.owner.id };
    const game = await createGame(h.deps, t.org.id, {
      title: 'Fleet wheel',
      template: 'spin-wheel',
      prize_enabled: true,
    });
    const set = await createVoucherSet(h.deps, actor, t.org.id, { name: 'Fleet codes' });
    await uploadVoucherCodes(h.deps, actor, t.org.id, set.id, { format: 'list', codes });
    await replacePrizes(h.deps, actor, t.org.id, game.id, [
      { name: 'Code', type: 'voucher_set', win_chance: 100, voucher_set_id: set.id },
    ]);
    const drawTokens = await runConcurrently(
      Array.from({ length: count }, () => async () => {
        const token = await mintSession(t, game.id);
        const cookie = { cookie: `pl_player=${randomUUID()}` };
        const started = await postJson(
          `${next()}/play/api/start`,
          { session_token: token, game_id: game.id },
          cookie,
        );
        expect(started.status, started.body).toBe(200);
        const playId = (JSON.parse(started.body) as { data: { play: { id: number } } }).data.play
          .id;
        const done = await postJson(
          `${next()}/play/api/plays/${playId}/complete`,
          { duration_ms: 4000 },
          cookie,
        );
        expect(done.status, done.body).toBe(200);
        const prize = (
          JSON.parse(done.body) as {
            data: { prize: { draw_token: string | null; slot: { type: string } } | null };
          }
        ).data.prize;
        expect(prize?.slot.type).toBe('voucher_set');
        return prize!.draw_token!;
      }),
      24,
    );
    // The signature half is the secret part of a draw token; it must not reach logs or the dump.
    recordSecrets(...drawTokens.map((token) => token.split('.')[1] ?? ''));
    return { setId: set.id, drawTokens };
  }

  async function claimRace(drawTokens: readonly string[]) {
    const { runs, ms } = await race(drawTokens, ATTEMPTS_PER_TOKEN, (drawToken, base) =>
      postJson(`${base}/play/api/claim`, { draw_token: drawToken }),
    );
    const byToken = new Map<string, Answer[]>();
    for (const run of runs) byToken.set(run.item, [...(byToken.get(run.item) ?? []), run.answer]);
    const codeOf = (answer: Answer) =>
      (JSON.parse(answer.body) as { data: { prize: { code: string } } }).data.prize.code;
    const codes = runs.filter((run) => run.answer.status === 200).map((run) => codeOf(run.answer));
    return { answers: runs.map((run) => run.answer), byToken, codes, ms };
  }

  async function dbState(orgId: number, setId: number) {
    const db = h.deps.database.db;
    const [draws, codes] = await Promise.all([
      db
        .selectFrom('prize_draws')
        .select(['id', 'status', 'voucher_code_id'])
        .where('org_id', '=', orgId)
        .execute(),
      db
        .selectFrom('voucher_codes')
        .select(['id', 'code', 'status', 'draw_id'])
        .where('org_id', '=', orgId)
        .where('set_id', '=', setId)
        .execute(),
    ]);
    return { draws, codes };
  }

  const codesOf = (prefix: string, count: number) =>
    Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(4, '0')}`);

  it('hands each of 200 won voucher prizes exactly one distinct code under 2,000 racing claims', async () => {
    const t = await makeTenant(h);
    recordSecrets(t.owner.password);
    const WINNERS = 200;
    const uploaded = codesOf(`FLEET-${randomBytes(3).toString('hex').toUpperCase()}`, 250);
    const metricsBefore = await scrapeFleet(fleet);
    const { setId, drawTokens } = await winners(t, uploaded, WINNERS);
    // Issue 17: each winner's play page start consumed its token once, counted by /metrics.
    const starts = sample('playloop_session_consumes_total', {
      via: 'play_page',
      result: 'consumed',
    });
    const counted = await grewBy(fleet, metricsBefore, { [starts]: WINNERS });
    figure(
      '/metrics: play page starts counted as consumes (3 processes)',
      counted[starts] ?? 0,
      '= 200',
    );
    expect(
      counted[starts],
      'the fleet /metrics count of play page consumes differs from the plays the suite started',
    ).toBe(WINNERS);
    const { answers, byToken, codes, ms } = await claimRace(drawTokens);
    const counts = statusCounts(answers);

    figure('voucher prizes won (draw tokens), codes in the set', `${WINNERS}, ${uploaded.length}`);
    figure('claim attempts', answers.length, '= 2,000');
    figure('claim answers 200 (a code)', counts[200] ?? 0, '= 200');
    figure('claim answers 410 (already claimed)', counts[410] ?? 0, '= 1,800');
    figure('claim answers of any other status', others(counts, 200, 410), '= 0');
    figure('distinct codes handed out', new Set(codes).size, '= 200');
    figure('claim race wall time (ms)', Math.round(ms));
    figure('claim attempts/s', rate(answers.length, ms));

    expect(counts).toEqual({ 200: WINNERS, 410: WINNERS * (ATTEMPTS_PER_TOKEN - 1) });
    for (const mine of byToken.values()) {
      expect(mine.filter((a) => a.status === 200)).toHaveLength(1);
    }
    expect(new Set(codes).size).toBe(WINNERS);
    for (const code of codes) expect(uploaded).toContain(code);

    const db = await dbState(t.org.id, setId);
    const claimedCodes = db.codes.filter((c) => c.status === 'claimed');
    const claimedDraws = db.draws.filter((d) => d.status === 'claimed');
    figure(
      'DB: draws claimed / codes claimed / codes left',
      `${claimedDraws.length} / ${claimedCodes.length} / ${db.codes.length - claimedCodes.length}`,
      '200 / 200 / 50',
    );
    expect(claimedDraws).toHaveLength(WINNERS);
    expect(claimedCodes).toHaveLength(WINNERS);
    expect(new Set(claimedCodes.map((c) => c.code))).toEqual(new Set(codes));
    // Each claimed draw points at its own code, and that code points back at the draw.
    const codeById = new Map(db.codes.map((c) => [c.id, c]));
    for (const draw of claimedDraws) {
      expect(codeById.get(draw.voucher_code_id!)?.draw_id).toBe(draw.id);
    }
    expect(new Set(claimedDraws.map((d) => d.voucher_code_id)).size).toBe(WINNERS);
  });

  it('hands out exactly the 40 codes of the set to 100 winners and answers the rest 409', async () => {
    const t = await makeTenant(h);
    recordSecrets(t.owner.password);
    const WINNERS = 100;
    const uploaded = codesOf(`SCARCE-${randomBytes(3).toString('hex').toUpperCase()}`, 40);
    const { setId, drawTokens } = await winners(t, uploaded, WINNERS);
    const { answers, byToken, codes, ms } = await claimRace(drawTokens);
    const counts = statusCounts(answers);
    const soldOut = answers.filter((a) => a.status === 409);
    // A token either won its code (one 200, the rest 410) or found none left (409 every time).
    const shapes = [...byToken.values()].map((mine) => {
      const c = statusCounts(mine);
      if (c[200] === 1 && c[410] === ATTEMPTS_PER_TOKEN - 1) return 'won';
      if (c[409] === ATTEMPTS_PER_TOKEN) return 'sold out';
      return JSON.stringify(c);
    });

    figure('scarce set: winners, codes in the set', `${WINNERS}, ${uploaded.length}`);
    figure('scarce set: claim attempts', answers.length, '= 1,000');
    figure('scarce set: claim answers 200 (a code)', counts[200] ?? 0, '= 40');
    figure('scarce set: claim answers 409 (no voucher codes left)', counts[409] ?? 0, '= 600');
    figure('scarce set: claim answers 410 (already claimed)', counts[410] ?? 0, '= 360');
    figure('scarce set: claim answers of any other status', others(counts, 200, 409, 410), '= 0');
    figure('scarce set: distinct codes handed out', new Set(codes).size, '= 40');
    figure('scarce set: claim race wall time (ms)', Math.round(ms));

    expect(shapes.filter((s) => s === 'won')).toHaveLength(uploaded.length);
    expect(shapes.filter((s) => s === 'sold out')).toHaveLength(WINNERS - uploaded.length);
    expect(new Set(codes)).toEqual(new Set(uploaded));
    expect(codes).toHaveLength(uploaded.length);
    expect(soldOut.every((a) => errorCode(a) === 'conflict')).toBe(true);
    expect(soldOut.every((a) => a.body.includes('No voucher codes left'))).toBe(true);

    const db = await dbState(t.org.id, setId);
    const claimedDraws = db.draws.filter((d) => d.status === 'claimed');
    figure(
      'scarce set DB: draws claimed / still claimable / codes left',
      `${claimedDraws.length} / ${db.draws.length - claimedDraws.length} / ${db.codes.filter((c) => c.status === 'available').length}`,
      '40 / 60 / 0',
    );
    expect(claimedDraws).toHaveLength(uploaded.length);
    expect(db.draws.filter((d) => d.status === 'drawn' && d.voucher_code_id === null)).toHaveLength(
      WINNERS - uploaded.length,
    );
    expect(db.codes.every((c) => c.status === 'claimed' && c.draw_id !== null)).toBe(true);
    expect(new Set(db.codes.map((c) => c.draw_id)).size).toBe(uploaded.length);
  });
});
