import { Type } from 'typebox';
import { dateTime, Nullable } from '../../http/schemas.ts';
import { COUNT_MODES } from '../../lib/postgrest-filter.ts';
import { PropertyHeaders } from '../auth/index.ts';
import { PLAYER_TABLE } from '../players/index.ts';
import { MAX_AUDIENCE_PLAYERS, MAX_PREVIEW_RECIPIENTS } from './segments.audience.ts';
import {
  MAX_FILTER_LENGTH,
  MAX_PAGE,
  MAX_SEGMENT_FILTERS,
  MAX_SEGMENTS_PER_PROPERTY,
} from './segments.service.ts';

// Wire shapes of segments, a segment's players and the audience preview.

export const FILTER_HELP =
  `\`filter\` is a query string in the grammar of \`GET /api/players\`, filters only: \`tier=eq.gold&state=in.(NV,NJ)&last_played_at=gte.2026-06-01\` (or \`tier.eq=gold\`), repeated filters ANDed, \`q\` allowed; empty for every player. ` +
  `\`select\`, \`order\`, \`limit\`, \`offset\` and \`count\` are refused (page a segment with \`GET /api/segments/{id}/players\`). It is checked with the players parser when saved: an unknown column or operator is 400 validation_failed naming it. At most ${MAX_SEGMENT_FILTERS} filters and ${MAX_FILTER_LENGTH} characters.`;

const Name = Type.String({
  minLength: 1,
  maxLength: 200,
  description: 'Unique within the property (409 when taken)',
});
const Filter = Type.String({
  maxLength: MAX_FILTER_LENGTH,
  description: 'The players filter, as a query string (see the description)',
});
const Description = Type.String({ maxLength: 2000, description: 'For the staff' });

export const SegmentParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const CreateSegmentBody = Type.Object(
  { name: Name, filter: Filter, description: Type.Optional(Nullable(Description)) },
  { additionalProperties: false },
);

export const UpdateSegmentBody = Type.Object(
  {
    name: Type.Optional(Name),
    filter: Type.Optional(Filter),
    description: Type.Optional(Nullable(Description)),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE, default: 50 })),
    after: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: '`next_after` of the last page' }),
    ),
  },
  { additionalProperties: false },
);

const SegmentObject = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  filter: Type.String({ description: 'The players filter as saved (without a leading `?`)' }),
  description: Nullable(Type.String()),
  created_at: dateTime('When it was created'),
  updated_at: dateTime('When it was last changed'),
});

export const SegmentOne = Type.Object({ success: Type.Literal(true), data: SegmentObject });

export const SegmentList = Type.Object({
  success: Type.Literal(true),
  data: Type.Array(SegmentObject),
  next_after: Nullable(Type.String({ description: 'Pass as `after` for the next page' })),
});

export const PlayersQuery = Type.Object(
  {
    select: Type.Optional(Type.String({ description: 'Columns, as for GET /api/players' })),
    order: Type.Optional(
      Type.String({ description: 'e.g. `last_played_at.desc`; the id is appended' }),
    ),
    limit: Type.Optional(
      Type.Integer({
        minimum: 0,
        description: `Page size; default ${PLAYER_TABLE.defaultLimit}, maximum ${PLAYER_TABLE.maxLimit}`,
      }),
    ),
    offset: Type.Optional(Type.Integer({ minimum: 0, description: 'Rows to skip' })),
    count: Type.Optional(
      Type.Unsafe<string>({
        type: 'string',
        enum: [...COUNT_MODES],
        description: 'How totalCount is computed, as for GET /api/players',
      }),
    ),
  },
  {
    additionalProperties: false,
    description: 'Paging only: a filter here is refused (the segment holds the filters)',
  },
);

export const PlayersHeaders = Type.Object({
  ...PropertyHeaders.properties,
  prefer: Type.Optional(
    Type.String({ description: '`count=exact|planned|estimated|none` (PostgREST style)' }),
  ),
});

export const PlayersPage = Type.Object(
  {
    success: Type.Literal(true),
    data: Type.Array(
      Type.Object({}, { additionalProperties: true, description: 'A player (selected columns)' }),
    ),
    totalCount: Nullable(Type.Integer({ description: 'Players of the segment; null with none' })),
    countType: Nullable(Type.Union([Type.Literal('exact'), Type.Literal('planned')])),
  },
  {
    headers: {
      'Content-Range': {
        type: 'string',
        description: 'PostgREST style `<first>-<last>/<total>`, as for GET /api/players',
      },
    },
  },
);

export const CountOne = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({ count: Type.Integer({ description: 'Players the segment selects now' }) }),
});

const PlayerRef = Type.String({
  minLength: 1,
  maxLength: 100,
  description: "PlayLoop's player id (uuid) or the casino's player_id",
});

export const AudienceSchema = Type.Union(
  [
    Type.Object(
      { type: Type.Literal('segment'), segment_id: Type.String({ format: 'uuid' }) },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        type: Type.Literal('players'),
        player_ids: Type.Array(PlayerRef, { minItems: 1, maxItems: MAX_AUDIENCE_PLAYERS }),
      },
      { additionalProperties: false },
    ),
    Type.Object({ type: Type.Literal('all') }, { additionalProperties: false }),
  ],
  {
    description: `A saved segment (another property's is 404), up to ${MAX_AUDIENCE_PLAYERS} players by id (ids naming no player of the property are left out), or every player`,
  },
);

export const PreviewBody = Type.Object(
  {
    audience: AudienceSchema,
    channel: Type.Union([
      Type.Literal('sms'),
      Type.Literal('email'),
      Type.Literal('voice'),
      Type.Literal('push'),
    ]),
    purpose: Type.Union([
      Type.Literal('marketing'),
      Type.Literal('informational'),
      Type.Literal('transactional'),
    ]),
    program: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    subscription_group_id: Type.Optional(Type.String({ format: 'uuid' })),
    send_at: Type.Optional(
      Type.String({ format: 'date-time', description: 'Default: now; not in the past' }),
    ),
  },
  { additionalProperties: false },
);

export const PreviewData = Type.Object({
  size: Type.Integer({ description: 'Players in the audience now (exact)' }),
  evaluated: Type.Integer({
    description: `Players the check ran over: all of them, or the first ${MAX_PREVIEW_RECIPIENTS}`,
  }),
  would_send: Type.Integer({ description: 'Of those evaluated, the ones the check allows' }),
  skipped: Type.Integer({ description: 'Of those evaluated, the ones the check skips' }),
  would_skip: Type.Record(Type.String(), Type.Integer(), {
    description:
      'Skipped players by reason (`no_consent`, `quiet_hours`, …); one skipped for two reasons counts under both',
  }),
  sampled: Type.Boolean({
    description: `true when the audience is larger than ${MAX_PREVIEW_RECIPIENTS}: the counts are of its first ${MAX_PREVIEW_RECIPIENTS} players by id`,
  }),
});

export const PreviewResponse = Type.Object({ success: Type.Literal(true), data: PreviewData });

export const PREVIEW_HELP = `Runs the pre-send check (as \`tcpa-check\` would for these players) over the audience without recording any decision. At most \`THROTTLE_AUDIENCE_PREVIEWS\` previews per property (10 a minute by default; 429).`;

export const SEGMENTS_HELP = `A property has at most ${MAX_SEGMENTS_PER_PROPERTY} segments.`;
