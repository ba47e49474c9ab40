import { Type } from 'typebox';
import {
  CampaignIdBody,
  CampaignListQuery,
  CampaignParams,
  cancelCampaign,
  createCampaign,
  CreateCampaignBody,
  getCampaign,
  IdempotencyHeaders,
  listCampaigns,
  previewCampaign,
  PreviewCampaignBody,
  scheduleCampaign,
  ScheduleBody,
  sendCampaign,
  SendCampaignBody,
} from '../campaigns/index.ts';
import { getTemplate, listTemplates, TemplateListQuery, TemplateParams } from '../content/index.ts';
import {
  getJourney,
  JourneyListQuery,
  JourneyParams,
  journeyStats,
  listJourneys,
  pauseJourney,
  publishJourney,
} from '../journeys/index.ts';
import {
  AudiencePreviewBody,
  getSegment,
  listSegments,
  previewAudience,
  SegmentListQuery,
  SegmentParams,
} from '../segments/index.ts';
import { one, tool } from './mcp.tool.ts';

const segmentTools = [
  tool({
    name: 'segments_list',
    title: 'List segments',
    description:
      "The property's saved segments by name (GET /api/segments), paged with `after` = the previous `next_after`.",
    input: SegmentListQuery,
    scope: 'read',
    run: async (deps, property, args) => ({
      success: true as const,
      ...(await listSegments(deps, property.id, args)),
    }),
  }),
  tool({
    name: 'segments_get',
    title: 'Get a segment',
    description: 'One segment with its saved players filter (GET /api/segments/{id}).',
    input: SegmentParams,
    scope: 'read',
    run: async (deps, property, args) => one(await getSegment(deps, property.id, args.id)),
  }),
  tool({
    name: 'segments_preview_audience',
    title: 'Preview an audience',
    description:
      "An audience's exact size (a segment, a list of players, or everyone) and what the pre-send check would skip for a channel and purpose, by reason (POST /api/functions/audience-preview). Sends nothing.",
    input: AudiencePreviewBody,
    scope: 'read',
    run: async (deps, property, args) => one(await previewAudience(deps, property.id, args)),
  }),
];

const SendInput = Type.Object(
  {
    campaignId: SendCampaignBody.properties.campaignId,
    propertyId: Type.Optional(SendCampaignBody.properties.propertyId),
    idempotencyKey: IdempotencyHeaders.properties['idempotency-key'],
  },
  { additionalProperties: false },
);

const campaignTools = [
  tool({
    name: 'campaigns_list',
    title: 'List campaigns',
    description:
      "The property's campaigns, newest first, optionally by status (GET /api/campaigns); page with `before` = the previous `next_before`.",
    input: CampaignListQuery,
    scope: 'read',
    run: async (deps, property, args) => ({
      success: true as const,
      ...(await listCampaigns(deps, property, args)),
    }),
  }),
  tool({
    name: 'campaigns_get',
    title: 'Get a campaign',
    description: 'One campaign with its status and live message counts (GET /api/campaigns/{id}).',
    input: CampaignParams,
    scope: 'read',
    run: async (deps, property, args) => one(await getCampaign(deps, property, args.id)),
  }),
  tool({
    name: 'campaigns_create',
    title: 'Create a draft campaign',
    description:
      'A draft campaign (POST /api/campaigns): a channel, a template of that channel and an audience. Nothing is sent until campaigns_send or campaigns_schedule.',
    input: CreateCampaignBody,
    scope: 'write',
    run: async (deps, property, args) => one(await createCampaign(deps, property, args)),
  }),
  tool({
    name: 'campaigns_preview',
    title: 'Preview a campaign',
    description:
      'The message a player would receive (preview links, nothing minted) and, unless audience is false, the audience size and pre-send skips (POST /api/functions/preview-campaign). Sends nothing.',
    input: PreviewCampaignBody,
    scope: 'read',
    run: async (deps, property, args) => one(await previewCampaign(deps, property, args)),
  }),
  tool({
    name: 'campaigns_send',
    title: 'Send a campaign now',
    description:
      "Starts a draft or scheduled campaign now (POST /api/functions/send-campaign); the work runs in the background (poll campaigns_get). Pass an `idempotencyKey`: a retry with the same key answers as the first call did and sends nothing again. `propertyId` defaults to the key's property. Sends real messages.",
    input: SendInput,
    scope: 'write',
    idempotent: true,
    async run(deps, property, args) {
      const answer = await sendCampaign(
        deps,
        property,
        { campaignId: args.campaignId, propertyId: args.propertyId ?? property.id },
        args.idempotencyKey,
      );
      return answer.body;
    },
  }),
  tool({
    name: 'campaigns_schedule',
    title: 'Schedule a campaign',
    description:
      "Schedules a campaign at `send_at`, or at `local_time` on `local_date` in each recipient's time zone (POST /api/functions/schedule-campaign); scheduling again replaces the time.",
    input: ScheduleBody,
    scope: 'write',
    run: async (deps, property, args) => one(await scheduleCampaign(deps, property, args)),
  }),
  tool({
    name: 'campaigns_cancel',
    title: 'Cancel a campaign',
    description:
      'Cancels a scheduled or sending campaign (POST /api/functions/cancel-campaign): messages not yet sent are cancelled for good; those sent stay sent.',
    input: CampaignIdBody,
    scope: 'write',
    destructive: true,
    run: async (deps, property, args) =>
      one(await cancelCampaign(deps, property, args.campaign_id)),
  }),
];

const contentTools = [
  tool({
    name: 'content_list',
    title: 'List content templates',
    description:
      "The property's email and SMS templates (GET /api/templates), optionally by channel, paged with `after`.",
    input: TemplateListQuery,
    scope: 'read',
    run: async (deps, property, args) => ({
      success: true as const,
      ...(await listTemplates(deps, property, args)),
    }),
  }),
  tool({
    name: 'content_get',
    title: 'Get a content template',
    description: 'One template with its sources and version (GET /api/templates/{id}).',
    input: TemplateParams,
    scope: 'read',
    run: async (deps, property, args) => one(await getTemplate(deps, property, args.id)),
  }),
];

const journeyTools = [
  tool({
    name: 'journeys_list',
    title: 'List journeys',
    description: "The property's journeys, optionally by status (GET /api/journeys).",
    input: JourneyListQuery,
    scope: 'read',
    run: async (deps, property, args) => ({
      success: true as const,
      ...(await listJourneys(deps, property, args)),
    }),
  }),
  tool({
    name: 'journeys_get',
    title: 'Get a journey',
    description: 'One journey with its draft graph and versions (GET /api/journeys/{id}).',
    input: JourneyParams,
    scope: 'read',
    run: async (deps, property, args) => one(await getJourney(deps, property, args.id)),
  }),
  tool({
    name: 'journeys_publish',
    title: 'Publish a journey',
    description:
      'The draft becomes the next immutable version and the journey goes live (POST /api/journeys/{id}/publish); a paused journey stays paused.',
    input: JourneyParams,
    scope: 'write',
    run: async (deps, property, args) => one(await publishJourney(deps, property, args.id)),
  }),
  tool({
    name: 'journeys_pause',
    title: 'Pause a journey',
    description:
      'No player enters or moves on until the journey resumes (POST /api/journeys/{id}/pause); only an active journey.',
    input: JourneyParams,
    scope: 'write',
    idempotent: true,
    run: async (deps, property, args) => one(await pauseJourney(deps, property, args.id)),
  }),
  tool({
    name: 'journeys_stats',
    title: 'Journey statistics',
    description:
      'Players by state and per-node counts: entered, passed, skipped, exited, failed, waiting (GET /api/journeys/{id}/stats).',
    input: JourneyParams,
    scope: 'read',
    run: async (deps, property, args) => one(await journeyStats(deps, property, args.id)),
  }),
];

export const marketingTools = [...segmentTools, ...campaignTools, ...contentTools, ...journeyTools];
