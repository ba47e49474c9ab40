import { type Static, type TSchema, Type } from 'typebox';
import {
  DateTime,
  Id,
  Metadata,
  Nullable,
  play,
  player,
  PLAY_PROFILE_FIELDS,
  PLAYER_FIELDS,
  playerRef,
  prize,
  session,
  stream,
  TRACKED_PLAYER_FIELDS,
  Uuid,
} from './events.fields.ts';

export { TRACKED_PLAYER_FIELDS };

/*
 * The domain events: what PlayLoop records when something worth reacting to changes. Each one
 * is a row of `events` written in the same transaction as its change (a rolled-back change
 * leaves no event) and is delivered as the envelope `{ id, type, version, occurred_at, org_id,
 * property_id, data }`. `data` carries ids and facts, never a secret: no session token, no
 * voucher code (prizes are named by their draw, slot and voucher ids). A change to what `data`
 * holds that could break a consumer is a new `version` of the type, not an edit of this one.
 */

interface EventSpec {
  readonly version: number;
  /** Which tenant column the envelope fills: `org_id` always, `property_id` for PlayerOS. */
  readonly scope: 'org' | 'property';
  readonly summary: string;
  readonly description: string;
  readonly data: TSchema;
}

const spec = <S extends TSchema>(value: {
  version: number;
  scope: 'org' | 'property';
  summary: string;
  description: string;
  data: S;
}) => value;

const campaignFields = {
  campaign_id: Uuid('The campaign'),
  name: Type.String({ description: "The campaign's name" }),
  channel: Type.Union([Type.Literal('email'), Type.Literal('sms')]),
};

const messageSpec = (summary: string, description: string) =>
  spec({
    version: 1,
    scope: 'property',
    summary,
    description,
    data: Type.Object({
      message_id: Uuid('The message'),
      campaign_id: Uuid('Its campaign'),
      player_id: Uuid("The recipient's PlayLoop id"),
      channel: Type.Union([Type.Literal('email'), Type.Literal('sms')]),
      provider: Nullable(Type.String({ description: 'smtp, twilio or none' })),
      error: Nullable(Type.String({ description: 'Why it failed (message.failed)' })),
      url: Nullable(Type.String({ description: 'The link followed (message.clicked)' })),
    }),
  });

export const EVENT_CATALOG = {
  'session.created': spec({
    version: 1,
    scope: 'org',
    summary: 'A one-time session token was created',
    description:
      'Written by `POST /api/org-api-keys?action=create-session`, with the session row. DailyPlay connections have no trigger for it.',
    data: Type.Object({
      session_id: Id("The session token's id (the token itself is never sent)"),
      game_id: Nullable(Id('The game the token is for; null for a whole stream')),
      ...stream,
      external_ref: session.external_ref,
      metadata: Metadata,
      api_key_id: Nullable(Id('The key that created it')),
      created_at: DateTime('When it was created'),
      expires_at: DateTime('When it stops being usable'),
    }),
  }),
  'session.consumed': spec({
    version: 1,
    scope: 'org',
    summary: 'A session token was used, once',
    description:
      'Written when `POST /api/org-api-keys?action=consume-session` succeeds (`via: api`), or when a play page starts a play with the token (`via: play`, followed by `play.started`). A token is consumed at most once, so there is at most one such event per session.',
    data: Type.Object({
      session_id: Id("The session token's id"),
      game_id: Nullable(Id('The game the token is for; null for a whole stream')),
      ...stream,
      external_ref: session.external_ref,
      metadata: Metadata,
      player_uuid: Nullable(
        Type.String({
          description: 'The player uuid sent with the consume, or the play page browser',
        }),
      ),
      via: Type.Union([Type.Literal('api'), Type.Literal('play')]),
      consumed_at: DateTime('When it was consumed'),
    }),
  }),
  'session.revoked': spec({
    version: 1,
    scope: 'org',
    summary: 'An unused session token was revoked',
    description: 'Written by `DELETE /api/org-api-keys?action=revoke-session` when it succeeds.',
    data: Type.Object({
      session_id: Id("The session token's id"),
      game_id: Nullable(Id('The game the token is for; null for a whole stream')),
      ...stream,
      external_ref: session.external_ref,
      metadata: Metadata,
      revoked_at: DateTime('When it was revoked'),
    }),
  }),
  'stream.accessed': spec({
    version: 1,
    scope: 'org',
    summary: 'A player opened a stream page',
    description:
      "Written each time a stream's play page is served: the public link `/stream/{org}/{stream}` (`entry: public_link`) or a session link `/play/stream/{id}` (`entry: session_link`), whatever the page then shows (`availability`). DailyPlay's trigger `stream_access`.",
    data: Type.Object({
      stream_id: Id('The stream'),
      stream_slug: Type.String(),
      stream_name: Type.String(),
      entry: Type.Union([Type.Literal('public_link'), Type.Literal('session_link')]),
      availability: Type.Union(
        [
          Type.Literal('open'),
          Type.Literal('not_started'),
          Type.Literal('ended'),
          Type.Literal('closed'),
        ],
        { description: 'Whether the stream admitted plays at that moment' },
      ),
      player_uuid: player.player_uuid,
      external_id: Nullable(
        Type.String({
          description:
            "The player's id when the brand vouched for it: a public link's signed `external_id`, or the session's `external_ref`",
        }),
      ),
      link: Type.Object(
        {
          braze_id: Type.Optional(Type.String()),
          external_id: Type.Optional(Type.String()),
          user_id: Type.Optional(Type.String()),
        },
        {
          description:
            "A public link's identity parameters as they were on the URL, unverified (Braze identifies its users by them)",
        },
      ),
      utm: Type.Record(Type.String(), Type.String(), {
        description: "A public link's utm_* parameters",
      }),
      ...session,
    }),
  }),
  'play.started': spec({
    version: 1,
    scope: 'org',
    summary: 'A play began',
    description:
      "Written with the play row when a play page starts a play (a resumed play writes nothing). DailyPlay's trigger `play_start`.",
    data: Type.Object({
      ...play,
      utm: Nullable(Type.Record(Type.String(), Type.String())),
      started_at: DateTime('When the play began'),
    }),
  }),
  'play.completed': spec({
    version: 1,
    scope: 'org',
    summary: 'A play ended with a score',
    description:
      "Written once per play, when its page reports the end and the server has scored it. A prize it wins comes as its own `prize.won`. DailyPlay's trigger `play_complete`.",
    data: Type.Object({
      ...play,
      template: Type.String({
        description:
          'The game template (spin-wheel, memory-match, quick-tap, scratch-card, grid-box-reveal)',
      }),
      score: Type.Integer({ description: 'The score the server computed' }),
      duration_ms: Type.Integer({ minimum: 0, description: 'How long the play took, as reported' }),
      outcome: Type.Union([Type.Literal('win'), Type.Literal('lose'), Type.Literal('finished')], {
        description:
          '`win` or `lose` for games that have them (memory-match: every pair found in time or not); `finished` for games played to the end without one (the lucky draws spin-wheel, scratch-card and grid-box-reveal, and quick-tap)',
      }),
      started_at: DateTime('When the play began'),
      completed_at: DateTime('When it was completed'),
    }),
  }),
  'prize.won': spec({
    version: 1,
    scope: 'org',
    summary: 'A completed play won a prize',
    description:
      'Written with the draw, when the draw picks a slot other than `no_prize`. The prize still has to be claimed (`prize.claimed`) before its claim deadline.',
    data: Type.Object({
      ...play,
      ...prize,
      drawn_at: DateTime('When it was drawn'),
      claim_expires_at: DateTime('The claim deadline'),
    }),
  }),
  'prize.claimed': spec({
    version: 1,
    scope: 'org',
    summary: 'A won prize was claimed',
    description:
      "Written with the claim. A voucher prize's code is not in the event: `voucher_code_id` names the code handed out of a voucher set, and the dashboard shows it to those allowed to see codes. DailyPlay's trigger `prize_redemption`.",
    data: Type.Object({
      ...play,
      ...prize,
      voucher_code_id: Nullable(Id('The voucher-set code handed out, for a `voucher_set` prize')),
      claimed_at: DateTime('When it was claimed'),
    }),
  }),
  'player.created': spec({
    version: 1,
    scope: 'property',
    summary: 'A player was added to a property',
    description:
      'Written by a database trigger for every way players are written (the players API, `/api/{table}`, the batch upsert), in the same statement. A CSV import writes `players.imported` instead.',
    data: Type.Object({
      ...playerRef,
      player: Type.Object(
        {
          ...playerRef,
          ...PLAYER_FIELDS,
          created_at: DateTime('Creation time'),
          updated_at: DateTime('Last change'),
          ...PLAY_PROFILE_FIELDS,
        },
        { description: 'The player as created' },
      ),
    }),
  }),
  'player.updated': spec({
    version: 1,
    scope: 'property',
    summary: "A player's fields changed",
    description:
      'Written by a database trigger for every way players are written, once per changed player. Only fields a consumer can see count: a write that changes none (the same values again, only `updated_at`) writes no event. A CSV import writes `players.imported` instead.',
    data: Type.Object({
      ...playerRef,
      changed: Type.Array(Type.String(), {
        minItems: 1,
        description: `The fields that changed, of ${TRACKED_PLAYER_FIELDS.join(', ')}`,
      }),
      values: Type.Record(Type.String(), Type.Unknown(), {
        description: 'The new value of each changed field',
      }),
    }),
  }),
  'player.deleted': spec({
    version: 1,
    scope: 'property',
    summary: 'A player was deleted',
    description:
      "Written by a database trigger for every way players are deleted. Players deleted because their property or organization was deleted write nothing: that property's events go with it.",
    data: Type.Object({ ...playerRef }),
  }),
  'players.imported': spec({
    version: 1,
    scope: 'property',
    summary: 'A batch of a CSV import was written',
    description:
      "A CSV import (`npm run cli -- players import`) writes one event per batch (up to 1,000 rows) with its counts, in the batch's transaction, instead of a `player.created` or `player.updated` per row: a million-row import would otherwise write a million events for consumers to take in. The batch sets the transaction-local setting `playloop.player_events = off`, which the player triggers read. Consumers that need the rows read them with `GET /api/players?updated_at.gte=…`.",
    data: Type.Object({
      property_id: Uuid('The property imported into'),
      import_id: Uuid('One id for all batches of one import run'),
      batch: Type.Integer({
        minimum: 1,
        description: 'The batch number within the import, from 1',
      }),
      rows: Type.Integer({ minimum: 0, description: 'Rows of the file in this batch' }),
      inserted: Type.Integer({ minimum: 0, description: 'Players created' }),
      updated: Type.Integer({ minimum: 0, description: 'Existing players written again' }),
      rejected: Type.Integer({
        minimum: 0,
        description: 'Rows of the batch refused by validation',
      }),
    }),
  }),
  'consent.recorded': spec({
    version: 1,
    scope: 'property',
    summary: 'A consent or a revocation was recorded',
    description:
      'Written by a database trigger in the statement that stores the record, whatever recorded it: `record-consent`, a STOP reply, an unsubscribe link, a carrier opt-out. The address is not in it. `id` is the player when the record names one (null otherwise), as in the player.* events.',
    data: Type.Object({
      property_id: Uuid('The property'),
      id: Nullable(Uuid("PlayLoop's id of the player, when the record names one")),
      consent_id: Uuid('The consent record'),
      channel: Type.String({ description: 'sms, email, voice or push' }),
      action: Type.Union([Type.Literal('grant'), Type.Literal('revoke')]),
      consent_type: Nullable(Type.String({ description: 'pec, pewc or email_opt_in (a grant)' })),
      purpose: Nullable(Type.String({ description: 'null on a revocation: every purpose' })),
      program: Nullable(Type.String({ description: 'null: every program of the property' })),
      captured_at: DateTime('When the consent was given or withdrawn'),
    }),
  }),
  'player.event': spec({
    version: 1,
    scope: 'property',
    summary: 'The casino reported something a player did',
    description:
      "Written by `POST /api/events` and `/api/events/batch`, in the statement that stores the event, once per stored event: a repeat of an `event_id` already stored writes nothing. `player_id` is PlayLoop's id of the player, as in the message.* events (whichever id the request named them by), and so is `id`, as in the player.* events (privacy export and erasure find a player's events by it); the casino's id is `casino_player_id`.",
    data: Type.Object({
      property_id: playerRef.property_id,
      id: Uuid("PlayLoop's id of the player (as `id` of the player.* events)"),
      player_id: Uuid("PlayLoop's id of the player"),
      casino_player_id: Nullable(
        Type.String({
          description: "The casino's player id, when the player has one (`player_id` of player.*)",
        }),
      ),
      event_id: Uuid('The stored event (`id` of its POST /api/events answer)'),
      name: Type.String({ description: 'What happened (`visit`, `deposit`, `tier_changed` …)' }),
      properties: Type.Record(Type.String(), Type.Unknown(), {
        description: "The event's properties as sent (`{}` when none)",
      }),
      occurred_at: DateTime('When it happened, as the casino said (default: when it was received)'),
    }),
  }),
  'webhook.disabled': spec({
    version: 1,
    scope: 'property',
    summary: 'A webhook endpoint was disabled by delivery',
    description:
      'Written when deliveries disable a PlayerOS webhook endpoint: the receiver answered 410 Gone (`reason: gone`), or every attempt failed for 5 days (`reason: failing`). Not sent to the endpoint it is about. Disabling by hand writes nothing.',
    data: Type.Object({
      endpoint_id: Uuid('The endpoint'),
      url: Type.String({ description: "The endpoint's URL" }),
      reason: Type.Union([Type.Literal('gone'), Type.Literal('failing')]),
      failing_since: Nullable(DateTime('The first failure of the run that disabled it')),
    }),
  }),
  'connection.disabled': spec({
    version: 1,
    scope: 'org',
    summary: 'A DailyPlay connection was disabled by delivery',
    description:
      'Written when deliveries disable a connection: its target answered 410 Gone (`reason: gone`), or every attempt failed for 5 days (`reason: failing`).',
    data: Type.Object({
      connection_id: Id('The connection'),
      name: Type.String(),
      provider: Type.String(),
      reason: Type.Union([Type.Literal('gone'), Type.Literal('failing')]),
      failing_since: Nullable(DateTime('The first failure of the run that disabled it')),
    }),
  }),
  'campaign.sending': spec({
    version: 1,
    scope: 'property',
    summary: 'A campaign started sending',
    description:
      'Written when `send-campaign` (or its schedule coming due) moves a campaign to `sending`, before any message is planned.',
    data: Type.Object({ ...campaignFields, started_at: DateTime('When sending started') }),
  }),
  'campaign.finished': spec({
    version: 1,
    scope: 'property',
    summary: 'A campaign finished',
    description:
      'Written once per campaign when it ends: every message handed over (`sent`), `cancel-campaign` (`cancelled`), or planning stopped on an error (`failed`, with `failure`).',
    data: Type.Object({
      ...campaignFields,
      status: Type.Union([Type.Literal('sent'), Type.Literal('cancelled'), Type.Literal('failed')]),
      failure: Nullable(Type.String({ description: 'Why planning stopped (status failed)' })),
      counts: Type.Record(Type.String(), Type.Integer(), {
        description:
          'Messages by outcome: queued, skipped, sent, delivered, bounced, failed, opened, clicked',
      }),
      finished_at: DateTime('When it ended'),
    }),
  }),
  'message.sent': messageSpec(
    'A campaign message was handed to its provider',
    'Written when the SMTP server or SMS provider accepted the message (or, without a provider, when it was stored as sent). `provider` says which: `smtp`, `twilio` or `none`.',
  ),
  'message.delivered': messageSpec(
    'A message reached the recipient',
    "Written from the SMS provider's delivery-status callback (`delivered`). SMTP reports no delivery.",
  ),
  'message.failed': messageSpec(
    'A message could not be sent',
    'Written when the provider refused the message for good (an SMTP 5xx, an SMS error such as an unsubscribed number), when sending failed on every retry, or when the provider reported it `undelivered` or `failed` afterwards; `error` says why.',
  ),
  'message.opened': messageSpec(
    'An email was opened',
    "Written the first time the email's open pixel is fetched. Mail clients that block images, or fetch them for privacy (Apple Mail), make this an estimate.",
  ),
  'message.clicked': messageSpec(
    'A link of a message was clicked',
    "Written the first time one of the email's tracked links or an SMS short link is followed; `url` is where it led.",
  ),
} satisfies Record<string, EventSpec>;

export type EventType = keyof typeof EVENT_CATALOG;
export type EventData<T extends EventType> = Static<(typeof EVENT_CATALOG)[T]['data']>;

export const EVENT_TYPES = Object.keys(EVENT_CATALOG) as EventType[];

/** The version of `type` written today. */
export const eventVersion = (type: EventType): number => EVENT_CATALOG[type].version;

/** An event as delivered: the envelope with its type's `data`. */
export function eventEnvelope(type: EventType): TSchema {
  const entry = EVENT_CATALOG[type];
  return Type.Object(
    {
      id: Uuid('The event id: stable across every delivery and retry'),
      type: Type.Literal(type),
      version: Type.Literal(entry.version),
      occurred_at: DateTime('When the change happened'),
      org_id: Type.Integer({ description: 'The organization' }),
      property_id:
        entry.scope === 'property'
          ? Uuid('The property (PlayerOS)')
          : Type.Null({ description: 'Null: a DailyPlay event belongs to no property' }),
      data: entry.data,
    },
    { description: entry.description },
  );
}
