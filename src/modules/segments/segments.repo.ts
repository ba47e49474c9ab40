import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';

// Segments of a property, and the players an explicit list names: every function takes the
// property first.

type Executor = Kysely<DB> | Transaction<DB>;

export interface SegmentRow {
  id: string;
  name: string;
  filter: string;
  description: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface SegmentValues {
  name: string;
  filter: string;
  description: string | null;
}

const COLUMNS = ['id', 'name', 'filter', 'description', 'created_at', 'updated_at'] as const;

/** A page of the property's segments by name, after `after` (keyset on the unique name). */
export function listSegments(
  db: Executor,
  propertyId: string,
  options: { after: string | undefined; limit: number },
): Promise<SegmentRow[]> {
  let query = db
    .selectFrom('segments')
    .select(COLUMNS)
    .where('property_id', '=', propertyId)
    .orderBy('name')
    .limit(options.limit);
  if (options.after !== undefined) query = query.where('name', '>', options.after);
  return query.execute();
}

export function findSegment(
  db: Executor,
  propertyId: string,
  id: string,
  /** Hold the row (FOR SHARE) until the transaction ends: a delete waits for it. */
  lock = false,
): Promise<SegmentRow | undefined> {
  const query = db
    .selectFrom('segments')
    .select(COLUMNS)
    .where('property_id', '=', propertyId)
    .where('id', '=', id);
  return (lock ? query.forShare() : query).executeTakeFirst();
}

/**
 * Inserts the segment unless the property already has `max`, in one statement under the
 * property's row lock, so two concurrent creations cannot both pass the count. Undefined when
 * the cap was reached. Run it in a transaction: the lock lasts until its end. `FOR NO KEY
 * UPDATE`: inserts of rows referencing the property (players) take only a key-share lock and
 * are not held up by it.
 */
export async function insertSegment(
  db: Transaction<DB>,
  propertyId: string,
  values: SegmentValues,
  max: number,
  now: Date,
): Promise<SegmentRow | undefined> {
  await sql`SELECT 1 FROM properties WHERE id = ${propertyId} FOR NO KEY UPDATE`.execute(db);
  const { rows } = await sql<SegmentRow>`
    INSERT INTO segments (property_id, name, filter, description, created_at, updated_at)
    SELECT ${propertyId}, ${values.name}, ${values.filter}, ${values.description}, ${now}, ${now}
     WHERE (SELECT count(*) FROM segments WHERE property_id = ${propertyId}) < ${max}
    RETURNING ${sql.join(COLUMNS.map((column) => sql.ref(column)))}
  `.execute(db);
  return rows[0];
}

export function updateSegment(
  db: Executor,
  propertyId: string,
  id: string,
  values: Partial<SegmentValues>,
  now: Date,
): Promise<SegmentRow | undefined> {
  return db
    .updateTable('segments')
    .set({ ...values, updated_at: now })
    .where('property_id', '=', propertyId)
    .where('id', '=', id)
    .returning(COLUMNS)
    .executeTakeFirst();
}

/**
 * Deletes the segment unless a live journey enters players from it; `journey` names the first
 * such journey (nothing deleted), `deleted` says whether a row went. Run it in a transaction:
 * the row is locked first, so a publish holding it (findSegment with `lock`) commits before the
 * journeys are looked at, and one publishing later finds the segment gone.
 */
export async function deleteSegment(
  trx: Transaction<DB>,
  propertyId: string,
  id: string,
): Promise<{ deleted: boolean; journey: string | null }> {
  const row = await trx
    .selectFrom('segments')
    .select('id')
    .where('property_id', '=', propertyId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) return { deleted: false, journey: null };
  const watcher = await trx
    .selectFrom('journeys')
    .select('name')
    .where('property_id', '=', propertyId)
    .where('trigger_type', '=', 'segment_entered')
    .where('trigger_name', '=', id)
    .where('status', 'in', ['active', 'paused'])
    .orderBy('name')
    .limit(1)
    .executeTakeFirst();
  if (watcher) return { deleted: false, journey: watcher.name };
  await trx.deleteFrom('segments').where('id', '=', row.id).execute();
  return { deleted: true, journey: null };
}

/** The players named by PlayLoop id (`uuids`) or by the casino's id (`casinoIds`). */
interface PlayerRefs {
  readonly uuids: readonly string[];
  readonly casinoIds: readonly string[];
}

const named = (refs: PlayerRefs) =>
  sql`(id = ANY(${[...refs.uuids]}::uuid[]) OR player_id = ANY(${[...refs.casinoIds]}::text[]))`;

/** The next `limit` ids of the named players after `after`, in id order (keyset). */
export async function namedPlayerIds(
  db: Executor,
  propertyId: string,
  refs: PlayerRefs,
  after: string | null,
  limit: number,
): Promise<string[]> {
  const from = after === null ? sql`` : sql`AND id > ${after}::uuid`;
  const { rows } = await sql<{ id: string }>`
    SELECT id FROM players
     WHERE property_id = ${propertyId}::uuid AND ${named(refs)} ${from}
     ORDER BY id LIMIT ${limit}`.execute(db);
  return rows.map((row) => row.id);
}

export async function countNamedPlayers(
  db: Executor,
  propertyId: string,
  refs: PlayerRefs,
): Promise<number> {
  const { rows } = await sql<{ n: unknown }>`
    SELECT count(*) AS n FROM players
     WHERE property_id = ${propertyId}::uuid AND ${named(refs)}`.execute(db);
  return Number(rows[0]?.n ?? 0);
}
