import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Deps } from '../../deps.ts';
import { errorResponses, SuccessOnly } from '../../http/schemas.ts';
import type { App } from '../../http/types.ts';
import {
  currentProperty,
  propertyAuthErrors,
  PropertyHeaders,
  propertySecurity,
  requirePropertyAccess,
} from '../auth/index.ts';
import { getMessage, listMessages } from './campaigns.messages.ts';
import { previewCampaign, testSendCampaign } from './campaigns.preview.ts';
import {
  CampaignIdBody,
  CampaignList,
  CampaignOne,
  CampaignParams,
  CAMPAIGNS_HELP,
  CreateCampaignBody,
  IdempotencyHeaders,
  ListQuery,
  MessageList,
  MessageListQuery,
  MessageOne,
  PreviewCampaignBody,
  PreviewCampaignResponse,
  ScheduleBody,
  SendCampaignBody,
  TestSendBody,
  TestSendResponse,
  UpdateCampaignBody,
} from './campaigns.schemas.ts';
import * as campaigns from './campaigns.service.ts';

const tags = ['Campaigns'];
const security = propertySecurity;
const headers = PropertyHeaders;
const AREA =
  "Property-scoped: a pk_ key (read scope to read and preview, write scope to change, send and test), or a member's bearer token with X-Property-Id.";

const propertyOf = (request: FastifyRequest) => {
  const property = currentProperty(request);
  return { id: property.id, orgId: property.orgId };
};

const SEND_HELP =
  "Sending: the campaign's template is frozen (later edits change nothing sent), the audience is planned in batches of 1,000 (the pre-send check for each recipient, a message record each: `queued`, or `skipped` with the check's reasons), every `{% game_link %}` mints a single-use session for that recipient (metadata `player_id`, `property_id`, `campaign_id`, `message_id`; `external_ref` the message id), and queued messages go out at SEND_RATE_EMAIL_PER_SECOND / SEND_RATE_SMS_PER_SECOND across all workers. Without SMTP_URL (email) or the property's SMS sender settings (SMS), messages are stored and marked sent with provider `none`: read them at `/api/messages`.";

/** Campaigns of the credential's property, their functions, and their messages. */
export function campaignRoutes(app: App, deps: Deps): void {
  const read = requirePropertyAccess(deps, 'read');
  const write = requirePropertyAccess(deps, 'write');
  const conflictErrors = { ...propertyAuthErrors, ...errorResponses(409) };

  app.get(
    '/api/campaigns',
    {
      onRequest: read,
      schema: {
        operationId: 'campaigns.list',
        summary: 'List campaigns',
        description: `${AREA} Newest first, paged with \`before\`; \`status\` filters.`,
        tags,
        security,
        headers,
        querystring: ListQuery,
        response: { 200: CampaignList, ...propertyAuthErrors },
      },
    },
    async (request) => ({
      success: true as const,
      ...(await campaigns.listCampaigns(deps, propertyOf(request), request.query)),
    }),
  );

  app.post(
    '/api/campaigns',
    {
      onRequest: write,
      schema: {
        operationId: 'campaigns.create',
        summary: 'Create a campaign',
        description: `${AREA} A draft: a channel, a template of that channel, and an audience (a segment, a list of players, or everyone). Nothing is sent until \`send-campaign\` or \`schedule-campaign\`. ${CAMPAIGNS_HELP} (403 quota_exceeded).`,
        tags,
        security,
        headers,
        body: CreateCampaignBody,
        response: { 201: CampaignOne, ...conflictErrors },
      },
    },
    async (request, reply) => {
      const data = await campaigns.createCampaign(deps, propertyOf(request), request.body);
      return reply.code(201).send({ success: true as const, data });
    },
  );

  app.get(
    '/api/campaigns/:id',
    {
      onRequest: read,
      schema: {
        operationId: 'campaigns.get',
        summary: 'Get a campaign',
        description: `${AREA} With its status and message counts (live while it sends). Another property's campaign is 404.`,
        tags,
        security,
        headers,
        params: CampaignParams,
        response: { 200: CampaignOne, ...propertyAuthErrors },
      },
    },
    async (request) => ({
      success: true as const,
      data: await campaigns.getCampaign(deps, propertyOf(request), request.params.id),
    }),
  );

  app.patch(
    '/api/campaigns/:id',
    {
      onRequest: write,
      schema: {
        operationId: 'campaigns.update',
        summary: 'Update a draft campaign',
        description: `${AREA} Changes the fields sent (the channel stays). Only a draft can change (409 otherwise); 409 when the name is taken.`,
        tags,
        security,
        headers,
        params: CampaignParams,
        body: UpdateCampaignBody,
        response: { 200: CampaignOne, ...conflictErrors },
      },
    },
    async (request) => ({
      success: true as const,
      data: await campaigns.updateCampaign(
        deps,
        propertyOf(request),
        request.params.id,
        request.body,
      ),
    }),
  );

  app.delete(
    '/api/campaigns/:id',
    {
      onRequest: write,
      schema: {
        operationId: 'campaigns.delete',
        summary: 'Delete a campaign',
        description: `${AREA} Deletes the campaign and its messages. A scheduled or sending campaign must be cancelled first (409).`,
        tags,
        security,
        headers,
        params: CampaignParams,
        response: { 200: SuccessOnly, ...conflictErrors },
      },
    },
    async (request) => {
      await campaigns.deleteCampaign(deps, propertyOf(request), request.params.id);
      return { success: true as const };
    },
  );

  app.post(
    '/api/functions/send-campaign',
    {
      onRequest: write,
      schema: {
        operationId: 'campaigns.send',
        summary: 'Send a campaign now',
        description: `${AREA} PlayerOS's documented call, camelCase body. Starts a draft or scheduled campaign now and answers 202 with the campaign (\`status: sending\`); the work happens in the background (poll \`GET /api/campaigns/{id}\`). With an \`Idempotency-Key\`, a retry answers exactly as the first call did (also while it runs) and sends nothing again; the same key with another campaign is 409. Without a key, a campaign that already started is 409. ${SEND_HELP}`,
        tags,
        security,
        headers: Type.Object({ ...PropertyHeaders.properties, ...IdempotencyHeaders.properties }),
        body: SendCampaignBody,
        response: { 202: CampaignOne, ...conflictErrors },
      },
    },
    async (request, reply) => {
      const key = request.headers['idempotency-key'];
      const answer = await campaigns.sendCampaign(
        deps,
        propertyOf(request),
        request.body,
        typeof key === 'string' ? key : undefined,
      );
      if (answer.replayed) void reply.header('Idempotent-Replayed', 'true');
      return reply.code(202).send(answer.body);
    },
  );

  app.post(
    '/api/functions/schedule-campaign',
    {
      onRequest: write,
      schema: {
        operationId: 'campaigns.schedule',
        summary: 'Schedule a campaign',
        description: `${AREA} At \`send_at\`, or at \`local_time\` of \`local_date\` in each recipient's own time zone (players without one: \`fallback_time_zone\`, default UTC; zones whose moment has passed get it at once). The template is frozen now; scheduling again replaces the time; \`cancel-campaign\` withdraws it. At most a year ahead. Each recipient is checked for the moment their message goes out.`,
        tags,
        security,
        headers,
        body: ScheduleBody,
        response: { 200: CampaignOne, ...conflictErrors },
      },
    },
    async (request) => ({
      success: true as const,
      data: await campaigns.scheduleCampaign(deps, propertyOf(request), request.body),
    }),
  );

  app.post(
    '/api/functions/cancel-campaign',
    {
      onRequest: write,
      schema: {
        operationId: 'campaigns.cancel',
        summary: 'Cancel a scheduled or sending campaign',
        description: `${AREA} Messages not yet handed to the provider become \`cancelled\` and are never sent; those already sent stay sent. A draft, or a campaign that ended, is 409.`,
        tags,
        security,
        headers,
        body: CampaignIdBody,
        response: { 200: CampaignOne, ...conflictErrors },
      },
    },
    async (request) => ({
      success: true as const,
      data: await campaigns.cancelCampaign(deps, propertyOf(request), request.body.campaign_id),
    }),
  );

  app.post(
    '/api/functions/preview-campaign',
    {
      onRequest: read,
      schema: {
        operationId: 'campaigns.preview',
        summary: 'Preview a campaign',
        description: `${AREA} The message a player would receive (preview links: nothing is minted) and, unless \`audience: false\`, the audience preview: its size and what the pre-send check would skip, by reason (throttled as \`audience-preview\`). Renders count against the property's template renders (120 a minute).`,
        tags,
        security,
        headers,
        body: PreviewCampaignBody,
        // 409: a draft whose template was deleted has nothing to render.
        response: { 200: PreviewCampaignResponse, ...conflictErrors },
      },
    },
    async (request) => ({
      success: true as const,
      data: await previewCampaign(deps, propertyOf(request), request.body),
    }),
  );

  app.post(
    '/api/functions/test-campaign',
    {
      onRequest: write,
      schema: {
        operationId: 'campaigns.test',
        summary: 'Send a test of a campaign',
        description: `${AREA} Sends the campaign's message (rendered for \`player_id\` when given; subject prefixed \`[Test]\`) to up to 5 of the team's addresses, through the campaign's provider. Its links are previews (no session is minted) and nothing is stored; the pre-send check does not apply to these addresses. At most THROTTLE_TEST_SENDS per property (20 an hour by default; 429).`,
        tags,
        security,
        headers,
        body: TestSendBody,
        response: { 200: TestSendResponse, ...conflictErrors },
      },
    },
    async (request) => ({
      success: true as const,
      data: await testSendCampaign(deps, propertyOf(request), request.body),
    }),
  );

  app.get(
    '/api/messages',
    {
      onRequest: read,
      schema: {
        operationId: 'messages.list',
        summary: 'List messages',
        description: `${AREA} Campaign messages of the property, newest first, without their bodies; filter by \`campaign_id\`, \`player_id\`, \`status\`; page with \`before\`.`,
        tags,
        security,
        headers,
        querystring: MessageListQuery,
        response: { 200: MessageList, ...propertyAuthErrors },
      },
    },
    async (request) => ({
      success: true as const,
      ...(await listMessages(deps, propertyOf(request), request.query)),
    }),
  );

  app.get(
    '/api/messages/:id',
    {
      onRequest: read,
      schema: {
        operationId: 'messages.get',
        summary: 'Get a message',
        description: `${AREA} One message with what was sent: subject, HTML (its links as tracked) and text. Another property's message is 404.`,
        tags,
        security,
        headers,
        params: CampaignParams,
        response: { 200: MessageOne, ...propertyAuthErrors },
      },
    },
    async (request) => ({
      success: true as const,
      data: await getMessage(deps, propertyOf(request), request.params.id),
    }),
  );
}
