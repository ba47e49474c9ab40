import { createHash } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import type { DispatchedEvent, EventConsumer } from '../events/index.ts';
import { envelopeRequest } from './providers/dailyplay.ts';
import { type EventEnvelope, triggerOf } from './providers/facts.ts';
import { buildConnectionRequest } from './webhooks.providers.ts';
import { openConnectionSettings } from './webhooks.credentials.ts';
import {
  type AttemptRecord,
  claimMessage,
  type DueMessage,
  failWithoutAttempt,
  insertConnectionMessages,
  insertEndpointMessages,
  type MessageRow,
  overdueMessages,
  recordAttempt,
} from './webhooks.messages.repo.ts';
import { isRetryable, nextAttempt } from './webhooks.schedule.ts';
import { liveSecrets, signRequest } from './webhooks.signing.ts';
import { loadTarget, recordHealth, type TargetRow } from './webhooks.targets.repo.ts';
import type { DeliveryResult, OutboundRequest } from './webhooks.types.ts';

/**
 * The delivery service: one queue (`webhooks.deliver`, one job per attempt) for PlayerOS
 * endpoints and DailyPlay connections alike.
 *
 * At least once: an event's messages and their first jobs are written in the dispatcher's
 * transaction, and a message stays `pending` until an attempt is recorded. A worker takes a
 * message with a lease (an `UPDATE … WHERE` on its row) before sending, so two jobs for one
 * attempt send once; a worker killed mid-send leaves the lease to run out, and the job is retried
 * by the queue (its run expires) or re-sent by the sweeper. Every attempt carries the message id
 * as `webhook-id`, so a receiver that saw it already can drop the duplicate.
 */

export const DELIVER_QUEUE = 'webhooks.deliver';

/** How long a worker holds a message while it sends: the send's timeout and some margin. */
export const leaseMs = (deps: Deps): number => deps.config.webhookTimeoutMs + 10_000;

/** A due message not taken this long after its time is assumed lost and sent again. */
export const OVERDUE_AFTER_MS = 30_000;

export interface DeliverJob {
  messageId: string;
}

/**
 * The queue job's id for one attempt of a message: the same for the same attempt, so a second
 * send of it (the sweeper, a replayed dispatch) is ignored by the queue.
 */
export function attemptJobId(message: DueMessage, salt = ''): string {
  const hex = createHash('sha256')
    .update(`${message.id}:${message.attempts}:${message.next_attempt_at.toISOString()}:${salt}`)
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export async function enqueueAttempts(
  deps: Deps,
  messages: readonly DueMessage[],
  trx?: Transaction<DB>,
  salt = '',
): Promise<void> {
  for (const message of messages) {
    await deps.jobs.send(DELIVER_QUEUE, { messageId: message.id } satisfies DeliverJob, {
      ...(trx ? { trx } : {}),
      id: attemptJobId(message, salt),
      startAfter: message.next_attempt_at,
    });
  }
}

/** The envelope every endpoint receives (the catalog's `eventEnvelope`). */
export function envelopeOf(event: DispatchedEvent): EventEnvelope {
  return {
    id: event.id,
    type: event.type,
    version: event.version,
    occurred_at: event.occurredAt.toISOString(),
    org_id: event.orgId,
    property_id: event.propertyId,
    data: event.payload,
  };
}

/**
 * The events consumer that turns each committed event into messages: one per subscribed
 * endpoint of its property, one per connection linked to its stream with its trigger.
 */
export function webhookFanout(deps: Deps): EventConsumer {
  return async (event, trx) => {
    const now = deps.clock.now();
    const envelope = envelopeOf(event);
    const messages: DueMessage[] = [];
    if (event.orgId !== null && event.propertyId !== null) {
      messages.push(
        ...(await insertEndpointMessages(
          trx,
          {
            id: event.id,
            type: event.type,
            orgId: event.orgId,
            propertyId: event.propertyId,
            envelope,
          },
          now,
        )),
      );
    }
    const trigger = triggerOf(event.type);
    const streamId = event.payload.stream_id;
    if (event.orgId !== null && trigger && typeof streamId === 'number') {
      messages.push(
        ...(await insertConnectionMessages(
          trx,
          { id: event.id, type: event.type, orgId: event.orgId, streamId, trigger, envelope },
          now,
        )),
      );
    }
    await enqueueAttempts(deps, messages, trx);
  };
}

/**
 * Sends a job again for each message due for OVERDUE_AFTER_MS whose lease is free and whose own
 * job no longer waits in the queue: its job was lost, ran before its time, or died with its
 * worker (taken, then the lease ran out). A message whose job still waits behind a backlog is
 * left to it. Answers how many it re-sent.
 */
export async function sweepOverdue(
  deps: Deps,
  options: { limit?: number; orgId?: number } = {},
): Promise<number> {
  const now = deps.clock.now();
  const overdue = await overdueMessages(
    deps.database.db,
    new Date(now.getTime() - OVERDUE_AFTER_MS),
    now,
    options.limit ?? 500,
    options.orgId,
  );
  // Its own job, or one this sweeper sent it this minute or the last (one a minute at most).
  const minute = Math.floor(now.getTime() / 60_000);
  const salts = ['', `sweep:${minute}`, `sweep:${minute - 1}`];
  const waiting = await deps.jobs.waiting(
    DELIVER_QUEUE,
    overdue.flatMap((message) => salts.map((salt) => attemptJobId(message, salt))),
  );
  const lost = overdue.filter(
    (message) => !salts.some((salt) => waiting.has(attemptJobId(message, salt))),
  );
  await enqueueAttempts(deps, lost, undefined, salts[1]);
  return lost.length;
}

export type DeliveryOutcome = 'delivered' | 'retrying' | 'failed' | 'skipped';

interface BuiltRequest {
  request: OutboundRequest | null;
  httpsOnly: boolean;
  url: string;
  /** Why there is nothing to send, when `request` is null. */
  reason?: string;
}

async function buildRequest(
  deps: Deps,
  target: TargetRow,
  message: MessageRow,
): Promise<BuiltRequest> {
  const envelope = message.payload as unknown as EventEnvelope;
  const sign = async (request: OutboundRequest) =>
    signRequest(request, {
      id: message.id,
      // The receiver checks the timestamp against its own clock: the wall clock, not deps.clock.
      timestamp: new Date(),
      secrets: liveSecrets(
        {
          secret: await deps.secrets.open(target.secret),
          previousSecret: target.previousSecret && (await deps.secrets.open(target.previousSecret)),
          previousSecretExpiresAt: target.previousSecretExpiresAt,
        },
        deps.clock.now(),
      ),
    });
  if (target.kind === 'endpoint') {
    return {
      request: await sign(envelopeRequest(envelope, target.url)),
      httpsOnly: false,
      url: target.url,
    };
  }
  const settings = await openConnectionSettings(deps.secrets, target);
  const built = buildConnectionRequest(envelope, settings, {
    allowPrivateNetworks: deps.config.webhooksAllowPrivateNetworks,
  });
  if (!built) {
    return {
      request: null,
      httpsOnly: false,
      url: '',
      reason: `nothing to send to ${settings.provider} for this event (no player identity)`,
    };
  }
  const request = built.signable ? await sign(built.request) : built.request;
  return { request, httpsOnly: built.httpsOnly, url: request.url };
}

/** One attempt of one message, if it is due and free; records it and schedules the next. */
export async function deliverMessage(deps: Deps, messageId: string): Promise<DeliveryOutcome> {
  const outcome = await attemptDelivery(deps, messageId);
  deps.metrics.webhookDelivery(outcome);
  return outcome;
}

async function attemptDelivery(deps: Deps, messageId: string): Promise<DeliveryOutcome> {
  const attemptedAt = deps.clock.now();
  const db = deps.database.db;
  const message = await claimMessage(db, messageId, attemptedAt, leaseMs(deps));
  if (!message) return 'skipped';
  const ref = message.endpoint_id
    ? ({ kind: 'endpoint', id: message.endpoint_id } as const)
    : ({ kind: 'connection', id: message.connection_id! } as const);
  const target = await loadTarget(db, ref);
  if (!target || target.disabled) {
    await failWithoutAttempt(db, message.id, attemptedAt);
    return 'skipped';
  }
  // A message that cannot be built (a stored payload that is not an envelope, a secret sealed
  // under another key) is a failed attempt on the record, not a job thrown back to the queue.
  const built: BuiltRequest = await buildRequest(deps, target, message).catch((error: unknown) => ({
    request: null,
    httpsOnly: false,
    url: '',
    reason: `could not build the request: ${error instanceof Error ? error.message : String(error)}`,
  }));
  const result: DeliveryResult = built.request
    ? await deps.webhookSender.send(built.request, { httpsOnly: built.httpsOnly })
    : {
        ok: false,
        status: null,
        latencyMs: 0,
        error: built.reason ?? 'nothing to send',
        errorKind: 'unsendable',
        bodyExcerpt: '',
        bodyTruncated: false,
      };
  const attempt = message.attempts + 1;
  const retry =
    !result.ok && result.errorKind !== 'unsendable' && isRetryable(result.status)
      ? nextAttempt(attempt - message.schedule_start, attemptedAt)
      : null;
  const status = result.ok ? 'delivered' : retry ? 'pending' : 'failed';
  const record: AttemptRecord = {
    attempt,
    attemptedAt,
    trigger: message.next_trigger,
    url: built.url,
    ok: result.ok,
    httpStatus: result.status,
    latencyMs: Math.round(result.latencyMs),
    errorKind: result.errorKind ?? null,
    error: result.error?.slice(0, 1000) ?? null,
    responseBody: result.bodyExcerpt,
    responseTruncated: result.bodyTruncated,
  };
  await db.transaction().execute(async (trx) => {
    if (!(await recordAttempt(trx, message.id, record, { status, nextAttemptAt: retry }))) return;
    if (result.errorKind !== 'unsendable') {
      await recordHealth(trx, target, { ok: result.ok, status: result.status, at: attemptedAt });
    }
    if (retry)
      await enqueueAttempts(
        deps,
        [{ id: message.id, attempts: attempt, next_attempt_at: retry }],
        trx,
      );
  });
  return status === 'pending' ? 'retrying' : status;
}

/**
 * Every message due at the clock's time (of one organization, when given), attempted here and
 * now, one after another, oldest first: for tests on a simulated clock and operators' scripts.
 * Answers the outcomes in order.
 */
export async function deliverDue(
  deps: Deps,
  options: { orgId?: number; limit?: number } = {},
): Promise<DeliveryOutcome[]> {
  const now = deps.clock.now();
  const due = await overdueMessages(
    deps.database.db,
    now,
    now,
    options.limit ?? 1000,
    options.orgId,
  );
  const outcomes: DeliveryOutcome[] = [];
  for (const message of due) outcomes.push(await deliverMessage(deps, message.id));
  return outcomes;
}
