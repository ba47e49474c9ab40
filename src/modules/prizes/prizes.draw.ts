import { randomInt } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { DB, PrizeType } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import { allocateCode } from '../vouchers/index.ts';
import {
  claimDraw,
  type ClaimedSlot,
  type DrawableSlot,
  drawableSlots,
  type DrawRow,
  findDrawOfPlay,
  type SlotTranslations,
  findDrawStatus,
  findPlayDrawDetail,
  insertDraw,
  setDrawVoucherCode,
  takeSlot,
} from './prizes.repo.ts';
import { recordPrizeClaimed, recordPrizeWon } from './prizes.events.ts';
import { DRAW_TOKEN_TTL_MS, drawTokenKey, readDrawToken, signDrawToken } from './prizes.token.ts';

/**
 * What a completed play won. `segment_index` is the slot's index among the game's slots (the
 * spin wheel's segments). A `no_prize` outcome has no token: there is nothing to claim.
 */
export interface PrizeOffer {
  draw_token: string | null;
  expires_at: Date;
  slot: {
    id: number;
    name: string;
    description: string | null;
    type: PrizeType;
    /** The slot's texts per page language: the play route shows the page's (web/localize.ts). */
    translations: SlotTranslations;
  };
  segment_index: number;
}

export interface ClaimedPrize {
  name: string;
  description: string | null;
  translations: SlotTranslations;
  type: PrizeType;
  code: string | null;
  url: string | null;
}

export interface DrawnPlay {
  id: number;
  org_id: number;
  game_id: number;
  score: number | null;
}

function eligible(slot: DrawableSlot, score: number | null): boolean {
  if (!slot.stocked) return false;
  if (slot.quantity !== null && slot.won_count >= slot.quantity) return false;
  return slot.min_score === null || (score !== null && score >= slot.min_score);
}

/** One slot, with probability proportional to its win chance (crypto randomness). */
export function pickWeighted<T extends { win_chance: number }>(slots: readonly T[]): T {
  const total = slots.reduce((sum, slot) => sum + slot.win_chance, 0);
  let ticket = randomInt(total);
  for (const slot of slots) {
    ticket -= slot.win_chance;
    if (ticket < 0) return slot;
  }
  return slots[slots.length - 1]!;
}

async function offerFor(
  deps: Deps,
  play: DrawnPlay,
  slots: readonly DrawableSlot[],
  draw: DrawRow,
): Promise<PrizeOffer | null> {
  const index = slots.findIndex((slot) => slot.id === draw.slot_id);
  const slot = slots[index];
  // An empty draw (nothing was left), or its slot has been removed since.
  if (!slot) return null;
  const expiresAt = new Date(draw.drawn_at.getTime() + DRAW_TOKEN_TTL_MS);
  const token =
    slot.type === 'no_prize'
      ? null
      : signDrawToken(await drawTokenKey(deps.database), {
          drawId: draw.id,
          playId: play.id,
          orgId: play.org_id,
          expiresAt,
        });
  return {
    draw_token: token,
    expires_at: expiresAt,
    slot: {
      id: slot.id,
      name: slot.name,
      description: slot.description,
      type: slot.type,
      translations: slot.translations,
    },
    segment_index: index,
  };
}

class AlreadyDrawn extends Error {}

/** Takes the slot's inventory and records the draw together, or neither. */
async function takeAndRecord(
  deps: Deps,
  play: DrawnPlay,
  slot: DrawableSlot,
  now: Date,
): Promise<DrawRow | 'sold_out' | 'already_drawn'> {
  try {
    return await deps.database.db.transaction().execute(async (trx) => {
      if (!(await takeSlot(trx, play.org_id, slot.id))) return 'sold_out' as const;
      const draw = await insertDraw(trx, play.org_id, {
        play_id: play.id,
        slot_id: slot.id,
        slot_type: slot.type,
        drawn_at: now,
      });
      // Another call drew for this play meanwhile: roll the inventory back.
      if (!draw) throw new AlreadyDrawn();
      if (slot.type !== 'no_prize') {
        const claimBy = new Date(now.getTime() + DRAW_TOKEN_TTL_MS);
        await recordPrizeWon(trx, { orgId: play.org_id, drawId: draw.id }, claimBy);
      }
      return draw;
    });
  } catch (error) {
    if (error instanceof AlreadyDrawn) return 'already_drawn';
    throw error;
  }
}

/**
 * Draws the prize of a completed play, once: a second call for the same play returns the first
 * draw's offer again (or null). Slots are eligible by minimum score and remaining inventory (a
 * voucher-set slot also needs an unexpired set with codes left); one is picked by weighted
 * chance, and its inventory is taken atomically. When it sold out meanwhile the draw repeats
 * among the rest. Null when the game has no eligible slot; that outcome is recorded too.
 * The play must exist; whether the game's prize system is on is the caller's decision.
 */
export async function drawPrize(deps: Deps, play: DrawnPlay): Promise<PrizeOffer | null> {
  const db = deps.database.db;
  const now = deps.clock.now();
  const [existing, slots] = await Promise.all([
    findDrawOfPlay(db, play.org_id, play.id),
    drawableSlots(db, play.org_id, play.game_id, now),
  ]);
  if (existing) return offerFor(deps, play, slots, existing);
  if (slots.length === 0) return null;

  let candidates = slots.filter((slot) => eligible(slot, play.score));
  while (candidates.length > 0) {
    const slot = pickWeighted(candidates);
    const outcome = await takeAndRecord(deps, play, slot, now);
    if (outcome === 'sold_out') {
      candidates = candidates.filter((candidate) => candidate.id !== slot.id);
      continue;
    }
    const draw =
      outcome === 'already_drawn' ? await findDrawOfPlay(db, play.org_id, play.id) : outcome;
    return draw ? offerFor(deps, play, slots, draw) : null;
  }
  // Nothing left to win: record the empty outcome so this play never draws again.
  const empty = await insertDraw(db, play.org_id, {
    play_id: play.id,
    slot_id: null,
    slot_type: 'no_prize',
    drawn_at: now,
  });
  if (empty) return null;
  const other = await findDrawOfPlay(db, play.org_id, play.id);
  return other ? offerFor(deps, play, slots, other) : null;
}

/**
 * What a play won, as the player should see it on reopening its link: the prize with a fresh
 * copy of its draw token while it can be claimed, the prize marked expired after the claim
 * deadline, or what was handed out (the code, the link) once claimed. Null when the play won
 * nothing (no draw, a `no_prize` outcome, or a slot removed since).
 */
export type PlayPrize =
  | { state: 'pending'; offer: ShownOffer }
  | { state: 'expired'; offer: ShownOffer }
  | { state: 'claimed'; prize: ClaimedPrize };

/** A prize offer as shown again later; `draw_token` is null once the deadline has passed. */
export interface ShownOffer {
  draw_token: string | null;
  expires_at: Date;
  slot: {
    name: string;
    description: string | null;
    type: PrizeType;
    translations: SlotTranslations;
  };
}

export async function prizeOfPlay(
  deps: Deps,
  play: { id: number; org_id: number },
): Promise<PlayPrize | null> {
  const draw = await findPlayDrawDetail(deps.database.db, play.org_id, play.id);
  if (!draw || draw.type === 'no_prize') return null;
  const prize = {
    name: draw.name,
    description: draw.description,
    translations: draw.translations,
    type: draw.type,
  };
  if (draw.status === 'claimed') {
    const code =
      draw.type === 'voucher_set'
        ? draw.allocated_code
        : draw.type === 'voucher'
          ? draw.voucher_code
          : null;
    const url = draw.type === 'external_link' ? draw.external_url : null;
    return { state: 'claimed', prize: { ...prize, code, url } };
  }
  // The same deadline, and so the same token, as the one handed out at completion.
  const expiresAt = new Date(draw.drawn_at.getTime() + DRAW_TOKEN_TTL_MS);
  const open = deps.clock.now().getTime() < expiresAt.getTime();
  const offer: ShownOffer = {
    draw_token: open
      ? signDrawToken(await drawTokenKey(deps.database), {
          drawId: draw.id,
          playId: play.id,
          orgId: play.org_id,
          expiresAt,
        })
      : null,
    expires_at: expiresAt,
    slot: prize,
  };
  return { state: open ? 'pending' : 'expired', offer };
}

const gone = (message: string) => new AppError('session_gone', message);

/**
 * Hands out a drawn prize once. The token must carry our signature (else 'bad_request') and be
 * unexpired ('session_gone'). A voucher-set prize gets a code of its own here; when the set has
 * none left the claim fails ('conflict') and nothing changes, so the prize stays claimable.
 */
export async function claimPrize(deps: Deps, drawToken: string): Promise<ClaimedPrize> {
  const claims = readDrawToken(await drawTokenKey(deps.database), drawToken);
  if (!claims) throw new AppError('bad_request', 'Invalid draw token');
  const now = deps.clock.now();
  if (now.getTime() >= claims.expiresAt.getTime()) throw gone('Draw token expired');
  const { orgId, drawId } = claims;

  // Inside the transaction only `trx` is used: PGlite has one connection, which trx holds.
  return deps.database.db.transaction().execute(async (trx): Promise<ClaimedPrize> => {
    const slot = await claimDraw(trx, claims, now);
    if (!slot) {
      const draw = await findDrawStatus(trx, orgId, drawId);
      throw gone(
        draw?.status === 'claimed' ? 'Prize already claimed' : 'Prize no longer available',
      );
    }
    const claimed = await handOut(trx, slot, { orgId, drawId, now });
    // Last, so that a voucher-set claim's event names the code it handed out.
    await recordPrizeClaimed(trx, { orgId, drawId });
    return claimed;
  });
}

/** What a claimed slot gives; a voucher-set code is taken for the draw here. */
async function handOut(
  trx: Transaction<DB>,
  slot: ClaimedSlot,
  { orgId, drawId, now }: { orgId: number; drawId: number; now: Date },
): Promise<ClaimedPrize> {
  const prize = {
    name: slot.name,
    description: slot.description,
    translations: slot.translations,
    type: slot.type,
  };
  switch (slot.type) {
    case 'voucher_set': {
      if (slot.voucher_set_id === null) throw gone('Prize no longer available');
      if (slot.set_expires_at && slot.set_expires_at <= now) {
        throw new AppError('conflict', 'The voucher set has expired');
      }
      const code = await allocateCode(trx, orgId, slot.voucher_set_id, drawId, now);
      if (!code) throw new AppError('conflict', 'No voucher codes left');
      await setDrawVoucherCode(trx, orgId, drawId, code.id);
      return { ...prize, code: code.code, url: null };
    }
    case 'voucher':
      return { ...prize, code: slot.voucher_code, url: null };
    case 'external_link':
      return { ...prize, code: null, url: slot.external_url };
    case 'item':
      return { ...prize, code: null, url: null };
    case 'no_prize':
      // No token is issued for no_prize; the slot was changed to it after the draw.
      throw gone('Prize no longer available');
  }
}
