/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createGame } from '../../src/modules/games/index.ts';
import { deliverCampaign, planCampaign } from '../../src/modules/campaigns/index.ts';
import { unique } from '../factories.ts';
import { json } from '../harness.ts';
import { settleJourneys } from '../journeys.ts';
import { type Casino, makeCasino } from '../return-path.ts';
import { type CaughtMail, decodeQuotedPrintable } from '../smtp.ts';
import { useBrowserServer } from './fixture.ts';

// Issue 14's loop, with a real browser and a real mail server: a campaign mails two players
// their own quick-tap link, each plays it to the end in chromium (one well, one badly), the
// plays land on their profiles, and a journey triggered by the play branches on the score and
// mails each a follow-up with a new link of its own, which opens a playable page again.
// The browser runs in real time, so the server does too (the fixture's ShiftedClock): the
// journey has no wait in it, and settleJourneys walks it as the workers would.

const web = useBrowserServer({ mail: true, shots: 'loop-' });
const { phone, shot } = web;

/** A round long enough for eight taps on a slow, loaded machine (the server allows 15 a second). */
const ROUND_S = 8;
const GOOD_TAPS = 8;
const BAD_TAPS = 2;
const THRESHOLD = 5;

let c: Casino;
let gameId: number;
beforeAll(async () => {
  await web.h.deps.jobs.start();
  c = await makeCasino(web.h);
  const game = await createGame(web.h.deps, c.t.org.id, {
    title: 'Tap rush',
    template: 'quick-tap',
    config: { duration_s: ROUND_S },
  });
  gameId = game.id;
  const settings = await web.h.inject({
    method: 'PATCH',
    url: '/api/functions/compliance-settings',
    headers: c.pk,
    payload: { postal_address: '1 Casino Way, Las Vegas NV' },
  });
  expect(settings.statusCode, settings.body).toBe(200);
});

const post = (url: string, payload: unknown) =>
  web.h.inject({ method: 'POST', url, headers: c.pk, payload: payload as object });

async function ok<T = Record<string, unknown>>(
  response: Promise<Awaited<ReturnType<typeof post>>>,
  status = 200,
): Promise<T> {
  const answer = await response;
  expect(answer.statusCode, answer.body).toBe(status);
  return json<{ data: T }>(answer).data;
}

async function emailPlayer(tier: string, first_name: string) {
  const email = `${unique('loop')}@example.com`;
  const player = await ok<{ id: string }>(
    post('/api/players', { player_id: unique('c'), email, first_name, tier }),
    201,
  );
  await ok(
    post('/api/functions/record-consent', {
      consents: [
        {
          player_id: player.id,
          channel: 'email',
          address: email,
          consent_type: 'email_opt_in',
          purpose: 'marketing',
          captured_at: '2026-07-01T00:00:00Z',
        },
      ],
    }),
    201,
  );
  return { id: player.id, email };
}

async function template(name: string, subject: string) {
  return ok<{ id: string }>(
    post('/api/templates', {
      name: unique(name),
      channel: 'email',
      subject,
      body: `<mjml><mj-body><mj-section><mj-column><mj-text>Hi {{ player.first_name }}</mj-text><mj-button href="{% game_link game: ${gameId} %}">Play</mj-button></mj-column></mj-section></mj-body></mjml>`,
    }),
    201,
  );
}

/** Plans and sends the campaign to the end, as the workers would. */
async function runCampaign(id: string): Promise<void> {
  for (let round = 0; round < 50; round++) {
    if ((await planCampaign(web.h.deps, id)).next !== 'plan') break;
  }
  for (let round = 0; round < 50; round++) {
    const sent = await deliverCampaign(web.h.deps, id);
    if (sent.next === 'done') return;
    if (sent.next === 'later')
      throw new Error(`campaign ${id} waits until ${sent.at.toISOString()}`);
  }
  throw new Error(`campaign ${id} did not finish`);
}

/** Sends the journey's queued mail, as its sender jobs would. */
async function deliverJourneyMail(): Promise<void> {
  const campaigns = await web.h.deps.database.db
    .selectFrom('campaigns')
    .select('id')
    .where('property_id', '=', c.property.id)
    .where('journey_id', 'is not', null)
    .execute();
  for (const campaign of campaigns) await deliverCampaign(web.h.deps, campaign.id);
}

/** The mail's game link, checked to be this game's on the public URL, pointed at this server. */
function gameLink(mail: CaughtMail): { url: string; token: string } {
  const text = decodeQuotedPrintable(mail.raw);
  const found = /http:\/\/playloop\.test\/play\/game\/(\d+)\?session_token=([0-9a-f-]{36})/i.exec(
    text,
  );
  expect(found, text.slice(0, 3000)).not.toBeNull();
  expect(Number(found![1])).toBe(gameId);
  const token = found![2]!;
  return { url: `${web.base}/play/game/${gameId}?session_token=${token}`, token };
}

/** Opens the link and presses start; resolves once the server granted the play (the game shows). */
async function openAndStart(page: Page, url: string, name: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId('start-button').waitFor();
  await shot(page, `${name}-start`);
  await page.getByTestId('start-button').click();
  await page.getByTestId('game-area').waitFor({ timeout: 10_000 });
}

/** Taps exactly `taps` times while the round runs, then waits for the result screen. */
async function playTaps(page: Page, taps: number, name: string): Promise<void> {
  await page.waitForSelector('[data-testid="game-area"][data-state="running"]', {
    timeout: 10_000,
  });
  const counter = page.getByTestId('taps');
  for (let tap = 1; tap <= taps; tap++) {
    // A real pointer click; the target jumps after each tap, so wait for the count to move.
    await page.getByTestId('tap-target').click({ timeout: 10_000 });
    await expect.poll(() => counter.innerText(), { timeout: 10_000 }).toBe(String(tap));
  }
  // Every tap landed inside the round: the score the server computes is exactly `taps`.
  expect(await page.getByTestId('game-area').getAttribute('data-state')).toBe('running');
  await shot(page, `${name}-playing`);
  await page
    .getByTestId('result-screen')
    .waitFor({ timeout: (ROUND_S + 20) * 1000 })
    .catch(async (error: unknown) => {
      await shot(page, `${name}-failure`);
      throw new Error(`${String(error)}\n${await page.locator('body').innerText()}`);
    });
  await shot(page, `${name}-result`);
}

describe('the play loop in a browser', () => {
  it('mails a game link, takes the plays from chromium, and mails winners and the rest a new link each', async () => {
    const tier = unique('loop');
    const good = await emailPlayer(tier, 'Win');
    const bad = await emailPlayer(tier, 'Lou');

    // The journey first, so that the plays of the campaign's links enter it.
    const won = await template('Won', 'You won, {{ player.first_name }}');
    const retry = await template('Retry', 'Try again, {{ player.first_name }}');
    const journey = await ok<{ id: string }>(
      post('/api/journeys', {
        name: unique('After the play'),
        graph: {
          trigger: { type: 'game_played', game_id: gameId },
          entry: { rule: 'once' },
          start: 'scored',
          nodes: {
            scored: {
              type: 'condition',
              filter: `event.score=gte.${THRESHOLD}`,
              then: 'won',
              else: 'retry',
            },
            won: { type: 'send', template_id: won.id },
            retry: { type: 'send', template_id: retry.id },
          },
        },
      }),
      201,
    );
    await ok(post(`/api/journeys/${journey.id}/publish`, {}));

    // The campaign: one mail per player, each with a game link of its own.
    const segment = await ok<{ id: string }>(
      post('/api/segments', { name: unique('Loop'), filter: `tier=eq.${tier}` }),
      201,
    );
    const invite = await template('Invite', 'Your game, {{ player.first_name }}');
    const campaign = await ok<{ id: string }>(
      post('/api/campaigns', {
        name: unique('Tap rush'),
        channel: 'email',
        template_id: invite.id,
        audience: { type: 'segment', segment_id: segment.id },
        from_name: 'Casino',
        from_address: 'promo@casino.example',
      }),
      201,
    );
    await ok(
      post('/api/functions/send-campaign', { campaignId: campaign.id, propertyId: c.property.id }),
      202,
    );
    await runCampaign(campaign.id);
    const invites = await Promise.all(
      [good, bad].map((player) => web.smtp.waitFor((mail) => mail.to.includes(player.email))),
    );
    expect(invites.map((mail) => mail.subject)).toEqual(['Your game, Win', 'Your game, Lou']);
    const first = invites.map(gameLink);
    expect(first[0]!.token).not.toBe(first[1]!.token);

    // Both play their link on a phone of their own at once: one well, one badly.
    const [goodPhone, badPhone] = await Promise.all([phone(), phone()]);
    await Promise.all([
      openAndStart(goodPhone, first[0]!.url, 'good').then(() =>
        playTaps(goodPhone, GOOD_TAPS, 'good'),
      ),
      openAndStart(badPhone, first[1]!.url, 'bad').then(() => playTaps(badPhone, BAD_TAPS, 'bad')),
    ]);

    // The plays reach the profiles, and the journey branches on each score.
    await settleJourneys(web.h, { orgId: c.t.org.id, propertyId: c.property.id });
    for (const [player, score] of [
      [good, GOOD_TAPS],
      [bad, BAD_TAPS],
    ] as const) {
      const profile = await ok<{ plays: number; last_score: number | null }>(
        web.h.inject({ method: 'GET', url: `/api/players/${player.id}`, headers: c.pk }),
      );
      expect(profile, player.email).toMatchObject({ plays: 1, last_score: score });
    }
    await deliverJourneyMail();
    const followUps = await Promise.all(
      [good, bad].map((player) =>
        web.smtp.waitFor((mail) => mail.to.includes(player.email) && !invites.includes(mail)),
      ),
    );
    expect(followUps.map((mail) => mail.subject)).toEqual(['You won, Win', 'Try again, Lou']);
    expect(web.smtp.to(good.email)).toHaveLength(2);
    expect(web.smtp.to(bad.email)).toHaveLength(2);
    const again = followUps.map(gameLink);
    const tokens = new Set([...first, ...again].map((link) => link.token));
    expect(tokens.size).toBe(4);

    // Each new link opens a playable page (the first links now say they were used).
    const followed = async (page: Page, url: string, used: string, name: string) => {
      await openAndStart(page, url, name);
      expect(await page.getByTestId('game-area').getAttribute('data-template')).toBe('quick-tap');
      await shot(page, `${name}-game`);
      await page.goto(used);
      await page.locator('[data-testid="error-screen"][data-error="consumed"]').waitFor();
      await page.context().close();
    };
    await Promise.all([
      followed(goodPhone, again[0]!.url, first[0]!.url, 'won'),
      followed(badPhone, again[1]!.url, first[1]!.url, 'retry'),
    ]);

    const stats = await ok<{
      entered: number;
      completed: number;
      nodes: Record<string, Record<string, number>>;
    }>(web.h.inject({ method: 'GET', url: `/api/journeys/${journey.id}/stats`, headers: c.pk }));
    expect(stats).toMatchObject({ entered: 2, completed: 2 });
    expect(stats.nodes.won).toMatchObject({ entered: 1 });
    expect(stats.nodes.retry).toMatchObject({ entered: 1 });
  }, 90_000);
});
