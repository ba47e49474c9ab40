import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import {
  type PrivacyRequestRow,
  REQUEST_COLUMNS,
  type RequestStatus,
  type RequestType,
} from './privacy.repo.ts';

/**
 * The statuses a request can still be answered from: opened (`received`), or an attempt that
 * rolled back (`failed`), which the operator may retry by naming it.
 */
export const OPEN_STATUSES: readonly RequestStatus[] = ['received', 'failed'];

export function findRequest(
  db: Kysely<DB>,
  propertyId: string,
  id: string,
): Promise<PrivacyRequestRow | undefined> {
  return db
    .selectFrom('privacy_requests')
    .select(REQUEST_COLUMNS)
    .where('property_id', '=', propertyId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The request, locked for the erasure transaction that completes it. */
export function lockRequest(
  trx: Transaction<DB>,
  propertyId: string,
  id: string,
): Promise<PrivacyRequestRow | undefined> {
  return trx
    .selectFrom('privacy_requests')
    .select(REQUEST_COLUMNS)
    .where('property_id', '=', propertyId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

/**
 * Extends an open, never-extended request whose first deadline has not passed, in one
 * statement: of two concurrent extensions, or an extension racing the completion, one wins.
 */
export function extendRequest(
  db: Kysely<DB>,
  propertyId: string,
  id: string,
  values: { extendedUntil: Date; reason: string; now: Date },
): Promise<PrivacyRequestRow | undefined> {
  return db
    .updateTable('privacy_requests')
    .set({
      extended_until: values.extendedUntil,
      extension_reason: values.reason,
      extended_at: values.now,
    })
    .where('property_id', '=', propertyId)
    .where('id', '=', id)
    .where('status', 'in', OPEN_STATUSES)
    .where('extended_until', 'is', null)
    .where('deadline', '>=', values.now)
    .returning(REQUEST_COLUMNS)
    .executeTakeFirst();
}

/**
 * Completes an open request of `type` naming `playerId`, in one statement (so a request is
 * completed once). `keepPlayer` false unlinks the player, as an erasure does.
 */
export function completeRequest(
  db: Kysely<DB>,
  propertyId: string,
  id: string,
  values: {
    type: RequestType;
    playerId: string;
    keepPlayer: boolean;
    completion: Record<string, unknown>;
    now: Date;
  },
): Promise<PrivacyRequestRow | undefined> {
  return db
    .updateTable('privacy_requests')
    .set({
      status: 'completed',
      completed_at: values.now,
      completion: JSON.stringify(values.completion),
      player_id: values.keepPlayer ? values.playerId : null,
    })
    .where('property_id', '=', propertyId)
    .where('id', '=', id)
    .where('status', 'in', OPEN_STATUSES)
    .where('type', '=', values.type)
    .where('player_id', '=', values.playerId)
    .returning(REQUEST_COLUMNS)
    .executeTakeFirst();
}

/** An attempt to answer the request rolled back: it stays open, marked failed. */
export async function markFailed(db: Kysely<DB>, propertyId: string, id: string): Promise<void> {
  await db
    .updateTable('privacy_requests')
    .set({ status: 'failed' })
    .where('property_id', '=', propertyId)
    .where('id', '=', id)
    .where('status', 'in', OPEN_STATUSES)
    .execute();
}
