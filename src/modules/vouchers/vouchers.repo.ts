import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';

type Executor = Kysely<DB> | Transaction<DB>;

export interface VoucherSetRow {
  id: number;
  org_id: number;
  name: string;
  description: string | null;
  expires_at: Date | null;
  created_at: Date;
}

export interface CodeCounts {
  total: number;
  available: number;
  claimed: number;
}

export interface VoucherCodeRow {
  id: number;
  code: string;
  status: 'available' | 'claimed';
  draw_id: number | null;
  claimed_at: Date | null;
  created_at: Date;
}

const SET_COLUMNS = ['id', 'org_id', 'name', 'description', 'expires_at', 'created_at'] as const;
const CODE_COLUMNS = ['id', 'code', 'status', 'draw_id', 'claimed_at', 'created_at'] as const;

export async function insertVoucherSet(
  db: Executor,
  orgId: number,
  input: { name: string; description: string | null; expires_at: Date | null },
): Promise<VoucherSetRow> {
  return db
    .insertInto('voucher_sets')
    .values({ org_id: orgId, ...input })
    .returning(SET_COLUMNS)
    .executeTakeFirstOrThrow();
}

export async function listVoucherSets(db: Executor, orgId: number): Promise<VoucherSetRow[]> {
  return db
    .selectFrom('voucher_sets')
    .select(SET_COLUMNS)
    .where('org_id', '=', orgId)
    .orderBy('id')
    .execute();
}

export async function findVoucherSet(
  db: Executor,
  orgId: number,
  setId: number,
): Promise<VoucherSetRow | undefined> {
  return db
    .selectFrom('voucher_sets')
    .select(SET_COLUMNS)
    .where('org_id', '=', orgId)
    .where('id', '=', setId)
    .executeTakeFirst();
}

/** Of `setIds`, the sets that belong to the organization. */
export async function findVoucherSets(
  db: Executor,
  orgId: number,
  setIds: readonly number[],
): Promise<VoucherSetRow[]> {
  if (setIds.length === 0) return [];
  return db
    .selectFrom('voucher_sets')
    .select(SET_COLUMNS)
    .where('org_id', '=', orgId)
    .where('id', 'in', [...setIds])
    .execute();
}

/** Code counts per set; sets without codes are absent. */
export async function countCodes(
  db: Executor,
  orgId: number,
  setIds: readonly number[],
): Promise<Map<number, CodeCounts>> {
  if (setIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('voucher_codes')
    .select((eb) => [
      'set_id',
      eb.fn.countAll<number>().as('total'),
      sql<number>`count(*) FILTER (WHERE status = 'available')`.as('available'),
    ])
    .where('org_id', '=', orgId)
    .where('set_id', 'in', [...setIds])
    .groupBy('set_id')
    .execute();
  return new Map(
    rows.map((row) => {
      const total = Number(row.total);
      const available = Number(row.available);
      return [row.set_id, { total, available, claimed: total - available }];
    }),
  );
}

/** The games whose prize slots draw from each set. */
export async function gamesUsingSets(
  db: Executor,
  orgId: number,
  setIds: readonly number[],
): Promise<Map<number, { id: number; title: string; status: string }[]>> {
  const bySet = new Map<number, { id: number; title: string; status: string }[]>();
  if (setIds.length === 0) return bySet;
  const rows = await db
    .selectFrom('prize_slots as s')
    .innerJoin('games as g', (join) =>
      join.onRef('g.org_id', '=', 's.org_id').onRef('g.id', '=', 's.game_id'),
    )
    .select(['s.voucher_set_id', 'g.id', 'g.title', 'g.status'])
    .distinct()
    .where('s.org_id', '=', orgId)
    .where('s.voucher_set_id', 'in', [...setIds])
    .orderBy('g.id')
    .execute();
  for (const row of rows) {
    if (row.voucher_set_id === null) continue;
    const games = bySet.get(row.voucher_set_id) ?? [];
    games.push({ id: row.id, title: row.title, status: row.status });
    bySet.set(row.voucher_set_id, games);
  }
  return bySet;
}

export type VoucherSetPatch = Partial<Pick<VoucherSetRow, 'name' | 'description' | 'expires_at'>>;

export async function updateVoucherSet(
  db: Executor,
  orgId: number,
  setId: number,
  patch: VoucherSetPatch,
): Promise<VoucherSetRow | undefined> {
  if (Object.keys(patch).length === 0) return findVoucherSet(db, orgId, setId);
  return db
    .updateTable('voucher_sets')
    .set(patch)
    .where('org_id', '=', orgId)
    .where('id', '=', setId)
    .returning(SET_COLUMNS)
    .executeTakeFirst();
}

/**
 * Deletes a set (and its codes) unless a prize slot still draws from it, in one statement:
 * the slots' foreign key would refuse the delete anyway, and a failing statement is no answer.
 */
export async function deleteUnusedVoucherSet(
  db: Executor,
  orgId: number,
  setId: number,
): Promise<'deleted' | 'in_use' | 'missing'> {
  const result = await sql<{ in_use: boolean; deleted: number }>`
    WITH target AS (
      SELECT v.id, EXISTS (
               SELECT 1 FROM prize_slots s WHERE s.org_id = v.org_id AND s.voucher_set_id = v.id
             ) AS in_use
        FROM voucher_sets v
       WHERE v.org_id = ${orgId} AND v.id = ${setId}
    ), removed AS (
      DELETE FROM voucher_sets v USING target t
       WHERE v.id = t.id AND NOT t.in_use
      RETURNING v.id
    )
    SELECT t.in_use, (SELECT count(*) FROM removed)::int AS deleted FROM target t
  `.execute(db);
  const row = result.rows[0];
  if (!row) return 'missing';
  return row.deleted > 0 ? 'deleted' : 'in_use';
}

/**
 * Adds codes in one statement; codes the set already has are skipped (ON CONFLICT), so the
 * unique (set_id, code) constraint never fails a request. `total` counts the set's codes
 * afterwards (those before this statement plus the ones it added).
 */
export async function insertCodes(
  db: Executor,
  orgId: number,
  setId: number,
  codes: readonly string[],
): Promise<{ added: number; total: number }> {
  const result = await sql<{ added: number; before: number }>`
    WITH added AS (
      INSERT INTO voucher_codes (org_id, set_id, code)
      SELECT ${orgId}, ${setId}, code FROM unnest(${[...codes]}::text[]) AS code
      ON CONFLICT (set_id, code) DO NOTHING
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM added)::int AS added,
           (SELECT count(*) FROM voucher_codes WHERE org_id = ${orgId} AND set_id = ${setId})::int
             AS before
  `.execute(db);
  const row = result.rows[0] ?? { added: 0, before: 0 };
  return { added: row.added, total: row.before + row.added };
}

/** Like insertCodes, returning the codes that were new. */
export async function insertNewCodes(
  db: Executor,
  orgId: number,
  setId: number,
  codes: readonly string[],
): Promise<string[]> {
  const result = await sql<{ code: string }>`
    INSERT INTO voucher_codes (org_id, set_id, code)
    SELECT ${orgId}, ${setId}, code FROM unnest(${[...codes]}::text[]) AS code
    ON CONFLICT (set_id, code) DO NOTHING
    RETURNING code
  `.execute(db);
  return result.rows.map((row) => row.code);
}

export async function listCodes(
  db: Executor,
  orgId: number,
  setId: number,
  filter: {
    status?: 'available' | 'claimed' | undefined;
    afterId?: number | undefined;
    limit: number;
  },
): Promise<VoucherCodeRow[]> {
  let query = db
    .selectFrom('voucher_codes')
    .select(CODE_COLUMNS)
    .where('org_id', '=', orgId)
    .where('set_id', '=', setId);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.afterId !== undefined) query = query.where('id', '>', filter.afterId);
  return query.orderBy('id').limit(filter.limit).execute();
}

/**
 * Hands one available code of the set to a prize draw. SKIP LOCKED lets concurrent claims take
 * different codes instead of queueing on the same row; each code goes out at most once because
 * the row is locked and re-checked (`status = 'available'`) before it is updated.
 */
export async function allocateCode(
  db: Executor,
  orgId: number,
  setId: number,
  drawId: number,
  now: Date,
): Promise<{ id: number; code: string } | undefined> {
  const result = await sql<{ id: number; code: string }>`
    UPDATE voucher_codes SET status = 'claimed', claimed_at = ${now}, draw_id = ${drawId}
     WHERE id = (
       SELECT id FROM voucher_codes
        WHERE org_id = ${orgId} AND set_id = ${setId} AND status = 'available'
        ORDER BY id LIMIT 1
        FOR UPDATE SKIP LOCKED
     )
    RETURNING id, code
  `.execute(db);
  return result.rows[0];
}
