export * from './webhooks.types.ts';
export * from './webhooks.signing.ts';
export * from './webhooks.sender.ts';
export * from './webhooks.schedule.ts';
export * from './webhooks.providers.ts';
export {
  connectionFacts,
  type EventEnvelope,
  TRIGGER_EVENTS,
  type TriggerEvent,
  triggerOf,
} from './providers/facts.ts';
export { dailyPlayPayload, envelopeRequest, type DailyPlayPayload } from './providers/dailyplay.ts';
export {
  attemptJobId,
  type DeliverJob,
  deliverDue,
  deliverMessage,
  DELIVER_QUEUE,
  envelopeOf,
  sweepOverdue,
  webhookFanout,
} from './webhooks.delivery.ts';
export {
  credentialFields,
  openConnectionSettings,
  splitCredentials,
} from './webhooks.credentials.ts';
export { webhookRoutes } from './webhooks.routes.ts';
export {
  getMessage,
  listMessages,
  replayMessage,
  resendFailed,
  MAX_LOG_PAGE,
} from './webhooks.log.ts';
export type { TargetRef } from './webhooks.messages.repo.ts';
export * as webhookSchemas from './webhooks.schemas.ts';
export {
  createEndpoint,
  deleteEndpoint,
  getEndpoint,
  listEndpoints,
  rotateEndpointSecret,
  sendTestMessage,
  setEndpointEnabled,
  updateEndpoint,
} from './webhooks.endpoints.service.ts';
export { endpointUsable, queueEndpointMessage } from './webhooks.direct.ts';
