import type { QueryValue } from './http.ts';
import type { Conditions, Filter, FilterValue, ListPlayersParams } from './types.ts';

/** One value of an `in` list, quoted when it holds a comma, parenthesis, quote or backslash. */
function listItem(value: FilterValue): string {
  const text = String(value);
  return /[,()"\\]/.test(text) ? `"${text.replace(/["\\]/g, (c) => `\\${c}`)}"` : text;
}

function isList(value: FilterValue | readonly FilterValue[]): value is readonly FilterValue[] {
  return Array.isArray(value);
}

function conditions(column: string, conds: Conditions, prefix: string): [string, string][] {
  const pairs: [string, string][] = [];
  for (const [op, value] of Object.entries(conds) as [
    string,
    FilterValue | readonly FilterValue[] | undefined,
  ][]) {
    if (value === undefined) continue;
    const text = isList(value) ? `(${value.map(listItem).join(',')})` : String(value);
    pairs.push([`${column}.${prefix}${op}`, text]);
  }
  return pairs;
}

/** The filter as query parameters of the PlayerOS grammar (`status.eq=active`). */
export function filterParams(filter: Filter | undefined): [string, string][] {
  if (filter === undefined) return [];
  if (Array.isArray(filter)) {
    return (filter as readonly string[]).map((expression) => {
      const at = expression.indexOf('=');
      if (at <= 0) throw new TypeError(`A filter is <column>.<op>=<value>, not "${expression}"`);
      return [expression.slice(0, at), expression.slice(at + 1)];
    });
  }
  const pairs: [string, string][] = [];
  const columns = Object.entries(filter) as [
    string,
    FilterValue | (Conditions & { not?: Conditions }),
  ][];
  for (const [column, spec] of columns) {
    if (spec === null) pairs.push([`${column}.is`, 'null']);
    else if (typeof spec !== 'object') pairs.push([`${column}.eq`, String(spec)]);
    else {
      const { not, ...positive } = spec;
      pairs.push(...conditions(column, positive, ''));
      if (not) pairs.push(...conditions(column, not, 'not.'));
    }
  }
  return pairs;
}

export function listParams(params: ListPlayersParams): [string, QueryValue][] {
  const order = typeof params.order === 'string' ? params.order : params.order?.join(',');
  return [
    ['limit', params.limit],
    ['offset', params.offset],
    ['q', params.q],
    ['order', order],
    ['select', params.select?.join(',')],
    ['count', params.count],
    ...filterParams(params.filter),
  ];
}
