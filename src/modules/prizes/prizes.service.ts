import type { PrizeType } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import { requireVisibleGame } from '../games/index.ts';
import { mayReadPrizeSecrets, requireOrgRole, type Role } from '../organizations/index.ts';
import type { Actor } from '../users/index.ts';
import { countCodes, findVoucherSets } from '../vouchers/index.ts';
import { LANGS } from '../../web/i18n.ts';
import {
  deleteSlotsExcept,
  insertSlots,
  listSlots,
  lockGame,
  lockSlots,
  type PrizeSlotRow,
  type SlotContent,
  type SlotTranslations,
  updateSlot,
} from './prizes.repo.ts';

export const PRIZE_TYPES = ['voucher_set', 'voucher', 'item', 'external_link', 'no_prize'] as const;
export const MAX_SLOTS = 12;
const MAX_INT = 2_147_483_647;

export interface PrizeSlotInput {
  /** An existing slot of the game: it is updated in place and keeps its wins. */
  id?: number | undefined;
  name: string;
  description?: string | null | undefined;
  type: PrizeType;
  win_chance: number;
  quantity?: number | null | undefined;
  min_score?: number | null | undefined;
  voucher_set_id?: number | null | undefined;
  voucher_code?: string | null | undefined;
  external_url?: string | null | undefined;
  /** `{ "th": { name?, description? } }`: the slot's texts in other page languages. */
  translations?: Readonly<Record<string, unknown>> | undefined;
}

export interface PrizeSlot extends PrizeSlotRow {
  /** Wins left before the slot sells out; null = unlimited. */
  remaining: number | null;
}

export interface PrizeList {
  slots: PrizeSlot[];
  /** Problems worth fixing that do not stop the list from working (chances not totalling 100). */
  warnings: string[];
}

const gameNotFound = () => new AppError('not_found', 'Game not found');
const invalid = (message: string) => new AppError('validation_failed', message);

function isInt(value: unknown, min: number, max: number): value is number {
  return Number.isInteger(value) && (value as number) >= min && (value as number) <= max;
}

function httpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/**
 * The service's own rules for one slot (callers other than HTTP get them too). Fields that do
 * not belong to the slot's type are not stored.
 */
function slotContent(input: PrizeSlotInput, at: string): SlotContent {
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (!name || name.length > 50) throw invalid(`${at}.name must have 1 to 50 characters`);
  const description = input.description?.trim() || null;
  if (description && description.length > 200) {
    throw invalid(`${at}.description may have at most 200 characters`);
  }
  if (!PRIZE_TYPES.includes(input.type)) {
    throw invalid(`${at}.type must be one of ${PRIZE_TYPES.join(', ')}`);
  }
  if (!isInt(input.win_chance, 1, 100)) {
    throw invalid(`${at}.win_chance must be an integer from 1 to 100`);
  }
  const quantity = input.quantity ?? null;
  if (quantity !== null && !isInt(quantity, 1, MAX_INT)) {
    throw invalid(`${at}.quantity must be a positive integer, or null for unlimited`);
  }
  const minScore = input.min_score ?? null;
  if (minScore !== null && !isInt(minScore, -MAX_INT - 1, MAX_INT)) {
    throw invalid(`${at}.min_score must be an integer or null`);
  }
  const content: SlotContent = {
    name,
    description,
    translations: slotTranslations(input.translations, at),
    type: input.type,
    win_chance: input.win_chance,
    quantity,
    min_score: minScore,
    voucher_set_id: null,
    voucher_code: null,
    external_url: null,
  };
  switch (input.type) {
    case 'voucher_set':
      if (!isInt(input.voucher_set_id, 1, MAX_INT)) {
        throw invalid(`${at}.voucher_set_id is required for a voucher_set slot`);
      }
      content.voucher_set_id = input.voucher_set_id;
      break;
    case 'voucher': {
      const code = input.voucher_code?.trim() ?? '';
      if (!code || code.length > 64) {
        throw invalid(`${at}.voucher_code (1 to 64 characters) is required for a voucher slot`);
      }
      content.voucher_code = code;
      break;
    }
    case 'external_link': {
      const url = input.external_url?.trim() ?? '';
      if (url.length > 2000 || !httpUrl(url)) {
        throw invalid(`${at}.external_url must be an http or https URL`);
      }
      content.external_url = url;
      break;
    }
    case 'item':
    case 'no_prize':
      break;
  }
  return content;
}

/**
 * A slot's texts per page language, trimmed, blanks dropped (the slot's own text shows instead),
 * with the limits of the originals.
 */
function slotTranslations(input: unknown, at: string): SlotTranslations {
  if (input === undefined || input === null) return {};
  if (typeof input !== 'object' || Array.isArray(input)) {
    throw invalid(`${at}.translations must be an object keyed by language`);
  }
  const out: SlotTranslations = {};
  for (const [lang, texts] of Object.entries(input)) {
    const where = `${at}.translations.${lang}`;
    if (!(LANGS as readonly string[]).includes(lang)) {
      throw invalid(
        `${at}.translations has an unknown language: ${lang} (languages: ${LANGS.join(', ')})`,
      );
    }
    if (typeof texts !== 'object' || texts === null || Array.isArray(texts)) {
      throw invalid(`${where} must be an object with name and description`);
    }
    const { name, description, ...rest } = texts as Record<string, unknown>;
    const unknown = Object.keys(rest);
    if (unknown.length > 0) throw invalid(`${where} has unknown key(s): ${unknown.join(', ')}`);
    const entry: { name?: string; description?: string } = {};
    for (const [key, value, max] of [
      ['name', name, 50],
      ['description', description, 200],
    ] as const) {
      if (value === undefined || value === null) continue;
      if (typeof value !== 'string') throw invalid(`${where}.${key} must be a string`);
      const trimmed = value.trim();
      if (trimmed.length > max) throw invalid(`${where}.${key} may have at most ${max} characters`);
      if (trimmed) entry[key] = trimmed;
    }
    if (Object.keys(entry).length > 0) out[lang] = entry;
  }
  return out;
}

const withRemaining = (row: PrizeSlotRow): PrizeSlot => ({
  ...row,
  remaining: row.quantity === null ? null : Math.max(0, row.quantity - row.won_count),
});

async function warningsFor(deps: Deps, orgId: number, slots: PrizeSlotRow[]): Promise<string[]> {
  if (slots.length === 0) return [];
  const warnings: string[] = [];
  const total = slots.reduce((sum, slot) => sum + slot.win_chance, 0);
  if (total !== 100) {
    warnings.push(
      `Win chances add up to ${total}%, not 100%; the draw uses them as relative weights`,
    );
  }
  const setIds = [...new Set(slots.flatMap((slot) => slot.voucher_set_id ?? []))];
  const [sets, counts] = await Promise.all([
    findVoucherSets(deps.database.db, orgId, setIds),
    countCodes(deps.database.db, orgId, setIds),
  ]);
  const now = deps.clock.now();
  for (const slot of slots) {
    const label = `Slot "${slot.name}"`;
    if (slot.quantity !== null && slot.won_count >= slot.quantity) {
      warnings.push(`${label} is sold out (won ${slot.won_count} of ${slot.quantity})`);
    }
    if (slot.voucher_set_id === null) continue;
    const set = sets.find((candidate) => candidate.id === slot.voucher_set_id);
    if (set?.expires_at && set.expires_at <= now) {
      warnings.push(`${label}: voucher set "${set.name}" has expired and is not drawn`);
    } else if ((counts.get(slot.voucher_set_id)?.available ?? 0) === 0) {
      warnings.push(`${label}: voucher set "${set?.name ?? ''}" has no available codes`);
    }
  }
  return warnings;
}

async function describe(deps: Deps, orgId: number, gameId: number): Promise<PrizeList> {
  const rows = await listSlots(deps.database.db, orgId, gameId);
  return { slots: rows.map(withRemaining), warnings: await warningsFor(deps, orgId, rows) };
}

/** A slot as `role` may read it: below Editor the shared voucher code is null (a secret). */
export function slotFor(role: Role, slot: PrizeSlot): PrizeSlot {
  return mayReadPrizeSecrets(role) ? slot : { ...slot, voucher_code: null };
}

/**
 * A game's prize slots in order (their index is the spin wheel's segment). Any member who may
 * see the game (a Viewer: Active games only, else 404); codes for Editors and above only.
 */
export async function listPrizes(
  deps: Deps,
  actor: Actor,
  orgId: number,
  gameId: number,
): Promise<PrizeList> {
  const { role } = await requireVisibleGame(deps, actor, orgId, gameId);
  const list = await describe(deps, orgId, gameId);
  return { ...list, slots: list.slots.map((slot) => slotFor(role, slot)) };
}

/**
 * The checks `replacePrizes` makes before it writes: each slot's rules, no slot id twice, and
 * every voucher set one of the organization's. Trusted tooling (the CLI's `game create`) runs
 * them before creating the game the list is for, so a bad list creates nothing.
 */
export async function checkPrizeSlots(
  deps: Deps,
  orgId: number,
  inputs: readonly PrizeSlotInput[],
) {
  if (inputs.length > MAX_SLOTS) throw invalid(`A game has at most ${MAX_SLOTS} prize slots`);
  const slots = inputs.map((input, index) => ({
    id: input.id,
    at: `slots[${index}]`,
    content: slotContent(input, `slots[${index}]`),
  }));
  const keptIds = slots.flatMap((slot) => (slot.id === undefined ? [] : [slot.id]));
  if (new Set(keptIds).size !== keptIds.length) throw invalid('A slot id appears twice');
  const setIds = [...new Set(slots.flatMap((slot) => slot.content.voucher_set_id ?? []))];
  const sets = await findVoucherSets(deps.database.db, orgId, setIds);
  for (const slot of slots) {
    const setId = slot.content.voucher_set_id;
    if (setId !== null && !sets.some((set) => set.id === setId)) {
      throw invalid(`${slot.at}.voucher_set_id ${setId} is not a voucher set of this organization`);
    }
  }
  return { slots, keptIds };
}

/**
 * Replaces a game's prize list in one transaction; the order given is the slot order. A slot
 * passed with the `id` of one of the game's slots is updated in place and keeps its wins (so
 * its quantity cannot go below them); slots without `id` are new (no wins); the game's other
 * slots are removed, and prizes drawn from them but not yet claimed can no longer be claimed.
 * Editor or above; without an actor the caller is trusted tooling (CLI, seed) acting for the
 * organization. Chances not totalling 100 are allowed and reported in `warnings`.
 */
export async function replacePrizes(
  deps: Deps,
  actor: Actor | undefined,
  orgId: number,
  gameId: number,
  inputs: readonly PrizeSlotInput[],
): Promise<PrizeList> {
  if (actor) await requireOrgRole(deps, actor, orgId, 'Editor');
  const { slots, keptIds } = await checkPrizeSlots(deps, orgId, inputs);

  try {
    await deps.database.db.transaction().execute(async (trx) => {
      if (!(await lockGame(trx, orgId, gameId))) throw gameNotFound();
      const existing = new Map(
        (await lockSlots(trx, orgId, gameId)).map((row) => [row.id, row.won_count]),
      );
      for (const slot of slots) {
        if (slot.id === undefined) continue;
        const won = existing.get(slot.id);
        if (won === undefined) throw invalid(`${slot.at}.id ${slot.id} is not a slot of this game`);
        if (slot.content.quantity !== null && slot.content.quantity < won) {
          throw invalid(`${slot.at}.quantity cannot be below the ${won} prizes already won`);
        }
      }
      await deleteSlotsExcept(trx, orgId, gameId, keptIds);
      const created: { position: number; content: SlotContent }[] = [];
      for (const [position, slot] of slots.entries()) {
        if (slot.id === undefined) created.push({ position, content: slot.content });
        else await updateSlot(trx, orgId, slot.id, position, slot.content);
      }
      await insertSlots(trx, orgId, gameId, created);
    });
  } catch (error) {
    // A voucher set deleted between the check above and the write.
    if ((error as { code?: string }).code === '23503') {
      throw new AppError('conflict', 'A voucher set of the list was deleted meanwhile; try again');
    }
    throw error;
  }
  return describe(deps, orgId, gameId);
}
