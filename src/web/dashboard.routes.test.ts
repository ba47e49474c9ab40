import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../test/harness.ts';
import { errorHandler } from '../http/errors.ts';
import { DASHBOARD_DIST, dashboardRoutes } from './dashboard.routes.ts';

// The build is made by vitest's globalSetup (test/web-build.ts), as npm start makes it.
const index = readFileSync(join(DASHBOARD_DIST, 'index.html'), 'utf8');
const script = /\/app\/assets\/[\w-]+\.js/.exec(index)?.[0] ?? '';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

describe('the dashboard routes', () => {
  it('redirects / to /app', async () => {
    const res = await h.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/app');
  });

  it.each(['/app', '/app/', '/app/login', '/app/some/route?x=1'])(
    'answers %s with the built index.html, never cached and not frameable',
    async (url) => {
      const res = await h.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.body).toBe(index);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    },
  );

  it('serves the script as the brotli or gzip copy the browser accepts, cached for a year', async () => {
    expect(script).not.toBe('');
    const plain = readFileSync(join(DASHBOARD_DIST, script.slice('/app/'.length)));
    for (const [accept, encoding, file] of [
      ['gzip, deflate, br', 'br', '.br'],
      ['gzip', 'gzip', '.gz'],
      ['identity', undefined, ''],
    ] as const) {
      const res = await h.inject({
        method: 'GET',
        url: script,
        headers: { 'accept-encoding': accept },
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-encoding']).toBe(encoding);
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.rawPayload).toEqual(
        file ? readFileSync(join(DASHBOARD_DIST, script.slice(5) + file)) : plain,
      );
    }
  });

  it('keeps the script the login route loads under the 300 KB budget, compressed as served', () => {
    // A development React build (NODE_ENV leaking into the build) would be ~180 KB; this is ~130.
    const served = readFileSync(join(DASHBOARD_DIST, `${script.slice('/app/'.length)}.br`));
    expect(served.length).toBeLessThan(300 * 1024);
    // One of React's development-only warnings.
    expect(readFileSync(join(DASHBOARD_DIST, script.slice('/app/'.length)), 'utf8')).not.toContain(
      'Each child in a list should have a unique',
    );
  });

  it.each(['/app/assets/missing.js', '/app/assets/..%2F..%2Fpackage.json', '/app/assets/'])(
    'answers %s with the 404 envelope, not the page',
    async (url) => {
      const res = await h.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ success: false, code: 'not_found' });
    },
  );

  it('leaves the API reference, the OpenAPI document and the play files where they were', async () => {
    for (const url of ['/docs', '/openapi.json', '/play/static/play.js', '/healthz']) {
      expect((await h.inject({ method: 'GET', url })).statusCode, url).toBe(200);
    }
  });

  it('answers 503 saying how to build when there is no build', async () => {
    const bare = Fastify().withTypeProvider<TypeBoxTypeProvider>();
    bare.setErrorHandler(errorHandler);
    await dashboardRoutes(bare, '/nonexistent/playloop-dist/');
    const res = await bare.inject({ method: 'GET', url: '/app/login' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ success: false, code: 'service_unavailable' });
    expect(res.json<{ error: string }>().error).toContain('npm start');
    await bare.close();
  });
});
