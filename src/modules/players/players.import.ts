import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { type CsvError, parse } from 'csv-parse';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import { findProperty } from '../properties/index.ts';
import { importBatch, MAX_BATCH } from './players.service.ts';
import { PLAYER_TABLE } from './players.table.ts';

/**
 * Streaming CSV import of players: the file is read record by record and upserted by player_id
 * in batches, so memory stays flat whatever its size, and running the same import twice (say,
 * after a crash) converges to the same rows.
 *
 * The file's meaning, column by column:
 * - The header names player fields (`player_id` required; case, spaces and hyphens are
 *   forgiven: `First Name` is `first_name`) and `traits.<name>` columns. An unknown or repeated
 *   column stops the import before any row is written.
 * - A column present in the header is set on every row: an empty cell clears the field. Two
 *   exceptions: an empty `status` leaves it as it is (a new player is `active`), and an empty
 *   `traits` cell leaves the traits alone.
 * - `traits` holds a JSON object; `traits.<name>` columns instead build the traits object from
 *   their non-empty cells, as strings. Either way the row's traits replace the stored ones.
 * - A player_id repeated in the file: the later line wins.
 * - A row that fails validation is rejected with its line number and the rest go on.
 *
 * Each batch is written in a transaction of its own that records one players.imported event
 * with the batch's counts, and no player.created / player.updated per row (events catalog).
 */

export interface ImportProgress {
  /** Data rows read so far (header excluded). */
  readonly rows: number;
  readonly inserted: number;
  readonly updated: number;
  readonly rejected: number;
}

export interface ImportRowError {
  /** 1-based line of the file where the row ends. */
  readonly line: number;
  readonly player_id: string | null;
  readonly error: string;
}

export interface ImportSummary extends ImportProgress {
  /** The first rejected rows, at most `keepErrors` of them. */
  readonly errors: ImportRowError[];
}

export interface ImportOptions {
  /** Rows per upsert statement, 1 to 1000 (default 1000). */
  readonly batchSize?: number | undefined;
  /** Called after each batch is written. */
  readonly onProgress?: (progress: ImportProgress) => void;
  /** Called for every rejected row, in file order within a batch. */
  readonly onRowError?: (error: ImportRowError) => void;
  /** How many rejected rows the summary keeps (default 100). */
  readonly keepErrors?: number;
}

/** A writable player column. */
type Field = string;

/** How one header cell maps to the player object. */
type Column =
  | { readonly kind: 'field'; readonly field: Field }
  | { readonly kind: 'trait'; readonly name: string };

const WRITABLE = Object.entries(PLAYER_TABLE.columns)
  .filter(([, spec]) => spec.write === true)
  .map(([name]) => name);
const NUMERIC = new Set<Field>(['adt', 'coin_in']);
/** Fields where an empty cell means "leave as it is" rather than "clear". */
const EMPTY_KEEPS = new Set<Field>(['status', 'traits']);
const DECIMAL = /^-?\d+(?:\.\d+)?$/;

const normalizeHeader = (cell: string) =>
  cell
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

function mapHeader(header: readonly string[]): Column[] {
  const seen = new Set<string>();
  const columns = header.map((raw): Column => {
    const cell = raw.trim();
    const traitName = /^traits\.(.+)$/i.exec(cell)?.[1]?.trim();
    const key = traitName === undefined ? normalizeHeader(cell) : `traits.${traitName}`;
    if (seen.has(key)) throw new AppError('validation_failed', `Column "${cell}" appears twice`);
    seen.add(key);
    if (traitName !== undefined && traitName !== '') return { kind: 'trait', name: traitName };
    if (WRITABLE.includes(key)) return { kind: 'field', field: key };
    throw new AppError(
      'validation_failed',
      `Unknown column "${cell}" in the header; known columns are ${WRITABLE.join(', ')} and traits.<name>`,
    );
  });
  if (!seen.has('player_id')) {
    throw new AppError('validation_failed', 'The header must have a player_id column');
  }
  if (seen.has('traits') && columns.some((column) => column.kind === 'trait')) {
    throw new AppError(
      'validation_failed',
      'Use either a traits column (JSON) or traits.<name> columns, not both',
    );
  }
  return columns;
}

/** One CSV record as the player object the batch upsert validates, or why it cannot be one. */
function toPlayer(columns: readonly Column[], record: readonly string[]): object | string {
  if (record.length !== columns.length) {
    return `has ${record.length} fields but the header has ${columns.length}`;
  }
  const player: Record<string, unknown> = {};
  let traits: Record<string, string> | undefined;
  for (const [index, column] of columns.entries()) {
    const cell = record[index] ?? '';
    const empty = cell.trim() === '';
    if (column.kind === 'trait') {
      traits ??= {};
      if (!empty) traits[column.name] = cell.trim();
      continue;
    }
    const { field } = column;
    if (empty) {
      if (!EMPTY_KEEPS.has(field)) player[field] = null;
    } else if (NUMERIC.has(field)) {
      if (!DECIMAL.test(cell.trim())) return `${field} ${JSON.stringify(cell)} is not a number`;
      player[field] = Number(cell.trim());
    } else if (field === 'traits') {
      try {
        player.traits = JSON.parse(cell) as unknown;
      } catch {
        return 'traits is not valid JSON';
      }
    } else {
      player[field] = cell;
    }
  }
  if (traits) player.traits = traits;
  return player;
}

const playerIdOf = (player: object): string | null => {
  const id = (player as { player_id?: unknown }).player_id;
  return typeof id === 'string' && id.trim() !== '' ? id.trim() : null;
};

export async function importPlayers(
  deps: Deps,
  propertyId: string,
  source: Readable,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const batchSize = options.batchSize ?? MAX_BATCH;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH) {
    throw new AppError('validation_failed', `The batch size must be from 1 to ${MAX_BATCH}`);
  }
  const property = await findProperty(deps.database.db, propertyId);
  if (!property) throw new AppError('not_found', 'Property not found');
  // Each batch records one players.imported event; this id ties the batches of one run.
  const importId = randomUUID();
  let batches = 0;
  const keepErrors = options.keepErrors ?? 100;
  const errors: ImportRowError[] = [];
  const totals = { rows: 0, inserted: 0, updated: 0, rejected: 0 };
  const reject = (error: ImportRowError) => {
    totals.rejected += 1;
    if (errors.length < keepErrors) errors.push(error);
    options.onRowError?.(error);
  };

  // One batch is written while the next is read; each batch knows the line of each row.
  let players: object[] = [];
  let lines: number[] = [];
  let ids = new Set<string>();
  let writing: Promise<void> | undefined;
  const write = async (batch: object[], batchLines: number[]) => {
    batches += 1;
    const result = await importBatch(deps, propertyId, batch, {
      orgId: property.org_id,
      importId,
      number: batches,
    });
    totals.inserted += result.inserted;
    totals.updated += result.updated;
    for (const error of result.errors) {
      reject({
        line: batchLines[error.index] ?? 0,
        player_id: error.player_id,
        error: error.error,
      });
    }
    options.onProgress?.({ ...totals });
  };
  const flush = async () => {
    await writing;
    writing = undefined;
    if (players.length === 0) return;
    writing = write(players, lines);
    // Awaited at the next flush; this only keeps an early failure from being reported unhandled.
    writing.catch(() => undefined);
    players = [];
    lines = [];
    ids = new Set();
  };

  const parser = source.pipe(
    parse({ bom: true, info: true, relax_column_count: true, skip_empty_lines: true }),
  );
  let columns: Column[] | undefined;
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      if (!columns) {
        columns = mapHeader(record);
        continue;
      }
      totals.rows += 1;
      const player = toPlayer(columns, record);
      if (typeof player === 'string') {
        const cell =
          record[columns.findIndex((c) => c.kind === 'field' && c.field === 'player_id')];
        reject({ line: info.lines, player_id: cell?.trim() || null, error: player });
        continue;
      }
      const id = playerIdOf(player);
      // An import matches rows on player_id, so running it twice converges; a row without one
      // would be created again on every run (the API creates players without one).
      if (id === null) {
        reject({ line: info.lines, player_id: null, error: 'player_id is required in an import' });
        continue;
      }
      // The batch upsert refuses a repeated player_id; a new batch lets the later line win.
      if (id !== null && ids.has(id)) await flush();
      if (id !== null) ids.add(id);
      players.push(player);
      lines.push(info.lines);
      if (players.length >= batchSize) await flush();
    }
  } catch (error) {
    source.destroy();
    await writing?.catch(() => undefined);
    if ((error as CsvError).code?.startsWith('CSV_')) {
      throw new AppError('validation_failed', `CSV: ${(error as Error).message}`);
    }
    throw error;
  }
  if (!columns) throw new AppError('validation_failed', 'The file is empty: no header line');
  await flush();
  await writing;
  options.onProgress?.({ ...totals });
  return { ...totals, errors };
}
