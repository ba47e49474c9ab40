import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.ts';
import { clientGoneSignal } from '../../http/client-gone.ts';
import { sendError } from '../../http/errors.ts';
import {
  currentProperty,
  propertyAuthErrors,
  PropertyHeaders,
  propertySecurity,
  requirePropertyAccess,
} from '../auth/index.ts';
import { errorResponses } from '../../http/schemas.ts';
import type { App } from '../../http/types.ts';
import { ReadCoalescer } from '../../lib/read-coalescer.ts';
import { contentRange } from '../../lib/table-query.ts';
import { BULK_BODY_LIMIT } from '../players/index.ts';
import { isExposedTable } from './tables.registry.ts';
import {
  GRAMMAR,
  InsertBody,
  InsertResponse,
  ListHeaders,
  ListResponse,
  PatchBody,
  RowsResponse,
  TableListQuery,
  TableParams,
  TableWriteQuery,
} from './tables.schemas.ts';
import { deleteTableRows, insertIntoTable, listTable, updateTableRows } from './tables.service.ts';

const tags = ['Tables'];
const security = propertySecurity;
const PATH = '/api/:table';

/**
 * `/api/:table` is a parametric path, so every static `/api/…` route (games, streams,
 * properties, players/:id…) wins over it. A name that is not an exposed table answers exactly
 * like an unregistered route, before authentication, so this route never changes what an
 * unknown path under /api returns.
 */
async function knownTable(request: FastifyRequest, reply: FastifyReply) {
  const { table } = request.params as { table?: string };
  if (table === undefined || !isExposedTable(table)) {
    const path = request.url.split('?')[0] ?? '';
    return sendError(request, reply, 'not_found', `Route ${request.method} ${path} not found`);
  }
  return undefined;
}

const preferHeader = (request: FastifyRequest) => {
  const value = request.headers.prefer;
  return Array.isArray(value) ? value.join(',') : value;
};

/** The generic table routes: PostgREST-style CRUD on the property's rows. */
export function tableRoutes(app: App, deps: Deps): void {
  const read = [knownTable, requirePropertyAccess(deps, 'read')];
  const write = [knownTable, requirePropertyAccess(deps, 'write')];
  // Identical list requests waiting for a connection share one round trip (read-coalescer.ts).
  const reads = new ReadCoalescer();
  const serialized = new WeakMap<object, Buffer>();

  app.get(
    PATH,
    {
      onRequest: read,
      schema: {
        operationId: 'tables.list',
        summary: 'List rows of a table (e.g. GET /api/players)',
        description:
          "Rows of the credential's property, filtered, ordered and paged (read scope). Answers `{ success, data, totalCount }` and a `Content-Range` header.\n\n" +
          GRAMMAR +
          '\n\nExample: `GET /api/players?status.eq=active&order=created_at.desc&limit=25`.',
        tags,
        security,
        headers: ListHeaders,
        params: TableParams,
        querystring: TableListQuery,
        response: { 200: ListResponse, ...propertyAuthErrors },
      },
    },
    async (request, reply) => {
      const propertyId = currentProperty(request).id;
      const prefer = preferHeader(request);
      // The answer depends on the property, the path and query, and Prefer: nothing else.
      const key = `${propertyId} ${request.url} ${prefer ?? ''}`;
      const result = await reads.run(key, clientGoneSignal(reply), (signal, started) =>
        // Statements stop when every client waiting for them has gone (db/cancel.ts).
        deps.database.cancellable(signal, () =>
          deps.database.db.connection().execute((db) => {
            started();
            const input = { query: request.query, prefer };
            const onConnection = { ...deps, database: { ...deps.database, db } };
            return listTable(onConnection, propertyId, request.params.table, input);
          }),
        ),
      );
      reply.header('Content-Range', contentRange(result));
      // Requests that shared a result share its JSON bytes too: the route's own serializer runs
      // once per result (for a page of players it cost more than the rest of the request).
      let body = serialized.get(result);
      if (body === undefined) {
        const json = reply.serialize({
          success: true as const,
          data: result.rows,
          totalCount: result.totalCount,
          countType: result.countType,
        });
        body = typeof json === 'string' ? Buffer.from(json) : Buffer.from(json as ArrayBuffer);
        serialized.set(result, body);
      }
      // Already the UTF-8 JSON of the schema's shape: sent as it is, not serialized again.
      return reply.type('application/json; charset=utf-8').send(body as never);
    },
  );

  app.post(
    PATH,
    {
      onRequest: write,
      bodyLimit: Math.max(BULK_BODY_LIMIT, deps.config.bodyLimitBytes),
      schema: {
        operationId: 'tables.insert',
        summary: 'Insert rows into a table',
        description:
          "Creates one row (object body) or up to 1000 (array body, up to 4 MiB) in the credential's property (write scope), all or none: " +
          'the first invalid row fails the request with a message naming it (`players[3]: …`). For players, a player_id already in the property is 409; ' +
          'use POST /api/players/batch to create-or-update with per-row errors. Answers 201 with the created row(s).',
        tags,
        security,
        headers: PropertyHeaders,
        params: TableParams,
        body: InsertBody,
        response: { 201: InsertResponse, ...propertyAuthErrors, ...errorResponses(409, 413) },
      },
    },
    async (request, reply) => {
      const { table } = request.params;
      const data = await insertIntoTable(deps, currentProperty(request).id, table, request.body);
      return reply.code(201).send({ success: true as const, data });
    },
  );

  app.patch(
    PATH,
    {
      onRequest: write,
      schema: {
        operationId: 'tables.update',
        summary: 'Update the rows matching filters',
        description:
          "Sets the body's fields on every row of the property that matches the filters (write scope). At least one filter is required (400 otherwise), " +
          'so a whole table is never changed by accident; `order`, `limit`, `offset`, `count` and `q` are not accepted. Only writable columns may be set ' +
          '(players: not id, property_id, created_at, updated_at); values are validated as on insert. Answers the updated rows (`select` picks their columns).\n\n' +
          GRAMMAR,
        tags,
        security,
        headers: PropertyHeaders,
        params: TableParams,
        querystring: TableWriteQuery,
        body: PatchBody,
        response: { 200: RowsResponse, ...propertyAuthErrors, ...errorResponses(409) },
      },
    },
    async (request) => {
      const { table } = request.params;
      const rows = await updateTableRows(
        deps,
        currentProperty(request).id,
        table,
        request.query,
        request.body,
      );
      return { success: true as const, data: rows };
    },
  );

  app.delete(
    PATH,
    {
      onRequest: write,
      schema: {
        operationId: 'tables.delete',
        summary: 'Delete the rows matching filters',
        description:
          'Permanently deletes every row of the property that matches the filters (write scope). At least one filter is required (400 otherwise); ' +
          '`order`, `limit`, `offset`, `count` and `q` are not accepted. Answers the deleted rows (`select` picks their columns). Destructive.\n\n' +
          GRAMMAR,
        tags,
        security,
        headers: PropertyHeaders,
        params: TableParams,
        querystring: TableWriteQuery,
        response: { 200: RowsResponse, ...propertyAuthErrors },
      },
    },
    async (request) => {
      const { table } = request.params;
      const rows = await deleteTableRows(deps, currentProperty(request).id, table, request.query);
      return { success: true as const, data: rows };
    },
  );
}
