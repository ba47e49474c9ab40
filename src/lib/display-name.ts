import { AppError } from './errors.ts';

/** Longest organization or user name; mails quote at most this much of a name. */
export const DISPLAY_NAME_MAX = 80;

// Control characters (newlines, tabs, escapes), line and paragraph separators, and the
// bidirectional controls that reorder how the rest of a line reads.
const FORBIDDEN = /[\p{Cc}\p{Zl}\p{Zp}\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
// At mail time every format character goes too (zero-width characters hide text).
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/**
 * The rule for names people give themselves and their organizations, which other people then
 * read in mails and on screens: trimmed, 1 to 80 characters, no control characters, line
 * breaks or bidirectional controls. Throws `validation_failed` (400) otherwise.
 */
export function requireDisplayName(field: string, value: string): string {
  const trimmed = value.trim();
  if (!trimmed || [...trimmed].length > DISPLAY_NAME_MAX) {
    throw new AppError(
      'validation_failed',
      `${field} must have 1 to ${DISPLAY_NAME_MAX} characters`,
    );
  }
  if (FORBIDDEN.test(trimmed)) {
    throw new AppError(
      'validation_failed',
      `${field} may not contain line breaks, control or text-direction characters`,
    );
  }
  return trimmed;
}

/**
 * A user-chosen name made safe to quote in a mail, whatever is stored (rows from before the
 * rule, or written by other tools): compatibility forms folded (NFKC, so full-width letters
 * cannot smuggle a domain), invisible and control characters removed, whitespace collapsed to
 * one space, cut to `max` characters, and every `.` replaced by U+2024 (one dot leader) and `:`
 * followed by a zero-width space, so no mail client turns a name like "paypal.com" or
 * "https://x" into a link. The result is wrapped in quotation marks (quotation marks inside
 * become apostrophes, so a name cannot close the quote), so it reads as a quote, never as the
 * platform's own words.
 */
export function quoteName(value: string, max = DISPLAY_NAME_MAX): string {
  const clean = value.normalize('NFKC').replace(INVISIBLE, ' ').replace(/\s+/gu, ' ').trim();
  const chars = [...clean];
  const cut = chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : clean;
  const unlinked = cut
    .replace(/["“”„«»]/g, "'")
    .replace(/\./g, '\u2024')
    .replace(/:/g, ':\u200B');
  return `“${unlinked || '(no name)'}”`;
}
