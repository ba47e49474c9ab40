import type { Database } from '../../db/connect.ts';
import type { Clock } from '../../lib/clock.ts';
import { KeyLookupCache } from '../../lib/key-lookup-cache.ts';
import { findPropertyKeyByHash, type PropertyKeyAuthRow } from './property-keys.repo.ts';

/**
 * pk_ key lookups by hash, cached briefly (see KeyLookupCache). Revoked keys are cached too
 * (the row says so, and they are refused cheaply).
 */
export class PropertyKeyCache extends KeyLookupCache<string, PropertyKeyAuthRow> {
  constructor(database: Database, clock: Clock, ttlMs: number) {
    super((hash) => findPropertyKeyByHash(database, hash), clock, ttlMs);
  }
}
