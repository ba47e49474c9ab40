import { Type } from 'typebox';
import { dateTime, Nullable } from '../../http/schemas.ts';
import { MAX_LINKS_PER_MESSAGE } from './content.links.ts';
import {
  MAX_EMAIL_BODY_BYTES,
  MAX_PAGE,
  MAX_SMS_SOURCE_CHARS,
  MAX_SUBJECT_CHARS,
} from './content.service.ts';

// Wire shapes of content templates and their renders.

export const LIQUID_HELP =
  'Liquid (LiquidJS): `{{ player.first_name | default: "friend" }}`, `{% if player.tier == "Gold" %}…{% endif %}`. ' +
  'Variables: `player.player_id`, `first_name`, `last_name`, `email`, `phone`, `tier`, `status`, `timezone`, `state`, `country`, `plays`, `prizes_won`, `last_score`, `last_played_at`, `player.traits.*` (the custom fields), `property.name`, `property.postal_address` (compliance settings). A missing value is empty; use `default`. ' +
  "Loop tags: `{% game_link game: 42 %}` and `{% stream_link stream: 7 %}` print the recipient's own single-use play link (a session minted per recipient when the campaign is sent), `short: true` prints the short form `PUBLIC_URL/l/<code>` for SMS; `{% unsubscribe_url %}` the recipient's unsubscribe link. Ids are literal and must name a game or stream of the organization. " +
  `At most ${MAX_LINKS_PER_MESSAGE} distinct links a message. Unknown tags or filters, include/render/layout (no file is ever read), and renders past the limits (time, memory, nodes) are refused with 400 validation_failed and \`details: { field, line, reason }\`.`;

const Name = Type.String({
  minLength: 1,
  maxLength: 200,
  description: 'Unique within the property (409 when taken)',
});
const ChannelSchema = Type.Union([Type.Literal('email'), Type.Literal('sms')]);
const Subject = Type.String({
  minLength: 1,
  maxLength: MAX_SUBJECT_CHARS,
  description: 'Email only, required there: Liquid; rendered as one line',
});
const Body = Type.String({
  minLength: 1,
  maxLength: MAX_EMAIL_BODY_BYTES,
  description: `Email: MJML with Liquid (strictly validated: an invalid document is a 400 with its line; mj-include is refused), at most ${MAX_EMAIL_BODY_BYTES} bytes; variables are HTML-escaped. SMS: Liquid text, at most ${MAX_SMS_SOURCE_CHARS} characters.`,
});
const TextBody = Type.String({
  minLength: 1,
  maxLength: MAX_EMAIL_BODY_BYTES,
  description:
    'Email only, optional: the plain-text part (Liquid, not escaped). Without it the plain text is derived from the rendered HTML (links as `text (url)`).',
});

export const TemplateParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const CreateTemplateBody = Type.Object(
  {
    name: Name,
    channel: ChannelSchema,
    subject: Type.Optional(Subject),
    body: Body,
    text_body: Type.Optional(TextBody),
  },
  { additionalProperties: false },
);

export const UpdateTemplateBody = Type.Object(
  {
    name: Type.Optional(Name),
    subject: Type.Optional(Subject),
    body: Type.Optional(Body),
    text_body: Type.Optional(Nullable(TextBody)),
    version: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 2_147_483_647,
        description: 'Change only this version (409 when the template is at another)',
      }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ListQuery = Type.Object(
  {
    channel: Type.Optional(ChannelSchema),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE, default: 50 })),
    after: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: '`next_after` of the last page' }),
    ),
  },
  { additionalProperties: false },
);

const TemplateObject = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  channel: ChannelSchema,
  subject: Nullable(Type.String()),
  body: Type.String(),
  text_body: Nullable(Type.String()),
  game_ids: Type.Array(Type.Integer(), { description: 'Games its game_link tags name' }),
  stream_ids: Type.Array(Type.Integer(), { description: 'Streams its stream_link tags name' }),
  version: Type.Integer({ minimum: 1, description: '1 at creation, incremented by every update' }),
  created_at: dateTime('When it was created'),
  updated_at: dateTime('When it was last changed'),
});

export const TemplateOne = Type.Object({ success: Type.Literal(true), data: TemplateObject });

export const TemplateList = Type.Object({
  success: Type.Literal(true),
  data: Type.Array(TemplateObject),
  next_after: Nullable(Type.String({ description: 'Pass as `after` for the next page' })),
});

const PlayerRef = Type.String({
  minLength: 1,
  maxLength: 100,
  description:
    "The player to render for: PlayLoop's id (uuid) or the casino's player_id; another property's is 404. Without it, every player field is empty.",
});

export const PreviewBody = Type.Object(
  { player_id: Type.Optional(PlayerRef) },
  { additionalProperties: false },
);

export const RenderBody = Type.Object(
  {
    channel: ChannelSchema,
    subject: Type.Optional(Subject),
    body: Body,
    text_body: Type.Optional(TextBody),
    player_id: Type.Optional(PlayerRef),
  },
  { additionalProperties: false },
);

export const Rendered = Type.Object({
  channel: ChannelSchema,
  subject: Type.Optional(Type.String({ description: 'Email: the rendered subject' })),
  html: Type.Optional(Type.String({ description: 'Email: the HTML part (MJML rendered)' })),
  text: Type.String({ description: 'Email: the plain-text part; SMS: the message' }),
  warnings: Type.Optional(
    Type.Array(Type.Object({ line: Type.Integer(), reason: Type.String() }), {
      description: 'Email: what MJML found wrong with the rendered document',
    }),
  ),
  encoding: Type.Optional(
    Type.Union([Type.Literal('gsm7'), Type.Literal('ucs2')], {
      description:
        'SMS: GSM-7 when every character is in the GSM 03.38 alphabet or its extension table, else UCS-2',
    }),
  ),
  length: Type.Optional(
    Type.Integer({
      description:
        'SMS: septets (GSM-7; extension characters such as € count 2) or UTF-16 units (UCS-2; an emoji counts 2)',
    }),
  ),
  segments: Type.Optional(Type.Integer({ description: 'SMS: the messages the carrier sends' })),
  per_segment: Type.Optional(
    Type.Integer({ description: 'SMS: what a segment of a multi-part message holds (153 or 67)' }),
  ),
  single_segment: Type.Optional(
    Type.Integer({ description: 'SMS: what a single-segment message holds (160 or 70)' }),
  ),
});

export const RenderedOne = Type.Object({ success: Type.Literal(true), data: Rendered });
