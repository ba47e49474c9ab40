import { randomUUID } from 'node:crypto';
import type { RawBuilder } from 'kysely';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import { parseQuery, type RawQuery } from '../../lib/postgrest-filter.ts';
import { insertEvents } from '../events/index.ts';
import { quotaExceeded } from '../properties/index.ts';
import {
  deleteRows,
  type Row,
  selectRows,
  type TableResult,
  updateRows,
  whereSql,
} from '../../lib/table-query.ts';
import * as repo from './players.repo.ts';
import type { NewPlayer, PlayerRow } from './players.repo.ts';
import { PLAYER_TABLE, playersOf } from './players.table.ts';
import { validatePlayer } from './players.validation.ts';

/** Most rows one insert or batch upsert takes. */
export const MAX_BATCH = 1000;

export interface PlayerListQuery {
  /** The query-string object: filters, select, order, limit, offset, count, q. */
  readonly query: RawQuery;
  /** The Prefer header (`count=exact|planned|estimated|none`). */
  readonly prefer?: string | undefined;
}

export interface BatchError {
  /** Position of the row in the request (0-based). */
  index: number;
  /** The row's player_id when it had a usable one, else null. */
  player_id: string | null;
  error: string;
}

export interface BatchResult {
  inserted: number;
  updated: number;
  errors: BatchError[];
}

const notFound = () => new AppError('not_found', 'Player not found');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/**
 * The player a path names (`/api/players/{key}`): a uuid-shaped key is PlayLoop's id, anything
 * else the casino's player_id (`100234`). A casino id that is itself a uuid is found with
 * `GET /api/players?player_id.eq=<id>`.
 */
export const playerKey = (key: string): repo.PlayerKey =>
  UUID.test(key) ? { id: key.toLowerCase() } : { playerId: key };

function conflictOnPlayerId(error: unknown): AppError | undefined {
  const pg = error as { code?: string; constraint?: string; detail?: string };
  if (pg.code !== '23505') return undefined;
  const id = /\(property_id, player_id\)=\([^,]+, (.*)\) already exists/.exec(pg.detail ?? '')?.[1];
  return new AppError(
    'conflict',
    id === undefined
      ? 'A player with this player_id already exists in this property'
      : `A player with player_id ${JSON.stringify(id)} already exists in this property`,
  );
}

/**
 * The API error for a write the database refused: past the property's storage quota (403
 * quota_exceeded, raised by the quota triggers) or a player_id already taken (409).
 */
function writeError(error: unknown): unknown {
  return quotaExceeded(error) ?? conflictOnPlayerId(error) ?? error;
}

function checkBatchSize(rows: readonly unknown[]): void {
  if (rows.length === 0) throw new AppError('validation_failed', 'Send at least one player');
  if (rows.length > MAX_BATCH) {
    throw new AppError('validation_failed', `At most ${MAX_BATCH} players per request`);
  }
}

/** `GET /api/players`: the property's players through the filter grammar. */
export async function listPlayers(
  deps: Deps,
  propertyId: string,
  input: PlayerListQuery,
): Promise<TableResult> {
  const plan = parseQuery(PLAYER_TABLE, input.query, { prefer: input.prefer });
  return selectRows(deps.database.db, playersOf(propertyId), plan);
}

/**
 * The condition over `players` that a players query's filters select (what `GET /api/players`
 * with them would list), for set-based statements elsewhere: segment journeys list members with it.
 */
export function playersWhere(propertyId: string, query: RawQuery): RawBuilder<unknown> {
  return whereSql(playersOf(propertyId), parseQuery(PLAYER_TABLE, query));
}

export async function getPlayer(deps: Deps, propertyId: string, id: string): Promise<PlayerRow> {
  const player = await repo.findPlayer(deps.database.db, propertyId, playerKey(id));
  if (!player) throw notFound();
  return player;
}

async function insertValidated(
  deps: Deps,
  propertyId: string,
  inputs: readonly unknown[],
  label: (index: number) => string,
): Promise<PlayerRow[]> {
  checkBatchSize(inputs);
  const now = deps.clock.now();
  const seen = new Map<string, number>();
  const rows: NewPlayer[] = inputs.map((input, index) => {
    try {
      const values = validatePlayer(input, 'create', now);
      const playerId = values.player_id ?? null;
      const first = playerId === null ? undefined : seen.get(playerId);
      if (first !== undefined) {
        throw new AppError('validation_failed', `player_id repeats ${label(first) || 'a row'}`);
      }
      if (playerId !== null) seen.set(playerId, index);
      return { ...values, id: randomUUID(), player_id: playerId };
    } catch (error) {
      if (error instanceof AppError) {
        const at = label(index);
        throw new AppError(error.code, at ? `${at}: ${error.message}` : error.message);
      }
      throw error;
    }
  });
  try {
    return await repo.insertPlayers(deps.database.db, propertyId, rows, now);
  } catch (error) {
    throw writeError(error);
  }
}

/**
 * Inserts players, all or none, in one statement. Every row is validated first; the first
 * invalid row's message says which (`players[3]: …`). A player_id already taken is a 409.
 */
export function createPlayers(
  deps: Deps,
  propertyId: string,
  inputs: readonly unknown[],
): Promise<PlayerRow[]> {
  return insertValidated(deps, propertyId, inputs, (index) => `players[${index}]`);
}

export async function createPlayer(
  deps: Deps,
  propertyId: string,
  input: unknown,
): Promise<PlayerRow> {
  const [player] = await insertValidated(deps, propertyId, [input], () => '');
  if (!player) throw new Error('insert returned no row');
  return player;
}

export async function updatePlayer(
  deps: Deps,
  propertyId: string,
  id: string,
  input: unknown,
): Promise<PlayerRow> {
  const now = deps.clock.now();
  const values = validatePlayer(input, 'update', now);
  try {
    const updated = await repo.updatePlayer(
      deps.database.db,
      propertyId,
      playerKey(id),
      values,
      now,
    );
    if (!updated) throw notFound();
    return updated;
  } catch (error) {
    throw writeError(error);
  }
}

export async function deletePlayer(deps: Deps, propertyId: string, id: string): Promise<void> {
  if (!(await repo.deletePlayer(deps.database.db, propertyId, playerKey(id)))) throw notFound();
}

/**
 * `PATCH /api/players?<filters>`: applies one validated change to every matching player of the
 * property. At least one filter is required. Returns the updated rows (`select` shapes them).
 */
export async function updatePlayersWhere(
  deps: Deps,
  propertyId: string,
  query: RawQuery,
  input: unknown,
): Promise<Row[]> {
  const now = deps.clock.now();
  const plan = parseQuery(PLAYER_TABLE, query, { mode: 'write' });
  const values = validatePlayer(input, 'update', now);
  try {
    return await updateRows(deps.database.db, playersOf(propertyId), plan, { ...values }, now);
  } catch (error) {
    throw writeError(error);
  }
}

/** `DELETE /api/players?<filters>`: at least one filter; returns the deleted rows. */
export async function deletePlayersWhere(
  deps: Deps,
  propertyId: string,
  query: RawQuery,
): Promise<Row[]> {
  const plan = parseQuery(PLAYER_TABLE, query, { mode: 'write' });
  return deleteRows(deps.database.db, playersOf(propertyId), plan);
}

/** Validates each row of a batch on its own: the rows to write, and the refused ones. */
function validateBatch(rows: readonly unknown[], now: Date) {
  const errors: BatchError[] = [];
  const valid: NewPlayer[] = [];
  const seen = new Map<string, number>();
  rows.forEach((row, index) => {
    const raw = (row as { player_id?: unknown } | null)?.player_id;
    const rawId = typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : null;
    try {
      const values = validatePlayer(row, 'create', now);
      const playerId = values.player_id ?? null;
      const first = playerId === null ? undefined : seen.get(playerId);
      if (first !== undefined) {
        throw new AppError('validation_failed', `player_id repeats row ${first} of this batch`);
      }
      if (playerId !== null) seen.set(playerId, index);
      valid.push({ ...values, id: randomUUID(), player_id: playerId });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      errors.push({ index, player_id: rawId, error: error.message });
    }
  });
  return { valid, errors };
}

/**
 * Batch upsert by player_id (`POST /api/players/batch`); a row without player_id is created
 * (nothing to match it on). Each row is validated on its own: an
 * invalid row is reported in `errors` and not applied at all, the valid rows are applied in one
 * statement. A new player takes defaults for the fields its row lacks; an existing one keeps
 * them. A player_id repeated in the batch is an error for the later rows.
 */
export async function upsertPlayers(
  deps: Deps,
  propertyId: string,
  rows: readonly unknown[],
): Promise<BatchResult> {
  checkBatchSize(rows);
  const now = deps.clock.now();
  const { valid, errors } = validateBatch(rows, now);
  try {
    const { inserted, updated } = await repo.upsertPlayers(
      deps.database.db,
      propertyId,
      valid,
      now,
    );
    return { inserted, updated, errors };
  } catch (error) {
    throw writeError(error);
  }
}

/** Which import a batch belongs to, for its players.imported event. */
export interface ImportBatch {
  /** The property's organization (the event's tenant). */
  orgId: number;
  importId: string;
  /** 1 for the first batch of the import. */
  number: number;
}

/**
 * One batch of a CSV import: `upsertPlayers`, plus one players.imported event with the batch's
 * counts instead of a player event per row (the catalog says why), in one transaction.
 */
export async function importBatch(
  deps: Deps,
  propertyId: string,
  rows: readonly unknown[],
  batch: ImportBatch,
): Promise<BatchResult> {
  checkBatchSize(rows);
  const now = deps.clock.now();
  const { valid, errors } = validateBatch(rows, now);
  try {
    return await deps.database.db.transaction().execute(async (trx) => {
      // The upsert is still one statement; the two around it lock nothing a writer waits on.
      await repo.muteRowEvents(trx);
      const { inserted, updated } = await repo.upsertPlayers(trx, propertyId, valid, now);
      await insertEvents(trx, [
        {
          type: 'players.imported',
          orgId: batch.orgId,
          propertyId,
          occurredAt: now,
          data: {
            property_id: propertyId,
            import_id: batch.importId,
            batch: batch.number,
            rows: rows.length,
            inserted,
            updated,
            rejected: errors.length,
          },
        },
      ]);
      return { inserted, updated, errors };
    });
  } catch (error) {
    throw writeError(error);
  }
}
