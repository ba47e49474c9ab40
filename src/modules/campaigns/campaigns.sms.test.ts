import { createHmac, randomBytes, randomInt, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unique } from '../../../test/factories.ts';
import { createHarness, type Harness, json } from '../../../test/harness.ts';
import { completePlay, startPlay } from '../../../test/play.ts';
import { type Casino, dispatchEvents, makeCasino } from '../../../test/return-path.ts';
import {
  startTwilioServer,
  type TwilioMessage,
  type TwilioServer,
} from '../../../test/twilio-server.ts';
import { deliverCampaign } from './campaigns.deliver.ts';
import { planCampaign } from './campaigns.plan.ts';

// SMS campaigns end to end against a local server speaking Twilio's Messages API: the pre-send
// check deciding who is texted, each text carrying its own short link to its own session,
// delivery statuses and a STOP reply posted back signed as Twilio does, and what the sender does
// when the provider fails for a while or refuses for good.

const PUBLIC_URL = 'http://playloop.test';
const FROM = '+17025550100';
/** 20:10 in New York on a Tuesday: federal hours allow a text (until 21:00), Florida's (20:00) not. */
const START = new Date('2026-07-15T00:10:00Z');

let h: Harness;
let twilio: TwilioServer;
const realFetch = globalThis.fetch;

/**
 * The fake Twilio server posts its callbacks (and inbound replies) to PUBLIC_URL, a host that only
 * exists inside this process: those requests go into the app through `inject`, signature and
 * all; every other request (the app's own calls to the fake server) goes out as usual.
 */
const routedFetch: typeof fetch = async (input, init) => {
  const target = new URL(input instanceof Request ? input.url : input.toString());
  if (target.origin !== PUBLIC_URL) return realFetch(input, init);
  const answer = await h.inject({
    method: 'POST',
    url: `${target.pathname}${target.search}`,
    headers: init?.headers as Record<string, string>,
    payload: typeof init?.body === 'string' ? init.body : '',
    remoteAddress: '203.0.113.7',
  });
  const empty = answer.statusCode === 204 || answer.body === '';
  return new Response(empty ? null : answer.body, {
    status: answer.statusCode,
    headers: { 'content-type': String(answer.headers['content-type'] ?? '') },
  });
};

beforeAll(async () => {
  twilio = await startTwilioServer();
  h = await createHarness({ start: START, config: { twilioBaseUrl: twilio.url } });
  await h.deps.jobs.start();
  globalThis.fetch = routedFetch;
});
afterAll(async () => {
  globalThis.fetch = realFetch;
  await h?.close();
  await twilio?.close();
});

async function ok<T = Record<string, unknown>>(
  response: Promise<Awaited<ReturnType<Harness['inject']>>>,
  status = 200,
): Promise<T> {
  const answer = await response;
  expect(answer.statusCode, answer.body).toBe(status);
  return json<{ data: T }>(answer).data;
}

const post = (c: Casino, url: string, payload: object) =>
  h.inject({ method: 'POST', url, headers: c.pk, payload });

/** A random IPv6 address: its own counters for the per-address limits. */
const randomIpv6 = () => Array.from({ length: 8 }, () => randomBytes(2).toString('hex')).join(':');

/** New York (212) or Miami (305) numbers, unique within the run. */
const usedPhones = new Set<string>();
function phone(area: '212' | '305'): string {
  for (;;) {
    const number = `+1${area}555${String(randomInt(10_000)).padStart(4, '0')}`;
    if (!usedPhones.has(number)) {
      usedPhones.add(number);
      return number;
    }
  }
}

interface SmsCasino extends Casino {
  program: string;
  /** The auth token the property's callbacks are signed with. */
  authToken: string;
}

/** A casino whose SMS go through the fake Twilio account (or, `sender: false`, nowhere). */
async function smsCasino(sender: 'twilio' | 'incomplete' = 'twilio'): Promise<SmsCasino> {
  const c = await makeCasino(h);
  const program = unique('Lucky Club SMS');
  const authToken = sender === 'twilio' ? twilio.authToken : randomBytes(16).toString('hex');
  await ok(
    h.inject({
      method: 'PATCH',
      url: '/api/functions/compliance-settings',
      headers: c.pk,
      payload:
        sender === 'twilio'
          ? {
              sms_account_sid: twilio.accountSid,
              sms_auth_token: authToken,
              sms_from: FROM,
              sms_program_name: program,
            }
          : // A number and a token, but no account: not enough to send through a provider.
            { sms_auth_token: authToken, sms_from: FROM, sms_program_name: program },
    }),
  );
  return { ...c, program, authToken };
}

interface SmsPlayer {
  id: string;
  phone: string;
}

/** A New York player by default; `florida` lives in Miami (Florida's quiet hours). */
async function smsPlayer(
  c: SmsCasino,
  consent: 'grant' | 'revoke' | null,
  place: 'new-york' | 'florida' = 'new-york',
): Promise<SmsPlayer> {
  const number = phone(place === 'florida' ? '305' : '212');
  const created = await post(c, '/api/players', {
    player_id: unique('c'),
    phone: number,
    first_name: 'Ann',
    timezone: 'America/New_York',
    state: place === 'florida' ? 'FL' : 'NY',
  });
  expect(created.statusCode, created.body).toBe(201);
  const id = json<{ data: { id: string } }>(created).data.id;
  const day = 86_400_000;
  if (consent) {
    await ok(
      post(c, '/api/functions/record-consent', {
        consents: [
          {
            player_id: id,
            channel: 'sms',
            consent_type: 'pewc',
            purpose: 'marketing',
            program: c.program,
            disclosure_version: 'sms-terms-v3',
            captured_at: new Date(START.getTime() - 10 * day).toISOString(),
          },
          ...(consent === 'revoke'
            ? [
                {
                  player_id: id,
                  channel: 'sms',
                  action: 'revoke',
                  program: c.program,
                  captured_at: new Date(START.getTime() - 2 * day).toISOString(),
                },
              ]
            : []),
        ],
      }),
      201,
    );
  }
  return { id, phone: number };
}

/** An SMS campaign of a one-link GSM-7 template to these players, started (status sending). */
async function startCampaign(c: SmsCasino, players: readonly SmsPlayer[]): Promise<string> {
  const template = await ok<{ id: string }>(
    post(c, '/api/templates', {
      name: unique('Spin'),
      channel: 'sms',
      body: `Lucky Club: {{ player.first_name }}, your free spin is waiting: {% game_link game: ${c.gameId}, short: true %} Reply STOP to opt out`,
    }),
    201,
  );
  const campaign = await ok<{ id: string }>(
    post(c, '/api/campaigns', {
      name: unique('Spin SMS'),
      channel: 'sms',
      template_id: template.id,
      audience: { type: 'players', player_ids: players.map((p) => p.id) },
    }),
    201,
  );
  await ok(
    post(c, '/api/functions/send-campaign', {
      campaignId: campaign.id,
      propertyId: c.property.id,
    }),
    202,
  );
  return campaign.id;
}

async function plan(id: string): Promise<void> {
  for (let round = 0; round < 20; round++) {
    if ((await planCampaign(h.deps, id)).next !== 'plan') return;
  }
  throw new Error(`campaign ${id} is still planning`);
}

/** Plans and sends to the end, as the workers would (no timers). */
async function runCampaign(id: string): Promise<void> {
  await plan(id);
  for (let round = 0; round < 20; round++) {
    const sent = await deliverCampaign(h.deps, id);
    if (sent.next === 'done') return;
    if (sent.next === 'later') throw new Error(`campaign ${id} waits until ${sent.at.toJSON()}`);
  }
  throw new Error(`campaign ${id} did not finish`);
}

interface Message {
  id: string;
  player_id: string;
  status: string;
  skip_reasons: string[];
  to_address: string | null;
  provider: string | null;
  provider_id: string | null;
  sms_segments: number | null;
  sms_encoding: string | null;
  error: string | null;
  attempts: number;
  send_after: string;
  sent_at: string | null;
  delivered_at: string | null;
  bounced_at: string | null;
  failed_at: string | null;
  clicked_at: string | null;
  body?: string | null;
}

async function messagesOf(c: Casino, campaignId: string): Promise<Map<string, Message>> {
  const list = await ok<Message[]>(
    h.inject({ method: 'GET', url: `/api/messages?campaign_id=${campaignId}`, headers: c.pk }),
  );
  return new Map(list.map((m) => [m.player_id, m]));
}

const messageOf = (c: Casino, id: string) =>
  ok<Message>(h.inject({ method: 'GET', url: `/api/messages/${id}`, headers: c.pk }));

const campaignOf = (c: Casino, id: string) =>
  ok<{ status: string; counts: Record<string, number> }>(
    h.inject({ method: 'GET', url: `/api/campaigns/${id}`, headers: c.pk }),
  );

/** The texts the fake Twilio account took for a number (not the TwiML answers to replies). */
const textsTo = (to: string): TwilioMessage[] =>
  twilio.messages.filter((m) => m.to === to && m.direction === 'outbound-api');

/** Events of a type about one message. */
async function eventsOf(type: string, messageId: string) {
  return h.deps.database.db
    .selectFrom('events')
    .select(['type', 'payload'])
    .where('type', '=', type)
    .where(sql<string>`payload->>'message_id'`, '=', messageId)
    .execute();
}

/** Twilio's webhook signature, computed here as Twilio documents it. */
function twilioSignature(token: string, url: string, params: Record<string, string>): string {
  let data = url;
  for (const key of Object.keys(params).sort()) data += key + params[key];
  return createHmac('sha1', token).update(data, 'utf8').digest('base64');
}

/** A status callback posted straight into the app, signed with `token` (or not at all). */
function statusCallback(
  path: string,
  params: Record<string, string>,
  token: string | null,
  signature?: string,
) {
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
  };
  if (token) headers['x-twilio-signature'] = twilioSignature(token, `${PUBLIC_URL}${path}`, params);
  if (signature) headers['x-twilio-signature'] = signature;
  return h.inject({
    method: 'POST',
    url: path,
    headers,
    payload: new URLSearchParams(params).toString(),
    remoteAddress: randomIpv6(),
  });
}

const SHORT_LINK = /http:\/\/playloop\.test\/l\/([0-9A-Za-z]{10})(?![0-9A-Za-z])/;

describe('an SMS campaign to players with mixed consent', () => {
  let c: SmsCasino;
  let allowed: SmsPlayer[];
  let noConsent: SmsPlayer;
  let revoked: SmsPlayer;
  let quiet: SmsPlayer;
  let campaignId: string;

  beforeAll(async () => {
    c = await smsCasino();
    allowed = [await smsPlayer(c, 'grant'), await smsPlayer(c, 'grant')];
    noConsent = await smsPlayer(c, null);
    revoked = await smsPlayer(c, 'revoke');
    quiet = await smsPlayer(c, 'grant', 'florida');
    campaignId = await startCampaign(c, [...allowed, noConsent, revoked, quiet]);
    await runCampaign(campaignId);
  });

  it('texts exactly the players the check allows, each once with a short link of its own', async () => {
    const codes = allowed.map((player) => {
      const texts = textsTo(player.phone);
      expect(texts, player.phone).toHaveLength(1);
      expect(texts[0]).toMatchObject({ from: FROM, accountSid: twilio.accountSid });
      expect(texts[0]!.body).toMatch(/^Lucky Club: Ann, your free spin is waiting: /);
      const code = SHORT_LINK.exec(texts[0]!.body)?.[1];
      expect(code, texts[0]!.body).toBeDefined();
      return code!;
    });
    expect(new Set(codes).size).toBe(2);
    for (const player of [noConsent, revoked, quiet]) expect(textsTo(player.phone)).toEqual([]);

    const messages = await messagesOf(c, campaignId);
    expect(messages.size).toBe(5);
    for (const player of allowed) {
      const message = messages.get(player.id)!;
      const text = textsTo(player.phone)[0]!;
      expect(message).toMatchObject({
        status: 'sent',
        to_address: player.phone,
        provider: 'twilio',
        provider_id: text.sid,
        sms_encoding: 'gsm7',
        sms_segments: text.numSegments,
        attempts: 1,
        error: null,
      });
      expect(message.sms_segments).toBe(1);
      // Twilio is told where to post this message's statuses: the app, naming the message.
      expect(text.statusCallback).toBe(
        `${PUBLIC_URL}/api/sms/status/${c.property.id}?ref=${message.id}`,
      );
      expect((await messageOf(c, message.id)).body).toBe(text.body);
    }
    expect(messages.get(noConsent.id)).toMatchObject({
      status: 'skipped',
      skip_reasons: ['no_consent'],
      provider: null,
    });
    expect(messages.get(revoked.id)).toMatchObject({
      status: 'skipped',
      skip_reasons: ['revoked'],
    });
    expect(messages.get(quiet.id)).toMatchObject({
      status: 'skipped',
      skip_reasons: ['quiet_hours'],
    });

    const campaign = await campaignOf(c, campaignId);
    expect(campaign.status).toBe('sent');
    expect(campaign.counts).toMatchObject({ sent: 2, skipped: 3, queued: 0, failed: 0 });
  });

  it("follows a short link to the recipient's own session, and the play lands on that player", async () => {
    const [first, second] = allowed as [SmsPlayer, SmsPlayer];
    const code = SHORT_LINK.exec(textsTo(first.phone)[0]!.body)![1]!;
    const followed = await h.inject({ method: 'GET', url: `/l/${code}` });
    expect(followed.statusCode, followed.body).toBe(302);
    const location = String(followed.headers.location);
    expect(location).toMatch(
      new RegExp(
        `^http://playloop\\.test/play/game/${c.gameId}\\?session_token=[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`,
      ),
    );
    const messages = await messagesOf(c, campaignId);
    expect(messages.get(first.id)).toMatchObject({ status: 'clicked' });
    expect(messages.get(first.id)!.clicked_at).not.toBeNull();
    expect(messages.get(second.id)).toMatchObject({ status: 'sent', clicked_at: null });
    expect((await campaignOf(c, campaignId)).counts.clicked).toBe(1);
    const clicks = await eventsOf('message.clicked', messages.get(first.id)!.id);
    expect(clicks).toHaveLength(1);

    const token = new URL(location).searchParams.get('session_token')!;
    const device = randomUUID();
    const started = await startPlay(h, { session_token: token, game_id: c.gameId }, device);
    expect(started.statusCode, started.body).toBe(200);
    const playId = json<{ data: { play: { id: number } } }>(started).data.play.id;
    await completePlay(h, playId, device);
    await dispatchEvents(h, c.t.org.id);
    for (const [player, plays] of [
      [first, 1],
      [second, 0],
    ] as const) {
      const profile = await ok<{ plays: number }>(
        h.inject({ method: 'GET', url: `/api/players/${player.id}`, headers: c.pk }),
      );
      expect(profile.plays, player.phone).toBe(plays);
    }
  });

  it('answers 404 for an unknown code, and 429 from the 31st bad code of one address', async () => {
    const unknown = await h.inject({
      method: 'GET',
      url: '/l/ZZZZZZZZZZ',
      remoteAddress: randomIpv6(),
    });
    expect(unknown.statusCode, unknown.body).toBe(404);
    const guesser = randomIpv6();
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) {
      const guess = await h.inject({
        method: 'GET',
        url: `/l/${randomBytes(5).toString('hex')}`,
        remoteAddress: guesser,
      });
      statuses.push(guess.statusCode);
    }
    expect(statuses).toEqual([...Array<number>(30).fill(404), 429]);
    // The limit is the guesser's: a real link still works from elsewhere.
    const code = SHORT_LINK.exec(textsTo(allowed[1]!.phone)[0]!.body)![1]!;
    const real = await h.inject({ method: 'GET', url: `/l/${code}`, remoteAddress: randomIpv6() });
    expect(real.statusCode).toBe(302);
  });

  it('skips a player who replied STOP in the next campaign to the same audience', async () => {
    const [stopper, stayer] = allowed as [SmsPlayer, SmsPlayer];
    const reply = await twilio.inbound(`${PUBLIC_URL}/api/sms/inbound/${c.property.id}`, {
      from: stopper.phone,
      to: FROM,
      body: 'STOP',
    });
    expect(reply.status, reply.body).toBe(200);
    expect(reply.body).toContain(`You are unsubscribed from ${c.program}`);

    const again = await startCampaign(c, [...allowed, noConsent, revoked, quiet]);
    await runCampaign(again);
    const messages = await messagesOf(c, again);
    expect(messages.get(stopper.id)).toMatchObject({
      status: 'skipped',
      skip_reasons: ['revoked'],
    });
    expect(messages.get(stayer.id)).toMatchObject({ status: 'sent', provider: 'twilio' });
    expect(textsTo(stopper.phone)).toHaveLength(1); // the first campaign's only
    expect(textsTo(stayer.phone)).toHaveLength(2);
    // The confirmation went back to the number as the answer to its reply.
    expect(
      twilio.messages.filter((m) => m.to === stopper.phone && m.direction === 'outbound-reply'),
    ).toHaveLength(1);
  });
});

describe('delivery status callbacks', () => {
  let c: SmsCasino;
  let players: SmsPlayer[];
  let campaignId: string;
  let messages: Map<string, Message>;

  beforeAll(async () => {
    c = await smsCasino();
    players = [
      await smsPlayer(c, 'grant'),
      await smsPlayer(c, 'grant'),
      await smsPlayer(c, 'grant'),
    ];
    campaignId = await startCampaign(c, players);
    await runCampaign(campaignId);
    messages = await messagesOf(c, campaignId);
  });

  const sidOf = (player: SmsPlayer) => messages.get(player.id)!.provider_id!;
  const messageIdOf = (player: SmsPlayer) => messages.get(player.id)!.id;

  it('marks a message delivered once, counted once, with one message.delivered event', async () => {
    const player = players[0]!;
    const at = h.clock.now();
    const answers = await twilio.progress(sidOf(player), 'delivered');
    expect(answers.map((a) => a.status)).toEqual([204, 204, 204]);
    const delivered = await messageOf(c, messageIdOf(player));
    expect(delivered.status).toBe('delivered');
    expect(delivered.delivered_at).toBe(at.toISOString());
    expect((await campaignOf(c, campaignId)).counts).toMatchObject({ delivered: 1, sent: 3 });
    const events = await eventsOf('message.delivered', messageIdOf(player));
    expect(events).toHaveLength(1);
    expect(events[0]!.payload).toMatchObject({
      campaign_id: campaignId,
      player_id: player.id,
      channel: 'sms',
      provider: 'twilio',
    });

    // Twilio repeats itself: the same callback again, and a late `sent`, change nothing.
    h.clock.advance(5_000);
    expect((await twilio.postStatus(sidOf(player), 'delivered')).status).toBe(204);
    expect((await twilio.postStatus(sidOf(player), 'sent')).status).toBe(204);
    expect(await messageOf(c, messageIdOf(player))).toEqual(delivered);
    expect((await campaignOf(c, campaignId)).counts).toMatchObject({ delivered: 1 });
    expect(await eventsOf('message.delivered', messageIdOf(player))).toHaveLength(1);
  });

  it('marks an undelivered message bounced with the carrier error', async () => {
    const player = players[1]!;
    await twilio.progress(sidOf(player), 'undelivered');
    const bounced = await messageOf(c, messageIdOf(player));
    expect(bounced.status).toBe('bounced');
    expect(bounced.bounced_at).not.toBeNull();
    expect(bounced.error).toMatch(/undelivered.*30003/);
    expect((await campaignOf(c, campaignId)).counts).toMatchObject({ bounced: 1, delivered: 1 });
    const failed = await eventsOf('message.failed', messageIdOf(player));
    expect(failed).toHaveLength(1);
    expect(JSON.stringify(failed[0]!.payload)).toContain('30003');
  });

  it('refuses an unsigned or wrongly signed callback with 403 and changes nothing', async () => {
    const player = players[2]!;
    const path = `/api/sms/status/${c.property.id}?ref=${messageIdOf(player)}`;
    const params = {
      AccountSid: twilio.accountSid,
      MessageSid: sidOf(player),
      MessageStatus: 'delivered',
      To: player.phone,
      From: FROM,
    };
    expect((await statusCallback(path, params, null)).statusCode).toBe(403);
    // Signed with another token, over another URL, or for other fields.
    expect((await statusCallback(path, params, randomBytes(16).toString('hex'))).statusCode).toBe(
      403,
    );
    const otherUrl = twilioSignature(c.authToken, `${PUBLIC_URL}${path}&x=1`, params);
    expect((await statusCallback(path, params, null, otherUrl)).statusCode).toBe(403);
    const otherFields = twilioSignature(c.authToken, `${PUBLIC_URL}${path}`, {
      ...params,
      MessageStatus: 'sent',
    });
    expect((await statusCallback(path, params, null, otherFields)).statusCode).toBe(403);
    const untouched = await messageOf(c, messageIdOf(player));
    expect(untouched).toMatchObject({ status: 'sent', delivered_at: null });
    // The same post correctly signed is taken: the refusals were about the signature only.
    expect((await statusCallback(path, params, c.authToken)).statusCode).toBe(204);
    expect((await messageOf(c, messageIdOf(player))).status).toBe('delivered');
  });

  it("ignores a callback about another property's message", async () => {
    const other = await smsCasino('incomplete');
    const otherPlayer = await smsPlayer(other, 'grant');
    const otherCampaign = await startCampaign(other, [otherPlayer]);
    await runCampaign(otherCampaign);
    const stranger = [...(await messagesOf(other, otherCampaign)).values()][0]!;
    expect(stranger.status).toBe('sent');

    // Property `other` signs correctly with its own token, naming c's message by SID and by ref.
    const target = players[1]!; // bounced, not delivered
    const params = {
      AccountSid: twilio.accountSid,
      MessageSid: sidOf(target),
      MessageStatus: 'delivered',
      To: target.phone,
    };
    for (const path of [
      `/api/sms/status/${other.property.id}`,
      `/api/sms/status/${other.property.id}?ref=${messageIdOf(target)}`,
    ]) {
      const answer = await statusCallback(path, params, other.authToken);
      expect(answer.statusCode, answer.body).toBe(204);
    }
    expect(await messageOf(c, messageIdOf(target))).toMatchObject({
      status: 'bounced',
      delivered_at: null,
    });
    expect(await eventsOf('message.delivered', messageIdOf(target))).toHaveLength(0);
    // And the other way round: c's signature does not reach the other property's message.
    const reverse = await statusCallback(
      `/api/sms/status/${c.property.id}?ref=${stranger.id}`,
      { AccountSid: twilio.accountSid, MessageSid: 'SM0', MessageStatus: 'delivered' },
      c.authToken,
    );
    expect(reverse.statusCode).toBe(204);
    expect(await messageOf(other, stranger.id)).toMatchObject({
      status: 'sent',
      delivered_at: null,
    });
  });
});

describe('provider failures', () => {
  it('requeues a message the provider failed to take for now, and sends it once its time comes', async () => {
    const c = await smsCasino();
    const players = [await smsPlayer(c, 'grant'), await smsPlayer(c, 'grant')];
    const campaignId = await startCampaign(c, players);
    await plan(campaignId);
    twilio.failNext(1, { status: 429 });
    twilio.failNext(1, { status: 429, retryAfter: '1' });
    const now = h.clock.now();
    const first = await deliverCampaign(h.deps, campaignId);
    expect(first).toEqual({ next: 'later', at: new Date(now.getTime() + 30_000) });
    let messages = await messagesOf(c, campaignId);
    const errors: string[] = [];
    for (const player of players) {
      const message = messages.get(player.id)!;
      expect(message).toMatchObject({ status: 'queued', attempts: 1, provider_id: null });
      expect(new Date(message.send_after).getTime()).toBe(now.getTime() + 30_000);
      errors.push(message.error ?? '');
      expect(textsTo(player.phone)).toEqual([]);
    }
    expect(errors).toEqual([
      expect.stringMatching(/answered 429 \(code 20429\)/),
      expect.stringMatching(/answered 429 \(code 20429\)/),
    ]);
    expect(await campaignOf(c, campaignId)).toMatchObject({
      status: 'sending',
      counts: expect.objectContaining({ queued: 2, sent: 0, failed: 0 }) as object,
    });
    // Not before its time.
    expect(await deliverCampaign(h.deps, campaignId)).toMatchObject({ next: 'later' });
    expect(textsTo(players[0]!.phone)).toEqual([]);

    h.clock.advance(30_000);
    expect(await deliverCampaign(h.deps, campaignId)).toEqual({ next: 'done' });
    messages = await messagesOf(c, campaignId);
    for (const player of players) {
      const texts = textsTo(player.phone);
      expect(texts).toHaveLength(1);
      expect(messages.get(player.id)).toMatchObject({
        status: 'sent',
        attempts: 2,
        error: null,
        provider_id: texts[0]!.sid,
      });
    }
    expect(await campaignOf(c, campaignId)).toMatchObject({
      status: 'sent',
      counts: expect.objectContaining({ queued: 0, sent: 2, failed: 0 }) as object,
    });
  });

  it('fails a message the provider refuses for good, with the reason and a message.failed event', async () => {
    const c = await smsCasino();
    const unsubscribed = await smsPlayer(c, 'grant');
    const landline = await smsPlayer(c, 'grant');
    const fine = await smsPlayer(c, 'grant');
    twilio.unsubscribed.add(unsubscribed.phone);
    twilio.landlines.add(landline.phone);
    const campaignId = await startCampaign(c, [unsubscribed, landline, fine]);
    await runCampaign(campaignId);
    const messages = await messagesOf(c, campaignId);
    for (const [player, code] of [
      [unsubscribed, 21610],
      [landline, 21614],
    ] as const) {
      const message = messages.get(player.id)!;
      expect(message).toMatchObject({ status: 'failed', attempts: 1, provider_id: null });
      expect(message.failed_at).not.toBeNull();
      expect(message.error).toContain(`answered 400 (code ${code})`);
      const events = await eventsOf('message.failed', message.id);
      expect(events).toHaveLength(1);
      expect(events[0]!.payload).toMatchObject({
        player_id: player.id,
        channel: 'sms',
        error: message.error,
      });
      expect(textsTo(player.phone)).toEqual([]);
    }
    expect(messages.get(fine.id)).toMatchObject({ status: 'sent' });
    expect(await campaignOf(c, campaignId)).toMatchObject({
      status: 'sent',
      counts: expect.objectContaining({ sent: 1, failed: 2, queued: 0 }) as object,
    });
    // The carrier's own opt-out list (21610) is a revocation: the next campaign skips the number.
    const next = await startCampaign(c, [unsubscribed, fine]);
    await runCampaign(next);
    const again = await messagesOf(c, next);
    expect(again.get(unsubscribed.id)).toMatchObject({
      status: 'skipped',
      skip_reasons: ['revoked'],
    });
    expect(again.get(fine.id)).toMatchObject({ status: 'sent' });
  });

  it('does not resend a message the provider may have taken (an error after accepting it)', async () => {
    const c = await smsCasino();
    const players = [await smsPlayer(c, 'grant'), await smsPlayer(c, 'grant')];
    const campaignId = await startCampaign(c, players);
    await plan(campaignId);
    twilio.failNext(1, { status: 500, accept: true });
    await runCampaign(campaignId);
    const messages = await messagesOf(c, campaignId);
    const errors = players.map((player) => messages.get(player.id)!.error);
    for (const player of players) {
      expect(textsTo(player.phone), player.phone).toHaveLength(1);
      expect(messages.get(player.id)).toMatchObject({ status: 'sent', attempts: 1 });
    }
    expect(errors.filter((error) => error?.startsWith('not resent'))).toHaveLength(1);
    expect(await campaignOf(c, campaignId)).toMatchObject({
      status: 'sent',
      counts: expect.objectContaining({ sent: 2, failed: 0, queued: 0 }) as object,
    });
  });
});

describe('without a complete SMS sender', () => {
  it("stores the messages as sent through provider 'none', readable through the API", async () => {
    const c = await smsCasino('incomplete');
    const players = [await smsPlayer(c, 'grant'), await smsPlayer(c, 'grant')];
    const campaignId = await startCampaign(c, players);
    const requests = twilio.requests.length;
    await runCampaign(campaignId);
    expect(twilio.requests.length).toBe(requests);
    const messages = await messagesOf(c, campaignId);
    for (const player of players) {
      const summary = messages.get(player.id)!;
      expect(summary).toMatchObject({
        status: 'sent',
        provider: 'none',
        provider_id: null,
        to_address: player.phone,
        sms_encoding: 'gsm7',
        sms_segments: 1,
      });
      const full = await messageOf(c, summary.id);
      expect(full.body).toMatch(/^Lucky Club: Ann, your free spin is waiting: /);
      expect(full.body).toMatch(SHORT_LINK);
    }
    expect((await campaignOf(c, campaignId)).counts).toMatchObject({ sent: 2, failed: 0 });
  });
});
