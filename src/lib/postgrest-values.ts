import { AppError } from './errors.ts';

/**
 * Values of the table filter grammar (postgrest-filter.ts): conversion of query-string text to
 * a column's type, and `in` lists. Every refusal is `validation_failed` naming the column and
 * the value.
 */

export const COLUMN_TYPES = [
  'text',
  'uuid',
  'integer',
  'numeric',
  'boolean',
  'timestamptz',
  'date',
  'jsonb',
] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

/** A converted value: numeric stays a string so no precision is lost on the way to SQL. */
export type Scalar = string | number | boolean;

export const MAX_IN_ITEMS = 1000;
export const MAX_VALUE_LENGTH = 2000;

const fail = (message: string): never => {
  throw new AppError('validation_failed', message);
};

/** Input echoed in an error message, shortened so a huge parameter does not fill the response. */
export function shown(value: string): string {
  const text = value.length > 80 ? `${value.slice(0, 80)}…` : value;
  return JSON.stringify(text);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INTEGER = /^[+-]?\d{1,10}$/;
const NUMERIC = /^[+-]?(?:\d{1,30}(?:\.\d{0,20})?|\.\d{1,20})$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// A `+` in a query string decodes to a space, so ` 01:00` at the end is read as `+01:00`.
const TIMESTAMP =
  /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|z|[+\- ]\d{2}(?::?\d{2})?)?)?$/;

/** True when YYYY-MM-DD names a real calendar day. */
export function isCalendarDate(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    year >= 1 &&
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day
  );
}

function toTimestamp(value: string): string | undefined {
  const match = TIMESTAMP.exec(value.trim());
  if (!match) return undefined;
  const [, date = '', hh, mm, ss, fraction, zone] = match;
  if (!isCalendarDate(date)) return undefined;
  if (hh === undefined) return `${date}T00:00:00.000Z`;
  if (Number(hh) > 23 || Number(mm) > 59 || Number(ss ?? 0) > 59) return undefined;
  let offset = 'Z';
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? '-' : '+';
    const digits = zone.slice(1).replace(':', '');
    offset = `${sign}${digits.slice(0, 2)}:${digits.slice(2) || '00'}`;
  }
  const ms = (fraction ?? '').padEnd(3, '0').slice(0, 3);
  const parsed = new Date(`${date}T${hh}:${mm}:${ss ?? '00'}.${ms}${offset}`);
  return Number.isNaN(parsed.getTime()) ? undefined : parsed.toISOString();
}

/** Converts one text value to the column's type, or fails naming the column and the value. */
export function convertValue(column: string, type: ColumnType, value: string): Scalar {
  if (value.length > MAX_VALUE_LENGTH) {
    fail(`Value for ${column} is longer than ${MAX_VALUE_LENGTH} characters`);
  }
  const bad = (what: string): never => fail(`Invalid value ${shown(value)} for ${column}: ${what}`);
  switch (type) {
    case 'text':
      return value;
    case 'uuid':
      return UUID.test(value) ? value.toLowerCase() : bad('expected a UUID');
    case 'integer': {
      const n = Number(value);
      return INTEGER.test(value) && Math.abs(n) <= 2_147_483_647 ? n : bad('expected an integer');
    }
    case 'numeric':
      return NUMERIC.test(value) ? value : bad('expected a number');
    case 'boolean':
      if (value === 'true') return true;
      if (value === 'false') return false;
      return bad('expected true or false');
    case 'timestamptz':
      return toTimestamp(value) ?? bad('expected an ISO-8601 date or date-time');
    case 'date':
      return isCalendarDate(value) ? value : bad('expected a date YYYY-MM-DD');
    case 'jsonb':
      return bad('JSON columns can only be tested with is.null');
  }
}

/**
 * The items of an `in` list: `(a,b,"c,d")`. Double quotes protect commas and parentheses; a
 * backslash inside quotes escapes the next character. The parentheses may be left out.
 */
export function parseInList(column: string, raw: string): string[] {
  let body = raw;
  if (body.startsWith('(') || body.endsWith(')')) {
    if (!(body.startsWith('(') && body.endsWith(')') && body.length >= 2)) {
      fail(`Invalid in list ${shown(raw)} for ${column}: unbalanced parentheses`);
    }
    body = body.slice(1, -1);
  }
  if (body.trim() === '') return [];
  const items: string[] = [];
  let i = 0;
  for (;;) {
    while (body[i] === ' ') i++;
    let item = '';
    if (body[i] === '"') {
      i++;
      let closed = false;
      while (i < body.length) {
        const ch = body[i] ?? '';
        if (ch === '\\' && i + 1 < body.length) {
          item += body[i + 1];
          i += 2;
        } else if (ch === '"') {
          closed = true;
          i++;
          break;
        } else {
          item += ch;
          i++;
        }
      }
      if (!closed) fail(`Invalid in list ${shown(raw)} for ${column}: unterminated quote`);
      while (body[i] === ' ') i++;
      if (i < body.length && body[i] !== ',') {
        fail(`Invalid in list ${shown(raw)} for ${column}: text after a quoted item`);
      }
    } else {
      const end = body.indexOf(',', i);
      item = (end < 0 ? body.slice(i) : body.slice(i, end)).trim();
      i = end < 0 ? body.length : end;
      if (item === '') fail(`Invalid in list ${shown(raw)} for ${column}: empty item`);
      if (/[()"]/.test(item)) {
        fail(`Invalid in list ${shown(raw)} for ${column}: quote items holding ( ) or "`);
      }
    }
    items.push(item);
    if (items.length > MAX_IN_ITEMS) {
      fail(`The in list for ${column} has more than ${MAX_IN_ITEMS} items`);
    }
    if (i >= body.length) break;
    i++; // the comma
    if (i >= body.length) fail(`Invalid in list ${shown(raw)} for ${column}: empty item`);
  }
  return items;
}
