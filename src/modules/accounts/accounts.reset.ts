import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import { newLinkToken, sha256Hex } from '../../lib/secrets.ts';
import { accountSubject, countAttempt, ipSubject } from '../../lib/throttle.ts';
import {
  deleteUserSessions,
  findUserByEmail,
  hashPassword,
  markEmailVerified,
  updatePasswordHash,
} from '../users/index.ts';
import {
  consumePasswordReset,
  findResetOwner,
  insertPasswordReset,
  voidPasswordResets,
} from './accounts.repo.ts';

export const RESET_TTL_MS = 3_600_000;
export const RESET_REQUESTED =
  'If an account exists for this email, a link to reset its password is on its way.';
const INVALID = 'Invalid or expired reset token';

function resetMail(email: string, link: string) {
  return {
    subject: 'Reset your PlayLoop password',
    text: [
      `Someone (hopefully you) asked to reset the password of the PlayLoop account ${email}.`,
      '',
      'Choose a new password here:',
      link,
      '',
      'The link works once and expires in 1 hour. If you did not ask for this, ignore this',
      'mail: your password stays as it is.',
    ].join('\n'),
  };
}

/**
 * Mails a reset link when the account exists. Answers the same either way, throttles unknown
 * addresses exactly like known ones, and does not wait for the mail server: neither the
 * answer, a 429 nor the response time says whether the account exists.
 */
export async function requestPasswordReset(
  deps: Deps,
  clientIp: string,
  email: string,
): Promise<void> {
  const rules = deps.config.authThrottles;
  await countAttempt(
    deps.rateLimiter,
    `auth:reset:${ipSubject(clientIp)}`,
    rules.resetPerIp,
    'Too many password reset requests from this address',
  );
  await countAttempt(
    deps.rateLimiter,
    `auth:reset-account:${accountSubject(email)}`,
    rules.resetPerAccount,
    'Too many password reset requests for this email',
  );
  const user = await findUserByEmail(deps.database.db, email);
  if (!user) return;
  const now = deps.clock.now();
  const { token, hash } = newLinkToken();
  await insertPasswordReset(deps.database.db, {
    token_hash: hash,
    user_id: user.id,
    created_at: now,
    expires_at: new Date(now.getTime() + RESET_TTL_MS),
  });
  const link = `${deps.config.publicUrl}/reset-password?token=${token}`;
  void deps.mailer
    .send({ to: user.email, ...resetMail(user.email, link) })
    .catch((error: unknown) =>
      deps.logger.warn({ err: String(error), userId: user.id }, 'password reset mail not sent'),
    );
}

/**
 * Sets a new password with a reset link: the link is used up in the same transaction, the
 * user's other unused links are voided and every login token of the user ends.
 */
export async function confirmPasswordReset(
  deps: Deps,
  clientIp: string,
  input: { token: string; new_password: string },
): Promise<void> {
  const rules = deps.config.authThrottles;
  await countAttempt(
    deps.rateLimiter,
    `auth:reset-confirm:${ipSubject(clientIp)}`,
    rules.resetPerIp,
    'Too many password reset attempts from this address',
  );
  const tokenHash = sha256Hex(input.token);
  const owner = await findResetOwner(deps.database.db, tokenHash);
  if (!owner) throw new AppError('bad_request', INVALID);
  await countAttempt(
    deps.rateLimiter,
    `auth:reset-confirm-account:${owner.user_id}`,
    rules.resetPerAccount,
    'Too many password reset attempts for this account',
  );
  const passwordHash = await hashPassword(input.new_password);
  const now = deps.clock.now();
  await deps.database.db.transaction().execute(async (trx) => {
    const used = await consumePasswordReset(trx, tokenHash, now);
    if (!used) throw new AppError('bad_request', INVALID);
    await updatePasswordHash(trx, used.user_id, passwordHash);
    // The link was mailed to the account's address: following it proves the address.
    await markEmailVerified(trx, used.user_id, now);
    await voidPasswordResets(trx, used.user_id, now);
    await deleteUserSessions(trx, used.user_id);
  });
}
