import { createHash } from 'node:crypto';
import type { Deps } from '../../deps.ts';
import { recordConsents } from '../compliance/index.ts';
import { insertEventsSelect } from '../events/index.ts';
import { claimDue, type MessageRow, pendingMessages, requeue } from './campaigns.messages.repo.ts';
import { type Outbox, OutboxError, outboxFor } from './campaigns.outbox.ts';
import { addCounts, campaignById, type CampaignRow } from './campaigns.repo.ts';
import type { QUEUE_DELIVER, QUEUE_PLAN } from './campaigns.state.ts';
import { finishCampaign } from './campaigns.state.ts';

// Sending a planned campaign: due messages are claimed a few at a time (marked `sending` in the
// claiming statement, so no two workers take one), handed to the provider at the channel's
// shared rate, and marked sent in one statement with their contact-log row and event. A worker
// killed mid-send leaves its claims `sending`; after the claim timeout (CAMPAIGN_CLAIM_TIMEOUT_MS,
// default STALE_CLAIM_MS) another worker sends them again with the same Message-ID / idempotency
// token.

/** How long one delivery job sends before handing over to its continuation. */
const DELIVER_SLICE_MS = 30_000;
/** Messages claimed at once (and in flight at most). */
const CLAIM = 10;
/**
 * A claim older than this belonged to a worker that died: it is sent again. The default of
 * `config.campaignClaimTimeoutMs` (CAMPAIGN_CLAIM_TIMEOUT_MS), which is what the sender uses.
 */
export const STALE_CLAIM_MS = 120_000;
/** Attempts before a message that keeps failing temporarily is failed for good. */
const MAX_ATTEMPTS = 5;

/**
 * A job id that is the same for the same campaign, queue and second: sends racing for one
 * continuation (the planner, a sweep, the sender itself) make one job, not several.
 */
export function continuationId(queue: string, campaignId: string, at: Date): string {
  const hex = createHash('sha256')
    .update(`${queue}:${campaignId}:${Math.floor(at.getTime() / 1000)}`)
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Sends the campaign's next job of `queue`, at least a second from now (see continuationId). */
export async function continueLater(
  deps: Deps,
  queue: typeof QUEUE_PLAN | typeof QUEUE_DELIVER,
  campaignId: string,
  at?: Date,
): Promise<void> {
  const soonest = Date.now() + 1000;
  const when = new Date(Math.max(soonest, at?.getTime() ?? 0));
  await deps.jobs.send(
    queue,
    { campaignId },
    { startAfter: when, id: continuationId(queue, campaignId, when) },
  );
}

const rowsOf = (result: { rows: unknown[] } | { rows: unknown[] }[]) =>
  Array.isArray(result) ? result.flatMap((each) => each.rows) : result.rows;

/** Waits for the channel's shared per-second allowance (every process counts against it). */
async function pace(deps: Deps, channel: 'email' | 'sms', signal?: AbortSignal): Promise<void> {
  const limit = deps.config.sendRates[channel];
  for (;;) {
    const decision = await deps.rateLimiter.take(`send-rate:${channel}`, [
      { name: '1s', limit, windowMs: 1000 },
    ]);
    if (decision.allowed || signal?.aborted) return;
    const before = deps.clock.now().getTime();
    await new Promise((resolve) => setTimeout(resolve, 1000 - (before % 1000) + 5));
    // A clock that did not move (a test's simulated clock) would never open a new window.
    if (deps.clock.now().getTime() === before) return;
  }
}

/** Marks the message sent, logs the contact (the frequency caps count it) and records the event. */
async function recordSent(
  deps: Deps,
  message: MessageRow,
  campaign: CampaignRow,
  orgId: number,
  handed: { provider: string; providerId: string | null },
): Promise<boolean> {
  const now = deps.clock.now();
  const rows = rowsOf(
    await deps.database.query(
      `WITH m AS (
       UPDATE messages SET status = 'sent', provider = $2, provider_id = $3, sent_at = $4,
              error = NULL, updated_at = $4
        WHERE id = $1 AND status = 'sending'
       RETURNING id, property_id, campaign_id, player_id, channel, to_address, provider),
     c AS (
       INSERT INTO contact_log (property_id, player_id, channel, address, purpose, kind, sent_at)
       SELECT property_id, player_id, channel, to_address, $5, 'campaign', $4 FROM m
     ),
     e AS (
       ${insertEventsSelect('message.sent', {
         occurredAt: '$4',
         orgId: '$6::int',
         propertyId: 'm.property_id',
         data: `jsonb_build_object('message_id', m.id, 'campaign_id', m.campaign_id,
                  'player_id', m.player_id, 'channel', m.channel, 'provider', m.provider,
                  'error', NULL, 'url', NULL)`,
         from: 'm',
       })}
     )
     SELECT id FROM m`,
      [message.id, handed.provider, handed.providerId, now, campaign.purpose, orgId],
    ),
  );
  return rows.length > 0;
}

/** Marks the message failed for good and records the event, in one statement. */
export async function recordFailed(
  deps: Deps,
  messageId: string,
  orgId: number,
  error: string,
): Promise<boolean> {
  const now = deps.clock.now();
  const rows = rowsOf(
    await deps.database.query(
      `WITH m AS (
       UPDATE messages SET status = 'failed', error = $2, failed_at = $3, updated_at = $3
        WHERE id = $1 AND status = 'sending'
       RETURNING id, property_id, campaign_id, player_id, channel, provider, error),
     e AS (
       ${insertEventsSelect('message.failed', {
         occurredAt: '$3',
         orgId: '$4::int',
         propertyId: 'm.property_id',
         data: `jsonb_build_object('message_id', m.id, 'campaign_id', m.campaign_id,
                  'player_id', m.player_id, 'channel', m.channel, 'provider', m.provider,
                  'error', m.error, 'url', NULL)`,
         from: 'm',
       })}
     )
     SELECT id FROM m`,
      [messageId, error, now, orgId],
    ),
  );
  return rows.length > 0;
}

type Tally = { sent: number; failed: number; requeued: number };

/** A carrier-level opt-out (Twilio 21610) becomes a revocation, as a STOP reply would. */
async function recordCarrierOptOut(deps: Deps, message: MessageRow, campaign: CampaignRow) {
  if (!message.to_address) return;
  await recordConsents(deps, { id: message.property_id }, [
    {
      player_id: message.player_id,
      channel: 'sms',
      address: message.to_address,
      action: 'revoke',
      program: campaign.program ?? undefined,
      source: { kind: 'carrier', reason: 'the carrier reports the number unsubscribed (21610)' },
    },
  ]).catch((error: unknown) =>
    deps.logger.warn({ err: error, message: message.id }, 'recording a carrier opt-out failed'),
  );
}

async function sendOne(
  deps: Deps,
  outbox: Outbox,
  campaign: CampaignRow,
  orgId: number,
  message: MessageRow,
  tally: Tally,
): Promise<void> {
  try {
    const handed = await outbox.send(message);
    if (await recordSent(deps, message, campaign, orgId, handed)) tally.sent += 1;
  } catch (error) {
    const reason = (error as Error).message.slice(0, 500);
    const known = error instanceof OutboxError ? error : undefined;
    if (known?.maybeSent) {
      // At most once: the provider may have the message, and a resend could deliver it twice.
      // It is counted sent; the provider's status callback (matched by our ref) tells the rest.
      const handed = { provider: campaign.channel === 'sms' ? 'twilio' : 'smtp', providerId: null };
      if (await recordSent(deps, message, campaign, orgId, handed)) tally.sent += 1;
      await deps.database.db
        .updateTable('messages')
        .set({ error: `not resent: the provider may have taken it (${reason})` })
        .where('id', '=', message.id)
        .execute();
      return;
    }
    if (known?.unsubscribed) await recordCarrierOptOut(deps, message, campaign);
    const retry = !known || known.retry;
    if (retry && message.attempts < MAX_ATTEMPTS) {
      const now = deps.clock.now();
      const backoff = Math.max(
        30_000 * 2 ** (message.attempts - 1),
        (known?.retryAfterSeconds ?? 0) * 1000,
      );
      await requeue(deps.database.db, message.id, reason, new Date(now.getTime() + backoff), now);
      tally.requeued += 1;
    } else if (await recordFailed(deps, message.id, orgId, reason)) {
      tally.failed += 1;
    }
  }
}

export type DeliverResult = { next: 'done' } | { next: 'again' } | { next: 'later'; at: Date };

/**
 * Sends the campaign's due messages for at most DELIVER_SLICE_MS. `done` when the campaign
 * ended (every message handed over, or it was cancelled), `later` when the next message is not
 * due yet (a local-time schedule, a retry), `again` when there is more to send now.
 */
export async function deliverCampaign(
  deps: Deps,
  campaignId: string,
  signal?: AbortSignal,
): Promise<DeliverResult> {
  const campaign = await campaignById(deps.database.db, campaignId);
  if (!campaign || campaign.status !== 'sending') return { next: 'done' };
  const { org_id: orgId } = await deps.database.db
    .selectFrom('properties')
    .select('org_id')
    .where('id', '=', campaign.property_id)
    .executeTakeFirstOrThrow();
  const outbox = await outboxFor(deps, campaign);
  const claimTimeoutMs = deps.config.campaignClaimTimeoutMs;
  const started = Date.now();
  for (;;) {
    const now = deps.clock.now();
    const claimed = await claimDue(
      deps.database.db,
      campaign.id,
      now,
      new Date(now.getTime() - claimTimeoutMs),
      CLAIM,
    );
    if (claimed.length === 0) {
      const pending = await pendingMessages(deps.database.db, campaign.id);
      const current = await campaignById(deps.database.db, campaign.id);
      if (!current || current.status !== 'sending') return { next: 'done' };
      // A journey's campaign stays open; the step that queues its next message sends the job.
      if (pending.count === 0 && current.journey_id !== null) return { next: 'done' };
      if (pending.count === 0 && current.planned_at !== null) {
        await finishCampaign(deps, current, 'sent');
        return { next: 'done' };
      }
      if (pending.count === 0) return { next: 'later', at: new Date(now.getTime() + 1000) };
      const due = pending.nextDue ?? now;
      // Claims of another worker: looked at again when they would go stale.
      const at = due.getTime() <= now.getTime() ? now.getTime() + claimTimeoutMs : due.getTime();
      return { next: 'later', at: new Date(at) };
    }
    const tally: Tally = { sent: 0, failed: 0, requeued: 0 };
    await Promise.all(
      claimed.map(async (message) => {
        await pace(deps, campaign.channel, signal);
        await sendOne(deps, outbox, campaign, orgId, message, tally);
      }),
    );
    await addCounts(
      deps.database.db,
      campaign.id,
      { sent: tally.sent, failed: tally.failed, queued: -(tally.sent + tally.failed) },
      deps.clock.now(),
    );
    const current = await campaignById(deps.database.db, campaign.id);
    if (!current || current.status !== 'sending') return { next: 'done' };
    if (signal?.aborted || Date.now() - started > DELIVER_SLICE_MS) return { next: 'again' };
  }
}
