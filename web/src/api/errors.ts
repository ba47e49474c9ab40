import { isMessageKey, type MessageKey, type Translate } from '../i18n/i18n.tsx';

/** What the API answered instead of success: the envelope `{ success: false, error, code }`. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly retryAfter: number | undefined;

  constructor(status: number, code: string, message: string, retryAfter?: number) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }

  static from(response: Response, body: unknown): ApiError {
    const envelope = (typeof body === 'object' && body !== null ? body : {}) as {
      code?: unknown;
      error?: unknown;
      retry_after?: unknown;
    };
    const retry = Number(envelope.retry_after ?? response.headers.get('Retry-After'));
    return new ApiError(
      response.status,
      typeof envelope.code === 'string' ? envelope.code : 'internal',
      typeof envelope.error === 'string' ? envelope.error : response.statusText,
      Number.isFinite(retry) && retry > 0 ? retry : undefined,
    );
  }
}

/** Which form the error came from: a few codes mean something more precise there. */
export type ErrorContext = 'login' | 'signup' | 'reset' | 'invite' | 'org' | 'property';

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
  return key ? t(key, { seconds: error.retryAfter ?? 60 }) : t('error.unknown');
}
