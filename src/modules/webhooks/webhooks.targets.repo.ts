import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { insertEvents } from '../events/index.ts';
import type { TargetRef } from './webhooks.messages.repo.ts';
import {
  type DisableReason,
  type EndpointHealth,
  failingTooLong,
  isRetryable,
} from './webhooks.schedule.ts';

// What delivery reads of a target (endpoint or connection) and writes back: its health, and its
// disabling with the event that says why.

type Executor = Kysely<DB> | Transaction<DB>;

interface TargetCommon {
  orgId: number;
  /** Sealed. */
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: Date | null;
  disabled: boolean;
  health: EndpointHealth;
}

export type TargetRow =
  | (TargetCommon & { kind: 'endpoint'; id: string; propertyId: string; url: string })
  | (TargetCommon & {
      kind: 'connection';
      id: number;
      name: string;
      provider: string;
      settings: Record<string, unknown>;
      /** Sealed JSON, or null. */
      credentials: string | null;
    });

export async function loadTarget(db: Executor, ref: TargetRef): Promise<TargetRow | null> {
  if (ref.kind === 'endpoint') {
    const row = await db
      .selectFrom('webhook_endpoints as w')
      .innerJoin('properties as p', 'p.id', 'w.property_id')
      .select([
        'w.id',
        'w.property_id',
        'p.org_id',
        'w.url',
        'w.secret',
        'w.previous_secret',
        'w.previous_secret_expires_at',
        'w.disabled_at',
        'w.failing_since',
        'w.last_success_at',
      ])
      .where('w.id', '=', ref.id)
      .executeTakeFirst();
    return row
      ? {
          kind: 'endpoint',
          id: row.id,
          propertyId: row.property_id,
          orgId: row.org_id,
          url: row.url,
          secret: row.secret,
          previousSecret: row.previous_secret,
          previousSecretExpiresAt: row.previous_secret_expires_at,
          disabled: row.disabled_at !== null,
          health: { failingSince: row.failing_since, lastSuccessAt: row.last_success_at },
        }
      : null;
  }
  const row = await db
    .selectFrom('connections')
    .select([
      'id',
      'org_id',
      'name',
      'provider',
      'settings',
      'credentials',
      'secret',
      'previous_secret',
      'previous_secret_expires_at',
      'disabled_at',
      'failing_since',
      'last_success_at',
    ])
    .where('id', '=', ref.id)
    .executeTakeFirst();
  return row
    ? {
        kind: 'connection',
        id: row.id,
        orgId: row.org_id,
        name: row.name,
        provider: row.provider,
        settings: row.settings,
        credentials: row.credentials,
        secret: row.secret,
        previousSecret: row.previous_secret,
        previousSecretExpiresAt: row.previous_secret_expires_at,
        disabled: row.disabled_at !== null,
        health: { failingSince: row.failing_since, lastSuccessAt: row.last_success_at },
      }
    : null;
}

/**
 * Folds an attempt into the target's health in one statement (concurrent attempts to one target
 * each see the other's effect), then disables the target when the attempt says so: a 410, or a
 * run of failures 5 days long. Disabling records the event saying why, in the same transaction.
 */
export async function recordHealth(
  trx: Transaction<DB>,
  target: TargetRow,
  attempt: { ok: boolean; status: number | null; at: Date },
): Promise<DisableReason | null> {
  const table = target.kind === 'endpoint' ? 'webhook_endpoints' : 'connections';
  const { at } = attempt;
  const { rows } = await sql<{ failing_since: Date | null; last_success_at: Date | null }>`
    UPDATE ${sql.table(table)}
       SET failing_since = ${attempt.ok ? null : sql`COALESCE(failing_since, ${at}::timestamptz)`},
           last_success_at = ${attempt.ok ? sql`${at}::timestamptz` : sql`last_success_at`}
     WHERE id = ${target.id}
    RETURNING failing_since, last_success_at
  `.execute(trx);
  const health: EndpointHealth = {
    failingSince: rows[0]?.failing_since ?? null,
    lastSuccessAt: rows[0]?.last_success_at ?? null,
  };
  const disable = attempt.ok
    ? null
    : !isRetryable(attempt.status)
      ? 'gone'
      : failingTooLong(health, at)
        ? 'failing'
        : null;
  if (disable) await disableTarget(trx, target, disable, health.failingSince, at);
  return disable;
}

async function disableTarget(
  trx: Transaction<DB>,
  target: TargetRow,
  reason: DisableReason,
  failingSince: Date | null,
  now: Date,
): Promise<void> {
  const table = target.kind === 'endpoint' ? 'webhook_endpoints' : 'connections';
  // Only the attempt that disables it records the event (concurrent ones find it done).
  const { rows } = await sql<{ id: unknown }>`
    UPDATE ${sql.table(table)}
       SET disabled_at = ${now}, disabled_reason = ${reason}, updated_at = ${now}
     WHERE id = ${target.id} AND disabled_at IS NULL
    RETURNING id
  `.execute(trx);
  if (rows.length === 0) return;
  const since = failingSince?.toISOString() ?? null;
  await insertEvents(trx, [
    target.kind === 'endpoint'
      ? {
          type: 'webhook.disabled',
          orgId: target.orgId,
          propertyId: target.propertyId,
          occurredAt: now,
          data: { endpoint_id: target.id, url: target.url, reason, failing_since: since },
        }
      : {
          type: 'connection.disabled',
          orgId: target.orgId,
          occurredAt: now,
          data: {
            connection_id: target.id,
            name: target.name,
            provider: target.provider,
            reason,
            failing_since: since,
          },
        },
  ]);
}
