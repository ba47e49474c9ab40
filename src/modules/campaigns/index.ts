export { campaignRoutes } from './campaigns.routes.ts';
export { campaignTrackingRoutes } from './campaigns.tracking.routes.ts';
export { closeOutboxes } from './campaigns.outbox.ts';
export {
  continueLater,
  deliverCampaign,
  type DeliverResult,
  STALE_CLAIM_MS,
} from './campaigns.deliver.ts';
export { planCampaign, type PlanResult } from './campaigns.plan.ts';
export { sweepCampaigns } from './campaigns.sweep.ts';
export { QUEUE_DELIVER, QUEUE_PLAN } from './campaigns.state.ts';
export { MAX_CAMPAIGNS_PER_PROPERTY } from './campaigns.service.ts';
export { MAX_TEST_RECIPIENTS } from './campaigns.preview.ts';
export { shortCode } from './campaigns.links.ts';
export {
  closeTriggeredCampaigns,
  createTriggeredCampaign,
  prepareTriggeredMessage,
  type TriggeredCampaign,
  type TriggeredMessage,
} from './campaigns.triggered.ts';
export type { CampaignContent } from './campaigns.state.ts';
// The HTTP schemas and the services behind them, for the MCP tools (modules/mcp).
export {
  CampaignIdBody,
  CampaignParams,
  CreateCampaignBody,
  IdempotencyHeaders,
  ListQuery as CampaignListQuery,
  PreviewCampaignBody,
  ScheduleBody,
  SendCampaignBody,
} from './campaigns.schemas.ts';
export {
  cancelCampaign,
  createCampaign,
  getCampaign,
  listCampaigns,
  scheduleCampaign,
  sendCampaign,
} from './campaigns.service.ts';
export { previewCampaign } from './campaigns.preview.ts';
