import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Role } from './organizations.roles.ts';

type Executor = Kysely<DB> | Transaction<DB>;

export interface InvitationRow {
  id: string;
  org_id: number;
  email: string;
  role: Role;
  invited_by: number | null;
  status: 'pending' | 'accepted' | 'revoked';
  expires_at: Date;
  created_at: Date;
  accepted_at: Date | null;
}

const INVITATION_COLUMNS = [
  'id',
  'org_id',
  'email',
  'role',
  'invited_by',
  'status',
  'expires_at',
  'created_at',
  'accepted_at',
] as const;

const typed = <T extends { role: string }>(row: T) => ({ ...row, role: row.role as Role });

/**
 * Sending a new invitation to an address replaces the one still pending for it (a re-send):
 * the old link stops working. One pending invitation per address is also a unique index.
 */
export async function revokePendingForEmail(
  db: Executor,
  orgId: number,
  email: string,
): Promise<void> {
  await db
    .updateTable('invitations')
    .set({ status: 'revoked' })
    .where('org_id', '=', orgId)
    .where(sql<string>`lower(email)`, '=', email.toLowerCase())
    .where('status', '=', 'pending')
    .execute();
}

export async function insertInvitation(
  db: Executor,
  input: {
    id: string;
    org_id: number;
    email: string;
    role: Role;
    token_hash: string;
    invited_by: number;
    expires_at: Date;
    created_at: Date;
  },
): Promise<InvitationRow> {
  return typed(
    await db
      .insertInto('invitations')
      .values(input)
      .returning(INVITATION_COLUMNS)
      .executeTakeFirstOrThrow(),
  );
}

export async function listInvitationRows(db: Executor, orgId: number): Promise<InvitationRow[]> {
  const rows = await db
    .selectFrom('invitations')
    .select(INVITATION_COLUMNS)
    .where('org_id', '=', orgId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(1000)
    .execute();
  return rows.map(typed);
}

export async function findInvitation(
  db: Executor,
  orgId: number,
  id: string,
): Promise<InvitationRow | undefined> {
  const row = await db
    .selectFrom('invitations')
    .select(INVITATION_COLUMNS)
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row && typed(row);
}

export async function findInvitationByTokenHash(
  db: Executor,
  tokenHash: string,
): Promise<InvitationRow | undefined> {
  const row = await db
    .selectFrom('invitations')
    .select(INVITATION_COLUMNS)
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
  return row && typed(row);
}

export async function revokeInvitationRow(
  db: Executor,
  orgId: number,
  id: string,
): Promise<InvitationRow | undefined> {
  const row = await revokePending(db, orgId)
    .where('id', '=', id)
    .returning(INVITATION_COLUMNS)
    .executeTakeFirst();
  return row && typed(row);
}

/** Only a pending invitation can be revoked; the caller narrows down which. */
function revokePending(db: Executor, orgId: number) {
  return db
    .updateTable('invitations')
    .set({ status: 'revoked' })
    .where('org_id', '=', orgId)
    .where('status', '=', 'pending');
}

/**
 * Revokes every pending invitation a member sent, in the caller's transaction (the member's
 * removal): an invitation must not outlive the authority of whoever sent it. Returns the ids.
 */
export async function revokePendingInvitedBy(
  db: Executor,
  orgId: number,
  userId: number,
): Promise<string[]> {
  const rows = await revokePending(db, orgId)
    .where('invited_by', '=', userId)
    .returning('id')
    .execute();
  return rows.map((row) => row.id).sort();
}

/** Marks a pending, unexpired invitation accepted: exactly one caller wins. */
export async function consumeInvitation(
  db: Executor,
  id: string,
  now: Date,
): Promise<InvitationRow | undefined> {
  const row = await db
    .updateTable('invitations')
    .set({ status: 'accepted', accepted_at: now })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('expires_at', '>', now)
    .returning(INVITATION_COLUMNS)
    .executeTakeFirst();
  return row && typed(row);
}
