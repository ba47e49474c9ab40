import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import { readFileSync } from 'node:fs';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { errorHandler } from '../http/errors.ts';
import { pickEncoding, STATIC_FILES, webRoutes } from './web.routes.ts';

const app = Fastify().withTypeProvider<TypeBoxTypeProvider>();
app.setErrorHandler(errorHandler);
webRoutes(app);
afterAll(() => app.close());

describe('GET /play/static/:file', () => {
  it.each(STATIC_FILES)('serves %s with its content type and a short cache', async (name) => {
    const res = await app.inject({ method: 'GET', url: `/play/static/${name}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(
      name.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8',
    );
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expect(res.body).toBe(readFileSync(new URL(`./static/${name}`, import.meta.url), 'utf8'));
  });

  it.each(STATIC_FILES)(
    'sends %s brotli- or gzip-compressed to a browser that takes it',
    async (name) => {
      const original = readFileSync(new URL(`./static/${name}`, import.meta.url));
      const br = await app.inject({
        method: 'GET',
        url: `/play/static/${name}`,
        headers: { 'accept-encoding': 'gzip, deflate, br, zstd' },
      });
      expect(br.headers['content-encoding']).toBe('br');
      expect(br.headers.vary).toBe('accept-encoding');
      expect(br.rawPayload.length).toBeLessThan(original.length);
      expect(brotliDecompressSync(br.rawPayload).equals(original)).toBe(true);
      const gz = await app.inject({
        method: 'GET',
        url: `/play/static/${name}`,
        headers: { 'accept-encoding': 'gzip, br;q=0' },
      });
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(gz.rawPayload).equals(original)).toBe(true);
    },
  );

  it('picks the best encoding the browser accepts', () => {
    expect(pickEncoding('gzip, deflate, br')).toBe('br');
    expect(pickEncoding('br;q=0, gzip;q=0.5')).toBe('gzip');
    expect(pickEncoding('br;q=0.0,gzip;q=0')).toBe('identity');
    expect(pickEncoding('identity')).toBe('identity');
    expect(pickEncoding(undefined)).toBe('identity');
  });

  it.each([
    '/play/static/nope.js',
    '/play/static/..%2Fweb.routes.ts',
    '/play/static/%2E%2E%2F%2E%2E%2Fpackage.json',
    '/play/static/play.js%00.css',
  ])('answers %s with the 404 envelope', async (url) => {
    const res = await app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ success: false, code: 'not_found' });
  });
});
