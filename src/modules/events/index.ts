export {
  EVENT_CATALOG,
  EVENT_TYPES,
  eventEnvelope,
  eventVersion,
  TRACKED_PLAYER_FIELDS,
} from './events.catalog.ts';
export type { EventData, EventType } from './events.catalog.ts';
export { eventWebhooks } from './events.openapi.ts';
export { insertEvents } from './events.repo.ts';
export type { NewEvent } from './events.repo.ts';
export {
  insertEventsSelect,
  playFields,
  playJoins,
  sessionFields,
  streamFields,
} from './events.sql.ts';
export type { DispatchedEvent, EventConsumer } from './events.dispatch.ts';
