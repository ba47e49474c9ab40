import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { Deps } from '../../deps.ts';
import { enforceUserRateLimit, rateLimited, setRateHeaders } from '../../http/rate-guard.ts';
import { AppError } from '../../lib/errors.ts';
import { authenticateApiKey, type ApiKeyContext } from '../api-keys/index.ts';
import { authenticateBearer, type UserRow } from '../users/index.ts';

declare module 'fastify' {
  interface FastifyRequest {
    user: UserRow | undefined;
    apiKey: ApiKeyContext | undefined;
    /**
     * Set once a known key was presented; the response is then written to the audit trail, one
     * row per request, or for a request `refused` at the gate counted into a per-minute row.
     */
    apiKeyAudit: { key: ApiKeyContext; action: string; refused: boolean } | undefined;
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
  return async (request, reply) => {
    const token = bearerToken(request);
    if (!token)
      throw new AppError('unauthorized', 'Missing bearer token (Authorization: Bearer …)');
    request.user = await authenticateBearer(deps, token);
    // Per user, across all their tokens: USER_RATE_LIMIT_PER_MINUTE (429 past it).
    await enforceUserRateLimit(deps, reply, request.user.id);
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

/**
 * Server-to-server routes: `x-api-key: dpk_…` (or `Authorization: Bearer dpk_…` when no
 * x-api-key is sent), then the key's per-minute and per-day limits.
 * Authentication runs before the body is parsed, so refused callers cost no parsing.
 *
 * A known key that is refused (inactive, expired, plan below the API tier) is limited first,
 * with its own per-minute limit in a budget of its own (429 past it), and only then counted in
 * the audit trail, aggregated per minute like requests over the rate limit: a refused key sent
 * in a loop costs one limiter step and one in-memory count per request, and one row a minute.
 */
export function requireApiKey(deps: Deps, action: string): onRequestAsyncHookHandler {
  return async (request, reply) => {
    // `Authorization: Bearer dpk_…` is accepted as well, as for pk_ keys; x-api-key wins.
    const header = request.headers['x-api-key'];
    const raw = header === undefined ? bearerToken(request) : header;
    const check = await authenticateApiKey(deps, typeof raw === 'string' ? raw : undefined);
    if (!check.ok) {
      const refused = check.key;
      if (!refused) throw check.error;
      const refusals = await deps.rateLimiter.take(`key-refused:${refused.id}`, [
        { name: 'minute', limit: refused.rate_limit_per_minute, windowMs: 60_000 },
      ]);
      request.apiKeyAudit = { key: refused, action, refused: true };
      throw refusals.allowed ? check.error : rateLimited(reply, refusals);
    }
    const key = check.key;
    const decision = await deps.rateLimiter.take(`key:${key.id}`, [
      { name: 'minute', limit: key.rate_limit_per_minute, windowMs: 60_000 },
      { name: 'day', limit: key.rate_limit_per_day, windowMs: 86_400_000 },
    ]);
    request.apiKeyAudit = { key, action, refused: !decision.allowed };
    if (!decision.allowed) throw rateLimited(reply, decision);
    setRateHeaders(reply, decision);
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

/**
 * Writes every request made with a known API key to the audit trail (batched); requests refused
 * at the gate are counted into one row per key, action, outcome and minute.
 */
export function recordApiKeyUse(deps: Deps) {
  return (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    const audit = request.apiKeyAudit;
    if (audit) {
      const record = audit.refused ? 'recordRefusal' : 'record';
      deps.keyUsage[record]({
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
