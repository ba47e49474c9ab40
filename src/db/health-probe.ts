import pg from 'pg';

/**
 * Readiness's own PostgreSQL connection, kept apart from the pool: a pool saturated by slow
 * statements is a busy database, not a dead one, and a `SELECT 1` queued behind them would
 * say "does not answer" about a database that answers at once. One client, connected on first
 * use and again after any failure; concurrent pings share the one in flight.
 */
export class HealthProbe {
  readonly #config: pg.ClientConfig;
  #client: pg.Client | undefined;
  #inFlight: Promise<void> | undefined;

  constructor(url: string) {
    this.#config = {
      connectionString: url,
      // The probe itself must never hang: a connect or a SELECT 1 past this is a failure.
      connectionTimeoutMillis: 2000,
      statement_timeout: 2000,
      application_name: 'playloop-health',
    };
  }

  /** Resolves when the database answers `SELECT 1` within `timeoutMs`, else rejects. */
  ping(timeoutMs: number): Promise<void> {
    this.#inFlight ??= this.#ping(timeoutMs).finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  async #ping(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.#select(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
    } catch (error) {
      this.#drop();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  async #select(): Promise<void> {
    if (!this.#client) {
      const client = new pg.Client(this.#config);
      // A broken connection is noticed by the next ping; it must not crash the process.
      client.on('error', () => this.#drop(client));
      this.#client = client;
      await client.connect();
    }
    await this.#client.query('SELECT 1');
  }

  #drop(client = this.#client): void {
    if (!client) return;
    if (this.#client === client) this.#client = undefined;
    client.end().catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.#inFlight?.catch(() => undefined);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }
}
