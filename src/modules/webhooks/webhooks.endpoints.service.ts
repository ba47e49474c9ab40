import { randomUUID } from 'node:crypto';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import { checkOutboundUrl } from '../../lib/outbound-url.ts';
import { EVENT_TYPES } from '../events/index.ts';
import { enqueueAttempts } from './webhooks.delivery.ts';
import * as repo from './webhooks.endpoints.repo.ts';
import { insertDirectMessage, type TargetRef } from './webhooks.messages.repo.ts';
import { newWebhookSecret } from './webhooks.signing.ts';

// PlayerOS webhook endpoints of one property: the rules; the tenant is the property of the
// credential (a pk_ key's, or the X-Property-Id a member chose).

export interface PropertyRef {
  id: string;
  orgId: number;
}

/** Endpoints one property may have. */
export const MAX_ENDPOINTS_PER_PROPERTY = 20;
/** Test messages one endpoint may be sent per minute. */
export const TEST_MESSAGES_PER_MINUTE = 5;
export const ALL_EVENTS = '*';
/** The type of a test message: it exists only as a message, never in the events. */
export const TEST_EVENT_TYPE = 'webhook.test';

export type Endpoint = repo.EndpointRow;

export interface EndpointInput {
  url?: string | undefined;
  description?: string | undefined;
  event_types?: readonly string[] | undefined;
}

const invalid = (field: string, message: string) =>
  new AppError('validation_failed', message, { field });

function eventTypes(types: readonly string[]): string[] {
  const unique = [...new Set(types)];
  if (unique.length === 0) throw invalid('event_types', 'event_types needs at least one type');
  if (unique.includes(ALL_EVENTS)) {
    if (unique.length > 1) throw invalid('event_types', '"*" (every type) stands alone');
    return unique;
  }
  const unknown = unique.filter((type) => !(EVENT_TYPES as string[]).includes(type));
  if (unknown.length > 0) {
    throw invalid(
      'event_types',
      `unknown event types: ${unknown.join(', ')} (the catalog: ${EVENT_TYPES.join(', ')}, or "*")`,
    );
  }
  return unique.sort();
}

async function checkedUrl(deps: Deps, url: string): Promise<string> {
  const checked = await checkOutboundUrl(url, {
    allowPrivateNetworks: deps.config.webhooksAllowPrivateNetworks,
  });
  return checked.url.toString();
}

async function found(deps: Deps, property: PropertyRef, id: string): Promise<Endpoint> {
  const endpoint = await repo.findEndpoint(deps.database.db, property.id, id);
  if (!endpoint) throw new AppError('not_found', 'Webhook endpoint not found');
  return endpoint;
}

export const endpointTarget = (endpoint: Endpoint): TargetRef => ({
  kind: 'endpoint',
  id: endpoint.id,
});

export function listEndpoints(deps: Deps, property: PropertyRef): Promise<Endpoint[]> {
  return repo.listEndpoints(deps.database.db, property.id);
}

export function getEndpoint(deps: Deps, property: PropertyRef, id: string): Promise<Endpoint> {
  return found(deps, property, id);
}

/** Creates an endpoint; its signing secret is in the answer and never again. */
export async function createEndpoint(
  deps: Deps,
  property: PropertyRef,
  input: EndpointInput & { url: string; event_types: readonly string[] },
): Promise<{ endpoint: Endpoint; secret: string }> {
  const types = eventTypes(input.event_types);
  const url = await checkedUrl(deps, input.url);
  const secret = newWebhookSecret();
  const sealed = await deps.secrets.seal(secret);
  const now = deps.clock.now();
  const endpoint = await deps.database.db
    .transaction()
    .execute((trx) =>
      repo.insertEndpoint(
        trx,
        property.id,
        { url, description: input.description ?? '', event_types: types, secret: sealed },
        MAX_ENDPOINTS_PER_PROPERTY,
        now,
      ),
    );
  if (!endpoint) {
    throw new AppError(
      'quota_exceeded',
      `A property may have at most ${MAX_ENDPOINTS_PER_PROPERTY} webhook endpoints`,
    );
  }
  return { endpoint, secret };
}

export async function updateEndpoint(
  deps: Deps,
  property: PropertyRef,
  id: string,
  input: EndpointInput,
): Promise<Endpoint> {
  await found(deps, property, id);
  const patch: Parameters<typeof repo.updateEndpoint>[3] = {};
  if (input.url !== undefined) patch.url = await checkedUrl(deps, input.url);
  if (input.description !== undefined) patch.description = input.description;
  if (input.event_types !== undefined) patch.event_types = eventTypes(input.event_types);
  const updated = await repo.updateEndpoint(
    deps.database.db,
    property.id,
    id,
    patch,
    deps.clock.now(),
  );
  if (!updated) throw new AppError('not_found', 'Webhook endpoint not found');
  return updated;
}

/**
 * Disables (deliveries stop; pending messages end as failed when their turn comes) or enables
 * (a new run of health: the failures before are forgotten) an endpoint.
 */
export async function setEndpointEnabled(
  deps: Deps,
  property: PropertyRef,
  id: string,
  enabled: boolean,
): Promise<Endpoint> {
  await found(deps, property, id);
  const now = deps.clock.now();
  const patch = enabled
    ? { disabled_at: null, disabled_reason: null, failing_since: null }
    : { disabled_at: now, disabled_reason: 'manual' as const };
  const updated = await repo.updateEndpoint(deps.database.db, property.id, id, patch, now);
  if (!updated) throw new AppError('not_found', 'Webhook endpoint not found');
  return updated;
}

export async function deleteEndpoint(deps: Deps, property: PropertyRef, id: string): Promise<void> {
  if (!(await repo.deleteEndpoint(deps.database.db, property.id, id))) {
    throw new AppError('not_found', 'Webhook endpoint not found');
  }
}

/**
 * A new signing secret (shown once); the old one keeps signing beside it for
 * WEBHOOK_ROTATION_OVERLAP_HOURS, so receivers can switch without dropping a delivery. A second
 * rotation within that window retires the oldest secret at once.
 */
export async function rotateEndpointSecret(
  deps: Deps,
  property: PropertyRef,
  id: string,
): Promise<{ endpoint: Endpoint; secret: string }> {
  const secret = newWebhookSecret();
  const now = deps.clock.now();
  const overlapMs = deps.config.webhookRotationOverlapHours * 3_600_000;
  const endpoint = await repo.rotateSecret(
    deps.database.db,
    property.id,
    id,
    await deps.secrets.seal(secret),
    overlapMs > 0 ? new Date(now.getTime() + overlapMs) : null,
    now,
  );
  if (!endpoint) throw new AppError('not_found', 'Webhook endpoint not found');
  return { endpoint, secret };
}

/** Queues a `webhook.test` message to this endpoint only (throttled per endpoint). */
export async function sendTestMessage(
  deps: Deps,
  property: PropertyRef,
  id: string,
): Promise<{ message_id: string }> {
  const endpoint = await found(deps, property, id);
  if (endpoint.disabled_at) throw new AppError('conflict', 'The endpoint is disabled');
  const limit = await deps.rateLimiter.take(`webhook-test:${endpoint.id}`, [
    { name: 'minute', limit: TEST_MESSAGES_PER_MINUTE, windowMs: 60_000 },
  ]);
  if (!limit.allowed) {
    throw new AppError('rate_limited', 'Too many test messages to this endpoint', {
      retry_after: limit.retryAfterSeconds,
    });
  }
  const now = deps.clock.now();
  const envelope = {
    id: randomUUID(),
    type: TEST_EVENT_TYPE,
    version: 1,
    occurred_at: now.toISOString(),
    org_id: property.orgId,
    property_id: property.id,
    data: { endpoint_id: endpoint.id, message: 'A test message from PlayLoop' },
  };
  const message = await deps.database.db.transaction().execute(async (trx) => {
    const inserted = await insertDirectMessage(
      trx,
      {
        orgId: property.orgId,
        propertyId: property.id,
        target: endpointTarget(endpoint),
        eventType: TEST_EVENT_TYPE,
        envelope,
      },
      now,
    );
    await enqueueAttempts(deps, [inserted], trx);
    return inserted;
  });
  return { message_id: message.id };
}
