export { playerEventRoutes } from './player-events.routes.ts';
export {
  MAX_BATCH_EVENTS,
  recordPlayerEvent,
  recordPlayerEventBatch,
} from './player-events.service.ts';
export type { BatchItem, EventInput, EventTenant, PlayerEvent } from './player-events.service.ts';
