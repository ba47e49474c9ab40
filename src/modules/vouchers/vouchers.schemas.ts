import { Type } from 'typebox';
import { Cursor, DateTime, Nullable } from '../../http/schemas.ts';
import { MAX_CODE_LENGTH, MAX_UPLOAD_CODES } from './vouchers.codes.ts';

const Id = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });

export const VoucherSet = Type.Object({
  id: Type.Integer(),
  org_id: Type.Integer(),
  name: Type.String(),
  description: Nullable(Type.String()),
  expires_at: Nullable(
    Type.Unsafe<Date | string>({
      type: 'string',
      format: 'date-time',
      description: 'Expiry of every code in the set; expired sets are no longer drawn',
    }),
  ),
  created_at: DateTime,
  counts: Type.Object({
    total: Type.Integer(),
    available: Type.Integer(),
    claimed: Type.Integer({ description: 'Codes handed to players' }),
  }),
  games: Type.Array(Type.Object({ id: Type.Integer(), title: Type.String() }), {
    description:
      'Games whose prize slots draw from this set (it can feed several); for a Viewer only the Active ones',
  }),
});

const editable = {
  description: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
  expires_at: Type.Optional(
    Nullable(Type.String({ format: 'date-time', description: 'Optional expiry of all codes' })),
  ),
};

export const CreateVoucherSetBody = Type.Object({
  org_id: Id,
  name: Type.String({ minLength: 1, maxLength: 200 }),
  ...editable,
});

export const UpdateVoucherSetBody = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  ...editable,
});

export const OrgQuery = Type.Object({ org_id: Id });
export const SetParams = Type.Object({ id: Id });

export const VoucherSetList = Type.Object({
  success: Type.Literal(true),
  data: Type.Array(VoucherSet),
});
export const VoucherSetOne = Type.Object({ success: Type.Literal(true), data: VoucherSet });

export const UploadQuery = Type.Object({
  org_id: Id,
  header: Type.Optional(
    Type.Boolean({
      default: false,
      description: 'The first line of a CSV or text body is a header row and is skipped',
    }),
  ),
});

const uploadText = (kind: string) =>
  Type.String({
    description: `${kind}; one code per line${kind === 'CSV' ? ', only the first column is used (quoted fields allowed)' : ''}`,
  });

/** One schema per accepted media type: Fastify validates the body against the matching one. */
export const UploadBody = {
  content: {
    'application/json': {
      schema: Type.Object({
        codes: Type.Array(Type.String({ maxLength: 1000 }), {
          minItems: 1,
          maxItems: MAX_UPLOAD_CODES,
        }),
      }),
    },
    'text/csv': { schema: uploadText('CSV') },
    'text/plain': { schema: uploadText('Plain text') },
  },
};

export const UploadResponse = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({
    added: Type.Integer({ description: 'Codes new to the set' }),
    duplicates: Type.Integer({
      description: 'Codes dropped because they repeat within the upload or exist in the set',
    }),
    total: Type.Integer({ description: 'Codes in the set now' }),
  }),
});

export const GenerateBody = Type.Object({
  count: Type.Integer({ minimum: 1, maximum: 1000, description: 'How many codes to add' }),
  prefix: Type.Optional(
    Type.String({
      pattern: '^[A-Za-z0-9]{0,10}$',
      default: '',
      description: 'Up to 10 letters or digits, upper-cased; codes look like `PREFIX-A8K2M9X1`',
    }),
  ),
  length: Type.Optional(
    Type.Integer({
      minimum: 4,
      maximum: 16,
      default: 8,
      description: 'Length of the random part (digits and capitals without 0/O/1/I/L)',
    }),
  ),
});

export const GenerateResponse = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({
    added: Type.Integer(),
    total: Type.Integer({ description: 'Codes in the set now' }),
    codes: Type.Array(Type.String(), { description: 'The generated codes' }),
  }),
});

export const CodesQuery = Type.Object({
  org_id: Id,
  status: Type.Optional(Type.Union([Type.Literal('available'), Type.Literal('claimed')])),
  cursor: Type.Optional(Cursor),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
});

export const CodeList = Type.Object({
  success: Type.Literal(true),
  data: Type.Array(
    Type.Object({
      id: Type.Integer(),
      code: Nullable(
        Type.String({
          maxLength: MAX_CODE_LENGTH,
          description: 'A prize secret: null for Analysts and Viewers (Editor or above reads it)',
        }),
      ),
      status: Type.Union([Type.Literal('available'), Type.Literal('claimed')]),
      draw_id: Nullable(Type.Integer({ description: 'The prize draw the code went to' })),
      claimed_at: Nullable(DateTime),
      created_at: DateTime,
    }),
  ),
  next_cursor: Nullable(Type.Integer()),
});
