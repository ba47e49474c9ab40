import { randomBytes, randomUUID } from 'node:crypto';
import { createApiKey } from '../../src/modules/api-keys/index.ts';
import { createTemplate } from '../../src/modules/content/index.ts';
import { createConnection, linkConnection } from '../../src/modules/connections/index.ts';
import { createGame } from '../../src/modules/games/index.ts';
import {
  createOrganization,
  type OrganizationRow,
  ROLES,
  type Role,
} from '../../src/modules/organizations/index.ts';
// Not in the module's index (only its routes create invitations); the seeder needs the mailed link.
import { createPlayer } from '../../src/modules/players/index.ts';
import { replacePrizes } from '../../src/modules/prizes/index.ts';
import { openPrivacyRequest } from '../../src/modules/privacy/index.ts';
import { createProperty } from '../../src/modules/properties/index.ts';
import { createPropertyKey, type PropertyScope } from '../../src/modules/property-keys/index.ts';
import { createSegment } from '../../src/modules/segments/index.ts';
// Not in the module's index (only its routes and jobs use them); the seeder needs a sent campaign.
import { deliverCampaign } from '../../src/modules/campaigns/campaigns.deliver.ts';
import { planCampaign } from '../../src/modules/campaigns/campaigns.plan.ts';
import {
  createCampaign,
  scheduleCampaign,
  sendCampaign,
} from '../../src/modules/campaigns/campaigns.service.ts';
import { createStream } from '../../src/modules/streams/index.ts';
import { advanceDue } from '../../src/modules/journeys/index.ts';
// Not in the module's index (only its routes use them); the seeder needs journeys in each state.
import {
  createJourney,
  enterJourney,
  pauseJourney,
  publishJourney,
} from '../../src/modules/journeys/journeys.service.ts';
import { addDoNotContact } from '../../src/modules/subscriptions/index.ts';
import { createUser, login } from '../../src/modules/users/index.ts';
import { createVoucherSet, generateVoucherCodes } from '../../src/modules/vouchers/index.ts';
import { createEndpoint } from '../../src/modules/webhooks/index.ts';
import { uploadAsset } from '../../src/modules/branding/index.ts';
import { png } from '../brand-images.ts';
import { makeUser, type TestUser, unique } from '../factories.ts';
import type { Harness } from '../harness.ts';
import { inviteWithToken } from '../security/route-seed.ts';
import { recordSecrets } from './figures.ts';
import { HOOK_URL } from './walls-rules.ts';

/**
 * Every kind of tenant object a route can name. The matrix (walls-matrix.ts) fills a
 * parameter with the object of its kind, of tenant B (or A, or a never-issued "ghost" value).
 */
export const KINDS = [
  'org',
  'orgSlug',
  'property',
  'member',
  'game',
  'stream',
  'streamSlug',
  'voucherSet',
  'prizeVoucherSet',
  'prizeSlot',
  'apiKey',
  'propertyKey',
  'invitation',
  'invitationToken',
  'sessionToken',
  'playToken',
  'play',
  'player',
  'rowPlayer',
  'playerKey',
  'webhook',
  'webhookMessage',
  'connection',
  'connectionMessage',
  'erasablePlayer',
  'subscriptionGroup',
  'inboundMessage',
  'dncHash',
  'exportRequest',
  'erasureRequest',
  'privacyRequest',
  'template',
  'segment',
  'campaign',
  'campaignToSend',
  'campaignToSchedule',
  'scheduledCampaign',
  'message',
  'journey',
  'journeyToPublish',
  'journeyToPause',
  'pausedJourney',
  'journeyToArchive',
  'draftJourney',
  'journeyRun',
  'asset',
  'assetToDelete',
] as const;
export type Kind = (typeof KINDS)[number];
export type Objects = Readonly<Record<Kind, string | number>>;

export const PK_SCOPES: readonly (readonly PropertyScope[])[] = [
  ['read'],
  ['write'],
  ['read', 'write'],
];

/** Who can send a request: each role's login token, each key kind and scope, a play browser. */
export interface Credential {
  readonly name: string;
  readonly kind: 'user' | 'dpk' | 'pk' | 'player';
  readonly headers: Readonly<Record<string, string>>;
}

export interface WallTenant {
  readonly label: string;
  /** In every name this tenant's objects carry: no answer to the other tenant may contain it. */
  readonly marker: string;
  readonly org: OrganizationRow;
  readonly users: Readonly<Record<Role, TestUser>>;
  /** Login tokens, keys and the play cookie, in a fixed order (see credentialsOf). */
  readonly credentials: readonly Credential[];
  /** The invited address's own login (no membership yet): accepts `invitationToken`. */
  readonly invitee: Credential;
  readonly objects: Objects;
  /** Ids of every user of the tenant (for the fingerprint). */
  readonly userIds: readonly number[];
  /** Strings only this tenant's answers may contain: the marker and its users' emails. */
  readonly privateStrings: readonly string[];
}

async function sessionToken(
  h: Harness,
  key: string,
  body: Record<string, unknown>,
): Promise<string> {
  const response = await h.inject({
    method: 'POST',
    url: '/api/org-api-keys?action=create-session',
    headers: { 'x-api-key': key },
    payload: body,
  });
  if (response.statusCode !== 200) throw new Error(`create-session: ${response.body}`);
  return (JSON.parse(response.body) as { data: { token: string } }).data.token;
}

async function startPlay(
  h: Harness,
  token: string,
  gameId: number,
  playerUuid: string,
): Promise<number> {
  const response = await h.inject({
    method: 'POST',
    url: '/play/api/start',
    payload: { session_token: token, game_id: gameId },
    cookies: { pl_player: playerUuid },
  });
  if (response.statusCode !== 200) throw new Error(`play start: ${response.body}`);
  return (JSON.parse(response.body) as { data: { play: { id: number } } }).data.play.id;
}

async function invite(
  h: Harness,
  owner: TestUser,
  orgId: number,
  email: string,
): Promise<{ id: string; token: string }> {
  const invitation = await inviteWithToken(h, owner, orgId, email);
  recordSecrets(invitation.token);
  return invitation;
}

/** A message id as the delivery service issues them (`msg_` + 32 hex). */
const messageId = () => `msg_${randomBytes(16).toString('hex')}`;

/**
 * A delivered message of a webhook endpoint or a connection, written directly (only delivery
 * makes them). Delivered, so a replay is accepted (a queued one is 409) and no worker touches it
 * before; its payload is a whole envelope, so the replay the positive control queues can be sent.
 */
async function deliveredMessage(
  h: Harness,
  orgId: number,
  target:
    | { property_id: string; endpoint_id: string }
    | { property_id: null; connection_id: number; event_id: string },
  eventType: string,
  data: Record<string, unknown>,
): Promise<string> {
  const id = messageId();
  const envelope = {
    id: 'event_id' in target ? target.event_id : randomUUID(),
    type: eventType,
    version: 1,
    occurred_at: new Date().toISOString(),
    org_id: orgId,
    property_id: target.property_id,
    data,
  };
  await h.deps.database.db
    .insertInto('webhook_messages')
    .values({
      id,
      org_id: orgId,
      ...target,
      event_type: eventType,
      payload: JSON.stringify(envelope),
      status: 'delivered',
      next_attempt_at: null,
    })
    .execute();
  return id;
}

/**
 * Compliance rows of a property, so the fingerprint has something of each to watch: a
 * subscription group (written directly: no route makes them) with the player in it, a consent
 * and a pre-send decision (through the API, with the property's read+write key).
 */
async function seedCompliance(
  h: Harness,
  propertyId: string,
  playerId: string,
  pkKeys: readonly { scopes: readonly PropertyScope[]; key: string }[],
): Promise<{ group: string }> {
  const { id: group } = await h.deps.database.db
    .insertInto('subscription_groups')
    .values({
      property_id: propertyId,
      name: 'Walls promotions',
      channel: 'email',
      purpose: 'marketing',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await h.deps.database.db
    .insertInto('subscription_members')
    .values({ property_id: propertyId, group_id: group, player_id: playerId, subscribed: true })
    .execute();
  const key = pkKeys.find((k) => k.scopes.length === 2)!.key;
  const calls: [string, Record<string, unknown>][] = [
    [
      '/api/functions/record-consent',
      { player_id: playerId, channel: 'email', consent_type: 'email_opt_in', purpose: 'marketing' },
    ],
    [
      '/api/functions/tcpa-check',
      {
        channel: 'email',
        purpose: 'transactional',
        subscription_group_id: group,
        recipients: [{ player_id: playerId }],
      },
    ],
  ];
  for (const [url, payload] of calls) {
    const response = await h.inject({
      method: 'POST',
      url,
      headers: { 'x-api-key': key },
      payload,
    });
    if (response.statusCode !== 200 && response.statusCode !== 201) {
      throw new Error(`${url}: ${response.statusCode} ${response.body}`);
    }
  }
  return { group };
}

/**
 * The property's objects of the audience and privacy routes, as test/security/route-seed.ts seeds
 * them: an SMS reply flagged for review (written directly: only the signed carrier webhook stores
 * them), a do-not-contact entry (its hash), three open privacy requests (one to answer by export,
 * one by erasure of the erasable player, one to extend: answering one closes it), an SMS template
 * and a segment. Names carry the marker.
 */
async function seedAudience(
  h: Harness,
  org: { id: number },
  propertyId: string,
  marker: string,
  players: { player: string; erasable: string },
) {
  const { id: inboundMessage } = await h.deps.database.db
    .insertInto('inbound_messages')
    .values({
      property_id: propertyId,
      from_address: '+12125550142',
      to_address: '+17025550100',
      body: 'please stop texting me',
      intent: 'review',
      message_sid: `SM${randomBytes(16).toString('hex')}`,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const { hashes } = await addDoNotContact(h.deps, propertyId, [
    { email: `dnc-${marker}@example.test` },
  ]);
  const open = async (type: 'export' | 'delete', player: string) =>
    (await openPrivacyRequest(h.deps, propertyId, { type, player, note: marker })).id;
  const template = await createTemplate(
    h.deps,
    { id: propertyId, orgId: org.id },
    { name: `Template ${marker}`, channel: 'sms', body: 'Hi {{ player.first_name }}' },
  );
  const segment = await createSegment(h.deps, propertyId, {
    name: `Segment ${marker}`,
    filter: 'tier=eq.gold',
  });
  return {
    inboundMessage,
    dncHash: hashes[0]!,
    exportRequest: await open('export', players.player),
    erasureRequest: await open('delete', players.erasable),
    privacyRequest: await open('export', players.player),
    template: template.id,
    segment: segment.id,
  };
}

/**
 * The property's campaigns: a draft (read, updated, previewed, tested, deleted), one draft each
 * for send-campaign and schedule-campaign and one scheduled a day ahead for cancel-campaign (the
 * positive control uses each up), and a campaign sent to the player to its end (provider none:
 * no sender is configured), whose message the message routes name. Sent before the matrix, so
 * the server's workers have nothing of it left to do. Names carry the marker.
 */
async function seedCampaigns(
  h: Harness,
  property: { id: string; orgId: number },
  marker: string,
  objects: { template: string; segment: string; player: string },
) {
  // Scheduling and sending queue the planner's job (no worker runs in the seeder).
  await h.deps.jobs.start();
  const draft = async (name: string, audience?: { type: 'players'; player_ids: string[] }) =>
    (
      await createCampaign(h.deps, property, {
        name: `${name} ${marker}`,
        channel: 'sms',
        template_id: objects.template,
        audience: audience ?? { type: 'segment', segment_id: objects.segment },
      })
    ).id;
  const scheduledCampaign = await draft('Scheduled');
  await scheduleCampaign(h.deps, property, {
    campaign_id: scheduledCampaign,
    send_at: new Date(Date.now() + 86_400_000).toISOString(),
  });
  const sent = await draft('Sent', { type: 'players', player_ids: [objects.player] });
  await sendCampaign(h.deps, property, { campaignId: sent, propertyId: property.id }, undefined);
  for (let round = 0; round < 20; round++) {
    if ((await planCampaign(h.deps, sent)).next !== 'plan') break;
  }
  for (let round = 0; round < 20; round++) {
    if ((await deliverCampaign(h.deps, sent)).next === 'done') break;
  }
  const message = await h.deps.database.db
    .selectFrom('messages')
    .select('id')
    .where('campaign_id', '=', sent)
    .executeTakeFirstOrThrow();
  return {
    campaign: await draft('Campaign'),
    campaignToSend: await draft('To send'),
    campaignToSchedule: await draft('To schedule'),
    scheduledCampaign,
    message: message.id,
  };
}

/**
 * The property's journeys, entered only through the API (a day's wait, then the end): an active
 * one with the player's run in it (walked to its wait before the matrix, so the server's journey
 * worker has nothing of it to do), and one each for publish, pause, archive (active), resume
 * (paused) and delete (a draft: an active one is 409), which the positive control uses up. Names
 * carry the marker.
 */
async function seedJourneys(
  h: Harness,
  property: { id: string; orgId: number },
  marker: string,
  playerId: string,
) {
  const journey = async (name: string, status: 'draft' | 'active' | 'paused') => {
    const { id } = await createJourney(h.deps, property, {
      name: `${name} ${marker}`,
      graph: {
        trigger: { type: 'api' },
        start: 'pause',
        nodes: {
          pause: { type: 'wait', duration: { days: 1 }, next: 'done' },
          done: { type: 'exit' },
        },
      },
    });
    if (status !== 'draft') await publishJourney(h.deps, property, id);
    if (status === 'paused') await pauseJourney(h.deps, property, id);
    return id;
  };
  const active = await journey('Journey', 'active');
  const entered = await enterJourney(h.deps, property, active, { player_id: playerId });
  if (!entered.run_id) throw new Error('the seeded journey took no run');
  await advanceDue(h.deps, { journeyId: active, sliceMs: 10_000 });
  return {
    journey: active,
    journeyToPublish: await journey('To publish', 'active'),
    journeyToPause: await journey('To pause', 'active'),
    pausedJourney: await journey('Paused', 'paused'),
    journeyToArchive: await journey('To archive', 'active'),
    draftJourney: await journey('Draft', 'draft'),
    journeyRun: entered.run_id,
  };
}

/**
 * A complete tenant, through the services (and the in-process API where no service is
 * exported): an organization on the Business tier with a member of every role (and one more
 * member to be the object of member routes), three DailyPlay keys (one to use, one scoped to a
 * game, one to be the object of key routes), games, a stream, voucher sets, prize slots,
 * sessions, a play, two invitations, a property with read, write and read+write pk_ keys plus
 * one more to be revoked, players, a webhook endpoint of the property and a connection of the
 * organization (linked to the stream), each with a delivered message, a player to erase, a
 * subscription group, a consent and a pre-send decision, and the audience and privacy objects
 * (seedAudience). Names carry the tenant's marker.
 */
export async function seedTenant(h: Harness, label: string): Promise<WallTenant> {
  const marker = `walls${label}${randomBytes(4).toString('hex')}`;
  const org = await createOrganization(h.deps, {
    name: `Org ${marker}`,
    slug: unique(`walls-${label.toLowerCase()}`),
    planTier: 'Business',
  });
  const users = {} as Record<Role, TestUser>;
  for (const role of ROLES) users[role] = await makeUser(h, org.id, role);
  const member = await makeUser(h, org.id, 'Viewer');
  const owner = users.Owner;
  const actor = { userId: owner.id };
  const limits = { rate_limit_per_minute: 1_000_000, rate_limit_per_day: 10_000_000 };
  const key = await createApiKey(h.deps, undefined, org.id, { name: `Key ${marker}`, ...limits });
  const objectKey = await createApiKey(h.deps, undefined, org.id, {
    name: `Object key ${marker}`,
    ...limits,
  });

  const game = await createGame(h.deps, org.id, { title: `Spin ${marker}`, prize_enabled: true });
  const other = await createGame(h.deps, org.id, { title: `Match ${marker}` });
  const stream = await createStream(h.deps, org.id, {
    name: `Stream ${marker}`,
    slug: unique('walls-stream'),
    gameIds: [game.id, other.id],
  });
  // Branding images: one the branding may name, one of its own for the delete to use up.
  const asset = await uploadAsset(h.deps, actor, org.id, { type: 'image/png', bytes: png(32, 32) });
  const assetToDelete = await uploadAsset(h.deps, actor, org.id, {
    type: 'image/png',
    bytes: png(16, 16),
  });
  const voucherSet = await createVoucherSet(h.deps, actor, org.id, { name: `Set ${marker}` });
  const prizeSet = await createVoucherSet(h.deps, actor, org.id, { name: `Prize set ${marker}` });
  await generateVoucherCodes(h.deps, actor, org.id, voucherSet.id, { count: 3 });
  await generateVoucherCodes(h.deps, actor, org.id, prizeSet.id, { count: 3 });
  const prizes = await replacePrizes(h.deps, actor, org.id, game.id, [
    { name: 'Voucher', type: 'voucher_set', win_chance: 50, voucher_set_id: prizeSet.id },
    { name: 'Nothing', type: 'no_prize', win_chance: 50 },
  ]);

  // A scoped key (DailyPlay's allowed_game_ids / allowed_stream_ids): the second game only.
  const scopedKey = await createApiKey(h.deps, undefined, org.id, {
    name: `Scoped key ${marker}`,
    allowed_game_ids: [other.id],
    allowed_stream_ids: [stream.id],
    ...limits,
  });
  const objectSession = await sessionToken(h, key.key, { game_id: game.id, external_ref: marker });
  const playToken = await sessionToken(h, key.key, { game_id: game.id });
  const playerUuid = randomUUID();
  const play = await startPlay(
    h,
    await sessionToken(h, key.key, { game_id: game.id }),
    game.id,
    playerUuid,
  );

  const inviteeEmail = `invitee-${marker}@example.test`;
  const inviteePassword = `pw-${randomBytes(10).toString('hex')}`;
  recordSecrets(inviteePassword);
  await createUser(h.deps, { email: inviteeEmail, password: inviteePassword });
  const inviteeLogin = await login(h.deps, { email: inviteeEmail, password: inviteePassword });
  const revocable = await invite(h, owner, org.id, `pending-${marker}@example.test`);
  const acceptable = await invite(h, owner, org.id, inviteeEmail);

  const property = await createProperty(h.deps, undefined, {
    orgId: org.id,
    name: `Casino ${marker}`,
  });
  const pkKeys: { scopes: readonly PropertyScope[]; key: string }[] = [];
  for (const scopes of PK_SCOPES) {
    const created = await createPropertyKey(h.deps, undefined, {
      propertyId: property.id,
      name: `Key ${scopes.join('+')} ${marker}`,
      scopes: [...scopes],
      rateLimitPerMinute: 100_000,
    });
    pkKeys.push({ scopes, key: created.key });
  }
  const objectPk = await createPropertyKey(h.deps, undefined, {
    propertyId: property.id,
    name: `Object key ${marker}`,
  });
  const player = await createPlayer(h.deps, property.id, {
    // Not the marker: A's requests send it, and A's own rows may then echo it back.
    player_id: `p-${randomBytes(6).toString('hex')}`,
    first_name: marker,
    email: `player-${marker}@example.test`,
  });
  const rowPlayer = await createPlayer(h.deps, property.id, {
    player_id: `r-${marker}`,
    first_name: marker,
  });
  // Erasure (delete-player-data) uses its player up: one of its own.
  const erasablePlayer = await createPlayer(h.deps, property.id, {
    player_id: `e-${randomBytes(6).toString('hex')}`,
    first_name: marker,
    email: `erasable-${marker}@example.test`,
  });
  const compliance = await seedCompliance(h, property.id, player.id, pkKeys);
  const audience = await seedAudience(h, org, property.id, marker, {
    player: player.id,
    erasable: erasablePlayer.id,
  });
  const campaigns = await seedCampaigns(h, { id: property.id, orgId: org.id }, marker, {
    template: audience.template,
    segment: audience.segment,
    player: player.id,
  });
  const journeys = await seedJourneys(h, { id: property.id, orgId: org.id }, marker, player.id);

  // Outbound webhooks. The endpoint listens to player.deleted only, and the connection fires on
  // play_complete only: nothing the seed or the matrix does, so the server's events dispatcher
  // adds no message to them between the two fingerprints. Their URL is never reached (port 9).
  const { endpoint } = await createEndpoint(
    h.deps,
    { id: property.id, orgId: org.id },
    { url: HOOK_URL, event_types: ['player.deleted'], description: `Hook ${marker}` },
  );
  const webhookMessage = await deliveredMessage(
    h,
    org.id,
    { property_id: property.id, endpoint_id: endpoint.id },
    'webhook.test',
    { endpoint_id: endpoint.id, message: 'A test message from PlayLoop' },
  );
  const { connection } = await createConnection(h.deps, actor, org.id, {
    name: `Connection ${marker}`,
    provider: 'webhook',
    url: HOOK_URL,
  });
  // Linked, so unlinking has a link to remove.
  await linkConnection(h.deps, actor, org.id, stream.id, connection.id, ['play_complete']);
  const connectionMessage = await deliveredMessage(
    h,
    org.id,
    { property_id: null, connection_id: connection.id, event_id: randomUUID() },
    'play.completed',
    { game_id: game.id, stream_id: stream.id, play_id: play },
  );

  const credentials: Credential[] = [
    ...ROLES.map((role) => ({
      name: `user ${role}`,
      kind: 'user' as const,
      headers: { authorization: `Bearer ${users[role].token}` },
    })),
    { name: 'dpk_ key', kind: 'dpk', headers: { 'x-api-key': key.key } },
    { name: 'dpk_ key scoped', kind: 'dpk', headers: { 'x-api-key': scopedKey.key } },
    ...pkKeys.map(({ scopes, key: raw }) => ({
      name: `pk_ key ${scopes.join('+')}`,
      kind: 'pk' as const,
      headers: { 'x-api-key': raw },
    })),
    { name: 'play cookie', kind: 'player', headers: { cookie: `pl_player=${playerUuid}` } },
  ];
  const everyone = [...Object.values(users), member];
  return {
    label,
    marker,
    org,
    users,
    credentials,
    invitee: {
      name: 'invitee',
      kind: 'user',
      headers: { authorization: `Bearer ${inviteeLogin.token}` },
    },
    objects: {
      org: org.id,
      orgSlug: org.slug,
      property: property.id,
      member: member.id,
      game: game.id,
      stream: stream.id,
      streamSlug: stream.slug,
      voucherSet: voucherSet.id,
      prizeVoucherSet: prizeSet.id,
      prizeSlot: prizes.slots[0]!.id,
      apiKey: objectKey.id,
      propertyKey: objectPk.id,
      invitation: revocable.id,
      invitationToken: acceptable.token,
      sessionToken: objectSession,
      playToken,
      play,
      player: player.id,
      rowPlayer: rowPlayer.id,
      // Seeded with a casino id, so never null here.
      playerKey: player.player_id!,
      webhook: endpoint.id,
      webhookMessage,
      connection: connection.id,
      connectionMessage,
      erasablePlayer: erasablePlayer.id,
      subscriptionGroup: compliance.group,
      ...audience,
      ...campaigns,
      ...journeys,
      asset: asset.id,
      assetToDelete: assetToDelete.id,
    },
    userIds: [...everyone.map((user) => user.id), inviteeLogin.user.id],
    privateStrings: [marker, ...everyone.map((user) => user.email), inviteeEmail],
  };
}

/** Never-issued values of every kind: what a request naming nothing that exists looks like. */
export function ghostObjects(): Objects {
  const int = (n: number) => 2_147_000_000 + n;
  return {
    org: int(1),
    orgSlug: 'walls-ghost-org',
    property: randomUUID(),
    member: int(2),
    game: int(3),
    stream: int(4),
    streamSlug: 'walls-ghost-stream',
    voucherSet: int(5),
    prizeVoucherSet: int(6),
    prizeSlot: int(7),
    apiKey: int(8),
    propertyKey: randomUUID(),
    invitation: randomUUID(),
    invitationToken: randomBytes(32).toString('base64url'),
    sessionToken: randomUUID(),
    playToken: randomUUID(),
    play: int(9),
    player: randomUUID(),
    rowPlayer: randomUUID(),
    playerKey: 'walls-ghost-player',
    webhook: randomUUID(),
    webhookMessage: messageId(),
    connection: int(10),
    connectionMessage: messageId(),
    erasablePlayer: randomUUID(),
    subscriptionGroup: randomUUID(),
    inboundMessage: randomUUID(),
    dncHash: randomBytes(32).toString('hex'),
    exportRequest: randomUUID(),
    erasureRequest: randomUUID(),
    privacyRequest: randomUUID(),
    template: randomUUID(),
    segment: randomUUID(),
    campaign: randomUUID(),
    campaignToSend: randomUUID(),
    campaignToSchedule: randomUUID(),
    scheduledCampaign: randomUUID(),
    message: randomUUID(),
    journey: randomUUID(),
    journeyToPublish: randomUUID(),
    journeyToPause: randomUUID(),
    pausedJourney: randomUUID(),
    journeyToArchive: randomUUID(),
    draftJourney: randomUUID(),
    journeyRun: randomUUID(),
    asset: randomUUID(),
    assetToDelete: randomUUID(),
  };
}
