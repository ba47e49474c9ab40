export { journeyRoutes } from './journeys.routes.ts';
export { advanceDue, type AdvanceResult } from './journeys.engine.ts';
export { journeyTriggers } from './journeys.triggers.ts';
export { MAX_JOURNEYS_PER_PROPERTY } from './journeys.service.ts';
export { enterBirthdays, forgetSeenEvents } from './journeys.dates.ts';
export { scanSegments } from './journeys.segments.ts';
// The HTTP schemas and the services behind them, for the MCP tools (modules/mcp).
export { JourneyParams, ListQuery as JourneyListQuery } from './journeys.schemas.ts';
export {
  getJourney,
  journeyStats,
  listJourneys,
  pauseJourney,
  publishJourney,
} from './journeys.service.ts';
