// How an SMS text is encoded and how many segments (billed messages) it takes. Carriers send a
// text in GSM-7 (the GSM 03.38 default alphabet, 7 bits a character) when every character is in
// that alphabet or its extension table, and in UCS-2 (16 bits a unit) otherwise: one emoji or
// one Thai letter turns the whole message into UCS-2, which holds less than half as much.

/** The GSM 03.38 default alphabet (the escape code 0x1B itself excluded): one septet each. */
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
/** The extension table: escape + code, two septets each. */
const GSM_EXTENSION = '\f^{}\\[~]|€';

const BASIC = new Set(GSM_BASIC);
const EXTENSION = new Set(GSM_EXTENSION);

export type SmsEncoding = 'gsm7' | 'ucs2';

export interface SmsAnalysis {
  encoding: SmsEncoding;
  /** Septets (GSM-7, extension characters counting 2) or UTF-16 units (UCS-2, a surrogate pair 2). */
  length: number;
  /** Messages the carrier sends; 0 for an empty text. */
  segments: number;
  /** What one segment holds in this encoding when the text needs several (153 or 67). */
  per_segment: number;
  /** The most a text of this encoding may hold in a single segment (160 or 70). */
  single_segment: number;
}

const LIMITS = {
  gsm7: { single: 160, multi: 153 },
  ucs2: { single: 70, multi: 67 },
} as const;

/** The size of each unit a segment must not split: a GSM escape sequence, a surrogate pair. */
function units(text: string): { encoding: SmsEncoding; sizes: number[] } {
  const gsm: number[] = [];
  let isGsm = true;
  for (const char of text) {
    if (BASIC.has(char)) gsm.push(1);
    else if (EXTENSION.has(char)) gsm.push(2);
    else {
      isGsm = false;
      break;
    }
  }
  if (isGsm) return { encoding: 'gsm7', sizes: gsm };
  // Iterating a string yields code points: one outside the BMP is a surrogate pair (2 units).
  return { encoding: 'ucs2', sizes: Array.from(text, (char) => char.length) };
}

/**
 * The encoding, length and segment count of `text`. A concatenated message spends part of each
 * segment on its header (hence 153 and 67), and a segment never ends inside an escape sequence
 * or a surrogate pair: such a unit moves whole to the next segment.
 */
export function analyzeSms(text: string): SmsAnalysis {
  const { encoding, sizes } = units(text);
  const { single, multi } = LIMITS[encoding];
  const length = sizes.reduce((sum, size) => sum + size, 0);
  let segments = 0;
  if (length > 0 && length <= single) segments = 1;
  else if (length > single) {
    let used: number = multi;
    for (const size of sizes) {
      if (used + size > multi) {
        segments += 1;
        used = 0;
      }
      used += size;
    }
  }
  return { encoding, length, segments, per_segment: multi, single_segment: single };
}
