import { type Kysely, sql } from 'kysely';
import type { DB } from '../../src/db/schema.ts';
import type { Answer } from './load.ts';
import type { ServerProcess } from './server.ts';

export interface Sent<T> {
  readonly item: T;
  readonly answer: Answer;
}

export interface KillRun<T> {
  /** Every request sent, with its answer (status 0: the connection failed), in answer order. */
  readonly sent: Sent<T>[];
  /** Requests sent and not yet answered at the moment SIGKILL went out. */
  readonly inFlightAtKill: number;
  /** Answers received before SIGKILL went out. */
  readonly answeredBeforeKill: number;
  /** True when `next` ran dry before the kill (the kill was then not mid-stream). */
  readonly ranDry: boolean;
}

/**
 * `clients` loops each send `next()` to the server one request at a time; after `killAfterMs`
 * the server gets SIGKILL mid-stream. Clients stop sending once the kill is decided, and every
 * answer, connection errors included, is kept.
 */
export async function streamThenKill<T>(
  server: ServerProcess,
  options: {
    clients: number;
    killAfterMs: number;
    next: () => T | undefined;
    send: (item: T) => Promise<Answer>;
  },
): Promise<KillRun<T>> {
  const sent: Sent<T>[] = [];
  let killing = false;
  let inFlight = 0;
  let ranDry = false;
  const client = async () => {
    while (!killing) {
      const item = options.next();
      if (item === undefined) {
        ranDry = true;
        return;
      }
      inFlight += 1;
      const answer = await options.send(item);
      inFlight -= 1;
      sent.push({ item, answer });
    }
  };
  const clients = Array.from({ length: options.clients }, client);
  await new Promise((resolve) => setTimeout(resolve, options.killAfterMs));
  killing = true;
  // Read synchronously, right before the signal: nothing can be answered in between.
  const inFlightAtKill = inFlight;
  const answeredBeforeKill = sent.length;
  await server.kill('SIGKILL');
  await Promise.all(clients);
  return { sent, inFlightAtKill, answeredBeforeKill, ranDry };
}

/**
 * Waits until no other connection of this database runs a statement mentioning `table`. A
 * killed client does not stop its statement: PostgreSQL runs it to the end (and commits it)
 * before it notices nobody reads the answer, so counting rows earlier would be a race.
 */
export async function waitForOrphanedStatements(
  db: Kysely<DB>,
  table: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const pattern = `%${table}%`;
  for (;;) {
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid()
         AND state <> 'idle' AND query ILIKE ${pattern}`.execute(db);
    if ((rows[0]?.n ?? 0) === 0) return;
    if (Date.now() > deadline) throw new Error(`statements on ${table} still running`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
