import { describe, expect, it } from 'vitest';
import { analyzeSms, type SmsEncoding } from './content.sms.ts';

// GSM-7 vs UCS-2 and the segment count, case by case (GSM 03.38 default alphabet and extension
// table; 160/153 septets, 70/67 UTF-16 units; a segment never splits an escape sequence or a
// surrogate pair).

const a = (n: number) => 'a'.repeat(n);
const c = (n: number) => 'ç'.repeat(n); // not in GSM 03.38 (only Ç is): forces UCS-2

const CASES: [
  label: string,
  text: string,
  encoding: SmsEncoding,
  length: number,
  segments: number,
][] = [
  ['the empty text', '', 'gsm7', 0, 0],
  ['plain ASCII letters', 'Hello', 'gsm7', 5, 1],
  ['a typical marketing text', 'Win $100 at Lucky 7! Reply STOP to opt out', 'gsm7', 42, 1],
  ['160 GSM characters (one segment)', a(160), 'gsm7', 160, 1],
  ['161 GSM characters (two segments)', a(161), 'gsm7', 161, 2],
  ['306 GSM characters (exactly two parts)', a(306), 'gsm7', 306, 2],
  ['307 GSM characters (three parts)', a(307), 'gsm7', 307, 3],
  ['459 GSM characters (exactly three parts)', a(459), 'gsm7', 459, 3],
  ['460 GSM characters (four parts)', a(460), 'gsm7', 460, 4],
  ['€ (extension table: two septets)', '€', 'gsm7', 2, 1],
  ['^ (extension)', '^', 'gsm7', 2, 1],
  ['{ (extension)', '{', 'gsm7', 2, 1],
  ['} (extension)', '}', 'gsm7', 2, 1],
  ['[ and ] (extension)', '[]', 'gsm7', 4, 1],
  ['~ | and backslash (extension)', '~|\\', 'gsm7', 6, 1],
  ['form feed (extension)', '\f', 'gsm7', 2, 1],
  ['158 letters and € (160 septets, one segment)', `${a(158)}€`, 'gsm7', 160, 1],
  ['159 letters and € (161 septets, two segments)', `${a(159)}€`, 'gsm7', 161, 2],
  ['151 letters, € and one letter (154 septets, still one)', `${a(151)}€a`, 'gsm7', 154, 1],
  ['80 € signs (160 septets)', '€'.repeat(80), 'gsm7', 160, 1],
  ['81 € signs (76 per part)', '€'.repeat(81), 'gsm7', 162, 2],
  ['80 { (160 septets)', '{'.repeat(80), 'gsm7', 160, 1],
  [
    'an escape that would straddle parts moves whole (306 septets, three parts)',
    `${a(152)}€${a(152)}`,
    'gsm7',
    306,
    3,
  ],
  ['@ £ $ ¥ (basic table)', '@£$¥', 'gsm7', 4, 1],
  ['è é ù ì ò Ç (basic table)', 'èéùìòÇ', 'gsm7', 6, 1],
  ['Greek capitals of the basic table', 'ΔΦΓΛΩΠΨΣΘΞ', 'gsm7', 10, 1],
  ['¤ § ¡ ¿ (basic table)', '¤§¡¿', 'gsm7', 4, 1],
  ['Ä Ö Ñ Ü ä ö ñ ü à ß Æ æ Ø ø Å å É (basic table)', 'ÄÖÑÜäöñüàßÆæØøÅåÉ', 'gsm7', 17, 1],
  ['line feed and carriage return', 'a\nb\rc', 'gsm7', 5, 1],
  ['ç (only the capital is GSM)', 'ç', 'ucs2', 1, 1],
  ['á (not in GSM 03.38)', 'á', 'ucs2', 1, 1],
  ['a Greek small letter', 'α', 'ucs2', 1, 1],
  ['a tab', 'a\tb', 'ucs2', 3, 1],
  ['a backtick', '`', 'ucs2', 1, 1],
  ['a no-break space', 'a\u00a0b', 'ucs2', 3, 1],
  ['curly quotes', '“Hi”', 'ucs2', 4, 1],
  ['the escape code itself', '\u001b', 'ucs2', 1, 1],
  ['€ in a UCS-2 text (one unit there)', '€ç', 'ucs2', 2, 1],
  ['one emoji (a surrogate pair)', '😀', 'ucs2', 2, 1],
  ['text with an emoji', 'Hi 😀', 'ucs2', 5, 1],
  ['a flag (two surrogate pairs)', '🇺🇸', 'ucs2', 4, 1],
  ['a ZWJ family (three pairs, two joiners)', '👨\u200d👩\u200d👧', 'ucs2', 8, 1],
  ['Thai text', 'สวัสดีครับ', 'ucs2', 10, 1],
  ['Arabic text', 'مرحبا', 'ucs2', 5, 1],
  ['Chinese text', '你好', 'ucs2', 2, 1],
  ['70 UCS-2 units (one segment)', c(70), 'ucs2', 70, 1],
  ['71 UCS-2 units (two segments)', c(71), 'ucs2', 71, 2],
  ['134 UCS-2 units (exactly two parts)', c(134), 'ucs2', 134, 2],
  ['135 UCS-2 units (three parts)', c(135), 'ucs2', 135, 3],
  ['69 units ending in an emoji (one segment)', `ç${a(66)}😀`, 'ucs2', 69, 1],
  ['71 units ending in an emoji (two segments)', `ç${a(68)}😀`, 'ucs2', 71, 2],
  [
    'a surrogate pair that would straddle parts moves whole (134 units, three parts)',
    `ç${a(65)}😀${a(66)}`,
    'ucs2',
    134,
    3,
  ],
  ['one Thai letter turns 160 letters into UCS-2 (three parts)', `${a(159)}ส`, 'ucs2', 160, 3],
];

describe('analyzeSms', () => {
  it('has at least 40 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(CASES)('%s', (_label, text, encoding, length, segments) => {
    const result = analyzeSms(text);
    expect(result).toMatchObject({ encoding, length, segments });
    expect(result.per_segment).toBe(encoding === 'gsm7' ? 153 : 67);
    expect(result.single_segment).toBe(encoding === 'gsm7' ? 160 : 70);
  });

  it('counts every character of the basic table as one septet and of the extension as two', () => {
    const basic =
      '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
      '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
    expect([...basic]).toHaveLength(127);
    for (const char of basic)
      expect(analyzeSms(char), char).toMatchObject({ encoding: 'gsm7', length: 1 });
    for (const char of '\f^{}\\[~]|€') {
      expect(analyzeSms(char), char).toMatchObject({ encoding: 'gsm7', length: 2 });
    }
  });
});
