import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { EVENT_CATALOG, type EventData, type EventType } from './events.catalog.ts';

type Executor = Kysely<DB> | Transaction<DB>;

/** One event to record; `occurredAt` defaults to the database's transaction time. */
export type NewEvent = {
  [T in EventType]: {
    type: T;
    orgId: number;
    /** Set for the PlayerOS (property-scoped) types, null or absent otherwise. */
    propertyId?: string | null;
    occurredAt?: Date;
    data: EventData<T>;
  };
}[EventType];

/**
 * Records events through `db`: pass the transaction that makes their change, so the events
 * commit or roll back with it. One statement for any number of events.
 */
export async function insertEvents(db: Executor, events: readonly NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db
    .insertInto('events')
    .values(
      events.map((event) => ({
        type: event.type,
        version: EVENT_CATALOG[event.type].version,
        org_id: event.orgId,
        property_id: event.propertyId ?? null,
        payload: JSON.stringify(event.data),
        ...(event.occurredAt ? { occurred_at: event.occurredAt } : {}),
      })),
    )
    .execute();
}
