import { Agent, request as httpRequest } from 'node:http';
import type { Answer } from './load.ts';

/**
 * Shared by the security-class files (section 8): requests from a chosen loopback source
 * address, the error envelope, and the live OpenAPI document of a running server.
 *
 * Linux routes the whole of 127.0.0.0/8 to the loopback interface, so a client socket bound to
 * 127.0.3.7 reaches a server on 127.0.0.1 and the server sees 127.0.3.7 as the peer: a
 * different client address per test without any proxy, and every target stays 127.0.0.1.
 */

/** One keep-alive pool; Node keys its sockets by local address too, so sources never mix. */
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

export interface SendInit {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** The client socket's own address (127.x.y.z); default: the system's choice (127.0.0.1). */
  readonly from?: string;
  /** Gives up after this long (the answer is status 0, body "timeout"); default 60 s. */
  readonly timeoutMs?: number;
}

/** One request; a network failure or the timeout is an answer with status 0. */
export function send(url: string, init: SendInit = {}): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve) => {
    let done = false;
    const finish = (answer: Omit<Answer, 'ms'>) => {
      if (done) return;
      done = true;
      resolve({ ...answer, ms: performance.now() - started });
    };
    const failed = (error: Error) => finish({ status: 0, headers: {}, body: String(error) });
    const req = httpRequest(
      url,
      {
        method: init.method ?? 'GET',
        headers: init.headers,
        agent,
        ...(init.from ? { localAddress: init.from } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', failed);
        res.on('end', () =>
          finish({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.setTimeout(init.timeoutMs ?? 60_000, () => {
      req.destroy();
      finish({ status: 0, headers: {}, body: 'timeout' });
    });
    req.on('error', failed);
    req.end(init.body);
  });
}

export function sendJson(url: string, body: unknown, init: SendInit = {}): Promise<Answer> {
  return send(url, {
    method: 'POST',
    ...init,
    headers: { 'content-type': 'application/json', ...init.headers },
    body: JSON.stringify(body),
  });
}

/** True when the answer is a 4xx in the documented envelope (success false, code, error). */
export function isEnvelope4xx(answer: Answer): boolean {
  if (answer.status < 400 || answer.status >= 500) return false;
  try {
    const body = JSON.parse(answer.body) as Record<string, unknown>;
    return (
      body.success === false && typeof body.code === 'string' && typeof body.error === 'string'
    );
  } catch {
    return false;
  }
}

/** `status code` of an answer, for failure messages: `429 rate_limited`. */
export function statusOf(answer: Answer): string {
  try {
    const body = JSON.parse(answer.body) as { code?: unknown };
    return `${answer.status} ${typeof body.code === 'string' ? body.code : ''}`.trim();
  } catch {
    return `${answer.status} ${answer.body.slice(0, 80)}`;
  }
}

/** How many answers had each `status code`, e.g. `{ "401 unauthorized": 5, "429 rate_limited": 10 }`. */
export function tally(answers: readonly Answer[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const answer of answers) {
    const key = statusOf(answer);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** Source addresses 127.<b>.<c>.1 … for `count` clients, distinct per `block` (1–254). */
export function sources(block: number, count: number): string[] {
  return Array.from(
    { length: count },
    (_, i) => `127.${block}.${Math.floor(i / 250)}.${(i % 250) + 1}`,
  );
}

export interface DocOperation {
  readonly id: string;
  readonly method: string;
  /** The documented key, `?action=` forms included. */
  readonly key: string;
  readonly description: string;
  readonly security: readonly string[];
  /** The documented response statuses, e.g. ['200', '401', '429']. */
  readonly responses: readonly string[];
  readonly parameters: readonly {
    name: string;
    in: string;
    example?: unknown;
    description?: string;
  }[];
}

interface RawDoc {
  paths: Record<
    string,
    Record<
      string,
      {
        operationId?: string;
        description?: string;
        security?: Record<string, unknown>[];
        parameters?: DocOperation['parameters'];
        responses?: Record<string, unknown>;
      }
    >
  >;
  security?: Record<string, unknown>[];
}

/** Every operation of an OpenAPI document (the committed file or a server's /openapi.json). */
export function operationsOf(doc: unknown): DocOperation[] {
  const raw = doc as RawDoc;
  const out: DocOperation[] = [];
  for (const [key, methods] of Object.entries(raw.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      out.push({
        id: op.operationId ?? `${method.toUpperCase()} ${key}`,
        method: method.toUpperCase(),
        key,
        description: op.description ?? '',
        security: (op.security ?? raw.security ?? []).flatMap((entry) => Object.keys(entry)),
        responses: Object.keys(op.responses ?? {}),
        parameters: op.parameters ?? [],
      });
    }
  }
  return out;
}

/** The running server's own document: always current, unlike the committed openapi.json. */
export async function liveOperations(baseUrl: string): Promise<DocOperation[]> {
  const answer = await send(`${baseUrl}/openapi.json`);
  if (answer.status !== 200) throw new Error(`GET /openapi.json: ${answer.status}`);
  return operationsOf(JSON.parse(answer.body));
}

/** Operation ids in `a` and not in `b`, sorted. */
export function missingFrom(a: readonly DocOperation[], b: readonly DocOperation[]): string[] {
  const ids = new Set(b.map((op) => op.id));
  return a
    .map((op) => op.id)
    .filter((id) => !ids.has(id))
    .sort();
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
