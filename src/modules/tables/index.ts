export { tableRoutes } from './tables.routes.ts';
export { EXPOSED_TABLES, isExposedTable, TABLE_NAMES } from './tables.registry.ts';
export type { ExposedTable } from './tables.registry.ts';
export { deleteTableRows, insertIntoTable, listTable, updateTableRows } from './tables.service.ts';
export { GRAMMAR, TableListQuery } from './tables.schemas.ts';
