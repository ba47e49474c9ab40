import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createTwilioSender,
  SmsSendError,
  type TwilioSenderOptions,
} from '../src/adapters/sms/twilio.ts';
import { freePort, startTwilioServer, type TwilioServer } from './twilio-server.ts';
import { type Receiver, startReceiver } from './webhook-receiver.ts';

// The SMS adapter against a local server speaking Twilio's Messages API: what goes over the
// wire, and how each kind of failure reads. Status callbacks and replies: twilio-callbacks.test.ts.

const FROM = '+17025550100';
const PHONE = '+12125550177';

let twilio: TwilioServer;
const closing: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  twilio = await startTwilioServer();
});

afterEach(async () => {
  await Promise.all(closing.splice(0).map((server) => server.close()));
});

afterAll(async () => {
  await twilio.close();
});

function sender(overrides: Partial<TwilioSenderOptions> = {}) {
  return createTwilioSender({
    baseUrl: twilio.url,
    accountSid: twilio.accountSid,
    authToken: twilio.authToken,
    from: FROM,
    timeoutMs: 2000,
    ...overrides,
  });
}

async function failure(promise: Promise<unknown>): Promise<SmsSendError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!(error instanceof SmsSendError))
    throw new Error(`expected an SmsSendError, got ${String(error)}`);
  return error;
}

async function receiver(handler?: Parameters<typeof startReceiver>[0]): Promise<Receiver> {
  const started = await startReceiver(handler);
  closing.push(started);
  return started;
}

describe('sending', () => {
  it('posts the form Twilio expects with Basic auth and answers with the message SID', async () => {
    const sent = await sender({ statusCallbackUrl: 'https://app.example/sms/status' }).send({
      to: PHONE,
      body: 'Your game: https://play.example/s/abc',
      idempotencyKey: 'msg-42',
    });
    const request = twilio.requests.at(-1)!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe(`/2010-04-01/Accounts/${twilio.accountSid}/Messages.json`);
    expect(request.headers.authorization).toBe(
      `Basic ${Buffer.from(`${twilio.accountSid}:${twilio.authToken}`).toString('base64')}`,
    );
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request.headers['i-twilio-idempotency-token']).toBe('msg-42');
    expect(request.params).toEqual({
      To: PHONE,
      From: FROM,
      Body: 'Your game: https://play.example/s/abc',
      StatusCallback: 'https://app.example/sms/status?ref=msg-42',
    });
    const message = twilio.messages.at(-1)!;
    expect(sent).toEqual({ providerId: message.sid, status: 'queued', segments: 1 });
    expect(sent.providerId).toMatch(/^SM[0-9a-f]{32}$/);
  });

  it('sends through a messaging service instead of a number, and reports the segments', async () => {
    const service = `MG${'1'.repeat(32)}`;
    const body = '🎰'.repeat(40);
    const sent = await createTwilioSender({
      baseUrl: twilio.url,
      accountSid: twilio.accountSid,
      authToken: twilio.authToken,
      messagingServiceSid: service,
      timeoutMs: 2000,
    }).send({ to: PHONE, body });
    const request = twilio.requests.at(-1)!;
    expect(request.params).toEqual({ To: PHONE, Body: body, MessagingServiceSid: service });
    expect(request.headers['i-twilio-idempotency-token']).toBeUndefined();
    // Eighty UTF-16 units: UCS-2, two segments of 67.
    expect(sent).toMatchObject({ status: 'accepted', segments: 2 });
  });

  it('refuses a configuration with no sender, or credentials in the base URL', () => {
    expect(() =>
      createTwilioSender({ accountSid: 'AC1', authToken: 't', timeoutMs: 1000 }),
    ).toThrow(/from number or a messaging service/);
    expect(() =>
      createTwilioSender({
        baseUrl: 'https://user:pw@api.example',
        accountSid: 'AC1',
        authToken: 't',
        from: FROM,
        timeoutMs: 1000,
      }),
    ).toThrow(/credentials/);
  });
});

describe('failures', () => {
  it.each([
    { to: '555-0100', body: 'hi', code: 21211, reason: 'invalid_recipient' },
    { to: '+12125550199', body: 'hi', code: 21614, reason: 'invalid_recipient', landline: true },
    { to: '+12125550198', body: 'hi', code: 21610, reason: 'unsubscribed', stopped: true },
    { to: PHONE, body: '', code: 21602, reason: 'rejected' },
    { to: PHONE, body: 'x'.repeat(1601), code: 21617, reason: 'rejected' },
  ])('reads Twilio $code as a permanent $reason failure', async (row) => {
    if (row.landline) twilio.landlines.add(row.to);
    if (row.stopped) twilio.unsubscribed.add(row.to);
    const before = twilio.messages.length;
    const error = await failure(sender().send({ to: row.to, body: row.body }));
    expect(error).toMatchObject({
      kind: 'permanent',
      reason: row.reason,
      httpStatus: 400,
      providerCode: row.code,
      retryAfter: null,
      maybeSent: false,
    });
    expect(twilio.messages).toHaveLength(before);
  });

  it('reads a wrong auth token as a configuration failure (401, code 20003)', async () => {
    const error = await failure(
      sender({ authToken: 'wrong-token' }).send({ to: PHONE, body: 'hi' }),
    );
    expect(error).toMatchObject({
      kind: 'permanent',
      reason: 'configuration',
      httpStatus: 401,
      providerCode: 20003,
    });
  });

  it('reads 429 as transient with Retry-After in seconds, or as an HTTP date', async () => {
    twilio.failNext(1, { status: 429, retryAfter: '7' });
    expect(await failure(sender().send({ to: PHONE, body: 'hi' }))).toMatchObject({
      kind: 'transient',
      reason: 'rate_limited',
      httpStatus: 429,
      providerCode: 20429,
      retryAfter: 7,
      maybeSent: false,
    });
    twilio.failNext(1, { status: 429, retryAfter: new Date(Date.now() + 30_000).toUTCString() });
    const dated = await failure(sender().send({ to: PHONE, body: 'hi' }));
    expect(dated.retryAfter).toBeGreaterThanOrEqual(28);
    expect(dated.retryAfter).toBeLessThanOrEqual(31);
  });

  it('reads 5xx as transient and possibly sent, which it may have been', async () => {
    twilio.failNext(1, { status: 503 });
    expect(await failure(sender().send({ to: PHONE, body: 'hi' }))).toMatchObject({
      kind: 'transient',
      reason: 'provider_error',
      httpStatus: 503,
      providerCode: 20503,
      maybeSent: true,
    });
    const before = twilio.messages.length;
    twilio.failNext(1, { status: 500, accept: true });
    const error = await failure(sender().send({ to: PHONE, body: 'accepted, then 500' }));
    expect(error).toMatchObject({ reason: 'provider_error', maybeSent: true });
    expect(twilio.messages).toHaveLength(before + 1);
  });

  it('gives up after the timeout when the provider does not answer', async () => {
    twilio.failNext(1, { hang: true, accept: true });
    const started = Date.now();
    const error = await failure(sender({ timeoutMs: 300 }).send({ to: PHONE, body: 'hi' }));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(error).toMatchObject({
      kind: 'transient',
      reason: 'timeout',
      httpStatus: null,
      maybeSent: true,
    });
  });

  it('reads a refused connection as transient and certainly not sent', async () => {
    const port = await freePort();
    const error = await failure(
      sender({ baseUrl: `http://127.0.0.1:${port}` }).send({ to: PHONE, body: 'hi' }),
    );
    expect(error).toMatchObject({ kind: 'transient', reason: 'network', maybeSent: false });
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('does not follow a redirect, and reads it as a configuration failure', async () => {
    const before = twilio.requests.length;
    const redirecting = await receiver((_req, res) => {
      res.writeHead(307, {
        location: `${twilio.url}/2010-04-01/Accounts/${twilio.accountSid}/Messages.json`,
      });
      res.end();
    });
    const error = await failure(
      sender({ baseUrl: redirecting.url }).send({ to: PHONE, body: 'hi' }),
    );
    expect(error).toMatchObject({ kind: 'permanent', reason: 'configuration', httpStatus: 307 });
    expect(redirecting.received).toHaveLength(1);
    expect(twilio.requests).toHaveLength(before);
  });

  it('never lets the auth token or the Basic credentials into an error', async () => {
    const token = 'tok-super-secret-0123456789abcdef';
    const basic = Buffer.from(`AC-echo:${token}`).toString('base64');
    // A provider that echoes the credentials it was given back in its error message.
    const echoing = await receiver((req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      const given = Buffer.from((req.headers.authorization ?? '').slice(6), 'base64').toString();
      res.end(
        JSON.stringify({
          code: 21211,
          message: `bad ${req.headers.authorization} ${given}`,
          status: 400,
        }),
      );
    });
    const options = { accountSid: 'AC-echo', authToken: token, from: FROM, timeoutMs: 300 };
    const errors = [
      await failure(
        createTwilioSender({ ...options, baseUrl: echoing.url }).send({ to: PHONE, body: 'x' }),
      ),
      await failure(
        createTwilioSender({ ...options, baseUrl: `http://127.0.0.1:${await freePort()}` }).send({
          to: PHONE,
          body: 'x',
        }),
      ),
    ];
    const silent = await receiver(() => undefined);
    errors.push(
      await failure(
        createTwilioSender({ ...options, baseUrl: silent.url }).send({ to: PHONE, body: 'x' }),
      ),
    );
    expect(errors.map((error) => error.reason)).toEqual([
      'invalid_recipient',
      'network',
      'timeout',
    ]);
    expect(errors[0]!.message).toContain('[redacted]');
    for (const error of errors) {
      const shown = [
        error.message,
        String(error),
        inspect(error, { depth: 5 }),
        JSON.stringify(error),
      ].join('\n');
      expect(shown).not.toContain(token);
      expect(shown).not.toContain(basic);
    }
  });
});
