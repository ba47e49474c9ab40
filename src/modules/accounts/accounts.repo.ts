import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';

type Executor = Kysely<DB> | Transaction<DB>;

export async function insertPasswordReset(
  db: Executor,
  input: { token_hash: string; user_id: number; expires_at: Date; created_at: Date },
): Promise<void> {
  await db.insertInto('password_resets').values(input).execute();
}

/** Whose reset link this is, whatever its state: for per-account throttling. */
export async function findResetOwner(
  db: Executor,
  tokenHash: string,
): Promise<{ user_id: number } | undefined> {
  return db
    .selectFrom('password_resets')
    .select('user_id')
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
}

/** Uses a reset link: one statement, so of concurrent confirmations exactly one wins. */
export async function consumePasswordReset(
  db: Executor,
  tokenHash: string,
  now: Date,
): Promise<{ user_id: number } | undefined> {
  return db
    .updateTable('password_resets')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning('user_id')
    .executeTakeFirst();
}

/** Voids every other unused link of the user once the password changed. */
export async function voidPasswordResets(db: Executor, userId: number, now: Date): Promise<void> {
  await db
    .updateTable('password_resets')
    .set({ used_at: now })
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .execute();
}
