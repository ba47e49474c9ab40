import { Type } from 'typebox';
import { AppError } from '../../lib/errors.ts';
import { listCampaigns } from '../campaigns/index.ts';
import { checkRecipients, CheckBody, ConsentBody, recordConsents } from '../compliance/index.ts';
import { getPlayer, PLAYER_STATUSES, PlayerParams } from '../players/index.ts';
import { deletePlayerData, exportPlayerData, PrivacyRequestBody } from '../privacy/index.ts';
import {
  createPlayerGameLink,
  CreateSessionBody,
  findSessionByToken,
  SessionTokenQuery,
  statusAt,
} from '../sessions/index.ts';
import { listTable } from '../tables/index.ts';
import { createEndpoint, listEndpoints, webhookSchemas } from '../webhooks/index.ts';
import { one, tool } from './mcp.tool.ts';

const complianceTools = [
  tool({
    name: 'consent_record',
    title: 'Record consent or its revocation',
    description:
      'Appends one consent record, a grant or a revocation, for a channel and address with its evidence (POST /api/functions/record-consent). Records are never changed; a revocation is a new record. SMS/voice marketing needs `pewc` with `disclosure_version`; email uses `email_opt_in`.',
    input: ConsentBody,
    scope: 'write',
    run: async (deps, property, args) => ({
      success: true as const,
      data: await recordConsents(deps, property, [args]),
    }),
  }),
  tool({
    name: 'consent_check',
    title: 'Pre-send (TCPA) check',
    description:
      'For each recipient: allow or skip with every reason (consent, subscription group, quiet hours, frequency caps, self-exclusion, age, suppression, do-not-contact), as POST /api/functions/tcpa-check. The decision is recorded; nothing is sent.',
    input: CheckBody,
    scope: 'read',
    async run(deps, property, args) {
      const decisions = await checkRecipients(
        deps,
        property,
        {
          channel: args.channel,
          purpose: args.purpose,
          program: args.program,
          subscriptionGroupId: args.subscription_group_id,
          sendAt: args.send_at ? new Date(args.send_at) : undefined,
          recipients: args.recipients,
        },
        // Who asked, as the HTTP route records it (a pk_ key, or a member with X-Property-Id).
        property.keyId ? `key:${property.keyId}` : `user:${property.userId ?? 'unknown'}`,
      );
      return { success: true as const, data: decisions };
    },
  }),
  tool({
    name: 'privacy_export_player_data',
    title: "Export a player's data (GDPR/CCPA access request)",
    description:
      'One JSON bundle of everything held about a player: profile, consents with evidence, compliance decisions, events, timeline, subscriptions, contact log (POST /api/functions/export-player-data). Recorded as a privacy request with its deadline.',
    input: PrivacyRequestBody,
    scope: 'write',
    run: async (deps, property, args) =>
      one(
        await exportPlayerData(deps, property.id, {
          player: args.player_id,
          regime: args.regime,
          note: args.note,
          requestId: args.request_id,
        }),
      ),
  }),
  tool({
    name: 'privacy_delete_player_data',
    title: "Erase a player's data (GDPR/CCPA delete request)",
    description:
      'Irreversibly erases a player in one transaction (POST /api/functions/delete-player-data): profile, timeline, subscriptions, contact log and player events go; consent records and compliance decisions stay; suppression hashes keep a re-created player blocked.',
    input: PrivacyRequestBody,
    scope: 'write',
    destructive: true,
    run: async (deps, property, args) =>
      one(
        await deletePlayerData(deps, property.id, {
          player: args.player_id,
          regime: args.regime,
          note: args.note,
          requestId: args.request_id,
        }),
      ),
  }),
];

const endpointObject = (endpoint: { disabled_at: Date | null }) => ({
  ...endpoint,
  enabled: endpoint.disabled_at === null,
});

const webhookTools = [
  tool({
    name: 'webhooks_list',
    title: 'List webhook endpoints',
    description:
      "The property's webhook endpoints and the events each receives (GET /api/webhooks).",
    input: Type.Object({}, { additionalProperties: false }),
    scope: 'read',
    run: async (deps, property) => ({
      success: true as const,
      data: (await listEndpoints(deps, property)).map(endpointObject),
    }),
  }),
  tool({
    name: 'webhooks_create',
    title: 'Create a webhook endpoint',
    description:
      'A new endpoint receiving the listed event types, signed Standard Webhooks style (POST /api/webhooks). The signing secret is in this answer only.',
    input: webhookSchemas.CreateEndpointBody,
    scope: 'write',
    async run(deps, property, args) {
      const { endpoint, secret } = await createEndpoint(deps, property, args);
      return one({ ...endpointObject(endpoint), secret });
    },
  }),
];

const analyticsTools = [
  tool({
    name: 'analytics_property_summary',
    title: 'Property summary',
    description:
      "A snapshot of the key's property: players in all and by status (exact, from the kept counters of GET /api/players?count=exact), and the newest campaigns (up to 100) by status with their summed message counts.",
    input: Type.Object({}, { additionalProperties: false }),
    scope: 'read',
    async run(deps, property) {
      const count = async (query: Record<string, string>) =>
        (
          await listTable(deps, property.id, 'players', {
            query: { ...query, limit: 0, count: 'exact' },
          })
        ).totalCount ?? 0;
      const [total, ...perStatus] = await Promise.all([
        count({}),
        ...PLAYER_STATUSES.map((status) => count({ 'status.eq': status })),
      ]);
      const campaigns = (await listCampaigns(deps, property, { limit: 100 })).data;
      const byStatus: Record<string, number> = {};
      const messages: Record<string, number> = {};
      for (const campaign of campaigns) {
        byStatus[campaign.status] = (byStatus[campaign.status] ?? 0) + 1;
        for (const [kind, n] of Object.entries(campaign.counts)) {
          messages[kind] = (messages[kind] ?? 0) + n;
        }
      }
      return one({
        property_id: property.id,
        players: {
          total,
          by_status: Object.fromEntries(PLAYER_STATUSES.map((s, i) => [s, perStatus[i] ?? 0])),
        },
        campaigns: { counted: campaigns.length, by_status: byStatus, messages },
      });
    },
  }),
];

const GameLinkInput = Type.Object(
  {
    player_id: PlayerParams.properties.id,
    game_id: Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: 'The game to play' }),
    expires_in_minutes: CreateSessionBody.properties.expires_in_minutes,
  },
  { additionalProperties: false },
);

const gameLoopTools = [
  tool({
    name: 'game_link_create',
    title: 'Create a one-time game link for a player',
    description:
      "Mints a single-use DailyPlay session for a game of the property's organization, tied to the player as a campaign's {% game_link %} is (metadata player_id and property_id), and answers its play URL. The play lands on the player's timeline (plays, last_score). Send the URL to the player.",
    input: GameLinkInput,
    scope: 'write',
    async run(deps, property, args) {
      const player = await getPlayer(deps, property.id, args.player_id);
      return one(
        await createPlayerGameLink(deps, property, {
          playerId: player.id,
          gameId: args.game_id,
          expiresInMinutes: args.expires_in_minutes,
        }),
      );
    },
  }),
  tool({
    name: 'session_status',
    title: 'Game session status',
    description:
      "Whether a DailyPlay session token of the property's organization is still playable (active, consumed, revoked or expired), as GET /api/sessions?action=validate-session. Another organization's token is not_found.",
    input: SessionTokenQuery,
    scope: 'read',
    async run(deps, property, args) {
      const row = await findSessionByToken(deps.database, args.token);
      if (!row || row.org_id !== property.orgId) {
        throw new AppError('not_found', 'Session not found');
      }
      const status = statusAt(row, deps.clock.now());
      return one({
        valid: status === 'active',
        status,
        game_id: row.game_id,
        stream_id: row.stream_id,
        external_ref: row.external_ref,
        metadata: row.metadata,
        expires_at: row.expires_at,
        consumed_at: row.consumed_at,
      });
    },
  }),
];

export const operationTools = [
  ...complianceTools,
  ...webhookTools,
  ...analyticsTools,
  ...gameLoopTools,
];
