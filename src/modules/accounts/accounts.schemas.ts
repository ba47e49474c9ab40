import { Type } from 'typebox';
import { DateTime } from '../../http/schemas.ts';

const Password = (description: string) =>
  Type.String({ minLength: 8, maxLength: 1024, description });

export const SignupBody = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 320 }),
    password: Password('At least 8 characters'),
    name: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 80,
        description:
          'Your name as others see it: up to 80 characters, no line breaks or control characters',
      }),
    ),
    organization_name: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 80,
        description:
          'Creates an organization with this name, owned by the new user: up to 80 characters, no line breaks or control characters',
      }),
    ),
    invitation_token: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description:
          'The token of an invitation mail to this address: joins that organization with the invited role',
      }),
    ),
  },
  { additionalProperties: false },
);

export const SignupResponse = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({
    token: Type.String({ description: 'Bearer token for the management API. Shown once.' }),
    token_type: Type.Literal('Bearer'),
    expires_at: DateTime,
    user: Type.Object({
      id: Type.Integer(),
      email: Type.String(),
      name: Type.Union([Type.String(), Type.Null()]),
      created_at: DateTime,
    }),
    organizations: Type.Array(
      Type.Object({
        id: Type.Integer(),
        name: Type.String(),
        slug: Type.String(),
        role: Type.String(),
      }),
      { description: 'The organization created, if any, and those joined through invitations' },
    ),
  }),
});

export const SignupPendingResponse = Type.Object({
  success: Type.Literal(true),
  message: Type.String({
    description: 'The same text whether or not the address has an account',
  }),
});

export const VerifyEmailBody = Type.Object(
  {
    token: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'The token from the sign-up link',
    }),
    password: Type.String({
      minLength: 1,
      maxLength: 1024,
      description:
        'The password chosen at sign-up: whoever only holds the mailbox cannot finish a sign-up someone else started',
    }),
  },
  { additionalProperties: false },
);

export const ChangePasswordBody = Type.Object(
  {
    current_password: Type.String({ minLength: 1, maxLength: 1024 }),
    new_password: Password('At least 8 characters'),
  },
  { additionalProperties: false },
);

export const ResetRequestBody = Type.Object(
  { email: Type.String({ minLength: 3, maxLength: 320 }) },
  { additionalProperties: false },
);

export const ResetRequestResponse = Type.Object({
  success: Type.Literal(true),
  message: Type.String(),
});

export const ResetConfirmBody = Type.Object(
  {
    token: Type.String({ minLength: 1, maxLength: 200, description: 'The token from the link' }),
    new_password: Password('At least 8 characters'),
  },
  { additionalProperties: false },
);
