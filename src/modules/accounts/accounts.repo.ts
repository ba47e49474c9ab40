import { sql, type Kysely, type Transaction } from 'kysely';
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

export interface SignupRequestRow {
  id: string;
  email: string;
  password_hash: string;
  name: string | null;
  organization_name: string | null;
}

export async function insertSignupRequest(
  db: Executor,
  input: SignupRequestRow & { token_hash: string; expires_at: Date; created_at: Date },
): Promise<void> {
  await db.insertInto('signup_requests').values(input).execute();
}

/** The password hash of a usable (unused, unexpired) sign-up link. */
export async function findPendingSignup(
  db: Executor,
  tokenHash: string,
  now: Date,
): Promise<{ password_hash: string } | undefined> {
  return db
    .selectFrom('signup_requests')
    .select('password_hash')
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

/** Uses a sign-up link: one statement, so of concurrent verifications exactly one wins. */
export async function consumeSignupRequest(
  db: Executor,
  tokenHash: string,
  now: Date,
): Promise<SignupRequestRow | undefined> {
  return db
    .updateTable('signup_requests')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning(['id', 'email', 'password_hash', 'name', 'organization_name'])
    .executeTakeFirst();
}

/** Voids the other pending sign-ups of an address once one of them made the account. */
export async function voidSignupRequests(db: Executor, email: string, now: Date): Promise<void> {
  await db
    .updateTable('signup_requests')
    .set({ used_at: now })
    .where(sql<string>`lower(email)`, '=', email.toLowerCase())
    .where('used_at', 'is', null)
    .execute();
}

/** The address a usable (pending, unexpired) invitation was mailed to. */
export async function findUsableInvitationEmail(
  db: Executor,
  tokenHash: string,
  now: Date,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('invitations')
    .select('email')
    .where('token_hash', '=', tokenHash)
    .where('status', '=', 'pending')
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row?.email;
}
