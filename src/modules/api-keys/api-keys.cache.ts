import type { Database } from '../../db/connect.ts';
import type { Clock } from '../../lib/clock.ts';
import { KeyLookupCache } from '../../lib/key-lookup-cache.ts';
import { type ApiKeyAuthRow, findApiKeyByHash } from './api-keys.repo.ts';

/** DailyPlay key lookups by hash, cached briefly (see KeyLookupCache). */
export class ApiKeyCache extends KeyLookupCache<number, ApiKeyAuthRow> {
  constructor(database: Database, clock: Clock, ttlMs: number) {
    super((hash) => findApiKeyByHash(database, hash), clock, ttlMs);
  }
}
