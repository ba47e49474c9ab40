import type { Deps } from '../../deps.ts';
import { currentUser, requireUser } from '../auth/index.ts';
import { errorResponses } from '../../http/schemas.ts';
import type { App } from '../../http/types.ts';
import {
  CreatePropertyBody,
  PropertyList,
  PropertyOne,
  PropertyQuery,
} from './properties.schemas.ts';
import { createProperty, listProperties } from './properties.service.ts';

const tags = ['Properties'];
const security = [{ bearerAuth: [] }];

/** Dashboard management of PlayerOS properties (bearer auth). */
export function propertyRoutes(app: App, deps: Deps): void {
  const onRequest = requireUser(deps);

  app.post(
    '/api/properties',
    {
      onRequest,
      schema: {
        operationId: 'properties.create',
        summary: 'Create a property',
        description:
          'Creates a PlayerOS property (a casino, the PlayerOS tenant) in an organization where you are Owner or Admin. ' +
          'An organization you do not belong to answers 404, a lower role 403.',
        tags,
        security,
        body: CreatePropertyBody,
        response: { 200: PropertyOne, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { org_id, name, timezone } = request.body;
      const property = await createProperty(
        deps,
        { userId: currentUser(request).id },
        { orgId: org_id, name, timezone },
      );
      return { success: true as const, data: property };
    },
  );

  app.get(
    '/api/properties',
    {
      onRequest,
      schema: {
        operationId: 'properties.list',
        summary: 'List your properties',
        description:
          'The properties of every organization you belong to (or of `org_id` only), with your role there. ' +
          'Use a property id as `X-Property-Id` on PlayerOS routes.',
        tags,
        security,
        querystring: PropertyQuery,
        response: { 200: PropertyList, ...errorResponses(400, 401) },
      },
    },
    async (request) => {
      const properties = await listProperties(
        deps,
        { userId: currentUser(request).id },
        request.query.org_id,
      );
      return { success: true as const, data: properties };
    },
  );
}
