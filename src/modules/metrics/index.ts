export {
  type ConsumeResult,
  type ConsumeVia,
  Metrics,
  processRegistry,
  type WebhookOutcome,
} from './metrics.registry.ts';
export { metricsRoutes, UNMATCHED_ROUTE } from './metrics.routes.ts';
export { serveWorkerMetrics } from './metrics.server.ts';
export { addScrapeSources } from './metrics.sources.ts';
