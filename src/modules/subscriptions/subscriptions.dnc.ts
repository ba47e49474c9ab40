import type { DB } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import {
  normalizeAddress,
  suppressionHash,
  suppressionHashes,
  type SuppressionKind,
} from '../compliance/index.ts';
import * as repo from './subscriptions.repo.ts';

/**
 * The property's own do-not-contact list: rows of `suppressions` with reason `do_not_contact`,
 * which the pre-send check skips for every purpose. Only hashes are stored (see
 * compliance.suppression.ts), so the list can be searched by address but never read back as
 * addresses. Rows of an erasure or a self-exclusion share the table and are never touched here.
 */

export const MAX_DNC_ENTRIES = 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HASH = /^[0-9a-f]{64}$/;

export interface DncIdentifier {
  phone?: string | undefined;
  email?: string | undefined;
  player_id?: string | undefined;
}
export interface DncEntry extends DncIdentifier {
  note?: string | undefined;
}

interface Identified {
  kind: SuppressionKind;
  hash: string;
  /** The player the identifier named, when it named one of the property's. */
  player: repo.PlayerKeys | undefined;
}

/**
 * Each identifier's hash, normalized as the pre-send check reads them: phones to E.164 (a US
 * number without +1 is accepted), emails lower-cased, a casino player id as given. A player_id
 * that is PlayLoop's id of one of the property's players stands for that player's casino id.
 */
async function identify(
  deps: Deps,
  propertyId: string,
  entries: readonly DncIdentifier[],
  indexed = true,
): Promise<Identified[]> {
  const at = (i: number) => (indexed ? `entries[${i}]: ` : '');
  const ids = entries.flatMap((e) => (e.player_id === undefined ? [] : [e.player_id.trim()]));
  const players = await repo.findPlayers(
    deps.database.db,
    propertyId,
    [...new Set(ids.filter((id) => UUID.test(id)).map((id) => id.toLowerCase()))],
    [...new Set(ids)],
  );
  return entries.map((entry, i) => {
    const given = (['phone', 'email', 'player_id'] as const).filter((k) => entry[k] !== undefined);
    if (given.length !== 1) {
      throw new AppError(
        'validation_failed',
        `${at(i)}give exactly one of phone, email or player_id`,
      );
    }
    const kind = given[0]!;
    const raw = entry[kind] ?? '';
    let value: string | null;
    let player: repo.PlayerKeys | undefined;
    if (kind === 'player_id') {
      const id = raw.trim();
      player =
        players.find((p) => p.id === id.toLowerCase()) ?? players.find((p) => p.player_id === id);
      value = player ? player.player_id : id;
      if (player && !value) {
        throw new AppError(
          'validation_failed',
          `${at(i)}the player has no casino player_id to list; list their phone or email`,
        );
      }
    } else {
      value = normalizeAddress(kind === 'phone' ? 'sms' : 'email', raw);
    }
    const hash = value ? suppressionHash(kind, value) : null;
    if (!hash) {
      const what =
        kind === 'phone'
          ? 'a valid phone number'
          : kind === 'email'
            ? 'a valid email address'
            : 'a player id';
      throw new AppError('validation_failed', `${at(i)}${kind} is not ${what}`);
    }
    return { kind, hash, player };
  });
}

function checkCount(entries: readonly unknown[]): void {
  if (entries.length === 0 || entries.length > MAX_DNC_ENTRIES) {
    throw new AppError('validation_failed', `entries must hold 1 to ${MAX_DNC_ENTRIES}`);
  }
}

/** Adds entries (idempotent: one already listed keeps its note and date). */
export async function addDoNotContact(
  deps: Deps,
  propertyId: string,
  entries: readonly DncEntry[],
): Promise<{ added: number; hashes: string[] }> {
  checkCount(entries);
  const identified = await identify(deps, propertyId, entries);
  const rows = new Map<string, string | null>();
  identified.forEach(({ hash }, i) => {
    if (!rows.has(hash)) rows.set(hash, entries[i]?.note?.trim() || null);
  });
  const added = await repo.insertDoNotContact(
    deps.database.db,
    propertyId,
    [...rows].map(([hash, note]) => ({ hash, note })),
    deps.clock.now(),
  );
  return { added: added.length, hashes: identified.map((e) => e.hash) };
}

/** Removes entries from the list; ones not on it are left out of `removed`. */
export async function removeDoNotContact(
  deps: Deps,
  propertyId: string,
  entries: readonly DncIdentifier[],
): Promise<{ removed: number; hashes: string[] }> {
  checkCount(entries);
  const identified = await identify(deps, propertyId, entries);
  const removed = await repo.deleteDoNotContact(deps.database.db, propertyId, [
    ...new Set(identified.map((e) => e.hash)),
  ]);
  return { removed: removed.length, hashes: removed };
}

/** Removes one entry by its hash (as listed); 404 when the list does not hold it. */
export async function removeDoNotContactHash(
  deps: Deps,
  propertyId: string,
  hash: string,
): Promise<{ removed: number; hashes: string[] }> {
  const normalized = hash.toLowerCase();
  if (!HASH.test(normalized)) {
    throw new AppError('validation_failed', 'hash must be 64 hexadecimal characters');
  }
  const removed = await repo.deleteDoNotContact(deps.database.db, propertyId, [normalized]);
  if (removed.length === 0) throw notFound('Do-not-contact entry');
  return { removed: removed.length, hashes: removed };
}

/**
 * A page of the list, newest first. `before` is the `next_before` of the previous page (the
 * created_at and hash of its last row, `<date-time>~<hash>`) or a plain date-time.
 */
export async function listDoNotContact(
  deps: Deps,
  propertyId: string,
  input: { limit?: number | undefined; offset?: number | undefined; before?: string | undefined },
) {
  const limit = input.limit ?? 100;
  let before: { at: Date; hash: string | null } | null = null;
  if (input.before !== undefined) {
    const [time = '', hash, ...rest] = input.before.split('~');
    const at = new Date(time);
    if (rest.length > 0 || Number.isNaN(at.getTime()) || (hash !== undefined && !HASH.test(hash))) {
      throw new AppError(
        'validation_failed',
        'before must be a date-time or the next_before of a previous page',
      );
    }
    before = { at, hash: hash ?? null };
  }
  // One row more than asked says whether another page follows.
  const { rows, total } = await repo.listDoNotContact(deps.database.db, propertyId, {
    limit: limit + 1,
    offset: input.offset ?? 0,
    before,
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    entries: page,
    total,
    next_before:
      rows.length > limit && last
        ? `${new Date(last.created_at).toISOString()}~${last.hash}`
        : null,
  };
}

/**
 * Whether messages to an identifier are blocked, and why, without the list holding addresses.
 * A player (PlayLoop's or the casino's id) is looked up by every identifier of their profile,
 * as the pre-send check does.
 */
export async function lookupDoNotContact(
  deps: Deps,
  propertyId: string,
  identifier: DncIdentifier,
): Promise<{ listed: boolean; reasons: DB['suppressions']['reason'][]; hash: string }> {
  const [found] = await identify(deps, propertyId, [identifier], false);
  if (!found)
    throw new AppError('validation_failed', 'give exactly one of phone, email or player_id');
  const hashes = new Set([found.hash, ...(found.player ? suppressionHashes(found.player) : [])]);
  const reasons = await repo.suppressionReasons(deps.database.db, propertyId, [...hashes]);
  return { listed: reasons.length > 0, reasons, hash: found.hash };
}
