import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unique } from '../../../test/factories.ts';
import { createMailHarness, json, type MailHarness } from '../../../test/harness.ts';
import { settleJourneys } from '../../../test/journeys.ts';
import { completePlay, startPlay } from '../../../test/play.ts';
import { type Casino, makeCasino } from '../../../test/return-path.ts';
import { decodeQuotedPrintable } from '../../../test/smtp.ts';
import type { ManualClock } from '../../lib/clock.ts';
import { deliverCampaign } from '../campaigns/index.ts';

// The closed loop on a simulated clock: a journey mails a player their own game link, waits
// for the play, and branches on what came back; a player who never plays takes the timeout.

const DAY = 86_400_000;

let h: MailHarness;
let c: Casino;
let clock: ManualClock;
beforeAll(async () => {
  h = await createMailHarness({ start: new Date('2026-07-14T16:00:00Z') });
  clock = h.clock as ManualClock;
  await h.deps.jobs.start();
  c = await makeCasino(h);
  const settings = await h.inject({
    method: 'PATCH',
    url: '/api/functions/compliance-settings',
    headers: c.pk,
    payload: { postal_address: '1 Casino Way, Las Vegas NV' },
  });
  expect(settings.statusCode, settings.body).toBe(200);
});
afterAll(async () => {
  await h.close();
});

const post = (url: string, payload: unknown) =>
  h.inject({ method: 'POST', url, headers: c.pk, payload: payload as object });

async function ok<T = Record<string, unknown>>(
  response: Promise<Awaited<ReturnType<typeof post>>>,
  status = 200,
): Promise<T> {
  const answer = await response;
  expect(answer.statusCode, answer.body).toBe(status);
  return json<{ data: T }>(answer).data;
}

async function emailPlayer() {
  const email = `${unique('p')}@example.com`;
  const player = await ok<{ id: string }>(
    post('/api/players', { player_id: unique('c'), email, first_name: 'Ann' }),
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

async function template(subject: string, withLink: boolean) {
  const link = withLink
    ? `<mj-button href="{% game_link game: ${c.gameId} %}">Play</mj-button>`
    : '';
  return ok<{ id: string }>(
    post('/api/templates', {
      name: unique('T'),
      channel: 'email',
      subject,
      body: `<mjml><mj-body><mj-section><mj-column><mj-text>Hi {{ player.first_name }}</mj-text>${link}</mj-column></mj-section></mj-body></mjml>`,
    }),
    201,
  );
}

/** Sends every journey campaign's queued mail, as the sender jobs would. */
async function deliverAll() {
  const campaigns = await h.deps.database.db
    .selectFrom('campaigns')
    .select('id')
    .where('property_id', '=', c.property.id)
    .where('journey_id', 'is not', null)
    .execute();
  for (const campaign of campaigns) await deliverCampaign(h.deps, campaign.id);
}

const settle = async () => {
  await settleJourneys(h, { orgId: c.t.org.id, propertyId: c.property.id });
  await deliverAll();
};

describe('a win-back journey with a game link and a branch on the play', () => {
  it('mails the link, waits for the play, and sends winners and the rest different mails', async () => {
    const invite = await template('Your spin, {{ player.first_name }}', true);
    const played = await template('Thanks for playing', false);
    const missed = await template('We missed you', false);
    const journey = await ok<{ id: string; status: string }>(
      post('/api/journeys', {
        name: unique('Win-back'),
        graph: {
          trigger: { type: 'event', name: 'lapsed' },
          entry: { rule: 'once' },
          start: 'invite',
          nodes: {
            invite: { type: 'send', template_id: invite.id, next: 'wait_play' },
            wait_play: {
              type: 'wait_for_event',
              event: 'play.completed',
              timeout: { days: 3 },
              next: 'did_play',
              on_timeout: 'nudge',
            },
            did_play: {
              type: 'condition',
              filter: 'event.outcome=in.(win,finished)&plays=gte.1',
              then: 'thanks',
              else: 'nudge',
            },
            thanks: { type: 'send', template_id: played.id },
            nudge: { type: 'send', template_id: missed.id, next: 'mark' },
            mark: { type: 'update_profile', set: { 'traits.winback': 'missed' } },
          },
        },
      }),
      201,
    );
    expect(journey.status).toBe('draft');
    const live = await ok<{ status: string; version: number }>(
      post(`/api/journeys/${journey.id}/publish`, {}),
    );
    expect(live).toMatchObject({ status: 'active', version: 1 });

    const player = await emailPlayer();
    const idle = await emailPlayer();
    for (const who of [player, idle]) {
      await ok(
        post('/api/events', { player_id: who.id, name: 'lapsed', event_id: randomUUID() }),
        201,
      );
    }
    await settle();
    const mail = decodeQuotedPrintable(h.smtp.to(player.email)[0]!.raw);
    expect(mail).toContain('Your spin, Ann');
    expect(h.smtp.to(idle.email)).toHaveLength(1);
    const token = /session_token=([0-9a-f-]{36})/i.exec(mail)?.[1];
    expect(token).toBeDefined();

    // The player plays their link the next day.
    clock.advance(DAY);
    const device = randomUUID();
    const started = await startPlay(h, { session_token: token!, game_id: c.gameId }, device);
    expect(started.statusCode, started.body).toBe(200);
    await completePlay(h, json<{ data: { play: { id: number } } }>(started).data.play.id, device);
    await settle();
    expect(h.smtp.to(player.email).map((m) => m.subject)).toEqual([
      'Your spin, Ann',
      'Thanks for playing',
    ]);
    expect(h.smtp.to(idle.email)).toHaveLength(1);

    // Three days pass: the idle player takes the timeout branch.
    clock.advance(3 * DAY);
    await settle();
    expect(h.smtp.to(idle.email).map((m) => m.subject)).toEqual([
      'Your spin, Ann',
      'We missed you',
    ]);
    const profile = await ok<{ traits: Record<string, unknown> }>(
      h.inject({ method: 'GET', url: `/api/players/${idle.id}`, headers: c.pk }),
    );
    expect(profile.traits).toMatchObject({ winback: 'missed' });

    const stats = await ok<{
      entered: number;
      completed: number;
      nodes: Record<string, Record<string, number>>;
    }>(h.inject({ method: 'GET', url: `/api/journeys/${journey.id}/stats`, headers: c.pk }));
    expect(stats).toMatchObject({ entered: 2, completed: 2 });
    expect(stats.nodes.invite).toMatchObject({ entered: 2, passed: 2 });
    expect(stats.nodes.wait_play).toMatchObject({ entered: 2, passed: 2, waiting: 0 });
    expect(stats.nodes.thanks).toMatchObject({ entered: 1 });
    expect(stats.nodes.nudge).toMatchObject({ entered: 1 });
  });
});
