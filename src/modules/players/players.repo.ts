import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { PlayerStatus } from './players.table.ts';
import type { PlayerValues } from './players.validation.ts';

export interface PlayerRow {
  id: string;
  property_id: string;
  player_id: string;
  email: string | null;
  phone: string | null;
  first_name: string | null;
  last_name: string | null;
  status: PlayerStatus;
  tier: string | null;
  adt: number | null;
  coin_in: number | null;
  timezone: string | null;
  state: string | null;
  country: string | null;
  date_of_birth: string | null;
  traits: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = [
  'id',
  'property_id',
  'player_id',
  'email',
  'phone',
  'first_name',
  'last_name',
  'status',
  'tier',
  'adt',
  'coin_in',
  'timezone',
  'state',
  'country',
  'date_of_birth',
  'traits',
  'created_at',
  'updated_at',
] as const;

/** The columns a batch row may carry, in insert order; `traits` and `status` have defaults. */
const UPSERT_COLUMNS = [
  'email',
  'phone',
  'first_name',
  'last_name',
  'status',
  'tier',
  'adt',
  'coin_in',
  'timezone',
  'state',
  'country',
  'date_of_birth',
  'traits',
] as const;

const toRow = (row: Record<(typeof COLUMNS)[number], unknown>) => row as unknown as PlayerRow;

/** Kysely's insert/update shape: JSON goes in as text. */
function dbValues(values: PlayerValues) {
  const { traits, ...rest } = values;
  return traits === undefined ? rest : { ...rest, traits: JSON.stringify(traits) };
}

export async function findPlayer(
  db: Kysely<DB>,
  propertyId: string,
  id: string,
): Promise<PlayerRow | undefined> {
  const row = await db
    .selectFrom('players')
    .select(COLUMNS)
    .where('property_id', '=', propertyId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row && toRow(row);
}

export type NewPlayer = PlayerValues & { id: string; player_id: string };

/** Inserts all rows in one statement (all or none); columns a row lacks take their defaults. */
export async function insertPlayers(
  db: Kysely<DB>,
  propertyId: string,
  rows: readonly NewPlayer[],
  now: Date,
): Promise<PlayerRow[]> {
  const inserted = await db
    .insertInto('players')
    .values(
      rows.map((row) => ({
        ...dbValues(row),
        id: row.id,
        player_id: row.player_id,
        property_id: propertyId,
        created_at: now,
        updated_at: now,
      })),
    )
    .returning(COLUMNS)
    .execute();
  return inserted.map(toRow);
}

export async function updatePlayer(
  db: Kysely<DB>,
  propertyId: string,
  id: string,
  values: PlayerValues,
  now: Date,
): Promise<PlayerRow | undefined> {
  const row = await db
    .updateTable('players')
    .set({ ...dbValues(values), updated_at: now })
    .where('property_id', '=', propertyId)
    .where('id', '=', id)
    .returning(COLUMNS)
    .executeTakeFirst();
  return row && toRow(row);
}

export async function deletePlayer(
  db: Kysely<DB>,
  propertyId: string,
  id: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('players')
    .where('property_id', '=', propertyId)
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/**
 * Upserts by (property_id, player_id) in one statement. The rows travel as one bound JSON
 * array; a new player takes defaults for the fields its row lacks, an existing one keeps them
 * (the row's keys say which fields it sets, so `"email": null` clears while no `email` keeps).
 * Player ids must be unique within `rows` (a row cannot be updated twice in one statement).
 */
export async function upsertPlayers(
  db: Kysely<DB>,
  propertyId: string,
  rows: readonly NewPlayer[],
  now: Date,
): Promise<{ inserted: number; updated: number }> {
  if (rows.length === 0) return { inserted: 0, updated: 0 };
  const input = JSON.stringify(rows);
  const kept = sql.join(
    UPSERT_COLUMNS.map(
      (column) =>
        sql`CASE WHEN i.data ? ${column} THEN excluded.${sql.ref(column)} ELSE p.${sql.ref(column)} END`,
    ),
  );
  const result = await sql<{ inserted: boolean }>`
    WITH input AS (
      SELECT r.data, r.ord FROM jsonb_array_elements(CAST(${input} AS jsonb)) WITH ORDINALITY AS r(data, ord)
    )
    INSERT INTO players AS p
      (id, property_id, player_id, email, phone, first_name, last_name, status, tier, adt, coin_in,
       timezone, state, country, date_of_birth, traits, created_at, updated_at)
    SELECT CAST(i.data->>'id' AS uuid), CAST(${propertyId} AS uuid), i.data->>'player_id',
           i.data->>'email', i.data->>'phone', i.data->>'first_name', i.data->>'last_name',
           COALESCE(i.data->>'status', 'active'), i.data->>'tier',
           CAST(i.data->>'adt' AS numeric), CAST(i.data->>'coin_in' AS numeric),
           i.data->>'timezone', i.data->>'state', i.data->>'country',
           CAST(i.data->>'date_of_birth' AS date), COALESCE(i.data->'traits', '{}'::jsonb),
           ${now}, ${now}
      FROM input i
     ORDER BY i.ord
    ON CONFLICT (property_id, player_id) DO UPDATE SET
      (${sql.join(UPSERT_COLUMNS.map((column) => sql.ref(column)))}, updated_at) = (
        SELECT ${kept}, excluded.updated_at
          FROM input i WHERE i.data->>'player_id' = excluded.player_id
      )
    RETURNING (xmax = 0) AS inserted`.execute(db);
  const inserted = result.rows.filter((row) => row.inserted).length;
  return { inserted, updated: result.rows.length - inserted };
}
