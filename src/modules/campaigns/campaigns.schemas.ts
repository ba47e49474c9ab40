import { Type } from 'typebox';
import { dateTime, Nullable } from '../../http/schemas.ts';
import { Rendered } from '../content/index.ts';
import { AudienceSchema, PreviewData } from '../segments/index.ts';
import { MAX_TEST_RECIPIENTS } from './campaigns.preview.ts';
import { MAX_CAMPAIGNS_PER_PROPERTY } from './campaigns.service.ts';

// Wire shapes of campaigns, their functions, and messages.

const Uuid = (description?: string) =>
  Type.String({ format: 'uuid', ...(description ? { description } : {}) });

const Channel = Type.Union([Type.Literal('email'), Type.Literal('sms')]);
const Purpose = Type.Union(
  [Type.Literal('marketing'), Type.Literal('informational'), Type.Literal('transactional')],
  {
    description: 'What the pre-send check applies: marketing (the default) needs the most consent',
  },
);
const CampaignStatus = Type.Union(
  [
    Type.Literal('draft'),
    Type.Literal('scheduled'),
    Type.Literal('sending'),
    Type.Literal('sent'),
    Type.Literal('cancelled'),
    Type.Literal('failed'),
  ],
  { description: 'draft → scheduled → sending → sent | cancelled | failed' },
);
export const MessageStatusSchema = Type.Union([
  Type.Literal('queued'),
  Type.Literal('skipped'),
  Type.Literal('sending'),
  Type.Literal('sent'),
  Type.Literal('delivered'),
  Type.Literal('bounced'),
  Type.Literal('failed'),
  Type.Literal('opened'),
  Type.Literal('clicked'),
  Type.Literal('cancelled'),
]);

const Name = Type.String({
  minLength: 1,
  maxLength: 200,
  description: 'Unique within the property (409 when taken)',
});
const Email = (description: string) => Type.String({ minLength: 3, maxLength: 254, description });

const editable = {
  template_id: Uuid("The template to send, of the campaign's channel (another property's is 404)"),
  audience: AudienceSchema,
  purpose: Type.Optional(Purpose),
  program: Type.Optional(
    Nullable(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description:
          "The consent program it sends under (SMS: default the property's sms_program_name)",
      }),
    ),
  ),
  subscription_group_id: Type.Optional(
    Nullable(Uuid('Only members of this subscription group receive it')),
  ),
  from_name: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 100 }))),
  from_address: Type.Optional(Nullable(Email("Email: the sender's address (default MAIL_FROM's)"))),
  reply_to: Type.Optional(Nullable(Email('Email: where replies go'))),
  link_ttl_hours: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 2160,
      description:
        'Hours the game links it mints stay playable, counted from the start of sending (default 168: a week)',
    }),
  ),
};

export const CreateCampaignBody = Type.Object(
  { name: Name, channel: Channel, ...editable },
  { additionalProperties: false },
);

export const UpdateCampaignBody = Type.Object(
  {
    name: Type.Optional(Name),
    template_id: Type.Optional(editable.template_id),
    audience: Type.Optional(AudienceSchema),
    purpose: editable.purpose,
    program: editable.program,
    subscription_group_id: editable.subscription_group_id,
    from_name: editable.from_name,
    from_address: editable.from_address,
    reply_to: editable.reply_to,
    link_ttl_hours: editable.link_ttl_hours,
  },
  { additionalProperties: false, minProperties: 1 },
);

export const CampaignParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const ListQuery = Type.Object(
  {
    status: Type.Optional(CampaignStatus),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
    before: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: '`next_before` of the last page' }),
    ),
  },
  { additionalProperties: false },
);

const Counts = Type.Object({
  queued: Type.Integer({ description: 'Waiting to be sent' }),
  skipped: Type.Integer({ description: 'Skipped by the pre-send check (reasons on each message)' }),
  sent: Type.Integer({ description: 'Handed to the provider' }),
  delivered: Type.Integer({ description: 'Reported delivered (SMS)' }),
  bounced: Type.Integer({ description: 'Reported undelivered after sending' }),
  failed: Type.Integer({ description: 'Could not be sent' }),
  opened: Type.Integer({ description: 'Email opens (first per message)' }),
  clicked: Type.Integer({ description: 'Messages with a followed link' }),
});

export const CampaignObject = Type.Object({
  id: Uuid(),
  name: Type.String(),
  channel: Channel,
  purpose: Purpose,
  template_id: Nullable(Uuid('Null when the template was deleted')),
  template_version: Nullable(
    Type.Integer({ description: 'The template version frozen when it was scheduled or sent' }),
  ),
  audience: AudienceSchema,
  program: Nullable(Type.String()),
  subscription_group_id: Nullable(Uuid()),
  from_name: Nullable(Type.String()),
  from_address: Nullable(Type.String()),
  reply_to: Nullable(Type.String()),
  link_ttl_hours: Type.Integer(),
  status: CampaignStatus,
  send_at: Nullable(dateTime('When it is scheduled (local-time schedules: the first zone)')),
  local_date: Nullable(Type.String({ description: 'Local-time schedule: the date' })),
  local_time: Nullable(Type.String({ description: 'Local-time schedule: HH:MM in each zone' })),
  fallback_time_zone: Nullable(Type.String()),
  audience_size: Nullable(Type.Integer({ description: 'Messages planned, once planning ended' })),
  counts: Counts,
  failure: Nullable(Type.String({ description: 'Why it failed (status failed)' })),
  started_at: Nullable(dateTime('When sending started')),
  planned_at: Nullable(dateTime('When every recipient had a message')),
  finished_at: Nullable(dateTime('When it ended')),
  created_at: dateTime('When it was created'),
  updated_at: dateTime('When it last changed'),
});

export const CampaignOne = Type.Object({ success: Type.Literal(true), data: CampaignObject });

export const CampaignList = Type.Object({
  success: Type.Literal(true),
  data: Type.Array(CampaignObject),
  next_before: Nullable(Type.String({ description: 'Pass as `before` for the next page' })),
});

export const SendCampaignBody = Type.Object(
  {
    campaignId: Type.String({
      format: 'uuid',
      description: 'The campaign (camelCase, as PlayerOS)',
    }),
    propertyId: Type.String({
      format: 'uuid',
      description: "The credential's property; another property is 404",
    }),
  },
  { additionalProperties: false },
);

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      description:
        'A retried call with the same key answers as the first did (for 24 hours) and sends nothing again',
    }),
  ),
});

export const CampaignIdBody = Type.Object(
  { campaign_id: Uuid('The campaign') },
  { additionalProperties: false },
);

export const ScheduleBody = Type.Object(
  {
    campaign_id: Uuid('The campaign'),
    send_at: Type.Optional(Type.String({ format: 'date-time', description: 'One moment for all' })),
    local_date: Type.Optional(
      Type.String({ format: 'date', description: 'Local-time schedule: the date (YYYY-MM-DD)' }),
    ),
    local_time: Type.Optional(
      Type.String({
        pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$',
        description: "Local-time schedule: HH:MM in each recipient's time zone",
      }),
    ),
    fallback_time_zone: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: 'IANA zone for players without one (default UTC)',
      }),
    ),
  },
  { additionalProperties: false },
);

export const PreviewCampaignBody = Type.Object(
  {
    campaign_id: Uuid('The campaign'),
    player_id: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: 'Render for this player' }),
    ),
    audience: Type.Optional(
      Type.Boolean({ description: 'Also run the audience preview (default true; throttled)' }),
    ),
  },
  { additionalProperties: false },
);

export const PreviewCampaignResponse = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({ message: Rendered, audience: Nullable(PreviewData) }),
});

export const TestSendBody = Type.Object(
  {
    campaign_id: Uuid('The campaign'),
    to: Type.Array(Type.String({ minLength: 3, maxLength: 254 }), {
      minItems: 1,
      maxItems: MAX_TEST_RECIPIENTS,
      description: 'Email addresses or phone numbers of the team (the campaign channel)',
    }),
    player_id: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: 'Render for this player' }),
    ),
  },
  { additionalProperties: false },
);

export const TestSendResponse = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({
    results: Type.Array(
      Type.Object({
        to: Type.String(),
        provider: Type.String({ description: 'smtp, twilio, or none (nothing configured)' }),
        provider_id: Nullable(Type.String()),
        error: Nullable(Type.String({ description: 'Why the provider refused it' })),
      }),
    ),
    message: Rendered,
  }),
});

const MessageFields = {
  id: Uuid(),
  campaign_id: Uuid(),
  player_id: Uuid("The recipient's PlayLoop id"),
  channel: Channel,
  status: MessageStatusSchema,
  skip_reasons: Type.Array(Type.String(), {
    description: "Skipped: the pre-send check's reasons (or render_failed)",
  }),
  decision_id: Nullable(Uuid('The pre-send decision (compliance_decisions)')),
  to_address: Nullable(Type.String()),
  subject: Nullable(Type.String()),
  sms_segments: Nullable(Type.Integer()),
  sms_encoding: Nullable(Type.String()),
  send_after: dateTime('Not sent before this time'),
  provider: Nullable(Type.String({ description: 'smtp, twilio or none' })),
  provider_id: Nullable(Type.String({ description: "The provider's id (Message-ID, SMS SID)" })),
  error: Nullable(Type.String()),
  attempts: Type.Integer(),
  sent_at: Nullable(dateTime('When the provider took it')),
  delivered_at: Nullable(dateTime('When it was reported delivered')),
  bounced_at: Nullable(dateTime('When it was reported undelivered')),
  failed_at: Nullable(dateTime('When it failed for good')),
  opened_at: Nullable(dateTime('First open')),
  clicked_at: Nullable(dateTime('First click')),
  journey_run_id: Nullable(
    Uuid("The journey run whose send step sent it (a journey's message); null for a campaign's"),
  ),
  created_at: dateTime('When it was planned'),
};

const MessageSummary = Type.Object(MessageFields);
const MessageFull = Type.Object({
  ...MessageFields,
  html: Nullable(Type.String({ description: 'Email: the HTML as sent (tracked links)' })),
  body: Nullable(Type.String({ description: 'Email: the plain-text part; SMS: the text' })),
});

export const MessageList = Type.Object({
  success: Type.Literal(true),
  data: Type.Array(MessageSummary),
  next_before: Nullable(Type.String({ description: 'Pass as `before` for the next page' })),
});

export const MessageOne = Type.Object({ success: Type.Literal(true), data: MessageFull });

export const MessageListQuery = Type.Object(
  {
    campaign_id: Type.Optional(Type.String({ format: 'uuid' })),
    player_id: Type.Optional(Type.String({ format: 'uuid' })),
    status: Type.Optional(MessageStatusSchema),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
    before: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const CAMPAIGNS_HELP = `A property holds at most ${MAX_CAMPAIGNS_PER_PROPERTY} campaigns.`;
