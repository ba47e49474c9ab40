import { ApiError, errorText } from '../../api/errors.ts';
import { isMessageKey, type Translate } from '../../i18n/i18n.tsx';

export type MemberAction = 'role' | 'remove' | 'invite' | 'revoke';

/**
 * errorText, with the few codes that mean something more precise on this screen (409 on a
 * role change is the last Owner; on an invitation, an address that is a member already).
 */
export function memberErrorText(error: unknown, t: Translate, action: MemberAction): string {
  const key = error instanceof ApiError ? `members.error.${action}.${error.code}` : '';
  return isMessageKey(key) ? t(key) : errorText(error, t);
}
