import { Type } from 'typebox';
import { PropertyHeaders } from '../auth/index.ts';
import { Nullable } from '../../http/schemas.ts';
import {
  COUNT_MODES,
  DEFAULT_MAX_OFFSET,
  MAX_FILTERS,
  MAX_IN_ITEMS,
  MAX_IN_ITEMS_TOTAL,
  MAX_PATTERN_FILTERS,
  MAX_PATTERN_LENGTH,
  MAX_Q_LENGTH,
} from '../../lib/postgrest-filter.ts';
import { ESTIMATE_EXACT_UP_TO } from '../../lib/table-query.ts';
import { MAX_BATCH, PLAYER_TABLE } from '../players/index.ts';
import { TABLE_NAMES } from './tables.registry.ts';

/** The filter grammar, once, for every table route's description (it reaches /docs). */
export const GRAMMAR = [
  '**Filters.** Any query parameter other than the reserved ones filters on a column, in either syntax:',
  '- PlayerOS: `<column>.<op>=<value>`, e.g. `status.eq=active`; negated `status.not.eq=active`.',
  '- PostgREST: `<column>=<op>.<value>`, e.g. `status=eq.active`; negated `status=not.eq.active`.',
  '',
  'Operators: `eq`, `neq`, `gt`, `gte`, `lt`, `lte`; `like` and `ilike` (text columns; `*` stands for `%`); ' +
    '`in` with a list `(a,b,"c,d")` (double quotes protect commas and parentheses, `\\` escapes inside quotes; ' +
    `at most ${MAX_IN_ITEMS} items); \`is\` with \`null\`, \`true\` or \`false\` (true/false on boolean columns). ` +
    '`not.<op>` negates any of them. Values are checked against the column type (UUID, number, ISO-8601 ' +
    'date-time, YYYY-MM-DD date, true/false); a bad value, an unknown column or operator is a 400 naming it. ' +
    'A date-time without a zone is UTC; send the `+` of an offset as `%2B`. ' +
    `All filters, repeated parameters included, are ANDed (at most ${MAX_FILTERS}); \`or=(…)\` is not supported. ` +
    `Cost bounds, refused with 400 before the query runs: at most ${MAX_PATTERN_FILTERS} like/ilike filters (\`q\` counting as one), ` +
    `${MAX_PATTERN_LENGTH} pattern characters in all, ${MAX_IN_ITEMS_TOTAL} \`in\` items in all. A query still running after the database's statement time limit is stopped: 400 \`query_too_expensive\`.`,
  '',
  '**Reserved parameters.**',
  '- `select=col1,col2`: the columns returned (default: all).',
  '- `order=col.asc|desc[.nullsfirst|.nullslast],col2…`: the row id is always appended as a tiebreaker, so limit/offset paging returns every row exactly once.',
  `- \`limit\`: page size, default ${PLAYER_TABLE.defaultLimit}, at most ${PLAYER_TABLE.maxLimit} (larger is a 400). \`offset\`: rows to skip, 0 to ${DEFAULT_MAX_OFFSET}.`,
  `- \`count\` (or the header \`Prefer: count=…\`; the parameter wins): \`estimated\` (default: exact up to ${ESTIMATE_EXACT_UP_TO} rows, the planner's estimate beyond), \`exact\` (always count every matching row), \`planned\` (the planner's estimate), \`none\` (no count; \`totalCount\` is null). \`countType\` in the answer says whether \`totalCount\` is \`exact\` or \`planned\`. ` +
    `Players kept counts: a property's players unfiltered or filtered by status only (\`status.eq=active\`, \`status=eq.active\`, \`status.in.(…)\`; no \`q\`), in any order and page, are counted exactly from counters kept with every write, in every mode but \`none\`.`,
  '- `q`: free-text search, table-specific (players: first and last name, email, phone (its digits also match `702 555-0100`), player_id, tier and state; case-insensitive substring, so `q=gold` finds Gold-tier players. Not status or country: filter them, e.g. `status.eq=active`).',
  '',
  "Every query is confined to the credential's property: a filter on `property_id` can narrow, never widen.",
].join('\n');

export const TableParams = Type.Object({
  table: Type.String({
    description: `The table: ${TABLE_NAMES.join(', ')}. Any other name is 404.`,
    examples: TABLE_NAMES,
  }),
});

const select = Type.Optional(
  Type.String({ description: 'Comma-separated columns to return (default: all)' }),
);

export const TableListQuery = Type.Object(
  {
    select,
    order: Type.Optional(
      Type.String({
        description: 'e.g. `created_at.desc,last_name.asc.nullslast`; the id is appended',
      }),
    ),
    limit: Type.Optional(
      Type.Integer({
        minimum: 0,
        description: `Page size; default ${PLAYER_TABLE.defaultLimit}, maximum ${PLAYER_TABLE.maxLimit}`,
      }),
    ),
    offset: Type.Optional(
      Type.Integer({ minimum: 0, description: `Rows to skip, at most ${DEFAULT_MAX_OFFSET}` }),
    ),
    count: Type.Optional(
      Type.Unsafe<string>({
        type: 'string',
        enum: [...COUNT_MODES],
        description: 'How totalCount is computed (default estimated: exact up to a threshold)',
      }),
    ),
    q: Type.Optional(
      Type.String({
        description: `Free-text search, case-insensitive substring (at most ${MAX_Q_LENGTH} characters). Players: first and last name, email, phone, player_id, tier and state (q=gold finds Gold-tier players); not status or country.`,
      }),
    ),
  },
  { description: 'Plus any number of column filters (see the description)' },
);

export const TableWriteQuery = Type.Object(
  { select },
  { description: 'Column filters (at least one) and optionally select' },
);

export const ListHeaders = Type.Object({
  ...PropertyHeaders.properties,
  prefer: Type.Optional(
    Type.String({ description: '`count=exact|planned|estimated|none` (PostgREST style)' }),
  ),
});

const RowSchema = Type.Object(
  {},
  {
    additionalProperties: true,
    description: 'A row with the selected columns (players: see GET /api/players/{id})',
  },
);

const CONTENT_RANGE = {
  'Content-Range': {
    type: 'string',
    description:
      'PostgREST style `<first>-<last>/<total>` (0-based, e.g. `0-24/3573`); `*` for the total with count=none; `*/<total>` when no row was returned.',
  },
};

export const ListResponse = Type.Object(
  {
    success: Type.Literal(true),
    data: Type.Array(RowSchema),
    totalCount: Nullable(
      Type.Integer({ description: 'Rows matching the filters (all pages); null with count=none' }),
    ),
    countType: Nullable(
      Type.Union([Type.Literal('exact'), Type.Literal('planned')], {
        description:
          "Which kind of number totalCount (and Content-Range's total) is: `exact`, or `planned` (the query planner's estimate); null with count=none",
      }),
    ),
  },
  { headers: CONTENT_RANGE },
);

/**
 * Only the shape (object or array) is checked here; sizes and rows are checked by the table's
 * service, whose messages name the offending row (`players[3]: …`).
 */
export const InsertBody = Type.Unsafe<unknown>({
  anyOf: [
    { type: 'object', description: 'One row' },
    {
      type: 'array',
      items: { description: 'A row (an object)' },
      description: `1 to ${MAX_BATCH} rows, inserted all or none`,
    },
  ],
  description:
    'One row as an object, or an array of rows (players: fields as in PATCH /api/players/{id}; player_id optional, e.g. `{"email":"a@b.co","tier":"Gold","adt":250,"coin_in":18000}`).',
});

export const InsertResponse = Type.Object({
  success: Type.Literal(true),
  data: Type.Union([RowSchema, Type.Array(RowSchema)], {
    description: 'The created row, or rows when the body was an array',
  }),
});

export const PatchBody = Type.Unsafe<unknown>({
  type: 'object',
  description: 'The fields to set on every matching row (players: as in PATCH /api/players/{id})',
});

export const RowsResponse = Type.Object({
  success: Type.Literal(true),
  data: Type.Array(RowSchema, { description: 'The rows changed, with the selected columns' }),
});
