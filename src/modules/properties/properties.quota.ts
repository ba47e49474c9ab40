import type { Config } from '../../config.ts';
import type { Database } from '../../db/connect.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import {
  findPropertyUsage,
  type PropertyUsage,
  recountUsage,
  updatePropertyQuota,
  writeQuotaDefaults,
} from './properties.repo.ts';
import { isUuid } from './properties.service.ts';

/**
 * Per-property storage quota. The database keeps it (migration 20261206130000): triggers on
 * players count every statement's rows and bytes into property_usage, under the usage row's
 * lock, and refuse a statement that would take its property past a limit with this SQLSTATE.
 * This file maps that refusal to `quota_exceeded`, and reads and sets the limits.
 */
export const QUOTA_SQLSTATE = 'PLQ01';

export type QuotaMeasure = 'rows' | 'bytes';

const WHAT: Record<QuotaMeasure, string> = { rows: 'players', bytes: 'bytes of player data' };

/**
 * The `quota_exceeded` error for a write the quota trigger refused, or undefined for any other
 * error: the one place that SQLSTATE becomes an API error. Details are
 * `{ what: 'rows'|'bytes', limit, used, requested }`, `used` being what was stored before the
 * refused write.
 */
export function quotaExceeded(error: unknown): AppError | undefined {
  const pg = error as { code?: unknown; detail?: unknown } | null | undefined;
  if (pg?.code !== QUOTA_SQLSTATE) return undefined;
  let parsed: { what?: unknown; limit?: unknown; used?: unknown; requested?: unknown } = {};
  try {
    parsed = JSON.parse(String(pg.detail)) as typeof parsed;
  } catch {
    // Without details the refusal still stands; the message just says less.
  }
  const what: QuotaMeasure = parsed.what === 'bytes' ? 'bytes' : 'rows';
  const limit = Number(parsed.limit);
  const used = Number(parsed.used);
  const requested = Number(parsed.requested);
  return new AppError(
    'quota_exceeded',
    `The property's storage quota is used up: ${used} of ${limit} ${WHAT[what]} stored and ` +
      `this write needs ${requested} more. Delete players, or ask the operator to raise the quota.`,
    { what, limit, used, requested },
  );
}

/**
 * Writes the install default quota from the configuration, at server start. The database holds
 * the value in force for every process, so all processes of an install must share the
 * setting; a property's own limits (set-quota) are not touched.
 */
export function applyQuotaDefaults(database: Database, config: Config): Promise<void> {
  return writeQuotaDefaults(database.db, config.propertyMaxRows, config.propertyMaxBytes);
}

export interface QuotaInput {
  /** A number sets the property's own limit, null returns it to the install default. */
  maxRows?: number | null | undefined;
  maxBytes?: number | null | undefined;
}

function checkLimit(name: string, value: number | null | undefined): void {
  if (value === undefined || value === null) return;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new AppError('validation_failed', `${name} must be a whole number from 0`);
  }
}

/** A property's usage and the limits in force. */
export async function getPropertyUsage(deps: Deps, propertyId: string): Promise<PropertyUsage> {
  const usage = isUuid(propertyId)
    ? await findPropertyUsage(deps.database.db, propertyId.toLowerCase())
    : undefined;
  if (!usage) throw new AppError('not_found', 'Property not found');
  return usage;
}

/**
 * Sets one property's limits (operators: CLI `property set-quota`). Lowering a limit below
 * what is stored deletes nothing: writes that would grow the property are refused until it is
 * back under the limit.
 */
export async function setPropertyQuota(
  deps: Deps,
  propertyId: string,
  input: QuotaInput,
): Promise<PropertyUsage> {
  checkLimit('max_rows', input.maxRows);
  checkLimit('max_bytes', input.maxBytes);
  const limits: { max_rows?: number | null; max_bytes?: number | null } = {};
  if (input.maxRows !== undefined) limits.max_rows = input.maxRows;
  if (input.maxBytes !== undefined) limits.max_bytes = input.maxBytes;
  if (Object.keys(limits).length > 0 && isUuid(propertyId)) {
    await updatePropertyQuota(deps.database.db, propertyId.toLowerCase(), limits);
  }
  return getPropertyUsage(deps, propertyId);
}

/**
 * Recounts usage from the players table (one property, or every one): for operators after a
 * migration that changes players' columns, or to check the counters. Returns how many
 * properties' counters were off.
 */
export async function recountPropertyUsage(deps: Deps, propertyId?: string): Promise<number> {
  if (propertyId !== undefined) await getPropertyUsage(deps, propertyId);
  return recountUsage(deps.database.db, propertyId?.toLowerCase() ?? null);
}
