import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';

export interface UserRow {
  id: number;
  email: string;
  name: string | null;
  created_at: Date;
}

const USER_COLUMNS = ['id', 'email', 'name', 'created_at'] as const;

export async function insertUser(
  db: Kysely<DB> | Transaction<DB>,
  input: {
    email: string;
    name: string | null;
    password_hash: string | null;
    email_verified_at: Date | null;
  },
): Promise<UserRow> {
  return db.insertInto('users').values(input).returning(USER_COLUMNS).executeTakeFirstOrThrow();
}

export async function findUserById(db: Kysely<DB>, userId: number): Promise<UserRow | undefined> {
  return db.selectFrom('users').select(USER_COLUMNS).where('id', '=', userId).executeTakeFirst();
}

export async function findUserCredentials(
  db: Kysely<DB>,
  email: string,
): Promise<(UserRow & { password_hash: string | null }) | undefined> {
  return db
    .selectFrom('users')
    .select([...USER_COLUMNS, 'password_hash'])
    .where(sql<string>`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirst();
}

export async function findUserByEmail(db: Kysely<DB>, email: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .select(USER_COLUMNS)
    .where(sql<string>`lower(email)`, '=', email.trim().toLowerCase())
    .executeTakeFirst();
}

export async function findUserByExternalSubject(
  db: Kysely<DB>,
  subject: string,
): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .select(USER_COLUMNS)
    .where('external_subject', '=', subject)
    .executeTakeFirst();
}

/**
 * Links an external identity to the user with this email, unless one is linked already, and
 * only when the user's own address is verified: otherwise whoever registered someone else's
 * address first would receive that person's identity-provider logins.
 */
export async function linkExternalSubjectByEmail(
  db: Kysely<DB>,
  email: string,
  subject: string,
): Promise<UserRow | undefined> {
  return db
    .updateTable('users')
    .set({ external_subject: subject })
    .where(sql<string>`lower(email)`, '=', email.toLowerCase())
    .where('external_subject', 'is', null)
    .where('email_verified_at', 'is not', null)
    .returning(USER_COLUMNS)
    .executeTakeFirst();
}

/** Records that the user's address received a link sent to it (keeps the first date). */
export async function markEmailVerified(db: Executor, userId: number, now: Date): Promise<void> {
  await db
    .updateTable('users')
    .set({ email_verified_at: now })
    .where('id', '=', userId)
    .where('email_verified_at', 'is', null)
    .execute();
}

export async function insertUserSession(
  db: Kysely<DB>,
  input: { token_hash: string; user_id: number; expires_at: Date },
): Promise<void> {
  await db.insertInto('user_sessions').values(input).execute();
}

export async function findUserBySessionHash(
  db: Kysely<DB>,
  tokenHash: string,
  now: Date,
): Promise<UserRow | undefined> {
  return db
    .selectFrom('user_sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['u.id', 'u.email', 'u.name', 'u.created_at'])
    .where('s.token_hash', '=', tokenHash)
    .where('s.expires_at', '>', now)
    .executeTakeFirst();
}

export async function deleteUserSession(db: Kysely<DB>, tokenHash: string): Promise<void> {
  await db.deleteFrom('user_sessions').where('token_hash', '=', tokenHash).execute();
}

type Executor = Kysely<DB> | Transaction<DB>;

export async function findPasswordHash(
  db: Executor,
  userId: number,
): Promise<string | null | undefined> {
  const row = await db
    .selectFrom('users')
    .select('password_hash')
    .where('id', '=', userId)
    .executeTakeFirst();
  return row?.password_hash;
}

export async function updatePasswordHash(
  db: Executor,
  userId: number,
  passwordHash: string,
): Promise<void> {
  await db
    .updateTable('users')
    .set({ password_hash: passwordHash })
    .where('id', '=', userId)
    .execute();
}

/** Ends every login token of the user, except the one with `keepTokenHash` when given. */
export async function deleteUserSessions(
  db: Executor,
  userId: number,
  keepTokenHash?: string,
): Promise<void> {
  let query = db.deleteFrom('user_sessions').where('user_id', '=', userId);
  if (keepTokenHash !== undefined) query = query.where('token_hash', '<>', keepTokenHash);
  await query.execute();
}

export async function deleteUser(db: Executor, userId: number): Promise<void> {
  await db.deleteFrom('users').where('id', '=', userId).execute();
}
