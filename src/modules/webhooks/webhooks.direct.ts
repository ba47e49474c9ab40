import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { enqueueAttempts } from './webhooks.delivery.ts';
import { insertDirectMessage } from './webhooks.messages.repo.ts';

// A message to one endpoint of a property that no event fans out: a journey's webhook step.
// Written in the caller's transaction with its attempt job, so the step and its message commit
// together; delivery, signing and retries are those of every endpoint message.

/** Whether the property has this endpoint, enabled (a journey checks it when published). */
export async function endpointUsable(
  db: Deps['database']['db'],
  propertyId: string,
  endpointId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('webhook_endpoints')
    .select('id')
    .where('property_id', '=', propertyId)
    .where('id', '=', endpointId)
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Queues `data` as an event of `type` to the endpoint. False (nothing queued) when the endpoint
 * is not the property's or is disabled.
 */
export async function queueEndpointMessage(
  deps: Deps,
  trx: Transaction<DB>,
  message: { propertyId: string; endpointId: string; type: string; data: Record<string, unknown> },
  now: Date,
): Promise<boolean> {
  const endpoint = await trx
    .selectFrom('webhook_endpoints as w')
    .innerJoin('properties as p', 'p.id', 'w.property_id')
    .select(['w.id', 'p.org_id'])
    .where('w.property_id', '=', message.propertyId)
    .where('w.id', '=', message.endpointId)
    .where('w.disabled_at', 'is', null)
    .executeTakeFirst();
  if (!endpoint) return false;
  const inserted = await insertDirectMessage(
    trx,
    {
      orgId: endpoint.org_id,
      propertyId: message.propertyId,
      target: { kind: 'endpoint', id: endpoint.id },
      eventType: message.type,
      envelope: {
        id: randomUUID(),
        type: message.type,
        version: 1,
        occurred_at: now.toISOString(),
        org_id: endpoint.org_id,
        property_id: message.propertyId,
        data: message.data,
      },
    },
    now,
  );
  await enqueueAttempts(deps, [inserted], trx);
  return true;
}
