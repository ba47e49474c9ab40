import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import type { Actor } from '../users/index.ts';
import { findMembershipRole } from './organizations.repo.ts';
import {
  countOwners,
  deleteMembership,
  findMember,
  listMemberRows,
  listPendingInvitationRows,
  type KeysCreatedBy,
  listWorkingKeysCreatedBy,
  lockOrganization,
  type MemberRow,
  updateMemberRole,
} from './organizations.members.repo.ts';
import { revokePendingInvitedBy } from './organizations.invitations.repo.ts';
import { type Role, roleAtLeast } from './organizations.roles.ts';
import { requireOrgRole } from './organizations.service.ts';

export interface MemberView {
  user_id: number | null;
  invitation_id: string | null;
  name: string | null;
  email: string;
  role: Role;
  status: 'Active' | 'Pending';
  joined_at: Date | null;
  expires_at: Date | null;
}

const active = (row: MemberRow): MemberView => ({
  ...row,
  invitation_id: null,
  status: 'Active',
  expires_at: null,
});

/** The members list (any member): members first, then invitations still pending. */
export async function listMembers(deps: Deps, actor: Actor, orgId: number): Promise<MemberView[]> {
  await requireOrgRole(deps, actor, orgId, 'Viewer');
  const db = deps.database.db;
  const [members, pending] = await Promise.all([
    listMemberRows(db, orgId),
    listPendingInvitationRows(db, orgId, deps.clock.now()),
  ]);
  return [
    ...members.map(active),
    ...pending.map((row) => ({
      user_id: null,
      invitation_id: row.invitation_id,
      name: null,
      email: row.email,
      role: row.role,
      status: 'Pending' as const,
      joined_at: null,
      expires_at: row.expires_at,
    })),
  ];
}

const forbidden = (message: string) => new AppError('forbidden', message);
const LAST_OWNER = 'An organization must keep at least one Owner';

/**
 * Runs a membership change with the organization locked, after resolving the actor's role and
 * the target member (404 for either missing: not being a member looks like no organization).
 */
async function withMembers<T>(
  deps: Deps,
  actor: Actor,
  orgId: number,
  targetUserId: number,
  change: (trx: Transaction<DB>, actorRole: Role, target: MemberRow) => Promise<T>,
): Promise<T> {
  return deps.database.db.transaction().execute(async (trx) => {
    const exists = await lockOrganization(trx, orgId);
    const actorRole = exists ? await findMembershipRole(trx, orgId, actor.userId) : undefined;
    if (!actorRole) throw new AppError('not_found', 'Organization not found');
    const target = await findMember(trx, orgId, targetUserId);
    if (!target) throw new AppError('not_found', 'Member not found');
    return change(trx, actorRole, target);
  });
}

/** Why `actor` may not give `target` the role `role`, if they may not (digest §5 rules). */
function roleChangeRefusal(
  actorId: number,
  actorRole: Role,
  target: MemberRow,
  role: Role,
): AppError | undefined {
  if (target.user_id === actorId) {
    return actorRole === 'Owner'
      ? undefined
      : forbidden('You cannot change your own role (only an Owner may step down)');
  }
  if (!roleAtLeast(actorRole, 'Admin')) {
    return forbidden('Changing roles requires the Admin role or higher');
  }
  if (!roleAtLeast(actorRole, target.role)) {
    return forbidden(`An ${actorRole} cannot change the role of an ${target.role}`);
  }
  if (!roleAtLeast(actorRole, role)) {
    return forbidden(
      role === 'Owner'
        ? 'Admins cannot make someone Owner'
        : `You can assign only roles up to your own (${actorRole})`,
    );
  }
  return undefined;
}

export async function changeMemberRole(
  deps: Deps,
  actor: Actor,
  orgId: number,
  userId: number,
  role: Role,
): Promise<MemberView> {
  return withMembers(deps, actor, orgId, userId, async (trx, actorRole, target) => {
    const refusal = roleChangeRefusal(actor.userId, actorRole, target, role);
    if (refusal) throw refusal;
    if (target.role === 'Owner' && role !== 'Owner' && (await countOwners(trx, orgId)) <= 1) {
      throw new AppError('conflict', `${LAST_OWNER}: make someone else Owner first`);
    }
    if (role !== target.role) await updateMemberRole(trx, orgId, userId, role);
    return active({ ...target, role });
  });
}

/** What a removal did besides the membership, and what an Owner should review. */
export interface MemberRemoval {
  /** Pending invitations the member had sent, revoked with the membership. */
  revoked_invitation_ids: string[];
  /** Keys the member created: they belong to the organization and keep working. */
  keys_created: KeysCreatedBy;
}

/**
 * Removes a member (Admin or higher), or the actor themself (leaving). In the same transaction
 * the member's pending invitations are revoked: they were sent on the member's authority, which
 * ends here. Keys the member created are the organization's integrations (a casino's games must
 * not stop because an employee left), so they stay valid and are listed for review instead.
 */
export async function removeMember(
  deps: Deps,
  actor: Actor,
  orgId: number,
  userId: number,
): Promise<MemberRemoval> {
  return withMembers(deps, actor, orgId, userId, async (trx, actorRole, target) => {
    if (target.user_id !== actor.userId) {
      if (!roleAtLeast(actorRole, 'Admin')) {
        throw forbidden('Removing members requires the Admin role or higher');
      }
      if (!roleAtLeast(actorRole, target.role)) {
        throw forbidden(`An ${actorRole} cannot remove an ${target.role}`);
      }
    }
    if (target.role === 'Owner' && (await countOwners(trx, orgId)) <= 1) {
      throw new AppError('conflict', `${LAST_OWNER}: the last Owner cannot leave or be removed`);
    }
    await deleteMembership(trx, orgId, userId);
    const revoked = await revokePendingInvitedBy(trx, orgId, userId);
    return {
      revoked_invitation_ids: revoked,
      keys_created: await listWorkingKeysCreatedBy(trx, orgId, userId),
    };
  });
}
