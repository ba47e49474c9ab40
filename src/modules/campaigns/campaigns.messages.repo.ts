import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { DB, MessagesTable, MessageStatus } from '../../db/schema.ts';

// Messages of a campaign: what planning writes (one per recipient), what the sender claims and
// marks, and what the API reads (property first).

type Executor = Kysely<DB> | Transaction<DB>;

export type MessageRow = Selectable<MessagesTable>;

export interface NewMessage {
  id: string;
  player_id: string;
  status: 'queued' | 'skipped';
  skip_reasons: string[];
  decision_id: string | null;
  to_address: string | null;
  subject: string | null;
  html: string | null;
  body: string | null;
  sms_segments: number | null;
  sms_encoding: string | null;
  send_after: Date;
}

/** Which of these players already have a message of the campaign (a resumed plan's batch). */
export async function plannedPlayers(
  db: Executor,
  campaignId: string,
  playerIds: readonly string[],
): Promise<Set<string>> {
  if (playerIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('messages')
    .select('player_id')
    .where('campaign_id', '=', campaignId)
    .where('player_id', 'in', playerIds)
    .execute();
  return new Set(rows.map((row) => row.player_id));
}

/** Inserts a batch; a player who has one already keeps it (the unique key), never a second. */
export async function insertMessages(
  trx: Transaction<DB>,
  campaign: { property_id: string; id: string; channel: 'email' | 'sms' },
  messages: readonly NewMessage[],
  now: Date,
): Promise<{ id: string; status: MessageStatus }[]> {
  if (messages.length === 0) return [];
  return trx
    .insertInto('messages')
    .values(
      messages.map((message) => ({
        ...message,
        property_id: campaign.property_id,
        campaign_id: campaign.id,
        channel: campaign.channel,
        created_at: now,
        updated_at: now,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['campaign_id', 'player_id']).where('journey_run_id', 'is', null).doNothing(),
    )
    .returning(['id', 'status'])
    .execute();
}

/**
 * Takes up to `limit` of the campaign's due messages for this worker: queued ones whose time
 * has come, and ones another worker took before `staleBefore` and never finished (it died).
 * Each is marked `sending` in this statement, so two workers never take the same message.
 */
export async function claimDue(
  db: Executor,
  campaignId: string,
  now: Date,
  staleBefore: Date,
  limit: number,
): Promise<MessageRow[]> {
  const { rows } = await sql<MessageRow>`
    UPDATE messages m
       SET status = 'sending', attempts = m.attempts + 1, sending_at = ${now}, updated_at = ${now}
      FROM (SELECT id FROM messages
             WHERE campaign_id = ${campaignId} AND send_after <= ${now}
               AND (status = 'queued' OR (status = 'sending' AND sending_at < ${staleBefore}))
             ORDER BY send_after, id
             LIMIT ${limit}
             FOR UPDATE SKIP LOCKED) due
     WHERE m.id = due.id
    RETURNING m.*
  `.execute(db);
  return rows;
}

/** The campaign's unfinished messages: how many, and when the next one is due. */
export async function pendingMessages(
  db: Executor,
  campaignId: string,
): Promise<{ count: number; nextDue: Date | null }> {
  const { rows } = await sql<{ count: string; next_due: Date | null }>`
    SELECT count(*)::text AS count, min(send_after) AS next_due FROM messages
     WHERE campaign_id = ${campaignId} AND status IN ('queued', 'sending')
  `.execute(db);
  return { count: Number(rows[0]?.count ?? 0), nextDue: rows[0]?.next_due ?? null };
}

/** Marks a message the sender handed over (only if still its claim: `sending`). */
export async function markSent(
  db: Executor,
  id: string,
  result: { provider: string; provider_id: string | null },
  now: Date,
): Promise<boolean> {
  const updated = await db
    .updateTable('messages')
    .set({ status: 'sent', ...result, sent_at: now, error: null, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .executeTakeFirst();
  return updated.numUpdatedRows > 0n;
}

/** Gives a claimed message back to the queue, to try again at `retryAt`. */
export async function requeue(
  db: Executor,
  id: string,
  error: string,
  retryAt: Date,
  now: Date,
): Promise<void> {
  await db
    .updateTable('messages')
    .set({ status: 'queued', error, send_after: retryAt, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .execute();
}

export async function markFailed(
  db: Executor,
  id: string,
  error: string,
  now: Date,
): Promise<boolean> {
  const updated = await db
    .updateTable('messages')
    .set({ status: 'failed', error, failed_at: now, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .executeTakeFirst();
  return updated.numUpdatedRows > 0n;
}

/** Queued messages of a cancelled campaign: never sent. Returns how many. */
export async function cancelQueued(db: Executor, campaignId: string, now: Date): Promise<number> {
  const result = await db
    .updateTable('messages')
    .set({ status: 'cancelled', updated_at: now })
    .where('campaign_id', '=', campaignId)
    .where('status', '=', 'queued')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The order of statuses a message moves through: a later event never moves it back. */
const RANK: Record<MessageStatus, number> = {
  queued: 0,
  skipped: 0,
  cancelled: 0,
  sending: 1,
  failed: 2,
  sent: 2,
  bounced: 3,
  delivered: 3,
  opened: 4,
  clicked: 5,
};

export const statusRank = (status: MessageStatus): number => RANK[status];

export function findMessage(
  db: Executor,
  propertyId: string,
  id: string,
): Promise<MessageRow | undefined> {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('property_id', '=', propertyId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** A message by id alone: tracking links and provider callbacks name it, not its property. */
export function messageById(db: Executor, id: string): Promise<MessageRow | undefined> {
  return db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
}

export function messageByProviderId(
  db: Executor,
  providerId: string,
): Promise<MessageRow | undefined> {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('provider_id', '=', providerId)
    .executeTakeFirst();
}

/**
 * Records that a message was delivered, bounced, opened or clicked: its timestamp the first
 * time, and its status when the event ranks above the current one. Returns the row before the
 * change, or undefined when this event was already recorded (a repeated callback or click).
 */
export async function recordOutcome(
  trx: Transaction<DB>,
  id: string,
  outcome: 'delivered' | 'bounced' | 'failed' | 'opened' | 'clicked',
  now: Date,
  error: string | null = null,
): Promise<{ before: MessageRow; after: MessageRow } | undefined> {
  const before = await trx
    .selectFrom('messages')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!before) return undefined;
  const stamp = `${outcome}_at` as const;
  if (before[stamp] !== null) return undefined;
  const status = RANK[outcome] > RANK[before.status] ? outcome : before.status;
  const after = await trx
    .updateTable('messages')
    .set({ [stamp]: now, status, updated_at: now, ...(error ? { error } : {}) })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return { before, after };
}

export interface MessageListOptions {
  campaignId: string | undefined;
  playerId: string | undefined;
  status: MessageStatus | undefined;
  before: { created_at: Date; id: string } | undefined;
  limit: number;
}

/** Newest first, keyset on (created_at, id); without the bodies (a list of a million rows). */
export function listMessages(
  db: Executor,
  propertyId: string,
  options: MessageListOptions,
): Promise<Omit<MessageRow, 'html' | 'body'>[]> {
  let query = db
    .selectFrom('messages')
    .select([
      'id',
      'property_id',
      'campaign_id',
      'player_id',
      'channel',
      'status',
      'skip_reasons',
      'decision_id',
      'to_address',
      'subject',
      'sms_segments',
      'sms_encoding',
      'send_after',
      'provider',
      'provider_id',
      'error',
      'attempts',
      'sending_at',
      'sent_at',
      'delivered_at',
      'bounced_at',
      'failed_at',
      'opened_at',
      'clicked_at',
      'journey_run_id',
      'created_at',
      'updated_at',
    ])
    .where('property_id', '=', propertyId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit);
  if (options.campaignId) query = query.where('campaign_id', '=', options.campaignId);
  if (options.playerId) query = query.where('player_id', '=', options.playerId);
  if (options.status) query = query.where('status', '=', options.status);
  const before = options.before;
  if (before) {
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '<', before.created_at),
        eb.and([eb('created_at', '=', before.created_at), eb('id', '<', before.id)]),
      ]),
    );
  }
  return query.execute();
}
