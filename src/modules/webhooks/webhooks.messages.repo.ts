import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';

// Messages and attempts: the delivery half of the Svix model (endpoint → message → attempt),
// shared by PlayerOS endpoints and DailyPlay connections.

type Executor = Kysely<DB> | Transaction<DB>;

/** A message's target: a PlayerOS endpoint or a DailyPlay connection. */
export type TargetRef = { kind: 'endpoint'; id: string } | { kind: 'connection'; id: number };

export interface MessageRow {
  id: string;
  org_id: number;
  property_id: string | null;
  endpoint_id: string | null;
  connection_id: number | null;
  event_id: string | null;
  event_type: string;
  payload: Record<string, unknown>;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  schedule_start: number;
  next_trigger: 'schedule' | 'replay' | 'resend';
  next_attempt_at: Date | null;
  created_at: Date;
}

/** A message to send: its id is its job's key for the attempt it is due for. */
export interface DueMessage {
  id: string;
  attempts: number;
  next_attempt_at: Date;
}

const NEW_MESSAGE_ID = sql<string>`'msg_' || replace(gen_random_uuid()::text, '-', '')`;

/**
 * One message per enabled endpoint of the property subscribed to the event's type. Idempotent by
 * (endpoint, event): an event fanned out again creates nothing (its first messages stand).
 */
export async function insertEndpointMessages(
  trx: Executor,
  event: { id: string; type: string; orgId: number; propertyId: string; envelope: object },
  now: Date,
): Promise<DueMessage[]> {
  const { rows } = await sql<DueMessage>`
    INSERT INTO webhook_messages
      (id, org_id, property_id, endpoint_id, event_id, event_type, payload, next_attempt_at)
    SELECT ${NEW_MESSAGE_ID}, ${event.orgId}, w.property_id, w.id, ${event.id}, ${event.type},
           ${JSON.stringify(event.envelope)}::jsonb, ${now}
      FROM webhook_endpoints w
     WHERE w.property_id = ${event.propertyId}
       AND w.disabled_at IS NULL
       AND (${event.type} = ANY (w.event_types) OR '*' = ANY (w.event_types))
    ON CONFLICT DO NOTHING
    RETURNING id, attempts, next_attempt_at
  `.execute(trx);
  return rows;
}

/** One message per enabled connection linked to the stream with the event's trigger. */
export async function insertConnectionMessages(
  trx: Executor,
  event: {
    id: string;
    type: string;
    orgId: number;
    streamId: number;
    trigger: string;
    envelope: object;
  },
  now: Date,
): Promise<DueMessage[]> {
  const { rows } = await sql<DueMessage>`
    INSERT INTO webhook_messages
      (id, org_id, connection_id, event_id, event_type, payload, next_attempt_at)
    SELECT ${NEW_MESSAGE_ID}, c.org_id, c.id, ${event.id}, ${event.type},
           ${JSON.stringify(event.envelope)}::jsonb, ${now}
      FROM stream_connections sc
      JOIN connections c ON c.id = sc.connection_id
     WHERE sc.stream_id = ${event.streamId}
       AND sc.org_id = ${event.orgId}
       AND c.org_id = ${event.orgId}
       AND c.disabled_at IS NULL
       AND ${event.trigger} = ANY (sc.triggers)
    ON CONFLICT DO NOTHING
    RETURNING id, attempts, next_attempt_at
  `.execute(trx);
  return rows;
}

/** A message outside the events (a test message): sent to one target only. */
export async function insertDirectMessage(
  db: Executor,
  message: {
    orgId: number;
    propertyId: string | null;
    target: TargetRef;
    eventType: string;
    envelope: object;
  },
  now: Date,
): Promise<DueMessage & { id: string }> {
  const { rows } = await sql<DueMessage>`
    INSERT INTO webhook_messages
      (id, org_id, property_id, endpoint_id, connection_id, event_type, payload, next_attempt_at)
    VALUES (${NEW_MESSAGE_ID}, ${message.orgId}, ${message.propertyId},
            ${message.target.kind === 'endpoint' ? message.target.id : null},
            ${message.target.kind === 'connection' ? message.target.id : null},
            ${message.eventType}, ${JSON.stringify(message.envelope)}::jsonb, ${now})
    RETURNING id, attempts, next_attempt_at
  `.execute(db);
  return rows[0]!;
}

/**
 * Takes the message for one attempt: only when it is pending, due, and nobody holds it (or the
 * holder's lease ran out: its worker died). Null when there is nothing to do.
 */
export async function claimMessage(
  db: Executor,
  id: string,
  now: Date,
  leaseMs: number,
): Promise<MessageRow | null> {
  const leaseUntil = new Date(now.getTime() + leaseMs);
  const { rows } = await sql<MessageRow>`
    UPDATE webhook_messages
       SET lease_until = ${leaseUntil}
     WHERE id = ${id}
       AND status = 'pending'
       AND next_attempt_at <= ${now}
       AND (lease_until IS NULL OR lease_until <= ${now})
    RETURNING id, org_id, property_id, endpoint_id, connection_id, event_id, event_type, payload,
              status, attempts, schedule_start, next_trigger, next_attempt_at, created_at
  `.execute(db);
  return rows[0] ?? null;
}

export interface AttemptRecord {
  attempt: number;
  attemptedAt: Date;
  trigger: 'schedule' | 'replay' | 'resend';
  url: string;
  ok: boolean;
  httpStatus: number | null;
  latencyMs: number;
  errorKind: string | null;
  error: string | null;
  responseBody: string;
  responseTruncated: boolean;
}

/**
 * Records the attempt and the message's next state, if the message is still at the attempt that
 * was claimed (false: another worker recorded it first, after this one's lease ran out).
 */
export async function recordAttempt(
  trx: Transaction<DB>,
  messageId: string,
  record: AttemptRecord,
  next: { status: 'pending' | 'delivered' | 'failed'; nextAttemptAt: Date | null },
): Promise<boolean> {
  const updated = await trx
    .updateTable('webhook_messages')
    .set({
      attempts: record.attempt,
      status: next.status,
      next_attempt_at: next.nextAttemptAt,
      next_trigger: 'schedule',
      lease_until: null,
      updated_at: record.attemptedAt,
    })
    .where('id', '=', messageId)
    .where('attempts', '=', record.attempt - 1)
    .executeTakeFirst();
  if (updated.numUpdatedRows === 0n) return false;
  await trx
    .insertInto('webhook_attempts')
    .values({
      message_id: messageId,
      attempt: record.attempt,
      attempted_at: record.attemptedAt,
      trigger: record.trigger,
      url: record.url,
      ok: record.ok,
      http_status: record.httpStatus,
      latency_ms: record.latencyMs,
      error_kind: record.errorKind,
      error: record.error,
      response_body: record.responseBody,
      response_truncated: record.responseTruncated,
    })
    .execute();
  return true;
}

/** Ends a pending message without an attempt (its target was disabled meanwhile). */
export async function failWithoutAttempt(
  db: Executor,
  messageId: string,
  now: Date,
): Promise<void> {
  await db
    .updateTable('webhook_messages')
    .set({ status: 'failed', next_attempt_at: null, lease_until: null, updated_at: now })
    .where('id', '=', messageId)
    .where('status', '=', 'pending')
    .execute();
}

/**
 * Pending messages due before `dueBefore` that nobody holds: those whose job was lost (or ran
 * early), for the sweeper to send again. Oldest first, at most `limit`.
 */
export async function overdueMessages(
  db: Executor,
  dueBefore: Date,
  now: Date,
  limit: number,
  orgId?: number,
): Promise<DueMessage[]> {
  const scope = orgId === undefined ? sql`` : sql`AND org_id = ${orgId}`;
  const { rows } = await sql<DueMessage>`
    SELECT id, attempts, next_attempt_at
      FROM webhook_messages
     WHERE status = 'pending'
       AND next_attempt_at <= ${dueBefore}
       AND (lease_until IS NULL OR lease_until <= ${now}) ${scope}
     ORDER BY next_attempt_at
     LIMIT ${limit}
  `.execute(db);
  return rows;
}

/**
 * Puts ended messages of a target back in the queue for one more run of the schedule, recorded
 * as `trigger`: one message (replay) or every failed one since a time (resend), at most `limit`.
 */
export async function requeueMessages(
  db: Executor,
  target: TargetRef,
  filter: { messageId: string } | { failedSince: Date },
  trigger: 'replay' | 'resend',
  now: Date,
  limit: number,
): Promise<DueMessage[]> {
  const targetColumn = target.kind === 'endpoint' ? sql`endpoint_id` : sql`connection_id`;
  const which =
    'messageId' in filter
      ? sql`id = ${filter.messageId} AND status <> 'pending'`
      : sql`status = 'failed' AND created_at >= ${filter.failedSince}`;
  const { rows } = await sql<DueMessage>`
    UPDATE webhook_messages
       SET status = 'pending', next_attempt_at = ${now}, schedule_start = attempts,
           next_trigger = ${trigger}, lease_until = NULL, updated_at = ${now}
     WHERE id IN (
       SELECT id FROM webhook_messages
        WHERE ${targetColumn} = ${target.id} AND ${which}
        ORDER BY created_at
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED)
    RETURNING id, attempts, next_attempt_at
  `.execute(db);
  return rows;
}
