import type { Logger } from 'pino';
import type { Database } from '../../db/connect.ts';
import type { Clock } from '../../lib/clock.ts';
import { touchPropertyKeysLastUsed } from './property-keys.repo.ts';

const FLUSH_INTERVAL_MS = 1000;
const TOUCH_EVERY_MS = 60_000;

/**
 * Records when pk_ keys were last used without a write per request: a key is queued at most
 * once a minute per process, and queued keys are written in one statement per second, off the
 * request path. The SQL also moves last_used_at at most once a minute, across processes.
 */
export class PropertyKeyUsageRecorder {
  readonly #queuedAt = new Map<string, number>();
  #pending = new Map<string, Date>();
  #flushing: Promise<void> | undefined;
  readonly #timer: NodeJS.Timeout;
  readonly #database: Database;
  readonly #clock: Clock;
  readonly #logger: Logger;

  constructor(database: Database, clock: Clock, logger: Logger) {
    this.#database = database;
    this.#clock = clock;
    this.#logger = logger;
    this.#timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.#timer.unref();
  }

  touch(keyId: string): void {
    const now = this.#clock.now();
    const last = this.#queuedAt.get(keyId);
    if (last !== undefined && now.getTime() - last < TOUCH_EVERY_MS) return;
    if (this.#queuedAt.size > 100_000) this.#queuedAt.clear();
    this.#queuedAt.set(keyId, now.getTime());
    this.#pending.set(keyId, now);
  }

  /** Writes everything queued so far; concurrent calls share one write. */
  async flush(): Promise<void> {
    while (this.#flushing) await this.#flushing;
    if (this.#pending.size === 0) return;
    const batch = this.#pending;
    this.#pending = new Map();
    this.#flushing = touchPropertyKeysLastUsed(this.#database.db, batch)
      .catch((error: unknown) => {
        // Losing a last-used time is harmless; the next use a minute later writes it again.
        for (const id of batch.keys()) this.#queuedAt.delete(id);
        this.#logger.warn({ err: String(error) }, 'pk_ key last_used_at write failed');
      })
      .finally(() => {
        this.#flushing = undefined;
      });
    await this.#flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
  }
}
