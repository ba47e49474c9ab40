import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Kysely, sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onPostgres, openTestDatabase, testConfig } from '../../../test/harness.ts';
import type { Database } from '../../db/connect.ts';
import type { DB } from '../../db/schema.ts';
import {
  createEventDispatcher,
  type DispatcherOptions,
  type EventConsumer,
  EventConsumers,
} from './events.dispatch.ts';

// Each test writes its events under an organization of its own and scopes its dispatchers to it:
// on PostgreSQL other test files write events into the same table at the same time.
const config = testConfig();
const logger = pino({ level: 'silent' });
let database: Database;
/** A table the consumers write to through the dispatch transaction: their "effects". */
const effects = `dispatch_effects_${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  database = await openTestDatabase(config);
  await sql`CREATE TABLE ${sql.table(effects)} (seq bigint NOT NULL, consumer text NOT NULL)`.execute(
    database.db,
  );
});

afterAll(async () => {
  await sql`DROP TABLE ${sql.table(effects)}`.execute(database.db);
  await database.close();
});

async function makeOrg(db: Kysely<DB> = database.db): Promise<number> {
  const slug = `dispatch-${randomBytes(5).toString('hex')}`;
  const org = await db
    .insertInto('organizations')
    .values({ name: slug, slug, type: 'Brand', plan_tier: 'Business' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return org.id;
}

/** Writes `count` events of the organization, one statement; answers their seqs. */
async function writeEvents(orgId: number, count: number, db: Kysely<DB> = database.db) {
  const { rows } = await sql<{ seq: number }>`
    INSERT INTO events (type, org_id, payload)
    SELECT 'test.dispatched', ${orgId}, jsonb_build_object('n', n) FROM generate_series(1, ${count}) n
    RETURNING seq
  `.execute(db);
  return rows.map((row) => row.seq);
}

/** A consumer that records the event as an effect in the dispatch transaction. */
function recording(name: string, seen: number[] = []): EventConsumer {
  return async (event, trx) => {
    seen.push(event.seq);
    await sql`INSERT INTO ${sql.table(effects)} (seq, consumer) VALUES (${event.seq}, ${name})`.execute(
      trx,
    );
  };
}

async function effectCounts(seqs: readonly number[]): Promise<Map<number, number>> {
  const { rows } = await sql<{ seq: number; n: number }>`
    SELECT seq, count(*)::int AS n FROM ${sql.table(effects)}
     WHERE seq = ANY(${[...seqs]}::bigint[]) GROUP BY seq
  `.execute(database.db);
  return new Map(rows.map((row) => [row.seq, row.n]));
}

async function pending(orgId: number): Promise<number[]> {
  const rows = await database.db
    .selectFrom('events')
    .select('seq')
    .where('org_id', '=', orgId)
    .where('dispatched_at', 'is', null)
    .orderBy('seq')
    .execute();
  return rows.map((row) => row.seq);
}

function dispatcher(
  orgId: number,
  consumers: EventConsumers,
  options: Partial<DispatcherOptions> = {},
  db: Kysely<DB> = database.db,
) {
  return createEventDispatcher({ db, logger }, { pollMs: 20, orgId, consumers, ...options });
}

async function drain(run: () => Promise<{ dispatched: number }>, orgId: number) {
  for (let i = 0; i < 500 && (await pending(orgId)).length > 0; i++) {
    const round = await run();
    if (round.dispatched === 0) await sleep(20);
  }
}

describe('the events dispatcher', () => {
  it('gives each event to every consumer once, in seq order, in batches, and marks it dispatched', async () => {
    const orgId = await makeOrg();
    const seqs = await writeEvents(orgId, 25);
    const seenA: number[] = [];
    const seenB: number[] = [];
    const consumers = new EventConsumers();
    consumers.register('a', recording('a', seenA));
    consumers.register('b', recording('b', seenB));
    const d = dispatcher(orgId, consumers, { batchSize: 10 });

    let first = await d.runOnce();
    for (let i = 0; i < 250 && first.dispatched === 0; i++) {
      await sleep(20);
      first = await d.runOnce();
    }
    expect(first).toEqual({ dispatched: 10, full: true });
    await drain(() => d.runOnce(), orgId);

    expect(seenA).toEqual(seqs);
    expect(seenB).toEqual(seqs);
    expect(await pending(orgId)).toEqual([]);
    const counts = await effectCounts(seqs);
    expect(seqs.every((seq) => counts.get(seq) === 2)).toBe(true);
    expect(await d.runOnce()).toEqual({ dispatched: 0, full: false });
  });

  it('offers an event again when a consumer throws, rolling back what its round did', async () => {
    const orgId = await makeOrg();
    const seqs = await writeEvents(orgId, 5);
    const poison = seqs[2];
    let failuresLeft = 2;
    const seen: number[] = [];
    const consumers = new EventConsumers();
    consumers.register('flaky', async (event, trx) => {
      await recording('flaky')(event, trx);
      if (event.seq === poison && failuresLeft-- > 0) throw new Error('receiver busy');
      seen.push(event.seq);
    });
    const d = dispatcher(orgId, consumers);

    // On PostgreSQL another file's open transaction holding a lower seq holds these back a moment.
    let failed = await d.runOnce();
    for (let i = 0; i < 250 && failed.dispatched === 0 && !failed.failure; i++) {
      await sleep(20);
      failed = await d.runOnce();
    }
    expect(failed).toEqual({
      dispatched: 0,
      full: false,
      failure: { seq: poison, consumer: 'flaky', failures: 1 },
    });
    // Rolled back: nothing dispatched, no effect kept, not even of the events before it.
    expect(await pending(orgId)).toEqual(seqs);
    expect((await effectCounts(seqs)).size).toBe(0);
    // The next round takes the events before the failing one, and only those.
    expect(await d.runOnce()).toMatchObject({ dispatched: 2 });
    expect(await d.runOnce()).toMatchObject({ failure: { seq: poison, failures: 2 } });
    await drain(() => d.runOnce(), orgId);

    expect(await pending(orgId)).toEqual([]);
    const counts = await effectCounts(seqs);
    expect(seqs.map((seq) => counts.get(seq))).toEqual([1, 1, 1, 1, 1]);
    const { rows } = await sql<{ failures: number; last_error: string; gave_up: boolean }>`
      SELECT failures, last_error, gave_up_at IS NOT NULL AS gave_up
        FROM event_dispatch_failures WHERE event_seq = ${poison}
    `.execute(database.db);
    expect(rows).toEqual([{ failures: 2, last_error: 'receiver busy', gave_up: false }]);
  });

  it('gives up on an event that keeps failing in one consumer, and the others still get it', async () => {
    const orgId = await makeOrg();
    const seqs = await writeEvents(orgId, 3);
    const poison = seqs[1];
    const consumers = new EventConsumers();
    const seenGood: number[] = [];
    consumers.register('good', recording('good', seenGood));
    consumers.register('broken', async (event, trx) => {
      if (event.seq === poison) throw new Error('cannot handle this one');
      await recording('broken')(event, trx);
    });
    const d = dispatcher(orgId, consumers, { maxFailures: 3 });

    const failures: number[] = [];
    for (let i = 0; i < 20 && (await pending(orgId)).length > 0; i++) {
      const round = await d.runOnce();
      if (round.failure) failures.push(round.failure.failures);
    }

    expect(failures).toEqual([1, 2, 3]);
    expect(await pending(orgId)).toEqual([]);
    // Offered to "good" in every round, kept once: the round that gave up on "broken".
    expect(seenGood.filter((seq) => seq === poison).length).toBeGreaterThan(1);
    const counts = await effectCounts(seqs);
    expect(seqs.map((seq) => counts.get(seq))).toEqual([2, 1, 2]);
    const { rows } = await sql<{ consumer: string; failures: number; gave_up: boolean }>`
      SELECT consumer, failures, gave_up_at IS NOT NULL AS gave_up
        FROM event_dispatch_failures WHERE event_seq = ${poison}
    `.execute(database.db);
    expect(rows).toEqual([{ consumer: 'broken', failures: 3, gave_up: true }]);
  });

  it('loops until stopped, dispatching events written while it runs', async () => {
    const orgId = await makeOrg();
    const seen: number[] = [];
    const consumers = new EventConsumers();
    consumers.register('loop', recording('loop', seen));
    const d = dispatcher(orgId, consumers, { batchSize: 7 });
    d.start();
    const seqs: number[] = [];
    for (let i = 0; i < 5; i++) {
      seqs.push(...(await writeEvents(orgId, 9)));
      await sleep(30);
    }
    for (let i = 0; i < 300 && seen.length < seqs.length; i++) await sleep(20);
    await d.stop();
    expect(seen).toEqual(seqs);
    // Stopped: a later event stays pending.
    const [late] = await writeEvents(orgId, 1);
    await sleep(100);
    expect(await pending(orgId)).toEqual([late]);
  });

  describe.runIf(onPostgres)('on PostgreSQL, with transactions side by side', () => {
    const others: Database[] = [];
    afterAll(async () => {
      await Promise.all(others.map((other) => other.close()));
    });
    async function connection(): Promise<Database> {
      const other = await openTestDatabase(config);
      others.push(other);
      return other;
    }

    it('gives each event to a consumer exactly once with three dispatchers, each in (xid, seq) order', async () => {
      const orgId = await makeOrg();
      const seenBy: number[][] = [[], [], []];
      // Each round's events, by the transaction that took them.
      const rounds = new Map<object, number[]>();
      const dispatchers = await Promise.all(
        seenBy.map(async (seen) => {
          const consumers = new EventConsumers();
          consumers.register('fleet', async (event, trx) => {
            rounds.set(trx, [...(rounds.get(trx) ?? []), event.seq]);
            await recording('fleet', seen)(event, trx);
          });
          return dispatcher(orgId, consumers, { batchSize: 5, pollMs: 5 }, (await connection()).db);
        }),
      );
      dispatchers.forEach((d) => d.start());
      // Writers in parallel, many small transactions, while the dispatchers run.
      const writers = await Promise.all([connection(), connection()]);
      const written = (
        await Promise.all(
          writers.map(async (writer) => {
            const mine: number[] = [];
            for (let i = 0; i < 40; i++) mine.push(...(await writeEvents(orgId, 3, writer.db)));
            return mine;
          }),
        )
      ).flat();
      for (let i = 0; i < 500 && (await pending(orgId)).length > 0; i++) await sleep(20);
      await Promise.all(dispatchers.map((d) => d.stop()));

      const all = seenBy.flat();
      expect(all).toHaveLength(written.length);
      expect(new Set(all)).toEqual(new Set(written));
      const counts = await effectCounts(written);
      expect(written.every((seq) => counts.get(seq) === 1)).toBe(true);
      // Each round in (xid, seq) order: the writing transaction first, then the row.
      const { rows: xids } = await sql<{ seq: number; xid: string }>`
        SELECT seq, xid::text AS xid FROM events WHERE seq = ANY(${written})`.execute(database.db);
      const xidOf = new Map(xids.map((row) => [Number(row.seq), BigInt(row.xid)]));
      const order = (a: number, b: number) => {
        const [xa, xb] = [xidOf.get(a) ?? 0n, xidOf.get(b) ?? 0n];
        return xa === xb ? a - b : xa < xb ? -1 : 1;
      };
      for (const round of rounds.values()) expect(round).toEqual([...round].sort(order));
      // All three took part (with 240 events in rounds of 5, one alone would be a broken lock).
      expect(seenBy.filter((seen) => seen.length > 0).length).toBeGreaterThan(1);
    });

    it('holds back an event committed after an earlier one still being written, then gives both in order', async () => {
      const orgId = await makeOrg();
      const seen: number[] = [];
      const consumers = new EventConsumers();
      consumers.register('order', recording('order', seen));
      const d = dispatcher(orgId, consumers);
      const slow = await connection();

      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let earlier: number | undefined;
      let written!: () => void;
      const wrote = new Promise<void>((resolve) => (written = resolve));
      const open = slow.db.transaction().execute(async (trx) => {
        [earlier] = await writeEvents(orgId, 1, trx);
        written();
        await released;
      });
      await wrote;
      const [later] = await writeEvents(orgId, 1);
      expect(later).toBeGreaterThan(earlier ?? Infinity);

      // The later event is committed, but a transaction older than it is still open.
      expect(await d.runOnce()).toEqual({ dispatched: 0, full: false });
      expect(seen).toEqual([]);
      expect(await pending(orgId)).toEqual([later]);

      release();
      await open;
      await drain(() => d.runOnce(), orgId);
      expect(seen).toEqual([earlier, later]);
    });
  });
});
