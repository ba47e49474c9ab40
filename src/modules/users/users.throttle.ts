import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import { accountSubject, countAttempt, ipSubject, takeAttempt } from '../../lib/throttle.ts';
import { login } from './users.service.ts';

/**
 * Runs `check` (a password verification) with one failure taken from the account's allowances
 * beforehand: per account and client address, and per account from all addresses together,
 * both in one atomic take. Refuses (429) when either is used up. The failure is given back
 * unless `check` throws `unauthorized`, so the owner's successful logins use up nothing.
 *
 * Taking before the slow verification is what bounds concurrent attempts: N simultaneous
 * wrong passwords against an allowance of 5 get exactly 5 verifications. The price: while
 * attempts are in flight their reservations count, so a right password sent at the same time
 * as enough wrong ones may get a 429 though it would not have used the allowance up.
 */
export async function withFailureAllowance<T>(
  deps: Deps,
  email: string,
  clientIp: string,
  check: () => Promise<T>,
): Promise<T> {
  const rules = deps.config.authThrottles;
  // Counter keys: auth:login-failures:<account>[:<address>]:<seconds>s:<window start>.
  const taken = await takeAttempt(
    deps.rateLimiter,
    `auth:login-failures:${accountSubject(email)}`,
    [
      {
        scope: ipSubject(clientIp),
        rule: rules.loginFailuresPerAccount,
        message: 'Too many failed logins for this account from this address',
      },
      {
        scope: '',
        rule: rules.loginFailuresPerAccountTotal,
        message: 'Too many failed logins for this account',
      },
    ],
  );
  let failed = false;
  try {
    return await check();
  } catch (error) {
    failed = error instanceof AppError && error.code === 'unauthorized';
    throw error;
  } finally {
    if (!failed) await taken.release();
  }
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
  return withFailureAllowance(deps, input.email, clientIp, () => login(deps, input));
}
