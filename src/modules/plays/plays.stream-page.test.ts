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

// A stream's pages tell the player where they are: the games with their progress, the next
// game named (also in the complete response), the summary at the end, and why a closed stream
// is closed.

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
});

interface Completed {
  score: number;
  next_url: string | null;
  next_game: { title: string } | null;
}

/** The refusal's kind, `details.reason` of the error envelope. */
const reasonOf = (response: Parameters<typeof json>[0]) =>
  json<{ details?: { reason?: string } }>(response).details?.reason;

const page = (url: string, player?: string) =>
  h.inject({ method: 'GET', url, ...(player ? { cookies: { pl_player: player } } : {}) });

/** Three games of three kinds: a wheel (no prizes), a memory match and a quick tap. */
async function threeGames(t: Tenant) {
  const wheel = await createGame(h.deps, t.org.id, {
    title: 'Lucky Wheel',
    template: 'spin-wheel',
  });
  const memory = await createGame(h.deps, t.org.id, {
    title: 'Memory Match',
    template: 'memory-match',
    config: { pairs: 2, duration_s: 30 },
  });
  const tap = await createGame(h.deps, t.org.id, {
    title: 'Tap Rush',
    template: 'quick-tap',
    config: { duration_s: 3 },
  });
  return { wheel, memory, tap };
}

/** What each template reports at the end of an honest play. */
const FACTS: Record<string, Record<string, unknown>> = {
  'spin-wheel': { duration_ms: 4_000 },
  'memory-match': { duration_ms: 5_000, pairs_found: 2, moves: 3 },
  'quick-tap': { duration_ms: 3_000, taps: 12 },
};

/** Starts the public link's next play and completes it; the complete response. */
async function playNext(start: Record<string, unknown>, player: string): Promise<Completed> {
  const started = await startPlay(h, start, player);
  expect(started.statusCode, started.body).toBe(200);
  const { play, game } = json<{ data: { play: { id: number }; game: { template: string } } }>(
    started,
  ).data;
  h.clock.advance(3_000);
  const done = await h.inject({
    method: 'POST',
    url: `/play/api/plays/${play.id}/complete`,
    payload: FACTS[game.template] ?? {},
    cookies: { pl_player: player },
  });
  expect(done.statusCode, done.body).toBe(200);
  return json<{ data: Completed }>(done).data;
}

describe('a public stream link walked to its end', () => {
  it('lists the games with progress, names the next one, and sums up at the end', async () => {
    const t = await makeTenant(h);
    const { wheel, memory, tap } = await threeGames(t);
    const stream = await activeStream(h, t, [wheel.id, memory.id, tap.id], {
      completion_message: 'See you at the bar!',
    });
    const url = `/stream/${t.org.slug}/${stream.slug}`;
    const player = randomUUID();

    const first = await page(url, player);
    const view = viewOf(first);
    expect(view.screen).toBe('start');
    expect(view.stream?.games).toEqual([
      { title: 'Lucky Wheel', template: 'spin-wheel', state: 'next' },
      { title: 'Memory Match', template: 'memory-match', state: 'upcoming' },
      { title: 'Tap Rush', template: 'quick-tap', state: 'upcoming' },
    ]);
    expect(view.stream?.progress).toEqual({ plays: 0, allowed: 3, score: 0 });
    expect(view).not.toHaveProperty('next');
    expect(first.body).toContain('data-testid="stream-next">Next: Lucky Wheel</p>');
    expect(first.body).toContain('Game 1 of 3');
    expect(first.body).toContain('3 plays left');
    expect(first.body).toContain('data-testid="start-button"');

    const one = await playNext(view.start!, player);
    expect(one).toMatchObject({ next_url: url, next_game: { title: 'Memory Match' } });

    const second = await page(url, player);
    expect(viewOf(second).stream?.games?.map((g) => g.state)).toEqual([
      'played',
      'next',
      'upcoming',
    ]);
    expect(viewOf(second).stream?.games?.[0]).toMatchObject({ state: 'played', score: 0 });
    expect(second.body).toContain('Next: Memory Match');
    expect(second.body).toContain('Game 2 of 3');
    // A wheel without prizes says so rather than "Score 0".
    expect(second.body).toContain('>No prize</span>');

    const two = await playNext(viewOf(second).start!, player);
    expect(two).toMatchObject({ next_url: url, next_game: { title: 'Tap Rush' } });
    const third = await page(url, player);
    expect(third.body).toContain('Game 3 of 3');
    expect(third.body).toContain('1 play left');

    const three = await playNext(viewOf(third).start!, player);
    expect(three).toEqual(expect.objectContaining({ next_url: null, next_game: null }));

    const end = await page(url, player);
    const finished = viewOf(end);
    expect(finished).toMatchObject({ screen: 'finished', played: { plays: 3, allowed: 3 } });
    expect(finished.stream?.games?.map((g) => [g.title, g.state, g.score])).toEqual([
      ['Lucky Wheel', 'played', 0],
      ['Memory Match', 'played', two.score],
      ['Tap Rush', 'played', 12],
    ]);
    expect(finished.stream?.progress).toEqual({ plays: 3, allowed: 3, score: two.score + 12 });
    expect(end.body).toContain('data-finished="played-all"');
    expect(end.body).toContain('data-testid="stream-summary"');
    expect(end.body).toContain(`data-total="${two.score + 12}"`);
    expect(end.body).toContain('See you at the bar!');

    // The per-player cap is refused with its own kind, distinct from a closed stream.
    const again = await startPlay(h, finished.start ?? view.start!, player);
    expect(again.statusCode).toBe(409);
    expect(reasonOf(again)).toBe('cap_reached');

    // Another player starts from the beginning.
    const other = viewOf(await page(url, randomUUID()));
    expect(other.stream?.progress).toMatchObject({ plays: 0 });
    expect(other.stream?.games?.[0]?.state).toBe('next');
  });

  it('shows the prize a played game drew, and names the next game on a reopened win', async () => {
    const t = await makeTenant(h);
    const setId = await voucherSet(h, t, ['CODE-1']);
    const wheel = await prizeWheel(h, t, [
      { name: 'Free drink', type: 'voucher_set', win_chance: 100, voucher_set_id: setId },
    ]);
    const memory = await createGame(h.deps, t.org.id, {
      title: 'Memory Match',
      template: 'memory-match',
      config: { pairs: 2, duration_s: 30 },
    });
    const stream = await activeStream(h, t, [wheel.id, memory.id]);
    const url = `/stream/${t.org.slug}/${stream.slug}`;
    const player = randomUUID();
    const done = await playNext(viewOf(await page(url, player)).start!, player);
    expect(done.next_game).toEqual({ title: 'Memory Match' });

    // The won prize is shown again, with the next game named for its button.
    const reopened = viewOf(await page(url, player));
    expect(reopened).toMatchObject({ screen: 'result', next_game: { title: 'Memory Match' } });

    await playNext(reopened.start!, player);
    const end = await page(url, player);
    expect(viewOf(end).stream?.games?.[0]).toMatchObject({
      title: 'Spin to win',
      state: 'played',
      prize: 'Free drink',
    });
    expect(end.body).toContain('>Free drink</span>');
  });

  it('names no next game in a random-order stream', async () => {
    const t = await makeTenant(h);
    const { wheel, memory, tap } = await threeGames(t);
    const stream = await activeStream(h, t, [wheel.id, memory.id, tap.id], {
      order_mode: 'random',
    });
    const url = `/stream/${t.org.slug}/${stream.slug}`;
    const player = randomUUID();
    const first = await page(url, player);
    expect(viewOf(first).stream?.games?.map((g) => g.state)).toEqual([
      'upcoming',
      'upcoming',
      'upcoming',
    ]);
    expect(first.body).not.toContain('data-testid="stream-next"');
    const done = await playNext(viewOf(first).start!, player);
    expect(done).toMatchObject({ next_url: url, next_game: null });
  });

  it('lists only the games that can be played, as the start call picks them', async () => {
    const t = await makeTenant(h);
    const { wheel, memory } = await threeGames(t);
    const draft = await createGame(h.deps, t.org.id, {
      title: 'Not ready',
      template: 'quick-tap',
      status: 'Draft',
    });
    const stream = await activeStream(h, t, [draft.id, memory.id, wheel.id]);
    const view = viewOf(await page(`/stream/${t.org.slug}/${stream.slug}`, randomUUID()));
    expect(view.stream?.games?.map((g) => [g.title, g.state])).toEqual([
      ['Memory Match', 'next'],
      ['Lucky Wheel', 'upcoming'],
    ]);
  });
});

describe('a stream session link', () => {
  it('shows the list and the next game, counting this browser’s plays', async () => {
    const t = await makeTenant(h);
    const { wheel, memory, tap } = await threeGames(t);
    const stream = await activeStream(h, t, [wheel.id, memory.id, tap.id]);
    const player = randomUUID();
    const token = await sessionToken(h, t, { stream_id: stream.id });
    const first = await page(`/play/stream/${stream.id}?session_token=${token}`, player);
    expect(viewOf(first).stream?.games?.map((g) => g.state)).toEqual([
      'next',
      'upcoming',
      'upcoming',
    ]);
    expect(first.body).toContain('Next: Lucky Wheel');

    const done = await playNext({ session_token: token, stream_id: stream.id }, player);
    // One play per token: no link to a next play, so no name for one either.
    expect(done).toMatchObject({ next_url: null, next_game: null });

    const token2 = await sessionToken(h, t, { stream_id: stream.id });
    const second = await page(`/play/stream/${stream.id}?session_token=${token2}`, player);
    expect(viewOf(second).stream?.games?.map((g) => g.state)).toEqual([
      'played',
      'next',
      'upcoming',
    ]);
    expect(second.body).toContain('Next: Memory Match');
    expect(second.body).toContain('Game 2 of 3');
  });

  it('still names the next game past the per-player cap, which tokens are not held to', async () => {
    const t = await makeTenant(h);
    const { wheel, memory } = await threeGames(t);
    const stream = await activeStream(h, t, [wheel.id, memory.id], { max_plays_per_player: 1 });
    const player = randomUUID();
    const token = await sessionToken(h, t, { stream_id: stream.id });
    await playNext({ session_token: token, stream_id: stream.id }, player);
    const token2 = await sessionToken(h, t, { stream_id: stream.id });
    const view = viewOf(await page(`/play/stream/${stream.id}?session_token=${token2}`, player));
    expect(view.stream?.games?.map((g) => g.state)).toEqual(['played', 'next']);
    await playNext(view.start!, player);
  });

  it('names the game a token was minted for', async () => {
    const t = await makeTenant(h);
    const { wheel, memory, tap } = await threeGames(t);
    const stream = await activeStream(h, t, [wheel.id, memory.id, tap.id]);
    const token = await sessionToken(h, t, { stream_id: stream.id, game_id: tap.id });
    const view = viewOf(await page(`/play/stream/${stream.id}?session_token=${token}`));
    expect(view.stream?.games?.find((g) => g.state === 'next')?.title).toBe('Tap Rush');
  });
});

describe('why a stream cannot be played', () => {
  async function setUp(fields: Record<string, unknown>) {
    const t = await makeTenant(h);
    const { wheel, memory } = await threeGames(t);
    const stream = await activeStream(h, t, [wheel.id, memory.id], fields);
    const start = { org_slug: t.org.slug, stream_slug: stream.slug };
    return { t, stream, start, url: `/stream/${t.org.slug}/${stream.slug}` };
  }

  async function setStatus(t: Tenant, streamId: number, status: string) {
    const response = await h.inject({
      method: 'PATCH',
      url: `/api/streams/${streamId}`,
      headers: t.owner.auth,
      payload: { org_id: t.org.id, status },
    });
    expect(response.statusCode, response.body).toBe(200);
  }

  const titleOf = (body: string) => /<h1 class="title">([^<]*)<\/h1>/.exec(body)?.[1];

  it('says a paused stream is paused, on the page and to the start call', async () => {
    const { t, stream, start, url } = await setUp({});
    await setStatus(t, stream.id, 'Paused');
    const response = await page(url, randomUUID());
    expect(viewOf(response)).toMatchObject({ screen: 'error', error: 'stream_paused' });
    expect(titleOf(response.body)).toBe('This campaign is paused');
    expect(response.body).toContain('<div class="badge badge-clock"');
    const thai = await page(`${url}?lang=th`);
    expect(titleOf(thai.body)).toBe('แคมเปญนี้หยุดชั่วคราว');
    const started = await startPlay(h, start, randomUUID());
    expect(started.statusCode).toBe(409);
    expect(reasonOf(started)).toBe('stream_paused');

    const token = await sessionToken(h, t, { stream_id: stream.id });
    const tokenPage = await page(`/play/stream/${stream.id}?session_token=${token}`);
    expect(viewOf(tokenPage).error).toBe('stream_paused');
  });

  it('says an ended stream ended, summing up what its player played', async () => {
    const { t, stream, start, url } = await setUp({});
    const player = randomUUID();
    await playNext(start, player);
    await setStatus(t, stream.id, 'Completed');
    const played = await page(url, player);
    expect(played.body).toContain('data-finished="ended"');
    expect(viewOf(played).stream?.games?.map((g) => g.state)).toEqual(['played', 'upcoming']);
    expect(played.body).toContain('data-testid="stream-summary"');
    const response = await page(url, randomUUID());
    expect(viewOf(response).screen).toBe('finished');
    expect(response.body).not.toContain('data-testid="stream-summary"');
    expect(response.body).toContain('data-finished="ended"');
    expect(titleOf(response.body)).toBe('This campaign has ended');
    const started = await startPlay(h, start, randomUUID());
    expect(started.statusCode).toBe(409);
    expect(reasonOf(started)).toBe('stream_ended');
  });

  it('says a stream past its end date ended', async () => {
    const now = h.clock.now().getTime();
    const { start } = await setUp({
      start_at: new Date(now - 7_200_000).toISOString(),
      end_at: new Date(now + 60_000).toISOString(),
    });
    h.clock.advance(120_000);
    const started = await startPlay(h, start, randomUUID());
    expect(reasonOf(started)).toBe('stream_ended');
  });

  it('says a stream whose campaign-wide play limit is reached is full', async () => {
    const { start, url } = await setUp({ max_total_plays: 1 });
    const first = randomUUID();
    await playNext(start, first);
    const response = await page(url, randomUUID());
    expect(viewOf(response)).toMatchObject({ screen: 'error', error: 'stream_full' });
    expect(titleOf(response.body)).toBe('All plays have been taken');
    const started = await startPlay(h, start, randomUUID());
    expect(started.statusCode).toBe(409);
    expect(reasonOf(started)).toBe('stream_full');
  });

  it('gives each refusal its own title and body, in English and Thai', async () => {
    const { stringsFor } = await import('../../web/i18n.ts');
    for (const lang of ['en', 'th'] as const) {
      const t = stringsFor(lang);
      const kinds = ['cap_reached', 'stream_paused', 'stream_ended', 'stream_full'] as const;
      const titles = kinds.map((kind) => t[`error.${kind}.title`]);
      const bodies = kinds.map((kind) => t[`error.${kind}.body`]);
      expect(new Set(titles).size, lang).toBe(kinds.length);
      expect(new Set(bodies).size, lang).toBe(kinds.length);
    }
  });
});

describe('the stream screens', () => {
  it('put brand text in as text and give an unknown template a fallback icon', async () => {
    const { renderPlayPage } = await import('../../web/index.ts');
    const stream = {
      name: 'Summer <i>Games</i>',
      completion_message: null,
      start_at: null,
      end_at: null,
      timezone: 'UTC',
      games: [
        { title: '<img src=x onerror=alert(1)>', template: 'spin-wheel', state: 'played' as const },
        { title: 'Mystery', template: 'not-a-template', state: 'next' as const },
      ],
      progress: { plays: 1, allowed: 2, score: 0 },
    };
    const html = renderPlayPage({
      lang: 'en',
      screen: 'start',
      stream,
      start: { org_slug: 'o', stream_slug: 's' },
    });
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('<h1 class="title">Summer &lt;i&gt;Games&lt;/i&gt;</h1>');
    expect(html).toContain('data-template="not-a-template"');
    expect(html).toContain('Next: Mystery');
    expect(html).toContain('1 play left');
  });
});
