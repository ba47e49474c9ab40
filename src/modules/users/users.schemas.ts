import { Type } from 'typebox';
import { DateTime } from '../../http/schemas.ts';

export const LoginBody = Type.Object({
  email: Type.String({ minLength: 3, maxLength: 320 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
});

const User = Type.Object({
  id: Type.Integer(),
  email: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  created_at: DateTime,
});

export const LoginResponse = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({
    token: Type.String({ description: 'Bearer token for the management API. Shown once.' }),
    token_type: Type.Literal('Bearer'),
    expires_at: DateTime,
    user: User,
  }),
});

export const MeResponse = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({
    ...User.properties,
    organizations: Type.Array(
      Type.Object({
        id: Type.Integer(),
        name: Type.String(),
        slug: Type.String(),
        type: Type.String(),
        plan_tier: Type.String(),
        role: Type.String(),
        created_at: DateTime,
      }),
    ),
  }),
});
