import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** A mistake in how the CLI was called: reported with the usage text, exit code 2. */
export class UsageError extends Error {}

export type Values = Readonly<Record<string, string | boolean | undefined>>;

// Ids are PostgreSQL `integer` columns: a larger number would fail in the database instead.
const MAX_INT = 2_147_483_647;

function text(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

export function required(values: Values, name: string): string {
  const value = text(values, name);
  if (value === undefined || value.trim() === '') throw new UsageError(`--${name} is required`);
  return value;
}

export function optional(values: Values, name: string): string | undefined {
  return text(values, name);
}

function parseInteger(name: string, raw: string): number {
  const trimmed = raw.trim();
  const value = Number(trimmed);
  if (!/^\d+$/.test(trimmed) || !Number.isSafeInteger(value) || value < 1 || value > MAX_INT) {
    throw new UsageError(`--${name} must be a whole number from 1 to ${MAX_INT}, got "${raw}"`);
  }
  return value;
}

export function optionalInt(values: Values, name: string): number | undefined {
  const raw = text(values, name);
  return raw === undefined ? undefined : parseInteger(name, raw);
}

export function requiredInt(values: Values, name: string): number {
  return parseInteger(name, required(values, name));
}

/** A comma-separated list of ids, such as `--games 1,2`; an empty list is refused. */
export function optionalIntList(values: Values, name: string): number[] | undefined {
  const raw = text(values, name);
  if (raw === undefined) return undefined;
  const parts = raw.split(',').map((part) => part.trim());
  if (parts.some((part) => part === '')) {
    throw new UsageError(`--${name} must be a comma-separated list of ids, got "${raw}"`);
  }
  return parts.map((part) => parseInteger(name, part));
}

export function requiredIntList(values: Values, name: string): number[] {
  required(values, name);
  return optionalIntList(values, name) ?? [];
}

/** One of a closed set of words, matched case-insensitively and returned in canonical case. */
export function optionalChoice<T extends string>(
  values: Values,
  name: string,
  choices: readonly T[],
): T | undefined {
  const raw = text(values, name);
  if (raw === undefined) return undefined;
  const found = choices.find((choice) => choice.toLowerCase() === raw.trim().toLowerCase());
  if (!found) throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got "${raw}"`);
  return found;
}

export function requiredChoice<T extends string>(
  values: Values,
  name: string,
  choices: readonly T[],
): T {
  required(values, name);
  return optionalChoice(values, name, choices) as T;
}

/** An ISO-8601 date-time, passed on as given once it is known to parse. */
export function optionalDateTime(values: Values, name: string): string | undefined {
  const raw = text(values, name);
  if (raw === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}/.test(raw) || Number.isNaN(new Date(raw).getTime())) {
    throw new UsageError(`--${name} must be an ISO-8601 date-time, got "${raw}"`);
  }
  return raw;
}

/**
 * A JSON value given inline (`--config '{"pairs":8}'`) or as `@path` to a file, which is read
 * here, relative to `cwd` (the caller's `io.cwd`): commands call this in `prepare`, so their
 * work never reads files. Unreadable files and malformed JSON are usage errors.
 */
export function optionalJson(values: Values, name: string, cwd: string): unknown {
  const raw = text(values, name);
  if (raw === undefined) return undefined;
  let source = raw;
  if (raw.startsWith('@')) {
    const path = resolve(cwd, raw.slice(1));
    try {
      source = readFileSync(path, 'utf8');
    } catch (error) {
      throw new UsageError(`--${name} ${raw}: cannot read ${path} (${(error as Error).message})`);
    }
  }
  try {
    return JSON.parse(source) as unknown;
  } catch (error) {
    const where = raw.startsWith('@') ? ` in ${raw.slice(1)}` : '';
    throw new UsageError(`--${name} is not valid JSON${where}: ${(error as Error).message}`);
  }
}
