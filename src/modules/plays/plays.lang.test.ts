import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTenant, type Tenant } from '../../../test/factories.ts';
import { createHarness, type Harness, json } from '../../../test/harness.ts';
import {
  activeStream,
  prizeWheel,
  sessionToken,
  startPlay,
  viewOf,
  voucherSet,
} from '../../../test/play.ts';
import { createGame } from '../games/index.ts';

// Issue 16: a game's texts in the page's language, falling back text by text to the brand's
// default texts: on the page, in the start, complete and claim answers and on reopened results.

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
});

const TH = {
  title: 'วงล้อนำโชค',
  intro_text: 'หมุนวงล้อเพื่อลุ้นรางวัล',
  result_text: 'ขอบคุณที่ร่วมสนุก',
  segments: ['ส่วนลด', 'ลองใหม่'],
};

/** A wheel without prizes, its two segments and texts given in Thai (or not). */
function thaiWheel(t: Tenant, translations: Record<string, unknown> = { th: TH }) {
  return createGame(h.deps, t.org.id, {
    title: 'Lucky Wheel',
    description: 'Spin it',
    template: 'spin-wheel',
    config: {
      intro_text: 'Spin the wheel to win',
      result_text: 'Thanks for playing',
      segments: [{ label: 'Discount' }, { label: 'Try again' }],
    },
    translations,
  });
}

async function link(t: Tenant, gameId: number) {
  return `/play/game/${gameId}?session_token=${await sessionToken(h, t, { game_id: gameId })}`;
}

const page = (url: string, headers: Record<string, string> = {}, player = randomUUID()) =>
  h.inject({ method: 'GET', url, headers, cookies: { pl_player: player } });

const h1 = (body: string) => /<h1 class="title">([^<]*)<\/h1>/.exec(body)?.[1];

describe('the play page in the page language', () => {
  it('shows a Thai page the Thai title, intro and segment labels', async () => {
    const t = await makeTenant(h);
    const game = await thaiWheel(t);
    const response = await page(`${await link(t, game.id)}&lang=th`);
    expect(response.body).toContain('<html lang="th">');
    expect(h1(response.body)).toBe('วงล้อนำโชค');
    expect(response.body).toMatch(/<title>วงล้อนำโชค( ·[^<]*)?<\/title>/);
    expect(response.body).toContain('หมุนวงล้อเพื่อลุ้นรางวัล');
    expect(response.body).not.toContain('Spin the wheel to win');
    const view = viewOf(response);
    expect(view.game?.segments).toEqual([{ label: 'ส่วนลด' }, { label: 'ลองใหม่' }]);
    // The description has no Thai: the default shows.
    expect(response.body).toContain('Spin it');
    // Only the texts shown reach the page.
    expect(JSON.stringify(view)).not.toContain('translations');
  });

  it('shows an English page, and Accept-Language picks Thai without ?lang', async () => {
    const t = await makeTenant(h);
    const game = await thaiWheel(t);
    const english = await page(`${await link(t, game.id)}&lang=en`);
    expect(english.body).toContain('<html lang="en">');
    expect(h1(english.body)).toBe('Lucky Wheel');
    expect(english.body).toContain('Spin the wheel to win');
    expect(english.body).not.toContain('วงล้อนำโชค');
    expect(viewOf(english).game?.segments).toEqual([{ label: 'Discount' }, { label: 'Try again' }]);

    const thai = await page(await link(t, game.id), { 'accept-language': 'th-TH,th;q=0.9' });
    expect(h1(thai.body)).toBe('วงล้อนำโชค');
  });

  it('falls back to the default texts on the Thai page of a game without Thai', async () => {
    const t = await makeTenant(h);
    const game = await thaiWheel(t, {});
    const response = await page(`${await link(t, game.id)}&lang=th`);
    expect(response.body).toContain('<html lang="th">');
    expect(h1(response.body)).toBe('Lucky Wheel');
    expect(response.body).toContain('Spin the wheel to win');
    expect(viewOf(response).game?.segments).toEqual([
      { label: 'Discount' },
      { label: 'Try again' },
    ]);
  });
});

describe('the play API in the page language', () => {
  it('starts with the game in the language the page sends, else Accept-Language', async () => {
    const t = await makeTenant(h);
    const game = await thaiWheel(t);
    type Started = { data: { game: { title: string; config: Record<string, unknown> } } };
    const token = await sessionToken(h, t, { game_id: game.id });
    const thai = await startPlay(h, { session_token: token, game_id: game.id, lang: 'th' }, 'p1');
    expect(thai.statusCode, thai.body).toBe(200);
    const started = json<Started>(thai).data.game;
    expect(started.title).toBe('วงล้อนำโชค');
    expect(started.config).toMatchObject({ result_text: 'ขอบคุณที่ร่วมสนุก' });
    expect(thai.body).not.toContain('translations');

    const other = await sessionToken(h, t, { game_id: game.id });
    const english = await startPlay(h, { session_token: other, game_id: game.id }, 'p2');
    expect(json<Started>(english).data.game.title).toBe('Lucky Wheel');
    const header = await h.inject({
      method: 'POST',
      url: '/play/api/start',
      headers: { 'accept-language': 'th' },
      payload: { session_token: await sessionToken(h, t, { game_id: game.id }), game_id: game.id },
      cookies: { pl_player: 'p3' },
    });
    expect(json<Started>(header).data.game.title).toBe('วงล้อนำโชค');
  });

  it('refuses a language value that is not a string', async () => {
    const t = await makeTenant(h);
    const game = await thaiWheel(t);
    const token = await sessionToken(h, t, { game_id: game.id });
    const response = await startPlay(h, { session_token: token, game_id: game.id, lang: 5 }, 'p');
    expect(response.statusCode).toBe(400);
  });

  it('offers, hands out and shows again the prize in Thai, in English on an English page', async () => {
    const t = await makeTenant(h);
    const setId = await voucherSet(h, t, ['TH-1', 'TH-2']);
    const game = await prizeWheel(h, t, [
      {
        name: '10% off',
        description: 'At the cashier',
        type: 'voucher_set',
        voucher_set_id: setId,
        win_chance: 100,
        translations: { th: { name: 'ส่วนลด 10%', description: 'ที่แคชเชียร์' } },
      },
      // Never won (a wheel scores 0): its label shows untranslated.
      { name: 'Free night', type: 'item', win_chance: 50, min_score: 1 },
    ]);
    const player = randomUUID();
    const url = await link(t, game.id);
    const token = new URL(url, 'http://x').searchParams.get('session_token')!;
    const started = await startPlay(
      h,
      { session_token: token, game_id: game.id, lang: 'th' },
      player,
    );
    type Segments = { data: { game: { segments: { label: string }[] } } };
    expect(json<Segments>(started).data.game.segments).toEqual([
      { label: 'ส่วนลด 10%' },
      { label: 'Free night' },
    ]);
    const playId = json<{ data: { play: { id: number } } }>(started).data.play.id;
    const done = await h.inject({
      method: 'POST',
      url: `/play/api/plays/${playId}/complete`,
      payload: { duration_ms: 1_000, lang: 'th' },
      cookies: { pl_player: player },
    });
    expect(done.statusCode, done.body).toBe(200);
    type Offer = {
      data: { prize: { draw_token: string | null; slot: { name: string; description: string } } };
    };
    const offer = json<Offer>(done).data.prize;
    expect(offer.slot).toEqual({
      name: 'ส่วนลด 10%',
      description: 'ที่แคชเชียร์',
      type: 'voucher_set',
    });

    // Reopened before the claim: the pending prize in the page's language.
    const pending = viewOf(await page(`${url}&lang=th`, {}, player));
    expect(pending.prize?.slot?.name).toBe('ส่วนลด 10%');
    expect(viewOf(await page(`${url}&lang=en`, {}, player)).prize?.slot?.name).toBe('10% off');

    const claim = await h.inject({
      method: 'POST',
      url: '/play/api/claim',
      payload: { draw_token: offer.draw_token, lang: 'th' },
    });
    expect(claim.statusCode, claim.body).toBe(200);
    expect(json<{ data: { prize: Record<string, unknown> } }>(claim).data.prize).toMatchObject({
      name: 'ส่วนลด 10%',
      description: 'ที่แคชเชียร์',
      code: 'TH-1',
    });
    expect(claim.body).not.toContain('translations');

    // Reopened after the claim: the claimed prize, Thai on a Thai page, English on an English one.
    const thai = await page(`${url}&lang=th`, {}, player);
    expect(viewOf(thai).prize).toMatchObject({ state: 'claimed', name: 'ส่วนลด 10%', code: 'TH-1' });
    expect(thai.body).toContain('ส่วนลด 10%');
    const english = await page(`${url}&lang=en`, {}, player);
    expect(viewOf(english).prize).toMatchObject({ name: '10% off', code: 'TH-1' });
    expect(english.body).not.toContain('ส่วนลด 10%');
  });
});

describe('a stream in the page language', () => {
  it('names its games in Thai on a Thai page and after a play, in English on an English one', async () => {
    const t = await makeTenant(h);
    const first = await thaiWheel(t);
    const second = await createGame(h.deps, t.org.id, {
      title: 'Tap Rush',
      template: 'quick-tap',
      translations: { th: { title: 'แตะให้ไว' } },
    });
    const third = await createGame(h.deps, t.org.id, { title: 'No Thai', template: 'quick-tap' });
    const stream = await activeStream(h, t, [first.id, second.id, third.id], {
      max_plays_per_player: 3,
    });
    const url = `/stream/${t.org.slug}/${stream.slug}`;
    const player = randomUUID();
    const thai = viewOf(await page(`${url}?lang=th`, {}, player));
    expect(thai.stream?.games?.map((g) => g.title)).toEqual(['วงล้อนำโชค', 'แตะให้ไว', 'No Thai']);
    expect(JSON.stringify(thai)).not.toContain('translations');
    const english = viewOf(await page(`${url}?lang=en`, {}, player));
    expect(english.stream?.games?.map((g) => g.title)).toEqual([
      'Lucky Wheel',
      'Tap Rush',
      'No Thai',
    ]);

    const started = await startPlay(h, { ...thai.start, lang: 'th' }, player);
    expect(started.statusCode, started.body).toBe(200);
    const playId = json<{ data: { play: { id: number } } }>(started).data.play.id;
    const done = await h.inject({
      method: 'POST',
      url: `/play/api/plays/${playId}/complete`,
      payload: { duration_ms: 1_000, lang: 'th' },
      cookies: { pl_player: player },
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(json<{ data: { next_game: unknown } }>(done).data.next_game).toEqual({
      title: 'แตะให้ไว',
    });
  });
});
