import { Type } from 'typebox';
import type { Deps } from '../../deps.ts';
import { errorResponses } from '../../http/schemas.ts';
import type { App } from '../../http/types.ts';
import { AppError } from '../../lib/errors.ts';
import { ipSubject, withFailureLimit } from '../../lib/throttle.ts';
import {
  followClick,
  followShortLink,
  receiveSmsStatus,
  recordOpen,
} from './campaigns.messages.ts';

// The public links inside sent messages: SMS short links, tracked email clicks and the open
// pixel. No credential: a short link's code is unguessable, a click's target is signed for its
// message, so none of them redirects anywhere a message did not point.

const tags = ['Campaign links'];

/** Bad codes and signatures one address may present a minute (guessing short links). */
const BAD_LINKS_PER_IP = { limit: 30, windowSeconds: 60 };

const FORM = 'application/x-www-form-urlencoded';
const CALLBACK_LIMIT_BYTES = 16 * 1024;

/** A transparent 1×1 GIF. */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

export function campaignTrackingRoutes(app: App, deps: Deps): void {
  const guarded = <T>(ip: string, work: () => Promise<T>) =>
    withFailureLimit(
      deps.rateLimiter,
      `campaign-links:bad:${ipSubject(ip)}`,
      BAD_LINKS_PER_IP,
      'Too many invalid links from this address',
      (error) => error instanceof AppError && error.code === 'not_found',
      work,
    );
  const redirect = {
    302: Type.Null({ description: 'To the link the message carried (Location)' }),
    ...errorResponses(404, 429),
  };

  app.get(
    '/l/:code',
    {
      schema: {
        operationId: 'links.short',
        summary: 'Follow an SMS short link',
        description:
          'Redirects to the game link the SMS carried and records the click on its message. Unknown or expired codes are 404 (and count against 30 bad links a minute per address; 429 beyond).',
        tags,
        params: Type.Object({ code: Type.String({ minLength: 1, maxLength: 32 }) }),
        response: redirect,
      },
    },
    async (request, reply) => {
      const url = await guarded(request.ip, () => followShortLink(deps, request.params.code));
      return reply.header('Cache-Control', 'no-store').redirect(url, 302);
    },
  );

  app.get(
    '/c/:messageId',
    {
      schema: {
        operationId: 'links.click',
        summary: 'Follow a tracked email link',
        description:
          "Redirects to `u` when `s` proves PlayLoop put that link in that message, recording the message's first click; anything else is 404, so this is not an open redirect.",
        tags,
        params: Type.Object({ messageId: Type.String({ minLength: 1, maxLength: 64 }) }),
        querystring: Type.Object({
          u: Type.Optional(Type.String({ maxLength: 4096, description: 'The target' })),
          s: Type.Optional(Type.String({ maxLength: 64, description: 'Its signature' })),
        }),
        response: redirect,
      },
    },
    async (request, reply) => {
      const url = await guarded(request.ip, () =>
        followClick(deps, request.params.messageId, request.query.u, request.query.s),
      );
      return reply
        .header('Cache-Control', 'no-store')
        .header('Referrer-Policy', 'no-referrer')
        .redirect(url, 302);
    },
  );

  app.get(
    '/o/:messageId',
    {
      schema: {
        operationId: 'links.open',
        summary: 'Email open pixel',
        description:
          "A 1×1 GIF; a signed fetch records the message's first open. Always answers the image.",
        tags,
        params: Type.Object({ messageId: Type.String({ minLength: 1, maxLength: 64 }) }),
        querystring: Type.Object({ s: Type.Optional(Type.String({ maxLength: 64 })) }),
        response: {
          200: {
            description: 'The pixel',
            content: {
              'image/gif': { schema: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }) },
            },
          },
        },
      },
    },
    async (request, reply) => {
      await recordOpen(deps, request.params.messageId, request.query.s).catch((error: unknown) =>
        request.log.warn({ err: error }, 'recording an open failed'),
      );
      return reply.header('Cache-Control', 'no-store').type('image/gif').send(PIXEL);
    },
  );

  void app.register((scoped: App, _options, done) => {
    scoped.addContentTypeParser(
      FORM,
      { parseAs: 'string', bodyLimit: CALLBACK_LIMIT_BYTES },
      (_request, body, parsed) => {
        const params: Record<string, string> = {};
        for (const [key, value] of new URLSearchParams(String(body))) params[key] = value;
        parsed(null, params);
      },
    );
    scoped.post(
      '/api/sms/status/:propertyId',
      {
        bodyLimit: CALLBACK_LIMIT_BYTES,
        schema: {
          operationId: 'campaigns.smsStatus',
          summary: 'SMS delivery status (carrier webhook)',
          description:
            "Where campaign SMS ask the provider to post delivery statuses (the sender sets it per message as `StatusCallback`, with `?ref=<message id>`). Must carry Twilio's `X-Twilio-Signature` over `PUBLIC_URL` + path and query, made with the property's auth token (403 otherwise). `delivered` marks the message delivered; `undelivered` and `failed` mark it bounced (with Twilio's error code). Repeated and out-of-order statuses change nothing. Refused requests count against `THROTTLE_SMS_REFUSALS_PER_IP` (429).",
          tags: ['Campaigns'],
          params: Type.Object({ propertyId: Type.String({ maxLength: 64 }) }),
          querystring: Type.Object({ ref: Type.Optional(Type.String({ maxLength: 64 })) }),
          body: Type.Record(Type.String(), Type.String()),
          response: {
            204: Type.Null({ description: 'Recorded (or nothing to change)' }),
            ...errorResponses(400, 403, 413, 415, 429),
          },
        },
      },
      async (request, reply) => {
        if (!request.headers['content-type']?.startsWith(FORM)) {
          throw new AppError('unsupported_media_type', `Content-Type must be ${FORM}`);
        }
        const signature = request.headers['x-twilio-signature'];
        await withFailureLimit(
          deps.rateLimiter,
          `sms-inbound-refused:${ipSubject(request.ip)}`,
          deps.config.inboundSmsRefusalsPerIp,
          'Too many refused SMS callbacks from this address',
          (error) => error instanceof AppError && error.code === 'forbidden',
          () =>
            receiveSmsStatus(deps, {
              propertyId: request.params.propertyId,
              url: `${deps.config.publicUrl}${request.url}`,
              params: request.body,
              signature: typeof signature === 'string' ? signature : undefined,
              ref: request.query.ref,
            }),
        );
        return reply.code(204).send(null);
      },
    );
    done();
  });
}
