import type { FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.ts';
import { currentUser, requireUser } from '../auth/index.ts';
import { errorResponses } from '../../http/schemas.ts';
import type { App } from '../../http/types.ts';
import { changeMemberRole, listMembers, removeMember } from './organizations.members.ts';
import {
  ChangeRoleBody,
  MemberList,
  MemberOne,
  MemberParams,
  MemberRemoved,
  OrgParams,
} from './organizations.schemas.ts';

const tags = ['Members'];
const security = [{ bearerAuth: [] }];
const actorOf = (request: FastifyRequest) => ({ userId: currentUser(request).id });

/** An organization's members (bearer auth); another organization is 404 throughout. */
export function memberRoutes(app: App, deps: Deps): void {
  const onRequest = requireUser(deps);

  app.get(
    '/api/organizations/:orgId/members',
    {
      onRequest,
      schema: {
        operationId: 'members.list',
        summary: "List an organization's members",
        description:
          'Any member may list. Members (status `Active`) come first, oldest first, then invitations still pending and unexpired (status `Pending`, no `user_id`).',
        tags,
        security,
        params: OrgParams,
        response: { 200: MemberList, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => ({
      success: true as const,
      data: await listMembers(deps, actorOf(request), request.params.orgId),
    }),
  );

  app.patch(
    '/api/organizations/:orgId/members/:userId',
    {
      onRequest,
      schema: {
        operationId: 'members.update',
        summary: "Change a member's role",
        description:
          'Admin or higher. You can assign only roles up to your own (so Admins cannot make someone Owner) and cannot change the role of someone above you. ' +
          'You cannot change your own role, except an Owner stepping down; the last Owner cannot step down (409).',
        tags,
        security,
        params: MemberParams,
        body: ChangeRoleBody,
        response: { 200: MemberOne, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const { orgId, userId } = request.params;
      const member = await changeMemberRole(
        deps,
        actorOf(request),
        orgId,
        userId,
        request.body.role,
      );
      return { success: true as const, data: member };
    },
  );

  app.delete(
    '/api/organizations/:orgId/members/:userId',
    {
      onRequest,
      schema: {
        operationId: 'members.remove',
        summary: 'Remove a member, or leave',
        description:
          'Admin or higher removes members up to their own role (an Admin cannot remove an Owner: 403); any member may remove themself (leave). ' +
          "The last Owner can neither be removed nor leave (409). The member's games stay in the organization; their account is untouched. " +
          'In the same transaction, every pending invitation the member sent is revoked (its link answers 410). ' +
          'API keys (dpk_ and pk_) the member created belong to the organization and keep working; the answer lists the working ones so an Owner can review them.',
        tags,
        security,
        params: MemberParams,
        response: { 200: MemberRemoved, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const { orgId, userId } = request.params;
      return {
        success: true as const,
        data: await removeMember(deps, actorOf(request), orgId, userId),
      };
    },
  );
}
