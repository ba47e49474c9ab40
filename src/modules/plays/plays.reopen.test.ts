import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTenant, type Tenant } from '../../../test/factories.ts';
import { createHarness, type Harness, json } from '../../../test/harness.ts';
import {
  activeStream,
  completePlay,
  viewOf,
  prizeWheel,
  sessionToken,
  startPlay,
  voucherSet,
} from '../../../test/play.ts';

// Issue 9 item 10: the prize belongs to the play. Reopening the link of a play that won shows
// the prize until its claim deadline, and the code once claimed.

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
});

const page = (url: string, player: string) =>
  h.inject({ method: 'GET', url, cookies: { pl_player: player } });

/** A spin wheel that always wins a code from a voucher set (with `codes` codes). */
async function winningWheel(t: Tenant, codes = 5, prize = true) {
  const codeList = Array.from({ length: codes }, (_, i) => `win-${i + 1}`);
  const setId = await voucherSet(h, t, codeList);
  return prizeWheel(
    h,
    t,
    prize
      ? [{ name: '10% off', type: 'voucher_set', win_chance: 100, voucher_set_id: setId }]
      : [{ name: 'Try again', type: 'no_prize', win_chance: 100 }],
  );
}

/** A game link for `game`, with a fresh session token. */
async function gameLink(t: Tenant, gameId: number): Promise<string> {
  const token = await sessionToken(h, t, { game_id: gameId });
  return `/play/game/${gameId}?session_token=${token}`;
}

/** Plays the page's start request to the end; the completion's data. */
async function playThrough(start: Record<string, unknown>, player: string) {
  const started = await startPlay(h, start, player);
  expect(started.statusCode, started.body).toBe(200);
  const { play } = json<{ data: { play: { id: number } } }>(started).data;
  const done = await completePlay(h, play.id, player);
  return json<{ data: { prize: { draw_token: string | null } | null } }>(done).data;
}

const claim = (drawToken: string) =>
  h.inject({ method: 'POST', url: '/play/api/claim', payload: { draw_token: drawToken } });

describe('reopening the link of a play that won', () => {
  it('shows the pending prize, then after the claim the code, on the game link', async () => {
    const t = await makeTenant(h);
    const game = await winningWheel(t);
    const url = await gameLink(t, game.id);
    const player = randomUUID();
    const won = await playThrough(viewOf(await page(url, player)).start!, player);
    expect(won.prize?.draw_token).toBeTruthy();

    // Reload before Claim: the prize is still there, claimable, not "already used".
    const reloaded = await page(url, player);
    const pending = viewOf(reloaded);
    expect(pending).toMatchObject({
      screen: 'result',
      prize: { state: 'pending', slot: { name: '10% off' } },
    });
    expect(reloaded.body).toContain('data-testid="claim-button"');
    // The token holder may reopen it from another browser too (e.g. the mail app's, then Safari).
    expect(viewOf(await page(url, randomUUID())).prize?.state).toBe('pending');

    const claimed = await claim(pending.prize!.draw_token!);
    expect(claimed.statusCode, claimed.body).toBe(200);
    expect(json<{ data: { prize: { code: string } } }>(claimed).data.prize.code).toBe('WIN-1');

    // Reload after Claim: the code is shown again, and nothing more can be claimed.
    const after = await page(url, player);
    expect(viewOf(after)).toMatchObject({
      screen: 'result',
      prize: { state: 'claimed', name: '10% off', code: 'WIN-1' },
    });
    expect(after.body).toContain('data-testid="prize-code">WIN-1<');
    expect(after.body).not.toContain('data-testid="claim-button"');
    expect((await claim(pending.prize!.draw_token!)).statusCode).toBe(410);
  });

  it('shows an unclaimed prize as expired after the claim deadline', async () => {
    const t = await makeTenant(h);
    const game = await winningWheel(t);
    const url = await gameLink(t, game.id);
    const player = randomUUID();
    const won = await playThrough(viewOf(await page(url, player)).start!, player);
    h.clock.advance(30 * 60_000 - 1_000);
    expect(viewOf(await page(url, player)).prize?.state).toBe('pending');
    h.clock.advance(1_000);
    const late = await page(url, player);
    expect(viewOf(late)).toMatchObject({
      screen: 'result',
      prize: { state: 'expired', draw_token: null, slot: { name: '10% off' } },
    });
    expect(late.body).toContain('data-testid="prize-expired"');
    expect(late.body).not.toContain('data-testid="claim-button"');
    expect((await claim(won.prize!.draw_token!)).statusCode).toBe(410);
  });

  it('still says "already used" for a play that won nothing', async () => {
    const t = await makeTenant(h);
    const game = await winningWheel(t, 1, false);
    const url = await gameLink(t, game.id);
    const player = randomUUID();
    const done = await playThrough(viewOf(await page(url, player)).start!, player);
    expect(done.prize?.draw_token ?? null).toBeNull();
    expect(viewOf(await page(url, player))).toMatchObject({ screen: 'error', error: 'consumed' });
  });

  it('shows the prize again on a stream token link', async () => {
    const t = await makeTenant(h);
    const game = await winningWheel(t);
    const streamId = (await activeStream(h, t, [game.id])).id;
    const token = await sessionToken(h, t, { stream_id: streamId });
    const url = `/play/stream/${streamId}?session_token=${token}`;
    const player = randomUUID();
    await playThrough(viewOf(await page(url, player)).start!, player);
    expect(viewOf(await page(url, player))).toMatchObject({
      screen: 'result',
      prize: { state: 'pending' },
    });
  });

  it("shows the last play's prize on the public stream link to its device only", async () => {
    const t = await makeTenant(h);
    const game = await winningWheel(t);
    const { slug } = await activeStream(h, t, [game.id], { max_plays_per_player: 2 });
    const url = `/stream/${t.org.slug}/${slug}`;
    const player = randomUUID();
    await playThrough(viewOf(await page(url, player)).start!, player);

    const pending = viewOf(await page(url, player));
    expect(pending).toMatchObject({ screen: 'result', prize: { state: 'pending' } });
    // One play is left: the result screen offers it (a Next game button, not a link back here).
    expect(pending.start).toMatchObject({ org_slug: t.org.slug, stream_slug: slug });
    // Another browser on the same public link sees no one's prize, just the start screen.
    const stranger = viewOf(await page(url, randomUUID()));
    expect(stranger.screen).toBe('start');
    expect(stranger.prize).toBeUndefined();

    await claim(pending.prize!.draw_token!);
    expect(viewOf(await page(url, player))).toMatchObject({
      screen: 'result',
      prize: { state: 'claimed', code: 'WIN-1' },
    });
    // The second (last) play: its prize is shown with no further play offered.
    await playThrough(pending.start!, player);
    const last = viewOf(await page(url, player));
    expect(last).toMatchObject({ screen: 'result', prize: { state: 'pending' } });
    expect(last.start).toBeUndefined();
  });
});
