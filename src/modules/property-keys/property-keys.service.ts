import { randomUUID } from 'node:crypto';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import { newPropertyKey, PROPERTY_KEY_PATTERN, sha256Hex } from '../../lib/secrets.ts';
import { requireName } from '../organizations/index.ts';
import { findProperty, isUuid, requirePropertyRole } from '../properties/index.ts';
import type { Actor } from '../users/index.ts';
import {
  findPropertyKeyOwner,
  insertPropertyKey,
  listPropertyKeys as listPropertyKeyRows,
  type PropertyKeyAuthRow,
  type PropertyKeyRow,
  type PropertyScope,
  revokePropertyKey as revokePropertyKeyRow,
} from './property-keys.repo.ts';

export const INVALID_PROPERTY_KEY_MESSAGE = 'Missing, invalid or revoked API key';
export const PROPERTY_SCOPES: readonly PropertyScope[] = ['read', 'write'];
export const DEFAULT_PROPERTY_KEY_RATE_LIMIT = 100;
const MAX_RATE_LIMIT = 100_000;

/** Dedupes and checks requested scopes; none requested means both (the dashboard default). */
function requireScopes(scopes: readonly string[] | undefined): PropertyScope[] {
  if (scopes === undefined) return [...PROPERTY_SCOPES];
  const unique = [...new Set(scopes)];
  if (unique.length === 0 || unique.some((s) => !PROPERTY_SCOPES.includes(s as PropertyScope))) {
    throw new AppError(
      'validation_failed',
      'scopes must be a non-empty subset of ["read","write"]',
    );
  }
  return PROPERTY_SCOPES.filter((scope) => unique.includes(scope));
}

function requireRateLimit(value: number | undefined): number {
  if (value === undefined) return DEFAULT_PROPERTY_KEY_RATE_LIMIT;
  if (!Number.isInteger(value) || value < 1 || value > MAX_RATE_LIMIT) {
    throw new AppError(
      'validation_failed',
      `rate_limit_per_minute must be an integer from 1 to ${MAX_RATE_LIMIT}`,
    );
  }
  return value;
}

export interface CreatePropertyKeyInput {
  propertyId: string;
  name: string;
  scopes?: readonly string[] | undefined;
  rateLimitPerMinute?: number | undefined;
}

/**
 * Issues a pk_ key for a property (Admin or higher of its organization). The key is returned
 * once; only its SHA-256 is stored. Without an actor the caller is trusted tooling (CLI, seed).
 */
export async function createPropertyKey(
  deps: Deps,
  actor: Actor | undefined,
  input: CreatePropertyKeyInput,
): Promise<PropertyKeyRow & { key: string }> {
  let propertyId: string;
  if (actor) {
    propertyId = (await requirePropertyRole(deps, actor, input.propertyId, 'Admin')).id;
  } else {
    const property = isUuid(input.propertyId)
      ? await findProperty(deps.database.db, input.propertyId.toLowerCase())
      : undefined;
    if (!property) throw new AppError('not_found', 'Property not found');
    propertyId = property.id;
  }
  const name = requireName('name', input.name);
  const scopes = requireScopes(input.scopes);
  const rateLimit = requireRateLimit(input.rateLimitPerMinute);
  const { key, hash, prefix } = newPropertyKey();
  const row = await insertPropertyKey(deps.database.db, {
    id: randomUUID(),
    property_id: propertyId,
    name,
    key_hash: hash,
    key_prefix: prefix,
    scopes,
    rate_limit_per_minute: rateLimit,
    created_by: actor?.userId ?? null,
  });
  return { ...row, key };
}

/** The keys of a property, revoked ones included; never the key or its hash. */
export async function listPropertyKeys(
  deps: Deps,
  actor: Actor,
  propertyId: string,
): Promise<PropertyKeyRow[]> {
  const property = await requirePropertyRole(deps, actor, propertyId, 'Admin');
  return listPropertyKeyRows(deps.database.db, property.id);
}

/**
 * Revokes a key (Admin or higher of its property's organization). This process refuses it at
 * once; others within the key cache's TTL (≤ 1 s). Revoking a revoked key changes nothing.
 */
export async function revokePropertyKey(
  deps: Deps,
  actor: Actor,
  keyId: string,
): Promise<PropertyKeyRow> {
  const notFound = 'API key not found';
  const owner = isUuid(keyId)
    ? await findPropertyKeyOwner(deps.database.db, keyId.toLowerCase())
    : undefined;
  if (!owner) throw new AppError('not_found', notFound);
  await requirePropertyRole(deps, actor, owner.property_id, 'Admin', notFound);
  const row = await revokePropertyKeyRow(
    deps.database.db,
    owner.property_id,
    owner.id,
    deps.clock.now(),
  );
  deps.propertyKeyCache.forget(owner.id);
  if (!row) throw new AppError('not_found', notFound);
  return row;
}

/**
 * Authenticates a raw `pk_` key. Malformed, unknown and revoked keys all get the same 401
 * message, so a caller learns nothing about which keys exist.
 */
export async function authenticatePropertyKey(
  deps: Deps,
  raw: string | undefined,
): Promise<PropertyKeyAuthRow> {
  if (!raw || !PROPERTY_KEY_PATTERN.test(raw)) {
    throw new AppError('unauthorized', INVALID_PROPERTY_KEY_MESSAGE);
  }
  const key = await deps.propertyKeyCache.get(sha256Hex(raw));
  if (!key || key.revoked_at) throw new AppError('unauthorized', INVALID_PROPERTY_KEY_MESSAGE);
  return key;
}
