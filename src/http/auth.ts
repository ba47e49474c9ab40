import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { Deps } from '../deps.ts';
import { AppError } from '../lib/errors.ts';
import { authenticateApiKey, type ApiKeyContext } from '../modules/api-keys/index.ts';
import { authenticateBearer, type UserRow } from '../modules/users/index.ts';

declare module 'fastify' {
  interface FastifyRequest {
    user: UserRow | undefined;
    apiKey: ApiKeyContext | undefined;
    /** Set once a known key was presented; the response is then written to the audit trail. */
    apiKeyAudit: { key: ApiKeyContext; action: string } | undefined;
  }
}

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** Dashboard routes: a PlayLoop login token or an external OIDC JWT as `Authorization: Bearer`. */
export function requireUser(deps: Deps): onRequestAsyncHookHandler {
  return async (request) => {
    const token = bearerToken(request);
    if (!token)
      throw new AppError('unauthorized', 'Missing bearer token (Authorization: Bearer …)');
    request.user = await authenticateBearer(deps, token);
  };
}

export function currentUser(request: FastifyRequest): UserRow {
  if (!request.user) throw new AppError('unauthorized', 'Not authenticated');
  return request.user;
}

export function currentApiKey(request: FastifyRequest): ApiKeyContext {
  if (!request.apiKey) throw new AppError('unauthorized', 'Not authenticated');
  return request.apiKey;
}

function setRateHeaders(reply: FastifyReply, limit: number, remaining: number, reset: number) {
  reply.header('RateLimit-Limit', limit);
  reply.header('RateLimit-Remaining', remaining);
  reply.header('RateLimit-Reset', reset);
}

/**
 * Server-to-server routes: `x-api-key: dpk_…`, then the key's per-minute and per-day limits.
 * Authentication runs before the body is parsed, so refused callers cost no parsing.
 */
export function requireApiKey(deps: Deps, action: string): onRequestAsyncHookHandler {
  return async (request, reply) => {
    const raw = request.headers['x-api-key'];
    const check = await authenticateApiKey(deps, typeof raw === 'string' ? raw : undefined);
    if (check.key) request.apiKeyAudit = { key: check.key, action };
    if (!check.ok) throw check.error;
    const key = check.key;
    const decision = await deps.rateLimiter.take(`key:${key.id}`, [
      { name: 'minute', limit: key.rate_limit_per_minute, windowMs: 60_000 },
      { name: 'day', limit: key.rate_limit_per_day, windowMs: 86_400_000 },
    ]);
    if (!decision.allowed) {
      setRateHeaders(reply, decision.limit, 0, decision.retryAfterSeconds);
      reply.header('Retry-After', decision.retryAfterSeconds);
      throw new AppError(
        'rate_limited',
        `Rate limit exceeded: ${decision.limit} requests per ${decision.window}`,
        { retry_after: decision.retryAfterSeconds, window: decision.window },
      );
    }
    setRateHeaders(reply, decision.limit, decision.remaining, decision.resetSeconds);
    request.apiKey = key;
  };
}

function auditOutcome(status: number): string {
  if (status < 400) return 'success';
  if (status === 401) return 'rejected';
  if (status === 403) return 'forbidden';
  if (status === 429) return 'rate_limited';
  return status < 500 ? 'client_error' : 'server_error';
}

/** Writes every request made with a known API key to the audit trail (batched). */
export function recordApiKeyUse(deps: Deps) {
  return (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    const audit = request.apiKeyAudit;
    if (audit) {
      deps.keyUsage.record({
        orgId: audit.key.org_id,
        apiKeyId: audit.key.id,
        keyPrefix: audit.key.key_prefix,
        action: audit.action,
        outcome: auditOutcome(reply.statusCode),
        statusCode: reply.statusCode,
        clientIp: request.ip || null,
        at: deps.clock.now(),
      });
    }
    done();
  };
}
