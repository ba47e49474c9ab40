import type { Logger } from 'pino';
import type { Database } from '../../db/connect.ts';
import { insertUsageBatch, touchLastUsed, type UsageEntry } from './api-keys.repo.ts';

const FLUSH_INTERVAL_MS = 1000;
const FLUSH_AT_ENTRIES = 500;
const MAX_BUFFERED = 100_000;

/**
 * Buffers API key audit entries and writes them in batches, off the request path, together
 * with last_used_at (which the SQL moves at most once a minute). A failed write is retried with
 * the next batch; past MAX_BUFFERED the oldest entries are dropped and the loss is logged.
 */
export class ApiKeyUsageRecorder {
  #buffer: UsageEntry[] = [];
  #flushing: Promise<void> | undefined;
  readonly #timer: NodeJS.Timeout;
  readonly #database: Database;
  readonly #logger: Logger;

  constructor(database: Database, logger: Logger) {
    this.#database = database;
    this.#logger = logger;
    this.#timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.#timer.unref();
  }

  record(entry: UsageEntry): void {
    this.#buffer.push(entry);
    if (this.#buffer.length >= FLUSH_AT_ENTRIES) void this.flush();
  }

  /** Writes everything buffered so far; concurrent calls share one write. */
  async flush(): Promise<void> {
    while (this.#flushing) await this.#flushing;
    if (this.#buffer.length === 0) return;
    const batch = this.#buffer;
    this.#buffer = [];
    this.#flushing = this.#write(batch).finally(() => {
      this.#flushing = undefined;
    });
    await this.#flushing;
  }

  async #write(batch: UsageEntry[]): Promise<void> {
    const lastUse = new Map<number, Date>();
    for (const entry of batch) {
      const seen = lastUse.get(entry.apiKeyId);
      if (entry.statusCode < 400 && (!seen || seen < entry.at))
        lastUse.set(entry.apiKeyId, entry.at);
    }
    try {
      await insertUsageBatch(this.#database.db, batch);
      await touchLastUsed(this.#database.db, lastUse);
    } catch (error) {
      // Keys deleted meanwhile break nothing (no foreign key); anything else is retried later.
      this.#buffer = batch.concat(this.#buffer);
      if (this.#buffer.length > MAX_BUFFERED) {
        const dropped = this.#buffer.length - MAX_BUFFERED;
        this.#buffer = this.#buffer.slice(dropped);
        this.#logger.error({ dropped }, 'api key audit buffer full, oldest entries dropped');
      }
      this.#logger.warn({ err: String(error) }, 'api key audit write failed, will retry');
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
  }
}
