import { sql } from 'kysely';
import type { Harness } from '../harness.ts';

/** Section 9: what the database says about events, messages, attempts and delivery jobs. */

/** The ids of the property's `player.created` events: what the receivers must all get. */
export async function createdEventIds(h: Harness, propertyId: string): Promise<Set<string>> {
  const rows = await h.deps.database.db
    .selectFrom('events')
    .select('id')
    .where('property_id', '=', propertyId)
    .where('type', '=', 'player.created')
    .execute();
  return new Set(rows.map((row) => row.id));
}

/** Messages of an endpoint by status, e.g. `{ delivered: 300 }`. */
export async function messageStatuses(
  h: Harness,
  endpointId: string,
): Promise<Record<string, number>> {
  const { rows } = await sql<{ status: string; n: number }>`
    SELECT status, count(*)::int AS n FROM webhook_messages
     WHERE endpoint_id = ${endpointId} GROUP BY status`.execute(h.deps.database.db);
  return Object.fromEntries(rows.map((row) => [row.status, row.n]));
}

/** Messages taken by a worker and not recorded yet: the only ones a kill can send twice. */
export async function leasedMessages(h: Harness, endpointId: string): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    SELECT id FROM webhook_messages
     WHERE endpoint_id = ${endpointId} AND status = 'pending' AND lease_until > now()`.execute(
    h.deps.database.db,
  );
  return rows.map((row) => row.id);
}

/** When the endpoint's next pending attempt is due, or null when nothing is pending. */
export async function nextDue(h: Harness, endpointId: string): Promise<Date | null> {
  const row = await h.deps.database.db
    .selectFrom('webhook_messages')
    .select((eb) => eb.fn.min('next_attempt_at').as('next'))
    .where('endpoint_id', '=', endpointId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return row?.next ?? null;
}

/** The endpoint's recorded attempts: how many, the most one message needed, the failures' kinds. */
export async function attemptStats(h: Harness, endpointId: string) {
  const { rows } = await sql<{ message_id: string; ok: boolean; error_kind: string | null }>`
    SELECT a.message_id, a.ok, a.error_kind FROM webhook_attempts a
      JOIN webhook_messages m ON m.id = a.message_id
     WHERE m.endpoint_id = ${endpointId}`.execute(h.deps.database.db);
  const perMessage = new Map<string, number>();
  const failedKinds: Record<string, number> = {};
  for (const row of rows) {
    perMessage.set(row.message_id, (perMessage.get(row.message_id) ?? 0) + 1);
    if (!row.ok)
      failedKinds[row.error_kind ?? 'none'] = (failedKinds[row.error_kind ?? 'none'] ?? 0) + 1;
  }
  return {
    attempts: rows.length,
    failed: rows.filter((row) => !row.ok).length,
    maxPerMessage: Math.max(0, ...perMessage.values()),
    failedKinds,
  };
}

/**
 * Where the time went, p50 / p99 in ms over the endpoints' delivered messages: from the event to
 * its message (the dispatcher's fan-out), and from the message to its successful attempt.
 */
export async function lagStats(h: Harness, endpointIds: readonly string[]) {
  const { rows } = await sql<{ dispatch: number[]; deliver: number[] }>`
    SELECT ARRAY[percentile_cont(0.5) WITHIN GROUP (ORDER BY d.dispatch_ms),
                 percentile_cont(0.99) WITHIN GROUP (ORDER BY d.dispatch_ms)] AS dispatch,
           ARRAY[percentile_cont(0.5) WITHIN GROUP (ORDER BY d.deliver_ms),
                 percentile_cont(0.99) WITHIN GROUP (ORDER BY d.deliver_ms)] AS deliver
      FROM (SELECT extract(epoch FROM m.created_at - e.occurred_at) * 1000 AS dispatch_ms,
                   extract(epoch FROM a.attempted_at - m.created_at) * 1000 AS deliver_ms
              FROM webhook_messages m
              JOIN events e ON e.id = m.event_id
              JOIN webhook_attempts a ON a.message_id = m.id AND a.ok
             WHERE m.endpoint_id = ANY (${endpointIds}::uuid[])) d`.execute(h.deps.database.db);
  const pair = (values: number[] | undefined) =>
    (values ?? []).map((ms) => Math.round(Number(ms))).join(' / ');
  return { dispatch: pair(rows[0]?.dispatch), deliver: pair(rows[0]?.deliver) };
}

/**
 * Delivery jobs queued for the endpoints' messages (pg-boss's table, schema `pgboss`): one per
 * attempt, plus any the sweeper sent for a message it took for lost.
 */
export async function deliveryJobs(h: Harness, endpointIds: readonly string[]): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM pgboss.job j
      JOIN webhook_messages m ON m.id = j.data->>'messageId'
     WHERE j.name = 'webhooks.deliver'
       AND m.endpoint_id = ANY (${endpointIds}::uuid[])`.execute(h.deps.database.db);
  return rows[0]?.n ?? 0;
}
