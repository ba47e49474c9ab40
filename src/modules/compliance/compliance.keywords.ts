/**
 * What an inbound SMS reply asks for. A keyword counts only as the whole message (any case,
 * surrounding spaces and punctuation ignored), never as a substring: "Stopping by later" is not
 * an opt-out. A message that is not a keyword but reads like one ("stop it", "please unsubscribe
 * me") is flagged for a person to review, as the FCC counts any reasonable means of revoking.
 */

export type ReplyIntent = 'opt_out' | 'opt_in' | 'help' | 'review' | 'none';

/** FCC 24-18's per se reasonable words, the CTIA/carrier set, and AWS's required additions. */
export const OPT_OUT_KEYWORDS = [
  'STOP',
  'STOPALL',
  'UNSUBSCRIBE',
  'CANCEL',
  'END',
  'QUIT',
  'REVOKE',
  'OPTOUT',
  'OPT OUT',
  'OPT-OUT',
  'ARRET',
  'REMOVE',
  'TD',
] as const;
export const OPT_IN_KEYWORDS = ['START', 'YES', 'UNSTOP'] as const;
export const HELP_KEYWORDS = ['HELP', 'INFO'] as const;

/** Words that, inside a longer message, read like a wish to stop receiving messages. */
const REVIEW_WORDS = new Set([
  'stop',
  'stopall',
  'unsubscribe',
  'unsub',
  'cancel',
  'quit',
  'revoke',
  'optout',
  'remove',
]);
const REVIEW_PHRASES = [
  /\bopt[\s-]*out\b/,
  /\bdo not (text|message|contact)\b/,
  /\bdon'?t (text|message)\b/,
  /\bleave me alone\b/,
  /\bno more (texts|messages)\b/,
];

/** Upper-case, inner runs of space as one space, surrounding spaces and punctuation removed. */
export function normalizeReply(body: string): string {
  return body
    .normalize('NFKC')
    .replace(/^[\s\p{P}\p{S}]+|[\s\p{P}\p{S}]+$/gu, '')
    .replace(/\s+/g, ' ')
    .toUpperCase();
}

export function classifyReply(body: string): ReplyIntent {
  const text = normalizeReply(body);
  if ((OPT_OUT_KEYWORDS as readonly string[]).includes(text)) return 'opt_out';
  if ((OPT_IN_KEYWORDS as readonly string[]).includes(text)) return 'opt_in';
  if ((HELP_KEYWORDS as readonly string[]).includes(text)) return 'help';
  const lower = body.toLowerCase();
  const words = lower.split(/[^\p{L}\p{N}']+/u).filter(Boolean);
  if (words.some((word) => REVIEW_WORDS.has(word)) || REVIEW_PHRASES.some((p) => p.test(lower))) {
    return 'review';
  }
  return 'none';
}
