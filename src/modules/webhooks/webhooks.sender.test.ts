import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { HostResolver } from '../../lib/outbound-url.ts';
import { createWebhookSender, type WebhookSender } from './webhooks.sender.ts';
import { type Receiver, startReceiver } from '../../../test/webhook-receiver.ts';
import type { OutboundRequest } from './webhooks.types.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function receiver(handler?: Parameters<typeof startReceiver>[0]): Promise<Receiver> {
  const r = await startReceiver(handler);
  cleanups.push(() => r.close());
  return r;
}

function sender(options: Partial<Parameters<typeof createWebhookSender>[0]> = {}): WebhookSender {
  const s = createWebhookSender({ allowPrivateNetworks: true, ...options });
  cleanups.push(() => s.close());
  return s;
}

const post = (
  url: string,
  body = '{"hello":"world"}',
  headers: Record<string, string> = {},
): OutboundRequest => ({
  method: 'POST',
  url,
  headers: { 'content-type': 'application/json', ...headers },
  body,
});

describe('webhook sender', () => {
  it('posts the body and headers byte for byte and reports a 2xx as ok', async () => {
    const r = await receiver((_req, res) => {
      res.statusCode = 202;
      res.end('accepted');
    });
    const body = JSON.stringify({ event_type: 'play_complete', name: 'Spiel für Älle 🎰' });
    const result = await sender().send(
      post(`${r.url}/hooks/a?x=1`, body, { 'webhook-id': 'msg_1' }),
    );

    expect(result).toMatchObject({
      ok: true,
      status: 202,
      bodyExcerpt: 'accepted',
      bodyTruncated: false,
    });
    expect(result.error).toBeUndefined();
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    expect(r.received).toHaveLength(1);
    const [got] = r.received;
    expect(got?.method).toBe('POST');
    expect(got?.path).toBe('/hooks/a?x=1');
    expect(got?.body).toBe(body);
    expect(got?.headers['content-type']).toBe('application/json');
    expect(got?.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(got?.headers['webhook-id']).toBe('msg_1');
    expect(got?.headers['user-agent']).toMatch(/^PlayLoop-Webhooks\//);
  });

  it('gives up on a receiver that never answers, within the timeout', async () => {
    const r = await receiver(() => {
      /* never answers */
    });
    const result = await sender({ timeoutMs: 300 }).send(post(`${r.url}/slow`));
    expect(result).toMatchObject({ ok: false, status: null, errorKind: 'timeout' });
    expect(result.error).toBe('no complete answer within 300 ms');
    expect(result.latencyMs).toBeGreaterThanOrEqual(290);
    expect(result.latencyMs).toBeLessThan(3000);
  });

  it('times out a receiver that sends headers then stalls the body', async () => {
    const r = await receiver((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('partial');
    });
    const result = await sender({ timeoutMs: 300 }).send(post(r.url));
    expect(result).toMatchObject({ ok: false, errorKind: 'timeout' });
  });

  it('does not follow a redirect: a 3xx is a failure with its Location', async () => {
    const target = await receiver();
    const r = await receiver((_req, res) => {
      res.writeHead(302, { location: `${target.url}/elsewhere` });
      res.end();
    });
    const result = await sender().send(post(`${r.url}/moved`));
    expect(result).toMatchObject({ ok: false, status: 302, errorKind: 'redirect' });
    expect(result.error).toBe(`redirect 302 to ${target.url}/elsewhere not followed`);
    expect(target.received).toHaveLength(0);
  });

  it.each([410, 500, 404])('reports a %i answer as a failure with its body', async (status) => {
    const r = await receiver((_req, res) => {
      res.statusCode = status;
      res.end(`{"error":"status ${status}"}`);
    });
    const result = await sender().send(post(r.url));
    expect(result).toMatchObject({
      ok: false,
      status,
      errorKind: 'http_status',
      error: `receiver answered ${status}`,
      bodyExcerpt: `{"error":"status ${status}"}`,
    });
  });

  it('keeps only the first 4 KiB of a huge answer and does not wait for the rest', async () => {
    const r = await receiver((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const block = 'x'.repeat(64 * 1024);
      let sent = 0;
      const pump = (): void => {
        while (sent < 512 && res.write(block)) sent += 1; // up to 32 MiB
        if (sent < 512 && !res.destroyed) res.once('drain', pump);
        else res.end();
      };
      pump();
    });
    const result = await sender({ timeoutMs: 5000 }).send(post(r.url));
    expect(result).toMatchObject({ ok: true, status: 200, bodyTruncated: true });
    expect(result.bodyExcerpt).toBe('x'.repeat(4096));
  });

  it('honours a smaller body cap', async () => {
    const r = await receiver((_req, res) => res.end('0123456789'));
    const result = await sender({ maxBodyBytes: 4 }).send(post(r.url));
    expect(result).toMatchObject({ ok: true, bodyExcerpt: '0123', bodyTruncated: true });
  });

  it('records a refused connection as a network failure and never throws', async () => {
    const r = await receiver();
    const closedUrl = r.url;
    await r.close();
    const result = await sender().send(post(closedUrl));
    expect(result).toMatchObject({ ok: false, status: null, errorKind: 'network' });
    expect(result.error).toMatch(/ECONNREFUSED/);
  });

  it('records a connection reset before any answer as a network failure', async () => {
    const server: Server = createServer((socket: Socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { port } = server.address() as AddressInfo;
    const result = await sender().send(post(`http://127.0.0.1:${port}/`));
    expect(result).toMatchObject({ ok: false, status: null, errorKind: 'network' });
  });

  it('refuses a private target unless private networks are allowed, without connecting', async () => {
    const r = await receiver();
    const result = await sender({ allowPrivateNetworks: false }).send(post(`${r.url}/x`));
    expect(result).toMatchObject({ ok: false, status: null, errorKind: 'refused_url' });
    expect(result.error).toBe('URL refused: 127.0.0.1 is a loopback address');
    expect(r.received).toHaveLength(0);
  });

  it('refuses http for an https-only connection at delivery', async () => {
    const r = await receiver();
    const result = await sender().send(post(r.url), { httpsOnly: true });
    expect(result).toMatchObject({
      ok: false,
      errorKind: 'refused_url',
      error: 'URL refused: must use https',
    });
  });

  it('refuses a name that resolves to a private address at delivery', async () => {
    const r = await receiver();
    const resolve: HostResolver = () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]);
    const result = await sender({ allowPrivateNetworks: false, resolve }).send(
      post(`http://hooks.customer.test:${r.port}/`),
    );
    expect(result).toMatchObject({ ok: false, errorKind: 'refused_url' });
    expect(result.error).toBe(
      'URL refused: hooks.customer.test resolves to 127.0.0.1, which is a loopback address',
    );
    expect(r.received).toHaveLength(0);
  });

  it('connects to the address it checked and asks DNS once per attempt (no rebinding)', async () => {
    const r = await receiver();
    const answers: string[] = [];
    // The check sees loopback; a second query would get TEST-NET-1, where nothing answers.
    const resolve: HostResolver = () => {
      const address = answers.length === 0 ? '127.0.0.1' : '192.0.2.1';
      answers.push(address);
      return Promise.resolve([{ address, family: 4 }]);
    };
    const result = await sender({ resolve, timeoutMs: 2000 }).send(
      post(`http://rebind.customer.test:${r.port}/pinned`),
    );
    expect(result).toMatchObject({ ok: true, status: 200 });
    expect(answers).toEqual(['127.0.0.1']);
    expect(r.received[0]?.headers.host).toBe(`rebind.customer.test:${r.port}`);
  });
});
