import { randomBytes } from 'node:crypto';
import { png } from '../brand-images.ts';
import { unique } from '../factories.ts';
import type { Harness } from '../harness.ts';
import { inviteWithToken, type SecTenant } from './route-seed.ts';
import type { RouteSpec } from './route-security.ts';

/**
 * Every route of the API, declared once for the shared security suite (route-security.ts):
 * its credential and minimum role or scope, the tenant objects it names and a valid request.
 * route-coverage.test.ts fails when a route of the app or of openapi.json is missing here, so a
 * new route must add its entry (or a `public` credential / tenant `exempt` with the reason).
 */

/** The Owner's view of a list: what a refused request must leave as it was. */
function ownerList(url: (t: SecTenant) => string) {
  return async (h: Harness, t: SecTenant): Promise<unknown> => {
    const response = await h.inject({ method: 'GET', url: url(t), headers: t.users.Owner.auth });
    if (response.statusCode !== 200) throw new Error(`state ${url(t)}: ${response.body}`);
    return JSON.parse(response.body) as unknown;
  };
}

const webhooks = async (h: Harness, t: SecTenant): Promise<unknown> => {
  const headers = { 'x-api-key': t.pk.readWrite };
  const list = await h.inject({ method: 'GET', url: '/api/webhooks', headers });
  const messages = await h.inject({
    method: 'GET',
    url: `/api/webhooks/${t.objects.webhook}/messages`,
    headers,
  });
  if (list.statusCode !== 200 || messages.statusCode !== 200) {
    throw new Error(`state webhooks: ${list.body} ${messages.body}`);
  }
  return [JSON.parse(list.body), JSON.parse(messages.body)] as unknown;
};

/** The property's view through its read+write key. */
function propertyList(url: string) {
  return async (h: Harness, t: SecTenant): Promise<unknown> => {
    const response = await h.inject({
      method: 'GET',
      url,
      headers: { 'x-api-key': t.pk.readWrite },
    });
    if (response.statusCode !== 200) throw new Error(`state ${url}: ${response.body}`);
    return JSON.parse(response.body) as unknown;
  };
}

const games = ownerList((t) => `/api/games?org_id=${t.org.id}`);
const streams = ownerList((t) => `/api/streams?org_id=${t.org.id}`);
const connections = ownerList((t) => `/api/connections?org_id=${t.org.id}`);
const streamConnections = ownerList(
  (t) => `/api/streams/${t.objects.stream}/connections?org_id=${t.org.id}`,
);
const connectionLog = ownerList(
  (t) => `/api/connections/${t.objects.connection}/messages?org_id=${t.org.id}`,
);
const voucherSets = ownerList((t) => `/api/voucher-sets?org_id=${t.org.id}`);
const apiKeys = ownerList((t) => `/api/org-api-keys?org_id=${t.org.id}`);
const members = ownerList((t) => `/api/organizations/${t.org.id}/members`);
const invitations = ownerList((t) => `/api/organizations/${t.org.id}/invitations`);
const branding = ownerList((t) => `/api/organizations/${t.org.id}/branding`);
const assets = ownerList((t) => `/api/organizations/${t.org.id}/assets`);
const propertyKeys = ownerList(
  (t) => `/api/functions/list-api-keys?property_id=${t.objects.property}`,
);
const players = propertyList('/api/players?order=id.asc');
const templates = propertyList('/api/templates');
const segments = propertyList('/api/segments?limit=100');
const campaigns = propertyList('/api/campaigns?limit=100');
/** The seeded player's timeline, where a stored casino event appears. */
const playerTimeline = async (h: Harness, t: SecTenant): Promise<unknown> =>
  propertyList(`/api/players/${t.objects.player}/activity?limit=200`)(h, t);
const privacyRequests = propertyList('/api/functions/privacy-requests');
const subscriptionMembers = propertyList('/api/subscription_members?order=player_id.asc');
const doNotContact = propertyList('/api/do-not-contact?limit=1000');
/** The property's journeys, and the runs through the seeded one. */
const journeys = async (h: Harness, t: SecTenant): Promise<unknown> => [
  await propertyList('/api/journeys?limit=100')(h, t),
  await propertyList(`/api/journeys/${t.objects.journey}/runs?limit=100`)(h, t),
];
/** A graph that is whole: entered through the API, a wait, then the end. */
const JOURNEY_GRAPH = {
  trigger: { type: 'api' },
  start: 'pause',
  nodes: { pause: { type: 'wait', duration: { hours: 1 }, next: 'done' }, done: { type: 'exit' } },
};

const email = () => `${unique('sec')}@example.test`;
const password = () => `pw-${randomBytes(8).toString('hex')}`;

const PUBLIC_NO_TENANT = 'no credential and no tenant object: nothing to aim at another tenant';
const UNSUBSCRIBE_LINK =
  'RFC 8058: the one-click POST must work without cookies or login; the sealed token in the ' +
  'mail is the whole credential';
const UNSUBSCRIBE_TENANT =
  'the token is sealed by the server and names its own property: a forged or altered one is 404 ' +
  'like one never issued, and a group of another property is left untouched ' +
  '(compliance.unsubscribe.test.ts)';
const CAMPAIGN_LINK =
  'the links inside sent messages are followed by their recipients, who hold no credential';
const CAMPAIGN_LINK_TENANT =
  "an unguessable code or a signature over the message's own link is the whole credential: " +
  'a wrong one is 404 like one never issued, whoever asks (campaigns.email.test.ts)';
const CAPABILITY =
  'public by the DailyPlay spec: the token in the request is the whole credential, so there is ' +
  'no credential of one tenant to aim at another';

export const ROUTES: readonly RouteSpec[] = [
  // --- system and sign-in -------------------------------------------------------------------
  {
    operationId: 'system.health',
    method: 'GET',
    path: '/healthz',
    area: 'accounts',
    auth: { kind: 'public', reason: 'liveness probe for the orchestrator' },
    request: () => ({ url: '/healthz' }),
    tenant: { exempt: 'no tenant data' },
  },
  {
    operationId: 'system.ready',
    method: 'GET',
    path: '/readyz',
    area: 'accounts',
    auth: { kind: 'public', reason: 'readiness probe for the orchestrator' },
    request: () => ({ url: '/readyz' }),
    tenant: { exempt: 'no tenant data' },
  },
  {
    operationId: 'auth.login',
    method: 'POST',
    path: '/api/auth/login',
    area: 'accounts',
    auth: { kind: 'public', reason: 'exchanges an email and password for a login token' },
    request: () => ({ url: '/api/auth/login', payload: { email: email(), password: password() } }),
    tenant: { exempt: PUBLIC_NO_TENANT },
  },
  {
    operationId: 'auth.logout',
    method: 'POST',
    path: '/api/auth/logout',
    area: 'accounts',
    auth: { kind: 'signedIn' },
    freshCaller: true,
    request: () => ({ url: '/api/auth/logout' }),
    tenant: { exempt: "ends the caller's own login token" },
  },
  {
    operationId: 'auth.me',
    method: 'GET',
    path: '/api/auth/me',
    area: 'accounts',
    auth: { kind: 'signedIn' },
    request: () => ({ url: '/api/auth/me' }),
    tenant: { exempt: "the caller's own user and memberships" },
  },
  {
    operationId: 'auth.signup',
    method: 'POST',
    path: '/api/auth/signup',
    area: 'accounts',
    auth: { kind: 'public', reason: 'creates a new account' },
    request: () => ({ url: '/api/auth/signup', payload: { email: email(), password: password() } }),
    tenant: { exempt: PUBLIC_NO_TENANT },
  },
  {
    operationId: 'auth.changePassword',
    method: 'POST',
    path: '/api/auth/password',
    area: 'accounts',
    auth: { kind: 'signedIn' },
    freshCaller: true,
    request: (o) => ({
      url: '/api/auth/password',
      payload: { current_password: o.password, new_password: password() },
    }),
    tenant: { exempt: "the caller's own password" },
  },
  {
    operationId: 'auth.requestPasswordReset',
    method: 'POST',
    path: '/api/auth/password-reset',
    area: 'accounts',
    auth: { kind: 'public', reason: 'a forgotten password is the reason to call it' },
    request: () => ({ url: '/api/auth/password-reset', payload: { email: email() } }),
    tenant: { exempt: 'answers the same for every address by design' },
  },
  {
    operationId: 'auth.confirmPasswordReset',
    method: 'POST',
    path: '/api/auth/password-reset/confirm',
    area: 'accounts',
    auth: { kind: 'public', reason: 'the mailed reset token is the credential' },
    request: () => ({
      url: '/api/auth/password-reset/confirm',
      payload: { token: randomBytes(32).toString('base64url'), new_password: password() },
    }),
    tenant: { exempt: 'the mailed reset token is the only credential; no tenant object' },
  },
  {
    operationId: 'auth.verifyEmail',
    method: 'POST',
    path: '/api/auth/verify-email',
    area: 'accounts',
    auth: { kind: 'public', reason: 'the mailed sign-up token is the credential' },
    request: () => ({
      url: '/api/auth/verify-email',
      payload: { token: randomBytes(32).toString('base64url'), password: password() },
    }),
    tenant: { exempt: 'the mailed sign-up token is the only credential; no tenant object' },
  },

  // --- organization members and invitations -------------------------------------------------
  {
    operationId: 'organizations.create',
    method: 'POST',
    path: '/api/organizations',
    area: 'accounts',
    auth: { kind: 'signedIn' },
    request: () => ({ url: '/api/organizations', payload: { name: unique('Sec Org') } }),
    tenant: { exempt: 'creates a new organization owned by the caller; names no existing one' },
  },
  {
    operationId: 'members.list',
    method: 'GET',
    path: '/api/organizations/{orgId}/members',
    area: 'accounts',
    auth: { kind: 'user', role: 'Viewer' },
    request: (o) => ({ url: `/api/organizations/${o.org}/members` }),
    tenant: ['org'],
  },
  {
    operationId: 'members.update',
    method: 'PATCH',
    path: '/api/organizations/{orgId}/members/{userId}',
    area: 'accounts',
    auth: { kind: 'user', role: 'Admin' },
    request: (o) => ({
      url: `/api/organizations/${o.org}/members/${o.member}`,
      payload: { role: 'Viewer' },
    }),
    tenant: ['org', 'member'],
    state: members,
  },
  {
    operationId: 'members.remove',
    method: 'DELETE',
    path: '/api/organizations/{orgId}/members/{userId}',
    area: 'accounts',
    auth: { kind: 'user', role: 'Admin' },
    request: (o) => ({ url: `/api/organizations/${o.org}/members/${o.member}` }),
    tenant: ['org', 'member'],
    fresh: ['member'],
    state: members,
  },
  {
    operationId: 'branding.get',
    method: 'GET',
    path: '/api/organizations/{orgId}/branding',
    area: 'accounts',
    auth: { kind: 'user', role: 'Viewer' },
    request: (o) => ({ url: `/api/organizations/${o.org}/branding` }),
    tenant: ['org'],
  },
  {
    operationId: 'branding.update',
    method: 'PUT',
    path: '/api/organizations/{orgId}/branding',
    area: 'accounts',
    auth: { kind: 'user', role: 'Admin' },
    request: (o) => ({
      url: `/api/organizations/${o.org}/branding`,
      payload: { display_name: 'Security brand', primary_color: '#123456', powered_by: true },
    }),
    tenant: ['org'],
    state: branding,
  },
  {
    operationId: 'branding.listAssets',
    method: 'GET',
    path: '/api/organizations/{orgId}/assets',
    area: 'accounts',
    auth: { kind: 'user', role: 'Viewer' },
    request: (o) => ({ url: `/api/organizations/${o.org}/assets` }),
    tenant: ['org'],
  },
  {
    operationId: 'branding.uploadAsset',
    method: 'POST',
    path: '/api/organizations/{orgId}/assets',
    area: 'accounts',
    auth: { kind: 'user', role: 'Admin' },
    request: (o) => ({
      url: `/api/organizations/${o.org}/assets`,
      headers: { 'content-type': 'image/png' },
      payload: png(24, 24),
    }),
    tenant: ['org'],
    state: assets,
  },
  {
    operationId: 'branding.deleteAsset',
    method: 'DELETE',
    path: '/api/organizations/{orgId}/assets/{assetId}',
    area: 'accounts',
    auth: { kind: 'user', role: 'Admin' },
    request: (o) => ({ url: `/api/organizations/${o.org}/assets/${o.asset}` }),
    tenant: ['org', 'asset'],
    fresh: ['asset'],
    state: assets,
  },
  {
    operationId: 'invitations.create',
    method: 'POST',
    path: '/api/organizations/{orgId}/invitations',
    area: 'accounts',
    auth: { kind: 'user', role: 'Admin' },
    request: (o) => ({
      url: `/api/organizations/${o.org}/invitations`,
      payload: { email: email(), role: 'Viewer' },
    }),
    tenant: ['org'],
    state: invitations,
  },
  {
    operationId: 'invitations.list',
    method: 'GET',
    path: '/api/organizations/{orgId}/invitations',
    area: 'accounts',
    auth: { kind: 'user', role: 'Admin' },
    request: (o) => ({ url: `/api/organizations/${o.org}/invitations` }),
    tenant: ['org'],
  },
  {
    operationId: 'invitations.revoke',
    method: 'DELETE',
    path: '/api/organizations/{orgId}/invitations/{id}',
    area: 'accounts',
    auth: { kind: 'user', role: 'Admin' },
    request: (o) => ({ url: `/api/organizations/${o.org}/invitations/${o.invitation}` }),
    tenant: ['org', 'invitation'],
    fresh: ['invitation'],
    state: invitations,
  },
  {
    operationId: 'invitations.accept',
    method: 'POST',
    path: '/api/invitations/accept',
    area: 'accounts',
    auth: { kind: 'signedIn' },
    freshCaller: true,
    prepare: async (h, t, caller) => ({
      invitationToken: (await inviteWithToken(h, t.users.Owner, t.org.id, caller.email)).token,
    }),
    request: (o) => ({ url: '/api/invitations/accept', payload: { token: o.invitationToken } }),
    tenant: {
      exempt:
        'the mailed token is the capability and must match the caller’s address; the invitee ' +
        'belongs to no tenant yet',
    },
  },

  // --- DailyPlay keys (dashboard) -----------------------------------------------------------
  {
    operationId: 'listApiKeys',
    method: 'GET',
    path: '/api/org-api-keys',
    area: 'accounts',
    auth: { kind: 'user', role: 'Admin' },
    request: (o) => ({ url: `/api/org-api-keys?org_id=${o.org}` }),
    tenant: ['org'],
  },
  {
    operationId: 'createApiKey',
    method: 'POST',
    path: '/api/org-api-keys',
    area: 'accounts',
    auth: { kind: 'user', role: 'Admin' },
    request: (o) => ({ url: '/api/org-api-keys', payload: { org_id: o.org, name: unique('Key') } }),
    tenant: ['org'],
    state: apiKeys,
  },
  {
    operationId: 'updateApiKey',
    method: 'PATCH',
    path: '/api/org-api-keys',
    area: 'accounts',
    auth: { kind: 'user', role: 'Admin' },
    request: (o) => ({
      url: '/api/org-api-keys',
      payload: { id: o.apiKey, org_id: o.org, name: 'Renamed key' },
    }),
    tenant: ['org', 'apiKey'],
    state: apiKeys,
  },
  {
    operationId: 'deleteApiKey',
    method: 'DELETE',
    path: '/api/org-api-keys',
    area: 'accounts',
    auth: { kind: 'user', role: 'Admin' },
    request: (o) => ({ url: `/api/org-api-keys?id=${o.apiKey}&org_id=${o.org}` }),
    tenant: ['org', 'apiKey'],
    fresh: ['apiKey'],
    state: apiKeys,
  },
  {
    operationId: 'listApiKeyUsage',
    method: 'GET',
    path: '/api/org-api-keys/usage',
    area: 'accounts',
    auth: { kind: 'user', role: 'Admin' },
    request: (o) => ({ url: `/api/org-api-keys/usage?org_id=${o.org}` }),
    tenant: ['org'],
  },

  // --- properties and pk_ keys (dashboard) --------------------------------------------------
  {
    operationId: 'properties.create',
    method: 'POST',
    path: '/api/properties',
    area: 'accounts',
    auth: { kind: 'user', role: 'Admin' },
    request: (o) => ({
      url: '/api/properties',
      payload: { org_id: o.org, name: unique('Casino') },
    }),
    tenant: ['org'],
  },
  {
    operationId: 'properties.list',
    method: 'GET',
    path: '/api/properties',
    area: 'accounts',
    auth: { kind: 'signedIn' },
    request: (o) => ({ url: `/api/properties?org_id=${o.org}` }),
    tenant: {
      exempt:
        "lists the caller's own properties; org_id is a filter (another organization's yields nothing)",
    },
    ids: ['org'],
  },
  {
    operationId: 'propertyKeys.create',
    method: 'POST',
    path: '/api/functions/create-api-key',
    area: 'accounts',
    auth: { kind: 'user', role: 'Admin' },
    request: (o) => ({
      url: '/api/functions/create-api-key',
      payload: { property_id: o.property, name: unique('pk') },
    }),
    tenant: ['property'],
    state: propertyKeys,
  },
  {
    operationId: 'propertyKeys.revoke',
    method: 'POST',
    path: '/api/functions/revoke-api-key',
    area: 'accounts',
    auth: { kind: 'user', role: 'Admin' },
    request: (o) => ({ url: '/api/functions/revoke-api-key', payload: { id: o.propertyKey } }),
    tenant: ['propertyKey'],
    fresh: ['propertyKey'],
    state: propertyKeys,
  },
  {
    operationId: 'propertyKeys.list',
    method: 'GET',
    path: '/api/functions/list-api-keys',
    area: 'accounts',
    auth: { kind: 'user', role: 'Admin' },
    request: (o) => ({ url: `/api/functions/list-api-keys?property_id=${o.property}` }),
    tenant: ['property'],
  },

  // --- games, streams, prizes, vouchers, analytics ------------------------------------------
  {
    operationId: 'games.list',
    method: 'GET',
    path: '/api/games',
    area: 'dashboard',
    auth: { kind: 'user', role: 'Viewer' },
    request: (o) => ({ url: `/api/games?org_id=${o.org}` }),
    tenant: ['org'],
  },
  {
    operationId: 'games.create',
    method: 'POST',
    path: '/api/games',
    area: 'dashboard',
    auth: { kind: 'user', role: 'Editor' },
    request: (o) => ({ url: '/api/games', payload: { org_id: o.org, title: 'New game' } }),
    tenant: ['org'],
    state: games,
  },
  {
    operationId: 'games.get',
    method: 'GET',
    path: '/api/games/{id}',
    area: 'dashboard',
    auth: { kind: 'user', role: 'Viewer' },
    request: (o) => ({ url: `/api/games/${o.game}?org_id=${o.org}` }),
    tenant: ['org', 'game'],
  },
  {
    operationId: 'games.update',
    method: 'PATCH',
    path: '/api/games/{id}',
    area: 'dashboard',
    auth: { kind: 'user', role: 'Editor' },
    request: (o) => ({ url: `/api/games/${o.game}`, payload: { org_id: o.org, title: 'Renamed' } }),
    tenant: ['org', 'game'],
    looseFields: ['config'],
    state: games,
  },
  {
    operationId: 'games.delete',
    method: 'DELETE',
    path: '/api/games/{id}',
    area: 'dashboard',
    auth: { kind: 'user', role: 'Editor' },
    request: (o) => ({ url: `/api/games/${o.game}?org_id=${o.org}` }),
    tenant: ['org', 'game'],
    fresh: ['game'],
    state: games,
  },
  {
    operationId: 'streams.list',
    method: 'GET',
    path: '/api/streams',
    area: 'dashboard',
    auth: { kind: 'user', role: 'Viewer' },
    request: (o) => ({ url: `/api/streams?org_id=${o.org}` }),
    tenant: ['org'],
  },
  {
    operationId: 'streams.create',
    method: 'POST',
    path: '/api/streams',
    area: 'dashboard',
    auth: { kind: 'user', role: 'Editor' },
    request: (o) => ({
      url: '/api/streams',
      payload: { org_id: o.org, name: unique('Stream'), game_ids: [] },
    }),
    // game_ids naming another organization's game is a 400 that names them (streams.test.ts).
    tenant: ['org'],
    state: streams,
  },
  {
    operationId: 'streams.get',
    method: 'GET',
    path: '/api/streams/{id}',
    area: 'dashboard',
    auth: { kind: 'user', role: 'Viewer' },
    request: (o) => ({ url: `/api/streams/${o.stream}?org_id=${o.org}` }),
    tenant: ['org', 'stream'],
  },
  {
    operationId: 'streams.update',
    method: 'PATCH',
    path: '/api/streams/{id}',
    area: 'dashboard',
    auth: { kind: 'user', role: 'Editor' },
    request: (o) => ({
      url: `/api/streams/${o.stream}`,
      payload: { org_id: o.org, description: 'Changed' },
    }),
    tenant: ['org', 'stream'],
    state: streams,
  },
  {
    operationId: 'streams.delete',
    method: 'DELETE',
    path: '/api/streams/{id}',
    area: 'dashboard',
    auth: { kind: 'user', role: 'Editor' },
    request: (o) => ({ url: `/api/streams/${o.stream}?org_id=${o.org}` }),
    tenant: ['org', 'stream'],
    fresh: ['stream'],
    state: streams,
  },
  {
    operationId: 'streams.rotateIdentitySecret',
    method: 'POST',
    path: '/api/streams/{id}/identity-secret',
    area: 'dashboard',
    auth: { kind: 'user', role: 'Editor' },
    request: (o) => ({
      url: `/api/streams/${o.stream}/identity-secret`,
      payload: { org_id: o.org },
    }),
    tenant: ['org', 'stream'],
    state: streams,
  },
  // --- connections (DailyPlay's outbound integrations) and their stream links ---------------
  {
    operationId: 'connections.list',
    method: 'GET',
    path: '/api/connections',
    area: 'dashboard',
    auth: { kind: 'user', role: 'Viewer' },
    request: (o) => ({ url: `/api/connections?org_id=${o.org}` }),
    tenant: ['org'],
  },
  {
    operationId: 'connections.create',
    method: 'POST',
    path: '/api/connections',
    area: 'dashboard',
    auth: { kind: 'user', role: 'Admin' },
    request: (o) => ({
      url: '/api/connections',
      payload: {
        org_id: o.org,
        name: unique('Hook'),
        provider: 'webhook',
        url: 'http://127.0.0.1:9/hook',
      },
    }),
    tenant: ['org'],
    state: connections,
  },
  {
    operationId: 'connections.get',
    method: 'GET',
    path: '/api/connections/{id}',
    area: 'dashboard',
    auth: { kind: 'user', role: 'Viewer' },
    request: (o) => ({ url: `/api/connections/${o.connection}?org_id=${o.org}` }),
    tenant: ['org', 'connection'],
  },
  {
    operationId: 'connections.update',
    method: 'PATCH',
    path: '/api/connections/{id}',
    area: 'dashboard',
    auth: { kind: 'user', role: 'Admin' },
    request: (o) => ({
      url: `/api/connections/${o.connection}`,
      payload: { org_id: o.org, name: 'Renamed', url: 'http://127.0.0.1:9/moved' },
    }),
    tenant: ['org', 'connection'],
    state: connections,
  },
  {
    operationId: 'connections.delete',
    method: 'DELETE',
    path: '/api/connections/{id}',
    area: 'dashboard',
    auth: { kind: 'user', role: 'Admin' },
    request: (o) => ({ url: `/api/connections/${o.connection}?org_id=${o.org}` }),
    tenant: ['org', 'connection'],
    fresh: ['connection'],
    state: connections,
  },
  ...(['rotateSecret', 'disable', 'enable'] as const).map((action): RouteSpec => ({
    operationId: `connections.${action}`,
    method: 'POST',
    path: `/api/connections/{id}/${action === 'rotateSecret' ? 'rotate-secret' : action}`,
    area: 'dashboard',
    auth: { kind: 'user', role: 'Admin' },
    request: (o) => ({
      url: `/api/connections/${o.connection}/${action === 'rotateSecret' ? 'rotate-secret' : action}`,
      payload: { org_id: o.org },
    }),
    tenant: ['org', 'connection'],
    state: connections,
  })),
  {
    operationId: 'connections.messages',
    method: 'GET',
    path: '/api/connections/{id}/messages',
    area: 'dashboard',
    auth: { kind: 'user', role: 'Viewer' },
    request: (o) => ({ url: `/api/connections/${o.connection}/messages?org_id=${o.org}&limit=10` }),
    tenant: ['org', 'connection'],
  },
  {
    operationId: 'connections.message',
    method: 'GET',
    path: '/api/connections/{id}/messages/{messageId}',
    area: 'dashboard',
    auth: { kind: 'user', role: 'Viewer' },
    request: (o) => ({
      url: `/api/connections/${o.connection}/messages/${o.connectionMessage}?org_id=${o.org}`,
    }),
    tenant: ['org', 'connection', 'connectionMessage'],
  },
  {
    operationId: 'connections.replay',
    method: 'POST',
    path: '/api/connections/{id}/messages/{messageId}/replay',
    area: 'dashboard',
    auth: { kind: 'user', role: 'Editor' },
    request: (o) => ({
      url: `/api/connections/${o.connection}/messages/${o.connectionMessage}/replay`,
      payload: { org_id: o.org },
    }),
    tenant: ['org', 'connection', 'connectionMessage'],
    // A replayed message is queued: replaying it again is a 409, so each call gets its own.
    fresh: ['connectionMessage'],
    state: connectionLog,
  },
  {
    operationId: 'connections.resendFailed',
    method: 'POST',
    path: '/api/connections/{id}/resend-failed',
    area: 'dashboard',
    auth: { kind: 'user', role: 'Editor' },
    request: (o) => ({
      url: `/api/connections/${o.connection}/resend-failed`,
      payload: { org_id: o.org, since: '2020-01-01T00:00:00Z' },
    }),
    tenant: ['org', 'connection'],
    state: connectionLog,
  },
  {
    operationId: 'streams.connections.list',
    method: 'GET',
    path: '/api/streams/{id}/connections',
    area: 'dashboard',
    auth: { kind: 'user', role: 'Viewer' },
    request: (o) => ({ url: `/api/streams/${o.stream}/connections?org_id=${o.org}` }),
    tenant: ['org', 'stream'],
  },
  {
    operationId: 'streams.connections.link',
    method: 'PUT',
    path: '/api/streams/{id}/connections/{connectionId}',
    area: 'dashboard',
    auth: { kind: 'user', role: 'Editor' },
    request: (o) => ({
      url: `/api/streams/${o.stream}/connections/${o.connection}`,
      payload: { org_id: o.org, triggers: ['play_start', 'play_complete'] },
    }),
    tenant: ['org', 'stream', 'connection'],
    state: streamConnections,
  },
  {
    operationId: 'streams.connections.unlink',
    method: 'DELETE',
    path: '/api/streams/{id}/connections/{connectionId}',
    area: 'dashboard',
    auth: { kind: 'user', role: 'Editor' },
    request: (o) => ({
      url: `/api/streams/${o.stream}/connections/${o.connection}?org_id=${o.org}`,
    }),
    tenant: ['org', 'stream', 'connection'],
    // A fresh connection comes linked to the tenant's stream: each call has a link to remove.
    fresh: ['connection'],
    state: streamConnections,
  },
  {
    operationId: 'prizes.list',
    method: 'GET',
    path: '/api/games/{gameId}/prizes',
    area: 'dashboard',
    auth: { kind: 'user', role: 'Viewer' },
    request: (o) => ({ url: `/api/games/${o.game}/prizes?org_id=${o.org}` }),
    tenant: ['org', 'game'],
  },
  {
    operationId: 'prizes.replace',
    method: 'PUT',
    path: '/api/games/{gameId}/prizes',
    area: 'dashboard',
    auth: { kind: 'user', role: 'Editor' },
    request: (o) => ({
      url: `/api/games/${o.game}/prizes`,
      payload: { org_id: o.org, slots: [{ name: 'Nothing', type: 'no_prize', win_chance: 100 }] },
    }),
    tenant: ['org', 'game'],
    fresh: ['game'],
  },
  {
    operationId: 'voucherSets.list',
    method: 'GET',
    path: '/api/voucher-sets',
    area: 'dashboard',
    auth: { kind: 'user', role: 'Viewer' },
    request: (o) => ({ url: `/api/voucher-sets?org_id=${o.org}` }),
    tenant: ['org'],
  },
  {
    operationId: 'voucherSets.create',
    method: 'POST',
    path: '/api/voucher-sets',
    area: 'dashboard',
    auth: { kind: 'user', role: 'Editor' },
    request: (o) => ({ url: '/api/voucher-sets', payload: { org_id: o.org, name: unique('Set') } }),
    tenant: ['org'],
    state: voucherSets,
  },
  {
    operationId: 'voucherSets.get',
    method: 'GET',
    path: '/api/voucher-sets/{id}',
    area: 'dashboard',
    auth: { kind: 'user', role: 'Viewer' },
    request: (o) => ({ url: `/api/voucher-sets/${o.voucherSet}?org_id=${o.org}` }),
    tenant: ['org', 'voucherSet'],
  },
  {
    operationId: 'voucherSets.update',
    method: 'PATCH',
    path: '/api/voucher-sets/{id}',
    area: 'dashboard',
    auth: { kind: 'user', role: 'Editor' },
    request: (o) => ({
      url: `/api/voucher-sets/${o.voucherSet}?org_id=${o.org}`,
      payload: { name: 'Renamed set' },
    }),
    tenant: ['org', 'voucherSet'],
    state: voucherSets,
  },
  {
    operationId: 'voucherSets.delete',
    method: 'DELETE',
    path: '/api/voucher-sets/{id}',
    area: 'dashboard',
    auth: { kind: 'user', role: 'Editor' },
    request: (o) => ({ url: `/api/voucher-sets/${o.voucherSet}?org_id=${o.org}` }),
    tenant: ['org', 'voucherSet'],
    fresh: ['voucherSet'],
    state: voucherSets,
  },
  {
    operationId: 'voucherCodes.list',
    method: 'GET',
    path: '/api/voucher-sets/{id}/codes',
    area: 'dashboard',
    auth: { kind: 'user', role: 'Viewer' },
    request: (o) => ({ url: `/api/voucher-sets/${o.voucherSet}/codes?org_id=${o.org}` }),
    tenant: ['org', 'voucherSet'],
  },
  {
    operationId: 'voucherCodes.upload',
    method: 'POST',
    path: '/api/voucher-sets/{id}/codes',
    area: 'dashboard',
    auth: { kind: 'user', role: 'Editor' },
    request: (o) => ({
      url: `/api/voucher-sets/${o.voucherSet}/codes?org_id=${o.org}`,
      payload: { codes: [unique('CODE').toUpperCase()] },
    }),
    tenant: ['org', 'voucherSet'],
    state: voucherSets,
  },
  {
    operationId: 'voucherCodes.generate',
    method: 'POST',
    path: '/api/voucher-sets/{id}/generate',
    area: 'dashboard',
    auth: { kind: 'user', role: 'Editor' },
    request: (o) => ({
      url: `/api/voucher-sets/${o.voucherSet}/generate?org_id=${o.org}`,
      payload: { count: 2 },
    }),
    tenant: ['org', 'voucherSet'],
    state: voucherSets,
  },
  {
    operationId: 'analytics.plays',
    method: 'GET',
    path: '/api/analytics/plays',
    area: 'dashboard',
    auth: { kind: 'user', role: 'Viewer' },
    request: (o) => ({ url: `/api/analytics/plays?org_id=${o.org}` }),
    // game_id and stream_id narrow the caller's own organization's plays (filters).
    tenant: ['org'],
  },
  {
    operationId: 'sessions.listForMember',
    method: 'GET',
    path: '/api/sessions',
    area: 'dashboard',
    auth: { kind: 'user', role: 'Analyst' },
    request: (o) => ({ url: `/api/sessions?org_id=${o.org}` }),
    // game_id and stream_id narrow the caller's own organization's sessions (filters).
    tenant: ['org'],
  },

  // --- DailyPlay sessions (dpk_ keys and public) ----------------------------------------------
  {
    operationId: 'createSession',
    method: 'POST',
    path: '/api/org-api-keys?action=create-session',
    area: 'integrations',
    auth: { kind: 'dpk', scoped: true },
    request: (o) => ({
      url: '/api/org-api-keys?action=create-session',
      payload: { game_id: o.game },
    }),
    tenant: ['game'],
  },
  {
    operationId: 'createSessionAlias',
    method: 'POST',
    path: '/api/org-api-keys/sessions',
    area: 'integrations',
    auth: { kind: 'dpk', scoped: true },
    request: (o) => ({ url: '/api/org-api-keys/sessions', payload: { stream_id: o.stream } }),
    tenant: ['stream'],
  },
  {
    operationId: 'listSessionsAlias',
    method: 'GET',
    path: '/api/org-api-keys/sessions',
    area: 'integrations',
    auth: { kind: 'dpk', scoped: false },
    request: () => ({ url: '/api/org-api-keys/sessions' }),
    tenant: { exempt: "lists the key's own organization; game_id and stream_id are filters" },
  },
  {
    operationId: 'validateSession',
    method: 'GET',
    path: '/api/org-api-keys?action=validate-session&token={token}',
    area: 'integrations',
    auth: { kind: 'public', reason: CAPABILITY },
    request: (o) => ({ url: `/api/org-api-keys?action=validate-session&token=${o.session}` }),
    tenant: { exempt: CAPABILITY },
    ids: ['session'],
  },
  {
    operationId: 'consumeSession',
    method: 'POST',
    path: '/api/org-api-keys?action=consume-session',
    area: 'integrations',
    auth: { kind: 'public', reason: CAPABILITY },
    request: (o) => ({
      url: '/api/org-api-keys?action=consume-session',
      payload: { token: o.session },
    }),
    tenant: { exempt: CAPABILITY },
    ids: ['session'],
    fresh: ['session'],
  },
  {
    operationId: 'revokeSession',
    method: 'POST',
    path: '/api/org-api-keys?action=revoke-session',
    area: 'integrations',
    auth: { kind: 'dpk', scoped: true },
    request: (o) => ({
      url: '/api/org-api-keys?action=revoke-session',
      payload: { token: o.session },
    }),
    tenant: ['session'],
    fresh: ['session'],
  },
  {
    operationId: 'listSessions',
    method: 'GET',
    path: '/api/org-api-keys?action=list-sessions',
    area: 'integrations',
    auth: { kind: 'dpk', scoped: false },
    request: () => ({ url: '/api/org-api-keys?action=list-sessions' }),
    tenant: { exempt: "lists the key's own organization; game_id and stream_id are filters" },
  },

  // --- play API (public, by session token or signed draw token) -----------------------------
  {
    operationId: 'plays.start',
    method: 'POST',
    path: '/play/api/start',
    area: 'integrations',
    auth: { kind: 'public', reason: CAPABILITY },
    request: (o) => ({
      url: '/play/api/start',
      payload: { session_token: o.session, game_id: o.game },
    }),
    tenant: { exempt: CAPABILITY },
    ids: ['session', 'game'],
    fresh: ['session'],
  },
  {
    operationId: 'plays.complete',
    method: 'POST',
    path: '/play/api/plays/{id}/complete',
    area: 'integrations',
    auth: { kind: 'public', reason: "the player's cookie names the play's player; no login" },
    request: () => ({ url: '/play/api/plays/1/complete', payload: { duration_ms: 1000 } }),
    tenant: { exempt: "another player's play is 404 by the player cookie (plays.test.ts)" },
  },
  {
    operationId: 'plays.claim',
    method: 'POST',
    path: '/play/api/claim',
    area: 'integrations',
    auth: { kind: 'public', reason: 'the signed draw token is the credential' },
    request: () => ({ url: '/play/api/claim', payload: { draw_token: 'not-a-draw-token' } }),
    tenant: { exempt: 'the signed draw token is the only credential and names its own draw' },
  },

  // --- PlayerOS compliance: consent records and the pre-send check -------------------------
  {
    operationId: 'compliance.recordConsent',
    method: 'POST',
    path: '/api/functions/record-consent',
    area: 'integrations',
    auth: { kind: 'property', scope: 'write' },
    request: (o) => ({
      url: '/api/functions/record-consent',
      payload: {
        player_id: o.player,
        channel: 'email',
        address: 'consent@example.test',
        consent_type: 'email_opt_in',
        purpose: 'marketing',
      },
    }),
    tenant: ['property', 'player'],
    ids: ['property'],
    looseFields: ['evidence'],
  },
  {
    operationId: 'compliance.check',
    method: 'POST',
    path: '/api/functions/tcpa-check',
    area: 'integrations',
    auth: { kind: 'property', scope: 'read' },
    request: () => ({
      url: '/api/functions/tcpa-check',
      payload: {
        channel: 'email',
        purpose: 'transactional',
        recipients: [{ email: 'check@example.test' }],
      },
    }),
    tenant: ['property'],
  },

  {
    operationId: 'compliance.settings',
    method: 'GET',
    path: '/api/functions/compliance-settings',
    area: 'integrations',
    auth: { kind: 'property', scope: 'read' },
    request: () => ({ url: '/api/functions/compliance-settings' }),
    tenant: ['property'],
  },
  {
    operationId: 'compliance.updateSettings',
    method: 'PATCH',
    path: '/api/functions/compliance-settings',
    area: 'integrations',
    auth: { kind: 'property', scope: 'write' },
    request: () => ({
      url: '/api/functions/compliance-settings',
      payload: { postal_address: '1 Casino Way, Las Vegas, NV 89109' },
    }),
    tenant: ['property'],
    state: propertyList('/api/functions/compliance-settings'),
  },
  {
    operationId: 'compliance.reviewSmsReply',
    method: 'POST',
    path: '/api/functions/review-sms-reply',
    area: 'integrations',
    auth: { kind: 'property', scope: 'write' },
    fresh: ['inboundMessage'],
    request: (o) => ({
      url: '/api/functions/review-sms-reply',
      payload: { id: o.inboundMessage, outcome: 'not_opt_out' },
    }),
    tenant: ['property', 'inboundMessage'],
  },
  {
    operationId: 'compliance.inboundSms',
    method: 'POST',
    path: '/api/sms/inbound/{propertyId}',
    area: 'integrations',
    auth: {
      kind: 'public',
      reason:
        "the carrier's X-Twilio-Signature under the property's stored auth token is the credential",
    },
    request: (o) => ({
      url: `/api/sms/inbound/${o.property}`,
      payload: { From: '+12125550100', Body: 'STOP' },
    }),
    tenant: {
      exempt: 'unsigned requests are 403 for every property alike (compliance.inbound.test.ts)',
    },
  },
  {
    operationId: 'compliance.unsubscribePage',
    method: 'GET',
    path: '/u/{token}',
    area: 'integrations',
    auth: { kind: 'public', reason: UNSUBSCRIBE_LINK },
    request: () => ({ url: `/u/v1.${randomBytes(8).toString('hex')}` }),
    tenant: { exempt: UNSUBSCRIBE_TENANT },
  },
  {
    operationId: 'compliance.unsubscribe',
    method: 'POST',
    path: '/u/{token}',
    area: 'integrations',
    auth: { kind: 'public', reason: UNSUBSCRIBE_LINK },
    request: () => ({
      url: `/u/v1.${randomBytes(8).toString('hex')}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    }),
    tenant: { exempt: UNSUBSCRIBE_TENANT },
  },

  // --- PlayerOS subscription groups and the do-not-contact list ----------------------------
  {
    operationId: 'subscriptions.set',
    method: 'POST',
    path: '/api/functions/set-subscriptions',
    area: 'integrations',
    auth: { kind: 'property', scope: 'write' },
    request: (o) => ({
      url: '/api/functions/set-subscriptions',
      payload: {
        group_id: o.subscriptionGroup,
        members: [{ player_id: o.player, subscribed: true }],
      },
    }),
    // Another property's player is reported as unknown (a 200), not walled as a 404
    // (subscriptions.test.ts); its group is.
    tenant: ['property', 'subscriptionGroup'],
    state: subscriptionMembers,
  },
  {
    operationId: 'doNotContact.list',
    method: 'GET',
    path: '/api/do-not-contact',
    area: 'integrations',
    auth: { kind: 'property', scope: 'read' },
    request: () => ({ url: '/api/do-not-contact?limit=5' }),
    tenant: ['property'],
  },
  {
    operationId: 'doNotContact.add',
    method: 'POST',
    path: '/api/do-not-contact',
    area: 'integrations',
    auth: { kind: 'property', scope: 'write' },
    request: () => ({ url: '/api/do-not-contact', payload: { entries: [{ email: email() }] } }),
    tenant: ['property'],
    state: doNotContact,
  },
  {
    operationId: 'doNotContact.remove',
    method: 'DELETE',
    path: '/api/do-not-contact',
    area: 'integrations',
    auth: { kind: 'property', scope: 'write' },
    request: () => ({ url: '/api/do-not-contact', payload: { entries: [{ email: email() }] } }),
    tenant: ['property'],
    state: doNotContact,
  },
  {
    operationId: 'doNotContact.removeHash',
    method: 'DELETE',
    path: '/api/do-not-contact/{hash}',
    area: 'integrations',
    auth: { kind: 'property', scope: 'write' },
    request: (o) => ({ url: `/api/do-not-contact/${o.dncHash}` }),
    tenant: ['property', 'dncHash'],
    fresh: ['dncHash'],
    state: doNotContact,
  },
  {
    operationId: 'doNotContact.lookup',
    method: 'POST',
    path: '/api/functions/do-not-contact-lookup',
    area: 'integrations',
    auth: { kind: 'property', scope: 'read' },
    request: () => ({
      url: '/api/functions/do-not-contact-lookup',
      payload: { email: 'lookup@example.test' },
    }),
    tenant: ['property'],
  },

  // --- PlayerOS webhook endpoints and their delivery log -----------------------------------
  {
    operationId: 'webhooks.list',
    method: 'GET',
    path: '/api/webhooks',
    area: 'integrations',
    auth: { kind: 'property', scope: 'read' },
    request: () => ({ url: '/api/webhooks' }),
    tenant: ['property'],
  },
  {
    operationId: 'webhooks.create',
    method: 'POST',
    path: '/api/webhooks',
    area: 'integrations',
    auth: { kind: 'property', scope: 'write' },
    request: () => ({
      url: '/api/webhooks',
      payload: { url: 'http://127.0.0.1:9/created', event_types: ['player.created'] },
    }),
    tenant: ['property'],
    state: webhooks,
  },
  ...(['get', 'update', 'disable', 'enable', 'rotateSecret', 'test', 'delete'] as const).map(
    (action): RouteSpec => {
      const method =
        action === 'get'
          ? 'GET'
          : action === 'update'
            ? 'PATCH'
            : action === 'delete'
              ? 'DELETE'
              : 'POST';
      const suffix = {
        get: '',
        update: '',
        delete: '',
        disable: '/disable',
        enable: '/enable',
        rotateSecret: '/rotate-secret',
        test: '/test',
      }[action];
      return {
        operationId: `webhooks.${action}`,
        method,
        path: `/api/webhooks/{id}${suffix}`,
        area: 'integrations',
        auth: { kind: 'property', scope: action === 'get' ? 'read' : 'write' },
        request: (o) => ({
          url: `/api/webhooks/${o.webhook}${suffix}`,
          ...(action === 'update' ? { payload: { description: 'Renamed' } } : {}),
        }),
        tenant: ['property', 'webhook'],
        // Deleting uses the endpoint up; test messages are throttled per endpoint.
        ...(action === 'delete' || action === 'test' ? { fresh: ['webhook'] as const } : {}),
        ...(action === 'get' ? {} : { state: webhooks }),
      };
    },
  ),
  {
    operationId: 'webhooks.messages',
    method: 'GET',
    path: '/api/webhooks/{id}/messages',
    area: 'integrations',
    auth: { kind: 'property', scope: 'read' },
    request: (o) => ({ url: `/api/webhooks/${o.webhook}/messages?limit=5` }),
    tenant: ['property', 'webhook'],
  },
  {
    operationId: 'webhooks.message',
    method: 'GET',
    path: '/api/webhooks/{id}/messages/{messageId}',
    area: 'integrations',
    auth: { kind: 'property', scope: 'read' },
    request: (o) => ({ url: `/api/webhooks/${o.webhook}/messages/${o.webhookMessage}` }),
    tenant: ['property', 'webhook', 'webhookMessage'],
  },
  {
    operationId: 'webhooks.replay',
    method: 'POST',
    path: '/api/webhooks/{id}/messages/{messageId}/replay',
    area: 'integrations',
    auth: { kind: 'property', scope: 'write' },
    request: (o) => ({ url: `/api/webhooks/${o.webhook}/messages/${o.webhookMessage}/replay` }),
    tenant: ['property', 'webhook', 'webhookMessage'],
    // A replayed message is queued: a second replay is a 409.
    fresh: ['webhookMessage'],
  },
  {
    operationId: 'webhooks.resendFailed',
    method: 'POST',
    path: '/api/webhooks/{id}/resend-failed',
    area: 'integrations',
    auth: { kind: 'property', scope: 'write' },
    request: (o) => ({
      url: `/api/webhooks/${o.webhook}/resend-failed`,
      payload: { since: '2020-01-01T00:00:00Z' },
    }),
    tenant: ['property', 'webhook'],
  },

  // --- Content templates (PlayLoop's design of PlayerOS's content area) ----------------------
  {
    operationId: 'templates.list',
    method: 'GET',
    path: '/api/templates',
    area: 'integrations',
    auth: { kind: 'property', scope: 'read' },
    request: () => ({ url: '/api/templates?limit=5' }),
    tenant: ['property'],
  },
  {
    operationId: 'templates.create',
    method: 'POST',
    path: '/api/templates',
    area: 'integrations',
    auth: { kind: 'property', scope: 'write' },
    request: () => ({
      url: '/api/templates',
      payload: { name: unique('Template'), channel: 'sms', body: 'Hi {{ player.first_name }}' },
    }),
    tenant: ['property'],
    state: templates,
  },
  {
    operationId: 'templates.get',
    method: 'GET',
    path: '/api/templates/{id}',
    area: 'integrations',
    auth: { kind: 'property', scope: 'read' },
    request: (o) => ({ url: `/api/templates/${o.template}` }),
    tenant: ['property', 'template'],
  },
  {
    operationId: 'templates.update',
    method: 'PATCH',
    path: '/api/templates/{id}',
    area: 'integrations',
    auth: { kind: 'property', scope: 'write' },
    request: (o) => ({
      url: `/api/templates/${o.template}`,
      payload: { name: unique('Renamed') },
    }),
    tenant: ['property', 'template'],
    state: templates,
  },
  {
    operationId: 'templates.delete',
    method: 'DELETE',
    path: '/api/templates/{id}',
    area: 'integrations',
    auth: { kind: 'property', scope: 'write' },
    fresh: ['template'],
    request: (o) => ({ url: `/api/templates/${o.template}` }),
    tenant: ['property', 'template'],
    state: templates,
  },
  {
    operationId: 'templates.preview',
    method: 'POST',
    path: '/api/templates/{id}/preview',
    area: 'integrations',
    auth: { kind: 'property', scope: 'read' },
    request: (o) => ({
      url: `/api/templates/${o.template}/preview`,
      payload: { player_id: o.player },
    }),
    tenant: ['property', 'template', 'player'],
    // player_id takes the casino's id too: no value is malformed, an unknown one is a 404.
    ids: ['property', 'template'],
  },
  {
    operationId: 'templates.render',
    method: 'POST',
    path: '/api/functions/render-template',
    area: 'integrations',
    auth: { kind: 'property', scope: 'read' },
    request: (o) => ({
      url: '/api/functions/render-template',
      payload: { channel: 'sms', body: 'Hi {{ player.first_name }}', player_id: o.player },
    }),
    tenant: ['property', 'player'],
    ids: ['property'],
  },

  // --- Saved segments and the audience preview (issue 13) ---------------------------------
  {
    operationId: 'segments.list',
    method: 'GET',
    path: '/api/segments',
    area: 'integrations',
    auth: { kind: 'property', scope: 'read' },
    request: () => ({ url: '/api/segments?limit=5' }),
    tenant: ['property'],
  },
  {
    operationId: 'segments.create',
    method: 'POST',
    path: '/api/segments',
    area: 'integrations',
    auth: { kind: 'property', scope: 'write' },
    request: () => ({
      url: '/api/segments',
      payload: { name: unique('Segment'), filter: 'tier=eq.gold&state=in.(NV,NJ)' },
    }),
    tenant: ['property'],
    state: segments,
  },
  {
    operationId: 'segments.get',
    method: 'GET',
    path: '/api/segments/{id}',
    area: 'integrations',
    auth: { kind: 'property', scope: 'read' },
    request: (o) => ({ url: `/api/segments/${o.segment}` }),
    tenant: ['property', 'segment'],
  },
  {
    operationId: 'segments.update',
    method: 'PATCH',
    path: '/api/segments/{id}',
    area: 'integrations',
    auth: { kind: 'property', scope: 'write' },
    request: (o) => ({ url: `/api/segments/${o.segment}`, payload: { name: unique('Renamed') } }),
    tenant: ['property', 'segment'],
    state: segments,
  },
  {
    operationId: 'segments.delete',
    method: 'DELETE',
    path: '/api/segments/{id}',
    area: 'integrations',
    auth: { kind: 'property', scope: 'write' },
    fresh: ['segment'],
    request: (o) => ({ url: `/api/segments/${o.segment}` }),
    tenant: ['property', 'segment'],
    state: segments,
  },
  {
    operationId: 'segments.listPlayers',
    method: 'GET',
    path: '/api/segments/{id}/players',
    area: 'integrations',
    auth: { kind: 'property', scope: 'read' },
    request: (o) => ({ url: `/api/segments/${o.segment}/players?limit=5` }),
    tenant: ['property', 'segment'],
  },
  {
    operationId: 'segments.count',
    method: 'GET',
    path: '/api/segments/{id}/count',
    area: 'integrations',
    auth: { kind: 'property', scope: 'read' },
    request: (o) => ({ url: `/api/segments/${o.segment}/count` }),
    tenant: ['property', 'segment'],
  },
  {
    operationId: 'segments.previewAudience',
    method: 'POST',
    path: '/api/functions/audience-preview',
    area: 'integrations',
    auth: { kind: 'property', scope: 'read' },
    request: (o) => ({
      url: '/api/functions/audience-preview',
      payload: {
        audience: { type: 'segment', segment_id: o.segment },
        channel: 'sms',
        purpose: 'marketing',
      },
    }),
    tenant: ['property', 'segment'],
  },

  // --- Casino events (issue 14) -------------------------------------------------------------
  {
    operationId: 'playerEvents.record',
    method: 'POST',
    path: '/api/events',
    area: 'integrations',
    auth: { kind: 'property', scope: 'write' },
    request: (o) => ({
      url: '/api/events',
      payload: { player_id: o.player, name: 'visit', properties: { door: 'north' } },
    }),
    tenant: ['property', 'player'],
    // player_id takes the casino's id too: no value is malformed, an unknown one is a 404.
    ids: ['property'],
    state: playerTimeline,
  },
  {
    operationId: 'playerEvents.recordBatch',
    method: 'POST',
    path: '/api/events/batch',
    area: 'integrations',
    auth: { kind: 'property', scope: 'write' },
    request: (o) => ({
      url: '/api/events/batch',
      payload: { events: [{ player_id: o.player, name: 'visit' }] },
    }),
    // Another property's player is that event's `not_found` in the 200, worded as for a player
    // never issued, and nothing of the other property changes (player-events.test.ts).
    tenant: ['property'],
    state: playerTimeline,
  },

  // --- Journeys (issue 14) ------------------------------------------------------------------
  {
    operationId: 'journeys.list',
    method: 'GET',
    path: '/api/journeys',
    area: 'integrations',
    auth: { kind: 'property', scope: 'read' },
    request: () => ({ url: '/api/journeys?limit=5' }),
    tenant: ['property'],
  },
  {
    operationId: 'journeys.create',
    method: 'POST',
    path: '/api/journeys',
    area: 'integrations',
    auth: { kind: 'property', scope: 'write' },
    request: () => ({
      url: '/api/journeys',
      payload: { name: unique('Journey'), graph: JOURNEY_GRAPH },
    }),
    tenant: ['property'],
    state: journeys,
  },
  {
    operationId: 'journeys.get',
    method: 'GET',
    path: '/api/journeys/{id}',
    area: 'integrations',
    auth: { kind: 'property', scope: 'read' },
    request: (o) => ({ url: `/api/journeys/${o.journey}` }),
    tenant: ['property', 'journey'],
  },
  {
    operationId: 'journeys.update',
    method: 'PATCH',
    path: '/api/journeys/{id}',
    area: 'integrations',
    auth: { kind: 'property', scope: 'write' },
    request: (o) => ({ url: `/api/journeys/${o.journey}`, payload: { name: unique('Renamed') } }),
    tenant: ['property', 'journey'],
    state: journeys,
  },
  {
    operationId: 'journeys.delete',
    method: 'DELETE',
    path: '/api/journeys/{id}',
    area: 'integrations',
    auth: { kind: 'property', scope: 'write' },
    // Only a draft or archived journey can be deleted (an active one is 409).
    fresh: ['draftJourney'],
    request: (o) => ({ url: `/api/journeys/${o.draftJourney}` }),
    tenant: ['property', 'draftJourney'],
    state: journeys,
  },
  {
    operationId: 'journeys.publish',
    method: 'POST',
    path: '/api/journeys/{id}/publish',
    area: 'integrations',
    auth: { kind: 'property', scope: 'write' },
    // Each allowed call publishes a journey of its own: the seeded one stays at version 1.
    fresh: ['journey'],
    request: (o) => ({ url: `/api/journeys/${o.journey}/publish` }),
    tenant: ['property', 'journey'],
    state: journeys,
  },
  {
    operationId: 'journeys.pause',
    method: 'POST',
    path: '/api/journeys/{id}/pause',
    area: 'integrations',
    auth: { kind: 'property', scope: 'write' },
    fresh: ['journey'],
    request: (o) => ({ url: `/api/journeys/${o.journey}/pause` }),
    tenant: ['property', 'journey'],
    state: journeys,
  },
  {
    operationId: 'journeys.resume',
    method: 'POST',
    path: '/api/journeys/{id}/resume',
    area: 'integrations',
    auth: { kind: 'property', scope: 'write' },
    // Only a paused journey resumes (409 otherwise).
    fresh: ['pausedJourney'],
    request: (o) => ({ url: `/api/journeys/${o.pausedJourney}/resume` }),
    tenant: ['property', 'pausedJourney'],
    state: journeys,
  },
  {
    operationId: 'journeys.archive',
    method: 'POST',
    path: '/api/journeys/{id}/archive',
    area: 'integrations',
    auth: { kind: 'property', scope: 'write' },
    fresh: ['journey'],
    request: (o) => ({ url: `/api/journeys/${o.journey}/archive` }),
    tenant: ['property', 'journey'],
    state: journeys,
  },
  {
    operationId: 'journeys.version',
    method: 'GET',
    path: '/api/journeys/{id}/versions/{version}',
    area: 'integrations',
    auth: { kind: 'property', scope: 'read' },
    request: (o) => ({ url: `/api/journeys/${o.journey}/versions/${o.journeyVersion}` }),
    // A version number is scoped by its journey (every journey has a version 1): the journey is
    // the wall; the number is only checked for malformed values.
    tenant: ['property', 'journey'],
    ids: ['property', 'journey', 'journeyVersion'],
  },
  {
    operationId: 'journeys.stats',
    method: 'GET',
    path: '/api/journeys/{id}/stats',
    area: 'integrations',
    auth: { kind: 'property', scope: 'read' },
    request: (o) => ({ url: `/api/journeys/${o.journey}/stats` }),
    tenant: ['property', 'journey'],
  },
  {
    operationId: 'journeys.runs',
    method: 'GET',
    path: '/api/journeys/{id}/runs',
    area: 'integrations',
    auth: { kind: 'property', scope: 'read' },
    request: (o) => ({ url: `/api/journeys/${o.journey}/runs?player_id=${o.player}&limit=5` }),
    tenant: ['property', 'journey', 'player'],
    // player_id takes the casino's id too: no value is malformed, an unknown one is a 404.
    ids: ['property', 'journey'],
  },
  {
    operationId: 'journeys.run',
    method: 'GET',
    path: '/api/journeys/{id}/runs/{runId}',
    area: 'integrations',
    auth: { kind: 'property', scope: 'read' },
    request: (o) => ({ url: `/api/journeys/${o.journey}/runs/${o.journeyRun}` }),
    tenant: ['property', 'journey', 'journeyRun'],
  },
  {
    operationId: 'journeys.enter',
    method: 'POST',
    path: '/api/journeys/{id}/enter',
    area: 'integrations',
    auth: { kind: 'property', scope: 'write' },
    // The seeded player is in the journey already: a call answers entered false, still a 200.
    request: (o) => ({
      url: `/api/journeys/${o.journey}/enter`,
      payload: { player_id: o.player, data: { source: 'security' } },
    }),
    tenant: ['property', 'journey', 'player'],
    // player_id takes the casino's id too: no value is malformed, an unknown one is a 404.
    ids: ['property', 'journey'],
    state: journeys,
  },

  // --- Campaigns, their messages and the links inside them (issue 13) ---------------------
  {
    operationId: 'campaigns.list',
    method: 'GET',
    path: '/api/campaigns',
    area: 'integrations',
    auth: { kind: 'property', scope: 'read' },
    request: () => ({ url: '/api/campaigns?limit=5' }),
    tenant: ['property'],
  },
  {
    operationId: 'campaigns.create',
    method: 'POST',
    path: '/api/campaigns',
    area: 'integrations',
    auth: { kind: 'property', scope: 'write' },
    request: (o) => ({
      url: '/api/campaigns',
      payload: {
        name: unique('Campaign'),
        channel: 'sms',
        template_id: o.template,
        audience: { type: 'segment', segment_id: o.segment },
      },
    }),
    tenant: ['property', 'template', 'segment'],
    state: campaigns,
  },
  {
    operationId: 'campaigns.get',
    method: 'GET',
    path: '/api/campaigns/{id}',
    area: 'integrations',
    auth: { kind: 'property', scope: 'read' },
    request: (o) => ({ url: `/api/campaigns/${o.campaign}` }),
    tenant: ['property', 'campaign'],
  },
  {
    operationId: 'campaigns.update',
    method: 'PATCH',
    path: '/api/campaigns/{id}',
    area: 'integrations',
    auth: { kind: 'property', scope: 'write' },
    request: (o) => ({ url: `/api/campaigns/${o.campaign}`, payload: { name: unique('Renamed') } }),
    tenant: ['property', 'campaign'],
    state: campaigns,
  },
  {
    operationId: 'campaigns.delete',
    method: 'DELETE',
    path: '/api/campaigns/{id}',
    area: 'integrations',
    auth: { kind: 'property', scope: 'write' },
    fresh: ['campaign'],
    request: (o) => ({ url: `/api/campaigns/${o.campaign}` }),
    tenant: ['property', 'campaign'],
    state: campaigns,
  },
  {
    operationId: 'campaigns.send',
    method: 'POST',
    path: '/api/functions/send-campaign',
    area: 'integrations',
    auth: { kind: 'property', scope: 'write' },
    fresh: ['campaign'],
    request: (o) => ({
      url: '/api/functions/send-campaign',
      headers: { 'idempotency-key': unique('send') },
      payload: { campaignId: o.campaign, propertyId: o.property },
    }),
    tenant: ['property', 'campaign'],
    state: campaigns,
  },
  {
    operationId: 'campaigns.schedule',
    method: 'POST',
    path: '/api/functions/schedule-campaign',
    area: 'integrations',
    auth: { kind: 'property', scope: 'write' },
    fresh: ['campaign'],
    request: (o) => ({
      url: '/api/functions/schedule-campaign',
      payload: {
        campaign_id: o.campaign,
        send_at: new Date(Date.now() + 2 * 86_400_000).toISOString(),
      },
    }),
    tenant: ['property', 'campaign'],
    state: campaigns,
  },
  {
    operationId: 'campaigns.cancel',
    method: 'POST',
    path: '/api/functions/cancel-campaign',
    area: 'integrations',
    auth: { kind: 'property', scope: 'write' },
    fresh: ['scheduledCampaign'],
    request: (o) => ({
      url: '/api/functions/cancel-campaign',
      payload: { campaign_id: o.scheduledCampaign },
    }),
    tenant: ['property', 'scheduledCampaign'],
    state: campaigns,
  },
  {
    operationId: 'campaigns.preview',
    method: 'POST',
    path: '/api/functions/preview-campaign',
    area: 'integrations',
    auth: { kind: 'property', scope: 'read' },
    request: (o) => ({
      url: '/api/functions/preview-campaign',
      payload: { campaign_id: o.campaign, audience: false },
    }),
    tenant: ['property', 'campaign'],
  },
  {
    operationId: 'campaigns.test',
    method: 'POST',
    path: '/api/functions/test-campaign',
    area: 'integrations',
    auth: { kind: 'property', scope: 'write' },
    request: (o) => ({
      url: '/api/functions/test-campaign',
      payload: { campaign_id: o.campaign, to: ['+12125550123'] },
    }),
    tenant: ['property', 'campaign'],
    state: campaigns,
  },
  {
    operationId: 'messages.list',
    method: 'GET',
    path: '/api/messages',
    area: 'integrations',
    auth: { kind: 'property', scope: 'read' },
    request: () => ({ url: '/api/messages?limit=5' }),
    tenant: ['property'],
  },
  {
    operationId: 'messages.get',
    method: 'GET',
    path: '/api/messages/{id}',
    area: 'integrations',
    auth: { kind: 'property', scope: 'read' },
    request: (o) => ({ url: `/api/messages/${o.message}` }),
    tenant: ['property', 'message'],
  },
  {
    operationId: 'links.short',
    method: 'GET',
    path: '/l/{code}',
    area: 'integrations',
    auth: { kind: 'public', reason: CAMPAIGN_LINK },
    request: () => ({ url: `/l/${randomBytes(6).toString('base64url')}` }),
    tenant: { exempt: CAMPAIGN_LINK_TENANT },
  },
  {
    operationId: 'links.click',
    method: 'GET',
    path: '/c/{messageId}',
    area: 'integrations',
    auth: { kind: 'public', reason: CAMPAIGN_LINK },
    request: (o) => ({
      url: `/c/${o.message}?u=${encodeURIComponent('https://example.test/')}&s=${'0'.repeat(22)}`,
    }),
    tenant: { exempt: CAMPAIGN_LINK_TENANT },
  },
  {
    operationId: 'links.open',
    method: 'GET',
    path: '/o/{messageId}',
    area: 'integrations',
    auth: { kind: 'public', reason: CAMPAIGN_LINK },
    request: (o) => ({ url: `/o/${o.message}?s=${'0'.repeat(22)}` }),
    tenant: { exempt: CAMPAIGN_LINK_TENANT },
  },
  {
    operationId: 'campaigns.smsStatus',
    method: 'POST',
    path: '/api/sms/status/{propertyId}',
    area: 'integrations',
    auth: {
      kind: 'public',
      reason:
        "the carrier's X-Twilio-Signature under the property's stored auth token is the credential",
    },
    request: (o) => ({
      url: `/api/sms/status/${o.property}?ref=${o.message}`,
      payload: { MessageSid: `SM${'0'.repeat(32)}`, MessageStatus: 'delivered' },
    }),
    tenant: {
      exempt: 'unsigned requests are 403 for every property alike, the ref names no one else',
    },
  },

  // --- PlayerOS (pk_ keys, or a member's bearer token + X-Property-Id) ----------------------
  {
    operationId: 'players.get',
    method: 'GET',
    path: '/api/players/{id}',
    area: 'integrations',
    auth: { kind: 'property', scope: 'read' },
    request: (o) => ({ url: `/api/players/${o.player}` }),
    // The player segment takes PlayLoop's uuid or the casino's player_id: no value is malformed,
    // an unknown one is the 404 of the tenant case.
    ids: ['property'],
    tenant: ['property', 'player'],
  },
  {
    operationId: 'players.activity',
    method: 'GET',
    path: '/api/players/{id}/activity',
    area: 'integrations',
    auth: { kind: 'property', scope: 'read' },
    request: (o) => ({ url: `/api/players/${o.player}/activity?limit=10` }),
    // As players.get: the player segment takes either id, so only the tenant case is a 404.
    ids: ['property'],
    tenant: ['property', 'player'],
  },
  {
    operationId: 'players.update',
    method: 'PATCH',
    path: '/api/players/{id}',
    area: 'integrations',
    auth: { kind: 'property', scope: 'write' },
    request: (o) => ({ url: `/api/players/${o.player}`, payload: { first_name: 'Renamed' } }),
    // The player segment takes PlayLoop's uuid or the casino's player_id: no value is malformed,
    // an unknown one is the 404 of the tenant case.
    ids: ['property'],
    tenant: ['property', 'player'],
    state: players,
  },
  {
    operationId: 'players.delete',
    method: 'DELETE',
    path: '/api/players/{id}',
    area: 'integrations',
    auth: { kind: 'property', scope: 'write' },
    request: (o) => ({ url: `/api/players/${o.player}` }),
    // The player segment takes PlayLoop's uuid or the casino's player_id: no value is malformed,
    // an unknown one is the 404 of the tenant case.
    ids: ['property'],
    tenant: ['property', 'player'],
    fresh: ['player'],
    state: players,
  },
  {
    operationId: 'players.batchUpsert',
    method: 'POST',
    path: '/api/players/batch',
    area: 'integrations',
    auth: { kind: 'property', scope: 'write' },
    request: () => ({
      url: '/api/players/batch',
      payload: { players: [{ player_id: unique('b') }] },
    }),
    tenant: ['property'],
    state: players,
  },
  {
    operationId: 'privacyRequests.export',
    method: 'POST',
    path: '/api/functions/export-player-data',
    area: 'integrations',
    auth: { kind: 'property', scope: 'write' },
    request: (o) => ({
      url: '/api/functions/export-player-data',
      payload: { player_id: o.player },
    }),
    // As players.get: player_id takes PlayLoop's uuid or the casino's id, so only the tenant
    // case is a 404.
    ids: ['property'],
    tenant: ['property', 'player'],
    state: privacyRequests,
  },
  {
    operationId: 'privacyRequests.delete',
    method: 'POST',
    path: '/api/functions/delete-player-data',
    area: 'integrations',
    auth: { kind: 'property', scope: 'write' },
    request: (o) => ({
      url: '/api/functions/delete-player-data',
      payload: { player_id: o.player },
    }),
    ids: ['property'],
    tenant: ['property', 'player'],
    fresh: ['player'],
    state: players,
  },
  {
    operationId: 'privacyRequests.open',
    method: 'POST',
    path: '/api/functions/open-privacy-request',
    area: 'integrations',
    auth: { kind: 'property', scope: 'write' },
    request: (o) => ({
      url: '/api/functions/open-privacy-request',
      payload: { type: 'delete', player_id: o.player },
    }),
    // As privacyRequests.export: player_id also takes the casino's id, so only the tenant case.
    ids: ['property'],
    tenant: ['property', 'player'],
    state: privacyRequests,
  },
  {
    operationId: 'privacyRequests.extend',
    method: 'POST',
    path: '/api/functions/extend-privacy-request',
    area: 'integrations',
    auth: { kind: 'property', scope: 'write' },
    // A request is extended once: each allowed call needs one never extended.
    fresh: ['privacyRequest'],
    request: (o) => ({
      url: '/api/functions/extend-privacy-request',
      payload: { id: o.privacyRequest, reason: 'Numerous requests this month' },
    }),
    tenant: ['property', 'privacyRequest'],
    state: privacyRequests,
  },
  {
    operationId: 'privacyRequests.list',
    method: 'GET',
    path: '/api/functions/privacy-requests',
    area: 'integrations',
    auth: { kind: 'property', scope: 'read' },
    request: () => ({ url: '/api/functions/privacy-requests?limit=5' }),
    tenant: ['property'],
  },
  {
    operationId: 'tables.list',
    method: 'GET',
    path: '/api/{table}',
    area: 'integrations',
    auth: { kind: 'property', scope: 'read' },
    request: () => ({ url: '/api/players?limit=5' }),
    // Rows are addressed by filters: another property's row matches nothing (a 200, empty).
    tenant: ['property'],
  },
  {
    operationId: 'tables.insert',
    method: 'POST',
    path: '/api/{table}',
    area: 'integrations',
    auth: { kind: 'property', scope: 'write' },
    request: () => ({ url: '/api/players', payload: { player_id: unique('t') } }),
    tenant: ['property'],
    acceptsArray: true,
    state: players,
  },
  {
    operationId: 'tables.update',
    method: 'PATCH',
    path: '/api/{table}',
    area: 'integrations',
    auth: { kind: 'property', scope: 'write' },
    request: (o) => ({ url: `/api/players?id=eq.${o.player}`, payload: { first_name: 'Tabled' } }),
    tenant: ['property'],
    ids: ['property', 'player'],
    state: players,
  },
  {
    operationId: 'tables.delete',
    method: 'DELETE',
    path: '/api/{table}',
    area: 'integrations',
    auth: { kind: 'property', scope: 'write' },
    request: (o) => ({ url: `/api/players?id=eq.${o.player}` }),
    tenant: ['property'],
    ids: ['property', 'player'],
    fresh: ['player'],
    state: players,
  },
];

export const routesOf = (area: RouteSpec['area']) => ROUTES.filter((spec) => spec.area === area);
