import { readFileSync } from 'node:fs';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import type { App } from '../http/types.ts';
import { AppError } from '../lib/errors.ts';
import { type AccountPage, linkToken, renderAccountPage } from './account.render.ts';
import { pickLang } from './i18n.ts';

const CONTENT_TYPES = {
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
} as const;

/**
 * Exactly the files the play pages load. Requests are answered from this list only, so no
 * request path ever reaches the file system.
 */
export const STATIC_FILES = [
  'play.css',
  'play.js',
  'result.js',
  'spin-wheel.js',
  'memory-match.js',
  'quick-tap.js',
  'scratch-card.js',
  'grid-box-reveal.js',
  'account.js',
] as const;

/** The play pages' policy: only this origin's scripts, styles, images and API. */
export const PAGE_CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; base-uri 'none'; form-action 'self'";

/**
 * Play pages may be framed by a brand's site; a password form must not be (clickjacking),
 * so the account pages add `frame-ancestors 'none'` to the same policy.
 */
export const ACCOUNT_PAGE_CSP = `${PAGE_CSP}; frame-ancestors 'none'`;

const AccountQuery = Type.Object({
  token: Type.Optional(Type.String()),
  lang: Type.Optional(Type.String()),
});

interface StaticFile {
  body: Buffer;
  /** The same bytes compressed once at start: players are on phones, often on slow links. */
  br: Buffer;
  gzip: Buffer;
  contentType: string;
}

function staticFile(body: Buffer, contentType: string): StaticFile {
  const br = brotliCompressSync(body, {
    params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: body.length },
  });
  return { body, br, gzip: gzipSync(body, { level: 9 }), contentType };
}

/** The best encoding the browser accepts (`q=0` refuses one), for a static file. */
export function pickEncoding(acceptEncoding: string | undefined): 'br' | 'gzip' | 'identity' {
  const accepted = new Set(
    (acceptEncoding ?? '')
      .split(',')
      .map((part) => part.trim().toLowerCase().split(';'))
      .filter(([, q]) => !/^\s*q\s*=\s*0(\.0*)?\s*$/.test(q ?? ''))
      .map(([name]) => name),
  );
  if (accepted.has('br')) return 'br';
  if (accepted.has('gzip')) return 'gzip';
  return 'identity';
}

function loadStaticFiles(): ReadonlyMap<string, StaticFile> {
  const dir = new URL('./static/', import.meta.url);
  return new Map(
    STATIC_FILES.map((name) => {
      const ext = name.slice(name.lastIndexOf('.') + 1) as keyof typeof CONTENT_TYPES;
      return [name, staticFile(readFileSync(new URL(name, dir)), CONTENT_TYPES[ext])];
    }),
  );
}

function sendAccountPage(
  reply: FastifyReply,
  page: AccountPage,
  query: { token?: string | undefined; lang?: string | undefined },
  acceptLanguage: string | undefined,
) {
  const lang = pickLang(query.lang, acceptLanguage);
  return (
    reply
      .type('text/html; charset=utf-8')
      .header('Cache-Control', 'no-store')
      // The token is in the URL: never hand it to another site, not even as a Referer.
      .header('Referrer-Policy', 'no-referrer')
      .header('Content-Security-Policy', ACCOUNT_PAGE_CSP)
      .header('X-Content-Type-Options', 'nosniff')
      .send(renderAccountPage(page, lang, linkToken(query.token)))
  );
}

/**
 * The play pages' stylesheet and scripts, read once when the routes are registered, and the
 * pages the account mails link to (`PUBLIC_URL/reset-password`, `PUBLIC_URL/accept-invite`,
 * `PUBLIC_URL/verify-email`).
 * The pages only render a form; account.js sends it to the documented JSON API, so they add no
 * endpoint and, like the play pages, stay out of the OpenAPI document.
 */
export function webRoutes(app: App): void {
  const files = loadStaticFiles();
  app.get<{ Params: { file: string } }>(
    '/play/static/:file',
    { schema: { hide: true } },
    (request, reply) => {
      const file = files.get(request.params.file);
      if (!file) throw new AppError('not_found', 'Static file not found');
      const encoding = pickEncoding(request.headers['accept-encoding']);
      if (encoding !== 'identity') reply.header('content-encoding', encoding);
      return reply
        .header('content-type', file.contentType)
        .header('cache-control', 'public, max-age=300')
        .header('vary', 'accept-encoding')
        .header('x-content-type-options', 'nosniff')
        .send(encoding === 'br' ? file.br : encoding === 'gzip' ? file.gzip : file.body);
    },
  );

  app.get(
    '/reset-password',
    { schema: { hide: true, querystring: AccountQuery } },
    (request, reply) =>
      sendAccountPage(reply, 'reset', request.query, request.headers['accept-language']),
  );

  app.get(
    '/accept-invite',
    { schema: { hide: true, querystring: AccountQuery } },
    (request, reply) =>
      sendAccountPage(reply, 'invite', request.query, request.headers['accept-language']),
  );

  app.get(
    '/verify-email',
    { schema: { hide: true, querystring: AccountQuery } },
    (request, reply) =>
      sendAccountPage(reply, 'verify', request.query, request.headers['accept-language']),
  );
}
