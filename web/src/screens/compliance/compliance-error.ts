import { ApiError, errorText } from '../../api/errors.ts';
import { isMessageKey, type Translate } from '../../i18n/i18n.tsx';

/**
 * errorText, with the codes that mean something more precise for a privacy request (409: it
 * was answered or extended already, or its first deadline passed).
 */
export function privacyErrorText(error: unknown, t: Translate): string {
  const key = error instanceof ApiError ? `privacy.error.${error.code}` : '';
  return isMessageKey(key) ? t(key) : errorText(error, t);
}

/** A word for a value the API names by code (`compliance.reason.quiet_hours`), else the code. */
export function codeText(t: Translate, prefix: string, code: string | null): string {
  if (code === null) return '–';
  const key = `${prefix}.${code}`;
  return isMessageKey(key) ? t(key) : code;
}
