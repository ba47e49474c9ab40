import { Type } from 'typebox';
import { DateTime, dateTime, Nullable } from '../../http/schemas.ts';
import { CONNECTION_PROVIDERS, TRIGGER_EVENTS, webhookSchemas } from '../webhooks/index.ts';

// Wire shapes of DailyPlay connections (dashboard, bearer auth). The settings are flat fields of
// the body, as the dashboard's form has them; each applies to some providers only.

const MAX_INT = 2_147_483_647;
const Id = Type.Integer({ minimum: 1, maximum: MAX_INT });
const Name = Type.String({ minLength: 1, maxLength: 200 });

const Provider = Type.Enum(CONNECTION_PROVIDERS, {
  description:
    '`webhook` (any HTTP endpoint, optional auth header), `custom` (an API URL and optional API key), `zapier` (a Catch Hook URL, https only), `braze` (/users/track) or `segment` (track). HubSpot, Mailchimp and Salesforce are not built.',
});

const BASE_URL = 'a base URL without path (https only unless the install allows private networks)';
const CREDENTIAL =
  'A credential: stored sealed, never shown again (the connection shows `{field}_set`). On update it is replaced only when sent; null removes it.';

/** The settings fields of the create and update bodies; null leaves an optional one unset. */
const settingFields = {
  url: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 2048,
      description:
        'Webhook, Custom, Zapier (required): where deliveries are POSTed. Zapier: https only. Refused with 400 and `rule` when it names, or resolves to, a loopback, private, link-local or cloud metadata address (unless the install sets WEBHOOKS_ALLOW_PRIVATE_NETWORKS; metadata addresses always).',
    }),
  ),
  auth_header_name: Type.Optional(
    Nullable(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description:
          'Webhook (optional, with auth_header_value): a header sent with every delivery, e.g. `Authorization`',
      }),
    ),
  ),
  auth_header_value: Type.Optional(
    Nullable(
      Type.String({
        minLength: 1,
        maxLength: 4096,
        description: `Webhook: the header's value, e.g. \`Bearer …\` (printable ASCII, no line breaks). ${CREDENTIAL}`,
      }),
    ),
  ),
  api_key: Type.Optional(
    Nullable(
      Type.String({
        minLength: 1,
        maxLength: 4096,
        description: `Custom (optional): sent in \`api_key_header\`. Braze (required): a REST API key with the users.track permission. ${CREDENTIAL}`,
      }),
    ),
  ),
  api_key_header: Type.Optional(
    Nullable(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description: 'Custom (optional): the header carrying api_key; default `X-API-Key`',
      }),
    ),
  ),
  rest_endpoint: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 2048,
      description: `Braze (required): the instance's REST endpoint, e.g. https://rest.iad-01.braze.com: ${BASE_URL}`,
    }),
  ),
  app_id: Type.Optional(
    Nullable(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description: 'Braze (optional): an app identifier attached to attributes and events',
      }),
    ),
  ),
  write_key: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 4096,
      description: `Segment (required): the source's write key. ${CREDENTIAL}`,
    }),
  ),
  api_host: Type.Optional(
    Nullable(
      Type.String({
        minLength: 1,
        maxLength: 2048,
        description: `Segment (optional): the API host, default https://api.segment.io (EU workspaces use their regional host): ${BASE_URL}`,
      }),
    ),
  ),
};

export const CreateConnectionBody = Type.Object(
  { org_id: Id, name: Name, provider: Provider, ...settingFields },
  { additionalProperties: false },
);

export const UpdateConnectionBody = Type.Object(
  { org_id: Id, name: Type.Optional(Name), ...settingFields },
  { additionalProperties: false },
);

export const OrgQuery = Type.Object({ org_id: Id }, { additionalProperties: false });
export const OrgBody = Type.Object({ org_id: Id }, { additionalProperties: false });
export const ConnectionParams = Type.Object({ id: Id }, { additionalProperties: false });
export const MessageParams = Type.Object(
  { id: Id, messageId: webhookSchemas.MessageId },
  { additionalProperties: false },
);
export const MessagesQuery = Type.Object(
  { org_id: Id, ...webhookSchemas.MessagesQuery.properties },
  { additionalProperties: false },
);
export const ResendBody = Type.Object(
  { org_id: Id, since: webhookSchemas.ResendBody.properties.since },
  { additionalProperties: false },
);

const isSet = (field: string) =>
  Type.Optional(
    Type.Boolean({ description: `Whether ${field} is set; the credential itself is never shown` }),
  );
const shown = (description: string) => Type.Optional(Nullable(Type.String({ description })));

const connectionFields = {
  id: Type.Integer(),
  org_id: Type.Integer(),
  name: Type.String(),
  provider: Provider,
  // The provider's own settings only: each is present for the providers it applies to.
  url: shown('Webhook, Custom, Zapier'),
  auth_header_name: shown('Webhook'),
  auth_header_value_set: isSet('auth_header_value (Webhook)'),
  api_key_header: shown('Custom'),
  api_key_set: isSet('api_key (Custom, Braze)'),
  rest_endpoint: shown('Braze'),
  app_id: shown('Braze'),
  write_key_set: isSet('write_key (Segment)'),
  api_host: shown('Segment'),
  enabled: Type.Boolean(),
  disabled_at: Nullable(DateTime),
  disabled_reason: Nullable(
    Type.Union([Type.Literal('manual'), Type.Literal('gone'), Type.Literal('failing')], {
      description:
        '`manual`: disabled through the API; `gone`: the receiver answered 410; `failing`: every attempt failed for 5 days',
    }),
  ),
  failing_since: Nullable(
    dateTime('The first failed attempt since the last success; null when healthy'),
  ),
  last_success_at: Nullable(DateTime),
  previous_secret_expires_at: Nullable(
    dateTime('After a rotation: when the previous secret stops signing beside the new one'),
  ),
  created_at: DateTime,
  updated_at: DateTime,
};

export const Connection = Type.Object(connectionFields);
export const ConnectionOne = Type.Object({ success: Type.Literal(true), data: Connection });
export const ConnectionList = Type.Object({
  success: Type.Literal(true),
  data: Type.Array(Connection),
});
export const ConnectionWithSecret = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({
    ...connectionFields,
    signing_secret: Nullable(
      Type.String({
        description:
          'Webhook, Custom, Zapier: the signing secret (`whsec_` + base64), shown this once; verify `webhook-signature` with it (Standard Webhooks). Null for Braze and Segment, whose deliveries authenticate with their API key and carry no signature.',
      }),
    ),
  }),
});

// --- stream links ---------------------------------------------------------------------------

const Trigger = Type.Enum(TRIGGER_EVENTS, {
  description:
    '`stream_access` (a player opens the stream page), `play_start`, `play_complete`, `prize_redemption` (a prize is claimed)',
});

export const StreamParams = Type.Object({ id: Id }, { additionalProperties: false });
export const LinkParams = Type.Object(
  { id: Id, connectionId: Id },
  { additionalProperties: false },
);
export const LinkBody = Type.Object(
  {
    org_id: Id,
    triggers: Type.Array(Trigger, {
      minItems: 1,
      maxItems: TRIGGER_EVENTS.length,
      uniqueItems: true,
      description: 'The events of this stream that fire the connection',
    }),
  },
  { additionalProperties: false },
);

export const StreamConnection = Type.Object({
  stream_id: Type.Integer(),
  connection_id: Type.Integer(),
  name: Type.String({ description: "The connection's name" }),
  provider: Provider,
  enabled: Type.Boolean({
    description: 'Whether the connection is enabled (a disabled one gets nothing)',
  }),
  triggers: Type.Array(Trigger),
  created_at: dateTime('When the link was made'),
});
export const StreamConnectionOne = Type.Object({
  success: Type.Literal(true),
  data: StreamConnection,
});
export const StreamConnectionList = Type.Object({
  success: Type.Literal(true),
  data: Type.Array(StreamConnection),
});
