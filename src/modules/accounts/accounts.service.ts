import type { Deps } from '../../deps.ts';
import { requireDisplayName } from '../../lib/display-name.ts';
import { AppError } from '../../lib/errors.ts';
import { sha256Hex } from '../../lib/secrets.ts';
import { countAttempt, ipSubject } from '../../lib/throttle.ts';
import { acceptInvitation } from '../organizations/index.ts';
import {
  createUser,
  deleteUserSessions,
  findPasswordHash,
  hashPassword,
  requireEmail,
  updatePasswordHash,
  type UserRow,
  verifyPassword,
  withFailureAllowance,
} from '../users/index.ts';
import { findUsableInvitationEmail, voidPasswordResets } from './accounts.repo.ts';
import { createOwnedOrganization, finishSignup, requestSignup } from './accounts.verify.ts';

export interface SignupInput {
  email: string;
  password: string;
  name?: string | undefined;
  organization_name?: string | undefined;
  invitation_token?: string | undefined;
}

const INVITATION_GONE = 'This invitation is invalid, expired, revoked or already used';

/**
 * Without an invitation: mails a link that finishes the sign-up (`requestSignup`) and answers
 * `pending`, the same whether or not the address has an account. With an invitation token,
 * which arrived by mail at the invited address and so proves it, for that same address: creates
 * the user at once (address verified), optionally an organization they own, joins the inviting
 * organization with the invited role and answers like a login. Only the token holder can get
 * this far, so its 409 for an address with an account tells nobody else anything; signing up
 * with an invited address alone joins nothing, or anyone could claim another person's invitation.
 */
export async function signUp(deps: Deps, clientIp: string, input: SignupInput) {
  if (!deps.config.signupEnabled) {
    throw new AppError('forbidden', 'Sign-up is disabled on this server');
  }
  await countAttempt(
    deps.rateLimiter,
    `auth:signup:${ipSubject(clientIp)}`,
    deps.config.authThrottles.signupPerIp,
    'Too many sign-ups from this address',
  );
  const orgName =
    input.organization_name === undefined
      ? undefined
      : requireDisplayName('organization_name', input.organization_name);
  // Checked now, not when a mailed sign-up link is followed and the account is made.
  const name = input.name === undefined ? null : requireDisplayName('name', input.name);
  const email = requireEmail(input.email);
  if (input.invitation_token === undefined) {
    await requestSignup(deps, {
      email,
      password: input.password,
      name,
      organization_name: orgName ?? null,
    });
    return { status: 'pending' as const };
  }
  // Checked before anything about the address is looked at: a made-up or someone else's
  // token learns nothing about which addresses have accounts.
  const invited = await findUsableInvitationEmail(
    deps.database.db,
    sha256Hex(input.invitation_token),
    deps.clock.now(),
  );
  if (invited === undefined) throw new AppError('invitation_gone', INVITATION_GONE);
  if (invited.trim().toLowerCase() !== email.toLowerCase()) {
    throw new AppError('forbidden', 'This invitation was sent to another email address');
  }
  const user = await createUser(deps, { ...input, email });
  const invitationToken = input.invitation_token;
  const session = await finishSignup(deps, user, async () => {
    if (orgName !== undefined) await createOwnedOrganization(deps, orgName, user.id);
    await acceptInvitation(deps, user, invitationToken);
  });
  return { status: 'created' as const, ...session };
}

/**
 * Changes the password of the logged-in user. A wrong current password counts as a failed
 * login for the account, so a stolen bearer token is no password-guessing oracle. Every other
 * login token of the user ends; `keepTokenHash` (the caller's own token) stays valid.
 */
export async function changePassword(
  deps: Deps,
  user: UserRow,
  keepTokenHash: string | undefined,
  input: { current_password: string; new_password: string },
  clientIp: string,
): Promise<void> {
  // A wrong current password is a failed login: the same allowances, taken before verifying.
  await withFailureAllowance(deps, user.email, clientIp, async () => {
    const current = await findPasswordHash(deps.database.db, user.id);
    if (!(await verifyPassword(current, input.current_password))) {
      throw new AppError('unauthorized', 'The current password is wrong');
    }
  });
  const passwordHash = await hashPassword(input.new_password);
  await deps.database.db.transaction().execute(async (trx) => {
    await updatePasswordHash(trx, user.id, passwordHash);
    await deleteUserSessions(trx, user.id, keepTokenHash);
    await voidPasswordResets(trx, user.id, deps.clock.now());
  });
}
