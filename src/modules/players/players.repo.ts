import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { PlayerStatus } from './players.table.ts';
import type { PlayerValues } from './players.validation.ts';

export interface PlayerRow {
  id: string;
  property_id: string;
  player_id: string | null;
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
  last_played_at: Date | null;
  plays: number;
  last_score: number | null;
  prizes_won: number;
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
  'last_played_at',
  'plays',
  'last_score',
  'prizes_won',
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

/**
 * How a path names one player: by PlayLoop's `id`, or by the casino's `player_id` (unique
 * within the property, so either names at most one row).
 */
export type PlayerKey = { readonly id: string } | { readonly playerId: string };

const byKey = (key: PlayerKey) =>
  'id' in key ? (['id', key.id] as const) : (['player_id', key.playerId] as const);

export async function findPlayer(
  db: Kysely<DB>,
  propertyId: string,
  key: PlayerKey,
): Promise<PlayerRow | undefined> {
  const [column, value] = byKey(key);
  const row = await db
    .selectFrom('players')
    .select(COLUMNS)
    .where('property_id', '=', propertyId)
    .where(column, '=', value)
    .executeTakeFirst();
  return row && toRow(row);
}

export type NewPlayer = PlayerValues & { id: string; player_id: string | null };

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
  key: PlayerKey,
  values: PlayerValues,
  now: Date,
): Promise<PlayerRow | undefined> {
  const [column, value] = byKey(key);
  const row = await db
    .updateTable('players')
    .set({ ...dbValues(values), updated_at: now })
    .where('property_id', '=', propertyId)
    .where(column, '=', value)
    .returning(COLUMNS)
    .executeTakeFirst();
  return row && toRow(row);
}

export async function deletePlayer(
  db: Kysely<DB>,
  propertyId: string,
  key: PlayerKey,
): Promise<boolean> {
  const [column, value] = byKey(key);
  const result = await db
    .deleteFrom('players')
    .where('property_id', '=', propertyId)
    .where(column, '=', value)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/**
 * Turns the player.* event triggers off for the rest of the transaction (SET LOCAL): a CSV
 * import records one players.imported event per batch instead (migration 20261206170500).
 */
export async function muteRowEvents(trx: Transaction<DB>): Promise<void> {
  await sql`SELECT set_config('playloop.player_events', 'off', true)`.execute(trx);
}

/** How each writable column is read back out of a row of the bound JSON array. */
const FROM_JSON: Record<
  (typeof UPSERT_COLUMNS)[number],
  (row: RawBuilder<unknown>) => RawBuilder<unknown>
> = {
  email: (r) => sql`${r}->>'email'`,
  phone: (r) => sql`${r}->>'phone'`,
  first_name: (r) => sql`${r}->>'first_name'`,
  last_name: (r) => sql`${r}->>'last_name'`,
  status: (r) => sql`${r}->>'status'`,
  tier: (r) => sql`${r}->>'tier'`,
  adt: (r) => sql`CAST(${r}->>'adt' AS numeric)`,
  coin_in: (r) => sql`CAST(${r}->>'coin_in' AS numeric)`,
  timezone: (r) => sql`${r}->>'timezone'`,
  state: (r) => sql`${r}->>'state'`,
  country: (r) => sql`${r}->>'country'`,
  date_of_birth: (r) => sql`CAST(${r}->>'date_of_birth' AS date)`,
  traits: (r) => sql`${r}->'traits'`,
};

/** The writable columns a row sets, in UPSERT_COLUMNS order. */
const setColumns = (row: NewPlayer) => UPSERT_COLUMNS.filter((column) => row[column] !== undefined);

/**
 * Upserts by (property_id, player_id). A row without player_id never conflicts (the unique
 * constraint treats NULLs as distinct), so it is a plain insert. A new player takes defaults for the fields its row
 * lacks, an existing one keeps them (the row's keys say which fields it sets, so `"email":
 * null` clears while no `email` keeps). Rows that set the same fields go in one INSERT, so the
 * update can name exactly those columns (`col = excluded.col`) and no row has to be looked up
 * again per conflict. Several shapes are several INSERTs in one statement (data-modifying
 * CTEs), never a multi-statement transaction: the storage quota trigger locks the property's
 * usage row at the end of a statement until commit, and a transaction holding it while a later
 * statement waits for a player row could deadlock with a concurrent writer of that player.
 * Player ids must be unique within `rows` (a statement cannot update a row twice).
 */
export async function upsertPlayers(
  db: Kysely<DB>,
  propertyId: string,
  rows: readonly NewPlayer[],
  now: Date,
): Promise<{ inserted: number; updated: number }> {
  if (rows.length === 0) return { inserted: 0, updated: 0 };
  const shapes = new Map<
    string,
    { columns: (typeof UPSERT_COLUMNS)[number][]; rows: NewPlayer[] }
  >();
  for (const row of rows) {
    const columns = setColumns(row);
    const key = columns.join(',');
    const shape = shapes.get(key);
    if (shape) shape.rows.push(row);
    else shapes.set(key, { columns, rows: [row] });
  }
  const upsertShape = (
    columns: readonly (typeof UPSERT_COLUMNS)[number][],
    shapeRows: readonly NewPlayer[],
  ) => {
    const r = sql.ref('i.data');
    const updates = [...columns, 'updated_at'].map(
      (column) => sql`${sql.ref(column)} = excluded.${sql.ref(column)}`,
    );
    return sql<{ inserted: boolean }>`
      INSERT INTO players AS p (id, property_id, player_id, ${sql.join(columns.map((c) => sql.ref(c)).concat(sql.ref('created_at'), sql.ref('updated_at')))})
      SELECT CAST(i.data->>'id' AS uuid), CAST(${propertyId} AS uuid), i.data->>'player_id',
             ${sql.join(columns.map((column) => FROM_JSON[column](r)).concat(sql`${now}`, sql`${now}`))}
        FROM jsonb_array_elements(CAST(${JSON.stringify(shapeRows)} AS jsonb)) AS i(data)
      ON CONFLICT (property_id, player_id) DO UPDATE SET ${sql.join(updates)}
      RETURNING (xmax = 0) AS inserted`;
  };
  const inserts = [...shapes.values()].map((group, index) => ({
    name: sql.ref(`shape${index}`),
    insert: upsertShape(group.columns, group.rows),
  }));
  const statement =
    inserts.length === 1 && inserts[0]
      ? inserts[0].insert
      : sql<{ inserted: boolean }>`
          WITH ${sql.join(inserts.map(({ name, insert }) => sql`${name} AS (${insert})`))}
          ${sql.join(
            inserts.map(({ name }) => sql`SELECT inserted FROM ${name}`),
            sql` UNION ALL `,
          )}`;
  const { rows: returned } = await statement.execute(db);
  const inserted = returned.filter((row) => row.inserted).length;
  return { inserted, updated: returned.length - inserted };
}
