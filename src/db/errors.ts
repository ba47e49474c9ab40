/**
 * What a database error says about the database, as opposed to about the request. The HTTP
 * error handler answers the first kind with 503 (retry shortly) and a cancelled statement with
 * 400 query_too_expensive, instead of 500.
 */

interface ErrorLike {
  readonly code?: unknown;
  readonly message?: unknown;
  readonly cause?: unknown;
}

/**
 * SQLSTATEs of a database that cannot serve right now: class 08 (connection exception),
 * 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now (starting up or shutting
 * down), 53300 too_many_connections.
 */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300']);

/** Node socket errors of a database that is not (or no longer) reachable. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** node-postgres's own messages for a connection that broke or could not be made. */
const CONNECTION_MESSAGES = [
  'Connection terminated unexpectedly',
  'Connection terminated due to connection timeout',
  'Client has encountered a connection error and is not queryable',
  'timeout exceeded when trying to connect',
  'Client was closed and is not queryable',
  'Cannot use a pool after calling end on the pool',
];

function chain(error: unknown): ErrorLike[] {
  const errors: ErrorLike[] = [];
  let current: unknown = error;
  // AggregateError (a dual-stack connect refused on ::1 and 127.0.0.1) and `cause` chains.
  while (typeof current === 'object' && current !== null && errors.length < 5) {
    errors.push(current);
    const nested = (current as { errors?: unknown }).errors;
    if (Array.isArray(nested)) errors.push(...(nested as ErrorLike[]).slice(0, 5));
    current = (current as ErrorLike).cause;
  }
  return errors;
}

/** True when `error` means the database could not be reached or refused to serve. */
export function isDatabaseUnavailable(error: unknown): boolean {
  return chain(error).some((e) => {
    const code = typeof e.code === 'string' ? e.code : '';
    if (code.startsWith('08') && code.length === 5) return true;
    if (UNAVAILABLE_STATES.has(code) || SOCKET_CODES.has(code)) return true;
    const message = typeof e.message === 'string' ? e.message : '';
    return CONNECTION_MESSAGES.some((known) => message.includes(known));
  });
}

/** 57014 query_canceled: the statement_timeout (or a cancel request) stopped the statement. */
export function isStatementCancelled(error: unknown): boolean {
  return (error as ErrorLike | null)?.code === '57014';
}

/**
 * 40P01 deadlock_detected, 40001 serialization_failure: the statement lost a race with a
 * concurrent transaction and was rolled back whole; the same request succeeds when sent again.
 */
export function isTransientConflict(error: unknown): boolean {
  const code = (error as ErrorLike | null)?.code;
  return code === '40P01' || code === '40001';
}
