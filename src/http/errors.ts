import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { isDatabaseUnavailable, isStatementCancelled, isTransientConflict } from '../db/errors.ts';
import type { DatabaseOutageLog } from '../db/outage.ts';
import { AppError, type ErrorCode } from '../lib/errors.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Counts and logs (once) requests refused while the database is unavailable. */
    databaseOutage: DatabaseOutageLog | undefined;
  }
}

/** Seconds a client is told to wait after a 503 for an unavailable database. */
export const DATABASE_RETRY_AFTER_SECONDS = 1;

/** The one code → status table. */
export const STATUS_OF: Readonly<Record<ErrorCode, number>> = {
  bad_request: 400,
  validation_failed: 400,
  invalid_json: 400,
  unsupported_media_type: 415,
  payload_too_large: 413,
  headers_too_large: 431,
  request_timeout: 408,
  unauthorized: 401,
  forbidden: 403,
  plan_required: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  session_gone: 410,
  invitation_gone: 410,
  // A property's storage quota (rows or bytes) is used up: writes are refused until it is raised.
  quota_exceeded: 403,
  // The query ran past the statement time budget: narrowing it helps, retrying it as is does not.
  query_too_expensive: 400,
  rate_limited: 429,
  service_unavailable: 503,
  internal: 500,
};

/**
 * DailyPlay's documented error envelope `{ success: false, error }`, with machine-readable
 * fields beside it so existing clients keep working.
 */
export const ErrorEnvelope = Type.Object(
  {
    success: Type.Literal(false),
    error: Type.String({ description: 'Human-readable description of what went wrong' }),
    code: Type.String({ description: 'Stable machine-readable error code' }),
    request_id: Type.String({ description: 'Identifier of this request, also in the logs' }),
    retry_after: Type.Optional(
      Type.Integer({
        description:
          'Seconds to wait before retrying (429, and 503 while the database is unavailable)',
      }),
    ),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { $id: 'ErrorResponse', description: 'Error envelope' },
);

export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  code: ErrorCode,
  message: string,
  details?: Record<string, unknown>,
): FastifyReply {
  const body: Record<string, unknown> = {
    success: false,
    error: message,
    code,
    request_id: String(request.id),
  };
  if (details) {
    const { retry_after: retryAfter, ...rest } = details;
    if (typeof retryAfter === 'number') {
      body.retry_after = retryAfter;
      // Every answer that says when to retry says it in the standard header too.
      reply.header('Retry-After', retryAfter);
    }
    if (Object.keys(rest).length > 0) body.details = rest;
  }
  return reply.code(STATUS_OF[code]).send(body);
}

/**
 * The message of a failed schema validation: the first error, naming the field. Routes and the
 * MCP tools (which validate their arguments with the same validator) both say it this way.
 */
export function validationMessage(
  errors: readonly { instancePath?: string; message?: string | undefined; params?: unknown }[],
  where: string,
): string {
  const first = errors[0];
  const path = first?.instancePath ? first.instancePath.slice(1).replaceAll('/', '.') : '';
  const params = first?.params as
    { missingProperty?: string; additionalProperty?: string } | undefined;
  const extra = params?.additionalProperty;
  const field = params?.missingProperty ?? (extra ? [path, extra].filter(Boolean).join('.') : path);
  return field
    ? `Invalid ${where}: ${field} ${first?.message ?? 'is invalid'}`
    : `Invalid ${where}: ${first?.message ?? 'is invalid'}`;
}

function fromFastifyError(error: FastifyError): { code: ErrorCode; message: string } | undefined {
  if (error.validation) {
    const message = validationMessage(error.validation, error.validationContext ?? 'request');
    return { code: 'validation_failed', message };
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { code: 'invalid_json', message: 'Request body is not valid JSON' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { code: 'unsupported_media_type', message: 'Content-Type must be application/json' };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { code: 'payload_too_large', message: 'Request body is too large' };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { code: 'bad_request', message: 'Content-Length does not match the body' };
    case 'FST_ERR_BAD_URL':
      return { code: 'bad_request', message: 'The URL path is not valid percent-encoded UTF-8' };
    // A path segment over the router's maxParamLength (100) cannot name anything: like any
    // unknown path, it is not found.
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return { code: 'not_found', message: 'Route not found (a path segment is too long)' };
    default:
      break;
  }
  if (error instanceof SyntaxError) {
    return { code: 'invalid_json', message: 'Request body is not valid JSON' };
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return { code: status === 404 ? 'not_found' : 'bad_request', message: error.message };
  }
  return undefined;
}

export function errorHandler(
  error: FastifyError | AppError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  if (error instanceof AppError) {
    return sendError(request, reply, error.code, error.message, error.details);
  }
  const mapped = fromFastifyError(error);
  if (mapped) return sendError(request, reply, mapped.code, mapped.message);
  if (isStatementCancelled(error)) {
    return sendError(
      request,
      reply,
      'query_too_expensive',
      'The query took longer than the database allows and was stopped: narrow the filters, ask for fewer rows or count=planned|none',
    );
  }
  if (isDatabaseUnavailable(error)) {
    // Logged once per outage (db/outage.ts), not once per request.
    request.server.databaseOutage?.refused(error);
    return sendError(
      request,
      reply,
      'service_unavailable',
      'The database is temporarily unavailable; retry shortly',
      { retry_after: DATABASE_RETRY_AFTER_SECONDS },
    );
  }
  if (isTransientConflict(error)) {
    // Rolled back whole, so nothing was written: the client may simply send it again.
    request.log.warn({ err: error }, 'transaction lost a race with a concurrent one');
    return sendError(
      request,
      reply,
      'service_unavailable',
      'The request collided with a concurrent write and was not applied; retry it',
      { retry_after: DATABASE_RETRY_AFTER_SECONDS },
    );
  }
  request.log.error({ err: error }, 'unhandled error');
  return sendError(request, reply, 'internal', 'Internal server error');
}

/**
 * Requests Node's HTTP parser refuses (malformed request line or header, head over 16 KiB,
 * too slow to arrive) never reach a route or the error handler: the envelope is written straight
 * on the socket, which is then closed, as the rest of its bytes cannot be trusted.
 */
export function clientErrorHandler(
  this: FastifyInstance,
  error: Error & { code?: string },
  socket: Socket,
): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [code, message]: [ErrorCode, string] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? ['headers_too_large', 'Request headers are too large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? ['request_timeout', 'The request took too long to arrive']
        : ['bad_request', 'Malformed HTTP request'];
  const status = STATUS_OF[code];
  const requestId = randomUUID();
  // Not the error itself: its rawPacket holds the request's bytes, credentials included.
  this.log.debug({ code: error.code, request_id: requestId }, 'client error');
  const body = JSON.stringify({ success: false, error: message, code, request_id: requestId });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
