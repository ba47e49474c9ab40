export {
  parseStatusCallback,
  type SmsDeliveryStatus,
  type SmsStatusUpdate,
  statusRank,
  twilioSignature,
  verifyTwilioRequest,
} from './twilio.callbacks.ts';

/**
 * SMS through Twilio's Messages API, or any provider speaking it (base URL configurable):
 * `POST {baseUrl}/2010-04-01/Accounts/{AccountSid}/Messages.json`, HTTP Basic auth with the
 * account SID and auth token, form-encoded `To`, `Body`, `From` or `MessagingServiceSid`,
 * `StatusCallback`. The domain sees only `send` and the typed `SmsSendError`; status callbacks
 * and their signatures are read with `parseStatusCallback` and `verifyTwilioRequest`.
 *
 * Twilio does not document deduplicating message creates, so the caller's message record (unique
 * per campaign and player) is what prevents a second send. The adapter helps it in two ways:
 * a failure that may have happened after Twilio accepted the message says so (`maybeSent`), and
 * the idempotency key travels in the status callback URL (`?ref=`), so callbacks for a message
 * whose answer was lost can still be matched to its record.
 *
 * Failures, as Twilio answers them (https://www.twilio.com/docs/api/errors):
 *
 * | answer          | Twilio code                                         | kind      | reason            | maybeSent |
 * | --------------- | --------------------------------------------------- | --------- | ----------------- | --------- |
 * | 400             | 21211 'To' not a valid number, 21604 'To' missing,  | permanent | invalid_recipient | no        |
 * |                 | 21614 'To' not a mobile number                      |           |                   |           |
 * | 400             | 21610 recipient replied STOP to the carrier (its    | permanent | unsubscribed      | no        |
 * |                 | own opt-out list: record a revocation)              |           |                   |           |
 * | 400             | 21408 region not enabled, 21612 cannot route        | permanent | unroutable        | no        |
 * | 400             | 21603 'From' missing, 21606 / 21659 'From' not an   | permanent | configuration     | no        |
 * |                 | SMS-capable number of the account                   |           |                   |           |
 * | 400             | any other, e.g. 21602 body missing, 21617 body over | permanent | rejected          | no        |
 * |                 | 1600 characters                                     |           |                   |           |
 * | 401, 403, 404   | 20003 authentication, 20005 account suspended,      | permanent | configuration     | no        |
 * |                 | 20404 no such account                               |           |                   |           |
 * | 3xx             | — (redirects are not followed)                      | permanent | configuration     | no        |
 * | other 4xx       | any                                                 | permanent | rejected          | no        |
 * | 429             | 20429 too many requests                             | transient | rate_limited      | no        |
 * | 5xx             | e.g. 20500, 20503                                   | transient | provider_error    | yes       |
 * | 2xx, no SID     | —                                                   | transient | provider_error    | yes       |
 * | no answer       | — (within `timeoutMs`)                              | transient | timeout           | yes       |
 * | no connection   | — (refused, DNS failure, host unreachable)          | transient | network           | no        |
 * | connection lost | — (after the request may have been sent)            | transient | network           | yes       |
 *
 * `configuration` failures concern every message of the account (stop the run, not the
 * recipient); the other permanent ones concern this recipient or this message only.
 * `retryAfter` (seconds) is set when the answer carries `Retry-After`.
 */

export type SmsFailureKind = 'permanent' | 'transient';
export type SmsFailureReason =
  | 'invalid_recipient'
  | 'unsubscribed'
  | 'unroutable'
  | 'rejected'
  | 'configuration'
  | 'rate_limited'
  | 'provider_error'
  | 'timeout'
  | 'network';

export class SmsSendError extends Error {
  readonly kind: SmsFailureKind;
  readonly reason: SmsFailureReason;
  /** The HTTP status of the answer, null when there was none. */
  readonly httpStatus: number | null;
  /** Twilio's error code (21211, 21610, …), null when the answer carried none. */
  readonly providerCode: number | null;
  /** Seconds to wait before the next attempt, from the answer's `Retry-After`. */
  readonly retryAfter: number | null;
  /** True when the provider may have accepted the message although the call failed. */
  readonly maybeSent: boolean;
  constructor(
    message: string,
    fields: {
      kind: SmsFailureKind;
      reason: SmsFailureReason;
      httpStatus?: number | null;
      providerCode?: number | null;
      retryAfter?: number | null;
      maybeSent?: boolean;
    },
  ) {
    super(message);
    this.name = 'SmsSendError';
    this.kind = fields.kind;
    this.reason = fields.reason;
    this.httpStatus = fields.httpStatus ?? null;
    this.providerCode = fields.providerCode ?? null;
    this.retryAfter = fields.retryAfter ?? null;
    this.maybeSent = fields.maybeSent ?? false;
  }
}

export interface TwilioSenderOptions {
  /** Default `https://api.twilio.com`; any provider speaking the same API. */
  baseUrl?: string;
  accountSid: string;
  authToken: string;
  /** The sending number (E.164) or alphanumeric sender; this or `messagingServiceSid`. */
  from?: string;
  messagingServiceSid?: string;
  /** Where the provider posts delivery statuses; `?ref=<idempotencyKey>` is added per message. */
  statusCallbackUrl?: string;
  timeoutMs: number;
  /** A fetch of one's own, e.g. bound to a dispatcher that pins checked addresses. */
  fetch?: typeof fetch;
}

export interface SmsToSend {
  /** E.164 number. */
  to: string;
  body: string;
  /** Our message id: sent as `I-Twilio-Idempotency-Token` and as `ref` in the status callback. */
  idempotencyKey?: string;
}

export interface SmsSent {
  /** Twilio's message SID (`SM…`); status callbacks carry it as `MessageSid`. */
  providerId: string;
  /** Twilio's status as answered: `queued`, or `accepted` through a messaging service. */
  status: string;
  /** Segments the provider will bill, when it says. */
  segments: number | null;
}

export interface SmsSender {
  send(message: SmsToSend): Promise<SmsSent>;
}

/** The query parameter of the status callback URL carrying the idempotency key. */
export const STATUS_CALLBACK_REF = 'ref';

const RECIPIENT_CODES = new Set([21211, 21604, 21614]);
const UNROUTABLE_CODES = new Set([21408, 21612]);
const CONFIGURATION_CODES = new Set([21603, 21606, 21659, 20003, 20005, 20404]);
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);

export function createTwilioSender(options: TwilioSenderOptions): SmsSender {
  const base = new URL(options.baseUrl ?? 'https://api.twilio.com');
  if (base.protocol !== 'https:' && base.protocol !== 'http:') {
    throw new Error('The SMS provider base URL must be http or https');
  }
  if (base.username || base.password) {
    throw new Error('The SMS provider base URL must not carry credentials');
  }
  if (!options.accountSid || !options.authToken) {
    throw new Error('The SMS provider needs an account SID and an auth token');
  }
  if (!options.from && !options.messagingServiceSid) {
    throw new Error('The SMS provider needs a from number or a messaging service SID');
  }
  const endpoint = new URL(
    `${base.pathname.replace(/\/$/, '')}/2010-04-01/Accounts/${encodeURIComponent(options.accountSid)}/Messages.json`,
    base,
  );
  const credentials = Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64');
  // Whatever a provider or a network error echoes back, the secret never leaves in an error.
  const redact = (text: string) =>
    text.split(options.authToken).join('[redacted]').split(credentials).join('[redacted]');
  const doFetch = options.fetch ?? fetch;

  return {
    async send(message) {
      const form = new URLSearchParams({ To: message.to, Body: message.body });
      if (options.from) form.set('From', options.from);
      if (options.messagingServiceSid) form.set('MessagingServiceSid', options.messagingServiceSid);
      if (options.statusCallbackUrl) {
        const callback = new URL(options.statusCallbackUrl);
        if (message.idempotencyKey) {
          callback.searchParams.set(STATUS_CALLBACK_REF, message.idempotencyKey);
        }
        form.set('StatusCallback', callback.toString());
      }
      const headers: Record<string, string> = {
        authorization: `Basic ${credentials}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      };
      if (message.idempotencyKey) headers['i-twilio-idempotency-token'] = message.idempotencyKey;

      let response: Response;
      let text: string;
      try {
        response = await doFetch(endpoint, {
          method: 'POST',
          headers,
          body: form.toString(),
          redirect: 'manual',
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        text = await response.text();
      } catch (error) {
        throw transportFailure(error, options.timeoutMs, redact);
      }
      return readAnswer(response, text, redact);
    },
  };
}

function transportFailure(error: unknown, timeoutMs: number, redact: (text: string) => string) {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new SmsSendError(`The SMS provider did not answer within ${timeoutMs} ms`, {
      kind: 'transient',
      reason: 'timeout',
      maybeSent: true,
    });
  }
  const cause =
    error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : '';
  const detail =
    error instanceof Error ? (code ? `${error.message} (${code})` : error.message) : '';
  return new SmsSendError(redact(`The SMS provider could not be reached: ${detail}`), {
    kind: 'transient',
    reason: 'network',
    maybeSent: !NOT_CONNECTED.has(code),
  });
}

function readAnswer(response: Response, text: string, redact: (text: string) => string): SmsSent {
  const status = response.status;
  const body = parseJson(text);
  if (status >= 200 && status < 300) {
    const sid = typeof body?.sid === 'string' ? body.sid : '';
    if (!sid) {
      throw new SmsSendError('The SMS provider accepted the request but named no message', {
        kind: 'transient',
        reason: 'provider_error',
        httpStatus: status,
        maybeSent: true,
      });
    }
    const segments = Number(body?.num_segments);
    return {
      providerId: sid,
      status: typeof body?.status === 'string' ? body.status : 'queued',
      segments: Number.isInteger(segments) && segments > 0 ? segments : null,
    };
  }
  const code = typeof body?.code === 'number' ? body.code : null;
  const said = typeof body?.message === 'string' ? body.message.slice(0, 300) : '';
  const fields = {
    httpStatus: status,
    providerCode: code,
    retryAfter: retryAfterSeconds(response),
  };
  const message = redact(
    `The SMS provider answered ${status}${code === null ? '' : ` (code ${code})`}${said ? `: ${said}` : ''}`,
  );
  if (status === 429) {
    return raise(message, { ...fields, kind: 'transient', reason: 'rate_limited' });
  }
  if (status >= 500) {
    return raise(message, {
      ...fields,
      kind: 'transient',
      reason: 'provider_error',
      maybeSent: true,
    });
  }
  return raise(message, { ...fields, kind: 'permanent', reason: permanentReason(status, code) });
}

function permanentReason(status: number, code: number | null): SmsFailureReason {
  if (status < 400 || status === 401 || status === 403 || status === 404) return 'configuration';
  if (code === 21610) return 'unsubscribed';
  if (code !== null && RECIPIENT_CODES.has(code)) return 'invalid_recipient';
  if (code !== null && UNROUTABLE_CODES.has(code)) return 'unroutable';
  if (code !== null && CONFIGURATION_CODES.has(code)) return 'configuration';
  return 'rejected';
}

function raise(message: string, fields: ConstructorParameters<typeof SmsSendError>[1]): never {
  throw new SmsSendError(message, fields);
}

function parseJson(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** `Retry-After` as seconds or an HTTP date (read against the answer's own `Date`). */
function retryAfterSeconds(response: Response): number | null {
  const value = response.headers.get('retry-after');
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  if (Number.isNaN(at)) return null;
  const now = Date.parse(response.headers.get('date') ?? '') || Date.now();
  return Math.max(0, Math.ceil((at - now) / 1000));
}
