import { Type } from 'typebox';
import { DateTime, dateTime, Nullable } from '../../http/schemas.ts';

const RoleName = Type.Union(
  [
    Type.Literal('Owner'),
    Type.Literal('Admin'),
    Type.Literal('Editor'),
    Type.Literal('Analyst'),
    Type.Literal('Viewer'),
  ],
  { description: 'Owner > Admin > Editor > Analyst > Viewer' },
);
const InvitableRole = Type.Union(
  [Type.Literal('Admin'), Type.Literal('Editor'), Type.Literal('Analyst'), Type.Literal('Viewer')],
  { description: 'Owner is not invitable: promote a member instead' },
);

// The integer ids of PostgreSQL (int4): a larger number is a 400, not a database error.
const Id = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });

export const OrgParams = Type.Object({ orgId: Id });
export const MemberParams = Type.Object({ orgId: Id, userId: Id });
export const InvitationParams = Type.Object({
  orgId: Id,
  id: Type.String({ format: 'uuid' }),
});

const Member = Type.Object({
  user_id: Nullable(Type.Integer({ description: 'null for a pending invitation' })),
  invitation_id: Nullable(Type.String({ description: 'set for a pending invitation' })),
  name: Nullable(Type.String()),
  email: Type.String(),
  role: RoleName,
  status: Type.Union([Type.Literal('Active'), Type.Literal('Pending')]),
  joined_at: Nullable(dateTime('When the member joined; null while pending')),
  expires_at: Nullable(dateTime('When a pending invitation expires')),
});

export const MemberList = Type.Object({ success: Type.Literal(true), data: Type.Array(Member) });
export const MemberOne = Type.Object({ success: Type.Literal(true), data: Member });

export const MemberRemoved = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({
    revoked_invitation_ids: Type.Array(Type.String(), {
      description: 'Pending invitations the member had sent: revoked with the membership',
    }),
    keys_created: Type.Object(
      {
        api_keys: Type.Array(
          Type.Object({ id: Type.Integer(), name: Type.String(), key_prefix: Type.String() }),
        ),
        property_keys: Type.Array(
          Type.Object({
            id: Type.String(),
            property_id: Type.String(),
            name: Type.String(),
            key_prefix: Type.String(),
          }),
        ),
      },
      {
        description:
          "Working keys (active dpk_, unrevoked pk_) the member created. They belong to the organization and keep working; review them and revoke any the member's integration no longer needs.",
      },
    ),
  }),
});

export const ChangeRoleBody = Type.Object({ role: RoleName }, { additionalProperties: false });

export const CreateInvitationBody = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 320 }),
    role: InvitableRole,
  },
  { additionalProperties: false },
);

const Invitation = Type.Object({
  id: Type.String(),
  email: Type.String(),
  role: RoleName,
  status: Type.Union([
    Type.Literal('pending'),
    Type.Literal('accepted'),
    Type.Literal('revoked'),
    Type.Literal('expired'),
  ]),
  invited_by: Nullable(Type.Integer()),
  created_at: DateTime,
  expires_at: DateTime,
  accepted_at: Nullable(DateTime),
});

export const InvitationOne = Type.Object({ success: Type.Literal(true), data: Invitation });
export const InvitationCreated = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({
    ...Invitation.properties,
    email_sent: Type.Boolean({
      description:
        'false when the mail server refused the message; the invitation exists either way (re-send by inviting again)',
    }),
  }),
});
export const InvitationList = Type.Object({
  success: Type.Literal(true),
  data: Type.Array(Invitation),
});

export const AcceptInvitationBody = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 200, description: 'The token from the link' }) },
  { additionalProperties: false },
);
export const AcceptInvitationResponse = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({
    organization: Type.Object({ id: Type.Integer(), name: Type.String(), slug: Type.String() }),
    role: RoleName,
  }),
});

export const CreateOrganizationBody = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'Display name; the slug is made from it (a taken slug gets a short suffix)',
    }),
  },
  { additionalProperties: false },
);

export const OrganizationCreated = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({
    id: Type.Integer(),
    name: Type.String(),
    slug: Type.String(),
    type: Type.String(),
    plan_tier: Type.String({ description: 'The install default tier (DEFAULT_ORG_TIER)' }),
    role: Type.Literal('Owner', { description: 'The creator is its first Owner' }),
    created_at: DateTime,
  }),
});
