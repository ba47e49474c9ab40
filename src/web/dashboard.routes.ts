import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from '../http/errors.ts';
import type { App } from '../http/types.ts';
import { ACCOUNT_PAGE_CSP } from './web.routes.ts';

/** Where scripts/build-web.mjs puts the build; PLAYLOOP_WEB_DIST moves both (a dev knob). */
export const DASHBOARD_DIST =
  process.env.PLAYLOOP_WEB_DIST ?? fileURLToPath(new URL('../../web/dist/', import.meta.url));

/**
 * The dashboard single-page app: `/` leads to `/app`; files under `/app/assets/` (content-hashed
 * names, so cached for a year) are served as built, as the `.br` or `.gz` copy the build made
 * when the browser accepts it; every other `/app` path answers index.html, whose script routes
 * in the browser. The app only calls the public API, so these routes add no endpoint and stay
 * out of the OpenAPI document. Without a build, `/app` answers 503 saying how to make one.
 */
export async function dashboardRoutes(app: App, dist = DASHBOARD_DIST): Promise<void> {
  app.get('/', { schema: { hide: true } }, (_request, reply) => reply.redirect('/app', 302));

  const indexFile = join(dist, 'index.html');
  const index = existsSync(indexFile) ? readFileSync(indexFile) : undefined;
  const sendIndex = (request: FastifyRequest, reply: FastifyReply) => {
    if (!index) {
      return sendError(
        request,
        reply,
        'service_unavailable',
        'The dashboard is not built: run `npm start` or `node scripts/build-web.mjs`',
      );
    }
    return (
      reply
        .type('text/html; charset=utf-8')
        // Always asks again, so a new build's script names reach the browser at once.
        .header('Cache-Control', 'no-cache')
        .header('Content-Security-Policy', ACCOUNT_PAGE_CSP)
        // The reset and invitation links carry their token in the URL.
        .header('Referrer-Policy', 'no-referrer')
        .header('X-Content-Type-Options', 'nosniff')
        .send(index)
    );
  };
  app.get('/app', { schema: { hide: true } }, sendIndex);
  app.get('/app/*', { schema: { hide: true } }, sendIndex);

  const assets = join(dist, 'assets');
  if (!existsSync(assets)) return;
  // Registered in a scope of its own, so reply.sendFile stays out of the other routes.
  await app.register(async (scope) => {
    await scope.register(fastifyStatic, {
      root: assets,
      prefix: '/app/assets/',
      preCompressed: true,
      immutable: true,
      maxAge: '365d',
      index: false,
      list: false,
      decorateReply: false,
      setHeaders: (reply) => void reply.header('X-Content-Type-Options', 'nosniff'),
    });
    // The folder itself is no file (@fastify/static would answer 403): a 404 like any other.
    scope.get('/app/assets/', { schema: { hide: true } }, (_request, reply) =>
      reply.callNotFound(),
    );
  });
}
