import { sql } from 'kysely';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import { enqueueAttempts } from './webhooks.delivery.ts';
import { requeueMessages, type TargetRef } from './webhooks.messages.repo.ts';

// The delivery log of one target (endpoint or connection), and putting its messages back in the
// queue: replay one, resend every failure since a time. The caller has found the target in its
// tenant; every query here is confined to that target.

export const MAX_LOG_PAGE = 100;
/** Messages one resend puts back at most; the answer says when more are left. */
export const MAX_RESEND = 1000;

export interface MessageSummary {
  id: string;
  event_id: string | null;
  event_type: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: Date | null;
  created_at: Date;
  last_attempt: AttemptView | null;
}

export interface AttemptView {
  attempt: number;
  attempted_at: Date;
  trigger: 'schedule' | 'replay' | 'resend';
  url: string;
  ok: boolean;
  http_status: number | null;
  latency_ms: number;
  error_kind: string | null;
  error: string | null;
  response_body: string;
  response_truncated: boolean;
}

const targetColumn = (target: TargetRef) =>
  target.kind === 'endpoint' ? sql.ref('m.endpoint_id') : sql.ref('m.connection_id');

/**
 * Newest first, keyset-paged: `before` is the `id` of the last message of the previous page.
 * `status` narrows to pending, delivered or failed.
 */
export async function listMessages(
  deps: Deps,
  target: TargetRef,
  query: { status?: string | undefined; limit?: number | undefined; before?: string | undefined },
): Promise<{ data: MessageSummary[]; next_before: string | null }> {
  const limit = Math.min(query.limit ?? 50, MAX_LOG_PAGE);
  const status = query.status ? sql`AND m.status = ${query.status}` : sql``;
  const before = query.before
    ? sql`AND (m.created_at, m.id) < (SELECT b.created_at, b.id FROM webhook_messages b
                                       WHERE b.id = ${query.before} AND ${sql.ref(
                                         target.kind === 'endpoint'
                                           ? 'b.endpoint_id'
                                           : 'b.connection_id',
                                       )} = ${target.id})`
    : sql``;
  const { rows } = await sql<MessageSummary & { la: AttemptView | null }>`
    SELECT m.id, m.event_id, m.event_type, m.status, m.attempts, m.next_attempt_at, m.created_at,
           (SELECT to_jsonb(a) - 'message_id' FROM webhook_attempts a
             WHERE a.message_id = m.id ORDER BY a.attempt DESC LIMIT 1) AS la
      FROM webhook_messages m
     WHERE ${targetColumn(target)} = ${target.id} ${status} ${before}
     ORDER BY m.created_at DESC, m.id DESC
     LIMIT ${limit + 1}
  `.execute(deps.database.db);
  const page = rows.slice(0, limit).map(({ la, ...row }) => ({ ...row, last_attempt: la }));
  return { data: page, next_before: rows.length > limit ? (page.at(-1)?.id ?? null) : null };
}

/** One message of the target with every attempt, oldest first; 404 for any other message. */
export async function getMessage(
  deps: Deps,
  target: TargetRef,
  messageId: string,
): Promise<MessageSummary & { payload: Record<string, unknown>; attempts_log: AttemptView[] }> {
  const { rows } = await sql<MessageSummary & { payload: Record<string, unknown> }>`
    SELECT m.id, m.event_id, m.event_type, m.status, m.attempts, m.next_attempt_at, m.created_at,
           m.payload
      FROM webhook_messages m
     WHERE m.id = ${messageId} AND ${targetColumn(target)} = ${target.id}
  `.execute(deps.database.db);
  const message = rows[0];
  if (!message) throw new AppError('not_found', 'Message not found');
  const attempts = await deps.database.db
    .selectFrom('webhook_attempts')
    .select([
      'attempt',
      'attempted_at',
      'trigger',
      'url',
      'ok',
      'http_status',
      'latency_ms',
      'error_kind',
      'error',
      'response_body',
      'response_truncated',
    ])
    .where('message_id', '=', messageId)
    .orderBy('attempt')
    .execute();
  return { ...message, last_attempt: attempts.at(-1) ?? null, attempts_log: attempts };
}

/** Sends one delivered or failed message again (a new run of the retry schedule). */
/**
 * Sending again is sending to someone else's server on the caller's word: bounded per target,
 * counted before the work. A replay re-sends one message (60 a minute); a resend can queue 1,000
 * (10 an hour).
 */
const RESEND_LIMITS = {
  replay: { name: 'minute', limit: 60, windowMs: 60_000 },
  resend: { name: 'hour', limit: 10, windowMs: 3_600_000 },
} as const;

async function countResend(deps: Deps, target: TargetRef, kind: keyof typeof RESEND_LIMITS) {
  const decision = await deps.rateLimiter.take(`webhook-${kind}:${target.kind}:${target.id}`, [
    RESEND_LIMITS[kind],
  ]);
  if (!decision.allowed) {
    throw new AppError('rate_limited', `Too many ${kind} requests for this target`, {
      retry_after: decision.retryAfterSeconds,
    });
  }
}

export async function replayMessage(
  deps: Deps,
  target: TargetRef,
  messageId: string,
): Promise<{ message_id: string }> {
  await countResend(deps, target, 'replay');
  const now = deps.clock.now();
  const requeued = await deps.database.db.transaction().execute(async (trx) => {
    const rows = await requeueMessages(trx, target, { messageId }, 'replay', now, 1);
    await enqueueAttempts(deps, rows, trx);
    return rows;
  });
  if (requeued.length === 0) {
    await getMessage(deps, target, messageId); // 404 when it is not this target's
    throw new AppError('conflict', 'The message is already queued for delivery');
  }
  return { message_id: messageId };
}

/** Sends every message of the target that failed, created since `since`, again. */
export async function resendFailed(
  deps: Deps,
  target: TargetRef,
  since: Date,
): Promise<{ requeued: number; more: boolean }> {
  const now = deps.clock.now();
  if (Number.isNaN(since.getTime()))
    throw new AppError('validation_failed', 'since must be a date-time');
  if (since > now) throw new AppError('validation_failed', 'since must not be in the future');
  await countResend(deps, target, 'resend');
  const requeued = await deps.database.db.transaction().execute(async (trx) => {
    const rows = await requeueMessages(
      trx,
      target,
      { failedSince: since },
      'resend',
      now,
      MAX_RESEND,
    );
    await enqueueAttempts(deps, rows, trx);
    return rows.length;
  });
  const { rows } = await sql<{ more: boolean }>`
    SELECT EXISTS (SELECT 1 FROM webhook_messages m
                    WHERE ${targetColumn(target)} = ${target.id}
                      AND m.status = 'failed' AND m.created_at >= ${since}) AS more
  `.execute(deps.database.db);
  return { requeued, more: rows[0]?.more === true };
}
