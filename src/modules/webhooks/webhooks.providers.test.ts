import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventData, EventType } from '../events/events.catalog.ts';
import { OutboundUrlError, type HostResolver } from '../../lib/outbound-url.ts';
import type { EventEnvelope } from './providers/facts.ts';
import { createWebhookSender, type WebhookSender } from './webhooks.sender.ts';
import {
  buildConnectionRequest,
  checkConnectionSettings,
  type ConnectionSettings,
} from './webhooks.providers.ts';
import { envelopeRequest } from './providers/dailyplay.ts';
import { newWebhookSecret, signRequest } from './webhooks.signing.ts';
import { type Receiver, startReceiver } from '../../../test/webhook-receiver.ts';

const OCCURRED = '2026-12-06T17:30:00.000Z';

function envelope<T extends EventType>(
  type: T,
  data: EventData<T>,
  id = crypto.randomUUID(),
): EventEnvelope {
  return { id, type, version: 1, occurred_at: OCCURRED, org_id: 7, property_id: null, data };
}

const playBase = {
  play_id: 981,
  game_id: 163,
  stream_id: 453,
  stream_slug: 'my-campaign-slug',
  stream_name: 'My Campaign Stream',
  session_id: null,
  external_ref: null,
  metadata: null,
  player_uuid: '1b0d5c9e-6a8f-4b6e-9d55-4a7b0c2f1e11',
  external_id: null,
};

const playCompleted = (overrides: Partial<EventData<'play.completed'>> = {}) =>
  envelope('play.completed', {
    ...playBase,
    template: 'quick-tap',
    score: 4200,
    duration_ms: 31000,
    outcome: 'finished',
    started_at: '2026-12-06T17:29:29.000Z',
    completed_at: OCCURRED,
    ...overrides,
  });

const streamAccessed = (link: EventData<'stream.accessed'>['link']) =>
  envelope('stream.accessed', {
    stream_id: 453,
    stream_slug: 'my-campaign-slug',
    stream_name: 'My Campaign Stream',
    entry: 'public_link',
    availability: 'open',
    player_uuid: playBase.player_uuid,
    external_id: null,
    link,
    utm: { utm_source: 'email', utm_campaign: 'xmas' },
    session_id: null,
    external_ref: null,
    metadata: null,
  });

let receiver: Receiver;
let sender: WebhookSender;
const allow = { allowPrivateNetworks: true };

beforeAll(async () => {
  receiver = await startReceiver((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end('{"message":"success"}');
  });
  sender = createWebhookSender(allow);
});
afterAll(async () => {
  sender.close();
  await receiver.close();
});

/** Builds, signs when the provider signs, sends to the local receiver; returns what it got. */
async function deliver(event: EventEnvelope, settings: ConnectionSettings, secret?: string) {
  const built = buildConnectionRequest(event, settings, allow);
  if (!built) throw new Error('no request built');
  const request =
    built.signable && secret
      ? signRequest(built.request, { id: event.id, timestamp: new Date(), secrets: [secret] })
      : built.request;
  const before = receiver.received.length;
  const result = await sender.send(request, { httpsOnly: built.httpsOnly });
  expect(result).toMatchObject({ ok: true, status: 200 });
  expect(receiver.received).toHaveLength(before + 1);
  const got = receiver.received[before];
  if (!got) throw new Error('nothing received');
  return { ...got, json: JSON.parse(got.body) as Record<string, unknown>, built };
}

describe('DailyPlay connections (Webhook, Custom, Zapier)', () => {
  it('posts the JSON the DailyPlay digest shows, signed, with the optional auth header', async () => {
    const secret = newWebhookSecret();
    const event = playCompleted();
    const got = await deliver(
      event,
      {
        provider: 'webhook',
        url: `${receiver.url}/dailyplay`,
        auth_header_name: 'Authorization',
        auth_header_value: 'Bearer s3cret',
      },
      secret,
    );
    expect(got.path).toBe('/dailyplay');
    expect(got.headers.authorization).toBe('Bearer s3cret');
    expect(got.headers['content-type']).toBe('application/json');
    // The digest's example starts {"event_type": "play_complete", "game_id": "163", "stream_id": 453, ...
    expect(got.body.startsWith('{"event_type":"play_complete"')).toBe(true);
    expect(got.json).toEqual({
      event_type: 'play_complete',
      event_id: event.id,
      timestamp: OCCURRED,
      game_id: '163',
      stream_id: 453,
      stream_slug: 'my-campaign-slug',
      stream_name: 'My Campaign Stream',
      play_id: 981,
      player_uuid: playBase.player_uuid,
      external_id: null,
      session_id: null,
      external_ref: null,
      metadata: null,
      score: 4200,
      duration_ms: 31000,
      outcome: 'finished',
      prize_name: null,
      prize_type: null,
      utm: null,
    });
    const headers = Object.fromEntries(
      Object.entries(got.headers).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
    expect(() => new Webhook(secret).verify(got.body, headers)).not.toThrow();
    expect(got.headers['webhook-id']).toBe(event.id);
  });

  it('maps each PlayLoop event type to its trigger and sends nothing for the others', () => {
    const settings: ConnectionSettings = {
      provider: 'zapier',
      url: 'https://hooks.zapier.com/hooks/catch/1/abc/',
    };
    const triggers = [
      streamAccessed({}),
      envelope('play.started', { ...playBase, utm: null, started_at: OCCURRED }),
      playCompleted(),
      envelope('prize.claimed', {
        ...playBase,
        draw_id: 55,
        slot_id: 3,
        prize_name: '10% off',
        prize_type: 'voucher_set',
        voucher_set_id: 9,
        voucher_code_id: 1234,
        claimed_at: OCCURRED,
      }),
    ].map((event) => {
      const built = buildConnectionRequest(event, settings, allow);
      return built && (JSON.parse(built.request.body) as { event_type: string }).event_type;
    });
    expect(triggers).toEqual(['stream_access', 'play_start', 'play_complete', 'prize_redemption']);

    const prizeWon = envelope('prize.won', {
      ...playBase,
      draw_id: 55,
      slot_id: 3,
      prize_name: '10% off',
      prize_type: 'voucher_set',
      voucher_set_id: 9,
      drawn_at: OCCURRED,
      claim_expires_at: OCCURRED,
    });
    const sessionCreated = envelope('session.created', {
      session_id: 1,
      game_id: 163,
      stream_id: null,
      stream_slug: null,
      stream_name: null,
      external_ref: null,
      metadata: null,
      api_key_id: 2,
      created_at: OCCURRED,
      expires_at: OCCURRED,
    });
    expect(buildConnectionRequest(prizeWon, settings, allow)).toBeNull();
    expect(buildConnectionRequest(sessionCreated, settings, allow)).toBeNull();
  });

  it('Custom sends the API key in X-API-Key, or the header it names', async () => {
    const event = playCompleted();
    const plain = await deliver(event, {
      provider: 'custom',
      url: `${receiver.url}/custom`,
      api_key: 'k_123',
    });
    expect(plain.headers['x-api-key']).toBe('k_123');
    expect(plain.json.event_type).toBe('play_complete');
    const named = await deliver(event, {
      provider: 'custom',
      url: `${receiver.url}/custom`,
      api_key: 'k_456',
      api_key_header: 'X-Customer-Key',
    });
    expect(named.headers['x-customer-key']).toBe('k_456');
    expect(named.headers['x-api-key']).toBeUndefined();
  });

  it('Zapier is https only, at creation and at delivery', async () => {
    const zapier: ConnectionSettings = { provider: 'zapier', url: `${receiver.url}/zap` };
    await expect(checkConnectionSettings(zapier, allow)).rejects.toThrow(
      'URL refused: must use https',
    );
    const built = buildConnectionRequest(playCompleted(), zapier, allow);
    expect(built?.httpsOnly).toBe(true);
    const result = await sender.send(built!.request, { httpsOnly: built!.httpsOnly });
    expect(result).toMatchObject({ ok: false, errorKind: 'refused_url' });
  });

  it('a PlayerOS endpoint receives the event envelope itself', async () => {
    const event = playCompleted();
    const request = envelopeRequest(event, `${receiver.url}/playeros`);
    const result = await sender.send(request);
    expect(result.ok).toBe(true);
    const got = receiver.received.at(-1);
    expect(JSON.parse(got?.body ?? '')).toEqual({ ...event, occurred_at: OCCURRED });
  });
});

describe('Braze', () => {
  const braze = (): ConnectionSettings => ({
    provider: 'braze',
    rest_endpoint: `${receiver.url}/`,
    api_key: 'braze-rest-key',
    app_id: 'app-123',
  });

  it('posts /users/track with a Bearer key, attributes under dailyplay and a dailyplay_<event> event', async () => {
    const event = playCompleted();
    const got = await deliver(event, braze());
    expect(got.path).toBe('/users/track');
    expect(got.headers.authorization).toBe('Bearer braze-rest-key');
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['webhook-signature']).toBeUndefined();
    expect(got.built.signable).toBe(false);
    expect(got.json).toEqual({
      attributes: [
        {
          external_id: playBase.player_uuid,
          app_id: 'app-123',
          _merge_objects: true,
          dailyplay: {
            last_stream_name: 'My Campaign Stream',
            last_stream_slug: 'my-campaign-slug',
            last_game_id: '163',
            last_play_date: OCCURRED,
            last_game_score: 4200,
          },
        },
      ],
      events: [
        {
          external_id: playBase.player_uuid,
          app_id: 'app-123',
          name: 'dailyplay_play_complete',
          time: OCCURRED,
          properties: {
            event_id: event.id,
            game_id: '163',
            stream_id: 453,
            stream_slug: 'my-campaign-slug',
            stream_name: 'My Campaign Stream',
            play_id: 981,
            score: 4200,
            duration_ms: 31000,
            outcome: 'finished',
          },
        },
      ],
    });
  });

  it('identifies the user by braze_id, then external_id, then user_id, then the vouched id, then player_uuid', async () => {
    const idOf = async (event: EventEnvelope) => {
      const { json } = await deliver(event, braze());
      const [attrs] = json.attributes as Record<string, unknown>[];
      const [evt] = json.events as Record<string, unknown>[];
      expect(evt?.braze_id).toBe(attrs?.braze_id);
      expect(evt?.external_id).toBe(attrs?.external_id);
      return attrs?.braze_id !== undefined
        ? { braze_id: attrs.braze_id }
        : { external_id: attrs?.external_id };
    };
    expect(
      await idOf(streamAccessed({ braze_id: 'bz1', external_id: 'ex1', user_id: 'u1' })),
    ).toEqual({
      braze_id: 'bz1',
    });
    expect(await idOf(streamAccessed({ external_id: 'ex1', user_id: 'u1' }))).toEqual({
      external_id: 'ex1',
    });
    expect(await idOf(streamAccessed({ user_id: 'u1' }))).toEqual({ external_id: 'u1' });
    expect(await idOf(playCompleted({ external_id: 'casino-42' }))).toEqual({
      external_id: 'casino-42',
    });
    expect(await idOf(streamAccessed({}))).toEqual({ external_id: playBase.player_uuid });
  });

  it('a stream access sets only the stream attributes (merged, not replacing the last score)', async () => {
    const { json } = await deliver(streamAccessed({}), braze());
    const [attrs] = json.attributes as Record<string, unknown>[];
    expect(attrs?._merge_objects).toBe(true);
    expect(attrs?.dailyplay).toEqual({
      last_stream_name: 'My Campaign Stream',
      last_stream_slug: 'my-campaign-slug',
    });
    expect((json.events as { name: string }[])[0]?.name).toBe('dailyplay_stream_access');
  });
});

describe('Segment', () => {
  const segment = (): ConnectionSettings => ({
    provider: 'segment',
    write_key: 'abc123',
    api_host: receiver.url,
  });

  it('posts a track call with Basic auth (write key as user name) and the event id as messageId', async () => {
    const event = playCompleted({ external_id: 'casino-42' });
    const got = await deliver(event, segment());
    expect(got.path).toBe('/v1/track');
    // Segment's own example: write key 'abc123' → 'Basic YWJjMTIzOg=='
    expect(got.headers.authorization).toBe('Basic YWJjMTIzOg==');
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.json).toEqual({
      type: 'track',
      userId: 'casino-42',
      anonymousId: playBase.player_uuid,
      event: 'dailyplay_play_complete',
      properties: {
        game_id: '163',
        stream_id: 453,
        stream_slug: 'my-campaign-slug',
        stream_name: 'My Campaign Stream',
        play_id: 981,
        score: 4200,
        duration_ms: 31000,
        outcome: 'finished',
      },
      context: { library: { name: 'playloop', version: '1' } },
      timestamp: OCCURRED,
      messageId: event.id,
    });
  });

  it('sends an anonymous player by anonymousId only, with utm as context.campaign', async () => {
    const { json } = await deliver(streamAccessed({}), segment());
    expect(json.userId).toBeUndefined();
    expect(json.anonymousId).toBe(playBase.player_uuid);
    expect(json.context).toEqual({
      library: { name: 'playloop', version: '1' },
      campaign: { source: 'email', name: 'xmas' },
    });
  });
});

describe('checkConnectionSettings', () => {
  const privateDns: HostResolver = () => Promise.resolve([{ address: '10.0.0.8', family: 4 }]);

  it('refuses a Webhook URL whose name resolves to a private address, with the rule', async () => {
    const error = await checkConnectionSettings(
      { provider: 'webhook', url: 'https://hooks.customer.test/x' },
      { allowPrivateNetworks: false, resolve: privateDns },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutboundUrlError);
    expect((error as OutboundUrlError).details).toEqual({ rule: 'private' });
  });

  it.each([
    [
      { provider: 'webhook', url: 'https://a.test/', auth_header_name: 'Authorization' },
      'auth_header_name',
    ],
    [
      {
        provider: 'webhook',
        url: 'https://a.test/',
        auth_header_name: 'Bad Name',
        auth_header_value: 'v',
      },
      'auth_header_name',
    ],
    [
      {
        provider: 'webhook',
        url: 'https://a.test/',
        auth_header_name: 'Host',
        auth_header_value: 'evil',
      },
      'auth_header_name',
    ],
    [
      {
        provider: 'webhook',
        url: 'https://a.test/',
        auth_header_name: 'webhook-signature',
        auth_header_value: 'v1,x',
      },
      'auth_header_name',
    ],
    [
      {
        provider: 'webhook',
        url: 'https://a.test/',
        auth_header_name: 'X-Auth',
        auth_header_value: 'a\r\nX-Injected: 1',
      },
      'auth_header_value',
    ],
    [{ provider: 'custom', url: 'https://a.test/', api_key_header: 'X-Key' }, 'api_key'],
    [
      {
        provider: 'braze',
        rest_endpoint: 'https://rest.iad-01.braze.com/users/track',
        api_key: 'k',
      },
      'rest_endpoint',
    ],
    [
      {
        provider: 'braze',
        rest_endpoint: 'https://rest.iad-01.braze.com',
        api_key: 'k',
        app_id: 'x y',
      },
      'app_id',
    ],
    [{ provider: 'segment', write_key: '' }, 'write_key'],
  ] as [ConnectionSettings, string][])('refuses %j (field %s)', async (settings, field) => {
    const error = await checkConnectionSettings(settings, {
      allowPrivateNetworks: false,
      resolve: privateDns,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'validation_failed', details: { field } });
  });

  it('requires https for Braze and Segment unless private networks are allowed', async () => {
    const publicDns: HostResolver = () =>
      Promise.resolve([{ address: '93.184.215.14', family: 4 }]);
    const braze: ConnectionSettings = {
      provider: 'braze',
      rest_endpoint: 'http://rest.iad-01.braze.com',
      api_key: 'k',
    };
    await expect(
      checkConnectionSettings(braze, { allowPrivateNetworks: false, resolve: publicDns }),
    ).rejects.toThrow('must use https');
    await expect(
      checkConnectionSettings(
        { ...braze, rest_endpoint: 'https://rest.iad-01.braze.com' },
        {
          allowPrivateNetworks: false,
          resolve: publicDns,
        },
      ),
    ).resolves.toBeUndefined();
    await expect(
      checkConnectionSettings(
        { provider: 'segment', write_key: 'w' },
        { allowPrivateNetworks: false, resolve: publicDns },
      ),
    ).resolves.toBeUndefined();
    await expect(
      checkConnectionSettings(braze, { allowPrivateNetworks: true, resolve: publicDns }),
    ).resolves.toBeUndefined();
  });
});
