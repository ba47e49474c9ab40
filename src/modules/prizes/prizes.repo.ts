import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB, PrizeType } from '../../db/schema.ts';

type Executor = Kysely<DB> | Transaction<DB>;

export interface PrizeSlotRow {
  id: number;
  game_id: number;
  position: number;
  name: string;
  description: string | null;
  type: PrizeType;
  win_chance: number;
  quantity: number | null;
  won_count: number;
  min_score: number | null;
  voucher_set_id: number | null;
  voucher_code: string | null;
  external_url: string | null;
  /** Name and description per page language; `{}` when none. */
  translations: SlotTranslations;
}

/** `{ "th": { name?, description? } }`: a slot's texts in other page languages. */
export type SlotTranslations = Record<string, { name?: string; description?: string }>;

/** A slot's content: what an editor sets (position and wins are the server's). */
export type SlotContent = Omit<PrizeSlotRow, 'id' | 'game_id' | 'position' | 'won_count'>;

const SLOT_COLUMNS = [
  'id',
  'game_id',
  'position',
  'name',
  'description',
  'type',
  'win_chance',
  'quantity',
  'won_count',
  'min_score',
  'voucher_set_id',
  'voucher_code',
  'external_url',
  'translations',
] as const;

export async function listSlots(
  db: Executor,
  orgId: number,
  gameId: number,
): Promise<PrizeSlotRow[]> {
  return db
    .selectFrom('prize_slots')
    .select(SLOT_COLUMNS)
    .where('org_id', '=', orgId)
    .where('game_id', '=', gameId)
    .orderBy('position')
    .orderBy('id')
    .execute() as Promise<PrizeSlotRow[]>;
}

/**
 * Locks the game row for the rest of the transaction, so two prize-list replacements of one game
 * run one after the other (even while the game has no slots to lock).
 */
export async function lockGame(trx: Executor, orgId: number, gameId: number): Promise<boolean> {
  const row = await trx
    .selectFrom('games')
    .select('id')
    .where('org_id', '=', orgId)
    .where('id', '=', gameId)
    .forUpdate()
    .executeTakeFirst();
  return row !== undefined;
}

/** The game's slots, locked: a draw cannot move won_count until the replacement commits. */
export async function lockSlots(
  trx: Executor,
  orgId: number,
  gameId: number,
): Promise<{ id: number; won_count: number }[]> {
  return trx
    .selectFrom('prize_slots')
    .select(['id', 'won_count'])
    .where('org_id', '=', orgId)
    .where('game_id', '=', gameId)
    .forUpdate()
    .execute();
}

export async function deleteSlotsExcept(
  trx: Executor,
  orgId: number,
  gameId: number,
  keepIds: readonly number[],
): Promise<void> {
  let query = trx
    .deleteFrom('prize_slots')
    .where('org_id', '=', orgId)
    .where('game_id', '=', gameId);
  if (keepIds.length > 0) query = query.where('id', 'not in', [...keepIds]);
  await query.execute();
}

export async function updateSlot(
  trx: Executor,
  orgId: number,
  slotId: number,
  position: number,
  content: SlotContent,
): Promise<void> {
  await trx
    .updateTable('prize_slots')
    .set({ ...content, translations: JSON.stringify(content.translations), position })
    .where('org_id', '=', orgId)
    .where('id', '=', slotId)
    .execute();
}

export async function insertSlots(
  trx: Executor,
  orgId: number,
  gameId: number,
  slots: readonly { position: number; content: SlotContent }[],
): Promise<void> {
  if (slots.length === 0) return;
  await trx
    .insertInto('prize_slots')
    .values(
      slots.map(({ position, content }) => ({
        ...content,
        translations: JSON.stringify(content.translations),
        org_id: orgId,
        game_id: gameId,
        position,
      })),
    )
    .execute();
}

/** A slot as the draw sees it: `stocked` is false for a voucher set that is empty or expired. */
export interface DrawableSlot extends PrizeSlotRow {
  stocked: boolean;
}

export async function drawableSlots(
  db: Executor,
  orgId: number,
  gameId: number,
  now: Date,
): Promise<DrawableSlot[]> {
  const result = await sql<DrawableSlot>`
    SELECT s.id, s.game_id, s.position, s.name, s.description, s.type, s.win_chance, s.quantity,
           s.won_count, s.min_score, s.voucher_set_id, s.voucher_code, s.external_url,
           s.translations,
           (s.type <> 'voucher_set' OR (
              (v.expires_at IS NULL OR v.expires_at > ${now})
              AND EXISTS (SELECT 1 FROM voucher_codes c
                           WHERE c.set_id = s.voucher_set_id AND c.status = 'available')
           )) AS stocked
      FROM prize_slots s
      LEFT JOIN voucher_sets v ON v.org_id = s.org_id AND v.id = s.voucher_set_id
     WHERE s.org_id = ${orgId} AND s.game_id = ${gameId}
     ORDER BY s.position, s.id
  `.execute(db);
  return result.rows;
}

/** Takes one unit of the slot's inventory; nothing when it sold out meanwhile. */
export async function takeSlot(trx: Executor, orgId: number, slotId: number): Promise<boolean> {
  const row = await trx
    .updateTable('prize_slots')
    .set((eb) => ({ won_count: eb('won_count', '+', 1) }))
    .where('org_id', '=', orgId)
    .where('id', '=', slotId)
    .where((eb) => eb.or([eb('quantity', 'is', null), eb('won_count', '<', eb.ref('quantity'))]))
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export interface DrawRow {
  id: number;
  play_id: number;
  slot_id: number | null;
  status: 'drawn' | 'claimed';
  drawn_at: Date;
}

const DRAW_COLUMNS = ['id', 'play_id', 'slot_id', 'status', 'drawn_at'] as const;

/** Records a play's draw; nothing when the play has one already (one draw per play). */
export async function insertDraw(
  trx: Executor,
  orgId: number,
  draw: { play_id: number; slot_id: number | null; slot_type: PrizeType; drawn_at: Date },
): Promise<DrawRow | undefined> {
  return trx
    .insertInto('prize_draws')
    .values({ org_id: orgId, ...draw })
    .onConflict((oc) => oc.column('play_id').doNothing())
    .returning(DRAW_COLUMNS)
    .executeTakeFirst();
}

export async function findDrawOfPlay(
  db: Executor,
  orgId: number,
  playId: number,
): Promise<DrawRow | undefined> {
  return db
    .selectFrom('prize_draws')
    .select(DRAW_COLUMNS)
    .where('org_id', '=', orgId)
    .where('play_id', '=', playId)
    .executeTakeFirst();
}

export interface ClaimedSlot {
  name: string;
  description: string | null;
  translations: SlotTranslations;
  type: PrizeType;
  voucher_set_id: number | null;
  voucher_code: string | null;
  external_url: string | null;
  set_expires_at: Date | null;
}

/**
 * Marks a drawn prize claimed and returns what its slot gives, in one statement: of concurrent
 * claims of one draw exactly one matches `status = 'drawn'`. Nothing when the draw is claimed
 * already or its slot was removed.
 */
export async function claimDraw(
  trx: Executor,
  draw: { orgId: number; drawId: number; playId: number },
  now: Date,
): Promise<ClaimedSlot | undefined> {
  const result = await sql<ClaimedSlot>`
    UPDATE prize_draws d SET status = 'claimed', claimed_at = ${now}
      FROM prize_slots s
      LEFT JOIN voucher_sets v ON v.org_id = s.org_id AND v.id = s.voucher_set_id
     WHERE d.id = ${draw.drawId} AND d.org_id = ${draw.orgId} AND d.play_id = ${draw.playId}
       AND d.status = 'drawn' AND s.id = d.slot_id
    RETURNING s.name, s.description, s.translations, s.type, s.voucher_set_id, s.voucher_code, s.external_url,
              v.expires_at AS set_expires_at
  `.execute(trx);
  return result.rows[0];
}

export async function findDrawStatus(
  db: Executor,
  orgId: number,
  drawId: number,
): Promise<{ status: 'drawn' | 'claimed'; slot_id: number | null } | undefined> {
  return db
    .selectFrom('prize_draws')
    .select(['status', 'slot_id'])
    .where('org_id', '=', orgId)
    .where('id', '=', drawId)
    .executeTakeFirst();
}

export async function setDrawVoucherCode(
  trx: Executor,
  orgId: number,
  drawId: number,
  codeId: number,
): Promise<void> {
  await trx
    .updateTable('prize_draws')
    .set({ voucher_code_id: codeId })
    .where('org_id', '=', orgId)
    .where('id', '=', drawId)
    .execute();
}

/** A play's won prize as it stands: its draw, its slot's content and any code handed out. */
export interface PlayDrawDetail {
  id: number;
  status: 'drawn' | 'claimed';
  drawn_at: Date;
  name: string;
  description: string | null;
  translations: SlotTranslations;
  type: PrizeType;
  voucher_code: string | null;
  external_url: string | null;
  /** The voucher-set code allocated at claim. */
  allocated_code: string | null;
}

/** The play's draw with its slot (nothing for no draw, an empty draw or a removed slot). */
export async function findPlayDrawDetail(
  db: Executor,
  orgId: number,
  playId: number,
): Promise<PlayDrawDetail | undefined> {
  const result = await sql<PlayDrawDetail>`
    SELECT d.id, d.status, d.drawn_at, s.name, s.description, s.translations, s.type, s.voucher_code,
           s.external_url, c.code AS allocated_code
      FROM prize_draws d
      JOIN prize_slots s ON s.id = d.slot_id AND s.org_id = d.org_id
      LEFT JOIN voucher_codes c ON c.id = d.voucher_code_id AND c.org_id = d.org_id
     WHERE d.org_id = ${orgId} AND d.play_id = ${playId}
  `.execute(db);
  return result.rows[0];
}

/** The server-wide draw-token key: created once (first writer wins), then read by everyone. */
export async function ensureSecret(db: Executor, name: string, candidate: string): Promise<string> {
  await db
    .insertInto('app_secrets')
    .values({ name, value: candidate })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  // A separate statement: it sees the row even when another process inserted it concurrently.
  const row = await db
    .selectFrom('app_secrets')
    .select('value')
    .where('name', '=', name)
    .executeTakeFirstOrThrow();
  return row.value;
}
