import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import type { RawQuery } from '../../lib/postgrest-filter.ts';
import type { Row, TableResult } from '../../lib/table-query.ts';
import { EXPOSED_TABLES, type ExposedTable } from './tables.registry.ts';

function tableNamed(name: string): ExposedTable {
  const table = EXPOSED_TABLES.get(name);
  if (!table) throw new AppError('not_found', `Table ${JSON.stringify(name)} not found`);
  return table;
}

export interface TableListInput {
  readonly query: RawQuery;
  readonly prefer?: string | undefined;
}

export function listTable(
  deps: Deps,
  propertyId: string,
  name: string,
  input: TableListInput,
): Promise<TableResult> {
  return tableNamed(name).list(deps, propertyId, input);
}

/** One object inserts one row, an array inserts many (all or none). */
export function insertIntoTable(
  deps: Deps,
  propertyId: string,
  name: string,
  body: unknown,
): Promise<Row | Row[]> {
  return tableNamed(name).insert(deps, propertyId, body);
}

export function updateTableRows(
  deps: Deps,
  propertyId: string,
  name: string,
  query: RawQuery,
  body: unknown,
): Promise<Row[]> {
  return tableNamed(name).update(deps, propertyId, query, body);
}

export function deleteTableRows(
  deps: Deps,
  propertyId: string,
  name: string,
  query: RawQuery,
): Promise<Row[]> {
  return tableNamed(name).remove(deps, propertyId, query);
}
