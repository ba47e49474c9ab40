import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import {
  accountSubject,
  checkLimit,
  countAfter,
  countAttempt,
  ipSubject,
} from '../../lib/throttle.ts';
import { login } from './users.service.ts';

const accountKey = (email: string) => `auth:login-failures:${accountSubject(email)}`;

/** Refuses (429) while the account has used up its failed-login allowance. */
export async function assertLoginAllowed(deps: Deps, email: string): Promise<void> {
  await checkLimit(
    deps.rateLimiter,
    accountKey(email),
    deps.config.authThrottles.loginFailuresPerAccount,
    'Too many failed logins for this account',
  );
}

/** Counts a failed password check (login, or a wrong current password) against the account. */
export async function countLoginFailure(deps: Deps, email: string): Promise<void> {
  await countAfter(
    deps.rateLimiter,
    accountKey(email),
    deps.config.authThrottles.loginFailuresPerAccount,
  );
}

/**
 * `POST /api/auth/login` as a client sees it: every attempt counts against the client's IP;
 * only failures count against the account, so the owner's own logins never use up its
 * allowance while a guesser gets that many guesses per window, from however many addresses.
 * Unknown emails are counted exactly like known ones: a 429 does not reveal an account.
 */
export async function loginFromClient(
  deps: Deps,
  clientIp: string,
  input: { email: string; password: string },
): Promise<Awaited<ReturnType<typeof login>>> {
  await countAttempt(
    deps.rateLimiter,
    `auth:login:${ipSubject(clientIp)}`,
    deps.config.authThrottles.loginPerIp,
    'Too many login attempts from this address',
  );
  await assertLoginAllowed(deps, input.email);
  try {
    return await login(deps, input);
  } catch (error) {
    if (error instanceof AppError && error.code === 'unauthorized') {
      await countLoginFailure(deps, input.email);
    }
    throw error;
  }
}
