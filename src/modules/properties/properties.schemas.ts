import { Type } from 'typebox';
import { DateTime } from '../../http/schemas.ts';
import { ROLES } from '../organizations/index.ts';

const OrgId = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });

export const Property = Type.Object({
  id: Type.String({ format: 'uuid', description: 'Property id, sent as X-Property-Id' }),
  org_id: Type.Integer({ description: 'The organization owning the property' }),
  name: Type.String(),
  timezone: Type.String({ description: 'IANA time zone of the property' }),
  created_at: DateTime,
});

export const PropertyUsage = Type.Object(
  {
    rows: Type.Integer({ description: 'Players the property stores (exact)' }),
    bytes: Type.Integer({
      description: "Bytes its players take: the sum of each player row's text size",
    }),
    max_rows: Type.Integer({ description: 'Most players it may store' }),
    max_bytes: Type.Integer({ description: 'Most bytes its players may take' }),
  },
  {
    description:
      'Storage quota of the property. A write that would go past a limit is refused with 403 quota_exceeded; ' +
      'deletes, and updates that do not grow a player, always pass. Operators raise limits.',
  },
);

export const PropertyWithRole = Type.Object({
  ...Property.properties,
  role: Type.Enum(ROLES, {
    description:
      "Your role in the property's organization: Owner/Admin/Editor → read+write, Analyst/Viewer → read",
  }),
  usage: PropertyUsage,
});

export const CreatePropertyBody = Type.Object(
  {
    org_id: OrgId,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    timezone: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        default: 'UTC',
        description: 'IANA time zone, e.g. America/Los_Angeles (names are canonicalized)',
      }),
    ),
  },
  { additionalProperties: false },
);

export const PropertyQuery = Type.Object({
  org_id: Type.Optional(OrgId),
});

export const PropertyOne = Type.Object({ success: Type.Literal(true), data: Property });
export const PropertyList = Type.Object({
  success: Type.Literal(true),
  data: Type.Array(PropertyWithRole),
});
