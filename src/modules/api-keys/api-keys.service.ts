import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import { DAILYPLAY_KEY_PATTERN, newDailyPlayKey, sha256Hex } from '../../lib/secrets.ts';
import {
  assertApiTier,
  findOrganization,
  requireName,
  requireOrgRole,
  tierAtLeast,
} from '../organizations/index.ts';
import type { Actor } from '../users/index.ts';
import {
  type ApiKeyAuthRow,
  type ApiKeyPatch,
  type ApiKeyRow,
  deleteApiKey as deleteApiKeyRow,
  insertApiKey,
  listApiKeys as listApiKeyRows,
  listUsage,
  unknownResourceIds,
  updateApiKey as updateApiKeyRow,
  type UsageRow,
} from './api-keys.repo.ts';

/** The key a request authenticated with: its organization is the request's tenant. */
export type ApiKeyContext = ApiKeyAuthRow;

export const INVALID_KEY_MESSAGE = 'Missing, invalid, revoked or expired API key';

export interface ApiKeyFields {
  name?: string | undefined;
  description?: string | null | undefined;
  allowed_game_ids?: number[] | null | undefined;
  allowed_stream_ids?: number[] | null | undefined;
  rate_limit_per_minute?: number | undefined;
  rate_limit_per_day?: number | undefined;
  expires_at?: string | null | undefined;
  is_active?: boolean | undefined;
}

async function checkScopeIds(deps: Deps, orgId: number, fields: ApiKeyFields): Promise<void> {
  const [games, streams] = await Promise.all([
    unknownResourceIds(deps.database.db, orgId, 'games', fields.allowed_game_ids ?? []),
    unknownResourceIds(deps.database.db, orgId, 'streams', fields.allowed_stream_ids ?? []),
  ]);
  if (games.length > 0) {
    throw new AppError(
      'validation_failed',
      `allowed_game_ids has unknown game id(s): ${games.join(', ')}`,
    );
  }
  if (streams.length > 0) {
    throw new AppError(
      'validation_failed',
      `allowed_stream_ids has unknown stream id(s): ${streams.join(', ')}`,
    );
  }
}

/** The service's own checks, so callers other than HTTP (CLI, seed) get the same rules. */
function checkLimits(fields: ApiKeyFields): void {
  for (const [field, value] of [
    ['rate_limit_per_minute', fields.rate_limit_per_minute],
    ['rate_limit_per_day', fields.rate_limit_per_day],
  ] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 1 || value > 100_000_000)) {
      throw new AppError('validation_failed', `${field} must be an integer from 1 to 100000000`);
    }
  }
  const ids = [...(fields.allowed_game_ids ?? []), ...(fields.allowed_stream_ids ?? [])];
  if (ids.some((id) => !Number.isInteger(id) || id < 1 || id > 2_147_483_647)) {
    throw new AppError('validation_failed', 'allowed ids must be positive integers');
  }
}

function parseExpiry(value: string | null | undefined): Date | null | undefined {
  if (value === undefined || value === null) return value;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new AppError('validation_failed', 'expires_at must be an ISO-8601 date-time');
  }
  return date;
}

export async function listApiKeys(deps: Deps, actor: Actor, orgId: number): Promise<ApiKeyRow[]> {
  await requireOrgRole(deps, actor, orgId, 'Admin');
  return listApiKeyRows(deps.database.db, orgId);
}

export async function createApiKey(
  deps: Deps,
  actor: Actor | undefined,
  orgId: number,
  fields: ApiKeyFields & { name: string },
): Promise<ApiKeyRow & { key: string }> {
  // Without an actor the caller is trusted tooling (CLI, seed) acting for the organization.
  const org = actor
    ? (await requireOrgRole(deps, actor, orgId, 'Admin')).org
    : await findOrganization(deps.database.db, orgId);
  if (!org) throw new AppError('not_found', 'Organization not found');
  assertApiTier(deps, org);
  const name = requireName('name', fields.name);
  checkLimits(fields);
  await checkScopeIds(deps, orgId, fields);
  const { key, hash, prefix } = newDailyPlayKey();
  const row = await insertApiKey(deps.database.db, {
    org_id: orgId,
    name,
    description: fields.description ?? null,
    key_hash: hash,
    key_prefix: prefix,
    allowed_game_ids: fields.allowed_game_ids ?? null,
    allowed_stream_ids: fields.allowed_stream_ids ?? null,
    rate_limit_per_minute: fields.rate_limit_per_minute ?? 60,
    rate_limit_per_day: fields.rate_limit_per_day ?? 10_000,
    expires_at: parseExpiry(fields.expires_at) ?? null,
    created_by: actor?.userId ?? null,
  });
  return { ...row, key };
}

export async function updateApiKey(
  deps: Deps,
  actor: Actor,
  orgId: number,
  keyId: number,
  fields: ApiKeyFields,
): Promise<ApiKeyRow> {
  await requireOrgRole(deps, actor, orgId, 'Admin');
  checkLimits(fields);
  await checkScopeIds(deps, orgId, fields);
  const patch: ApiKeyPatch = {};
  if (fields.name !== undefined) patch.name = requireName('name', fields.name);
  if (fields.description !== undefined) patch.description = fields.description;
  if (fields.is_active !== undefined) patch.is_active = fields.is_active;
  if (fields.allowed_game_ids !== undefined) patch.allowed_game_ids = fields.allowed_game_ids;
  if (fields.allowed_stream_ids !== undefined) patch.allowed_stream_ids = fields.allowed_stream_ids;
  if (fields.rate_limit_per_minute !== undefined) {
    patch.rate_limit_per_minute = fields.rate_limit_per_minute;
  }
  if (fields.rate_limit_per_day !== undefined) patch.rate_limit_per_day = fields.rate_limit_per_day;
  const expiresAt = parseExpiry(fields.expires_at);
  if (expiresAt !== undefined) patch.expires_at = expiresAt;
  const row = await updateApiKeyRow(deps.database.db, orgId, keyId, patch, deps.clock.now());
  if (!row) throw new AppError('not_found', 'API key not found');
  deps.apiKeyCache.forget(keyId);
  return row;
}

export async function deleteApiKey(
  deps: Deps,
  actor: Actor,
  orgId: number,
  keyId: number,
): Promise<void> {
  await requireOrgRole(deps, actor, orgId, 'Admin');
  const deleted = await deleteApiKeyRow(deps.database.db, orgId, keyId);
  if (!deleted) throw new AppError('not_found', 'API key not found');
  deps.apiKeyCache.forget(keyId);
}

export async function listApiKeyUsage(
  deps: Deps,
  actor: Actor,
  orgId: number,
  filter: { keyId?: number | undefined; beforeId?: number | undefined; limit: number },
): Promise<{ entries: UsageRow[]; nextCursor: number | null }> {
  await requireOrgRole(deps, actor, orgId, 'Admin');
  // Entries still buffered in this process would otherwise be missing from what Owners read.
  await deps.keyUsage.flush();
  const entries = await listUsage(deps.database.db, orgId, filter);
  const last = entries.at(-1);
  return { entries, nextCursor: entries.length === filter.limit && last ? last.id : null };
}

export type KeyCheck =
  { ok: true; key: ApiKeyContext } | { ok: false; key: ApiKeyContext | undefined; error: AppError };

/**
 * Authenticates a raw `x-api-key` value. Missing, malformed, unknown, inactive and expired keys
 * all get the same 401 message; a known key is returned even when refused, for the audit trail.
 */
export async function authenticateApiKey(deps: Deps, raw: string | undefined): Promise<KeyCheck> {
  const unauthorized = new AppError('unauthorized', INVALID_KEY_MESSAGE);
  if (!raw || !DAILYPLAY_KEY_PATTERN.test(raw))
    return { ok: false, key: undefined, error: unauthorized };
  const key = await deps.apiKeyCache.get(sha256Hex(raw));
  if (!key) return { ok: false, key: undefined, error: unauthorized };
  if (!key.is_active || (key.expires_at && key.expires_at <= deps.clock.now())) {
    return { ok: false, key, error: unauthorized };
  }
  if (!tierAtLeast(key.org_plan_tier, deps.config.apiMinTier)) {
    return {
      ok: false,
      key,
      error: new AppError(
        'plan_required',
        `API access requires a ${deps.config.apiMinTier} tier organization`,
      ),
    };
  }
  return { ok: true, key };
}
