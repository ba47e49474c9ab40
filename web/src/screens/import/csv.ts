// Reading a players CSV in the browser, with the same meaning as `npm run cli -- players import`
// (src/modules/players/players.import.ts): header cells name player fields (case, spaces and
// hyphens forgiven) or `traits.<name>`; an empty cell clears its field, except `status` and
// `traits`, which it leaves alone; a player_id repeated in the file: the later line wins.

/** A record of the file and the line it ends on (1-based, as the CLI reports them). */
export interface CsvRecord {
  cells: string[];
  line: number;
}

/**
 * RFC 4180 records: quoted cells may hold commas, doubled quotes and line breaks; a leading
 * byte-order mark and blank lines are skipped.
 */
export function parseCsv(text: string): CsvRecord[] {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let touched = false;
  const endRecord = () => {
    cells.push(cell);
    if (touched || cells.length > 1 || cell !== '') records.push({ cells, line });
    cells = [];
    cell = '';
    touched = false;
  };
  for (let i = 0; i < source.length; i++) {
    const char = source[i];
    if (quoted) {
      if (char === '"' && source[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') {
        quoted = false;
      } else {
        if (char === '\n') line++;
        cell += char;
      }
    } else if (char === '"') {
      quoted = true;
      touched = true;
    } else if (char === ',') {
      cells.push(cell);
      cell = '';
      touched = true;
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && source[i + 1] === '\n') i++;
      endRecord();
      line++;
    } else {
      cell += char;
    }
  }
  if (cell !== '' || cells.length > 0 || touched) endRecord();
  return records;
}

/** The writable player fields (PATCH /api/players/{id}); `traits` takes a JSON object. */
export const PLAYER_FIELDS = [
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
] as const;

const NUMERIC = new Set<string>(['adt', 'coin_in']);
const EMPTY_KEEPS = new Set<string>(['status', 'traits']);
const DECIMAL = /^-?\d+(?:\.\d+)?$/;

/** Where a column goes: a player field, a trait (`traits.<name>`), or nowhere. */
export type Target = string;
export const SKIP = '';

/** The target a header cell names, as the CLI reads it; SKIP when it names none. */
export function guessTarget(header: string): Target {
  const cell = header.trim();
  const trait = /^traits\.(.+)$/i.exec(cell)?.[1]?.trim();
  if (trait) return `traits.${trait}`;
  const key = cell.toLowerCase().replace(/[\s-]+/g, '_');
  return (PLAYER_FIELDS as readonly string[]).includes(key) ? key : SKIP;
}

/** Why a row cannot be sent, in the words' keys of the import screen, with their values. */
export type RowProblem =
  | { key: 'import.row.columns'; vars: { found: number; expected: number } }
  | { key: 'import.row.number'; vars: { field: string; value: string } }
  | { key: 'import.row.traits_json'; vars: Record<string, never> }
  | { key: 'import.row.no_player_id'; vars: Record<string, never> };

/** One record as the player object the batch upsert checks, or why it cannot be one. */
export function toPlayer(
  targets: readonly Target[],
  cells: readonly string[],
): object | RowProblem {
  if (cells.length !== targets.length) {
    return { key: 'import.row.columns', vars: { found: cells.length, expected: targets.length } };
  }
  const player: Record<string, unknown> = {};
  let traits: Record<string, string> | undefined;
  for (const [index, target] of targets.entries()) {
    if (target === SKIP) continue;
    const cell = cells[index] ?? '';
    const empty = cell.trim() === '';
    if (target.startsWith('traits.')) {
      traits ??= {};
      if (!empty) traits[target.slice('traits.'.length)] = cell.trim();
    } else if (empty) {
      if (!EMPTY_KEEPS.has(target)) player[target] = null;
    } else if (NUMERIC.has(target)) {
      if (!DECIMAL.test(cell.trim())) {
        return { key: 'import.row.number', vars: { field: target, value: cell } };
      }
      player[target] = Number(cell.trim());
    } else if (target === 'traits') {
      try {
        player.traits = JSON.parse(cell) as unknown;
      } catch {
        return { key: 'import.row.traits_json', vars: {} };
      }
    } else {
      player[target] = cell;
    }
  }
  if (traits) player.traits = traits;
  const id = player.player_id;
  // Imports match on player_id, so running one twice converges (as the CLI requires it).
  if (typeof id !== 'string' || id.trim() === '') {
    return { key: 'import.row.no_player_id', vars: {} };
  }
  return player;
}

export const isProblem = (value: object | RowProblem): value is RowProblem =>
  'key' in value && 'vars' in value;
