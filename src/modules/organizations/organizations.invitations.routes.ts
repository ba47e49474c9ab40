import type { Deps } from '../../deps.ts';
import { currentUser, requireUser } from '../auth/index.ts';
import { errorResponses } from '../../http/schemas.ts';
import type { App } from '../../http/types.ts';
import {
  acceptInvitation,
  createInvitation,
  listInvitations,
  revokeInvitation,
} from './organizations.invitations.ts';
import {
  AcceptInvitationBody,
  AcceptInvitationResponse,
  CreateInvitationBody,
  InvitationCreated,
  InvitationList,
  InvitationOne,
  InvitationParams,
  OrgParams,
} from './organizations.schemas.ts';

const tags = ['Invitations'];
const security = [{ bearerAuth: [] }];

/** Inviting people into an organization by email, and accepting (bearer auth). */
export function invitationRoutes(app: App, deps: Deps): void {
  const onRequest = requireUser(deps);

  app.post(
    '/api/organizations/:orgId/invitations',
    {
      onRequest,
      schema: {
        operationId: 'invitations.create',
        summary: 'Invite someone by email',
        description:
          'Admin or higher, with a role up to your own (Owner is not invitable). Mails an accept link (`PUBLIC_URL/accept-invite?token=…`) valid for 30 days. ' +
          'Inviting an address again replaces its pending invitation (the old link stops working). An address that already belongs to a member is 409. ' +
          'Someone without an account joins automatically when they sign up with the invited address. ' +
          'Throttled before anything is stored or mailed, re-sends included: per inviting user (`THROTTLE_INVITES_PER_USER`, default 20 an hour) and per organization (`THROTTLE_INVITES_PER_ORG`, default 50 a day); past either the answer is 429 with `retry_after` and no mail is sent. ' +
          'The mail quotes the organization and inviter names as user-chosen text (one line, at most 80 characters, never a link).',
        tags,
        security,
        params: OrgParams,
        body: CreateInvitationBody,
        response: { 200: InvitationCreated, ...errorResponses(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request) => ({
      success: true as const,
      data: await createInvitation(deps, currentUser(request), request.params.orgId, request.body),
    }),
  );

  app.get(
    '/api/organizations/:orgId/invitations',
    {
      onRequest,
      schema: {
        operationId: 'invitations.list',
        summary: "List an organization's invitations",
        description:
          'Admin or higher. Newest first, every status: `pending`, `accepted`, `revoked`, and `expired` (pending past its expiry).',
        tags,
        security,
        params: OrgParams,
        response: { 200: InvitationList, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ({
      success: true as const,
      data: await listInvitations(deps, { userId: currentUser(request).id }, request.params.orgId),
    }),
  );

  app.delete(
    '/api/organizations/:orgId/invitations/:id',
    {
      onRequest,
      schema: {
        operationId: 'invitations.revoke',
        summary: 'Revoke a pending invitation',
        description:
          'Admin or higher. Permanent: the link stops working (410); invite again to send a new one. An invitation that is not pending is 409.',
        tags,
        security,
        params: InvitationParams,
        response: { 200: InvitationOne, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const { orgId, id } = request.params;
      const invitation = await revokeInvitation(
        deps,
        { userId: currentUser(request).id },
        orgId,
        id,
      );
      return { success: true as const, data: invitation };
    },
  );

  app.post(
    '/api/invitations/accept',
    {
      onRequest,
      schema: {
        operationId: 'invitations.accept',
        summary: 'Accept an invitation',
        description:
          "Joins the organization with the invited role. The logged-in user's email must be the invited address (any letter case), else 403. " +
          'An unknown, expired, revoked or already used invitation is 410; already being a member is 409.',
        tags,
        security,
        body: AcceptInvitationBody,
        response: { 200: AcceptInvitationResponse, ...errorResponses(400, 401, 403, 409, 410) },
      },
    },
    async (request) => ({
      success: true as const,
      data: await acceptInvitation(deps, currentUser(request), request.body.token),
    }),
  );
}
