import type { Logger } from 'pino';
import type { Database } from '../../db/connect.ts';
import {
  insertUsageBatch,
  type RefusalTally,
  touchLastUsed,
  upsertRefusalTallies,
  type UsageEntry,
} from './api-keys.repo.ts';

const FLUSH_INTERVAL_MS = 1000;
const FLUSH_AT_ENTRIES = 500;
const MAX_BUFFERED = 100_000;
const MINUTE_MS = 60_000;

function tallyKey(entry: UsageEntry): string {
  return [entry.apiKeyId, entry.action, entry.outcome, entry.statusCode, entry.at.getTime()].join(
    '|',
  );
}

/**
 * Buffers API key audit entries and writes them in batches, off the request path, together
 * with last_used_at (which the SQL moves at most once a minute). A failed write is retried with
 * the next batch; past MAX_BUFFERED the oldest entries are dropped and the loss is logged.
 *
 * Refusals at the gate (`recordRefusal`) are not buffered one by one: they are counted in
 * memory per key, action, outcome, status and minute, and each flush adds the counts to one row
 * per minute. Memory and rows are then bounded by the keys that exist, not by the request rate.
 */
export class ApiKeyUsageRecorder {
  #buffer: UsageEntry[] = [];
  #tallies = new Map<string, RefusalTally>();
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

  /** Counts a refused request into its minute's aggregated row (written by the next flush). */
  recordRefusal(entry: UsageEntry): void {
    const minute = new Date(Math.floor(entry.at.getTime() / MINUTE_MS) * MINUTE_MS);
    this.#tally({ ...entry, at: minute, count: 1 });
  }

  #tally(tally: RefusalTally): void {
    const key = tallyKey(tally);
    const seen = this.#tallies.get(key);
    if (seen) {
      seen.count += tally.count;
      return;
    }
    if (this.#tallies.size >= MAX_BUFFERED) {
      this.#logger.error({ key: tally.keyPrefix }, 'api key refusal tallies full, refusal dropped');
      return;
    }
    this.#tallies.set(key, { ...tally });
  }

  /** Writes everything buffered so far; concurrent calls share one write. */
  async flush(): Promise<void> {
    while (this.#flushing) await this.#flushing;
    if (this.#buffer.length === 0 && this.#tallies.size === 0) return;
    const batch = this.#buffer;
    const tallies = [...this.#tallies.values()];
    this.#buffer = [];
    this.#tallies = new Map();
    this.#flushing = this.#write(batch, tallies).finally(() => {
      this.#flushing = undefined;
    });
    await this.#flushing;
  }

  async #write(batch: UsageEntry[], tallies: RefusalTally[]): Promise<void> {
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
    // After the batch, so a minute's first refusal is listed after the requests before it.
    try {
      await upsertRefusalTallies(this.#database.db, tallies);
    } catch (error) {
      // The failed statement changed nothing: the counts go back into the next flush.
      for (const tally of tallies) this.#tally(tally);
      this.#logger.warn({ err: String(error) }, 'api key refusal tallies not written, will retry');
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
  }
}
