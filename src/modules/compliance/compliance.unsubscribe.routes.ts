import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Deps } from '../../deps.ts';
import { errorHandler, STATUS_OF } from '../../http/errors.ts';
import type { App } from '../../http/types.ts';
import { AppError } from '../../lib/errors.ts';
import { unsubscribe, type UnsubscribePage, unsubscribePage } from './compliance.unsubscribe.ts';

/**
 * The public unsubscribe link of marketing email, `/u/{token}`. No API key, no cookie: the
 * sealed token is the whole credential (RFC 8058 forbids needing more). GET only shows a page
 * with buttons, since link scanners and mail previews fetch it unasked; a POST unsubscribes,
 * either the provider's one-click (`List-Unsubscribe=One-Click`) or the page's form (`scope`).
 */

const FORM = 'application/x-www-form-urlencoded';
const MULTIPART = 'multipart/form-data';
const BODY_LIMIT_BYTES = 4 * 1024;

// The token is longer than the router's 100-character parameter limit (it carries the address,
// sealed), so the route is a wildcard and the document names the segment `token`.
const PATH = '/u/*';
const DOC_PATH = '/u/{token}';

const Params = Type.Object({
  token: Type.String({
    minLength: 1,
    maxLength: 2048,
    description: 'The opaque token of the link in the mail',
  }),
});

const FormBody = Type.Object(
  {
    'List-Unsubscribe': Type.Optional(
      Type.Literal('One-Click', { description: 'RFC 8058 one-click, sent by the mail provider' }),
    ),
    scope: Type.Optional(
      Type.Union([Type.Literal('this'), Type.Literal('all')], {
        description:
          "From the page: `this` leaves the mail's program, `all` every marketing email of the property",
      }),
    ),
  },
  { additionalProperties: true },
);
type FormFields = { 'List-Unsubscribe'?: 'One-Click'; scope?: 'this' | 'all' };

const html = (description: string) => ({
  description,
  content: { 'text/html': { schema: Type.String() } },
});
const htmlOrEnvelope = (description: string) => ({
  description: `${description} (an HTML page when the Accept header prefers \`text/html\` to \`application/json\`, else the error envelope)`,
  content: {
    'application/json': { schema: Type.Ref('ErrorResponse') },
    'text/html': { schema: Type.String() },
  },
});

const escapeHtml = (text: string) => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;line-height:1.5}button{font:inherit;padding:.5rem 1rem;margin:.25rem 0}</style>
</head><body><main>
${body}
</main></body></html>`;
}

function pageHtml(page: UnsubscribePage): string {
  const what = page.groupName ?? page.program;
  const button = (scope: 'this' | 'all', label: string) =>
    `<form method="post"><input type="hidden" name="scope" value="${scope}"><button type="submit">${label}</button></form>`;
  return layout(
    `Unsubscribe from ${page.propertyName}`,
    `<h1>Unsubscribe</h1>
<p>Stop marketing email from <strong>${escapeHtml(page.propertyName)}</strong> to <strong>${escapeHtml(page.maskedAddress)}</strong>${what ? ` about <strong>${escapeHtml(what)}</strong>` : ''}?</p>
${button('this', 'Unsubscribe')}
${button('all', 'Unsubscribe from all marketing email')}`,
  );
}

function doneHtml(page: UnsubscribePage, scope: 'this' | 'all'): string {
  const what =
    scope === 'this' && (page.groupName ?? page.program)
      ? ` about ${escapeHtml(page.groupName ?? page.program ?? '')}`
      : '';
  return layout(
    'Unsubscribed',
    `<h1>You are unsubscribed</h1>
<p>${escapeHtml(page.maskedAddress)} will get no more marketing email${what} from <strong>${escapeHtml(page.propertyName)}</strong>. Messages you asked for, such as receipts, still arrive.</p>`,
  );
}

function sendHtml(reply: FastifyReply, status: number, body: string): FastifyReply {
  return (
    reply
      .code(status)
      .type('text/html; charset=utf-8')
      .header('Cache-Control', 'no-store')
      // The URL is the credential: never hand it to another site, never frame the buttons.
      .header('Referrer-Policy', 'no-referrer')
      .header(
        'Content-Security-Policy',
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      )
      .send(body)
  );
}

/** The quality a media range gets in an Accept header; 0 when absent or refused. */
function quality(accept: string, type: string): { q: number; at: number } {
  const ranges = accept.split(',');
  for (const [at, range] of ranges.entries()) {
    const [name = '', ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    if (name !== type) continue;
    const q = params.find((p) => p.startsWith('q='));
    const value = q === undefined ? 1 : Number(q.slice(2));
    return { q: Number.isFinite(value) ? value : 0, at };
  }
  return { q: 0, at: Infinity };
}

/**
 * Only a browser gets the error as a page: its Accept names text/html, ahead of (or without)
 * application/json. A missing Accept, a bare wildcard or an API client's JSON get the envelope, which
 * is what scripts and mail providers can read.
 */
function wantsHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  const html = quality(accept, 'text/html');
  const json = quality(accept, 'application/json');
  if (html.q <= 0) return false;
  return html.q > json.q || (html.q === json.q && html.at < json.at);
}

function errorPage(error: AppError): string {
  const text =
    error.code === 'rate_limited'
      ? 'Too many requests from your network. Please try again in a minute.'
      : error.code === 'not_found'
        ? 'This unsubscribe link is not valid. Use the link in the most recent email you received.'
        : 'This request could not be handled.';
  return layout('Unsubscribe', `<h1>Unsubscribe</h1>\n<p>${text}</p>`);
}

/** Form posts: urlencoded (browsers, most providers) or multipart (RFC 8058's own example). */
function registerFormParsers(scoped: App): void {
  scoped.addContentTypeParser(
    FORM,
    { parseAs: 'string', bodyLimit: BODY_LIMIT_BYTES },
    (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    },
  );
  scoped.addContentTypeParser(
    MULTIPART,
    { parseAs: 'buffer', bodyLimit: BODY_LIMIT_BYTES },
    async (request: FastifyRequest, body: Buffer) => {
      const type = request.headers['content-type'] ?? MULTIPART;
      try {
        const form = await new Response(new Uint8Array(body), {
          headers: { 'content-type': type },
        }).formData();
        const fields: Record<string, string> = {};
        for (const [key, value] of form) if (typeof value === 'string') fields[key] = value;
        return fields;
      } catch {
        throw new AppError('bad_request', 'The multipart body could not be read');
      }
    },
  );
}

export function unsubscribeRoutes(app: App, deps: Deps): void {
  void app.register((scoped: App, _options, done) => {
    registerFormParsers(scoped);
    // Browsers get the answer as a page, API clients and providers the envelope.
    scoped.setErrorHandler((error, request, reply) => {
      if (!(error instanceof AppError) || !wantsHtml(request)) {
        return errorHandler(error as FastifyError, request, reply);
      }
      const retry = error.details?.retry_after;
      if (typeof retry === 'number') void reply.header('Retry-After', retry);
      return sendHtml(reply, STATUS_OF[error.code], errorPage(error));
    });
    // The wildcard's value is the token: named so before validation, as the document names it.
    scoped.addHook('preValidation', (request, _reply, next) => {
      const params = request.params as Record<string, string>;
      params.token = params['*'] ?? '';
      delete params['*'];
      next();
    });

    scoped.get(
      PATH,
      {
        config: { openapiPath: DOC_PATH },
        schema: {
          operationId: 'compliance.unsubscribePage',
          summary: 'Unsubscribe page (public)',
          description:
            'The page behind the `List-Unsubscribe` link of marketing email: the property, the masked address and two buttons (this program, or all marketing email), which POST to the same URL. Viewing it changes nothing, so link scanners that prefetch it unsubscribe nobody. No credential: the token is one. Limited per client address (429).',
          tags: ['Compliance'],
          params: Params,
          response: {
            200: html('The page'),
            400: htmlOrEnvelope('Malformed token'),
            404: htmlOrEnvelope('The token is not valid'),
            429: htmlOrEnvelope('Too many requests from this client address'),
          },
        },
      },
      async (request, reply) =>
        sendHtml(
          reply,
          200,
          pageHtml(await unsubscribePage(deps, request.params.token, { ip: request.ip })),
        ),
    );

    scoped.post(
      PATH,
      {
        bodyLimit: BODY_LIMIT_BYTES,
        config: { openapiPath: DOC_PATH },
        preValidation: (request, _reply, next) => {
          const type = request.headers['content-type'] ?? '';
          const form = type.startsWith(FORM) || type.startsWith(MULTIPART);
          next(
            form
              ? undefined
              : new AppError('unsupported_media_type', `Content-Type must be ${FORM}`),
          );
        },
        schema: {
          operationId: 'compliance.unsubscribe',
          summary: 'Unsubscribe (RFC 8058 one-click, or the page)',
          description:
            'Records a revocation of marketing email for the address the token names (a consent record with source `email_one_click` or `email_unsubscribe_page`) and leaves the subscription group the mail was sent to; from then on the pre-send check skips the address with `revoked`. ' +
            "A mail provider sends `List-Unsubscribe=One-Click` (form-encoded or multipart) and gets a short `text/plain` 200; the page sends `scope=this` (the mail's program) or `scope=all` (every program) and gets a confirmation page. Repeating it records nothing new. No credential, no cookie. Limited per client address (429).",
          tags: ['Compliance'],
          params: Params,
          body: {
            content: {
              [FORM]: { schema: FormBody },
              [MULTIPART]: { schema: FormBody },
            },
          },
          response: {
            200: {
              description: 'Unsubscribed (also when the address already was)',
              content: {
                'text/plain': { schema: Type.String() },
                'text/html': { schema: Type.String() },
              },
            },
            400: htmlOrEnvelope('Neither `List-Unsubscribe=One-Click` nor a valid `scope`'),
            404: htmlOrEnvelope('The token is not valid'),
            413: htmlOrEnvelope('Body too large'),
            415: htmlOrEnvelope('Not a form post'),
            429: htmlOrEnvelope('Too many requests from this client address'),
          },
        },
      },
      async (request, reply) => {
        const form = request.body as FormFields;
        const oneClick = form['List-Unsubscribe'] === 'One-Click';
        if (!oneClick && !form.scope) {
          throw new AppError(
            'validation_failed',
            'The body must hold List-Unsubscribe=One-Click or scope=this|all',
          );
        }
        const scope = oneClick ? 'this' : (form.scope ?? 'this');
        const userAgent = request.headers['user-agent'];
        const result = await unsubscribe(deps, request.params.token, {
          scope,
          via: oneClick ? 'one_click' : 'page',
          ip: request.ip,
          userAgent,
        });
        if (oneClick) return reply.type('text/plain; charset=utf-8').send('Unsubscribed\n');
        return sendHtml(reply, 200, doneHtml(result, scope));
      },
    );
    done();
  });
}
