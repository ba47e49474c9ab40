import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { LatencyRecorder } from './latency.ts';
import { randomSeededToken } from './seed.ts';

export const OPERATIONS = ['create', 'validate', 'consume'] as const;
export type Operation = (typeof OPERATIONS)[number];

const PATH = '/api/org-api-keys';

/** Statuses that are a correct answer; anything else (5xx, 4xx, connection errors) is a failure. */
export const EXPECTED_STATUSES: Record<Operation, readonly number[]> = {
  create: [200],
  validate: [200],
  // Tokens are drawn at random, so once one was consumed the next draw of it answers 410.
  consume: [200, 410],
};

export interface HttpResult {
  requestsPerSec: number;
  /** Percentiles of the response times recorded per request (bench/latency.ts). */
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** autocannon's mean, of whole milliseconds. */
  avgMs: number;
  total: number;
  durationSec: number;
  statusCounts: Record<string, number>;
  /** Responses with a status not in EXPECTED_STATUSES. */
  unexpected: number;
  /** Connection errors and timeouts (no response at all). */
  errors: number;
  timeouts: number;
}

function requestFor(
  operation: Operation,
  apiKey: string,
  gameId: number,
  token: () => string,
): autocannon.Request {
  const json = { 'content-type': 'application/json' };
  switch (operation) {
    case 'create':
      return {
        method: 'POST',
        path: `${PATH}?action=create-session`,
        headers: { ...json, 'x-api-key': apiKey },
        body: JSON.stringify({ game_id: gameId }),
      };
    case 'validate':
      return {
        method: 'GET',
        path: `${PATH}?action=validate-session&token=${token()}`,
        setupRequest: (request) => ({
          ...request,
          path: `${PATH}?action=validate-session&token=${token()}`,
        }),
      };
    case 'consume':
      return {
        method: 'POST',
        path: `${PATH}?action=consume-session`,
        headers: json,
        body: JSON.stringify({ token: token() }),
        setupRequest: (request) => ({ ...request, body: JSON.stringify({ token: token() }) }),
      };
  }
}

export interface HttpRunOptions {
  baseUrl: string;
  operation: Operation;
  apiKey: string;
  gameId: number;
  connections: number;
  seconds: number;
  /** Warm-up: consume draws unknown tokens (410, same UPDATE), so no seeded token is used up. */
  warmup?: boolean;
}

export interface LoadOptions {
  baseUrl: string;
  connections: number;
  seconds: number;
  request: autocannon.Request;
  /** Statuses that are a correct answer; the others are counted in `unexpected`. */
  expected: readonly number[];
  /** Seconds without a response after which a request counts as a timeout (an error). */
  timeoutSeconds?: number;
}

/** One autocannon run of `request` over `connections` connections for `seconds`. */
export async function runLoad(options: LoadOptions): Promise<HttpResult> {
  const latencies = new LatencyRecorder();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.baseUrl,
        connections: options.connections,
        duration: options.seconds,
        timeout: options.timeoutSeconds ?? 10,
        requests: [options.request],
      },
      (error: unknown, done) => {
        if (error) reject(error instanceof Error ? error : new Error(JSON.stringify(error)));
        else resolve(done);
      },
    );
    instance.on('response', (_client, _status, _bytes, responseTime) =>
      latencies.record(responseTime),
    );
  });
  const statusCounts: Record<string, number> = {};
  let unexpected = 0;
  for (const [status, stats] of Object.entries(result.statusCodeStats ?? {})) {
    const count = stats.count ?? 0;
    statusCounts[status] = count;
    if (!options.expected.includes(Number(status))) unexpected += count;
  }
  return {
    requestsPerSec: result.requests.mean,
    ...latencies.percentiles(),
    avgMs: result.latency.mean,
    total: result.requests.total,
    durationSec: result.duration,
    statusCounts,
    unexpected,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

export function runHttp(options: HttpRunOptions): Promise<HttpResult> {
  const token =
    options.warmup && options.operation === 'consume' ? () => randomUUID() : randomSeededToken;
  return runLoad({
    baseUrl: options.baseUrl,
    connections: options.connections,
    seconds: options.seconds,
    request: requestFor(options.operation, options.apiKey, options.gameId, token),
    expected: EXPECTED_STATUSES[options.operation],
  });
}
