import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.ts';
import { sendError } from '../../http/errors.ts';
import type { App } from '../../http/types.ts';
import { metricsAllowed } from './metrics.access.ts';

/** The route label of requests no route matched: the raw URL would make labels without bound. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Counts every answered request by its route template (`/api/games/:id`, never the URL asked
 * for), and serves `GET /metrics` in the Prometheus text format. Registered before the other
 * routes, so its hook sees them all; hidden from openapi.json like /healthz.
 */
export function metricsRoutes(app: App, deps: Deps): void {
  const { metrics } = deps;
  app.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done) => {
    // A 404 from the not-found handler has no route options url: it matched nothing.
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    metrics.httpRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });

  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    // request.ip: the client as a trusted proxy reports it (TRUST_PROXY), else the socket's.
    if (!metricsAllowed(deps.config.metricsToken, request.headers.authorization, request.ip)) {
      const why = deps.config.metricsToken
        ? 'A valid metrics bearer token is required'
        : 'Without METRICS_TOKEN the metrics are served to this machine only';
      return sendError(request, reply, 'unauthorized', why);
    }
    const text = await metrics.text((error) =>
      request.log.warn({ err: String(error) }, 'a metrics source failed; its values are stale'),
    );
    return reply.header('Cache-Control', 'no-store').type(metrics.contentType).send(text);
  });
}
