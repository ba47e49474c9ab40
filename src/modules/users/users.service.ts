import { hash, verify } from '@node-rs/argon2';
import type { Deps } from '../../deps.ts';
import { requireDisplayName } from '../../lib/display-name.ts';
import { AppError } from '../../lib/errors.ts';
import { newUserToken, sha256Hex } from '../../lib/secrets.ts';
import { listMyOrganizations } from '../organizations/index.ts';
import {
  deleteUserSession,
  findUserBySessionHash,
  findUserByExternalSubject,
  findUserCredentials,
  insertUser,
  insertUserSession,
  linkExternalSubjectByEmail,
  type UserRow,
} from './users.repo.ts';

/** Who is calling, as established by `modules/auth` (`requireUser`). */
export interface Actor {
  userId: number;
}

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// A valid hash of a random password: verifying against it makes a login for an unknown email
// cost as much as a real one, so timing does not reveal which emails have accounts.
let dummyHash: Promise<string> | undefined;

export const PASSWORD_MIN_LENGTH = 8;

/** Verifies a password against a stored hash; a missing hash costs the same as a real one. */
export async function verifyPassword(
  passwordHash: string | null | undefined,
  password: string,
): Promise<boolean> {
  dummyHash ??= hash(newUserToken().token);
  const ok = await verify(passwordHash ?? (await dummyHash), password).catch(() => false);
  return ok && Boolean(passwordHash);
}

export async function hashPassword(password: string): Promise<string> {
  if (password.length < PASSWORD_MIN_LENGTH) {
    throw new AppError(
      'validation_failed',
      `password must have at least ${PASSWORD_MIN_LENGTH} characters`,
    );
  }
  return hash(password);
}

/** Throws `validation_failed` unless `email` (trimmed) looks like an address; returns it trimmed. */
export function requireEmail(raw: string): string {
  const email = raw.trim();
  if (!EMAIL_PATTERN.test(email)) throw new AppError('validation_failed', 'email is not valid');
  return email;
}

/**
 * Creates a user whose address is taken as verified: every caller has established it (the
 * operator's CLI and seed assert it; self-service sign-up reaches here only with an invitation
 * token that was mailed to the address). Sign-up without one goes through a mailed link
 * (`accounts.verify.ts`) instead.
 */
export async function createUser(
  deps: Deps,
  input: { email: string; password?: string | undefined; name?: string | undefined },
): Promise<UserRow> {
  const email = requireEmail(input.email);
  // Other people read the name (invitation mails, member lists): the display-name rule applies.
  const name = input.name === undefined ? null : requireDisplayName('name', input.name);
  const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
  try {
    return await insertUser(deps.database.db, {
      email,
      name,
      password_hash: passwordHash,
      email_verified_at: deps.clock.now(),
    });
  } catch (error) {
    if ((error as { code?: string }).code === '23505') {
      throw new AppError('conflict', 'A user with this email already exists');
    }
    throw error;
  }
}

export async function login(
  deps: Deps,
  input: { email: string; password: string },
): Promise<{ token: string; expiresAt: Date; user: UserRow }> {
  const user = await findUserCredentials(deps.database.db, input.email.trim());
  const ok = await verifyPassword(user?.password_hash, input.password);
  if (!user || !ok) throw new AppError('unauthorized', 'Invalid email or password');
  const { password_hash: _omit, ...publicUser } = user;
  return issueLoginToken(deps, publicUser);
}

/** A new login token for a user whose identity is established (login, sign-up). */
export async function issueLoginToken(
  deps: Deps,
  user: UserRow,
): Promise<{ token: string; expiresAt: Date; user: UserRow }> {
  const { token, hash: tokenHash } = newUserToken();
  const expiresAt = new Date(
    deps.clock.now().getTime() + deps.config.userSessionTtlHours * 3_600_000,
  );
  try {
    await insertUserSession(deps.database.db, {
      token_hash: tokenHash,
      user_id: user.id,
      expires_at: expiresAt,
    });
  } catch (error) {
    // The user was deleted since the password was checked (a sign-up rolled back by deleting
    // the account it created, say): no such user, as for a wrong password.
    if ((error as { code?: string }).code === '23503') {
      throw new AppError('unauthorized', 'Invalid email or password');
    }
    throw error;
  }
  return { token, expiresAt, user };
}

export async function logout(deps: Deps, token: string): Promise<void> {
  await deleteUserSession(deps.database.db, sha256Hex(token));
}

/** Resolves a bearer token (a PlayLoop login token or an external OIDC JWT) to a user. */
export async function authenticateBearer(deps: Deps, token: string): Promise<UserRow> {
  if (token.startsWith('pls_')) {
    const user = await findUserBySessionHash(deps.database.db, sha256Hex(token), deps.clock.now());
    if (user) return user;
    throw new AppError('unauthorized', 'Invalid or expired bearer token');
  }
  if (deps.oidc && token.split('.').length === 3) {
    const identity = await deps.oidc.verify(token).catch(() => undefined);
    if (!identity) throw new AppError('unauthorized', 'Invalid or expired bearer token');
    const linked = await findUserByExternalSubject(deps.database.db, identity.subject);
    if (linked) return linked;
    if (identity.email && identity.emailVerified) {
      const byEmail = await linkExternalSubjectByEmail(
        deps.database.db,
        identity.email,
        identity.subject,
      );
      if (byEmail) return byEmail;
    }
    throw new AppError('unauthorized', 'No PlayLoop user is linked to this identity');
  }
  throw new AppError('unauthorized', 'Invalid or expired bearer token');
}

export async function describeMe(deps: Deps, user: UserRow) {
  const organizations = await listMyOrganizations(deps, { userId: user.id });
  return { ...user, organizations };
}
