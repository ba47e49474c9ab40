export { journeyRoutes } from './journeys.routes.ts';
export { advanceDue, type AdvanceResult } from './journeys.engine.ts';
export { journeyTriggers } from './journeys.triggers.ts';
export { MAX_JOURNEYS_PER_PROPERTY } from './journeys.service.ts';
export { enterBirthdays, forgetSeenEvents } from './journeys.dates.ts';
export { scanSegments } from './journeys.segments.ts';
