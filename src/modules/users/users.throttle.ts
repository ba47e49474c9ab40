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
const accountFromKey = (email: string, clientIp: string) =>
  `${accountKey(email)}:${ipSubject(clientIp)}`;

/**
 * Refuses (429) while the account has used up its failed-login allowance from this address,
 * or its allowance from all addresses together.
 */
export async function assertLoginAllowed(
  deps: Deps,
  email: string,
  clientIp: string,
): Promise<void> {
  const rules = deps.config.authThrottles;
  await checkLimit(
    deps.rateLimiter,
    accountFromKey(email, clientIp),
    rules.loginFailuresPerAccount,
    'Too many failed logins for this account from this address',
  );
  await checkLimit(
    deps.rateLimiter,
    accountKey(email),
    rules.loginFailuresPerAccountTotal,
    'Too many failed logins for this account',
  );
}

/** Counts a failed password check (login, or a wrong current password) against the account. */
export async function countLoginFailure(
  deps: Deps,
  email: string,
  clientIp: string,
): Promise<void> {
  const rules = deps.config.authThrottles;
  await countAfter(
    deps.rateLimiter,
    accountFromKey(email, clientIp),
    rules.loginFailuresPerAccount,
  );
  await countAfter(deps.rateLimiter, accountKey(email), rules.loginFailuresPerAccountTotal);
}

/**
 * `POST /api/auth/login` as a client sees it: every attempt counts against the client's IP;
 * only failures count against the account, so the owner's own logins never use up its
 * allowance. Failures are counted per account and address (a guesser elsewhere cannot lock
 * the owner out) and per account from all addresses together, a larger allowance that caps
 * guessing spread over many addresses. Unknown emails are counted exactly like known ones: a
 * 429 does not reveal an account.
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
  await assertLoginAllowed(deps, input.email, clientIp);
  try {
    return await login(deps, input);
  } catch (error) {
    if (error instanceof AppError && error.code === 'unauthorized') {
      await countLoginFailure(deps, input.email, clientIp);
    }
    throw error;
  }
}
