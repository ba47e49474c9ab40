import type { Deps } from '../../deps.ts';
import { currentUser, requireUser } from '../auth/index.ts';
import { errorResponses } from '../../http/schemas.ts';
import type { App } from '../../http/types.ts';
import { CreateOrganizationBody, OrganizationCreated } from './organizations.schemas.ts';
import { createOrganizationForUser } from './organizations.service.ts';

/** Organizations themselves (bearer auth); their members and invitations have routes of their own. */
export function organizationRoutes(app: App, deps: Deps): void {
  app.post(
    '/api/organizations',
    {
      onRequest: requireUser(deps),
      schema: {
        operationId: 'organizations.create',
        summary: 'Create an organization',
        description:
          'Any signed-in user, for instance one who signed up without `organization_name` or who needs a second organization. ' +
          'The caller becomes its Owner; its tier is the install default (`DEFAULT_ORG_TIER`). ' +
          'Each user may create `THROTTLE_ORGS_PER_USER` organizations per window (default 10 a day); past it, 429 with `retry_after`.',
        tags: ['Organizations'],
        security: [{ bearerAuth: [] }],
        body: CreateOrganizationBody,
        response: { 201: OrganizationCreated, ...errorResponses(400, 401, 409, 429) },
      },
    },
    async (request, reply) => {
      const org = await createOrganizationForUser(
        deps,
        { userId: currentUser(request).id },
        request.body,
      );
      return reply.code(201).send({ success: true as const, data: org });
    },
  );
}
