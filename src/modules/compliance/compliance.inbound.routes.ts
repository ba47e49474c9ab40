import { Type } from 'typebox';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import { errorResponses } from '../../http/schemas.ts';
import type { App } from '../../http/types.ts';
import { ipSubject, withFailureLimit } from '../../lib/throttle.ts';
import { receiveSms } from './compliance.inbound.ts';

const FORM = 'application/x-www-form-urlencoded';
const INBOUND_LIMIT_BYTES = 16 * 1024;

const escapeXml = (text: string) => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Refused requests (unsigned, wrongly signed, unknown property) count per client address; signed
 * ones never do, and the allowance is peeked (see `withFailureLimit`), so a carrier's burst of
 * replies from one address never meets a 429.
 */
function boundRefusals<T>(deps: Deps, ip: string, receive: () => Promise<T>): Promise<T> {
  return withFailureLimit(
    deps.rateLimiter,
    `sms-inbound-refused:${ipSubject(ip)}`,
    deps.config.inboundSmsRefusalsPerIp,
    'Too many refused inbound SMS requests from this address',
    (error) => error instanceof AppError && error.code === 'forbidden',
    receive,
  );
}

/** The carrier's inbound SMS webhook (Twilio's form post), answered in TwiML. */
export function inboundSmsRoutes(app: App, deps: Deps): void {
  void app.register((scoped: App, _options, done) => {
    scoped.addContentTypeParser(
      FORM,
      { parseAs: 'string', bodyLimit: INBOUND_LIMIT_BYTES },
      (_request, body, parsed) => {
        const params: Record<string, string> = {};
        for (const [key, value] of new URLSearchParams(String(body))) params[key] = value;
        parsed(null, params);
      },
    );
    scoped.post(
      '/api/sms/inbound/:propertyId',
      {
        bodyLimit: INBOUND_LIMIT_BYTES,
        schema: {
          operationId: 'compliance.inboundSms',
          summary: 'Inbound SMS (carrier webhook)',
          description:
            "Point the SMS number's incoming-message webhook here (Twilio: `POST`, form fields `From`, `To`, `Body`, `MessageSid`). Requests must carry Twilio's `X-Twilio-Signature` over `PUBLIC_URL` + this path, made with the auth token stored in the property's compliance settings (403 otherwise). " +
            "STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE, OPTOUT, OPT OUT, OPT-OUT, ARRET, REMOVE, TD (the whole message, any case, surrounding spaces and punctuation ignored) revoke the number's SMS consent at once, as far as the property's `revocation_scope` reaches, and are answered with one confirmation; START, YES, UNSTOP restore the consent held before; HELP and INFO get the help text; other text that reads like an opt-out is kept for review (`GET /api/inbound_messages?intent=eq.review&reviewed_at=is.null`, settled with `POST /api/functions/review-sms-reply`). " +
            'Refused requests (unsigned, wrongly signed, unknown property) are limited per client address (`THROTTLE_SMS_REFUSALS_PER_IP`, 20 a minute by default; 429); signed ones never count. Answers TwiML.',
          tags: ['Compliance'],
          params: Type.Object({ propertyId: Type.String({ maxLength: 64 }) }),
          body: Type.Record(Type.String(), Type.String()),
          response: {
            200: Type.String({ description: 'TwiML (`text/xml`)' }),
            ...errorResponses(400, 403, 413, 415, 429),
          },
        },
      },
      async (request, reply) => {
        if (!request.headers['content-type']?.startsWith(FORM)) {
          throw new AppError('unsupported_media_type', `Content-Type must be ${FORM}`);
        }
        const signature = request.headers['x-twilio-signature'];
        const result = await boundRefusals(deps, request.ip, () =>
          receiveSms(deps, {
            propertyId: request.params.propertyId,
            url: `${deps.config.publicUrl.replace(/\/$/, '')}${request.url}`,
            params: request.body,
            signature: typeof signature === 'string' ? signature : undefined,
          }),
        );
        const message = result.reply ? `<Message>${escapeXml(result.reply)}</Message>` : '';
        return reply
          .type('text/xml')
          .send(`<?xml version="1.0" encoding="UTF-8"?><Response>${message}</Response>`);
      },
    );
    done();
  });
}
