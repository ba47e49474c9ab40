import type { Database } from '../../db/connect.ts';
import type { Clock } from '../../lib/clock.ts';
import { findPropertyKeyByHash, type PropertyKeyAuthRow } from './property-keys.repo.ts';

/**
 * Caches pk_ key lookups for a short TTL (API_KEY_CACHE_TTL_MS, at most 1 s): one query per key
 * per TTL instead of one per request. The TTL bounds how long another process may still accept
 * a revoked key; this process drops the entry at once (`forget`). Revoked keys are cached too
 * (refused cheaply); unknown keys are not, so random keys cannot fill memory.
 */
export class PropertyKeyCache {
  readonly #entries = new Map<string, { row: PropertyKeyAuthRow; fetchedAt: number }>();
  readonly #database: Database;
  readonly #clock: Clock;
  readonly #ttlMs: number;

  constructor(database: Database, clock: Clock, ttlMs: number) {
    this.#database = database;
    this.#clock = clock;
    this.#ttlMs = ttlMs;
  }

  async get(keyHash: string): Promise<PropertyKeyAuthRow | undefined> {
    const nowMs = this.#clock.now().getTime();
    const cached = this.#entries.get(keyHash);
    if (cached && nowMs - cached.fetchedAt < this.#ttlMs) return cached.row;
    const row = await findPropertyKeyByHash(this.#database, keyHash);
    if (row) {
      if (this.#entries.size > 10_000) this.#entries.clear();
      this.#entries.set(keyHash, { row, fetchedAt: nowMs });
    } else {
      this.#entries.delete(keyHash);
    }
    return row;
  }

  /** Drops a key from this process's cache after it was revoked or changed. */
  forget(keyId: string): void {
    for (const [hash, entry] of this.#entries) {
      if (entry.row.id === keyId) this.#entries.delete(hash);
    }
  }
}
