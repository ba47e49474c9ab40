import { randomBytes } from 'node:crypto';
import { png } from '../brand-images.ts';
import type { Kind } from './walls-seed.ts';

/**
 * The explicit part of the tenant-walls matrix: which tenant object each parameter name refers
 * to, and the operations that have none. Everything else is read from openapi.json
 * (walls-matrix.ts).
 */

export type Location = 'path' | 'query' | 'header' | 'body';
/**
 * - tenant: selects the tenant (organization or property) the request acts in;
 * - object: names one object inside the tenant;
 * - filter: narrows a list of the caller's own tenant (a foreign id matches nothing);
 * - scoped: a natural key unique only inside the tenant (players' player_id);
 * - credential: part of the caller's credential on public routes (always the caller's own).
 */
export type Role = 'tenant' | 'object' | 'filter' | 'scoped' | 'credential';
export type Rule =
  | { readonly kind: Kind; readonly role: Role }
  | { readonly constant: string }
  | { readonly omit: string };

const tenant = (kind: Kind): Rule => ({ kind, role: 'tenant' });
const object = (kind: Kind): Rule => ({ kind, role: 'object' });
const filter = (kind: Kind): Rule => ({ kind, role: 'filter' });

/**
 * Parameter name → the object that fills it. Keys are `name`, `location.name` or
 * `operationId:location.name` (most specific wins); nested body fields are `list[].field`.
 */
export const PARAMS: Readonly<Record<string, Rule>> = {
  orgId: tenant('org'),
  org_id: tenant('org'),
  'x-property-id': tenant('property'),
  property_id: tenant('property'),
  gameId: object('game'),
  game_id: object('game'),
  'query.game_id': filter('game'),
  'query.stream_id': filter('stream'),
  stream_id: object('stream'),
  'query.key_id': filter('apiKey'),
  userId: object('member'),
  allowed_game_ids: object('game'),
  allowed_stream_ids: object('stream'),
  game_ids: object('game'),
  'slots[].id': object('prizeSlot'),
  'slots[].voucher_set_id': object('prizeVoucherSet'),
  connectionId: object('connection'),
  // On the play API the session token (or the organization's slug) is what the browser holds:
  // the caller's own, while the game, stream or stream slug asked for is the other tenant's.
  session_token: { kind: 'playToken', role: 'credential' },
  org_slug: { kind: 'orgSlug', role: 'credential' },
  stream_slug: object('streamSlug'),
  player_id: { kind: 'playerKey', role: 'scoped' },
  // Consent, export and erasure take PlayLoop's uuid or the casino's id; the uuid is the one
  // that names an object (B's player in A's property is 404, like a never-issued uuid).
  'compliance.recordConsent:body.player_id': object('player'),
  'compliance.recordConsent:body.consents[].player_id': object('player'),
  'privacyRequests.export:body.player_id': object('player'),
  // Erasure uses its player up: a player of its own, so the positive control's erasure leaves
  // the player every other route names.
  'privacyRequests.delete:body.player_id': object('erasablePlayer'),
  // The pre-send check answers every recipient (an unknown one is `unknown_player`, 200) and a
  // group only narrows membership inside the caller's own property (a foreign or unknown group is
  // `not_in_group`): both act on A's tenant alone, like players' player_id.
  'compliance.check:body.recipients[].player_id': { kind: 'playerKey', role: 'scoped' },
  subscription_group_id: { kind: 'subscriptionGroup', role: 'scoped' },
  // The `/api/{table}` name is not a tenant object: every table exists in every property.
  table: { constant: 'players' },
  slug: { omit: "the stream's own new slug, a value rather than a reference" },
  external_id: { omit: "the player's id in the caller's own CRM, free text" },
  app_id: {
    omit: "a Braze connection's app identifier at Braze, a setting rather than a reference",
  },
  sms_auth_token: {
    omit: "the property's own SMS carrier auth token (write-only), a secret value, not a reference",
  },
  // Answering a privacy request takes the opened request it answers: one of each type (answering
  // closes it), and a third, still open, to extend.
  'privacyRequests.export:body.request_id': object('exportRequest'),
  'privacyRequests.delete:body.request_id': object('erasureRequest'),
  'privacyRequests.extend:body.id': object('privacyRequest'),
  'compliance.reviewSmsReply:body.id': object('inboundMessage'),
  'subscriptions.set:body.group_id': object('subscriptionGroup'),
  // A member is PlayLoop's uuid or the casino's id, resolved in the caller's own property: another
  // property's player is reported `unknown` in the 200, exactly like a never-issued uuid, and no
  // row of B changes (the fingerprint). So it is judged as a filter (same answer as the ghost, no
  // B rows), not as a target that must be 404.
  'subscriptions.set:body.members[].player_id': filter('player'),
  // Do-not-contact hashes whatever id it is given; PlayLoop's uuid stands for a player's casino id
  // only for the caller's own players, so B's uuid is stored (or looked up) in A's own list as an
  // opaque value, like a never-issued uuid: a filter, same answer as the ghost, B's list untouched.
  'doNotContact.add:body.entries[].player_id': filter('player'),
  'doNotContact.remove:body.entries[].player_id': filter('player'),
  'doNotContact.lookup:body.player_id': filter('player'),
  'doNotContact.removeHash:path.hash': object('dncHash'),
  'segments.previewAudience:body.audience.segment_id': object('segment'),
  // Branding names images of its own organization; the delete uses one of its own up.
  'branding.update:body.logo_asset_id': object('asset'),
  'branding.update:body.background.asset_id': object('asset'),
  'branding.deleteAsset:path.assetId': object('assetToDelete'),
  // A preview renders for one of the caller's players; another property's player is 404.
  'templates.preview:body.player_id': object('player'),
  // A casino event is recorded on one of the caller's players; another property's player is 404
  // (by uuid, like a never-issued one). A batch answers one result per event whatever it names
  // (B's player is that event's `not_found`, worded as for a never-issued one: player-events.test.ts),
  // so its `data` is never empty and it cannot be judged as a filter: as a scoped key, the cells
  // check that nothing of B is in the answer and B's rows stay as they were.
  'playerEvents.record:body.player_id': object('player'),
  'playerEvents.recordBatch:body.events[].player_id': { kind: 'player', role: 'scoped' },
  'playerEvents.record:body.event_id': {
    omit: "the client's own idempotency key, free text scoped to the caller's property",
  },
  'playerEvents.recordBatch:body.events[].event_id': {
    omit: "the client's own idempotency key, free text scoped to the caller's property",
  },
  // Campaigns: each function uses a campaign of its own, so the positive control's send,
  // schedule and cancel leave the draft every other route names (and each other's) as they were.
  // send-campaign's body repeats the property (PlayerOS's camelCase call): another one is 404.
  'campaigns.create:body.template_id': object('template'),
  'campaigns.update:body.template_id': object('template'),
  'campaigns.create:body.audience.segment_id': object('segment'),
  'campaigns.update:body.audience.segment_id': object('segment'),
  'campaigns.send:body.campaignId': object('campaignToSend'),
  'campaigns.send:body.propertyId': tenant('property'),
  'campaigns.schedule:body.campaign_id': object('campaignToSchedule'),
  'campaigns.cancel:body.campaign_id': object('scheduledCampaign'),
  'campaigns.preview:body.campaign_id': object('campaign'),
  'campaigns.test:body.campaign_id': object('campaign'),
  // The messages list narrows the caller's own property's messages: a foreign campaign or
  // player matches nothing, like a never-issued id.
  'messages.list:query.campaign_id': filter('campaign'),
  'messages.list:query.player_id': filter('player'),
  // Journeys: each lifecycle call uses a journey of its own (publish, pause and archive an active
  // one, resume a paused one, delete a draft), so the positive control's calls leave the journey
  // every other route names active. A version number is scoped by its journey (every published
  // journey has a version 1): the journey is the wall. Entering, and the runs filter, take one of
  // the caller's players; another property's is 404 like a never-issued one.
  'journeys.publish:path.id': object('journeyToPublish'),
  'journeys.pause:path.id': object('journeyToPause'),
  'journeys.resume:path.id': object('pausedJourney'),
  'journeys.archive:path.id': object('journeyToArchive'),
  'journeys.delete:path.id': object('draftJourney'),
  'journeys.version:path.version': { constant: '1' },
  'journeys.run:path.runId': object('journeyRun'),
  'journeys.enter:body.player_id': object('player'),
  'journeys.runs:query.player_id': object('player'),
  // properties.list documents org_id as a filter over the caller's own properties ("an
  // organization of someone else yields nothing", properties.test.ts), not as an address.
  'properties.list:query.org_id': filter('org'),
};

/** `id` names the resource of the path it is on (longest prefix wins). */
export const ID_OF_PATH: readonly [prefix: string, kind: Kind][] = [
  ['/api/games/{id}', 'game'],
  ['/api/streams/{id}', 'stream'],
  ['/api/voucher-sets/{id}', 'voucherSet'],
  ['/api/organizations/{orgId}/invitations/{id}', 'invitation'],
  ['/api/org-api-keys', 'apiKey'],
  ['/api/functions/revoke-api-key', 'propertyKey'],
  ['/api/players/{id}', 'player'],
  ['/play/api/plays/{id}', 'play'],
  ['/api/webhooks/{id}', 'webhook'],
  ['/api/connections/{id}', 'connection'],
  ['/api/segments/{id}', 'segment'],
  ['/api/journeys/{id}', 'journey'],
  ['/api/templates/{id}', 'template'],
  ['/api/campaigns/{id}', 'campaign'],
  ['/api/messages/{id}', 'message'],
];

/** `messageId` names a message of the endpoint or connection of its path (longest prefix wins). */
export const MESSAGE_OF_PATH: readonly [prefix: string, kind: Kind][] = [
  ['/api/webhooks/{id}/messages/', 'webhookMessage'],
  ['/api/connections/{id}/messages/', 'connectionMessage'],
];

/** `token` names a different secret per operation. */
export const TOKEN_OF: Readonly<Record<string, Kind>> = {
  'invitations.accept': 'invitationToken',
  revokeSession: 'sessionToken',
};

/**
 * Operations with no tenant object to aim at another tenant, each with the reason. A new
 * operation that is neither here nor mappable fails the test, so no route escapes the matrix.
 */
export const ALLOWLIST: Readonly<Record<string, string>> = {
  'system.health': 'liveness probe: no tenant data',
  'system.ready': 'readiness probe: no tenant data',
  'auth.login': 'email and password in, token out: addresses no tenant object',
  'auth.logout': "ends the caller's own login token",
  'auth.me': "the caller's own user and memberships",
  'auth.changePassword': "the caller's own password",
  'auth.signup':
    'creates a new account; its invitation_token goes through acceptInvitation, which the ' +
    'matrix covers as invitations.accept',
  'auth.requestPasswordReset':
    'answers the same 200 for every address by design, so it cannot tell tenants apart',
  'auth.confirmPasswordReset': 'the mailed reset token is the only credential; no tenant object',
  'organizations.create': 'creates a new organization owned by the caller; names no existing one',
  'auth.verifyEmail':
    'the mailed sign-up token is the only credential; creates a new user, no tenant object',
  // Capability routes: the secret in the request is the whole credential (public by the
  // DailyPlay spec), so there is no tenant-A credential to aim at tenant B with.
  validateSession: 'public by the DailyPlay spec: the session token is the only credential',
  consumeSession: 'public by the DailyPlay spec: the session token is the only credential',
  'plays.claim': 'the signed draw token is the only credential and names its own draw',
  'compliance.inboundSms':
    "public carrier webhook (Twilio form post): the X-Twilio-Signature under the property's " +
    'stored auth token is the only credential, and an unsigned or wrongly signed post is 403 for ' +
    'every property alike (compliance.inbound.test.ts); there is no tenant-A credential to aim ' +
    "at tenant B's property with",
  // The unsubscribe link of a message: the sealed token (player, property, group, channel under
  // the server's key) is the whole credential, public by design (RFC 8058 one-click), like
  // validateSession; there is no tenant-A credential to aim at tenant B with.
  'compliance.unsubscribePage':
    'public unsubscribe link: the sealed token is the only credential and names its own property',
  'compliance.unsubscribe':
    'public one-click unsubscribe (RFC 8058): the sealed token is the only credential and names ' +
    'its own property',
  // The links inside sent campaign messages, followed by recipients without any credential: an
  // unguessable short code, or a signature over the message's own link, is the whole credential
  // (a wrong one is 404 for every message alike); the open pixel always answers the image.
  'links.short': 'public SMS short link: the unguessable code is the only credential',
  'links.click':
    "public tracked email link: the signature over the message's own link is the only credential",
  'links.open': 'public open pixel: always the same image, records only a correctly signed open',
  'campaigns.smsStatus':
    "public carrier webhook (Twilio form post) like compliance.inboundSms: the X-Twilio-Signature under the property's stored auth token is the only credential, 403 for every property alike when missing or wrong",
};

/**
 * Where webhook endpoints and connections of the matrix deliver: loopback port 9 (discard), so
 * nothing leaves the machine; the walls server allows private networks for it.
 */
export const HOOK_URL = 'http://127.0.0.1:9/walls';

const SMS = { channel: 'sms', body: 'Hi {{ player.first_name }}' };
const CONSENT = { channel: 'email', consent_type: 'email_opt_in', purpose: 'marketing' };

/**
 * Bodies the spec leaves open (rows of any table): the fields a request needs, by hand.
 * `slot(name, field)` puts the object the body parameter `name` maps to at `field`.
 */
export const BODY_OVERRIDES: Readonly<
  Record<string, (slot: (name: string, field?: string) => unknown) => unknown[]>
> = {
  'players.batchUpsert': (slot) => [
    { players: [{ player_id: slot('player_id', 'players[].player_id') }] },
  ],
  'tables.insert': (slot) => [{ player_id: slot('player_id') }],
  'tables.update': () => [{ first_name: 'Walls' }],
  'players.update': () => [{ first_name: 'Walls' }],
  // `id` and `key_id` are aliases (id wins when both are sent): one variant group each.
  'propertyKeys.revoke': (slot) => [{ id: slot('id') }, { key_id: slot('id', 'key_id') }],
  // The event type and URL must be real ones (a sample string is a 400), and an update must
  // change something; `provider` decides which settings a connection needs.
  'webhooks.create': () => [
    { url: HOOK_URL, event_types: ['player.deleted'], description: 'Walls' },
  ],
  'webhooks.update': () => [{ description: 'Walls' }],
  'connections.create': (slot) => [
    { org_id: slot('org_id'), name: 'Walls', provider: 'webhook', url: HOOK_URL },
  ],
  'connections.update': (slot) => [{ org_id: slot('org_id'), name: 'Walls' }],
  // The address defaults to the player's (seeded with an email); one consent, then a batch.
  'compliance.recordConsent': (slot) => [
    { player_id: slot('player_id'), ...CONSENT },
    { consents: [{ player_id: slot('consents[].player_id'), ...CONSENT }] },
  ],
  'compliance.check': (slot) => [
    {
      channel: 'email',
      purpose: 'transactional',
      subscription_group_id: slot('subscription_group_id'),
      recipients: [{ player_id: slot('recipients[].player_id') }],
    },
  ],
  'compliance.updateSettings': () => [{ postal_address: '1 Casino Way, Las Vegas, NV 89109' }],
  // Exactly one of phone, email or player_id: the player id, the one that could name B's player.
  'doNotContact.lookup': (slot) => [{ player_id: slot('player_id') }],
  // An email template needs a subject and MJML; an SMS one is the smallest valid template.
  'templates.create': () => [{ name: `Walls ${randomBytes(4).toString('hex')}`, ...SMS }],
  'templates.render': () => [SMS],
  // Updates must change something (minProperties 1); a filter must name a real column.
  'templates.update': () => [{ body: 'Hello {{ player.first_name }}' }],
  'segments.create': () => [
    { name: `Walls ${randomBytes(4).toString('hex')}`, filter: 'tier=eq.gold' },
  ],
  'segments.update': () => [{ description: 'Walls' }],
  // A graph is checked as a whole (the schema leaves it open): a whole one, by hand.
  'journeys.create': () => [
    {
      name: `Walls ${randomBytes(4).toString('hex')}`,
      graph: {
        trigger: { type: 'api' },
        start: 'pause',
        nodes: {
          pause: { type: 'wait', duration: { days: 1 }, next: 'done' },
          done: { type: 'exit' },
        },
      },
    },
  ],
  'journeys.update': () => [{ description: 'Walls' }],
  'journeys.enter': (slot) => [{ player_id: slot('player_id') }],
  // The template must be of the campaign's channel (the seeded one is SMS); a test goes to a
  // phone number of the team.
  'campaigns.create': (slot) => [
    {
      name: `Walls ${randomBytes(4).toString('hex')}`,
      channel: 'sms',
      template_id: slot('template_id'),
      audience: { type: 'segment', segment_id: slot('audience.segment_id') },
    },
  ],
  'campaigns.test': (slot) => [{ campaign_id: slot('campaign_id'), to: ['+12125550123'] }],
  // A schedule needs a time (send_at, or local_date with local_time), both optional fields.
  'campaigns.schedule': (slot) => [
    {
      campaign_id: slot('campaign_id'),
      send_at: new Date(Date.now() + 2 * 86_400_000).toISOString(),
    },
  ],
};

/**
 * Bodies that are not JSON: the operation's content type and bytes (an image upload names its
 * organization in the path only).
 */
export const RAW_BODIES: Readonly<Record<string, { contentType: string; body: Buffer }>> = {
  'branding.uploadAsset': { contentType: 'image/png', body: png(24, 24) },
};

/** Filters the spec cannot name (`column.op=value`): the table routes' row filter. */
export const EXTRA_QUERY: Readonly<Record<string, readonly [string, Kind][]>> = {
  'tables.list': [['id.eq', 'rowPlayer']],
  'tables.update': [['id.eq', 'rowPlayer']],
  'tables.delete': [['id.eq', 'rowPlayer']],
};

/** Sample values of plain fields by name, where the schema alone would pick a poor one. */
export const VALUES: Readonly<Record<string, () => unknown>> = {
  role: () => 'Viewer',
  email: () => `walls-${randomBytes(5).toString('hex')}@example.test`,
  win_chance: () => 50,
  duration_ms: () => 1000,
  // resend-failed refuses a time in the future.
  since: () => new Date(Date.now() - 86_400_000).toISOString(),
};

/** Names that refer to an object: each must be mapped above, or the test fails. */
export const ID_LIKE = /(^|_)(id|ids|uuid|token|slug)$|[a-z]Id$|^x-property-id$/;

/**
 * The rule of a parameter of an operation on `path`: most specific key first, then `id` and
 * `messageId` by the path and `token` by the operation.
 */
export function ruleFor(
  operationId: string,
  path: string,
  location: Location,
  name: string,
): Rule | undefined {
  const direct =
    PARAMS[`${operationId}:${location}.${name}`] ?? PARAMS[`${location}.${name}`] ?? PARAMS[name];
  if (direct) return direct;
  const byPath = (table: readonly [string, Kind][]) => {
    const match = table
      .filter(([prefix]) => path.startsWith(prefix))
      .sort((a, b) => b[0].length - a[0].length)[0];
    return match ? object(match[1]) : undefined;
  };
  if (name === 'id') return byPath(ID_OF_PATH);
  if (name === 'messageId') return byPath(MESSAGE_OF_PATH);
  if (name === 'token') {
    const kind = TOKEN_OF[operationId];
    return kind ? object(kind) : undefined;
  }
  return undefined;
}
