import type { Clock } from './clock.ts';

/**
 * Caches credential lookups by hash for a short TTL (API_KEY_CACHE_TTL_MS, at most 1 s): a busy
 * integrator costs one query per key per TTL instead of one per request. The TTL bounds how
 * long another process may still accept a revoked key; this process drops an entry at once
 * (`forget`). Unknown keys are not cached, so random keys cannot fill memory.
 */
export class KeyLookupCache<Id, Row extends { id: Id }> {
  readonly #entries = new Map<string, { row: Row; fetchedAt: number }>();
  readonly #lookup: (hash: string) => Promise<Row | undefined>;
  readonly #clock: Clock;
  readonly #ttlMs: number;

  constructor(lookup: (hash: string) => Promise<Row | undefined>, clock: Clock, ttlMs: number) {
    this.#lookup = lookup;
    this.#clock = clock;
    this.#ttlMs = ttlMs;
  }

  async get(hash: string): Promise<Row | undefined> {
    const nowMs = this.#clock.now().getTime();
    const cached = this.#entries.get(hash);
    if (cached && nowMs - cached.fetchedAt < this.#ttlMs) return cached.row;
    const row = await this.#lookup(hash);
    if (row) {
      if (this.#entries.size > 10_000) this.#entries.clear();
      this.#entries.set(hash, { row, fetchedAt: nowMs });
    } else {
      this.#entries.delete(hash);
    }
    return row;
  }

  forgetAll(): void {
    this.#entries.clear();
  }

  /** Drops a key from this process's cache after it was changed, revoked or deleted. */
  forget(id: Id): void {
    for (const [hash, entry] of this.#entries) {
      if (entry.row.id === id) this.#entries.delete(hash);
    }
  }
}
