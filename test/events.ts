import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import {
  createEventDispatcher,
  type EventConsumers,
} from '../src/modules/events/events.dispatch.ts';
import { eventEnvelope, type EventType, EVENT_TYPES } from '../src/modules/events/index.ts';
import type { Harness } from './harness.ts';

// Reading the events a test's changes recorded, and checking them against the catalog.

export interface DeliveredEvent {
  id: string;
  type: string;
  version: number;
  occurred_at: string;
  org_id: number | null;
  property_id: string | null;
  data: Record<string, unknown>;
}

/** The tenant's events in write order, as the envelope a consumer receives. */
export async function eventsOf(
  h: Harness,
  tenant: { orgId?: number; propertyId?: string },
  type?: EventType,
): Promise<DeliveredEvent[]> {
  let query = h.deps.database.db
    .selectFrom('events')
    .select(['id', 'type', 'version', 'occurred_at', 'org_id', 'property_id', 'payload'])
    .orderBy('seq');
  if (tenant.orgId !== undefined) query = query.where('org_id', '=', tenant.orgId);
  if (tenant.propertyId !== undefined) query = query.where('property_id', '=', tenant.propertyId);
  if (type !== undefined) query = query.where('type', '=', type);
  const rows = await query.execute();
  return rows.map(({ payload, occurred_at, ...row }) => ({
    ...row,
    occurred_at: occurred_at.toISOString(),
    data: payload,
  }));
}

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);
const validators = new Map<string, ValidateFunction>(
  EVENT_TYPES.map((type) => [type, ajv.compile(eventEnvelope(type))]),
);

/** Asserts the event is a catalog type and valid against its envelope schema. */
export function expectCatalogValid(event: DeliveredEvent): void {
  const validate = validators.get(event.type);
  expect(validate, `${event.type} is not in the catalog`).toBeDefined();
  const valid = validate!(event);
  expect(valid, `${event.type}: ${ajv.errorsText(validate!.errors)}`).toBe(true);
}

/** The tenant's only event of `type`, checked against the catalog. */
export async function onlyEvent(
  h: Harness,
  tenant: { orgId?: number; propertyId?: string },
  type: EventType,
): Promise<DeliveredEvent> {
  const events = await eventsOf(h, tenant, type);
  expect(events, `events of type ${type}`).toHaveLength(1);
  const event = events[0]!;
  expectCatalogValid(event);
  return event;
}

/**
 * Runs a dispatcher scoped to one organization until none of its events is pending. Events wait
 * for every older open transaction of the cluster, so on PostgreSQL another test file's
 * transaction can hold them back a moment: a round that dispatches nothing is not the end.
 */
export async function drainEvents(
  h: Harness,
  orgId: number,
  consumers: EventConsumers,
  timeoutMs = 10_000,
): Promise<void> {
  const dispatcher = createEventDispatcher(
    { db: h.deps.database.db, logger: h.deps.logger },
    { consumers, orgId, pollMs: 10 },
  );
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { failure, dispatched } = await dispatcher.runOnce();
    if (failure) {
      const logged = h
        .logs()
        .split('\n')
        .filter((line) => line.includes('event consumer'))
        .at(-1);
      throw new Error(`a consumer failed on event ${failure.seq}: ${logged ?? ''}`);
    }
    if (dispatched > 0) continue;
    const pending = await h.deps.database.db
      .selectFrom('events')
      .select('seq')
      .where('org_id', '=', orgId)
      .where('dispatched_at', 'is', null)
      .limit(1)
      .execute();
    if (pending.length === 0) return;
    if (Date.now() > deadline) throw new Error(`events of organization ${orgId} still pending`);
    await sleep(20);
  }
}
