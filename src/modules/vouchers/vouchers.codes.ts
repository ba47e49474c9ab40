import { randomInt } from 'node:crypto';
import { AppError } from '../../lib/errors.ts';

/** The longest code the database accepts (voucher_codes.code). */
export const MAX_CODE_LENGTH = 64;
/** Codes one upload may carry, before de-duplication. */
export const MAX_UPLOAD_CODES = 50_000;

/**
 * Characters of generated codes: digits and capitals without the look-alikes 0/O, 1/I/L, so a
 * code read off a screen or a receipt is typed back correctly.
 */
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

export type CodeUpload =
  | { format: 'csv' | 'text'; text: string; header?: boolean | undefined }
  | { format: 'list'; codes: readonly string[] };

/**
 * The first field of every CSV record (RFC 4180: quoted fields may hold commas, doubled quotes
 * and line breaks). Lenient like spreadsheet exports need: a quote inside an unquoted field is
 * kept as text, and characters after a closing quote are appended.
 */
export function csvFirstColumn(text: string): string[] {
  const firsts: string[] = [];
  let field = '';
  let column = 0;
  let quoted = false;
  let fieldStart = true;
  let recordHasContent = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          if (column === 0) field += '"';
          i++;
        } else {
          quoted = false;
        }
      } else if (column === 0) {
        field += ch;
      }
      continue;
    }
    if (ch === '"' && fieldStart) {
      quoted = true;
      fieldStart = false;
      recordHasContent = true;
    } else if (ch === ',') {
      column++;
      fieldStart = true;
      recordHasContent = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      firsts.push(field);
      field = '';
      column = 0;
      fieldStart = true;
      recordHasContent = false;
    } else {
      if (column === 0) field += ch;
      fieldStart = false;
      recordHasContent = true;
    }
  }
  if (recordHasContent || field !== '') firsts.push(field);
  return firsts;
}

// Control characters (tabs included) are never part of a code: a tab usually means a
// tab-separated file sent as text.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * The codes an upload adds, in order: first CSV column or whole lines, trimmed, upper-cased,
 * empty ones skipped, repeats dropped. `received` counts the non-empty codes before that.
 */
export function parseCodeUpload(upload: CodeUpload): { codes: string[]; received: number } {
  let raw: readonly string[];
  let offset = 0;
  if (upload.format === 'list') {
    raw = upload.codes;
  } else {
    const text = upload.text.replace(/^\uFEFF/, '');
    raw = upload.format === 'csv' ? csvFirstColumn(text) : text.split(/\r\n|\r|\n/);
    if (upload.header) {
      raw = raw.slice(1);
      offset = 1;
    }
  }
  const unique = new Set<string>();
  let received = 0;
  for (const [index, value] of raw.entries()) {
    const code = value.trim().toUpperCase();
    if (!code) continue;
    received++;
    const where =
      upload.format === 'list'
        ? `codes[${index}]`
        : `${upload.format === 'csv' ? 'row' : 'line'} ${index + 1 + offset}`;
    if (code.length > MAX_CODE_LENGTH) {
      throw new AppError(
        'validation_failed',
        `${where}: a code may have at most ${MAX_CODE_LENGTH} characters`,
      );
    }
    if (CONTROL.test(code)) {
      throw new AppError(
        'validation_failed',
        `${where}: a code may not contain control characters`,
      );
    }
    unique.add(code);
  }
  if (received > MAX_UPLOAD_CODES) {
    throw new AppError(
      'validation_failed',
      `An upload may carry at most ${MAX_UPLOAD_CODES} codes (this one has ${received})`,
    );
  }
  return { codes: [...unique], received };
}

export interface GenerateOptions {
  count: number;
  prefix?: string | undefined;
  length?: number | undefined;
}

/** Checks generate options (the service's own rules) and returns them normalized. */
export function generateOptions(options: GenerateOptions): {
  count: number;
  prefix: string;
  length: number;
} {
  const prefix = (options.prefix ?? '').toUpperCase();
  const length = options.length ?? 8;
  if (!Number.isInteger(options.count) || options.count < 1 || options.count > 1000) {
    throw new AppError('validation_failed', 'count must be an integer from 1 to 1000');
  }
  if (!/^[A-Z0-9]{0,10}$/.test(prefix)) {
    throw new AppError('validation_failed', 'prefix must have 0 to 10 letters A–Z or digits');
  }
  if (!Number.isInteger(length) || length < 4 || length > 16) {
    throw new AppError('validation_failed', 'length must be an integer from 4 to 16');
  }
  return { count: options.count, prefix, length };
}

/** `PREFIX-XXXXXXXX` (no hyphen without a prefix), random part from CODE_ALPHABET. */
export function randomCode(prefix: string, length: number): string {
  let random = '';
  for (let i = 0; i < length; i++) random += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return prefix ? `${prefix}-${random}` : random;
}
