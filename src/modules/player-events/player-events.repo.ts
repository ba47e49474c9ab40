import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { insertEventsSelect } from '../events/index.ts';
import type { PlayerKey } from '../players/index.ts';

// Casino events of a property: every function takes the property first.

export interface PlayerEventRow {
  id: string;
  event_id: string | null;
  player_id: string;
  name: string;
  properties: Record<string, unknown>;
  occurred_at: Date;
  recorded_at: Date;
}

/** One checked event to store; `id` is chosen by the caller (it keys the batch's answer). */
export interface NewPlayerEvent {
  readonly id: string;
  readonly player: PlayerKey;
  readonly name: string;
  readonly properties: Record<string, unknown>;
  readonly occurredAt: Date;
  readonly eventId: string | null;
}

const COLUMNS = sql.raw(
  'e.id, e.event_id, e.player_id, e.name, e.properties, e.occurred_at, e.recorded_at',
);

/** The `player.event` domain event of each row of `ins` (joined to its `target`). */
const domainEvent = insertEventsSelect('player.event', {
  occurredAt: 'ins.occurred_at',
  orgId: 't.org_id',
  propertyId: 'ins.property_id',
  data: `jsonb_build_object(
           'property_id', ins.property_id, 'id', ins.player_id, 'player_id', ins.player_id,
           'casino_player_id', t.casino_ref, 'event_id', ins.id, 'name', ins.name,
           'properties', ins.properties, 'occurred_at', ins.occurred_at)`,
  from: 'ins JOIN target t ON t.id = ins.id',
});

/**
 * Stores the events whose player the property has, in one statement: the player_events rows,
 * their timeline rows (player_activity, `event.<name>`) and their `player.event` domain events
 * commit together or not at all. An event whose `event_id` the property already has is skipped
 * (ON CONFLICT DO NOTHING: of concurrent writers of one key exactly one inserts, the others wait
 * for it and skip), and so is one whose player is not found. Answers the rows inserted.
 *
 * Players are found by PlayLoop id or casino id through two joins, each on a unique index, not
 * one join on `id = … OR player_id = …`. Rows are inserted in event_id order, so two batches
 * sharing keys take their unique-index locks in the same order and cannot deadlock.
 * `event_id`s must be unique within `events` (the service keeps the first).
 */
export async function insertPlayerEvents(
  db: Kysely<DB>,
  propertyId: string,
  orgId: number,
  events: readonly NewPlayerEvent[],
  now: Date,
): Promise<PlayerEventRow[]> {
  if (events.length === 0) return [];
  const input = events.map((event) => ({
    id: event.id,
    player_uuid: 'id' in event.player ? event.player.id : null,
    casino_id: 'playerId' in event.player ? event.player.playerId : null,
    name: event.name,
    properties: event.properties,
    occurred_at: event.occurredAt.toISOString(),
    event_id: event.eventId,
  }));
  const property = sql`CAST(${propertyId} AS uuid)`;
  const { rows } = await sql<PlayerEventRow>`
    WITH input AS (
      SELECT * FROM jsonb_to_recordset(CAST(${JSON.stringify(input)} AS jsonb)) AS i(
        id uuid, player_uuid uuid, casino_id text, name text, properties jsonb,
        occurred_at timestamptz, event_id text)
    ),
    target AS (
      SELECT i.*, coalesce(pu.id, pc.id) AS player_id,
             coalesce(pu.player_id, pc.player_id) AS casino_ref, CAST(${orgId} AS integer) AS org_id
        FROM input i
        LEFT JOIN players pu ON pu.property_id = ${property} AND pu.id = i.player_uuid
        LEFT JOIN players pc ON pc.property_id = ${property} AND pc.player_id = i.casino_id
    ),
    ins AS (
      INSERT INTO player_events AS e
             (property_id, id, player_id, name, properties, occurred_at, event_id, recorded_at)
      SELECT ${property}, t.id, t.player_id, t.name, t.properties, t.occurred_at,
             t.event_id, CAST(${now} AS timestamptz)
        FROM target t
       WHERE t.player_id IS NOT NULL
       ORDER BY t.event_id
      ON CONFLICT (property_id, event_id) DO NOTHING
      RETURNING e.property_id, ${COLUMNS}
    ),
    activity AS (
      INSERT INTO player_activity (property_id, player_id, event_id, type, occurred_at, summary)
      SELECT ins.property_id, ins.player_id, ins.id, 'event.' || ins.name, ins.occurred_at,
             jsonb_build_object('name', ins.name, 'properties', ins.properties)
        FROM ins
    ),
    recorded AS (${sql.raw(domainEvent)})
    SELECT id, event_id, player_id, name, properties, occurred_at, recorded_at FROM ins
  `.execute(db);
  return rows;
}

/** The property's stored events of these idempotency keys. */
export async function findByEventIds(
  db: Kysely<DB>,
  propertyId: string,
  eventIds: readonly string[],
): Promise<PlayerEventRow[]> {
  if (eventIds.length === 0) return [];
  const { rows } = await sql<PlayerEventRow>`
    SELECT ${COLUMNS} FROM player_events e
     WHERE e.property_id = CAST(${propertyId} AS uuid)
       AND e.event_id = ANY(CAST(${[...eventIds]} AS text[]))
  `.execute(db);
  return rows;
}
