import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { STATUS_OF } from '../../src/http/errors.ts';
import type { ErrorCode } from '../../src/lib/errors.ts';
import { agent } from './load.ts';

/** What came back; status 0 is a connection closed (or reset, or timed out) without an answer. */
export interface Reply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  readonly error?: string;
  /** Sent again on a fresh socket after the pooled one turned out closed or desynchronized. */
  readonly retried?: boolean;
}

const TIMEOUT_MS = 20_000;

/** One request through the suite's keep-alive agent; header values may repeat (arrays). */
export async function send(baseUrl: string, init: SendInit): Promise<Reply> {
  const first = await sendOnce(baseUrl, init, true);
  // A pooled socket the server closed while idle (or closed on bytes an earlier request left on
  // it) fails the next request written on it; Node's advice is to retry those on a fresh
  // socket. A failure on a fresh socket is reported as is.
  if (first.status === 0 && first.staleSocket) {
    return { ...(await sendOnce(baseUrl, init, false)), retried: true };
  }
  return first;
}

interface SendInit {
  method: string;
  path: string;
  headers: Record<string, string | string[]>;
  body?: string | Buffer | undefined;
}

function sendOnce(
  baseUrl: string,
  init: SendInit,
  pooled: boolean,
): Promise<Reply & { staleSocket?: boolean }> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (reply: Reply & { staleSocket?: boolean }) => {
      if (!settled) {
        settled = true;
        resolve(reply);
      }
    };
    try {
      const req = httpRequest(
        `${baseUrl}${init.path}`,
        {
          method: init.method,
          headers: init.headers,
          agent: pooled ? agent : false,
          timeout: TIMEOUT_MS,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', (error) => done(failure(error, false)));
          res.on('end', () =>
            done({
              status: res.statusCode ?? 0,
              contentType: String(res.headers['content-type'] ?? ''),
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        },
      );
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', (error: Error & { code?: string }) =>
        done(
          failure(
            error,
            req.reusedSocket &&
              (error.code === 'ECONNRESET' ||
                error.code === 'EPIPE' ||
                // The server ended a pooled connection with a 400 for bytes an earlier hostile
                // request left on it (say, a HEAD answered with that 400's body): retried on a
                // fresh socket, where this request alone decides the answer.
                error.code?.startsWith('HPE_') === true),
          ),
        ),
      );
      req.end(init.body);
    } catch (error) {
      done(failure(error as Error, false));
    }
  });
}

function failure(error: Error, staleSocket: boolean): Reply & { staleSocket?: boolean } {
  return {
    status: 0,
    contentType: '',
    body: '',
    error: `${error.name}: ${error.message}`,
    ...(staleSocket ? { staleSocket } : {}),
  };
}

/**
 * Bytes written as they are on a fresh socket (`Connection: close` is the sender's job), for
 * what an HTTP client refuses to send: bad request lines, control characters in headers,
 * conflicting lengths. Reads until the server closes or `waitMs` of silence.
 */
export function sendRaw(port: number, bytes: Buffer, waitMs = 3000): Promise<Reply> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const socket = connect(port, '127.0.0.1');
    const finish = (error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(parseRaw(Buffer.concat(chunks), error));
    };
    let timer = setTimeout(() => finish('no answer'), waitMs);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      clearTimeout(timer);
      timer = setTimeout(() => finish(), 500);
    });
    socket.on('end', () => finish());
    socket.on('close', () => finish());
    socket.on('error', (error) => finish(`${error.name}: ${error.message}`));
    socket.on('connect', () => socket.write(bytes));
  });
}

function parseRaw(data: Buffer, error: string | undefined): Reply {
  const text = data.toString('latin1');
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(text);
  if (!match)
    return { status: 0, contentType: '', body: text.slice(0, 200), error: error ?? 'closed' };
  const headEnd = text.indexOf('\r\n\r\n');
  const head = headEnd < 0 ? text : text.slice(0, headEnd);
  let body = headEnd < 0 ? '' : data.subarray(headEnd + 4).toString('utf8');
  if (/^transfer-encoding:\s*chunked/im.test(head)) body = unchunk(body);
  const contentType = /^content-type:\s*(.*)$/im.exec(head)?.[1]?.trim() ?? '';
  return { status: Number(match[1]), contentType, body };
}

function unchunk(body: string): string {
  let rest = body;
  let out = '';
  for (;;) {
    const line = rest.indexOf('\r\n');
    if (line < 0) return out;
    const size = Number.parseInt(rest.slice(0, line), 16);
    if (!Number.isFinite(size) || size === 0) return out;
    out += rest.slice(line + 2, line + 2 + size);
    rest = rest.slice(line + 2 + size + 2);
  }
}

export type EnvelopeProblem = string | undefined;

/**
 * Undefined when `body` is the documented error envelope for `status`: success false, a
 * non-empty error and request_id, and a code from the catalog that maps to this very status.
 */
export function envelopeProblem(status: number, body: unknown): EnvelopeProblem {
  if (typeof body !== 'object' || body === null) return 'not an object';
  const { success, error, code, request_id: requestId } = body as Record<string, unknown>;
  if (success !== false) return 'success is not false';
  if (typeof error !== 'string' || error === '') return 'error is not a non-empty string';
  if (typeof code !== 'string' || code === '') return 'code is not a non-empty string';
  if (typeof requestId !== 'string' || requestId === '') return 'request_id missing';
  const documented = (STATUS_OF as Readonly<Record<string, number>>)[code];
  if (documented === undefined) return `code ${code} is not in the catalog`;
  if (documented !== status) return `code ${code} is ${documented}, sent with ${status}`;
  return undefined;
}

export const isCatalogCode = (code: string): code is ErrorCode => Object.hasOwn(STATUS_OF, code);

/** Parses a JSON body; undefined when it is not JSON. */
export function jsonBody(reply: Reply): unknown {
  try {
    return JSON.parse(reply.body) as unknown;
  } catch {
    return undefined;
  }
}
