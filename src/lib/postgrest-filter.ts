import { AppError } from './errors.ts';
import {
  type ColumnType,
  convertValue,
  parseInList,
  type Scalar,
  shown,
} from './postgrest-values.ts';

export {
  COLUMN_TYPES,
  type ColumnType,
  convertValue,
  isCalendarDate,
  MAX_IN_ITEMS,
  MAX_VALUE_LENGTH,
  parseInList,
  type Scalar,
} from './postgrest-values.ts';

/**
 * The query language of the table endpoints (`GET /api/{table}`): PlayerOS's `col.op=value`,
 * PostgREST's `col=op.value`, plus `select`, `order`, `limit`, `offset`, `count` and `q`.
 *
 * Parsing turns an untrusted query-string object into a `QueryPlan` whose column names are the
 * keys of a `TableSpec` written in code and whose values are already converted to the column's
 * type, so the SQL built from a plan (table-query.ts) quotes spec names and binds values only.
 * Every refusal is `validation_failed` naming the offending column, operator or value.
 */

export interface ColumnSpec {
  readonly type: ColumnType;
  /** May appear in `select` and in responses. Default true; false also forbids filter and sort. */
  readonly select?: boolean;
  /** May be filtered on. Default true for every type but jsonb. */
  readonly filter?: boolean;
  /** May appear in `order`. Default true for every type but jsonb. */
  readonly sort?: boolean;
  /** May be set by POST/PATCH. Default false. */
  readonly write?: boolean;
}

export interface TableSpec {
  readonly columns: Readonly<Record<string, ColumnSpec>>;
  readonly defaultLimit: number;
  readonly maxLimit: number;
  /** A unique column, appended to every `order` so that paging with limit/offset is stable. */
  readonly tiebreaker: string;
  /** Largest `offset` accepted (deep offsets are slow; filter on the sort key instead). */
  readonly maxOffset?: number;
  /** Whether the table has a free-text search behind `q`. */
  readonly search?: boolean;
}

export const OPERATORS = [
  'eq',
  'neq',
  'gt',
  'gte',
  'lt',
  'lte',
  'like',
  'ilike',
  'in',
  'is',
] as const;
export type Operator = (typeof OPERATORS)[number];
export type ComparisonOperator = Exclude<Operator, 'in' | 'is'>;

interface FilterBase {
  readonly column: string;
  readonly type: ColumnType;
  /** `not.<op>`: the condition is wrapped in NOT (…). */
  readonly negate: boolean;
}
export type Filter =
  | (FilterBase & { readonly op: ComparisonOperator; readonly value: Scalar })
  | (FilterBase & { readonly op: 'in'; readonly value: readonly Scalar[] })
  | (FilterBase & { readonly op: 'is'; readonly value: null | boolean });

export interface OrderTerm {
  readonly column: string;
  readonly direction: 'asc' | 'desc';
  /** Absent: PostgreSQL's default (NULLS LAST ascending, NULLS FIRST descending). */
  readonly nulls?: 'first' | 'last';
}

export const COUNT_MODES = ['exact', 'planned', 'estimated', 'none'] as const;
export type CountMode = (typeof COUNT_MODES)[number];
/** The count mode of a request that names none (neither `count=` nor `Prefer: count=`). */
export const DEFAULT_COUNT: CountMode = 'estimated';

export interface QueryPlan {
  readonly select: readonly string[];
  readonly filters: readonly Filter[];
  readonly order: readonly OrderTerm[];
  readonly limit: number;
  readonly offset: number;
  readonly count: CountMode;
  readonly q: string | undefined;
}

/** A parsed query string: repeated parameters arrive as arrays. */
export type RawQuery = Readonly<Record<string, unknown>>;

export interface ParseOptions {
  /** The `Prefer` request header, for `count=…` (a `count` query parameter wins). */
  readonly prefer?: string | undefined;
  /**
   * `read` (GET) accepts everything; `write` (PATCH/DELETE) accepts filters and `select` (the
   * columns returned) only: paging, counting and free-text search do not apply to a write.
   */
  readonly mode?: 'read' | 'write';
}

export const RESERVED_PARAMS = ['select', 'order', 'limit', 'offset', 'count', 'q'] as const;
const READ_ONLY_PARAMS = new Set(['order', 'limit', 'offset', 'count', 'q']);
export const DEFAULT_MAX_OFFSET = 100_000;

/*
 * Cost bounds. On the embedded database a statement cannot be interrupted (PGlite runs in this
 * process and ignores statement_timeout), so what one request may ask is bounded before any SQL
 * runs. A LIKE pattern costs about (text length × pattern length) per row it examines, and every
 * row of the property is examined when a filter cannot use an index, twice with an exact count.
 * Fifty 2000-character patterns on 10,000 players took 22 s and froze the server for everyone;
 * README "Query cost" has the measured worst case within these bounds.
 */
/** Conditions per request: filters (repeats included); `in` lists count as one each. */
export const MAX_FILTERS = 20;
/** like/ilike filters per request; `q` (a substring search) counts as one. */
export const MAX_PATTERN_FILTERS = 4;
/**
 * Characters of all like/ilike patterns of one request together: the cost of a pattern on a
 * long, repetitive text grows with its length (measured: linear), so the sum is what is bounded.
 */
export const MAX_PATTERN_LENGTH = 32;
/** Characters of `q`. */
export const MAX_Q_LENGTH = 64;
/** Items of all `in` lists of one request together. */
export const MAX_IN_ITEMS_TOTAL = 1000;

const fail = (message: string): never => {
  throw new AppError('validation_failed', message);
};

const isOperator = (value: string): value is Operator =>
  (OPERATORS as readonly string[]).includes(value);

/**
 * The spec's own column name for `name`, or undefined. The name is looked up as an own key, so
 * `constructor` or `__proto__` never resolve to something inherited.
 */
function specColumn(spec: TableSpec, name: string): [string, ColumnSpec] | undefined {
  if (!Object.hasOwn(spec.columns, name)) return undefined;
  const column = spec.columns[name];
  return column ? [name, column] : undefined;
}

const selectable = (column: ColumnSpec) => column.select !== false;
const filterable = (column: ColumnSpec) =>
  selectable(column) && (column.filter ?? column.type !== 'jsonb');
const sortable = (column: ColumnSpec) =>
  selectable(column) && (column.sort ?? column.type !== 'jsonb');

function knownColumn(spec: TableSpec, name: string): [string, ColumnSpec] {
  const found = specColumn(spec, name);
  if (!found || !selectable(found[1])) return fail(`Unknown column ${shown(name)}`);
  return found;
}

/** One value of a repeated-or-not parameter list, as strings. */
function valuesOf(name: string, raw: unknown): string[] {
  const list = Array.isArray(raw) ? (raw as unknown[]) : [raw];
  return list.map((value) => {
    // PostgreSQL text cannot hold NUL; refusing it here keeps it from becoming a 500.
    if (typeof value === 'string' && value.includes('\u0000')) {
      return fail(`Parameter ${shown(name)} contains a NUL character`);
    }
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return fail(`Parameter ${shown(name)} has a value that is not text`);
  });
}

function single(name: string, raw: unknown): string {
  const values = valuesOf(name, raw);
  if (values.length !== 1) fail(`Parameter ${name} may be given only once`);
  return values[0] ?? '';
}

function buildFilter(
  spec: TableSpec,
  columnName: string,
  op: string,
  negate: boolean,
  value: string,
): Filter {
  const [column, columnSpec] = knownColumn(spec, columnName);
  if (!isOperator(op)) return fail(`Unknown operator ${shown(op)} on column ${column}`);
  if (!filterable(columnSpec)) return fail(`Column ${column} cannot be filtered`);
  const { type } = columnSpec;
  const base = { column, type, negate };
  switch (op) {
    case 'is': {
      const keyword = value.toLowerCase();
      if (keyword === 'null') return { ...base, op, value: null };
      if ((keyword === 'true' || keyword === 'false') && type === 'boolean') {
        return { ...base, op, value: keyword === 'true' };
      }
      return fail(
        type === 'boolean'
          ? `Invalid value ${shown(value)} for ${column}.is: expected null, true or false`
          : `Invalid value ${shown(value)} for ${column}.is: expected null`,
      );
    }
    case 'in':
      if (type === 'jsonb') return fail(`Operator in is not available on JSON column ${column}`);
      return {
        ...base,
        op,
        value: parseInList(column, value).map((item) => convertValue(column, type, item)),
      };
    case 'like':
    case 'ilike':
      if (type !== 'text') return fail(`Operator ${op} needs a text column; ${column} is ${type}`);
      if (value.length > MAX_PATTERN_LENGTH) {
        fail(`Pattern for ${column}.${op} is longer than ${MAX_PATTERN_LENGTH} characters`);
      }
      // `\` escapes the next character of a pattern; PostgreSQL refuses one with nothing after.
      if (/(^|[^\\])(\\\\)*\\$/.test(value)) {
        fail(`Pattern for ${column}.${op} ends with an escape character (\\)`);
      }
      // PostgREST's alias: `*` stands for `%`, which is awkward to write in a URL.
      return { ...base, op, value: value.replaceAll('*', '%') };
    case 'eq':
    case 'neq':
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      if (type === 'boolean' && op !== 'eq' && op !== 'neq') {
        return fail(`Operator ${op} is not available on boolean column ${column}`);
      }
      return { ...base, op, value: convertValue(column, type, value) };
  }
}

/** `status=eq.active`, `status=not.in.(a,b)`: the operator sits at the front of the value. */
function postgrestFilter(spec: TableSpec, column: string, value: string): Filter {
  let rest = value;
  let negate = false;
  if (rest.startsWith('not.')) {
    negate = true;
    rest = rest.slice(4);
  }
  const dot = rest.indexOf('.');
  if (dot < 0) {
    knownColumn(spec, column);
    return fail(
      `Filter on ${column} needs an operator: ${column}.eq=value or ${column}=eq.value (got ${shown(value)})`,
    );
  }
  return buildFilter(spec, column, rest.slice(0, dot), negate, rest.slice(dot + 1));
}

/** `status.eq=active`, `status.not.eq=active`: the operator sits in the key. */
function keyFilters(spec: TableSpec, key: string, values: string[]): Filter[] {
  const parts = key.split('.');
  const [column = '', ...ops] = parts;
  if (ops.length === 0) return values.map((value) => postgrestFilter(spec, column, value));
  let negate = false;
  if (ops[0] === 'not' && ops.length === 2) {
    negate = true;
    ops.shift();
  }
  const [op] = ops;
  if (ops.length !== 1 || op === undefined) {
    knownColumn(spec, column);
    return fail(`Invalid filter ${shown(key)}: expected ${column}.<op> or ${column}.not.<op>`);
  }
  return values.map((value) => buildFilter(spec, column, op, negate, value));
}

function parseSelect(spec: TableSpec, raw: string): string[] {
  const names = raw.split(',').map((name) => name.trim());
  if (names.length === 1 && names[0] === '*') return defaultSelect(spec);
  const chosen: string[] = [];
  for (const name of names) {
    if (name === '') fail(`Invalid select ${shown(raw)}: empty column name`);
    const [column] = knownColumn(spec, name);
    if (!chosen.includes(column)) chosen.push(column);
  }
  return chosen;
}

function defaultSelect(spec: TableSpec): string[] {
  return Object.entries(spec.columns)
    .filter(([, column]) => selectable(column))
    .map(([name]) => name);
}

function parseOrder(spec: TableSpec, raw: string): OrderTerm[] {
  const terms: OrderTerm[] = [];
  for (const term of raw.split(',')) {
    const [name = '', ...modifiers] = term.trim().split('.');
    if (name === '') fail(`Invalid order ${shown(raw)}: empty term`);
    const [column, columnSpec] = knownColumn(spec, name);
    if (!sortable(columnSpec)) fail(`Column ${column} cannot be used in order`);
    if (terms.some((t) => t.column === column)) fail(`Column ${column} appears twice in order`);
    let direction: 'asc' | 'desc' | undefined;
    let nulls: 'first' | 'last' | undefined;
    for (const modifier of modifiers) {
      if ((modifier === 'asc' || modifier === 'desc') && !direction && !nulls) {
        direction = modifier;
      } else if ((modifier === 'nullsfirst' || modifier === 'nullslast') && !nulls) {
        nulls = modifier === 'nullsfirst' ? 'first' : 'last';
      } else {
        fail(
          `Invalid order modifier ${shown(modifier)} on ${column}: expected asc or desc, then nullsfirst or nullslast`,
        );
      }
    }
    terms.push(
      nulls
        ? { column, direction: direction ?? 'asc', nulls }
        : { column, direction: direction ?? 'asc' },
    );
  }
  return terms;
}

function withTiebreaker(spec: TableSpec, terms: OrderTerm[]): OrderTerm[] {
  if (terms.some((term) => term.column === spec.tiebreaker)) return terms;
  // Same direction as the last term, so an index on (sort key, id) serves both.
  const direction = terms.at(-1)?.direction ?? 'asc';
  return [...terms, { column: spec.tiebreaker, direction }];
}

function parseInteger(name: string, raw: string, max: number): number {
  if (!/^\d{1,9}$/.test(raw) || Number(raw) > max) {
    fail(`Invalid ${name} ${shown(raw)}: expected an integer from 0 to ${max}`);
  }
  return Number(raw);
}

function parseCount(raw: string, where: string): CountMode {
  const mode = raw.trim().toLowerCase();
  if ((COUNT_MODES as readonly string[]).includes(mode)) return mode as CountMode;
  return fail(`Invalid ${where} ${shown(raw)}: expected exact, planned, estimated or none`);
}

/** `count=…` from a `Prefer` header such as `return=representation, count=exact`. */
export function preferredCount(prefer: string | undefined): CountMode | undefined {
  if (!prefer) return undefined;
  for (const part of prefer.split(',')) {
    const [name, value] = part.split('=').map((s) => s.trim());
    if (name?.toLowerCase() === 'count' && value !== undefined) {
      return parseCount(value, 'Prefer count');
    }
  }
  return undefined;
}

/** The bounds on what one request may ask (see MAX_FILTERS): refused before any SQL runs. */
function checkCost(filters: readonly Filter[], q: string | undefined): void {
  const patterns =
    filters.filter((f) => f.op === 'like' || f.op === 'ilike').length + (q === undefined ? 0 : 1);
  if (patterns > MAX_PATTERN_FILTERS) {
    fail(
      `At most ${MAX_PATTERN_FILTERS} like/ilike filters (q counting as one) per request; got ${patterns}`,
    );
  }
  const characters = filters.reduce(
    (sum, f) => sum + (f.op === 'like' || f.op === 'ilike' ? String(f.value).length : 0),
    0,
  );
  if (characters > MAX_PATTERN_LENGTH) {
    fail(
      `like/ilike patterns may have at most ${MAX_PATTERN_LENGTH} characters in all per request; got ${characters}`,
    );
  }
  const items = filters.reduce((sum, f) => sum + (f.op === 'in' ? f.value.length : 0), 0);
  if (items > MAX_IN_ITEMS_TOTAL) {
    fail(`At most ${MAX_IN_ITEMS_TOTAL} items in all in lists of a request together; got ${items}`);
  }
}

/**
 * Parses a request's query-string object against a table spec. Parameters not reserved are
 * filters; all of them (and repeats of one) are ANDed together.
 */
export function parseQuery(
  spec: TableSpec,
  query: RawQuery,
  options: ParseOptions = {},
): QueryPlan {
  const mode = options.mode ?? 'read';
  const filters: Filter[] = [];
  let select = defaultSelect(spec);
  let order: OrderTerm[] = [];
  let limit = spec.defaultLimit;
  let offset = 0;
  let count: CountMode | undefined;
  let q: string | undefined;

  for (const [key, raw] of Object.entries(query)) {
    if (raw === undefined) continue;
    if (mode === 'write' && READ_ONLY_PARAMS.has(key)) {
      fail(`Parameter ${key} is not supported on PATCH or DELETE`);
    }
    switch (key) {
      case 'select':
        select = parseSelect(spec, single(key, raw));
        break;
      case 'order':
        order = parseOrder(spec, single(key, raw));
        break;
      case 'limit':
        limit = parseInteger('limit', single(key, raw), spec.maxLimit);
        break;
      case 'offset':
        offset = parseInteger('offset', single(key, raw), spec.maxOffset ?? DEFAULT_MAX_OFFSET);
        break;
      case 'count':
        count = parseCount(single(key, raw), 'count');
        break;
      case 'q': {
        if (!spec.search) fail('Parameter q (free-text search) is not supported on this table');
        const text = single(key, raw).trim();
        if (text.length > MAX_Q_LENGTH)
          fail(`Parameter q is longer than ${MAX_Q_LENGTH} characters`);
        q = text === '' ? undefined : text;
        break;
      }
      case 'or':
      case 'and':
        fail(`Logical operator ${key}=(…) is not supported; repeated filters are ANDed`);
        break;
      default:
        filters.push(...keyFilters(spec, key, valuesOf(key, raw)));
        if (filters.length > MAX_FILTERS) fail(`At most ${MAX_FILTERS} filters per request`);
    }
  }
  checkCost(filters, q);
  if (mode === 'read' && count === undefined) count = preferredCount(options.prefer);
  return {
    select,
    filters,
    order: withTiebreaker(spec, order),
    limit,
    offset,
    // Default: exact up to a threshold, the planner beyond (exact counters, when the table has
    // them for the shape asked, answer exactly whatever the mode); `count=exact` insists.
    count: count ?? DEFAULT_COUNT,
    q,
  };
}
