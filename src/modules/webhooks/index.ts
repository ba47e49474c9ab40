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
