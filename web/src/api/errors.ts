import { isMessageKey, type MessageKey, type Translate } from '../i18n/i18n.tsx';

/** What the API answered instead of success: the envelope `{ success: false, error, code }`. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly retryAfter: number | undefined;
  /** The envelope's `details`: names a message may show (e.g. the journey using a segment). */
  readonly details: Record<string, unknown>;

  constructor(
    status: number,
    code: string,
    message: string,
    retryAfter?: number,
    details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
    this.details = details;
  }

  static from(response: Response, body: unknown): ApiError {
    const envelope = (typeof body === 'object' && body !== null ? body : {}) as {
      code?: unknown;
      error?: unknown;
      retry_after?: unknown;
      details?: unknown;
    };
    const retry = Number(envelope.retry_after ?? response.headers.get('Retry-After'));
    return new ApiError(
      response.status,
      typeof envelope.code === 'string' ? envelope.code : 'internal',
      typeof envelope.error === 'string' ? envelope.error : response.statusText,
      Number.isFinite(retry) && retry > 0 ? retry : undefined,
      typeof envelope.details === 'object' && envelope.details !== null
        ? (envelope.details as Record<string, unknown>)
        : {},
    );
  }
}

/** Which form the error came from: a few codes mean something more precise there. */
export type ErrorContext =
  | 'login'
  | 'signup'
  | 'reset'
  | 'invite'
  | 'org'
  | 'property'
  | 'segment'
  | 'segment_delete'
  | 'game'
  | 'stream'
  | 'keys'
  | 'prizes';

/**
 * The one place where an API error becomes words: `error.<context>.<code>`, else
 * `error.<code>`, else a generic sentence. The server's English message is never shown, so
 * every language reads the same and no internal detail reaches the screen.
 */
export function errorText(error: unknown, t: Translate, context?: ErrorContext): string {
  if (!(error instanceof ApiError)) {
    // fetch() rejects with a TypeError when the server cannot be reached.
    return t(error instanceof TypeError ? 'error.network' : 'error.unknown');
  }
  const keys = [context && `error.${context}.${error.code}`, `error.${error.code}`];
  const key = keys.find((k): k is MessageKey => k !== undefined && isMessageKey(k));
  // Text details (a journey's name) fill `{name}` slots; the server's sentence itself is not shown.
  const vars: Record<string, string | number> = { seconds: error.retryAfter ?? 60 };
  for (const [name, value] of Object.entries(error.details)) {
    if (typeof value === 'string') vars[name] = value;
  }
  return key ? t(key, vars) : t('error.unknown');
}
