import { createHash } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';

// Idempotency-Key: a call retried with the same key gets the first call's answer and does
// nothing again. The key is claimed by inserting its row in the transaction that does the work,
// so a concurrent call with the same key waits on that row until the first one commits, then
// reads its answer; if the first one failed (rolled back), the next one does the work.

/** How long an answer is kept for its key. */
export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;

export interface Answer<T> {
  status: number;
  body: T;
  /** The answer was recorded by an earlier call with the same key. */
  replayed: boolean;
}

export const requestHash = (value: unknown): string =>
  createHash('sha256').update(JSON.stringify(value)).digest('hex');

/**
 * Runs `work` once per (property, operation, key). Without a key it just runs. The same key
 * with a different request is a 409: a key names one intent.
 */
export async function idempotent<T>(
  deps: Deps,
  scope: { propertyId: string; operation: string; key: string | undefined; request: unknown },
  work: (trx: Transaction<DB>) => Promise<{ status: number; body: T }>,
): Promise<Answer<T>> {
  const { propertyId, operation, key } = scope;
  if (key === undefined) {
    const answer = await deps.database.db.transaction().execute(work);
    return { ...answer, replayed: false };
  }
  if (key.length === 0 || key.length > 255 || !/^[\x21-\x7e]+$/.test(key)) {
    throw new AppError(
      'validation_failed',
      'Idempotency-Key must be 1 to 255 visible ASCII characters',
      { field: 'Idempotency-Key' },
    );
  }
  const hash = requestHash(scope.request);
  return deps.database.db.transaction().execute(async (trx) => {
    const now = deps.clock.now();
    await trx
      .deleteFrom('idempotency_keys')
      .where('property_id', '=', propertyId)
      .where('operation', '=', operation)
      .where('key', '=', key)
      .where('created_at', '<', new Date(now.getTime() - IDEMPOTENCY_TTL_MS))
      .execute();
    const claimed = await sql<{ key: string }>`
      INSERT INTO idempotency_keys (property_id, operation, key, request_hash, status_code, response, created_at)
      VALUES (${propertyId}, ${operation}, ${key}, ${hash}, 0, '{}'::jsonb, ${now})
      ON CONFLICT DO NOTHING RETURNING key`.execute(trx);
    if (claimed.rows.length === 0) {
      const first = await trx
        .selectFrom('idempotency_keys')
        .select(['request_hash', 'status_code', 'response'])
        .where('property_id', '=', propertyId)
        .where('operation', '=', operation)
        .where('key', '=', key)
        .executeTakeFirstOrThrow();
      if (first.request_hash !== hash) {
        throw new AppError(
          'conflict',
          'This Idempotency-Key was already used with a different request',
        );
      }
      return { status: first.status_code, body: first.response as T, replayed: true };
    }
    const answer = await work(trx);
    await trx
      .updateTable('idempotency_keys')
      .set({ status_code: answer.status, response: JSON.stringify(answer.body) })
      .where('property_id', '=', propertyId)
      .where('operation', '=', operation)
      .where('key', '=', key)
      .execute();
    return { ...answer, replayed: false };
  });
}
