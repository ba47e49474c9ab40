import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { qrPath } from '../../lib/qr.ts';
import { makeTenant, type Tenant } from '../../../test/factories.ts';
import { createHarness, expectError, type Harness, json } from '../../../test/harness.ts';
import { prizeWheel, sessionToken, startPlay, voucherSet } from '../../../test/play.ts';
import { configProblem, createGame } from '../games/index.ts';
import { playStanding } from './plays.standing.ts';

// Issue 16, result screens: a skill game's personal best and leaderboard rank on completion,
// the prize code's QR code on the claim, the call-to-action config keys.

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
});

interface Completed {
  score: number;
  best: { score: number; previous: number | null; is_new: boolean } | null;
  rank: { position: number; players: number } | null;
  prize: { draw_token: string | null } | null;
}

/** One memory-match play by `player` (2 pairs found): a quicker play scores more. */
async function playMemory(t: Tenant, gameId: number, player: string, durationMs: number) {
  const token = await sessionToken(h, t, { game_id: gameId });
  const started = await startPlay(h, { session_token: token, game_id: gameId }, player);
  expect(started.statusCode, started.body).toBe(200);
  const { play } = json<{ data: { play: { id: number } } }>(started).data;
  const done = await h.inject({
    method: 'POST',
    url: `/play/api/plays/${play.id}/complete`,
    payload: { duration_ms: durationMs, pairs_found: 2, moves: 4 },
    cookies: { pl_player: player },
  });
  expect(done.statusCode, done.body).toBe(200);
  return json<{ data: Completed }>(done).data;
}

const memoryGame = (t: Tenant, config: Record<string, unknown> = {}) =>
  createGame(h.deps, t.org.id, {
    title: 'Match',
    template: 'memory-match',
    config: { pairs: 2, ...config },
  });

describe('POST /play/api/plays/:id/complete: best and rank', () => {
  it('answers the personal best, and the rank when the game has a leaderboard', async () => {
    const t = await makeTenant(h);
    const game = await memoryGame(t, { leaderboard: true });
    const [ann, bob] = [randomUUID(), randomUUID()];

    const first = await playMemory(t, game.id, ann, 30_000); // 200 + 30 s left × 10 = 500
    expect(first).toMatchObject({
      score: 500,
      best: { score: 500, previous: null, is_new: true },
      rank: { position: 1, players: 1 },
    });
    const bobs = await playMemory(t, game.id, bob, 10_000); // 700
    expect(bobs).toMatchObject({
      best: { score: 700, previous: null, is_new: true },
      rank: { position: 1, players: 2 },
    });
    // Ann plays worse than before: her best stays, and Bob is ahead of her.
    const worse = await playMemory(t, game.id, ann, 50_000); // 300
    expect(worse).toMatchObject({
      score: 300,
      best: { score: 500, previous: 500, is_new: false },
      rank: { position: 2, players: 2 },
    });
    // Then better than Bob: a new best and first place.
    const better = await playMemory(t, game.id, ann, 5_000); // 750
    expect(better).toMatchObject({
      best: { score: 750, previous: 500, is_new: true },
      rank: { position: 1, players: 2 },
    });
  });

  it('answers no rank without a leaderboard, and neither for a lucky draw', async () => {
    const t = await makeTenant(h);
    const game = await memoryGame(t);
    const played = await playMemory(t, game.id, randomUUID(), 30_000);
    expect(played.best).toEqual({ score: 500, previous: null, is_new: true });
    expect(played.rank).toBeNull();

    const wheel = await prizeWheel(h, t, [{ name: 'Nothing', type: 'no_prize', win_chance: 100 }]);
    const player = randomUUID();
    const token = await sessionToken(h, t, { game_id: wheel.id });
    const started = await startPlay(h, { session_token: token, game_id: wheel.id }, player);
    const { play } = json<{ data: { play: { id: number } } }>(started).data;
    const done = await h.inject({
      method: 'POST',
      url: `/play/api/plays/${play.id}/complete`,
      payload: { duration_ms: 1_000 },
      cookies: { pl_player: player },
    });
    expect(json<{ data: Completed }>(done).data).toMatchObject({ best: null, rank: null });
  });
});

describe('playStanding', () => {
  /** Completed plays written straight to the table, as any number of past plays would be. */
  async function insertPlay(
    t: Tenant,
    gameId: number,
    score: number,
    who: { player_uuid?: string; external_id?: string | null },
  ) {
    const row = await h.deps.database.db
      .insertInto('plays')
      .values({
        org_id: t.org.id,
        game_id: gameId,
        player_uuid: who.player_uuid ?? randomUUID(),
        external_id: who.external_id ?? null,
        status: 'completed',
        score,
        started_at: new Date(),
        completed_at: new Date(),
      })
      .returning(['id', 'org_id', 'game_id', 'player_uuid', 'external_id', 'score'])
      .executeTakeFirstOrThrow();
    return { ...row, id: Number(row.id) };
  }

  it('counts a signed player once across devices and shares places on a tie', async () => {
    const t = await makeTenant(h);
    const game = await memoryGame(t, { leaderboard: true });
    // crm-1 on two devices: one player whose best is 900.
    await insertPlay(t, game.id, 900, { external_id: 'crm-1' });
    await insertPlay(t, game.id, 100, { external_id: 'crm-1' });
    await insertPlay(t, game.id, 400, {});
    await insertPlay(t, game.id, 400, {});
    const device = randomUUID();
    await insertPlay(t, game.id, 50, { player_uuid: device });
    const mine = await insertPlay(t, game.id, 400, { player_uuid: device, external_id: 'crm-2' });

    const standing = await playStanding(h.deps, game, mine);
    // crm-2 is a new player although the device played before as itself.
    expect(standing.best).toEqual({ score: 400, previous: null, is_new: true });
    // 900 is ahead; three players share 400; the device's own 50 counts as a fifth player.
    expect(standing.rank).toEqual({ position: 2, players: 5 });

    const later = await insertPlay(t, game.id, 120, {
      player_uuid: randomUUID(),
      external_id: 'crm-1',
    });
    expect(await playStanding(h.deps, game, later)).toEqual({
      best: { score: 900, previous: 900, is_new: false },
      rank: { position: 1, players: 5 },
    });
  });

  it('ignores other games and other organizations', async () => {
    const t = await makeTenant(h);
    const other = await makeTenant(h);
    const game = await memoryGame(t, { leaderboard: true });
    const elsewhere = await memoryGame(t, { leaderboard: true });
    const foreign = await memoryGame(other, { leaderboard: true });
    await insertPlay(t, elsewhere.id, 999, {});
    await insertPlay(other, foreign.id, 999, {});
    const mine = await insertPlay(t, game.id, 10, {});
    expect((await playStanding(h.deps, game, mine)).rank).toEqual({ position: 1, players: 1 });
  });
});

describe('POST /play/api/claim: the QR code', () => {
  it('hands out the code with its QR code, and shows both again on the reopened link', async () => {
    const t = await makeTenant(h);
    const setId = await voucherSet(h, t, ['QR-CODE-1']);
    const game = await prizeWheel(h, t, [
      { name: '10% off', type: 'voucher_set', win_chance: 100, voucher_set_id: setId },
    ]);
    const player = randomUUID();
    const token = await sessionToken(h, t, { game_id: game.id });
    const started = await startPlay(h, { session_token: token, game_id: game.id }, player);
    const { play } = json<{ data: { play: { id: number } } }>(started).data;
    const done = await h.inject({
      method: 'POST',
      url: `/play/api/plays/${play.id}/complete`,
      payload: { duration_ms: 1_000 },
      cookies: { pl_player: player },
    });
    const { prize } = json<{ data: Completed }>(done).data;
    const claimed = await h.inject({
      method: 'POST',
      url: '/play/api/claim',
      payload: { draw_token: prize!.draw_token },
    });
    expect(claimed.statusCode, claimed.body).toBe(200);
    const qr = json<{ data: { prize: { code: string; qr: unknown } } }>(claimed).data.prize;
    expect(qr.code).toBe('QR-CODE-1');
    expect(qr.qr).toEqual(qrPath('QR-CODE-1'));

    const page = await h.inject({
      method: 'GET',
      url: `/play/game/${game.id}?session_token=${token}`,
      cookies: { pl_player: player },
    });
    expect(page.body).toContain('data-testid="prize-qr"');
    expect(page.body).toContain(`d="${qrPath('QR-CODE-1')!.path}"`);
  });

  it('gives a prize without a code no QR code', () => {
    expect(qrPath(null)).toBeNull();
    expect(qrPath('')).toBeNull();
  });
});

describe('config: the call to action', () => {
  it('wants cta_text and cta_url together, the link http(s) only', () => {
    expect(configProblem('quick-tap', { cta_text: 'Shop', cta_url: 'https://x.example/' })).toBe(
      undefined,
    );
    expect(configProblem('quick-tap', { cta_text: 'Shop' })).toBe(
      'config.cta_text and config.cta_url must be set together',
    );
    expect(configProblem('spin-wheel', { cta_url: 'https://x.example/' })).toBe(
      'config.cta_text and config.cta_url must be set together',
    );
    expect(configProblem('spin-wheel', { cta_text: 'Go', cta_url: 'javascript:alert(1)' })).toBe(
      'config.cta_url must be an http or https URL',
    );
    expect(
      configProblem('spin-wheel', { cta_text: 'x'.repeat(41), cta_url: 'https://x.example/' }),
    ).toMatch(/config\.cta_text/);
    expect(configProblem('memory-match', { leaderboard: 'yes' })).toMatch(/config\.leaderboard/);
  });

  it('refuses a javascript: link or a text without a link with a 400 naming the problem', async () => {
    const t = await makeTenant(h);
    const create = (config: Record<string, unknown>) =>
      h.inject({
        method: 'POST',
        url: '/api/games',
        headers: t.owner.auth,
        payload: { org_id: t.org.id, title: 'Tap', template: 'quick-tap', config },
      });
    const bad = await create({ cta_text: 'Go', cta_url: 'javascript:alert(1)' });
    expectError(bad, 400, 'validation_failed');
    expect(json<{ error: string }>(bad).error).toBe('config.cta_url must be an http or https URL');
    const half = await create({ cta_text: 'Go' });
    expectError(half, 400, 'validation_failed');
    expect(json<{ error: string }>(half).error).toMatch(/set together/);
    const good = await create({
      cta_text: 'Go',
      cta_url: 'https://shop.example/',
      leaderboard: true,
    });
    expect(good.statusCode, good.body).toBe(200);
  });
});
