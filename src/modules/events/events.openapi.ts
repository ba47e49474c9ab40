import { EVENT_CATALOG, EVENT_TYPES, eventEnvelope } from './events.catalog.ts';

/*
 * The event catalog as OpenAPI 3.1 `webhooks`: one entry per event type, whose request body is
 * the delivered envelope with that type's `data`. Subscriptions (PlayerOS `/api/webhooks`,
 * DailyPlay connections) choose which types an endpoint receives.
 */

const header = (name: string, description: string) => ({
  name,
  in: 'header',
  required: true,
  description,
  schema: { type: 'string' },
});

const SIGNATURE_HEADERS = [
  header('webhook-id', 'The message id: the same on every retry of it (deduplicate on it)'),
  header('webhook-timestamp', 'Unix seconds when this attempt was signed'),
  header(
    'webhook-signature',
    'Standard Webhooks signatures: space-separated `v1,<base64 HMAC-SHA256>` of `{webhook-id}.{webhook-timestamp}.{body}` under the endpoint secret (`whsec_…`); two during a secret rotation',
  ),
];

/** The `webhooks` object of the OpenAPI document. */
export function eventWebhooks(): Record<string, unknown> {
  return Object.fromEntries(
    EVENT_TYPES.map((type) => {
      const entry = EVENT_CATALOG[type];
      return [
        type,
        {
          post: {
            operationId: `events.${type}`,
            summary: entry.summary,
            description: `${entry.description}\n\nEvent \`${type}\`, version ${entry.version}.`,
            tags: ['Events'],
            parameters: SIGNATURE_HEADERS,
            requestBody: {
              required: true,
              content: { 'application/json': { schema: eventEnvelope(type) } },
            },
            responses: {
              '2XX': { description: 'Received: the delivery is done' },
              '410': { description: 'Gone: the endpoint is disabled and receives nothing more' },
              default: { description: 'Any other answer, or none in time, is retried later' },
            },
          },
        },
      ];
    }),
  );
}
