import { setTimeout as sleep } from 'node:timers/promises';
import { inspect } from 'node:util';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { DB } from '../../db/schema.ts';

/**
 * The events dispatcher: a loop in each worker process that hands committed events to their
 * consumers and marks them dispatched.
 *
 * One round is one transaction: take up to `batchSize` pending events in `seq` order, locking
 * them (`FOR UPDATE SKIP LOCKED`, so dispatchers in other processes take other events and none
 * waits), call every consumer on each event with that transaction, mark them dispatched,
 * commit. Consumers write through the transaction (a webhook consumer enqueues its delivery
 * jobs with `jobs.send(…, { trx })`), so an event's effects and its dispatched mark commit
 * together: each event is dispatched once, and a crash mid-round leaves it pending. A consumer
 * must do nothing outside the transaction: it may run again after a rollback. On PGlite it must
 * not even query the pool: the transaction holds the only connection.
 *
 * The xid rule: only events whose writing transaction is older than every transaction still
 * running (`xid < pg_snapshot_xmin(pg_current_snapshot())`) are taken, in (xid, seq) order.
 * Every transaction with a smaller xid has ended by then, so no event can later appear before
 * one already dispatched: the order consumers see is one total order, the same in every
 * process. (seq alone is not: a transaction that took a smaller seq can take its xid, and
 * commit, after another's.) Nothing is ever skipped: an event stays pending
 * (`dispatched_at IS NULL`) until a round takes it.
 *
 * A consumer that throws rolls the round back; its event stays pending and the failure is
 * counted (event_dispatch_failures, in a transaction of its own). The events before it are
 * dispatched next round, then it is offered again after a pause that doubles (1 s, 2 s, 4 s…).
 * After `maxFailures` failures of one event in one consumer, that consumer gives up on it (the
 * row records when and why) and the event goes on to the others, so a poison event holds the
 * events behind it back for a few seconds, never forever.
 */

/** A committed event as consumers receive it (the `events` row). */
export interface DispatchedEvent {
  readonly seq: number;
  readonly id: string;
  readonly type: string;
  readonly version: number;
  readonly occurredAt: Date;
  readonly orgId: number | null;
  readonly propertyId: string | null;
  /** The event's `data` (src/modules/events/events.catalog.ts describes each type's). */
  readonly payload: Record<string, unknown>;
}

export type EventConsumer = (event: DispatchedEvent, trx: Transaction<DB>) => Promise<void>;

/** Named consumers, called in the order they were registered. */
export class EventConsumers {
  readonly #byName = new Map<string, EventConsumer>();

  register(name: string, consumer: EventConsumer): void {
    if (this.#byName.has(name)) throw new Error(`event consumer "${name}" is registered twice`);
    this.#byName.set(name, consumer);
  }

  entries(): [string, EventConsumer][] {
    return [...this.#byName.entries()];
  }
}

export interface DispatcherOptions {
  /** The consumers (src/background.ts lists the process's). */
  readonly consumers: EventConsumers;
  /** Idle pause between rounds; a full batch is followed by the next round at once. */
  readonly pollMs: number;
  readonly batchSize?: number;
  readonly maxFailures?: number;
  /** Pause after the first failure of an event; doubled per failure, at most 30 s. */
  readonly failureDelayMs?: number;
  /** Only this organization's events (tests share one database between files). */
  readonly orgId?: number;
}

export interface Round {
  /** Events marked dispatched by this round. */
  readonly dispatched: number;
  readonly full: boolean;
  /** Set when a consumer threw: the round was rolled back. */
  readonly failure?: { readonly seq: number; readonly consumer: string; readonly failures: number };
}

export interface EventDispatcher {
  /** One round (tests drive the dispatcher with it; `start` loops over it). */
  runOnce(): Promise<Round>;
  start(): void;
  /** Ends the loop after the round in progress commits or rolls back. */
  stop(): Promise<void>;
}

interface EventRow {
  seq: number;
  id: string;
  type: string;
  version: number;
  occurred_at: Date;
  org_id: number | null;
  property_id: string | null;
  payload: Record<string, unknown>;
  given_up: string[];
}

class ConsumerFailed extends Error {
  readonly event: EventRow;
  /** The event's position in its round's batch. */
  readonly index: number;
  readonly consumer: string;
  readonly error: unknown;
  constructor(event: EventRow, index: number, consumer: string, error: unknown) {
    super(`event consumer ${consumer} failed on event ${event.seq}`);
    this.event = event;
    this.index = index;
    this.consumer = consumer;
    this.error = error;
  }
}

const MAX_FAILURE_DELAY_MS = 30_000;

export function createEventDispatcher(
  deps: { readonly db: Kysely<DB>; readonly logger: Logger },
  options: DispatcherOptions,
): EventDispatcher {
  const { db, logger } = deps;
  const { consumers } = options;
  const batchSize = options.batchSize ?? 100;
  const maxFailures = options.maxFailures ?? 5;
  const failureDelayMs = options.failureDelayMs ?? 1000;
  const scope = options.orgId === undefined ? sql`` : sql`AND e.org_id = ${options.orgId}`;
  // After a failure at position i of a batch, the next round takes only the i events before it.
  let nextLimit: number | undefined;

  async function anyPending(): Promise<boolean> {
    // One cheap statement (the partial index) instead of a transaction when there is nothing.
    const { rows } = await sql<{ pending: boolean }>`
      SELECT EXISTS (SELECT 1 FROM events e WHERE e.dispatched_at IS NULL ${scope}) AS pending
    `.execute(db);
    return rows[0]?.pending === true;
  }

  async function recordFailure(failed: ConsumerFailed): Promise<number> {
    const message = failed.error instanceof Error ? failed.error.message : inspect(failed.error);
    const { rows } = await sql<{ failures: number; gave_up: boolean }>`
      INSERT INTO event_dispatch_failures AS f (event_seq, consumer, failures, last_error)
      VALUES (${failed.event.seq}, ${failed.consumer}, 1, ${message.slice(0, 2000)})
      ON CONFLICT (event_seq, consumer) DO UPDATE
        SET failures = f.failures + 1,
            last_error = excluded.last_error,
            last_failed_at = now(),
            gave_up_at = CASE WHEN f.failures + 1 >= ${maxFailures} THEN now() END
      RETURNING f.failures, f.gave_up_at IS NOT NULL AS gave_up
    `.execute(db);
    const row = rows[0] ?? { failures: 1, gave_up: false };
    const context = {
      err: failed.error,
      event: failed.event.id,
      seq: failed.event.seq,
      type: failed.event.type,
      consumer: failed.consumer,
      failures: row.failures,
    };
    if (row.gave_up) {
      logger.error(context, 'event consumer gave up on the event after repeated failures');
    } else {
      logger.warn(context, 'event consumer failed; the event will be offered again');
    }
    return row.failures;
  }

  async function runOnce(): Promise<Round> {
    if (!(await anyPending())) return { dispatched: 0, full: false };
    const limit = nextLimit ?? batchSize;
    nextLimit = undefined;
    const registered = consumers.entries();
    try {
      return await db.transaction().execute(async (trx) => {
        const { rows } = await sql<EventRow>`
          SELECT e.seq, e.id, e.type, e.version, e.occurred_at, e.org_id, e.property_id, e.payload,
                 ARRAY(SELECT f.consumer FROM event_dispatch_failures f
                        WHERE f.event_seq = e.seq AND f.gave_up_at IS NOT NULL) AS given_up
            FROM events e
           WHERE e.dispatched_at IS NULL
             AND e.xid < pg_snapshot_xmin(pg_current_snapshot())
             ${scope}
           ORDER BY e.xid, e.seq
           LIMIT ${limit}
             FOR UPDATE OF e SKIP LOCKED
        `.execute(trx);
        for (const [index, row] of rows.entries()) {
          const event: DispatchedEvent = {
            seq: row.seq,
            id: row.id,
            type: row.type,
            version: row.version,
            occurredAt: row.occurred_at,
            orgId: row.org_id,
            propertyId: row.property_id,
            payload: row.payload,
          };
          for (const [name, consume] of registered) {
            if (row.given_up.includes(name)) continue;
            try {
              await consume(event, trx);
            } catch (error) {
              throw new ConsumerFailed(row, index, name, error);
            }
          }
        }
        if (rows.length > 0) {
          await trx
            .updateTable('events')
            .set({ dispatched_at: sql<Date>`now()` })
            .where(
              'seq',
              'in',
              rows.map((row) => row.seq),
            )
            .execute();
        }
        return { dispatched: rows.length, full: rows.length === limit };
      });
    } catch (error) {
      if (!(error instanceof ConsumerFailed)) throw error;
      const failures = await recordFailure(error);
      if (error.index > 0) nextLimit = error.index;
      return {
        dispatched: 0,
        full: false,
        failure: { seq: error.event.seq, consumer: error.consumer, failures },
      };
    }
  }

  let running: Promise<void> | undefined;
  let wake: AbortController | undefined;
  let stopping = false;

  async function loop(): Promise<void> {
    let lastOutageLog = 0;
    let outageDelay = options.pollMs;
    while (!stopping) {
      let pause = options.pollMs;
      try {
        const round = await runOnce();
        outageDelay = options.pollMs;
        if (round.failure) {
          pause =
            nextLimit !== undefined
              ? 0
              : Math.min(failureDelayMs * 2 ** (round.failure.failures - 1), MAX_FAILURE_DELAY_MS);
        } else if (round.full) {
          pause = 0;
        }
      } catch (error) {
        // The database is away (or failing): keep trying, a little slower each time, quietly.
        if (Date.now() - lastOutageLog > 10_000) {
          lastOutageLog = Date.now();
          logger.warn({ err: error }, 'event dispatch round failed; retrying');
        }
        outageDelay = Math.min(outageDelay * 2, 5_000);
        pause = outageDelay;
      }
      if (stopping) break;
      if (pause > 0) {
        wake = new AbortController();
        await sleep(pause, undefined, { signal: wake.signal }).catch(() => undefined);
        wake = undefined;
      }
    }
  }

  return {
    runOnce,
    start() {
      if (running) return;
      stopping = false;
      running = loop();
    },
    async stop() {
      stopping = true;
      wake?.abort();
      await running;
      running = undefined;
    },
  };
}
