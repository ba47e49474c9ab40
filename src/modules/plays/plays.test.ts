import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTenant, type Tenant, unique } from '../../../test/factories.ts';
import { createHarness, errorBody, type Harness, json } from '../../../test/harness.ts';
import { prizeWheel, sessionToken, viewOf, voucherSet } from '../../../test/play.ts';
import { createGame } from '../games/index.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
});

const tokenFor = (t: Tenant, body: Record<string, unknown>) => sessionToken(h, t, body);

const page = (url: string, player?: string, headers: Record<string, string> = {}) =>
  h.inject({ method: 'GET', url, headers, ...(player ? { cookies: { pl_player: player } } : {}) });

const start = (body: Record<string, unknown>, player: string) =>
  h.inject({
    method: 'POST',
    url: '/play/api/start',
    payload: body,
    cookies: { pl_player: player },
  });

const complete = (playId: number, body: Record<string, unknown>, player: string) =>
  h.inject({
    method: 'POST',
    url: `/play/api/plays/${playId}/complete`,
    payload: body,
    cookies: { pl_player: player },
  });

async function memoryGame(t: Tenant, status: 'Active' | 'Draft' = 'Active') {
  return createGame(h.deps, t.org.id, {
    title: 'Memory',
    template: 'memory-match',
    config: { pairs: 2, duration_s: 30 },
    status,
  });
}

async function started(t: Tenant, gameId: number, player = randomUUID()) {
  const token = await tokenFor(t, { game_id: gameId });
  const response = await start({ session_token: token, game_id: gameId }, player);
  expect(response.statusCode, response.body).toBe(200);
  const play = json<{ data: { play: { id: number }; resumed: boolean } }>(response).data;
  return { token, player, playId: play.play.id };
}

describe('the game page', () => {
  it('shows the start screen for an active token without consuming it', async () => {
    const t = await makeTenant(h);
    const game = await memoryGame(t);
    const token = await tokenFor(t, { game_id: game.id });
    const response = await page(`/play/game/${game.id}?session_token=${token}`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/html');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.cookies.find((c) => c.name === 'pl_player')?.httpOnly).toBe(true);
    const view = viewOf(response);
    expect(view).toMatchObject({
      screen: 'start',
      lang: 'en',
      game: { id: game.id, template: 'memory-match' },
    });
    const validate = await h.inject({
      method: 'GET',
      url: `/api/org-api-keys?action=validate-session&token=${token}`,
    });
    expect(json<{ data: { status: string } }>(validate).data.status).toBe('active');
  });

  it.each([
    ['no token', () => '', 'missing_token'],
    ['an unknown token', () => `?session_token=${randomUUID()}`, 'unknown'],
    ['a malformed token', () => '?session_token=nope', 'unknown'],
  ])('shows an error screen for %s', async (_name, query, error) => {
    const t = await makeTenant(h);
    const game = await memoryGame(t);
    const view = viewOf(await page(`/play/game/${game.id}${query()}`));
    expect(view).toMatchObject({ screen: 'error', error });
  });

  it('says which: consumed, expired, revoked, wrong game, unavailable game', async () => {
    const t = await makeTenant(h);
    const game = await memoryGame(t);
    const other = await memoryGame(t);
    const draft = await memoryGame(t, 'Draft');
    const { token: consumed } = await started(t, game.id);
    const expired = await tokenFor(t, { game_id: game.id, expires_in_minutes: 1 });
    const revoked = await tokenFor(t, { game_id: game.id });
    await h.inject({
      method: 'POST',
      url: '/api/org-api-keys?action=revoke-session',
      headers: t.keyHeaders,
      payload: { token: revoked },
    });
    const wrong = await tokenFor(t, { game_id: other.id });
    const draftToken = await tokenFor(t, { game_id: draft.id });
    h.clock.advance(60_001);
    const errorOf = async (gameId: number, token: string) =>
      viewOf(await page(`/play/game/${gameId}?session_token=${token}`, randomUUID())).error;
    expect(await errorOf(game.id, consumed)).toBe('consumed');
    expect(await errorOf(game.id, expired)).toBe('expired');
    expect(await errorOf(game.id, revoked)).toBe('revoked');
    expect(await errorOf(game.id, wrong)).toBe('wrong_game');
    expect(await errorOf(draft.id, draftToken)).toBe('unavailable');
  });

  it('picks Thai from Accept-Language and lets ?lang= override it', async () => {
    const t = await makeTenant(h);
    const game = await memoryGame(t);
    const token = await tokenFor(t, { game_id: game.id });
    const url = `/play/game/${game.id}?session_token=${token}`;
    expect(viewOf(await page(url, undefined, { 'accept-language': 'th-TH,th;q=0.9' })).lang).toBe(
      'th',
    );
    expect(viewOf(await page(`${url}&lang=en`, undefined, { 'accept-language': 'th' })).lang).toBe(
      'en',
    );
  });
});

describe('starting a play', () => {
  it('consumes the token and records the play with the player id', async () => {
    const t = await makeTenant(h);
    const game = await memoryGame(t);
    const { token, player, playId } = await started(t, game.id);
    const session = await h.deps.database.db
      .selectFrom('game_sessions')
      .select(['status', 'player_uuid'])
      .where('token', '=', token)
      .executeTakeFirstOrThrow();
    expect(session).toEqual({ status: 'consumed', player_uuid: player });
    const play = await h.deps.database.db
      .selectFrom('plays')
      .select(['status', 'player_uuid', 'game_id'])
      .where('id', '=', playId)
      .executeTakeFirstOrThrow();
    expect(play).toEqual({ status: 'started', player_uuid: player, game_id: game.id });
  });

  it('resumes the same play on reload for the same player and refuses anyone else', async () => {
    const t = await makeTenant(h);
    const game = await memoryGame(t);
    const { token, player, playId } = await started(t, game.id);
    const again = await start({ session_token: token, game_id: game.id }, player);
    expect(json<{ data: { play: { id: number }; resumed: boolean } }>(again).data).toMatchObject({
      play: { id: playId },
      resumed: true,
    });
    expect(
      viewOf(await page(`/play/game/${game.id}?session_token=${token}`, player)),
    ).toMatchObject({
      screen: 'resume',
      play: { id: playId, status: 'started' },
    });
    const stranger = await start({ session_token: token, game_id: game.id }, randomUUID());
    expect(stranger.statusCode).toBe(410);
    expect(errorBody(stranger)).toMatchObject({ code: 'session_gone' });
  });

  it('lets exactly one of many concurrent starts with one token play', async () => {
    const t = await makeTenant(h);
    const game = await memoryGame(t);
    const token = await tokenFor(t, { game_id: game.id });
    const responses = await Promise.all(
      Array.from({ length: 30 }, () =>
        start({ session_token: token, game_id: game.id }, randomUUID()),
      ),
    );
    expect(responses.filter((r) => r.statusCode === 200)).toHaveLength(1);
    expect(responses.filter((r) => r.statusCode === 410)).toHaveLength(29);
    const plays = await h.deps.database.db
      .selectFrom('plays')
      .select('id')
      .where('game_id', '=', game.id)
      .execute();
    expect(plays).toHaveLength(1);
  });

  it('refuses a token for another game without consuming it', async () => {
    const t = await makeTenant(h);
    const game = await memoryGame(t);
    const other = await memoryGame(t);
    const token = await tokenFor(t, { game_id: other.id });
    const response = await start({ session_token: token, game_id: game.id }, randomUUID());
    expect(response.statusCode).toBe(400);
    expect(
      (await start({ session_token: token, game_id: other.id }, randomUUID())).statusCode,
    ).toBe(200);
  });

  it('answers 400 for a malformed start request', async () => {
    for (const body of [
      {},
      { session_token: 'x', game_id: 1 },
      { session_token: randomUUID(), game_id: 'a' },
    ]) {
      const response = await start(body, randomUUID());
      expect(response.statusCode).toBe(400);
      errorBody(response);
    }
  });
});

describe('completing a play', () => {
  it('scores a plausible memory-match once, and only for its player', async () => {
    const t = await makeTenant(h);
    const game = await memoryGame(t);
    const { player, playId } = await started(t, game.id);
    h.clock.advance(5_000);
    const facts = { pairs_found: 2, moves: 3, duration_ms: 5_000 };
    expect((await complete(playId, facts, randomUUID())).statusCode).toBe(404);
    const done = await complete(playId, facts, player);
    expect(done.statusCode, done.body).toBe(200);
    expect(json<{ data: { score: number; prize: unknown } }>(done).data).toMatchObject({
      score: 200 + 25 * 10,
      prize: null,
    });
    expect((await complete(playId, facts, player)).statusCode).toBe(409);
  });

  it('refuses an implausible report and keeps the play open', async () => {
    const t = await makeTenant(h);
    const game = await memoryGame(t);
    const { player, playId } = await started(t, game.id);
    const cheat = await complete(playId, { pairs_found: 9, moves: 9, duration_ms: 1 }, player);
    expect(cheat.statusCode).toBe(400);
    expect(errorBody(cheat).error).toContain('Implausible');
    h.clock.advance(3_000);
    expect(
      (await complete(playId, { pairs_found: 2, moves: 2, duration_ms: 3_000 }, player)).statusCode,
    ).toBe(200);
  });

  it('refuses a quick-tap report sent before the time was up', async () => {
    const t = await makeTenant(h);
    const game = await createGame(h.deps, t.org.id, {
      title: 'Tap',
      template: 'quick-tap',
      config: { duration_s: 5 },
    });
    const { player, playId } = await started(t, game.id);
    expect((await complete(playId, { taps: 20, duration_ms: 5_000 }, player)).statusCode).toBe(400);
    h.clock.advance(5_000);
    const done = await complete(playId, { taps: 20, duration_ms: 5_000 }, player);
    expect(json<{ data: { score: number } }>(done).data.score).toBe(20);
  });

  it('draws the spin-wheel outcome on the server', async () => {
    const t = await makeTenant(h);
    const game = await createGame(h.deps, t.org.id, { title: 'Spin', template: 'spin-wheel' });
    const { player, playId } = await started(t, game.id);
    const done = json<{ data: { result: { segment_index: number } } }>(
      await complete(playId, { duration_ms: 2_000 }, player),
    );
    expect(done.data.result.segment_index).toBeGreaterThanOrEqual(0);
    expect(done.data.result.segment_index).toBeLessThan(6);
  });
});

describe('prizes through play', () => {
  it('offers a drawn voucher and hands out a code on claim, once', async () => {
    const t = await makeTenant(h);
    const setId = await voucherSet(h, t, ['summer-1']);
    const game = await prizeWheel(h, t, [
      { name: '10% off', type: 'voucher_set', win_chance: 100, voucher_set_id: setId },
    ]);
    const { player, playId } = await started(t, game.id);
    const done = json<{
      data: {
        prize: { draw_token: string; slot: { name: string } };
        result: { segment_index: number };
      };
    }>(await complete(playId, { duration_ms: 1_000 }, player));
    expect(done.data.prize.slot.name).toBe('10% off');
    expect(done.data.result.segment_index).toBe(0);
    const claim = () =>
      h.inject({
        method: 'POST',
        url: '/play/api/claim',
        payload: { draw_token: done.data.prize.draw_token },
      });
    const claimed = await claim();
    expect(claimed.statusCode, claimed.body).toBe(200);
    expect(json<{ data: { prize: { code: string } } }>(claimed).data.prize.code).toBe('SUMMER-1');
    expect((await claim()).statusCode).toBe(410);
  });
});

describe('streams', () => {
  async function publicStream(t: Tenant, fields: Record<string, unknown> = {}) {
    const first = await memoryGame(t);
    const second = await createGame(h.deps, t.org.id, { title: 'Spin', template: 'spin-wheel' });
    const response = await h.inject({
      method: 'POST',
      url: '/api/streams',
      headers: t.owner.auth,
      payload: {
        org_id: t.org.id,
        name: unique('Walk'),
        game_ids: [first.id, second.id],
        order_mode: 'fixed',
        status: 'Active',
        ...fields,
      },
    });
    expect(response.statusCode, response.body).toBe(200);
    const stream = json<{ data: { id: number; slug: string } }>(response).data;
    return { stream, first, second, url: `/stream/${t.org.slug}/${stream.slug}` };
  }

  it('walks a player through the public stream link, game by game, then finishes', async () => {
    const t = await makeTenant(h);
    const { stream, first, second, url } = await publicStream(t);
    const player = randomUUID();
    const view = viewOf(await page(`${url}?utm_source=email`, player));
    expect(view.screen).toBe('start');
    const one = json<{ data: { play: { id: number; game_id: number } } }>(
      await start(view.start!, player),
    ).data;
    expect(one.play.game_id).toBe(first.id);
    h.clock.advance(2_000);
    const done = json<{ data: { next_url: string } }>(
      await complete(one.play.id, { pairs_found: 2, moves: 2, duration_ms: 2_000 }, player),
    );
    expect(done.data.next_url).toBe(url);
    const two = json<{ data: { play: { id: number; game_id: number } } }>(
      await start(view.start!, player),
    ).data;
    expect(two.play.game_id).toBe(second.id);
    const last = json<{ data: { next_url: string | null } }>(
      await complete(two.play.id, { duration_ms: 500 }, player),
    );
    expect(last.data.next_url).toBeNull();
    // The player's own plays ended, not the stream: it says how many they played.
    expect(viewOf(await page(url, player))).toMatchObject({
      screen: 'finished',
      played: { plays: 2, allowed: 2 },
    });
    expect(viewOf(await page(url, randomUUID())).screen).toBe('start');
    const utm = await h.deps.database.db
      .selectFrom('plays')
      .select('utm')
      .where('stream_id', '=', stream.id)
      .execute();
    expect(utm[0]?.utm).toEqual({ utm_source: 'email' });
  });

  it('stops at the total play cap', async () => {
    const t = await makeTenant(h);
    const { url } = await publicStream(t, { max_total_plays: 1 });
    const view = viewOf(await page(url, randomUUID()));
    expect((await start(view.start!, randomUUID())).statusCode).toBe(200);
    const refused = await start(view.start!, randomUUID());
    expect(refused.statusCode).toBe(409);
  });

  it('counts down before the start and shows the end after it', async () => {
    const t = await makeTenant(h);
    const now = h.clock.now().getTime();
    const { url } = await publicStream(t, {
      start_at: new Date(now + 3_600_000).toISOString(),
      end_at: new Date(now + 7_200_000).toISOString(),
      timezone: 'Asia/Bangkok',
    });
    expect(viewOf(await page(url, randomUUID())).screen).toBe('countdown');
    h.clock.advance(7_200_001);
    const ended = viewOf(await page(url, randomUUID()));
    expect(ended.screen).toBe('finished');
    expect(ended.played).toBeUndefined();
  });

  it('grants one play of the current game with a stream token', async () => {
    const t = await makeTenant(h);
    const { stream, first } = await publicStream(t);
    const token = await tokenFor(t, { stream_id: stream.id });
    const view = viewOf(
      await page(`/play/stream/${stream.id}?session_token=${token}`, randomUUID()),
    );
    expect(view.screen).toBe('start');
    const player = randomUUID();
    const response = await start(view.start!, player);
    expect(json<{ data: { play: { game_id: number } } }>(response).data.play.game_id).toBe(
      first.id,
    );
    expect((await start(view.start!, randomUUID())).statusCode).toBe(410);
  });
});

describe('analytics', () => {
  it('counts started and completed plays per day and per game', async () => {
    const t = await makeTenant(h);
    const game = await memoryGame(t);
    const a = await started(t, game.id);
    await started(t, game.id);
    h.clock.advance(2_000);
    await complete(a.playId, { pairs_found: 2, moves: 2, duration_ms: 2_000 }, a.player);
    const response = await h.inject({
      method: 'GET',
      url: `/api/analytics/plays?org_id=${t.org.id}&to=${new Date(h.clock.now().getTime() + 1000).toISOString()}`,
      headers: t.owner.auth,
    });
    expect(response.statusCode, response.body).toBe(200);
    const data = json<{
      data: {
        totals: { started: number; completed: number; completion_rate: number };
        games: { game_id: number }[];
      };
    }>(response).data;
    expect(data.totals).toMatchObject({ started: 2, completed: 1, completion_rate: 0.5 });
    expect(data.games.map((g) => g.game_id)).toEqual([game.id]);
  });

  it("answers 404 for another organization's analytics and 401 without a login", async () => {
    const a = await makeTenant(h);
    const b = await makeTenant(h);
    const url = `/api/analytics/plays?org_id=${b.org.id}`;
    expect((await h.inject({ method: 'GET', url, headers: a.owner.auth })).statusCode).toBe(404);
    expect((await h.inject({ method: 'GET', url })).statusCode).toBe(401);
    expect(
      (
        await h.inject({
          method: 'GET',
          url: `/api/analytics/plays?org_id=${a.org.id}&interval=week`,
          headers: a.owner.auth,
        })
      ).statusCode,
    ).toBe(400);
  });
});
