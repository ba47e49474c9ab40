import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';

export type RequestType = 'export' | 'delete';
export type Regime = 'gdpr' | 'ccpa';
export type RequestStatus = 'received' | 'completed' | 'failed';

export interface PrivacyRequestRow {
  id: string;
  property_id: string;
  type: RequestType;
  player_id: string | null;
  subject_hash: string;
  regime: Regime;
  status: RequestStatus;
  note: string | null;
  received_at: Date;
  deadline: Date;
  extended_until: Date | null;
  extension_reason: string | null;
  extended_at: Date | null;
  completed_at: Date | null;
  completion: Record<string, unknown> | null;
}

export const REQUEST_COLUMNS = [
  'id',
  'property_id',
  'type',
  'player_id',
  'subject_hash',
  'regime',
  'status',
  'note',
  'received_at',
  'deadline',
  'extended_until',
  'extension_reason',
  'extended_at',
  'completed_at',
  'completion',
] as const;

export interface NewRequest {
  type: RequestType;
  playerId: string | null;
  subjectHash: string;
  regime: Regime;
  status: RequestStatus;
  note: string | null;
  receivedAt: Date;
  deadline: Date;
  completedAt: Date | null;
  completion: Record<string, unknown> | null;
}

export async function insertRequest(
  db: Kysely<DB>,
  propertyId: string,
  input: NewRequest,
): Promise<PrivacyRequestRow> {
  const row = await db
    .insertInto('privacy_requests')
    .values({
      property_id: propertyId,
      type: input.type,
      player_id: input.playerId,
      subject_hash: input.subjectHash,
      regime: input.regime,
      status: input.status,
      note: input.note,
      received_at: input.receivedAt,
      deadline: input.deadline,
      completed_at: input.completedAt,
      completion: input.completion === null ? null : JSON.stringify(input.completion),
    })
    .returning(REQUEST_COLUMNS)
    .executeTakeFirstOrThrow();
  return row;
}

/** A listed request: `overdue` when it is not completed and its (extended) deadline passed. */
export interface ListedRequestRow extends PrivacyRequestRow {
  overdue: boolean;
}

export async function listRequests(
  db: Kysely<DB>,
  propertyId: string,
  options: { limit: number; now: Date; overdue?: boolean | undefined },
): Promise<ListedRequestRow[]> {
  // One expression for the flag and the filter, so the two never disagree.
  const overdue = sql<boolean>`(status <> 'completed' AND coalesce(extended_until, deadline) < ${options.now})`;
  let query = db
    .selectFrom('privacy_requests')
    .select([...REQUEST_COLUMNS, overdue.as('overdue')])
    .where('property_id', '=', propertyId);
  if (options.overdue !== undefined) {
    query = query.where(options.overdue ? overdue : sql<boolean>`NOT ${overdue}`);
  }
  return query.orderBy('received_at', 'desc').orderBy('id', 'desc').limit(options.limit).execute();
}

/** The subject's earlier requests keep only the hash once the profile is erased. */
export async function unlinkRequests(
  trx: Transaction<DB>,
  propertyId: string,
  playerId: string,
): Promise<void> {
  await trx
    .updateTable('privacy_requests')
    .set({ player_id: null })
    .where('property_id', '=', propertyId)
    .where('player_id', '=', playerId)
    .execute();
}

/** The player named by the request, locked for the erasure's transaction. */
export async function lockPlayer(
  trx: Transaction<DB>,
  propertyId: string,
  id: string,
): Promise<
  | {
      id: string;
      player_id: string | null;
      email: string | null;
      phone: string | null;
      status: string;
    }
  | undefined
> {
  return trx
    .selectFrom('players')
    .select(['id', 'player_id', 'email', 'phone', 'status'])
    .where('property_id', '=', propertyId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

/** A player's contact addresses, as consents and the contact log store them. */
export interface Addresses {
  /** lower-case */
  email: string | null;
  /** E.164 */
  phone: string | null;
}

/** The contact log rows of the player: by id, or by one of its addresses (rows without an id). */
export function contactOf(playerId: string, { email, phone }: Addresses): RawBuilder<boolean> {
  const addresses = [email, phone].filter((value): value is string => value !== null);
  return addresses.length === 0
    ? sql<boolean>`player_id = ${playerId}`
    : sql<boolean>`(player_id = ${playerId} OR address IN (${sql.join(addresses)}))`;
}

/** How many consent and decision rows the erasure keeps (legal obligation). */
export async function countKept(
  trx: Transaction<DB>,
  propertyId: string,
  playerId: string,
): Promise<{ consents: number; decisions: number }> {
  const { rows } = await sql<{ consents: string; decisions: string }>`
    SELECT (SELECT count(*) FROM consents WHERE property_id = ${propertyId} AND player_id = ${playerId}) AS consents,
           (SELECT count(*) FROM compliance_decisions
             WHERE property_id = ${propertyId} AND player_id = ${playerId}) AS decisions`.execute(
    trx,
  );
  const row = rows[0];
  return { consents: Number(row?.consents ?? 0), decisions: Number(row?.decisions ?? 0) };
}

export async function insertSuppressions(
  trx: Transaction<DB>,
  propertyId: string,
  rows: readonly { hash: string; reason: 'erased' | 'self_excluded' }[],
  note: string,
): Promise<number> {
  if (rows.length === 0) return 0;
  const result = await trx
    .insertInto('suppressions')
    .values(
      rows.map((row) => ({ property_id: propertyId, hash: row.hash, reason: row.reason, note })),
    )
    .onConflict((oc) => oc.columns(['property_id', 'hash', 'reason']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n);
}

/** Deletes the player's erasable records, the profile last; answers the rows deleted by kind. */
export async function erasePlayerRows(
  trx: Transaction<DB>,
  propertyId: string,
  playerId: string,
  addresses: Addresses,
): Promise<Record<string, number>> {
  const count = (result: { numDeletedRows: bigint }) => Number(result.numDeletedRows);
  const activity = count(
    await trx
      .deleteFrom('player_activity')
      .where('property_id', '=', propertyId)
      .where('player_id', '=', playerId)
      .executeTakeFirst(),
  );
  const subscriptions = count(
    await trx
      .deleteFrom('subscription_members')
      .where('property_id', '=', propertyId)
      .where('player_id', '=', playerId)
      .executeTakeFirst(),
  );
  const contacts = count(
    await trx
      .deleteFrom('contact_log')
      .where('property_id', '=', propertyId)
      .where(contactOf(playerId, addresses))
      .executeTakeFirst(),
  );
  // Campaign messages sent to the player (their short links cascade).
  const messages = count(
    await trx
      .deleteFrom('messages')
      .where('property_id', '=', propertyId)
      .where('player_id', '=', playerId)
      .executeTakeFirst(),
  );
  // The events about the player, and the webhook messages that carried them (their attempts
  // cascade). Before the profile: its deletion writes player.deleted, which is kept, so
  // webhook subscribers (processors) learn of the erasure.
  const { rows: erased } = await sql<{ messages: string; events: string }>`
    WITH gone AS (
      DELETE FROM events
       WHERE property_id = ${propertyId} AND type LIKE 'player.%' AND payload->>'id' = ${playerId}
      RETURNING id
    ), messages AS (
      DELETE FROM webhook_messages m USING gone
       WHERE m.property_id = ${propertyId} AND m.event_id = gone.id
      RETURNING m.id
    )
    SELECT (SELECT count(*) FROM gone) AS events,
           (SELECT count(*) FROM messages) AS messages`.execute(trx);
  const player = count(
    await trx
      .deleteFrom('players')
      .where('property_id', '=', propertyId)
      .where('id', '=', playerId)
      .executeTakeFirst(),
  );
  return {
    player,
    activity,
    subscriptions,
    contacts,
    messages,
    events: Number(erased[0]?.events ?? 0),
    webhook_messages: Number(erased[0]?.messages ?? 0),
  };
}
