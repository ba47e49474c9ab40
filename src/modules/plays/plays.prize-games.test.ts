import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTenant, type Tenant } from '../../../test/factories.ts';
import { createHarness, errorBody, type Harness, json } from '../../../test/harness.ts';
import { sessionToken, setPrizes, viewOf } from '../../../test/play.ts';
import { playOutcome, scorePlay } from './plays.scoring.ts';

// Scratch Card and Grid Box Reveal: lucky draws like the wheel (docs/play.md, "Templates").

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
});

const grid = (facts: Record<string, number>, boxes = 9) =>
  scorePlay({
    template: 'grid-box-reveal',
    config: { boxes },
    facts: { duration_ms: 1_000, ...facts },
    serverElapsedMs: 1_000,
  });

describe('scoring the new lucky draws', () => {
  it('gives them no score and no win/lose of their own', () => {
    const facts = { duration_ms: 800 };
    expect(scorePlay({ template: 'scratch-card', config: {}, facts, serverElapsedMs: 1 })).toBe(0);
    expect(grid({ box_index: 8 })).toBe(0);
    expect(grid({ box_index: 0 }, 4)).toBe(0);
    expect(playOutcome('scratch-card', {}, facts)).toBe('finished');
    expect(playOutcome('grid-box-reveal', { boxes: 9 }, { ...facts, box_index: 2 })).toBe(
      'finished',
    );
  });

  it('refuses a box outside the grid, and a grid play without its box', () => {
    expect(() => grid({ box_index: 9 })).toThrow('box_index must be 0 to 8');
    expect(() => grid({ box_index: 4 }, 4)).toThrow('box_index must be 0 to 3');
    expect(() => grid({ box_index: -1 })).toThrow('box_index must be 0 to 8');
    expect(() => grid({})).toThrow('grid-box-reveal reports box_index');
  });
});

async function createViaApi(t: Tenant, body: Record<string, unknown>) {
  const response = await h.inject({
    method: 'POST',
    url: '/api/games',
    headers: t.owner.auth,
    payload: { org_id: t.org.id, title: 'Prize game', status: 'Active', ...body },
  });
  return response;
}

async function gameOf(t: Tenant, body: Record<string, unknown>): Promise<number> {
  const response = await createViaApi(t, body);
  expect(response.statusCode, response.body).toBe(200);
  return json<{ data: { id: number } }>(response).data.id;
}

async function started(t: Tenant, gameId: number) {
  const player = randomUUID();
  const token = await sessionToken(h, t, { game_id: gameId });
  const response = await h.inject({
    method: 'POST',
    url: '/play/api/start',
    payload: { session_token: token, game_id: gameId },
    cookies: { pl_player: player },
  });
  expect(response.statusCode, response.body).toBe(200);
  const data = json<{ data: { play: { id: number }; game: { segments: { label: string }[] } } }>(
    response,
  ).data;
  return { player, token, playId: data.play.id, segments: data.game.segments };
}

const complete = (playId: number, body: Record<string, unknown>, player: string) =>
  h.inject({
    method: 'POST',
    url: `/play/api/plays/${playId}/complete`,
    payload: body,
    cookies: { pl_player: player },
  });

type Completed = {
  data: {
    score: number;
    result: { segment_index: number; box_index?: number };
    prize: { draw_token: string | null; slot: { name: string; type: string } } | null;
  };
};

describe('the games API', () => {
  it('creates both templates with their settings and refuses settings that do not fit', async () => {
    const t = await makeTenant(h);
    const scratch = await createViaApi(t, {
      template: 'scratch-card',
      config: { cover_color: '#b0b0b0', reveal_percent: 60 },
    });
    expect(scratch.statusCode, scratch.body).toBe(200);
    expect(json<{ data: { template: string; config: object } }>(scratch).data).toMatchObject({
      template: 'scratch-card',
      config: { cover_color: '#b0b0b0', reveal_percent: 60 },
    });
    const boxes = await createViaApi(t, { template: 'grid-box-reveal', config: { boxes: 6 } });
    expect(boxes.statusCode, boxes.body).toBe(200);

    const bad = await createViaApi(t, { template: 'grid-box-reveal', config: { boxes: 5 } });
    expect(bad.statusCode).toBe(400);
    expect(errorBody(bad).error).toContain('config.boxes must be 4, 6 or 9');
    const badCover = await createViaApi(t, {
      template: 'scratch-card',
      config: { reveal_percent: 10 },
    });
    expect(badCover.statusCode).toBe(400);
    expect(errorBody(badCover).error).toContain('reveal_percent');
  });
});

describe('playing them', () => {
  it('draws a scratch card outcome on the server from config.segments', async () => {
    const t = await makeTenant(h);
    const gameId = await gameOf(t, {
      template: 'scratch-card',
      config: { segments: [{ label: 'Free spin' }, { label: 'Dinner' }, { label: 'Nothing' }] },
    });
    const { player, playId, segments } = await started(t, gameId);
    expect(segments.map((s) => s.label)).toEqual(['Free spin', 'Dinner', 'Nothing']);
    const done = await complete(playId, { duration_ms: 1_500 }, player);
    expect(done.statusCode, done.body).toBe(200);
    const body = json<Completed>(done).data;
    expect(body.score).toBe(0);
    expect(body.result.segment_index).toBeGreaterThanOrEqual(0);
    expect(body.result.segment_index).toBeLessThan(3);
    // Once only.
    const again = await complete(playId, { duration_ms: 1_500 }, player);
    expect(again.statusCode).toBe(409);
  });

  it('draws the scratch card prize slot and offers it to claim', async () => {
    const t = await makeTenant(h);
    const gameId = await gameOf(t, { template: 'scratch-card', prize_enabled: true });
    await setPrizes(h, t, gameId, [
      // Never drawn: a lucky draw scores 0.
      { name: 'Try again', type: 'no_prize', win_chance: 1, min_score: 1 },
      { name: 'Free buffet', type: 'voucher', win_chance: 100, voucher_code: 'BUFFET-1' },
    ]);
    const { player, playId, segments } = await started(t, gameId);
    expect(segments.map((s) => s.label)).toEqual(['Try again', 'Free buffet']);
    const body = json<Completed>(await complete(playId, { duration_ms: 900 }, player)).data;
    expect(body.result.segment_index).toBe(1);
    expect(body.prize?.slot.name).toBe('Free buffet');
    const claim = await h.inject({
      method: 'POST',
      url: '/play/api/claim',
      payload: { draw_token: body.prize?.draw_token },
    });
    expect(claim.statusCode, claim.body).toBe(200);
  });

  it('opens the picked box on the drawn slot and stores both', async () => {
    const t = await makeTenant(h);
    const gameId = await gameOf(t, {
      template: 'grid-box-reveal',
      prize_enabled: true,
      config: { boxes: 4 },
    });
    await setPrizes(h, t, gameId, [
      { name: 'Free drink', type: 'voucher', win_chance: 1, min_score: 1, voucher_code: 'DRINK' },
      { name: 'No luck', type: 'no_prize', win_chance: 100 },
    ]);
    const { player, token, playId } = await started(t, gameId);

    // A box that is not in the grid: 400, and the play stays open.
    const outside = await complete(playId, { duration_ms: 900, box_index: 4 }, player);
    expect(outside.statusCode).toBe(400);
    expect(errorBody(outside).error).toContain('box_index must be 0 to 3');
    const missing = await complete(playId, { duration_ms: 900 }, player);
    expect(missing.statusCode).toBe(400);
    const negative = await complete(playId, { duration_ms: 900, box_index: -1 }, player);
    expect(negative.statusCode).toBe(400);

    const done = await complete(playId, { duration_ms: 900, box_index: 3 }, player);
    expect(done.statusCode, done.body).toBe(200);
    const body = json<Completed>(done).data;
    expect(body.result).toEqual({ segment_index: 1, box_index: 3 });
    expect(body.prize?.slot.type).toBe('no_prize');
    expect(body.prize?.draw_token ?? null).toBeNull();
    expect((await complete(playId, { duration_ms: 900, box_index: 0 }, player)).statusCode).toBe(
      409,
    );

    // Reopened, the page carries the stored result for the result screen.
    const reopened = await h.inject({
      method: 'GET',
      url: `/play/game/${gameId}?session_token=${token}`,
      cookies: { pl_player: player },
    });
    const view = viewOf(reopened) as ReturnType<typeof viewOf> & {
      play?: { result?: Record<string, unknown> };
    };
    if (view.screen === 'result') {
      expect(view.play?.result).toEqual({ segment_index: 1, box_index: 3 });
      expect(view.game?.segments.map((s) => s.label)).toEqual(['Free drink', 'No luck']);
    } else {
      expect(view).toMatchObject({ screen: 'error', error: 'consumed' });
    }
  });

  it("refuses someone else's play and a spent token, as for the wheel", async () => {
    const t = await makeTenant(h);
    const gameId = await gameOf(t, { template: 'grid-box-reveal' });
    const { player, token, playId } = await started(t, gameId);
    expect(
      (await complete(playId, { duration_ms: 900, box_index: 0 }, randomUUID())).statusCode,
    ).toBe(404);
    const second = await h.inject({
      method: 'POST',
      url: '/play/api/start',
      payload: { session_token: token, game_id: gameId },
      cookies: { pl_player: randomUUID() },
    });
    expect(second.statusCode).toBe(410);
    const done = await complete(playId, { duration_ms: 900, box_index: 8 }, player);
    expect(json<Completed>(done).data.result.box_index).toBe(8);
  });

  it('shows start screens with the template hero and instructions, in Thai too', async () => {
    const t = await makeTenant(h);
    const gridId = await gameOf(t, { template: 'grid-box-reveal', config: { boxes: 6 } });
    const token = await sessionToken(h, t, { game_id: gridId });
    const th = await h.inject({
      method: 'GET',
      url: `/play/game/${gridId}?session_token=${token}&lang=th`,
    });
    expect(th.body).toContain('hero hero-grid-box-reveal');
    expect(th.body).toContain('เลือกกล่อง 1 ใบจาก 6 ใบ');
    const scratchId = await gameOf(t, { template: 'scratch-card' });
    const scratchToken = await sessionToken(h, t, { game_id: scratchId });
    const en = await h.inject({
      method: 'GET',
      url: `/play/game/${scratchId}?session_token=${scratchToken}`,
    });
    expect(en.body).toContain('hero hero-scratch-card');
    expect(en.body).toContain('/play/static/scratch-card.js');
    const script = await h.inject({ method: 'GET', url: '/play/static/grid-box-reveal.js' });
    expect(script.statusCode).toBe(200);
    expect(script.body).toContain('box_index');
  });
});
