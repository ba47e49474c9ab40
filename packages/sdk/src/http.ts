/**
 * The transport under every SDK call: fetch with a timeout, the error envelope turned into a
 * PlayLoopError, and retries only where a second attempt cannot repeat an effect.
 */

/** A failed call: the API's error envelope, or `status` 0 when no answer came at all. */
export class PlayLoopError extends Error {
  /** The HTTP status; 0 for a network failure, a timeout or an abort. */
  readonly status: number;
  /** The envelope's stable code (`not_found`, `validation_error`, …), or `network_error`, `timeout`, `aborted`. */
  readonly code: string;
  /** The envelope's `details` (e.g. `{ field }` on a 400); empty when it had none. */
  readonly details: Record<string, unknown>;
  /** The server's request id (also in its logs), when it answered. */
  readonly requestId: string | undefined;
  /** Seconds to wait before trying again (429, 503). */
  readonly retryAfter: number | undefined;

  constructor(
    status: number,
    code: string,
    message: string,
    extra: {
      details?: Record<string, unknown>;
      requestId?: string | undefined;
      retryAfter?: number | undefined;
      cause?: unknown;
    } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'PlayLoopError';
    this.status = status;
    this.code = code;
    this.details = extra.details ?? {};
    this.requestId = extra.requestId;
    this.retryAfter = extra.retryAfter;
  }
}

export type KeyKind = 'property' | 'dailyplay' | 'none';
export type QueryValue = string | number | boolean | undefined | null;

export interface RequestOptions {
  /** Stops the call (and its retries) when aborted. */
  signal?: AbortSignal | undefined;
  /** Overrides the client's timeout for this call (milliseconds, per attempt). */
  timeoutMs?: number | undefined;
}

export interface Call extends RequestOptions {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** The path, possibly with a query already in it (`/api/org-api-keys?action=…`). */
  path: string;
  /** Query parameters; a list repeats the parameter. */
  query?: Iterable<[string, QueryValue]> | undefined;
  body?: unknown;
  key: KeyKind;
  headers?: Record<string, string | undefined> | undefined;
}

export interface Answer<T> {
  status: number;
  headers: Headers;
  body: T;
}

export interface TransportOptions {
  baseUrl: string;
  propertyKey: string | undefined;
  dailyPlayKey: string | undefined;
  timeoutMs: number;
  maxRetries: number;
  /** Longest wait a Retry-After may ask for before the error is thrown instead. */
  maxRetryDelayMs: number;
  fetch: typeof fetch;
  userAgent: string;
}

const sleep = (ms: number, signal: AbortSignal | undefined) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(aborted(signal));
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted(signal));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

function aborted(signal: AbortSignal | undefined): PlayLoopError {
  return new PlayLoopError(0, 'aborted', 'The call was aborted', { cause: signal?.reason });
}

/** Seconds from a Retry-After header (delta-seconds form) or the envelope's `retry_after`. */
function retryAfterOf(headers: Headers, envelope: Record<string, unknown>): number | undefined {
  const header = Number(headers.get('retry-after'));
  if (headers.has('retry-after') && Number.isFinite(header) && header >= 0) return header;
  const field = envelope['retry_after'];
  return typeof field === 'number' && field >= 0 ? field : undefined;
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function toError(response: Response, body: unknown): PlayLoopError {
  const envelope =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const message =
    typeof envelope['error'] === 'string'
      ? envelope['error']
      : typeof envelope['message'] === 'string'
        ? envelope['message']
        : `HTTP ${response.status}`;
  const details = envelope['details'];
  return new PlayLoopError(
    response.status,
    typeof envelope['code'] === 'string' ? envelope['code'] : `http_${response.status}`,
    message,
    {
      details:
        typeof details === 'object' && details !== null ? (details as Record<string, unknown>) : {},
      requestId: typeof envelope['request_id'] === 'string' ? envelope['request_id'] : undefined,
      retryAfter: retryAfterOf(response.headers, envelope),
    },
  );
}

export class Transport {
  readonly options: TransportOptions;

  constructor(options: TransportOptions) {
    this.options = options;
  }

  url(path: string, query?: Iterable<[string, QueryValue]>): URL {
    const url = new URL(path, this.options.baseUrl.replace(/\/*$/, '/'));
    for (const [name, value] of query ?? []) {
      if (value !== undefined && value !== null) url.searchParams.append(name, String(value));
    }
    return url;
  }

  private keyFor(kind: KeyKind): string | undefined {
    if (kind === 'none') return undefined;
    const key = kind === 'property' ? this.options.propertyKey : this.options.dailyPlayKey;
    if (key === undefined || key === '') {
      const env =
        kind === 'property' ? 'PLAYLOOP_API_KEY (pk_…)' : 'PLAYLOOP_DAILYPLAY_KEY (dpk_…)';
      throw new PlayLoopError(
        0,
        'missing_api_key',
        `No ${kind === 'property' ? 'PlayerOS' : 'DailyPlay'} key: pass it to new PlayLoop() or set ${env}`,
      );
    }
    return key;
  }

  /**
   * One call. Retried (up to maxRetries) only when a repeat cannot do anything twice: a 429 with
   * a wait (the server refused it before doing anything), and GETs on 503 or a network failure.
   * Non-GET calls with an Idempotency-Key are retried like GETs: the server answers a repeat as
   * it answered the first.
   */
  async request<T>(call: Call): Promise<Answer<T>> {
    const key = this.keyFor(call.key);
    const url = this.url(call.path, call.query);
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': this.options.userAgent,
    };
    if (key !== undefined) headers['x-api-key'] = key;
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    for (const [name, value] of Object.entries(call.headers ?? {})) {
      if (value !== undefined) headers[name.toLowerCase()] = value;
    }
    const safe = call.method === 'GET' || headers['idempotency-key'] !== undefined;
    const timeoutMs = call.timeoutMs ?? this.options.timeoutMs;

    for (let attempt = 0; ; attempt++) {
      if (call.signal?.aborted) throw aborted(call.signal);
      const timeout = new AbortController();
      const timer = setTimeout(() => timeout.abort(), timeoutMs);
      const onAbort = () => timeout.abort();
      call.signal?.addEventListener('abort', onAbort, { once: true });
      let response: Response;
      let body: unknown;
      try {
        response = await this.options.fetch(url, {
          method: call.method,
          headers,
          ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
          signal: timeout.signal,
        });
        body = await readBody(response);
      } catch (cause) {
        const failure = call.signal?.aborted
          ? aborted(call.signal)
          : timeout.signal.aborted
            ? new PlayLoopError(0, 'timeout', `No answer within ${timeoutMs} ms`, { cause })
            : new PlayLoopError(0, 'network_error', `Could not reach ${url.origin}`, { cause });
        if (failure.code === 'aborted' || !safe || attempt >= this.options.maxRetries) {
          throw failure;
        }
        await sleep(backoff(attempt), call.signal);
        continue;
      } finally {
        clearTimeout(timer);
        call.signal?.removeEventListener('abort', onAbort);
      }
      if (response.ok)
        return { status: response.status, headers: response.headers, body: body as T };

      const error = toError(response, body);
      const wait =
        error.retryAfter !== undefined
          ? error.retryAfter * 1000
          : safe
            ? backoff(attempt)
            : undefined;
      const retryable =
        error.status === 429 || (safe && (error.status === 503 || error.status === 502));
      if (
        !retryable ||
        wait === undefined ||
        wait > this.options.maxRetryDelayMs ||
        attempt >= this.options.maxRetries
      ) {
        throw error;
      }
      await sleep(wait, call.signal);
    }
  }
}

/** 250 ms, 500 ms, 1 s, … with jitter, for retries the server gave no wait for. */
function backoff(attempt: number): number {
  return Math.round(250 * 2 ** attempt * (0.75 + Math.random() * 0.5));
}
