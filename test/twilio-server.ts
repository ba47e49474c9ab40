import { createHmac, randomBytes } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';

// A local server speaking the part of Twilio's Messages API PlayLoop uses, as Twilio does:
// Basic auth, form-encoded creates answered with the Message resource or Twilio's error JSON,
// status callbacks and inbound messages posted form-encoded and signed (X-Twilio-Signature),
// and the TwiML answer to an inbound message sent on as a reply. Its signatures are computed here,
// independently of the app's code, so a test that verifies them checks one against the other.

const API_VERSION = '2010-04-01';

export interface TwilioMessage {
  sid: string;
  accountSid: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  statusCallback: string | null;
  numSegments: number;
  /** `outbound-api` for creates, `outbound-reply` for the TwiML answer to an inbound message. */
  direction: 'outbound-api' | 'outbound-reply';
  dateCreated: Date;
}

export interface TwilioRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The form fields, as decoded. */
  params: Record<string, string>;
}

/** What the next requests meet instead of a normal answer. */
export type TwilioFailure =
  | { status: 500 | 503; accept?: boolean }
  | { status: 429; retryAfter?: string }
  /** Never answer (until the server closes); `accept` records the message first. */
  | { hang: true; accept?: boolean };

export interface Posted {
  status: number;
  contentType: string;
  body: string;
}

export interface TwilioServer {
  url: string;
  accountSid: string;
  authToken: string;
  /** Every request to the API, answered or not. */
  requests: TwilioRequest[];
  /** Every message accepted, in order. */
  messages: TwilioMessage[];
  /** Numbers that replied STOP to the carrier: creates to them answer 21610. */
  unsubscribed: Set<string>;
  /** Numbers that are landlines: creates to them answer 21614. */
  landlines: Set<string>;
  failNext(count: number, failure: TwilioFailure): void;
  /**
   * Posts the message's status callbacks in order: queued, sent, then `outcome` (undelivered and
   * failed carry ErrorCode 30003, "unreachable destination handset").
   */
  progress(sid: string, outcome: 'delivered' | 'undelivered' | 'failed'): Promise<Posted[]>;
  /** Posts one status callback for a message, signed as Twilio does. */
  postStatus(sid: string, status: string, errorCode?: number): Promise<Posted>;
  /**
   * A person texting `body` from `from` to `to`: posts Twilio's inbound fields to `webhookUrl`,
   * signed, and sends the TwiML `<Message>` answer on as a reply message.
   */
  inbound(webhookUrl: string, sms: { from: string; to: string; body: string }): Promise<Posted>;
  close(): Promise<void>;
}

export async function startTwilioServer(
  options: { accountSid?: string; authToken?: string } = {},
): Promise<TwilioServer> {
  const accountSid = options.accountSid ?? `AC${randomBytes(16).toString('hex')}`;
  const authToken = options.authToken ?? randomBytes(16).toString('hex');
  const requests: TwilioRequest[] = [];
  const messages: TwilioMessage[] = [];
  const failures: TwilioFailure[] = [];
  const unsubscribed = new Set<string>();
  const landlines = new Set<string>();
  const messagesPath = `/${API_VERSION}/Accounts/${accountSid}/Messages.json`;

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string) => {
    const path = req.url ?? '';
    const params: Record<string, string> = {};
    const form = (req.headers['content-type'] ?? '').startsWith(
      'application/x-www-form-urlencoded',
    );
    if (form) for (const [key, value] of new URLSearchParams(raw)) params[key] = value;
    requests.push({ method: req.method ?? '', path, headers: req.headers, params });

    if (!authorized(req.headers.authorization, accountSid, authToken)) {
      res.setHeader('www-authenticate', 'Basic realm="Twilio API"');
      return error(res, 401, 20003, 'Authenticate');
    }
    if (path.split('?')[0] !== messagesPath) {
      return error(res, 404, 20404, `The requested resource ${path} was not found`);
    }
    if (req.method !== 'POST') return error(res, 405, 20004, 'Method not allowed');
    const failure = failures.shift();
    if (failure && 'status' in failure && failure.status === 429) {
      res.setHeader('retry-after', failure.retryAfter ?? '1');
      return error(res, 429, 20429, 'Too Many Requests');
    }
    const acceptFirst = failure !== undefined && 'accept' in failure && failure.accept === true;
    if (failure && !acceptFirst) return fail(res, failure);
    const refused = validate(params, unsubscribed, landlines);
    if (refused) return error(res, 400, refused.code, refused.message);
    const message = accept(params);
    if (failure) return fail(res, failure);
    res.writeHead(201, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(resource(message)));
  };

  const accept = (params: Record<string, string>): TwilioMessage => {
    const message: TwilioMessage = {
      sid: `SM${randomBytes(16).toString('hex')}`,
      accountSid,
      to: params.To ?? '',
      from: params.From ?? null,
      messagingServiceSid: params.MessagingServiceSid ?? null,
      body: params.Body ?? '',
      statusCallback: params.StatusCallback ?? null,
      numSegments: segments(params.Body ?? ''),
      direction: 'outbound-api',
      dateCreated: new Date(),
    };
    messages.push(message);
    return message;
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  /** Posts form fields as Twilio's webhooks do: signed over the URL and the sorted fields. */
  const post = async (url: string, params: Record<string, string>): Promise<Posted> => {
    const response = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
        'user-agent': 'TwilioProxy/1.1',
        'x-twilio-signature': sign(authToken, url, params),
        'i-twilio-idempotency-token': randomBytes(16).toString('hex'),
      },
      body: new URLSearchParams(params).toString(),
      signal: AbortSignal.timeout(15_000),
    });
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      body: await response.text(),
    };
  };

  const postStatus = (sid: string, status: string, errorCode?: number) => {
    const message = messages.find((m) => m.sid === sid);
    if (!message?.statusCallback) throw new Error(`message ${sid} has no status callback`);
    return post(message.statusCallback, {
      ApiVersion: API_VERSION,
      AccountSid: accountSid,
      MessageSid: sid,
      SmsSid: sid,
      MessageStatus: status,
      SmsStatus: status,
      To: message.to,
      ...(message.from ? { From: message.from } : {}),
      ...(message.messagingServiceSid ? { MessagingServiceSid: message.messagingServiceSid } : {}),
      ...(errorCode === undefined ? {} : { ErrorCode: String(errorCode) }),
    });
  };

  return {
    url: `http://127.0.0.1:${port}`,
    accountSid,
    authToken,
    requests,
    messages,
    unsubscribed,
    landlines,
    failNext(count, failure) {
      for (let i = 0; i < count; i++) failures.push(failure);
    },
    postStatus,
    async progress(sid, outcome) {
      const answers = [await postStatus(sid, 'queued'), await postStatus(sid, 'sent')];
      answers.push(await postStatus(sid, outcome, outcome === 'delivered' ? undefined : 30003));
      return answers;
    },
    async inbound(webhookUrl, sms) {
      const sid = `SM${randomBytes(16).toString('hex')}`;
      const answer = await post(webhookUrl, {
        ToCountry: 'US',
        ToState: '',
        ToCity: '',
        ToZip: '',
        FromCountry: 'US',
        FromState: '',
        FromCity: '',
        FromZip: '',
        SmsMessageSid: sid,
        SmsSid: sid,
        MessageSid: sid,
        SmsStatus: 'received',
        NumMedia: '0',
        NumSegments: String(segments(sms.body)),
        Body: sms.body,
        From: sms.from,
        To: sms.to,
        AccountSid: accountSid,
        ApiVersion: API_VERSION,
      });
      if (answer.status === 200 && answer.contentType.includes('xml')) {
        for (const reply of twimlMessages(answer.body)) {
          const message = accept({ To: sms.from, From: sms.to, Body: reply });
          message.direction = 'outbound-reply';
        }
      }
      return answer;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function authorized(header: string | undefined, accountSid: string, authToken: string): boolean {
  if (!header?.startsWith('Basic ')) return false;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  return decoded === `${accountSid}:${authToken}`;
}

/** Twilio's checks of a create, in Twilio's order. */
function validate(
  params: Record<string, string>,
  unsubscribed: Set<string>,
  landlines: Set<string>,
): { code: number; message: string } | null {
  const to = params.To;
  if (!to) return { code: 21604, message: "A 'To' phone number is required." };
  if (!params.From && !params.MessagingServiceSid) {
    return { code: 21603, message: "A 'From' phone number is required." };
  }
  if (!params.Body) return { code: 21602, message: 'Message body is required.' };
  if (!/^\+[1-9]\d{6,14}$/.test(to)) {
    return { code: 21211, message: `The 'To' number ${to} is not a valid phone number.` };
  }
  if (params.Body.length > 1600) {
    return {
      code: 21617,
      message: 'The concatenated message body exceeds the 1600 character limit.',
    };
  }
  if (landlines.has(to))
    return { code: 21614, message: `'To' number ${to} is not a valid mobile number` };
  if (unsubscribed.has(to))
    return { code: 21610, message: 'Attempt to send to unsubscribed recipient' };
  return null;
}

function error(res: ServerResponse, status: number, code: number, message: string) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(
    JSON.stringify({
      code,
      message,
      more_info: `https://www.twilio.com/docs/errors/${code}`,
      status,
    }),
  );
}

function fail(res: ServerResponse, failure: TwilioFailure) {
  // A hanging request is answered by nobody; closing the server ends it.
  if ('hang' in failure) return;
  if (failure.status === 503) return error(res, 503, 20503, 'Service Unavailable');
  return error(res, 500, 20500, 'An internal server error has occurred');
}

/** Twilio's date format: RFC 2822 with a numeric zone. */
const rfc2822 = (date: Date) => date.toUTCString().replace('GMT', '+0000');

function resource(message: TwilioMessage) {
  const uri = `/${API_VERSION}/Accounts/${message.accountSid}/Messages/${message.sid}`;
  return {
    account_sid: message.accountSid,
    api_version: API_VERSION,
    body: message.body,
    date_created: rfc2822(message.dateCreated),
    date_sent: null,
    date_updated: rfc2822(message.dateCreated),
    direction: message.direction,
    error_code: null,
    error_message: null,
    from: message.from,
    messaging_service_sid: message.messagingServiceSid,
    num_media: '0',
    num_segments: String(message.numSegments),
    price: null,
    price_unit: 'USD',
    sid: message.sid,
    // Through a messaging service Twilio has not picked a sender yet.
    status: message.from ? 'queued' : 'accepted',
    subresource_uris: { media: `${uri}/Media.json` },
    to: message.to,
    uri: `${uri}.json`,
  };
}

function sign(authToken: string, url: string, params: Record<string, string>): string {
  let data = url;
  for (const key of Object.keys(params).sort()) data += key + params[key];
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

const GSM7 =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENDED = '^{}\\[~]|€\f';

/** Segments as a carrier counts them: GSM-7 160 (153 when split), else UCS-2 70 (67). */
function segments(body: string): number {
  let septets = 0;
  let gsm = true;
  for (const char of body) {
    if (GSM7.includes(char)) septets += 1;
    else if (GSM7_EXTENDED.includes(char)) septets += 2;
    else gsm = false;
  }
  const units = gsm ? septets : [...body].reduce((n, c) => n + (c.length === 2 ? 2 : 1), 0);
  const [single, part] = gsm ? [160, 153] : [70, 67];
  return units <= single ? 1 : Math.ceil(units / part);
}

/** The texts of TwiML's `<Message>` verbs, entities decoded. */
function twimlMessages(xml: string): string[] {
  return [...xml.matchAll(/<Message[^>]*>([\s\S]*?)<\/Message>/g)].map((match) =>
    (match[1] ?? '')
      .replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code)))
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&amp;/g, '&'),
  );
}

/**
 * A port nothing listens on (taken from the OS, then released): for a refused connection, or for
 * an app that must know its own URL before it listens (Twilio signs the URL it posts to).
 */
export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
