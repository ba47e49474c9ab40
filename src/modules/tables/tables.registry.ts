import type { Deps } from '../../deps.ts';
import type { RawQuery, TableSpec } from '../../lib/postgrest-filter.ts';
import type { Row, TableResult } from '../../lib/table-query.ts';
import {
  createPlayer,
  createPlayers,
  deletePlayersWhere,
  listPlayers,
  PLAYER_TABLE,
  updatePlayersWhere,
} from '../players/index.ts';

/** What `/api/{table}` can do with one table; each function is the owning module's service. */
export interface ExposedTable {
  readonly spec: TableSpec;
  list(
    deps: Deps,
    propertyId: string,
    input: { query: RawQuery; prefer?: string | undefined },
  ): Promise<TableResult>;
  /** An object body inserts one row, an array body many (all or none). */
  insert(deps: Deps, propertyId: string, body: unknown): Promise<Row | Row[]>;
  update(deps: Deps, propertyId: string, query: RawQuery, body: unknown): Promise<Row[]>;
  remove(deps: Deps, propertyId: string, query: RawQuery): Promise<Row[]>;
}

/**
 * The tables exposed as `/api/{table}`. A Map, so a name from the URL never reaches an
 * inherited object property. Each module keeps its own validation (players: PLAYER_TABLE and
 * validatePlayer); this registry only routes.
 */
export const EXPOSED_TABLES: ReadonlyMap<string, ExposedTable> = new Map<string, ExposedTable>([
  [
    'players',
    {
      spec: PLAYER_TABLE,
      list: listPlayers,
      insert: async (deps, propertyId, body) =>
        Array.isArray(body)
          ? (await createPlayers(deps, propertyId, body)).map((row) => ({ ...row }))
          : { ...(await createPlayer(deps, propertyId, body)) },
      update: updatePlayersWhere,
      remove: deletePlayersWhere,
    },
  ],
]);

export const TABLE_NAMES = [...EXPOSED_TABLES.keys()];

export const isExposedTable = (name: string) => EXPOSED_TABLES.has(name);
