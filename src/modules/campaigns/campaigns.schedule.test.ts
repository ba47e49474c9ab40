import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsOf, expectCatalogValid } from '../../../test/events.ts';
import { makeUser, unique } from '../../../test/factories.ts';
import { createMailHarness, expectError, json, type MailHarness } from '../../../test/harness.ts';
import { type Casino, makeCasino } from '../../../test/return-path.ts';
import type { ManualClock } from '../../lib/clock.ts';
import { createGame } from '../games/index.ts';
import { deliverCampaign } from './campaigns.deliver.ts';
import { planCampaign } from './campaigns.plan.ts';

// Campaigns in time, on a simulated clock: a local-time schedule reaching each recipient at
// 10:00 in their own zone, a plain send_at, a reschedule, a cancel mid-send, and what a deleted
// template or game does to a campaign. Planning and sending are called directly, as the
// workers would call them, so every step happens at a clock time the test chose.
//
// The dates lie after the real date: a scheduled job of these campaigns is never due for a
// real worker on the same database, and their heartbeats never look stalled to its sweep.

let h: MailHarness;
let clock: ManualClock;
let c: Casino;
beforeAll(async () => {
  h = await createMailHarness({ start: new Date('2027-07-14T12:00:00Z') });
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

type Inject = Promise<LightMyRequestResponse>;

async function ok<T = Record<string, unknown>>(response: Inject, status = 200): Promise<T> {
  const answer = await response;
  expect(answer.statusCode, answer.body).toBe(status);
  return json<{ data: T }>(answer).data;
}

const post = (url: string, payload: object) =>
  h.inject({ method: 'POST', url, headers: c.pk, payload });

interface Player {
  id: string;
  email: string;
}

/** A player with email consent captured before any clock time these tests use. */
async function player(timezone?: string, consent = true): Promise<Player> {
  const email = `${unique('p')}@example.com`;
  const { id } = await ok<{ id: string }>(
    post('/api/players', {
      player_id: unique('c'),
      email,
      first_name: 'Ann',
      ...(timezone ? { timezone } : {}),
    }),
    201,
  );
  if (consent) {
    await ok(
      post('/api/functions/record-consent', {
        consents: [
          {
            player_id: id,
            channel: 'email',
            address: email,
            consent_type: 'email_opt_in',
            purpose: 'marketing',
            captured_at: '2027-01-01T00:00:00Z',
          },
        ],
      }),
      201,
    );
  }
  return { id, email };
}

async function template(body = 'Hi {{ player.first_name }}'): Promise<string> {
  const made = await ok<{ id: string }>(
    post('/api/templates', {
      name: unique('Tpl'),
      channel: 'email',
      subject: 'News',
      body: `<mjml><mj-body><mj-section><mj-column><mj-text>${body}</mj-text></mj-column></mj-section></mj-body></mjml>`,
    }),
    201,
  );
  return made.id;
}

async function campaign(players: Player[], templateId?: string): Promise<string> {
  const made = await ok<{ id: string; status: string }>(
    post('/api/campaigns', {
      name: unique('Campaign'),
      channel: 'email',
      template_id: templateId ?? (await template()),
      audience: { type: 'players', player_ids: players.map((p) => p.id) },
      from_address: 'promo@casino.example',
    }),
    201,
  );
  expect(made.status).toBe('draft');
  return made.id;
}

interface CampaignView {
  status: string;
  send_at: string | null;
  template_id: string | null;
  template_version: number | null;
  failure: string | null;
  counts: Record<string, number>;
}

interface MessageView {
  id: string;
  player_id: string;
  status: string;
  send_after: string;
  sent_at: string | null;
}

const getCampaign = (id: string) =>
  ok<CampaignView>(h.inject({ method: 'GET', url: `/api/campaigns/${id}`, headers: c.pk }));

async function messagesOf(id: string): Promise<Map<string, MessageView>> {
  const list = await ok<MessageView[]>(
    h.inject({ method: 'GET', url: `/api/messages?campaign_id=${id}`, headers: c.pk }),
  );
  return new Map(list.map((message) => [message.player_id, message]));
}

const schedule = (payload: Record<string, unknown>) =>
  ok<CampaignView>(post('/api/functions/schedule-campaign', payload));

/** The campaign's events of a type, each checked against the catalog. */
async function campaignEvents(id: string, type: 'campaign.sending' | 'campaign.finished') {
  const events = (await eventsOf(h, { propertyId: c.property.id }, type)).filter(
    (event) => event.data.campaign_id === id,
  );
  events.forEach(expectCatalogValid);
  return events;
}

const mailsTo = (players: Player[]) => players.map((p) => h.smtp.to(p.email).length);

describe('a local-time schedule', () => {
  // 10:00 on 15 July 2027 in each zone (summer time in New York, London and Chicago).
  const at = {
    bangkok: '2027-07-15T03:00:00.000Z',
    london: '2027-07-15T09:00:00.000Z',
    newYork: '2027-07-15T14:00:00.000Z',
    chicago: '2027-07-15T15:00:00.000Z',
  };
  // The first zone to reach 10:00 is UTC+14.
  const start = '2027-07-14T20:00:00.000Z';
  let people: { newYork: Player; london: Player; bangkok: Player; chicago: Player };
  let all: Player[];
  let id: string;

  beforeAll(async () => {
    clock.set(new Date('2027-07-14T12:00:00Z'));
    people = {
      newYork: await player('America/New_York'),
      london: await player('Europe/London'),
      bangkok: await player('Asia/Bangkok'),
      chicago: await player(), // no zone: the fallback's
    };
    all = [people.newYork, people.london, people.bangkok, people.chicago];
    id = await campaign(all);
    const scheduled = await schedule({
      campaign_id: id,
      local_date: '2027-07-15',
      local_time: '10:00',
      fallback_time_zone: 'America/Chicago',
    });
    expect(scheduled).toMatchObject({ status: 'scheduled', send_at: start });
  });

  it('does not start before its first zone reaches the time', async () => {
    clock.set(new Date(Date.parse(start) - 1000));
    expect(await planCampaign(h.deps, id)).toEqual({ next: 'none' });
    expect((await getCampaign(id)).status).toBe('scheduled');
    expect((await messagesOf(id)).size).toBe(0);
    expect(await campaignEvents(id, 'campaign.sending')).toHaveLength(0);
  });

  it("starts at send_at with each message due at 10:00 in its player's zone", async () => {
    clock.set(new Date(start));
    expect(await planCampaign(h.deps, id)).toEqual({ next: 'deliver' });
    expect((await getCampaign(id)).status).toBe('sending');
    expect(await campaignEvents(id, 'campaign.sending')).toHaveLength(1);
    const messages = await messagesOf(id);
    expect(messages.size).toBe(4);
    for (const [zone, p] of Object.entries(people)) {
      const message = messages.get(p.id);
      expect(message?.status, zone).toBe('queued');
      expect(message?.send_after, zone).toBe(at[zone as keyof typeof at]);
    }
    // Nothing is due yet: the sender waits for Bangkok.
    expect(await deliverCampaign(h.deps, id)).toEqual({ next: 'later', at: new Date(at.bangkok) });
    expect(mailsTo(all)).toEqual([0, 0, 0, 0]);
  });

  it('sends only the zones whose 10:00 has come, and waits for the next', async () => {
    clock.set(new Date('2027-07-15T05:00:00Z'));
    expect(await deliverCampaign(h.deps, id)).toEqual({ next: 'later', at: new Date(at.london) });
    expect(h.smtp.to(people.bangkok.email)).toHaveLength(1);
    expect(mailsTo([people.newYork, people.london, people.chicago])).toEqual([0, 0, 0]);
    expect((await messagesOf(id)).get(people.bangkok.id)).toMatchObject({
      status: 'sent',
      sent_at: '2027-07-15T05:00:00.000Z',
    });
  });

  it('sends each zone at its time as the clock moves, and ends sent after the last', async () => {
    // Bangkok's mail went out at 05:00, in the test before.
    const arrived = new Map([['bangkok', '2027-07-15T05:00:00.000Z']]);
    const waits: string[] = [];
    // Half-hour steps from 05:30 to 16:00 UTC.
    for (let step = 1; step <= 22; step++) {
      clock.set(new Date(Date.parse('2027-07-15T05:00:00Z') + step * 1_800_000));
      const now = clock.now().toISOString();
      const result = await deliverCampaign(h.deps, id);
      if (result.next === 'later') waits.push(result.at.toISOString());
      for (const [zone, p] of Object.entries(people)) {
        if (!arrived.has(zone) && h.smtp.to(p.email).length > 0) arrived.set(zone, now);
      }
      const status = (await getCampaign(id)).status;
      expect(status, now).toBe(now < at.chicago ? 'sending' : 'sent');
      expect(result.next, now).toBe(now < at.chicago ? 'later' : 'done');
    }
    expect(Object.fromEntries(arrived)).toEqual({
      bangkok: '2027-07-15T05:00:00.000Z',
      london: at.london,
      newYork: at.newYork,
      chicago: at.chicago,
    });
    expect(new Set(waits)).toEqual(new Set([at.london, at.newYork, at.chicago]));
    expect(mailsTo(all)).toEqual([1, 1, 1, 1]);

    const messages = await messagesOf(id);
    for (const [zone, p] of Object.entries(people)) {
      if (zone === 'bangkok') continue;
      expect(messages.get(p.id), zone).toMatchObject({
        status: 'sent',
        sent_at: at[zone as keyof typeof at],
      });
    }
    const finished = await campaignEvents(id, 'campaign.finished');
    expect(finished).toHaveLength(1);
    expect(finished[0]!.data).toMatchObject({
      status: 'sent',
      failure: null,
      counts: { sent: 4, queued: 0, skipped: 0, failed: 0 },
      finished_at: at.chicago,
    });
    expect(await deliverCampaign(h.deps, id)).toEqual({ next: 'done' });
  });
});

describe('a schedule at one moment', () => {
  it('sends nothing before send_at and everything after', async () => {
    clock.set(new Date('2027-08-01T12:00:00Z'));
    const players = [await player('Asia/Tokyo'), await player()];
    const id = await campaign(players);
    const sendAt = '2027-08-01T13:00:00.000Z';
    expect(await schedule({ campaign_id: id, send_at: sendAt })).toMatchObject({
      status: 'scheduled',
      send_at: sendAt,
    });

    clock.set(new Date(Date.parse(sendAt) - 1000));
    expect(await planCampaign(h.deps, id)).toEqual({ next: 'none' });
    expect(await deliverCampaign(h.deps, id)).toEqual({ next: 'done' });
    expect((await getCampaign(id)).status).toBe('scheduled');
    expect((await messagesOf(id)).size).toBe(0);
    expect(mailsTo(players)).toEqual([0, 0]);

    clock.set(new Date(Date.parse(sendAt) + 1000));
    expect(await planCampaign(h.deps, id)).toEqual({ next: 'deliver' });
    const messages = await messagesOf(id);
    // One moment for everyone, whatever their zone: the moment planning ran.
    for (const p of players) {
      expect(messages.get(p.id)?.send_after).toBe('2027-08-01T13:00:01.000Z');
    }
    expect(await deliverCampaign(h.deps, id)).toEqual({ next: 'done' });
    expect(mailsTo(players)).toEqual([1, 1]);
    expect(await getCampaign(id)).toMatchObject({ status: 'sent', counts: { sent: 2 } });
  });
});

describe('rescheduling', () => {
  it('moves the start: the first time passes and nothing starts', async () => {
    clock.set(new Date('2027-08-02T12:00:00Z'));
    const players = [await player('Europe/Paris')];
    const id = await campaign(players);
    await schedule({ campaign_id: id, send_at: '2027-08-02T13:00:00Z' });
    const later = '2027-08-02T15:00:00.000Z';
    expect(await schedule({ campaign_id: id, send_at: later })).toMatchObject({
      status: 'scheduled',
      send_at: later,
    });

    // The first schedule's job runs at its time: the campaign is not due, nothing happens.
    clock.set(new Date('2027-08-02T13:00:00Z'));
    expect(await planCampaign(h.deps, id)).toEqual({ next: 'none' });
    clock.set(new Date('2027-08-02T14:59:59Z'));
    expect(await planCampaign(h.deps, id)).toEqual({ next: 'none' });
    expect((await getCampaign(id)).status).toBe('scheduled');
    expect((await messagesOf(id)).size).toBe(0);
    expect(await campaignEvents(id, 'campaign.sending')).toHaveLength(0);

    clock.set(new Date(later));
    expect(await planCampaign(h.deps, id)).toEqual({ next: 'deliver' });
    expect(await deliverCampaign(h.deps, id)).toEqual({ next: 'done' });
    expect(mailsTo(players)).toEqual([1]);
    const sending = await campaignEvents(id, 'campaign.sending');
    expect(sending).toHaveLength(1);
    expect(sending[0]!.data.started_at).toBe(later);
  });
});

describe('cancelling a campaign that is sending', () => {
  it('cancels its queued messages, mails nothing more and recounts', async () => {
    clock.set(new Date('2027-08-03T12:00:00Z'));
    const allowed = [await player(), await player(), await player()];
    const refused = await player(undefined, false);
    const id = await campaign([...allowed, refused]);
    const sent = await h.inject({
      method: 'POST',
      url: '/api/functions/send-campaign',
      headers: c.pk,
      payload: { campaignId: id, propertyId: c.property.id },
    });
    expect(sent.statusCode, sent.body).toBe(202);
    expect(await planCampaign(h.deps, id)).toEqual({ next: 'deliver' });
    expect(await getCampaign(id)).toMatchObject({
      status: 'sending',
      counts: { queued: 3, skipped: 1, sent: 0 },
    });

    clock.advance(1000);
    const cancelled = await ok<CampaignView>(
      post('/api/functions/cancel-campaign', { campaign_id: id }),
    );
    expect(cancelled).toMatchObject({
      status: 'cancelled',
      counts: { queued: 0, skipped: 1, sent: 0, failed: 0 },
    });
    const messages = await messagesOf(id);
    for (const p of allowed) expect(messages.get(p.id)?.status).toBe('cancelled');
    expect(messages.get(refused.id)?.status).toBe('skipped');

    clock.advance(60_000);
    expect(await deliverCampaign(h.deps, id)).toEqual({ next: 'done' });
    expect(await planCampaign(h.deps, id)).toEqual({ next: 'none' });
    expect(mailsTo([...allowed, refused])).toEqual([0, 0, 0, 0]);
    for (const p of allowed) expect((await messagesOf(id)).get(p.id)?.status).toBe('cancelled');

    const finished = await campaignEvents(id, 'campaign.finished');
    expect(finished).toHaveLength(1);
    expect(finished[0]!.data).toMatchObject({
      status: 'cancelled',
      failure: null,
      counts: { queued: 0, skipped: 1, sent: 0 },
      finished_at: '2027-08-03T12:00:01.000Z',
    });
    // It ended: cancelling again is a conflict, and records nothing.
    expectError(await post('/api/functions/cancel-campaign', { campaign_id: id }), 409, 'conflict');
    expect(await campaignEvents(id, 'campaign.finished')).toHaveLength(1);
  });
});

describe('a deleted template', () => {
  it('leaves a sent campaign and its messages, with template_id null', async () => {
    clock.set(new Date('2027-08-04T12:00:00Z'));
    const players = [await player(), await player()];
    const templateId = await template('Deleted later');
    const id = await campaign(players, templateId);
    const sent = await post('/api/functions/send-campaign', {
      campaignId: id,
      propertyId: c.property.id,
    });
    expect(sent.statusCode, sent.body).toBe(202);
    expect(await planCampaign(h.deps, id)).toEqual({ next: 'deliver' });
    expect(await deliverCampaign(h.deps, id)).toEqual({ next: 'done' });

    const deleted = await h.inject({
      method: 'DELETE',
      url: `/api/templates/${templateId}`,
      headers: c.pk,
    });
    expect(deleted.statusCode, deleted.body).toBe(200);
    const after = await getCampaign(id);
    expect(after).toMatchObject({
      status: 'sent',
      template_id: null,
      template_version: 1,
      counts: { sent: 2 },
    });
    const messages = await messagesOf(id);
    expect([...messages.values()].map((m) => m.status)).toEqual(['sent', 'sent']);
    const one = await ok<{ html: string }>(
      h.inject({
        method: 'GET',
        url: `/api/messages/${messages.get(players[0]!.id)!.id}`,
        headers: c.pk,
      }),
    );
    expect(one.html).toContain('Deleted later');
  });

  it('makes sending or scheduling a draft that used it a 409', async () => {
    clock.set(new Date('2027-08-04T13:00:00Z'));
    const templateId = await template();
    const id = await campaign([await player()], templateId);
    const deleted = await h.inject({
      method: 'DELETE',
      url: `/api/templates/${templateId}`,
      headers: c.pk,
    });
    expect(deleted.statusCode, deleted.body).toBe(200);
    expect((await getCampaign(id)).template_id).toBeNull();
    const body = expectError(
      await post('/api/functions/send-campaign', { campaignId: id, propertyId: c.property.id }),
      409,
      'conflict',
    );
    expect(body.error).toMatch(/template was deleted/);
    expectError(
      await post('/api/functions/schedule-campaign', {
        campaign_id: id,
        send_at: '2027-08-05T00:00:00Z',
      }),
      409,
      'conflict',
    );
    expect((await getCampaign(id)).status).toBe('draft');
    expect(await campaignEvents(id, 'campaign.sending')).toHaveLength(0);
  });
});

describe('a game deleted between schedule and start', () => {
  it('fails the campaign, naming the game, and sends nothing', async () => {
    clock.set(new Date('2027-08-05T12:00:00Z'));
    const game = await createGame(h.deps, c.t.org.id, { title: unique('Wheel') });
    const players = [await player()];
    const templateId = await template(
      `<a href="{% game_link game: ${game.id} %}">Spin</a> {{ player.first_name }}`,
    );
    const id = await campaign(players, templateId);
    await schedule({ campaign_id: id, send_at: '2027-08-05T13:00:00Z' });

    // A login now: the casino owner's token has expired on the moved clock.
    const editor = await makeUser(h, c.t.org.id, 'Editor');
    const deleted = await h.inject({
      method: 'DELETE',
      url: `/api/games/${game.id}?org_id=${c.t.org.id}`,
      headers: editor.auth,
    });
    expect(deleted.statusCode, deleted.body).toBe(200);

    clock.set(new Date('2027-08-05T13:00:00Z'));
    expect(await planCampaign(h.deps, id)).toEqual({ next: 'none' });
    const failed = await getCampaign(id);
    expect(failed.status).toBe('failed');
    expect(failed.failure).toContain(`game ${game.id}`);
    expect((await messagesOf(id)).size).toBe(0);
    expect(await deliverCampaign(h.deps, id)).toEqual({ next: 'done' });
    expect(mailsTo(players)).toEqual([0]);
    const finished = await campaignEvents(id, 'campaign.finished');
    expect(finished).toHaveLength(1);
    expect(finished[0]!.data).toMatchObject({ status: 'failed', failure: failed.failure });
  });
});
