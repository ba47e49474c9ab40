import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { urlToHttpOptions } from 'node:url';
import {
  checkOutboundUrl,
  type HostResolver,
  OutboundUrlError,
  pinnedLookup,
} from '../../lib/outbound-url.ts';
import type { DeliveryErrorKind, DeliveryResult, OutboundRequest } from './webhooks.types.ts';

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_BODY_BYTES = 4096;
export const USER_AGENT = 'PlayLoop-Webhooks/1.0';

export interface WebhookSenderOptions {
  /** `WEBHOOKS_ALLOW_PRIVATE_NETWORKS`: deliver to loopback and private networks. */
  allowPrivateNetworks: boolean;
  /** Budget for one attempt: DNS, connect, TLS, sending, the answer's headers and body. */
  timeoutMs?: number | undefined;
  /** How much of the answer is kept for the log; the rest is not read. */
  maxBodyBytes?: number | undefined;
  /** Name resolution (tests inject one; default: the system resolver). */
  resolve?: HostResolver | undefined;
}

export interface SendOptions {
  /** Refuse an `http:` target at delivery too (Zapier). */
  httpsOnly?: boolean | undefined;
}

export interface WebhookSender {
  /** One attempt. Never throws for anything the receiver or the network does. */
  send(request: OutboundRequest, options?: SendOptions): Promise<DeliveryResult>;
  /** Closes idle keep-alive connections. */
  close(): void;
}

/**
 * Delivers over node:http(s). Each attempt checks the target against the SSRF guard again and
 * connects only to the addresses that check returned (no second DNS query). Redirects are not
 * followed: a 3xx is a failed attempt, recorded with its Location.
 */
export function createWebhookSender(options: WebhookSenderOptions): WebhookSender {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  // Keep-alive pools are keyed by host and port; a pooled socket is connected to an address that
  // was checked when it was opened, so reusing it asks DNS nothing.
  const agents = {
    'http:': new http.Agent({ keepAlive: true }),
    'https:': new https.Agent({ keepAlive: true }),
  };

  function send(request: OutboundRequest, sendOptions: SendOptions = {}): Promise<DeliveryResult> {
    const started = performance.now();
    return new Promise<DeliveryResult>((resolve) => {
      let settled = false;
      let req: http.ClientRequest | undefined;
      const finish = (result: Omit<DeliveryResult, 'latencyMs'>): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ ...result, latencyMs: Math.round(performance.now() - started) });
      };
      const fail = (
        errorKind: DeliveryErrorKind,
        error: string,
        status: number | null = null,
        bodyExcerpt = '',
        bodyTruncated = false,
      ): void => finish({ ok: false, status, error, errorKind, bodyExcerpt, bodyTruncated });

      const timer = setTimeout(() => {
        fail('timeout', `no complete answer within ${timeoutMs} ms`);
        req?.destroy();
      }, timeoutMs);

      checkOutboundUrl(request.url, {
        allowPrivateNetworks: options.allowPrivateNetworks,
        httpsOnly: sendOptions.httpsOnly,
        resolve: options.resolve,
      }).then(
        (checked) => {
          if (settled) return;
          const protocol = checked.url.protocol === 'https:' ? 'https:' : 'http:';
          const client = protocol === 'https:' ? https : http;
          const headers: Record<string, string> = { 'user-agent': USER_AGENT };
          for (const [name, value] of Object.entries(request.headers)) {
            headers[name.toLowerCase()] = value;
          }
          headers['content-length'] = String(Buffer.byteLength(request.body));
          req = client.request(
            {
              ...urlToHttpOptions(checked.url),
              method: request.method,
              headers,
              agent: agents[protocol],
              lookup: pinnedLookup(checked),
            },
            (res) => {
              const status = res.statusCode ?? 0;
              const chunks: Buffer[] = [];
              let size = 0;
              let truncated = false;
              const excerpt = (): string => Buffer.concat(chunks).toString('utf8');
              const done = (): void => {
                if (status >= 200 && status < 300) {
                  finish({ ok: true, status, bodyExcerpt: excerpt(), bodyTruncated: truncated });
                } else if (status >= 300 && status < 400) {
                  const location = res.headers.location ?? '(no Location header)';
                  fail(
                    'redirect',
                    `redirect ${status} to ${location} not followed`,
                    status,
                    excerpt(),
                    truncated,
                  );
                } else {
                  fail('http_status', `receiver answered ${status}`, status, excerpt(), truncated);
                }
              };
              res.on('data', (chunk: Buffer) => {
                if (truncated) return;
                const room = maxBodyBytes - size;
                if (chunk.length <= room) {
                  chunks.push(chunk);
                  size += chunk.length;
                  return;
                }
                chunks.push(chunk.subarray(0, room));
                size = maxBodyBytes;
                truncated = true;
                done();
                res.destroy(); // the rest is not worth downloading
              });
              res.on('end', done);
              res.on('error', (error) => {
                if (!truncated) {
                  fail('network', `answer cut off: ${error.message}`, status, excerpt(), truncated);
                }
              });
            },
          );
          req.on('error', (error) => fail('network', error.message));
          req.end(request.body);
        },
        (error: unknown) => {
          if (error instanceof OutboundUrlError) fail('refused_url', error.message);
          else fail('network', error instanceof Error ? error.message : String(error));
        },
      );
    });
  }

  return {
    send,
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}
