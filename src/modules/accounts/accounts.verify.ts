import { randomUUID } from 'node:crypto';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import { newLinkToken, sha256Hex } from '../../lib/secrets.ts';
import { accountSubject, countAttempt, ipSubject } from '../../lib/throttle.ts';
import {
  createOwnedOrganization as createOrganizationWithOwner,
  listMyOrganizations,
  type OrganizationRow,
} from '../organizations/index.ts';
import {
  deleteUser,
  findUserByEmail,
  hashPassword,
  insertUser,
  issueLoginToken,
  type UserRow,
  verifyPassword,
} from '../users/index.ts';
import {
  consumeSignupRequest,
  findPendingSignup,
  insertPasswordReset,
  insertSignupRequest,
  voidSignupRequests,
} from './accounts.repo.ts';
import { RESET_TTL_MS } from './accounts.reset.ts';

/** A sign-up link works once, for 24 hours. */
export const SIGNUP_TTL_MS = 24 * 3_600_000;
export const SIGNUP_REQUESTED =
  'Check your email: we sent a link to finish signing up. It works once and expires in 24 hours.';
const INVALID = 'Invalid or expired verification link';

function verifyMail(link: string) {
  return {
    subject: 'Finish signing up for PlayLoop',
    text: [
      'Someone (hopefully you) signed up for PlayLoop with this email address.',
      '',
      'Confirm the address and create the account here:',
      link,
      '',
      'The link works once and expires in 24 hours. If you did not sign up, ignore this mail:',
      'no account is created.',
    ].join('\n'),
  };
}

function accountExistsMail(email: string, resetLink: string) {
  return {
    subject: 'Someone tried to sign up to PlayLoop with your address',
    text: [
      `Someone (perhaps you) tried to sign up for PlayLoop with ${email}, which has an account`,
      'already. No new account was made and your account is unchanged.',
      '',
      'If it was you, log in with your email and password. Forgot the password? Choose a new',
      'one here (the link works once and expires in 1 hour):',
      resetLink,
      '',
      'If it was not you, ignore this mail.',
    ].join('\n'),
  };
}

/** The sign-up's organization: see the organizations module (a taken slug gets a suffix). */
export function createOwnedOrganization(
  deps: Deps,
  name: string,
  ownerUserId: number,
): Promise<OrganizationRow> {
  return createOrganizationWithOwner(deps, name, ownerUserId);
}

export interface PendingSignup {
  email: string;
  password: string;
  name: string | null;
  organization_name: string | null;
}

/**
 * Sign-up without an invitation: mails the address, and only following the mailed link makes
 * the account. Whether or not the address has an account, the caller sees the same: the same
 * answer, the same throttling, the same work (one password hash, one lookup, one row written,
 * one mail not waited for). A new address gets the link; an existing one gets a note that
 * someone tried, with a password reset link for the owner who forgot.
 */
export async function requestSignup(deps: Deps, input: PendingSignup): Promise<void> {
  await countAttempt(
    deps.rateLimiter,
    `auth:signup-account:${accountSubject(input.email)}`,
    deps.config.authThrottles.signupPerAccount,
    'Too many sign-ups for this email',
  );
  const { password, ...pending } = input;
  const passwordHash = await hashPassword(password);
  const now = deps.clock.now();
  const { token, hash } = newLinkToken();
  const existing = await findUserByEmail(deps.database.db, input.email);
  let mail: { subject: string; text: string };
  if (existing) {
    await insertPasswordReset(deps.database.db, {
      token_hash: hash,
      user_id: existing.id,
      created_at: now,
      expires_at: new Date(now.getTime() + RESET_TTL_MS),
    });
    mail = accountExistsMail(
      existing.email,
      `${deps.config.publicUrl}/reset-password?token=${token}`,
    );
  } else {
    await insertSignupRequest(deps.database.db, {
      id: randomUUID(),
      ...pending,
      password_hash: passwordHash,
      token_hash: hash,
      created_at: now,
      expires_at: new Date(now.getTime() + SIGNUP_TTL_MS),
    });
    mail = verifyMail(`${deps.config.publicUrl}/verify-email?token=${token}`);
  }
  // Not awaited: how long the mail server takes must not tell the two cases apart.
  void deps.mailer
    .send({ to: input.email, ...mail })
    .catch((error: unknown) => deps.logger.warn({ err: String(error) }, 'sign-up mail not sent'));
}

/**
 * Follows a sign-up link, with the password chosen at sign-up: uses the link up, voids the address's other pending sign-ups and creates the
 * user with a verified address (and the organization asked for), in one transaction; answers
 * like a login. An address that got an account since is 409, and nothing is created.
 */
export async function verifyEmail(
  deps: Deps,
  clientIp: string,
  input: { token: string; password: string },
) {
  await countAttempt(
    deps.rateLimiter,
    `auth:verify-email:${ipSubject(clientIp)}`,
    deps.config.authThrottles.signupPerIp,
    'Too many sign-up confirmations from this address',
  );
  const tokenHash = sha256Hex(input.token);
  const now = deps.clock.now();
  const pending = await findPendingSignup(deps.database.db, tokenHash, now);
  if (!pending) throw new AppError('bad_request', INVALID);
  // The mailbox owner alone must not be able to finish a sign-up someone else started with
  // their address: the account would carry the stranger's password (a pre-hijacked account).
  if (!(await verifyPassword(pending.password_hash, input.password))) {
    throw new AppError('unauthorized', 'This is not the password chosen when signing up');
  }
  const { user, organizationName } = await deps.database.db.transaction().execute(async (trx) => {
    const request = await consumeSignupRequest(trx, tokenHash, now);
    if (!request) throw new AppError('bad_request', INVALID);
    await voidSignupRequests(trx, request.email, now);
    try {
      const created = await insertUser(trx, {
        email: request.email,
        name: request.name,
        password_hash: request.password_hash,
        email_verified_at: now,
      });
      return { user: created, organizationName: request.organization_name };
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        throw new AppError(
          'conflict',
          'An account with this email exists already: log in, or reset its password',
        );
      }
      throw error;
    }
  });
  // Fails only after four slug collisions in a row.
  return finishSignup(deps, user, async () => {
    if (organizationName !== null) await createOwnedOrganization(deps, organizationName, user.id);
  });
}

/**
 * The last steps of every sign-up that creates a user: `setUp` (its organizations) and, if that
 * throws, the user is deleted again, so no half-made account keeps the address taken by an
 * account its owner never received. Then answers like a login.
 */
export async function finishSignup(deps: Deps, user: UserRow, setUp: () => Promise<void>) {
  try {
    await setUp();
  } catch (error) {
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
