import { readFileSync } from 'node:fs';
import type { App } from '../http/types.ts';
import { AppError } from '../lib/errors.ts';

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
  'spin-wheel.js',
  'memory-match.js',
  'quick-tap.js',
] as const;

interface StaticFile {
  body: Buffer;
  contentType: string;
}

function loadStaticFiles(): ReadonlyMap<string, StaticFile> {
  const dir = new URL('./static/', import.meta.url);
  return new Map(
    STATIC_FILES.map((name) => {
      const ext = name.slice(name.lastIndexOf('.') + 1) as keyof typeof CONTENT_TYPES;
      return [name, { body: readFileSync(new URL(name, dir)), contentType: CONTENT_TYPES[ext] }];
    }),
  );
}

/** The play pages' stylesheet and scripts, read once when the routes are registered. */
export function webRoutes(app: App): void {
  const files = loadStaticFiles();
  app.get<{ Params: { file: string } }>(
    '/play/static/:file',
    { schema: { hide: true } },
    (request, reply) => {
      const file = files.get(request.params.file);
      if (!file) throw new AppError('not_found', 'Static file not found');
      return reply
        .header('content-type', file.contentType)
        .header('cache-control', 'public, max-age=300')
        .header('x-content-type-options', 'nosniff')
        .send(file.body);
    },
  );
}
