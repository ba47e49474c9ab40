import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import type { Deps } from './deps.ts';
import { actionConstraint, rejectUnknownActions } from './http/action-constraint.ts';
import { clientErrorHandler, ErrorEnvelope, errorHandler, sendError } from './http/errors.ts';
import { DatabaseOutageLog } from './db/outage.ts';
import { healthRoutes } from './http/health.ts';
import { metricsRoutes } from './modules/metrics/index.ts';
import { registerOpenApi } from './http/openapi.ts';
import { fastifyTrustProxy } from './http/trust-proxy.ts';
import type { App } from './http/types.ts';
import { validatorCompiler } from './http/validation.ts';
import { accountRoutes } from './modules/accounts/index.ts';
import { analyticsRoutes } from './modules/analytics/index.ts';
import { brandingRoutes } from './modules/branding/index.ts';
import { apiKeyRoutes } from './modules/api-keys/index.ts';
import { recordApiKeyUse } from './modules/auth/index.ts';
import {
  connectionLinkRoutes,
  connectionLogRoutes,
  connectionRoutes,
} from './modules/connections/index.ts';
import { eventWebhooks } from './modules/events/index.ts';
import { gameRoutes } from './modules/games/index.ts';
import {
  invitationRoutes,
  memberRoutes,
  organizationRoutes,
} from './modules/organizations/index.ts';
import { playerRoutes } from './modules/players/index.ts';
import { playRoutes } from './modules/plays/index.ts';
import { privacyRoutes } from './modules/privacy/index.ts';
import { prizeRoutes } from './modules/prizes/index.ts';
import { propertyRoutes } from './modules/properties/index.ts';
import { propertyKeyRoutes } from './modules/property-keys/index.ts';
import { sessionRoutes } from './modules/sessions/index.ts';
import { streamRoutes } from './modules/streams/index.ts';
import { segmentRoutes } from './modules/segments/index.ts';
import { journeyRoutes } from './modules/journeys/index.ts';
import { mcpRoutes } from './modules/mcp/index.ts';
import { playerEventRoutes } from './modules/player-events/index.ts';
import { subscriptionRoutes } from './modules/subscriptions/index.ts';
import {
  complianceRoutes,
  inboundSmsRoutes,
  unsubscribeRoutes,
} from './modules/compliance/index.ts';
import { contentRoutes } from './modules/content/index.ts';
import { campaignRoutes, campaignTrackingRoutes } from './modules/campaigns/index.ts';
import { webhookRoutes } from './modules/webhooks/index.ts';
import { tableRoutes } from './modules/tables/index.ts';
import { authRoutes } from './modules/users/index.ts';
import { voucherRoutes } from './modules/vouchers/index.ts';
import { dashboardRoutes, webRoutes } from './web/index.ts';

export const API_VERSION = '0.1.0';

/** Builds the HTTP application around already-created dependencies; does not listen. */
export async function buildApp(deps: Deps): Promise<App> {
  // Typed as Fastify's base logger so the instance keeps Fastify's default logger generic.
  const loggerInstance: FastifyBaseLogger = deps.logger;
  const app = Fastify({
    loggerInstance,
    bodyLimit: deps.config.bodyLimitBytes,
    trustProxy: fastifyTrustProxy(deps.config.trustProxy),
    requestIdHeader: false,
    genReqId: () => randomUUID(),
    routerOptions: { constraints: { action: actionConstraint } },
    return503OnClosing: true,
    // Malformed URLs and requests the HTTP parser refuses get the envelope too.
    frameworkErrors: (error, request, reply) => {
      errorHandler(error, request, reply);
    },
    clientErrorHandler,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.decorateRequest('user', undefined);
  app.decorateRequest('apiKey', undefined);
  app.decorateRequest('apiKeyAudit', undefined);
  app.decorateRequest('property', undefined);
  app.setValidatorCompiler(validatorCompiler);
  app.addSchema(ErrorEnvelope);
  app.setErrorHandler(errorHandler);
  const outage = new DatabaseOutageLog(deps.logger, () => deps.database.ping(2000));
  app.decorate('databaseOutage', outage);
  app.addHook('onClose', () => outage.close());
  app.setNotFoundHandler((request, reply) =>
    sendError(
      request,
      reply,
      'not_found',
      `Route ${request.method} ${request.url.split('?')[0]} not found`,
    ),
  );
  app.addHook('onResponse', recordApiKeyUse(deps));
  // `?action=` naming no route of its method is a 400 listing the valid ones.
  rejectUnknownActions(app);
  // Any route that reaches the database can answer 503 while it is unreachable (errorHandler):
  // documented on every one, so the status sent is always a documented one.
  app.addHook('onRoute', (route) => {
    if (!route.schema || route.schema.hide || route.url === '/healthz') return;
    const response = (route.schema.response ?? {}) as Record<string, unknown>;
    route.schema.response = { 503: { $ref: 'ErrorResponse#' }, ...response };
  });

  // Validate/consume are called from play pages on other origins; nothing here uses cookies,
  // so allowing every origin exposes no ambient credential.
  await app.register(cookie);
  await app.register(cors, {
    origin: '*',
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    // Mcp-Protocol-Version: MCP clients running in a browser send it on every request.
    allowedHeaders: [
      'Content-Type',
      'x-api-key',
      'Authorization',
      'X-Property-Id',
      'Prefer',
      'Mcp-Protocol-Version',
    ],
    exposedHeaders: [
      'RateLimit-Limit',
      'RateLimit-Remaining',
      'RateLimit-Reset',
      'Retry-After',
      'Content-Range',
    ],
    maxAge: 86_400,
    // Not strict: an OPTIONS request without Origin or Access-Control-Request-Method would get
    // a text/plain 400 outside the error envelope; it gets the (harmless) preflight answer.
    strictPreflight: false,
  });
  await registerOpenApi(app, API_VERSION, { webhooks: eventWebhooks() });

  // First: its onResponse hook counts the requests of every route.
  metricsRoutes(app, deps);
  healthRoutes(app, deps);
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());

  authRoutes(app, deps);
  accountRoutes(app, deps);
  organizationRoutes(app, deps);
  memberRoutes(app, deps);
  invitationRoutes(app, deps);
  brandingRoutes(app, deps);
  apiKeyRoutes(app, deps);
  voucherRoutes(app, deps);
  prizeRoutes(app, deps);
  gameRoutes(app, deps);
  streamRoutes(app, deps);
  sessionRoutes(app, deps);
  analyticsRoutes(app, deps);
  playRoutes(app, deps);
  propertyRoutes(app, deps);
  propertyKeyRoutes(app, deps);
  playerRoutes(app, deps);
  privacyRoutes(app, deps);
  webhookRoutes(app, deps);
  complianceRoutes(app, deps);
  subscriptionRoutes(app, deps);
  segmentRoutes(app, deps);
  journeyRoutes(app, deps);
  playerEventRoutes(app, deps);
  inboundSmsRoutes(app, deps);
  unsubscribeRoutes(app, deps);
  contentRoutes(app, deps);
  campaignRoutes(app, deps);
  campaignTrackingRoutes(app, deps);
  connectionRoutes(app, deps);
  connectionLogRoutes(app, deps);
  connectionLinkRoutes(app, deps);
  tableRoutes(app, deps);
  mcpRoutes(app, deps, API_VERSION);
  webRoutes(app);
  await dashboardRoutes(app);
  return app;
}
