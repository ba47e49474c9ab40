import { randomUUID } from 'node:crypto';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import { quoteName } from '../../lib/display-name.ts';
import { newLinkToken, sha256Hex } from '../../lib/secrets.ts';
import { countAttempt } from '../../lib/throttle.ts';
import { type Actor, markEmailVerified, type UserRow } from '../users/index.ts';
import { findOrganization, insertMembership } from './organizations.repo.ts';
import { findMemberByEmail } from './organizations.members.repo.ts';
import {
  consumeInvitation,
  findInvitation,
  findInvitationByTokenHash,
  insertInvitation,
  type InvitationRow,
  listInvitationRows,
  revokeInvitationRow,
  revokePendingForEmail,
} from './organizations.invitations.repo.ts';
import { type Role, roleAtLeast } from './organizations.roles.ts';
import { requireOrgRole } from './organizations.service.ts';

/** The digest: invitations expire after 30 days. */
export const INVITATION_TTL_MS = 30 * 86_400_000;
/** Owner is never invitable: ownership is given by promoting a member. */
export const INVITABLE_ROLES = ['Admin', 'Editor', 'Analyst', 'Viewer'] as const;
const GONE = 'This invitation is invalid, expired, revoked or already used';

export type InvitationStatus = 'pending' | 'accepted' | 'revoked' | 'expired';

export interface InvitationView {
  id: string;
  email: string;
  role: Role;
  status: InvitationStatus;
  invited_by: number | null;
  created_at: Date;
  expires_at: Date;
  accepted_at: Date | null;
}

function view(row: InvitationRow, now: Date): InvitationView {
  const expired = row.status === 'pending' && row.expires_at.getTime() <= now.getTime();
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    status: expired ? 'expired' : row.status,
    invited_by: row.invited_by,
    created_at: row.created_at,
    expires_at: row.expires_at,
    accepted_at: row.accepted_at,
  };
}

/**
 * The invitation mail. Names in it are chosen by users (organization name, inviter's name), so
 * each is quoted and neutralised (`quoteName`: one line, no links, at most 80 characters) and
 * labelled as user-chosen, apart from the platform's own sentences; the Subject carries only the
 * neutralised organization name, so no user text can add a header line or read as our words.
 */
export function invitationMail(input: {
  orgName: string;
  inviter: UserRow;
  role: Role;
  link: string;
  expiresAt: Date;
}) {
  const org = quoteName(input.orgName);
  const inviter = input.inviter.name
    ? `${quoteName(input.inviter.name)} <${input.inviter.email}>`
    : `<${input.inviter.email}>`;
  return {
    subject: `PlayLoop invitation to join ${quoteName(input.orgName, 40)}`,
    text: [
      `You are invited to join an organization on PlayLoop as ${input.role}.`,
      '',
      `  Organization (name chosen by its members): ${org}`,
      `  Invited by (name chosen by that user):    ${inviter}`,
      '',
      'Accept the invitation (sign up or log in with this email address first):',
      input.link,
      '',
      `The link works once and expires on ${input.expiresAt.toISOString()}.`,
      '',
      '--',
      'The quoted names above were written by PlayLoop users, not by PlayLoop. PlayLoop never asks',
      'for passwords or payment details by mail; if you did not expect this invitation, ignore it.',
    ].join('\n'),
  };
}

export async function createInvitation(
  deps: Deps,
  inviter: UserRow,
  orgId: number,
  input: { email: string; role: Role },
): Promise<InvitationView & { email_sent: boolean }> {
  const { org, role: inviterRole } = await requireOrgRole(
    deps,
    { userId: inviter.id },
    orgId,
    'Admin',
  );
  if (!(INVITABLE_ROLES as readonly string[]).includes(input.role)) {
    throw new AppError('validation_failed', `role must be one of ${INVITABLE_ROLES.join(', ')}`);
  }
  if (!roleAtLeast(inviterRole, input.role)) {
    throw new AppError(
      'forbidden',
      `You can invite only with roles up to your own (${inviterRole})`,
    );
  }
  const email = input.email.trim();
  if (await findMemberByEmail(deps.database.db, orgId, email)) {
    throw new AppError('conflict', 'Someone with this email is a member already');
  }
  // Counted before anything is stored or mailed (a re-send is an invitation too): the user's
  // budget first, so one member's burst cannot use up the organization's for the others.
  const throttles = deps.config.inviteThrottles;
  await countAttempt(
    deps.rateLimiter,
    `invite:user:${inviter.id}`,
    throttles.perUser,
    'You have sent too many invitations',
  );
  await countAttempt(
    deps.rateLimiter,
    `invite:org:${orgId}`,
    throttles.perOrg,
    'This organization has sent too many invitations',
  );
  const now = deps.clock.now();
  const { token, hash } = newLinkToken();
  let row: InvitationRow;
  try {
    row = await deps.database.db.transaction().execute(async (trx) => {
      await revokePendingForEmail(trx, orgId, email);
      return insertInvitation(trx, {
        id: randomUUID(),
        org_id: orgId,
        email,
        role: input.role,
        token_hash: hash,
        invited_by: inviter.id,
        created_at: now,
        expires_at: new Date(now.getTime() + INVITATION_TTL_MS),
      });
    });
  } catch (error) {
    if ((error as { code?: string }).code === '23505') {
      throw new AppError('conflict', 'This address is being invited right now; try again');
    }
    throw error;
  }
  const link = `${deps.config.publicUrl}/accept-invite?token=${token}`;
  const mail = invitationMail({
    orgName: org.name,
    inviter,
    role: row.role,
    link,
    expiresAt: row.expires_at,
  });
  const emailSent = await deps.mailer.send({ to: email, ...mail }).then(
    () => true,
    (error: unknown) => {
      deps.logger.warn({ err: String(error), invitation: row.id }, 'invitation mail not sent');
      return false;
    },
  );
  return { ...view(row, now), email_sent: emailSent };
}

export async function listInvitations(
  deps: Deps,
  actor: Actor,
  orgId: number,
): Promise<InvitationView[]> {
  await requireOrgRole(deps, actor, orgId, 'Admin');
  const now = deps.clock.now();
  return (await listInvitationRows(deps.database.db, orgId)).map((row) => view(row, now));
}

export async function revokeInvitation(
  deps: Deps,
  actor: Actor,
  orgId: number,
  id: string,
): Promise<InvitationView> {
  await requireOrgRole(deps, actor, orgId, 'Admin');
  const revoked = await revokeInvitationRow(deps.database.db, orgId, id);
  if (revoked) return view(revoked, deps.clock.now());
  const existing = await findInvitation(deps.database.db, orgId, id);
  if (!existing) throw new AppError('not_found', 'Invitation not found');
  throw new AppError(
    'conflict',
    `The invitation is ${existing.status}; only a pending one can be revoked`,
  );
}

/** Accepts an invitation for the logged-in user, whose email must be the invited one. */
export async function acceptInvitation(
  deps: Deps,
  user: UserRow,
  token: string,
): Promise<{ organization: { id: number; name: string; slug: string }; role: Role }> {
  const invitation = await findInvitationByTokenHash(deps.database.db, sha256Hex(token));
  if (!invitation) throw new AppError('invitation_gone', GONE);
  if (invitation.email.toLowerCase() !== user.email.toLowerCase()) {
    throw new AppError('forbidden', 'This invitation was sent to another email address');
  }
  const now = deps.clock.now();
  const accepted = await deps.database.db.transaction().execute(async (trx) => {
    const row = await consumeInvitation(trx, invitation.id, now);
    if (!row) throw new AppError('invitation_gone', GONE);
    try {
      await insertMembership(trx, row.org_id, user.id, row.role);
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        throw new AppError('conflict', 'You are a member of this organization already');
      }
      throw error;
    }
    // The invitation was mailed to this address and the user's email is that address.
    await markEmailVerified(trx, user.id, now);
    // Present: the invitation would have gone with its organization (ON DELETE CASCADE).
    const org = await findOrganization(trx, row.org_id);
    if (!org) throw new AppError('invitation_gone', GONE);
    return { organization: { id: org.id, name: org.name, slug: org.slug }, role: row.role };
  });
  return accepted;
}
