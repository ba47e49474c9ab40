import { randomBytes } from 'node:crypto';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import { countAttempt, ipSubject } from '../../lib/throttle.ts';
import {
  acceptInvitation,
  createOrganization,
  listMyOrganizations,
  type OrganizationRow,
  requireName,
  slugify,
} from '../organizations/index.ts';
import {
  assertLoginAllowed,
  countLoginFailure,
  createUser,
  deleteUser,
  deleteUserSessions,
  findPasswordHash,
  hashPassword,
  issueLoginToken,
  updatePasswordHash,
  type UserRow,
  verifyPassword,
} from '../users/index.ts';
import { voidPasswordResets } from './accounts.repo.ts';

/** Organization names are not unique, slugs are: a taken slug gets a random suffix. */
async function createOwnedOrganization(
  deps: Deps,
  name: string,
  ownerUserId: number,
): Promise<OrganizationRow> {
  const base = slugify(name);
  for (let attempt = 0; ; attempt++) {
    const slug = attempt === 0 ? base : `${base}-${randomBytes(3).toString('hex')}`;
    try {
      return await createOrganization(deps, { name, slug, ownerUserId });
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'conflict') || attempt >= 3) throw error;
    }
  }
}

export interface SignupInput {
  email: string;
  password: string;
  name?: string | undefined;
  organization_name?: string | undefined;
  invitation_token?: string | undefined;
}

/**
 * Creates a user, optionally an organization they own, and with an invitation token joins the
 * organization that sent it (with the invited role); answers like a login. Only the token, which
 * arrived by mail, proves the address: signing up with an invited address alone joins nothing,
 * or anyone could claim another person's invitation.
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
      : requireName('organization_name', input.organization_name);
  const user = await createUser(deps, input);
  try {
    if (orgName !== undefined) await createOwnedOrganization(deps, orgName, user.id);
    if (input.invitation_token) await acceptInvitation(deps, user, input.invitation_token);
  } catch (error) {
    // Without this the address would stay taken by an account its owner never received.
    await deleteUser(deps.database.db, user.id);
    throw error;
  }
  const session = await issueLoginToken(deps, user);
  const organizations = await listMyOrganizations(deps, { userId: user.id });
  return {
    ...session,
    organizations: organizations.map(({ id, name, slug, role }) => ({ id, name, slug, role })),
  };
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
  await assertLoginAllowed(deps, user.email, clientIp);
  const current = await findPasswordHash(deps.database.db, user.id);
  if (!(await verifyPassword(current, input.current_password))) {
    await countLoginFailure(deps, user.email, clientIp);
    throw new AppError('unauthorized', 'The current password is wrong');
  }
  const passwordHash = await hashPassword(input.new_password);
  await deps.database.db.transaction().execute(async (trx) => {
    await updatePasswordHash(trx, user.id, passwordHash);
    await deleteUserSessions(trx, user.id, keepTokenHash);
    await voidPasswordResets(trx, user.id, deps.clock.now());
  });
}
