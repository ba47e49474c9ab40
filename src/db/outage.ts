import type { Logger } from 'pino';

/** How often an ongoing outage probes the database, to log when it is reachable again. */
export const OUTAGE_PROBE_INTERVAL_MS = 1000;

/**
 * Logs a database outage once, not once per refused request: a warning when the first request
 * is refused, then silence while requests keep being refused (they are counted), then one info
 * "database reachable again" with the count when a probe (`ping`, off the pool) next answers.
 * A restart under load refuses hundreds of requests within a second; one line each would bury
 * everything else in the log.
 */
export class DatabaseOutageLog {
  readonly #logger: Logger;
  readonly #ping: () => Promise<void>;
  readonly #intervalMs: number;
  #refused = 0;
  #since = 0;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(logger: Logger, ping: () => Promise<void>, intervalMs = OUTAGE_PROBE_INTERVAL_MS) {
    this.#logger = logger;
    this.#ping = ping;
    this.#intervalMs = intervalMs;
  }

  /** True while an outage is being counted. */
  get ongoing(): boolean {
    return this.#refused > 0;
  }

  /** One request was refused because the database is unavailable. */
  refused(error: unknown): void {
    if (this.#refused++ > 0) return;
    this.#since = performance.now();
    this.#logger.warn(
      { err: error instanceof Error ? error.message : String(error) },
      'database unavailable: requests are refused with 503 until it answers again',
    );
    this.#schedule();
  }

  #schedule(): void {
    if (this.#closed) return;
    this.#timer = setTimeout(() => void this.#probe(), this.#intervalMs);
    this.#timer.unref();
  }

  async #probe(): Promise<void> {
    try {
      await this.#ping();
    } catch {
      this.#schedule();
      return;
    }
    const refused = this.#refused;
    const seconds = Math.round((performance.now() - this.#since) / 100) / 10;
    this.#refused = 0;
    this.#logger.info(
      { refused_requests: refused, outage_seconds: seconds },
      'database reachable again',
    );
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
  }
}
