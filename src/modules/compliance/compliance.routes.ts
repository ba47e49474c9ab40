import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Deps } from '../../deps.ts';
import { dateTime, errorResponses, Nullable } from '../../http/schemas.ts';
import type { App } from '../../http/types.ts';
import {
  currentProperty,
  propertyAuthErrors,
  PropertyHeaders,
  propertySecurity,
  requirePropertyAccess,
} from '../auth/index.ts';
import { checkRecipients, MAX_RECIPIENTS } from './compliance.check.ts';
import { MAX_CONSENT_BATCH, recordConsents } from './compliance.consents.ts';
import { reviewReply } from './compliance.inbound.ts';
import { getSettings, updateSettings } from './compliance.settings.ts';
import { STATE_RULES } from './compliance.states.ts';

const tags = ['Compliance'];
const Channel = Type.Union([
  Type.Literal('sms'),
  Type.Literal('email'),
  Type.Literal('voice'),
  Type.Literal('push'),
]);
const Purpose = Type.Union([
  Type.Literal('marketing'),
  Type.Literal('informational'),
  Type.Literal('transactional'),
]);

export const ConsentBody = Type.Object(
  {
    player_id: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: "PlayLoop's id or the casino's" }),
    ),
    channel: Channel,
    address: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 320,
        description: "E.164 phone or email; default: the player's",
      }),
    ),
    action: Type.Optional(Type.Union([Type.Literal('grant'), Type.Literal('revoke')])),
    consent_type: Type.Optional(
      Type.Union([Type.Literal('pec'), Type.Literal('pewc'), Type.Literal('email_opt_in')], {
        description:
          'pec: prior express consent; pewc: prior express written consent (needs disclosure_version); email_opt_in',
      }),
    ),
    purpose: Type.Optional(Purpose),
    program: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    captured_at: Type.Optional(Type.String({ format: 'date-time' })),
    source: Type.Optional(
      Type.Record(Type.String({ maxLength: 50 }), Type.Unknown(), {
        description: 'How it was captured: method, form_url, ip, user_agent…',
        maxProperties: 20,
      }),
    ),
    disclosure_version: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    esign_disclosure_shown: Type.Optional(Type.Boolean()),
    evidence: Type.Optional(Type.Unknown({ description: 'Up to 16 KiB of JSON' })),
  },
  { additionalProperties: false },
);

export const RecordBody = Type.Union([
  ConsentBody,
  Type.Object(
    { consents: Type.Array(ConsentBody, { minItems: 1, maxItems: MAX_CONSENT_BATCH }) },
    { additionalProperties: false },
  ),
]);

const ConsentRow = Type.Object({
  id: Type.String({ format: 'uuid' }),
  property_id: Type.String({ format: 'uuid' }),
  player_id: Nullable(Type.String({ format: 'uuid' })),
  channel: Type.String(),
  address: Type.String(),
  action: Type.String(),
  consent_type: Nullable(Type.String()),
  purpose: Nullable(Type.String()),
  program: Nullable(Type.String()),
  captured_at: dateTime('When the person gave or withdrew it'),
  source: Type.Record(Type.String(), Type.Unknown()),
  disclosure_version: Nullable(Type.String()),
  esign_disclosure_shown: Nullable(Type.Boolean()),
  evidence: Type.Unknown(),
  recorded_at: dateTime('When PlayLoop recorded it'),
});

export const CheckBody = Type.Object(
  {
    channel: Channel,
    purpose: Purpose,
    program: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    subscription_group_id: Type.Optional(Type.String({ format: 'uuid' })),
    send_at: Type.Optional(
      Type.String({ format: 'date-time', description: 'Default: now; not in the past' }),
    ),
    recipients: Type.Array(
      Type.Object(
        {
          player_id: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
          phone: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
          email: Type.Optional(Type.String({ minLength: 1, maxLength: 320 })),
        },
        { additionalProperties: false, minProperties: 1 },
      ),
      { minItems: 1, maxItems: MAX_RECIPIENTS },
    ),
  },
  { additionalProperties: false },
);

const DecisionRow = Type.Object({
  id: Type.String({ format: 'uuid', description: 'The recorded decision (compliance_decisions)' }),
  player_id: Nullable(Type.String({ format: 'uuid' })),
  address: Nullable(Type.String()),
  outcome: Type.Union([Type.Literal('allow'), Type.Literal('skip')]),
  reasons: Type.Array(Type.String(), {
    description: 'Every reason that applies; empty when allowed',
  }),
  next_allowed_at: Nullable(dateTime('For quiet_hours: the earliest time the message may go')),
});

const propertyOf = (request: FastifyRequest) => ({ id: currentProperty(request).id });
const requester = (request: FastifyRequest) => {
  const property = currentProperty(request);
  return property.keyId ? `key:${property.keyId}` : `user:${property.userId ?? 'unknown'}`;
};

const Cap = Nullable(Type.Integer({ minimum: 1, maximum: 1000 }));
const SettingsFields = {
  minimum_age: Type.Integer({ minimum: 18, maximum: 25, description: 'Default 21' }),
  cap_sms_per_day: Cap,
  cap_email_per_day: Cap,
  cap_total_per_day: Cap,
  postal_address: Nullable(Type.String({ minLength: 1, maxLength: 500 })),
  unsubscribe_url: Nullable(Type.String({ minLength: 1, maxLength: 2048, format: 'uri' })),
  sms_program_name: Nullable(Type.String({ minLength: 1, maxLength: 100 })),
  sms_help_text: Nullable(Type.String({ minLength: 1, maxLength: 320 })),
  sms_account_sid: Nullable(
    Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'Campaign SMS: the Twilio-compatible account SID (with sms_auth_token)',
    }),
  ),
  sms_from: Nullable(
    Type.String({
      minLength: 1,
      maxLength: 32,
      description:
        'Campaign SMS: the sending number (E.164) or sender id; or sms_messaging_service_sid',
    }),
  ),
  sms_messaging_service_sid: Nullable(
    Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'Campaign SMS: a messaging service to send through, instead of sms_from',
    }),
  ),
  revocation_scope: Type.Union([Type.Literal('program'), Type.Literal('sender')], {
    description:
      "How far an SMS opt-out reaches. program (default): the property's SMS program (`sms_program_name`; every program when it has none), FCC 24-18 as in force; sender: every SMS and voice program of the property, the revoke-all rule delayed to 2027-01-31",
  }),
};
const SettingsView = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({ ...SettingsFields, sms_auth_token_set: Type.Boolean() }),
});
const SettingsBody = Type.Object(
  {
    minimum_age: Type.Optional(SettingsFields.minimum_age),
    cap_sms_per_day: Type.Optional(Cap),
    cap_email_per_day: Type.Optional(Cap),
    cap_total_per_day: Type.Optional(Cap),
    postal_address: Type.Optional(SettingsFields.postal_address),
    unsubscribe_url: Type.Optional(SettingsFields.unsubscribe_url),
    sms_program_name: Type.Optional(SettingsFields.sms_program_name),
    sms_help_text: Type.Optional(SettingsFields.sms_help_text),
    revocation_scope: Type.Optional(SettingsFields.revocation_scope),
    sms_account_sid: Type.Optional(SettingsFields.sms_account_sid),
    sms_from: Type.Optional(SettingsFields.sms_from),
    sms_messaging_service_sid: Type.Optional(SettingsFields.sms_messaging_service_sid),
    sms_auth_token: Type.Optional(
      Nullable(
        Type.String({
          minLength: 8,
          maxLength: 200,
          description: "The SMS carrier account's auth token (Twilio), write-only",
        }),
      ),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);

/** Recording consent, the pre-send check every send path calls, and the property's settings. */
export function complianceRoutes(app: App, deps: Deps): void {
  app.get(
    '/api/functions/compliance-settings',
    {
      onRequest: requirePropertyAccess(deps, 'read'),
      schema: {
        operationId: 'compliance.settings',
        summary: "The property's compliance settings",
        tags,
        security: propertySecurity,
        headers: PropertyHeaders,
        response: { 200: SettingsView, ...propertyAuthErrors },
      },
    },
    async (request) => ({
      success: true as const,
      data: await getSettings(deps, currentProperty(request).id),
    }),
  );

  app.patch(
    '/api/functions/compliance-settings',
    {
      onRequest: requirePropertyAccess(deps, 'write'),
      schema: {
        operationId: 'compliance.updateSettings',
        summary: "Change the property's compliance settings",
        description:
          'Minimum age (21 by default), marketing caps per player per 24 hours (per channel and overall; null: none), the postal address marketing mail needs, the SMS program name and HELP text, the carrier auth token that signs inbound SMS and status callbacks (write-only; shown as `sms_auth_token_set`), and the campaign SMS sender (`sms_account_sid` with `sms_from` or `sms_messaging_service_sid`, through TWILIO_BASE_URL); without a complete sender, SMS campaigns store their messages without sending them.',
        tags,
        security: propertySecurity,
        headers: PropertyHeaders,
        body: SettingsBody,
        response: { 200: SettingsView, ...propertyAuthErrors },
      },
    },
    async (request) => ({
      success: true as const,
      data: await updateSettings(deps, currentProperty(request).id, request.body),
    }),
  );

  app.post(
    '/api/functions/record-consent',
    {
      onRequest: requirePropertyAccess(deps, 'write'),
      schema: {
        operationId: 'compliance.recordConsent',
        summary: 'Record consent or its revocation',
        description:
          `Appends a consent record (a grant or a revocation) for a channel and address, with its evidence; \`{ consents: [...] }\` records up to ${MAX_CONSENT_BATCH} at once, all or none. ` +
          'Records are never changed or deleted (a revocation is a new record); read them with `GET /api/consents`. ' +
          'An SMS or voice grant is `pec` or `pewc` (written consent, needed for marketing; it must name the `disclosure_version` shown); an email grant is `email_opt_in`.',
        tags,
        security: propertySecurity,
        headers: PropertyHeaders,
        body: RecordBody,
        response: {
          201: Type.Object({ success: Type.Literal(true), data: Type.Array(ConsentRow) }),
          ...propertyAuthErrors,
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const inputs = 'consents' in body ? body.consents : [body];
      const rows = await recordConsents(deps, propertyOf(request), inputs);
      return reply.code(201).send({ success: true as const, data: rows as never });
    },
  );

  app.post(
    '/api/functions/tcpa-check',
    {
      onRequest: requirePropertyAccess(deps, 'read'),
      schema: {
        operationId: 'compliance.check',
        summary: 'The pre-send check',
        description:
          'Answers, for each recipient, `allow` or `skip` with every reason that applies, and records the decision (`GET /api/compliance_decisions`). It decides from: consent matched to channel and purpose (marketing SMS and voice need written consent) and its revocations; the subscription group; ' +
          "quiet hours in the recipient's local time (8:00–21:00, from the profile's time zone, else the phone's area code, else the intersection of every US zone; the stricter of the phone's and the profile's state: " +
          Object.values(STATE_RULES)
            .map((rule) => `${rule.state}: ${rule.source}`)
            .join('; ') +
          "); frequency caps per channel and overall from the property settings, and the states' 24-hour caps; self-exclusion, the minimum age (21 by default), the hashed suppression list and the do-not-contact list; for marketing email, the postal address. " +
          'Quiet hours, caps, age and self-exclusion apply to marketing. PlayLoop applies these rules; it gives no legal advice and does not query the national Reassigned Numbers Database.',
        tags,
        security: propertySecurity,
        headers: PropertyHeaders,
        body: CheckBody,
        response: {
          200: Type.Object({ success: Type.Literal(true), data: Type.Array(DecisionRow) }),
          ...propertyAuthErrors,
        },
      },
    },
    async (request) => {
      const { channel, purpose, program, subscription_group_id, send_at, recipients } =
        request.body;
      const decisions = await checkRecipients(
        deps,
        propertyOf(request),
        {
          channel,
          purpose,
          program,
          subscriptionGroupId: subscription_group_id,
          sendAt: send_at ? new Date(send_at) : undefined,
          recipients,
        },
        requester(request),
      );
      return { success: true as const, data: decisions };
    },
  );

  app.post(
    '/api/functions/review-sms-reply',
    {
      onRequest: requirePropertyAccess(deps, 'write'),
      schema: {
        operationId: 'compliance.reviewSmsReply',
        summary: 'Settle an SMS reply flagged for review',
        description:
          'A reply that reads like an opt-out without being a keyword ("please stop texting me") waits for a person: list them with `GET /api/inbound_messages?intent=eq.review&reviewed_at=is.null`. ' +
          '`opt_out` records the revocation now, as far as `revocation_scope` reaches (no confirmation is sent: the reply was answered when it came); `not_opt_out` only closes it. A reply reviewed already, or not flagged, is 409. ' +
          'Review within days: the FCC gives 10 business days to honour a revocation made by any reasonable means.',
        tags,
        security: propertySecurity,
        headers: PropertyHeaders,
        body: Type.Object(
          {
            id: Type.String({ format: 'uuid', description: 'The inbound message' }),
            outcome: Type.Union([Type.Literal('opt_out'), Type.Literal('not_opt_out')]),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            success: Type.Literal(true),
            data: Type.Object({
              id: Type.String({ format: 'uuid' }),
              from_address: Type.String(),
              body: Type.String(),
              intent: Type.String(),
              received_at: dateTime('When the reply came'),
              reviewed_at: Nullable(dateTime('When it was reviewed')),
              review_outcome: Nullable(Type.String()),
              reviewed_by: Nullable(Type.String()),
            }),
          }),
          ...propertyAuthErrors,
          ...errorResponses(409),
        },
      },
    },
    async (request) => ({
      success: true as const,
      data: await reviewReply(deps, currentProperty(request).id, {
        id: request.body.id,
        outcome: request.body.outcome,
        reviewer: requester(request),
      }),
    }),
  );
}
