import { randomUUID } from 'node:crypto';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import { playerKey } from '../players/index.ts';
import * as repo from './player-events.repo.ts';
import type { NewPlayerEvent, PlayerEventRow } from './player-events.repo.ts';

/*
 * Casino events (issue 14): the casino tells PlayLoop what its players did. An event is stored
 * once per idempotency key (`event_id`) and property, lands on the player's timeline and writes
 * a `player.event` domain event, all in one statement (player-events.repo.ts). A batch is the
 * same statement over all its events: one round trip (two when some keys were already stored).
 */

export const MAX_BATCH_EVENTS = 500;
export const MAX_PROPERTIES_BYTES = 8 * 1024;
export const MAX_PROPERTIES_KEYS = 50;
/** Clocks drift: an event a few minutes ahead of ours is accepted, further is a client bug. */
export const MAX_FUTURE_MS = 5 * 60_000;

/** The tenant an event is recorded in, from the credential. */
export interface EventTenant {
  readonly propertyId: string;
  readonly orgId: number;
}

/** One event as the API takes it (schema-checked by the route). */
export interface EventInput {
  player_id: string;
  name: string;
  properties?: Record<string, unknown> | undefined;
  occurred_at?: string | undefined;
  event_id?: string | undefined;
}

export interface PlayerEvent extends PlayerEventRow {
  duplicate: boolean;
}

export type BatchItem =
  | { index: number; status: 'created' | 'duplicate'; id: string }
  | { index: number; status: 'error'; error: { code: string; message: string } };

const invalid = (field: string, message: string) =>
  new AppError('validation_failed', `${field} ${message}`, { field });

const playerNotFound = () => new AppError('not_found', 'Player not found');

/** The rules the schema cannot say: properties' serialized size, occurred_at's window. */
function checkEvent(input: EventInput, now: Date): NewPlayerEvent {
  const properties = input.properties ?? {};
  if (Buffer.byteLength(JSON.stringify(properties)) > MAX_PROPERTIES_BYTES) {
    throw invalid('properties', `must be at most ${MAX_PROPERTIES_BYTES} bytes of JSON`);
  }
  let occurredAt = now;
  if (input.occurred_at !== undefined) {
    occurredAt = new Date(input.occurred_at);
    if (Number.isNaN(occurredAt.getTime())) throw invalid('occurred_at', 'is not a date-time');
    if (occurredAt.getTime() > now.getTime() + MAX_FUTURE_MS) {
      throw invalid(
        'occurred_at',
        `must not be more than ${MAX_FUTURE_MS / 60_000} minutes in the future`,
      );
    }
    const yearAgo = new Date(now);
    yearAgo.setUTCFullYear(yearAgo.getUTCFullYear() - 1);
    if (occurredAt < yearAgo) throw invalid('occurred_at', 'must not be more than a year ago');
  }
  return {
    id: randomUUID(),
    player: playerKey(input.player_id),
    name: input.name,
    properties,
    occurredAt,
    eventId: input.event_id ?? null,
  };
}

type Outcome = { row: PlayerEventRow; duplicate: boolean } | { error: AppError };

/**
 * Stores the checked events (event_ids unique among them) and answers each one's outcome: the
 * row stored now, the row stored earlier with its event_id (a duplicate, whatever else this
 * one says), or not_found for a player the property does not have.
 */
async function store(
  deps: Deps,
  tenant: EventTenant,
  events: readonly NewPlayerEvent[],
): Promise<Map<string, Outcome>> {
  const db = deps.database.db;
  const now = deps.clock.now();
  const created = new Map(
    (await repo.insertPlayerEvents(db, tenant.propertyId, tenant.orgId, events, now)).map((row) => [
      row.id,
      row,
    ]),
  );
  const skipped = events.filter((event) => !created.has(event.id));
  // A second statement, so it sees the keys a concurrent writer committed after the first began.
  const stored = new Map(
    (
      await repo.findByEventIds(
        db,
        tenant.propertyId,
        skipped.flatMap((event) => (event.eventId === null ? [] : [event.eventId])),
      )
    ).map((row) => [row.event_id, row]),
  );
  const outcomes = new Map<string, Outcome>();
  for (const event of events) {
    const row = created.get(event.id);
    const earlier = event.eventId === null ? undefined : stored.get(event.eventId);
    if (row) outcomes.set(event.id, { row, duplicate: false });
    else if (earlier) outcomes.set(event.id, { row: earlier, duplicate: true });
    // Not stored and no earlier event of its key: the player was not found (or, rarely, the
    // event that held the key was deleted with its player meanwhile).
    else outcomes.set(event.id, { error: playerNotFound() });
  }
  return outcomes;
}

/**
 * `POST /api/events`: stores one event (201), or answers the one stored first with its
 * event_id (`duplicate: true`, 200). An unknown player, or another property's, is 404.
 */
export async function recordPlayerEvent(
  deps: Deps,
  tenant: EventTenant,
  input: EventInput,
): Promise<PlayerEvent> {
  const event = checkEvent(input, deps.clock.now());
  const outcome = (await store(deps, tenant, [event])).get(event.id);
  if (!outcome) throw new Error('no outcome for the event');
  if ('error' in outcome) throw outcome.error;
  return { ...outcome.row, duplicate: outcome.duplicate };
}

/**
 * `POST /api/events/batch`: each event on its own (an unknown player or a refused value is that
 * event's error, the others are stored), in one statement. An event_id repeated within the
 * batch is stored once: the later ones are duplicates of the first valid one.
 */
export async function recordPlayerEventBatch(
  deps: Deps,
  tenant: EventTenant,
  inputs: readonly EventInput[],
): Promise<BatchItem[]> {
  const now = deps.clock.now();
  const checked: (NewPlayerEvent | AppError)[] = inputs.map((input) => {
    try {
      return checkEvent(input, now);
    } catch (error) {
      if (error instanceof AppError) return error;
      throw error;
    }
  });
  const firstOfKey = new Map<string, NewPlayerEvent>();
  const toStore: NewPlayerEvent[] = [];
  for (const item of checked) {
    if (item instanceof AppError) continue;
    if (item.eventId !== null) {
      if (firstOfKey.has(item.eventId)) continue;
      firstOfKey.set(item.eventId, item);
    }
    toStore.push(item);
  }
  const outcomes = await store(deps, tenant, toStore);
  return checked.map((item, index): BatchItem => {
    if (item instanceof AppError) {
      return { index, status: 'error', error: { code: item.code, message: item.message } };
    }
    const first = item.eventId === null ? item : (firstOfKey.get(item.eventId) ?? item);
    const outcome = outcomes.get(first.id);
    if (!outcome) throw new Error('no outcome for the event');
    if ('error' in outcome) {
      return {
        index,
        status: 'error',
        error: { code: outcome.error.code, message: outcome.error.message },
      };
    }
    const duplicate = outcome.duplicate || first !== item;
    return { index, status: duplicate ? 'duplicate' : 'created', id: outcome.row.id };
  });
}
