import type { Deps } from '../../deps.ts';
import { errorResponses, SuccessOnly } from '../../http/schemas.ts';
import type { App } from '../../http/types.ts';
import { requireUser } from '../auth/index.ts';
import { linkConnection, listStreamConnections, unlinkConnection } from './connections.links.ts';
import { actorOf, security, tags } from './connections.routes.ts';
import {
  LinkBody,
  LinkParams,
  OrgQuery,
  StreamConnectionList,
  StreamConnectionOne,
  StreamParams,
} from './connections.schemas.ts';

const readErrors = errorResponses(400, 401, 404);
const writeErrors = errorResponses(400, 401, 403, 404);

/** Which connections a stream fires, on which triggers: every member reads, Editors link. */
export function connectionLinkRoutes(app: App, deps: Deps): void {
  const onRequest = requireUser(deps);

  app.get(
    '/api/streams/:id/connections',
    {
      onRequest,
      schema: {
        operationId: 'streams.connections.list',
        summary: "A stream's connections",
        description:
          "The organization's connections linked to the stream, with the triggers that fire each. Every member reads them; a Viewer gets 404 for a stream Viewers do not see (Draft, Archived).",
        tags,
        security,
        params: StreamParams,
        querystring: OrgQuery,
        response: { 200: StreamConnectionList, ...readErrors },
      },
    },
    async (request) => {
      const links = await listStreamConnections(
        deps,
        actorOf(request),
        request.query.org_id,
        request.params.id,
      );
      return { success: true as const, data: links };
    },
  );

  app.put(
    '/api/streams/:id/connections/:connectionId',
    {
      onRequest,
      schema: {
        operationId: 'streams.connections.link',
        summary: 'Link a connection to a stream',
        description:
          "Editor or above. Links the connection to the stream with the triggers given, or replaces the triggers of the link. From then on each event of the stream with one of them creates a message to the connection (none while it is disabled). The stream and the connection must both be the organization's (404 otherwise).",
        tags,
        security,
        params: LinkParams,
        body: LinkBody,
        response: { 200: StreamConnectionOne, ...writeErrors },
      },
    },
    async (request) => {
      const link = await linkConnection(
        deps,
        actorOf(request),
        request.body.org_id,
        request.params.id,
        request.params.connectionId,
        request.body.triggers,
      );
      return { success: true as const, data: link };
    },
  );

  app.delete(
    '/api/streams/:id/connections/:connectionId',
    {
      onRequest,
      schema: {
        operationId: 'streams.connections.unlink',
        summary: 'Unlink a connection from a stream',
        description:
          'Editor or above. The stream no longer fires the connection; messages already queued are still sent.',
        tags,
        security,
        params: LinkParams,
        querystring: OrgQuery,
        response: { 200: SuccessOnly, ...writeErrors },
      },
    },
    async (request) => {
      await unlinkConnection(
        deps,
        actorOf(request),
        request.query.org_id,
        request.params.id,
        request.params.connectionId,
      );
      return { success: true as const };
    },
  );
}
