import type { Member, Role } from '../../data/members.queries.ts';
import { ROLES } from '../../data/members.queries.ts';

// The API's rules, mirrored only to hide what it would refuse; it stays the judge (403 / 409).

const rank = (role: string) => ROLES.length - ROLES.indexOf(role as Role);

/** Owners and Admins manage members. */
export const mayManage = (myRole: string) => myRole === 'Owner' || myRole === 'Admin';

/** The roles `myRole` may give: its own and those below. */
export const assignableRoles = (myRole: string): Role[] =>
  ROLES.filter((role) => rank(role) <= rank(myRole));

/**
 * Whether I may change this member's role: not someone above me, and not myself unless I am an
 * Owner stepping down.
 */
export function mayChangeRole(myRole: string, myId: number, member: Member): boolean {
  if (!mayManage(myRole) || member.user_id === null) return false;
  if (member.user_id === myId) return myRole === 'Owner';
  return rank(member.role) <= rank(myRole);
}

/** Whether I may remove this member (leaving is not offered here). */
export function mayRemove(myRole: string, myId: number, member: Member): boolean {
  if (!mayManage(myRole) || member.user_id === null || member.user_id === myId) return false;
  return rank(member.role) <= rank(myRole);
}
