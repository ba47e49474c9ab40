import { randomBytes, randomUUID } from 'node:crypto';
import type { Deps } from '../../src/deps.ts';
import type { MailMessage } from '../../src/lib/mailer.ts';
import { createApiKey } from '../../src/modules/api-keys/index.ts';
import { createConnection, linkConnection } from '../../src/modules/connections/index.ts';
import { createGame } from '../../src/modules/games/index.ts';
import {
  createOrganization,
  type OrganizationRow,
  ROLES,
  type Role,
} from '../../src/modules/organizations/index.ts';
// Not in the module's index (only its routes create invitations); the seed needs the mailed link.
import { createInvitation } from '../../src/modules/organizations/organizations.invitations.ts';
import { createPlayer } from '../../src/modules/players/index.ts';
import { openPrivacyRequest } from '../../src/modules/privacy/index.ts';
import { createProperty } from '../../src/modules/properties/index.ts';
import { createPropertyKey } from '../../src/modules/property-keys/index.ts';
import { createStream } from '../../src/modules/streams/index.ts';
import { addDoNotContact, createGroups } from '../../src/modules/subscriptions/index.ts';
import { authenticateBearer } from '../../src/modules/users/index.ts';
import { createVoucherSet } from '../../src/modules/vouchers/index.ts';
import { createTemplate } from '../../src/modules/content/index.ts';
import { createSegment } from '../../src/modules/segments/index.ts';
// Not in the module's index (only its routes and jobs use them); the seed needs a campaign run.
import { planCampaign } from '../../src/modules/campaigns/campaigns.plan.ts';
import {
  createCampaign,
  scheduleCampaign,
  sendCampaign,
} from '../../src/modules/campaigns/campaigns.service.ts';
import { createEndpoint } from '../../src/modules/webhooks/index.ts';
// Not in the module's index (only its routes use them); the seed needs journeys in each state.
import {
  createJourney,
  enterJourney,
  pauseJourney,
  publishJourney,
} from '../../src/modules/journeys/journeys.service.ts';
import { png } from '../brand-images.ts';
import { makeUser, type TestUser, unique } from '../factories.ts';
import type { Harness } from '../harness.ts';

/**
 * The objects a route can name, one of each per seeded tenant. A declaration (routes.ts) builds
 * its request from an `Objects`; the suite swaps single kinds for the other tenant's object, a
 * never-issued one, or a malformed value.
 */
export const KIND_TYPE = {
  org: 'int',
  game: 'int',
  stream: 'int',
  voucherSet: 'int',
  apiKey: 'int',
  member: 'int',
  invitation: 'uuid',
  invitationToken: 'text',
  property: 'uuid',
  propertyKey: 'uuid',
  player: 'uuid',
  session: 'uuid',
  webhook: 'uuid',
  webhookMessage: 'msg',
  connection: 'int',
  connectionMessage: 'msg',
  /** A subscription group of the property. */
  subscriptionGroup: 'uuid',
  /** A do-not-contact entry of the property, by its SHA-256 hex. */
  dncHash: 'hash',
  /** An SMS reply flagged for review (inbound_messages). */
  inboundMessage: 'uuid',
  /** A privacy request opened and not yet answered (status received). */
  privacyRequest: 'uuid',
  /** A content template of the property. */
  template: 'uuid',
  /** A saved segment of the property. */
  segment: 'uuid',
  /** A draft SMS campaign of the property. */
  campaign: 'uuid',
  /** A campaign of the property scheduled a day ahead (what cancel-campaign takes). */
  scheduledCampaign: 'uuid',
  /** A message of a campaign the property sent (planned through the services, provider none). */
  message: 'uuid',
  /** A published (active) journey of the property, with the seeded player's run in it. */
  journey: 'uuid',
  /** A draft journey of the property (what delete takes: an active one is 409). */
  draftJourney: 'uuid',
  /** A published journey of the property, paused (what resume takes). */
  pausedJourney: 'uuid',
  /** The seeded player's run through `journey`. */
  journeyRun: 'uuid',
  /** A published version of `journey` (1): scoped by its journey, so only malformed values. */
  journeyVersion: 'int',
  /** The password of the user sending the request (routes acting on the caller's own account). */
  password: 'text',
  /** An uploaded branding image of the organization, used by nothing (what delete takes). */
  asset: 'uuid',
} as const;
export type Kind = keyof typeof KIND_TYPE;
export type Objects = Readonly<Record<Kind, number | string>>;

/** Values no seed ever issues, in the shape of each kind. */
export function ghostOf(kind: Kind): number | string {
  switch (KIND_TYPE[kind]) {
    case 'int':
      return 2_147_483_000;
    case 'uuid':
      return randomUUID();
    case 'text':
      return randomBytes(24).toString('base64url');
    case 'msg':
      return `msg_${randomBytes(16).toString('hex')}`;
    case 'hash':
      return randomBytes(32).toString('hex');
  }
}

/** Values that are not ids of the kind at all: each must be a 400 (validation_failed). */
export function malformedOf(kind: Kind): (number | string)[] {
  switch (KIND_TYPE[kind]) {
    case 'int':
      // 2^31 and the infinities: just past a PostgreSQL integer, and numbers no id can be.
      return ['abc', -1, 0, 2_147_483_648, 2 ** 40, '1.5', 'Infinity', '-Infinity'];
    case 'uuid':
      return ['not-a-uuid', '123', `${randomUUID()}x`];
    case 'text':
      return [];
    case 'msg':
      return ['msg_x', 'abc', `msg_${'0'.repeat(32)}x`];
    case 'hash':
      return ['abc', 'g'.repeat(64), '0'.repeat(65)];
  }
}

export const LIMITS = { rate_limit_per_minute: 1_000_000, rate_limit_per_day: 10_000_000 };

/** One tenant: an organization with a user of every role, keys of every kind, and objects. */
export interface SecTenant {
  readonly label: string;
  readonly org: OrganizationRow;
  readonly users: Readonly<Record<Role, TestUser>>;
  /** A signed-in user who belongs to no organization. */
  readonly outsider: TestUser;
  /** An Owner's login token that was logged out: the token of nobody any more. */
  readonly loggedOutToken: string;
  /** dpk_ keys: unrestricted, restricted to a game and stream the objects are not, revoked. */
  readonly dpk: { readonly full: string; readonly scoped: string; readonly revoked: string };
  /** pk_ keys of the property, by scope, and a revoked one. */
  readonly pk: {
    readonly readWrite: string;
    readonly read: string;
    readonly write: string;
    readonly revoked: string;
  };
  readonly objects: Objects;
}

/** Emails go through the services with a mailer that keeps them: the invitation link's token. */
export async function inviteWithToken(
  h: Harness,
  owner: TestUser,
  orgId: number,
  email: string,
): Promise<{ id: string; token: string }> {
  const mails: MailMessage[] = [];
  // The services take their dependencies as an argument: this copy catches the mail in process.
  const deps: Deps = {
    ...h.deps,
    mailer: {
      send: (mail) => {
        mails.push(mail);
        return Promise.resolve();
      },
    },
  };
  const inviter = await authenticateBearer(h.deps, owner.token);
  const invitation = await createInvitation(deps, inviter, orgId, { email, role: 'Viewer' });
  const token = /token=([A-Za-z0-9_-]+)/.exec(mails[0]?.text ?? '')?.[1];
  if (!token) throw new Error('no invitation link in the mail');
  return { id: invitation.id, token };
}

/** A one-time session token minted through the API with a dpk_ key. */
export async function sessionToken(h: Harness, key: string, gameId: number): Promise<string> {
  const response = await h.inject({
    method: 'POST',
    url: '/api/org-api-keys?action=create-session',
    headers: { 'x-api-key': key },
    payload: { game_id: gameId },
  });
  if (response.statusCode !== 200) throw new Error(`create-session: ${response.body}`);
  return (JSON.parse(response.body) as { data: { token: string } }).data.token;
}

/** A webhook endpoint of the property, through the service. */
async function seedWebhook(h: Harness, orgId: number, propertyId: string): Promise<string> {
  const { endpoint } = await createEndpoint(
    h.deps,
    { id: propertyId, orgId },
    { url: 'http://127.0.0.1:9/hook', event_types: ['player.created'] },
  );
  return endpoint.id;
}

/** A delivered message of the endpoint (written directly: only delivery makes them). */
async function seedWebhookMessage(
  h: Harness,
  orgId: number,
  propertyId: string,
  endpointId: string,
): Promise<string> {
  const id = `msg_${randomBytes(16).toString('hex')}`;
  await h.deps.database.db
    .insertInto('webhook_messages')
    .values({
      id,
      org_id: orgId,
      property_id: propertyId,
      endpoint_id: endpointId,
      event_type: 'webhook.test',
      payload: JSON.stringify({ type: 'webhook.test', data: {} }),
      status: 'delivered',
      next_attempt_at: null,
    })
    .execute();
  return id;
}

/**
 * A webhook connection of the organization, linked to `streamId` (so unlinking has a link to
 * remove). Its URL is never called: no worker runs in the security suites.
 */
async function seedConnection(
  h: Harness,
  orgId: number,
  ownerId: number,
  streamId: number,
): Promise<number> {
  const owner = { userId: ownerId };
  const { connection } = await createConnection(h.deps, owner, orgId, {
    name: unique('Connection'),
    provider: 'webhook',
    url: 'http://127.0.0.1:9/hook',
  });
  await linkConnection(h.deps, owner, orgId, streamId, connection.id, ['play_complete']);
  return connection.id;
}

/** A delivered message of the connection (written directly: only delivery makes them). */
async function seedConnectionMessage(
  h: Harness,
  orgId: number,
  connectionId: number,
): Promise<string> {
  const id = `msg_${randomBytes(16).toString('hex')}`;
  await h.deps.database.db
    .insertInto('webhook_messages')
    .values({
      id,
      org_id: orgId,
      connection_id: connectionId,
      event_id: randomUUID(),
      event_type: 'play.completed',
      payload: JSON.stringify({ type: 'play.completed', data: {} }),
      status: 'delivered',
      next_attempt_at: null,
    })
    .execute();
  return id;
}

/** Fresh objects of a tenant, for routes that use theirs up (delete, revoke, remove). */
export const freshObjects = {
  game: async (h: Harness, t: SecTenant) =>
    (await createGame(h.deps, t.org.id, { title: unique('Fresh game') })).id,
  stream: async (h: Harness, t: SecTenant) =>
    (
      await createStream(h.deps, t.org.id, {
        name: unique('Fresh stream'),
        gameIds: [Number(t.objects.game)],
      })
    ).id,
  voucherSet: async (h: Harness, t: SecTenant) =>
    (
      await createVoucherSet(h.deps, { userId: t.users.Owner.id }, t.org.id, {
        name: unique('Fresh set'),
      })
    ).id,
  apiKey: async (h: Harness, t: SecTenant) =>
    (await createApiKey(h.deps, undefined, t.org.id, { name: unique('Fresh key'), ...LIMITS })).id,
  member: async (h: Harness, t: SecTenant) => (await makeUser(h, t.org.id, 'Viewer')).id,
  invitation: async (h: Harness, t: SecTenant) =>
    (await inviteWithToken(h, t.users.Owner, t.org.id, `${unique('fresh')}@example.test`)).id,
  propertyKey: async (h: Harness, t: SecTenant) =>
    (
      await createPropertyKey(h.deps, undefined, {
        propertyId: String(t.objects.property),
        name: unique('Fresh pk'),
      })
    ).id,
  player: async (h: Harness, t: SecTenant) =>
    (await createPlayer(h.deps, String(t.objects.property), { player_id: unique('fresh') })).id,
  session: async (h: Harness, t: SecTenant) => sessionToken(h, t.dpk.full, Number(t.objects.game)),
  webhook: async (h: Harness, t: SecTenant) => seedWebhook(h, t.org.id, String(t.objects.property)),
  webhookMessage: async (h: Harness, t: SecTenant) =>
    seedWebhookMessage(h, t.org.id, String(t.objects.property), String(t.objects.webhook)),
  connection: async (h: Harness, t: SecTenant) =>
    seedConnection(h, t.org.id, t.users.Owner.id, Number(t.objects.stream)),
  connectionMessage: async (h: Harness, t: SecTenant) =>
    seedConnectionMessage(h, t.org.id, Number(t.objects.connection)),
  inboundMessage: async (h: Harness, t: SecTenant) =>
    seedFlaggedReply(h, String(t.objects.property)),
  dncHash: async (h: Harness, t: SecTenant) => seedDoNotContact(h, String(t.objects.property)),
  privacyRequest: async (h: Harness, t: SecTenant) =>
    seedPrivacyRequest(h, String(t.objects.property), String(t.objects.player)),
  template: async (h: Harness, t: SecTenant) =>
    seedTemplate(h, t.org.id, String(t.objects.property)),
  segment: async (h: Harness, t: SecTenant) => seedSegment(h, String(t.objects.property)),
  campaign: async (h: Harness, t: SecTenant) => seedCampaign(h, t.org.id, t.objects),
  scheduledCampaign: async (h: Harness, t: SecTenant) =>
    seedScheduledCampaign(h, t.org.id, t.objects),
  journey: async (h: Harness, t: SecTenant) =>
    seedJourney(h, t.org.id, String(t.objects.property), 'active'),
  draftJourney: async (h: Harness, t: SecTenant) =>
    seedJourney(h, t.org.id, String(t.objects.property), 'draft'),
  pausedJourney: async (h: Harness, t: SecTenant) =>
    seedJourney(h, t.org.id, String(t.objects.property), 'paused'),
  asset: async (h: Harness, t: SecTenant) => seedAsset(h, t.org.id, t.users.Owner),
} satisfies Partial<Record<Kind, (h: Harness, t: SecTenant) => Promise<number | string>>>;

/** A branding image of the organization, uploaded through the API. */
async function seedAsset(h: Harness, orgId: number, owner: TestUser): Promise<string> {
  const response = await h.inject({
    method: 'POST',
    url: `/api/organizations/${orgId}/assets`,
    headers: { ...owner.auth, 'content-type': 'image/png' },
    payload: png(32, 32),
  });
  if (response.statusCode !== 201) throw new Error(`asset: ${response.body}`);
  return (JSON.parse(response.body) as { data: { id: string } }).data.id;
}

/** An SMS template of the property, through the service. */
async function seedTemplate(h: Harness, orgId: number, propertyId: string): Promise<string> {
  const template = await createTemplate(
    h.deps,
    { id: propertyId, orgId },
    { name: unique('Template'), channel: 'sms', body: 'Hi {{ player.first_name }}' },
  );
  return template.id;
}

/** A segment of the property, through the service. */
async function seedSegment(h: Harness, propertyId: string): Promise<string> {
  const segment = await createSegment(h.deps, propertyId, {
    name: unique('Segment'),
    filter: 'tier=eq.gold',
  });
  return segment.id;
}

/** A draft SMS campaign of the property to its segment, through the service. */
async function seedCampaign(
  h: Harness,
  orgId: number,
  o: Pick<Objects, 'property' | 'template' | 'segment'>,
): Promise<string> {
  const campaign = await createCampaign(
    h.deps,
    { id: String(o.property), orgId },
    {
      name: unique('Campaign'),
      channel: 'sms',
      template_id: String(o.template),
      audience: { type: 'segment', segment_id: String(o.segment) },
    },
  );
  return campaign.id;
}

/** A campaign scheduled a day ahead (no worker runs in the security suites: it stays so). */
async function seedScheduledCampaign(
  h: Harness,
  orgId: number,
  o: Pick<Objects, 'property' | 'template' | 'segment'>,
): Promise<string> {
  const id = await seedCampaign(h, orgId, o);
  await scheduleCampaign(
    h.deps,
    { id: String(o.property), orgId },
    {
      campaign_id: id,
      send_at: new Date(h.deps.clock.now().getTime() + 86_400_000).toISOString(),
    },
  );
  return id;
}

/**
 * A message of a campaign sent to the player: send-campaign, then the planner's run as its job
 * would do it (no SMS sender configured: the player, without consent, gets a skipped message).
 */
async function seedMessage(
  h: Harness,
  orgId: number,
  o: Pick<Objects, 'property' | 'template' | 'player'>,
): Promise<string> {
  const property = { id: String(o.property), orgId };
  const campaign = await createCampaign(h.deps, property, {
    name: unique('Sent campaign'),
    channel: 'sms',
    template_id: String(o.template),
    audience: { type: 'players', player_ids: [String(o.player)] },
  });
  await sendCampaign(
    h.deps,
    property,
    { campaignId: campaign.id, propertyId: property.id },
    undefined,
  );
  for (let round = 0; round < 10; round++) {
    if ((await planCampaign(h.deps, campaign.id)).next !== 'plan') break;
  }
  const message = await h.deps.database.db
    .selectFrom('messages')
    .select('id')
    .where('campaign_id', '=', campaign.id)
    .executeTakeFirst();
  if (!message) throw new Error(`campaign ${campaign.id} planned no message`);
  return message.id;
}

/**
 * A journey of the property entered only through the API (a wait, then the end), as a draft,
 * published (active) or published and paused. No worker runs in the security suites: a run
 * in it stays where it entered.
 */
async function seedJourney(
  h: Harness,
  orgId: number,
  propertyId: string,
  status: 'draft' | 'active' | 'paused',
): Promise<string> {
  const property = { id: propertyId, orgId };
  const journey = await createJourney(h.deps, property, {
    name: unique('Journey'),
    graph: {
      trigger: { type: 'api' },
      start: 'pause',
      nodes: {
        pause: { type: 'wait', duration: { days: 1 }, next: 'done' },
        done: { type: 'exit' },
      },
    },
  });
  if (status !== 'draft') await publishJourney(h.deps, property, journey.id);
  if (status === 'paused') await pauseJourney(h.deps, property, journey.id);
  return journey.id;
}

/** The player's run through the journey (entered through the service). */
async function seedJourneyRun(
  h: Harness,
  orgId: number,
  o: Pick<Objects, 'property' | 'journey' | 'player'>,
): Promise<string> {
  const entered = await enterJourney(h.deps, { id: String(o.property), orgId }, String(o.journey), {
    player_id: String(o.player),
  });
  if (!entered.run_id) throw new Error(`journey ${o.journey} took no run`);
  return entered.run_id;
}

/** An export request of the player, opened and not answered (answering keeps the player). */
async function seedPrivacyRequest(h: Harness, propertyId: string, playerId: string) {
  return (await openPrivacyRequest(h.deps, propertyId, { type: 'export', player: playerId })).id;
}

/** An entry of the property's do-not-contact list: its hash. */
async function seedDoNotContact(h: Harness, propertyId: string): Promise<string> {
  const { hashes } = await addDoNotContact(h.deps, propertyId, [
    { email: `${unique('dnc')}@example.test` },
  ]);
  return hashes[0]!;
}

/** A reply that reads like an opt-out, as the carrier endpoint stores it (it needs a signature). */
async function seedFlaggedReply(h: Harness, propertyId: string): Promise<string> {
  const row = await h.deps.database.db
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
  return row.id;
}

/**
 * A complete tenant through the services (and the in-process API where no service is
 * exported). Made once per test file; tests must not use its objects up (see freshObjects).
 */
export async function seedSecurityTenant(h: Harness, label: string): Promise<SecTenant> {
  const org = await createOrganization(h.deps, {
    name: unique(`Security ${label}`),
    slug: unique(`security-${label.toLowerCase()}`),
    planTier: 'Business',
  });
  const users = {} as Record<Role, TestUser>;
  for (const role of ROLES) users[role] = await makeUser(h, org.id, role);
  const owner = users.Owner;
  const outsider = await makeUser(h);
  const gone = await makeUser(h, org.id, 'Owner');
  const out = await h.inject({ method: 'POST', url: '/api/auth/logout', headers: gone.auth });
  if (out.statusCode !== 200) throw new Error(`logout: ${out.body}`);
  const member = await makeUser(h, org.id, 'Viewer');

  const game = await createGame(h.deps, org.id, { title: `Spin ${label}` });
  const other = await createGame(h.deps, org.id, { title: `Match ${label}` });
  const stream = await createStream(h.deps, org.id, {
    name: unique(`Stream ${label}`),
    gameIds: [game.id, other.id],
  });
  const otherStream = await createStream(h.deps, org.id, {
    name: unique(`Other ${label}`),
    gameIds: [other.id],
  });
  const voucherSet = await createVoucherSet(h.deps, { userId: owner.id }, org.id, {
    name: `Set ${label}`,
  });

  const full = await createApiKey(h.deps, undefined, org.id, { name: 'Full', ...LIMITS });
  const objectKey = await createApiKey(h.deps, undefined, org.id, { name: 'Object', ...LIMITS });
  // DailyPlay key scoping: the objects (game, stream) are outside this key's lists.
  const scoped = await createApiKey(h.deps, undefined, org.id, {
    name: 'Scoped',
    allowed_game_ids: [other.id],
    allowed_stream_ids: [otherStream.id],
    ...LIMITS,
  });
  const revoked = await createApiKey(h.deps, undefined, org.id, { name: 'Revoked', ...LIMITS });
  const revokeKey = await h.inject({
    method: 'PATCH',
    url: '/api/org-api-keys',
    headers: owner.auth,
    payload: { id: revoked.id, org_id: org.id, is_active: false },
  });
  if (revokeKey.statusCode !== 200) throw new Error(`revoke dpk_: ${revokeKey.body}`);
  const session = await sessionToken(h, full.key, game.id);

  const invitation = await inviteWithToken(h, owner, org.id, `${unique('pending')}@example.test`);

  const property = await createProperty(h.deps, undefined, {
    orgId: org.id,
    name: unique(`Casino ${label}`),
  });
  const pkOf = async (scopes: ('read' | 'write')[]) =>
    createPropertyKey(h.deps, undefined, {
      propertyId: property.id,
      name: unique(`pk ${scopes.join('+')}`),
      scopes,
      rateLimitPerMinute: 100_000,
    });
  const readWrite = await pkOf(['read', 'write']);
  const read = await pkOf(['read']);
  const write = await pkOf(['write']);
  const objectPk = await pkOf(['read']);
  const revokedPk = await pkOf(['read', 'write']);
  const revokedResponse = await h.inject({
    method: 'POST',
    url: '/api/functions/revoke-api-key',
    headers: owner.auth,
    payload: { id: revokedPk.id },
  });
  if (revokedResponse.statusCode !== 200) throw new Error(`revoke: ${revokedResponse.body}`);
  const player = await createPlayer(h.deps, property.id, { player_id: unique('p') });
  const webhook = await seedWebhook(h, org.id, property.id);
  const webhookMessage = await seedWebhookMessage(h, org.id, property.id, webhook);
  const connection = await seedConnection(h, org.id, owner.id, stream.id);
  const connectionMessage = await seedConnectionMessage(h, org.id, connection);
  // What the campaigns are made of.
  const content = {
    property: property.id,
    template: await seedTemplate(h, org.id, property.id),
    segment: await seedSegment(h, property.id),
  };
  const journey = await seedJourney(h, org.id, property.id, 'active');

  return {
    label,
    org,
    users,
    outsider,
    loggedOutToken: gone.token,
    dpk: { full: full.key, scoped: scoped.key, revoked: revoked.key },
    pk: { readWrite: readWrite.key, read: read.key, write: write.key, revoked: revokedPk.key },
    objects: {
      org: org.id,
      game: game.id,
      stream: stream.id,
      voucherSet: voucherSet.id,
      apiKey: objectKey.id,
      member: member.id,
      invitation: invitation.id,
      invitationToken: invitation.token,
      property: property.id,
      propertyKey: objectPk.id,
      player: player.id,
      session,
      webhook,
      webhookMessage,
      connection,
      connectionMessage,
      inboundMessage: await seedFlaggedReply(h, property.id),
      subscriptionGroup: (
        await createGroups(h.deps, property.id, [
          { name: `Promotions ${label}`, channel: 'sms', purpose: 'marketing' },
        ])
      )[0]!.id,
      dncHash: await seedDoNotContact(h, property.id),
      privacyRequest: await seedPrivacyRequest(h, property.id, player.id),
      template: content.template,
      segment: content.segment,
      campaign: await seedCampaign(h, org.id, content),
      scheduledCampaign: await seedScheduledCampaign(h, org.id, content),
      message: await seedMessage(h, org.id, { ...content, player: player.id }),
      journey,
      draftJourney: await seedJourney(h, org.id, property.id, 'draft'),
      pausedJourney: await seedJourney(h, org.id, property.id, 'paused'),
      journeyRun: await seedJourneyRun(h, org.id, {
        property: property.id,
        journey,
        player: player.id,
      }),
      journeyVersion: 1,
      password: owner.password,
      asset: await seedAsset(h, org.id, owner),
    },
  };
}
