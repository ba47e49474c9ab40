import { createServer, type Server } from 'node:http';
import type { Deps } from '../../deps.ts';
import { metricsAllowed } from './metrics.access.ts';

/**
 * `/metrics` of a worker process (`npm run worker`), which has no HTTP server of its own: job
 * wait and run times are measured where the jobs run. On METRICS_PORT, same token rule as the
 * API's; anything else answers 404.
 */
export async function serveWorkerMetrics(deps: Deps, port: number, host: string): Promise<Server> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    const answer = (status: number, error: string, code: string) => {
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify({ success: false, error, code }));
    };
    if (request.method !== 'GET' || path !== '/metrics') {
      answer(404, `Route ${request.method} ${path} not found`, 'not_found');
      return;
    }
    const client = request.socket.remoteAddress;
    if (!metricsAllowed(deps.config.metricsToken, request.headers.authorization, client)) {
      answer(401, 'A valid metrics bearer token is required', 'unauthorized');
      return;
    }
    deps.metrics
      .text((error) => deps.logger.warn({ err: String(error) }, 'a metrics source failed'))
      .then(
        (text) => {
          response.writeHead(200, {
            'content-type': deps.metrics.contentType,
            'cache-control': 'no-store',
          });
          response.end(text);
        },
        (error: unknown) => {
          deps.logger.error({ err: error }, 'metrics scrape failed');
          answer(500, 'Metrics are not available', 'internal');
        },
      );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
