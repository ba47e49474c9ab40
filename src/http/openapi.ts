import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifySchema, RouteOptions } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The path this route has in the OpenAPI document, when it differs from the router's. */
    openapiPath?: string;
  }
}

function withoutAction(schema: FastifySchema): FastifySchema {
  const query = schema.querystring as { properties?: Record<string, unknown> } | undefined;
  if (!query?.properties || !('action' in query.properties)) return schema;
  const { action: _action, ...properties } = query.properties;
  return { ...schema, querystring: { ...query, properties } };
}

/**
 * Routes told apart by `?action=` share one router path; in the document each gets the path
 * DailyPlay publishes (`/api/org-api-keys?action=create-session`), as DailyPlay's own does.
 */
function transform({
  schema,
  url,
  route,
}: {
  schema: FastifySchema;
  url: string;
  route: RouteOptions;
}) {
  const action = (route.constraints as { action?: string } | undefined)?.action;
  const override = route.config?.openapiPath;
  if (override) return { schema: withoutAction(schema), url: override };
  if (action) return { schema: withoutAction(schema), url: `${url}?action=${action}` };
  return { schema, url };
}

/**
 * Registers the OpenAPI document and /docs. `webhooks` (OpenAPI 3.1) are the requests PlayLoop
 * sends: the event catalog, given by the caller since src/http imports no module.
 */
export async function registerOpenApi(
  app: FastifyInstance,
  version: string,
  options: { webhooks?: Record<string, unknown> } = {},
): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      // @fastify/swagger copies `webhooks` into the document as given (no route transform).
      ...(options.webhooks ? { webhooks: options.webhooks } : {}),
      info: {
        title: 'PlayLoop API',
        version,
        description:
          'PlayLoop implements the DailyPlay API (organizations, API keys, one-time session tokens) wire-compatibly. ' +
          'Errors use `{ "success": false, "error": "…" }` with `code` and `request_id` beside it. ' +
          'Session tokens are UUIDs, API keys `dpk_` + 40 hex (only SHA-256 hashes are stored). ' +
          'Rate limits are fixed UTC windows per key (minute and day); a 429 carries `Retry-After`, `RateLimit-*` headers and `retry_after` in the body.',
      },
      components: {
        securitySchemes: {
          apiKey: {
            type: 'apiKey',
            in: 'header',
            name: 'x-api-key',
            description:
              'API key in the format `dpk_<40 hex chars>`. Used for session token operations. ' +
              'Also accepted as `Authorization: Bearer dpk_…` (x-api-key wins when both are sent); ' +
              'the audit trail and rate limits are the same either way.',
          },
          propertyApiKey: {
            type: 'apiKey',
            in: 'header',
            name: 'X-Api-Key',
            description:
              'PlayerOS property key `pk_<48 hex chars>`, bound to one property (the tenant) with ' +
              'the scopes `read` and/or `write`. Also accepted as `Authorization: Bearer pk_…`. ' +
              'Each key has `rate_limit_per_minute` (default 100); past it the answer is 429 with ' +
              '`Retry-After`, `RateLimit-*` headers and `retry_after` in the body.',
          },
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            description:
              'A token from POST /api/auth/login, or a JWT from the configured OpenID Connect issuer. ' +
              'On PlayerOS routes a user token must be sent with `X-Property-Id: <property uuid>`; ' +
              'Owner, Admin and Editor get the read and write scopes, Analyst and Viewer read only.',
          },
        },
      },
      tags: [
        { name: 'Sessions', description: 'One-time session tokens' },
        { name: 'API Keys', description: 'Dashboard management of DailyPlay keys' },
        { name: 'Games', description: 'Dashboard management of games and their template settings' },
        { name: 'Streams', description: 'Dashboard management of campaign streams' },
        { name: 'Auth', description: 'Dashboard login, sign-up and passwords' },
        { name: 'Organizations', description: 'Creating organizations (the creator is Owner)' },
        { name: 'Members', description: "An organization's members and their roles" },
        { name: 'Invitations', description: 'Inviting people into an organization by email' },
        {
          name: 'Branding',
          description:
            "An organization's play-page branding (name, logo, background, font, colours) and its uploaded images",
        },
        { name: 'Vouchers', description: 'Voucher sets and their codes' },
        { name: 'Prizes', description: "A game's prize slots (the draw behind lucky-draw games)" },
        {
          name: 'Properties',
          description: 'PlayerOS properties (the PlayerOS tenant): each belongs to an organization',
        },
        {
          name: 'API keys (PlayerOS)',
          description: 'Property-scoped `pk_` keys with read/write scopes; shown once, hash stored',
        },
        {
          name: 'Players',
          description: "PlayerOS players of the credential's property: one by id, and batch upsert",
        },
        {
          name: 'Tables',
          description:
            'PostgREST-style CRUD at `/api/{table}` (players): filters `col.op=value` or `col=op.value`, select, order, limit/offset, counts and Content-Range',
        },
        {
          name: 'Webhooks',
          description:
            'PlayerOS webhook endpoints of a property: signed deliveries of the event catalog, their log, replay and resend',
        },
        {
          name: 'Connections',
          description:
            "DailyPlay connections: an organization's outbound integrations (Webhook, Custom, Zapier, Braze, Segment), their links to streams and their delivery log",
        },
        {
          name: 'Compliance',
          description:
            'Consent records, the pre-send check (TCPA quiet hours and state rules, caps, self-exclusion, suppression), opt-outs by SMS reply and email unsubscribe, subscription groups and the do-not-contact list',
        },
        { name: 'Content', description: 'Email (MJML + Liquid) and SMS (Liquid) templates' },
        { name: 'Segments', description: 'Saved player filters and campaign audiences' },
        {
          name: 'Privacy requests',
          description: 'GDPR and CCPA export and erasure requests, their deadlines and extensions',
        },
        { name: 'System', description: 'Health and readiness' },
        {
          name: 'Events',
          description:
            'Domain events PlayLoop records with every change and delivers to subscribed endpoints (see `webhooks`): the envelope `{ id, type, version, occurred_at, org_id, property_id, data }`',
        },
      ],
    },
    transform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
}
