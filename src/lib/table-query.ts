import { type Kysely, type RawBuilder, sql } from 'kysely';
import { AppError } from './errors.ts';
import type { ColumnType, Filter, OrderTerm, QueryPlan, TableSpec } from './postgrest-filter.ts';

/**
 * Runs a parsed `QueryPlan` (postgrest-filter.ts) against one tenant's rows of one table.
 *
 * Every identifier in the SQL is the table name or a spec column name, both written in code,
 * and is quoted with `sql.ref`/`sql.table`; every value is a bound parameter cast to the column's
 * type. The tenant condition is ANDed in front of the caller's filters, so no filter (not even
 * one on the tenant column) can reach another tenant's rows.
 */

export type Row = Record<string, unknown>;

export interface TableTarget<D> {
  /** The table, from code. */
  readonly table: keyof D & string;
  readonly spec: TableSpec;
  readonly tenantColumn: string;
  readonly tenantValue: string | number;
  /** The table's free-text search behind `q`: a boolean SQL condition. */
  readonly search?: (q: string) => RawBuilder<unknown>;
  /** A column set to the update time on every PATCH (`updated_at`). */
  readonly touchColumn?: string;
  /**
   * Exact counts kept by the table's owner (counters maintained in the writes' transactions):
   * a scalar SQL expression giving the exact number of rows the plan's filters match, or
   * undefined when the counters do not cover the plan's shape (then rows are counted).
   */
  readonly keptCount?: (plan: QueryPlan) => RawBuilder<unknown> | undefined;
}

/**
 * What `totalCount` is: `exact` (the number of matching rows, in the snapshot the page was read
 * in), or `planned` (the query planner's estimate); null with `count=none`.
 */
export type CountType = 'exact' | 'planned';

export interface TableResult {
  readonly rows: Row[];
  /** Null with `count=none`. */
  readonly totalCount: number | null;
  /** Which kind of number totalCount is; null with `count=none`. */
  readonly countType: CountType | null;
  /** Zero-based positions of the first and last row returned; null when no row was returned. */
  readonly range: { readonly from: number; readonly to: number } | null;
}

/** With `count=estimated`, counts up to this many rows exactly, beyond it uses the planner. */
export const ESTIMATE_EXACT_UP_TO = 10_000;

const SQL_TYPES: Readonly<Record<ColumnType, string>> = {
  text: 'text',
  uuid: 'uuid',
  integer: 'integer',
  numeric: 'numeric',
  boolean: 'boolean',
  timestamptz: 'timestamptz',
  date: 'date',
  jsonb: 'jsonb',
};

const COMPARISON = {
  eq: '=',
  neq: '<>',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
  like: 'LIKE',
  ilike: 'ILIKE',
} as const;

const TOTAL = '__total_count';

/** A spec column as a quoted identifier; a name the spec does not have is a programming error. */
function column(spec: TableSpec, name: string): { ref: RawBuilder<unknown>; type: ColumnType } {
  const found = Object.hasOwn(spec.columns, name) ? spec.columns[name] : undefined;
  if (!found) throw new Error(`table-query: column ${name} is not in the table spec`);
  return { ref: sql.ref<unknown>(name), type: found.type };
}

const cast = (value: unknown, type: ColumnType, array = false) =>
  sql`CAST(${value} AS ${sql.raw(SQL_TYPES[type] + (array ? '[]' : ''))})`;

function filterSql(spec: TableSpec, filter: Filter): RawBuilder<unknown> {
  const { ref, type } = column(spec, filter.column);
  let condition: RawBuilder<unknown>;
  switch (filter.op) {
    case 'in':
      // One bound array parameter however long the list; an empty list matches nothing.
      condition =
        filter.value.length === 0
          ? sql`FALSE`
          : sql`${ref} = ANY(${cast([...filter.value], type, true)})`;
      break;
    case 'is':
      if (filter.value === null) condition = sql`${ref} IS NULL`;
      else condition = filter.value ? sql`${ref} IS TRUE` : sql`${ref} IS FALSE`;
      break;
    case 'like':
    case 'ilike':
      condition = sql`${ref} ${sql.raw(COMPARISON[filter.op])} ${filter.value}`;
      break;
    case 'eq':
    case 'neq':
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      condition = sql`${ref} ${sql.raw(COMPARISON[filter.op])} ${cast(filter.value, type)}`;
      break;
  }
  return filter.negate ? sql`NOT (${condition})` : condition;
}

/**
 * The plan's row condition with the tenant's in front. Its column names are unqualified, so a
 * caller embedding it in a statement of its own reads them from the target table: keep it the
 * innermost FROM wherever another table has a column of the same name.
 */
export function whereSql<D>(target: TableTarget<D>, plan: QueryPlan): RawBuilder<unknown> {
  const tenant = Object.hasOwn(target.spec.columns, target.tenantColumn)
    ? cast(target.tenantValue, column(target.spec, target.tenantColumn).type)
    : sql`${target.tenantValue}`;
  const conditions = [
    sql`${sql.ref(target.tenantColumn)} = ${tenant}`,
    ...plan.filters.map((filter) => filterSql(target.spec, filter)),
  ];
  if (plan.q !== undefined) {
    if (!target.search) {
      throw new AppError('validation_failed', 'Parameter q is not supported on this table');
    }
    conditions.push(sql`(${target.search(plan.q)})`);
  }
  return sql.join(conditions, sql` AND `);
}

function orderSql(spec: TableSpec, term: OrderTerm): RawBuilder<unknown> {
  const { ref } = column(spec, term.column);
  const direction = sql.raw(term.direction === 'desc' ? 'DESC' : 'ASC');
  if (!term.nulls) return sql`${ref} ${direction}`;
  return sql`${ref} ${direction} ${sql.raw(term.nulls === 'first' ? 'NULLS FIRST' : 'NULLS LAST')}`;
}

const selectList = (spec: TableSpec, names: readonly string[]) =>
  sql.join(names.map((name) => column(spec, name).ref));

function withoutTotal(row: Row): Row {
  const { [TOTAL]: _total, ...rest } = row;
  return rest;
}

/** "Plan Rows" of the top node of `EXPLAIN (FORMAT JSON)`, whether the driver parsed the JSON. */
function planRows(explained: unknown): number {
  const document: unknown = typeof explained === 'string' ? JSON.parse(explained) : explained;
  const top = (document as [{ Plan?: { 'Plan Rows'?: unknown } }] | undefined)?.[0]?.Plan;
  const rows = top?.['Plan Rows'];
  return typeof rows === 'number' && Number.isFinite(rows) ? Math.round(rows) : 0;
}

interface Counted {
  readonly n: number | null;
  readonly type: CountType | null;
}

async function countRows<D>(
  db: Kysely<D>,
  target: TableTarget<D>,
  plan: QueryPlan,
): Promise<Counted> {
  const table = sql.table(target.table);
  const where = whereSql(target, plan);
  const planned = async () => {
    const { rows } =
      await sql<Row>`EXPLAIN (FORMAT JSON) SELECT 1 FROM ${table} WHERE ${where}`.execute(db);
    return planRows(rows[0] ? Object.values(rows[0])[0] : undefined);
  };
  switch (plan.count) {
    case 'none':
      return { n: null, type: null };
    case 'planned':
      return { n: await planned(), type: 'planned' };
    case 'exact': {
      const { rows } = await sql<{
        n: number;
      }>`SELECT count(*) AS n FROM ${table} WHERE ${where}`.execute(db);
      return { n: Number(rows[0]?.n ?? 0), type: 'exact' };
    }
    case 'estimated': {
      // Exact while it is cheap (counting stops after the threshold), the planner beyond it.
      const { rows } = await sql<{ n: number }>`
        SELECT count(*) AS n FROM (
          SELECT 1 FROM ${table} WHERE ${where} LIMIT ${ESTIMATE_EXACT_UP_TO + 1}
        ) AS capped`.execute(db);
      const n = Number(rows[0]?.n ?? 0);
      return n <= ESTIMATE_EXACT_UP_TO
        ? { n, type: 'exact' }
        : { n: Math.max(n, await planned()), type: 'planned' };
    }
  }
}

/**
 * SELECT of the chosen columns with the filters, ordered (tiebreaker last), limited and offset,
 * with the count the plan asks for. An exact count rides along in the same statement (one round
 * trip, one snapshot) unless the page is empty.
 *
 * When the target keeps exact counters for the plan's shape (`keptCount`), every mode but
 * `none` reads them instead of counting rows: exact, and a few index lookups however many rows
 * match. Otherwise `exact` counts every matching row, `estimated` counts up to
 * ESTIMATE_EXACT_UP_TO rows and takes the planner's estimate beyond, `planned` asks the planner.
 * `countType` says which kind of number `totalCount` is.
 */
export async function selectRows<D>(
  db: Kysely<D>,
  target: TableTarget<D>,
  plan: QueryPlan,
): Promise<TableResult> {
  const { spec } = target;
  if (Object.hasOwn(spec.columns, TOTAL)) throw new Error(`table-query: ${TOTAL} is reserved`);
  const table = sql.table(target.table);
  const where = whereSql(target, plan);
  const kept = plan.count === 'none' ? undefined : target.keptCount?.(plan);
  const countExpression =
    kept ?? (plan.count === 'exact' ? sql`(SELECT count(*) FROM ${table} WHERE ${where})` : null);
  const inlineCount = countExpression ? sql`, ${countExpression} AS ${sql.ref(TOTAL)}` : sql``;
  const { rows } = await sql<Row>`
    SELECT ${selectList(spec, plan.select)}${inlineCount}
      FROM ${table}
     WHERE ${where}
     ORDER BY ${sql.join(plan.order.map((term) => orderSql(spec, term)))}
     LIMIT ${plan.limit} OFFSET ${plan.offset}`.execute(db);

  let totalCount: number | null;
  let countType: CountType | null = 'exact';
  if (countExpression && rows[0]) totalCount = Number(rows[0][TOTAL]);
  else if (countExpression && plan.offset === 0 && plan.limit > 0) totalCount = 0;
  else if (kept) {
    const { rows: counted } = await sql<{ n: unknown }>`SELECT ${kept} AS n`.execute(db);
    totalCount = Number(counted[0]?.n ?? 0);
  } else ({ n: totalCount, type: countType } = await countRows(db, target, plan));
  // A planner estimate may undershoot what was just read.
  if (totalCount !== null && rows.length > 0) {
    totalCount = Math.max(totalCount, plan.offset + rows.length);
  }

  return {
    rows: countExpression ? rows.map(withoutTotal) : rows,
    totalCount,
    countType,
    range: rows.length > 0 ? { from: plan.offset, to: plan.offset + rows.length - 1 } : null,
  };
}

function requireFilter(plan: QueryPlan, verb: string): void {
  if (plan.filters.length === 0) {
    throw new AppError(
      'validation_failed',
      `${verb} needs at least one filter (for example id.eq=<id>); it never applies to a whole table by accident`,
    );
  }
}

/** A value bound for a write: JSON columns take the JSON text. */
function writeValue(type: ColumnType, value: unknown): RawBuilder<unknown> {
  if (value === null) return cast(null, type);
  return cast(type === 'jsonb' ? JSON.stringify(value) : value, type);
}

/**
 * UPDATE of the filtered rows of the tenant: only `write` columns, at least one filter.
 * Returns the updated rows (the plan's `select` columns).
 */
export async function updateRows<D>(
  db: Kysely<D>,
  target: TableTarget<D>,
  plan: QueryPlan,
  values: Readonly<Record<string, unknown>>,
  now: Date,
): Promise<Row[]> {
  requireFilter(plan, 'PATCH');
  const { spec } = target;
  const entries = Object.entries(values).filter(([, value]) => value !== undefined);
  if (entries.length === 0) throw new AppError('validation_failed', 'Nothing to update');
  const sets = entries.map(([name, value]) => {
    if (!Object.hasOwn(spec.columns, name) || spec.columns[name]?.write !== true) {
      throw new AppError('validation_failed', `Column ${JSON.stringify(name)} is not writable`);
    }
    const { ref, type } = column(spec, name);
    return sql`${ref} = ${writeValue(type, value)}`;
  });
  if (target.touchColumn) sets.push(sql`${column(spec, target.touchColumn).ref} = ${now}`);
  const { rows } = await sql<Row>`
    UPDATE ${sql.table(target.table)} SET ${sql.join(sets)}
     WHERE ${whereSql(target, plan)}
     RETURNING ${selectList(spec, plan.select)}`.execute(db);
  return rows;
}

/** DELETE of the filtered rows of the tenant (at least one filter); returns the deleted rows. */
export async function deleteRows<D>(
  db: Kysely<D>,
  target: TableTarget<D>,
  plan: QueryPlan,
): Promise<Row[]> {
  requireFilter(plan, 'DELETE');
  const { rows } = await sql<Row>`
    DELETE FROM ${sql.table(target.table)}
     WHERE ${whereSql(target, plan)}
     RETURNING ${selectList(target.spec, plan.select)}`.execute(db);
  return rows;
}

/** PostgREST's `Content-Range`: `0-24/3573`, `0-24/*` without a count, `*\/0` when empty. */
export function contentRange(result: Pick<TableResult, 'range' | 'totalCount'>): string {
  const total = result.totalCount === null ? '*' : String(result.totalCount);
  return result.range ? `${result.range.from}-${result.range.to}/${total}` : `*/${total}`;
}
