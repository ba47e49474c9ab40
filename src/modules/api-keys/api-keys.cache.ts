import type { Database } from '../../db/connect.ts';
import type { Clock } from '../../lib/clock.ts';
import { type ApiKeyAuthRow, findApiKeyByHash } from './api-keys.repo.ts';

/**
 * Caches key lookups for a short TTL (API_KEY_CACHE_TTL_MS, at most 1 s), so a busy integrator
 * costs one query per key per TTL instead of one per request. The TTL is the bound on how long
 * another process may still accept a key after it was revoked; this process drops its entry at
 * once. Unknown keys are not cached, so random keys cannot fill memory.
 */
export class ApiKeyCache {
  readonly #entries = new Map<string, { row: ApiKeyAuthRow; fetchedAt: number }>();
  readonly #database: Database;
  readonly #clock: Clock;
  readonly #ttlMs: number;

  constructor(database: Database, clock: Clock, ttlMs: number) {
    this.#database = database;
    this.#clock = clock;
    this.#ttlMs = ttlMs;
  }

  async get(keyHash: string): Promise<ApiKeyAuthRow | undefined> {
    const nowMs = this.#clock.now().getTime();
    const cached = this.#entries.get(keyHash);
    if (cached && nowMs - cached.fetchedAt < this.#ttlMs) return cached.row;
    const row = await findApiKeyByHash(this.#database, keyHash);
    if (row) {
      if (this.#entries.size > 10_000) this.#entries.clear();
      this.#entries.set(keyHash, { row, fetchedAt: nowMs });
    } else {
      this.#entries.delete(keyHash);
    }
    return row;
  }

  forgetAll(): void {
    this.#entries.clear();
  }

  /** Drops a key from this process's cache after it was changed or deleted. */
  forget(keyId: number): void {
    for (const [hash, entry] of this.#entries) {
      if (entry.row.id === keyId) this.#entries.delete(hash);
    }
  }
}
