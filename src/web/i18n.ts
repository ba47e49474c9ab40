import type { Lang, PlayErrorKind } from './play-view.ts';

export const LANGS = ['en', 'th'] as const satisfies readonly Lang[];

export const PAGE_ERROR_KINDS = [
  'consumed',
  'expired',
  'revoked',
  'unknown',
  'wrong_game',
  'unavailable',
  'missing_token',
  'cap_reached',
] as const satisfies readonly PlayErrorKind[];

/**
 * Failures only the browser meets (a refused completion or claim, no network, anything else).
 * The page embeds their texts too, so play.js never shows an untranslated message.
 */
export const CLIENT_ERROR_KINDS = ['rejected', 'claim_failed', 'network', 'error'] as const;

export type ErrorKind = PlayErrorKind | (typeof CLIENT_ERROR_KINDS)[number];

/**
 * English is the reference: every key here must exist in every language (the `th` table is
 * typed against it). `{name}` placeholders are filled by `fmt`, on the server and in play.js.
 */
const en = {
  'app.name': 'PlayLoop',
  'app.noscript': 'This game needs JavaScript. Please turn it on and reload the page.',
  'start.play': 'Play',
  'start.loading': 'Loading…',
  'start.how_to_play': 'How to play',
  'start.ready': 'Ready to play?',
  'resume.title': 'Welcome back',
  'resume.body': 'Your game is still waiting for you. Continue where you left off.',
  'resume.continue': 'Continue',
  'instructions.spin-wheel': 'Tap Spin and see where the wheel stops.',
  'instructions.memory-match':
    'Flip two cards at a time and find all {pairs} pairs within {seconds} seconds.',
  'instructions.quick-tap': 'Tap the moving target as many times as you can in {seconds} seconds.',
  'game.spin': 'Spin',
  'game.spinning': 'Spinning…',
  'game.time': 'Time',
  'game.moves': 'Moves',
  'game.pairs': 'Pairs',
  'game.taps': 'Taps',
  'game.get_ready': 'Get ready',
  'game.go': 'Go!',
  'game.time_up': "Time's up!",
  'game.all_found': 'All pairs found!',
  'game.card': 'Card {n}',
  'game.target': 'Tap me',
  'result.title': 'Nice play!',
  'result.score': 'Your score',
  'result.landed': 'The wheel stopped on',
  'result.saving': 'Saving your result…',
  'prize.won': 'You won',
  'prize.claim': 'Claim prize',
  'prize.claiming': 'Claiming…',
  'prize.claim_by': 'Claim before {time}',
  'prize.none_title': 'No prize this time',
  'prize.none_body': 'Better luck next time!',
  'prize.title': 'Your prize',
  'prize.code': 'Your code',
  'prize.copy': 'Copy code',
  'prize.copied': 'Copied',
  'prize.redeem': 'Redeem your prize',
  'prize.item': 'Your win has been recorded. Keep this screen to show when you collect it.',
  'prize.expired': 'The time to claim this prize has passed.',
  'next.game': 'Next game',
  'countdown.title': 'Starts in',
  'countdown.opens': 'Opens {date}',
  'countdown.days': '{d}d',
  'countdown.soon': 'Starting any moment…',
  'finished.title': 'This campaign has ended',
  'finished.body': 'Thanks for playing!',
  'finished.played.title': 'You have played all your turns',
  'finished.played.count': 'You played {plays} of {allowed}. The campaign goes on for others.',
  'error.retry': 'Try again',
  'error.consumed.title': 'This link has already been used',
  'error.consumed.body': 'Each link is good for one play. Ask for a new link to play again.',
  'error.expired.title': 'This link has expired',
  'error.expired.body': 'The time to play with this link is over. Ask for a new link.',
  'error.revoked.title': 'This link is no longer valid',
  'error.revoked.body': 'The organizer has cancelled this link.',
  'error.unknown.title': 'We could not find this link',
  'error.unknown.body': 'Check that you opened the whole link you were sent.',
  'error.wrong_game.title': 'This link is for a different game',
  'error.wrong_game.body': 'Open the link exactly as you received it.',
  'error.unavailable.title': "This game isn't available right now",
  'error.unavailable.body': 'It may be paused or no longer running. Please try again later.',
  'error.missing_token.title': 'This link is incomplete',
  'error.missing_token.body': 'It has no play code. Open the link exactly as you received it.',
  'error.cap_reached.title': 'No plays left',
  'error.cap_reached.body':
    'This campaign has reached its play limit, or you have used all your plays.',
  'error.rejected.title': 'We could not record this play',
  'error.rejected.body': 'The result did not look right, so it was not saved.',
  'error.claim_failed.title': 'This prize can no longer be claimed',
  'error.claim_failed.body': 'It has expired or was already claimed.',
  'error.network.title': 'No connection',
  'error.network.body': 'Check your internet connection and try again.',
  'error.error.title': 'Something went wrong',
  'error.error.body': 'Please try again in a moment.',
} as const;

export type StringKey = keyof typeof en;
export type Strings = Readonly<Record<StringKey, string>>;

const th: Strings = {
  'app.name': 'PlayLoop',
  'app.noscript': 'เกมนี้ต้องใช้ JavaScript โปรดเปิดใช้งานแล้วโหลดหน้านี้ใหม่',
  'start.play': 'เล่นเลย',
  'start.loading': 'กำลังโหลด…',
  'start.how_to_play': 'วิธีเล่น',
  'start.ready': 'พร้อมเล่นหรือยัง?',
  'resume.title': 'ยินดีต้อนรับกลับมา',
  'resume.body': 'เกมของคุณยังรออยู่ เล่นต่อจากเดิมได้เลย',
  'resume.continue': 'เล่นต่อ',
  'instructions.spin-wheel': 'กดหมุน แล้วลุ้นว่าวงล้อจะหยุดที่ช่องไหน',
  'instructions.memory-match': 'เปิดการ์ดทีละสองใบ แล้วจับคู่ให้ครบ {pairs} คู่ภายใน {seconds} วินาที',
  'instructions.quick-tap': 'แตะเป้าที่เคลื่อนที่ไปมาให้ได้มากที่สุดภายใน {seconds} วินาที',
  'game.spin': 'หมุน',
  'game.spinning': 'กำลังหมุน…',
  'game.time': 'เวลา',
  'game.moves': 'จำนวนครั้ง',
  'game.pairs': 'คู่',
  'game.taps': 'แตะ',
  'game.get_ready': 'เตรียมตัว',
  'game.go': 'เริ่ม!',
  'game.time_up': 'หมดเวลา!',
  'game.all_found': 'จับคู่ครบแล้ว!',
  'game.card': 'การ์ดใบที่ {n}',
  'game.target': 'แตะที่นี่',
  'result.title': 'เล่นได้ดีมาก!',
  'result.score': 'คะแนนของคุณ',
  'result.landed': 'วงล้อหยุดที่',
  'result.saving': 'กำลังบันทึกผล…',
  'prize.won': 'คุณได้รับรางวัล',
  'prize.claim': 'รับรางวัล',
  'prize.claiming': 'กำลังรับรางวัล…',
  'prize.claim_by': 'รับรางวัลได้ก่อน {time}',
  'prize.none_title': 'ครั้งนี้ยังไม่ได้รางวัล',
  'prize.none_body': 'ขอให้โชคดีในครั้งหน้า!',
  'prize.title': 'รางวัลของคุณ',
  'prize.code': 'รหัสของคุณ',
  'prize.copy': 'คัดลอกรหัส',
  'prize.copied': 'คัดลอกแล้ว',
  'prize.redeem': 'ไปรับรางวัล',
  'prize.item': 'บันทึกรางวัลของคุณแล้ว โปรดเก็บหน้านี้ไว้แสดงตอนรับรางวัล',
  'prize.expired': 'หมดเวลารับรางวัลนี้แล้ว',
  'next.game': 'เกมถัดไป',
  'countdown.title': 'เริ่มในอีก',
  'countdown.opens': 'เปิดให้เล่น {date}',
  'countdown.days': '{d} วัน',
  'countdown.soon': 'ใกล้จะเริ่มแล้ว…',
  'finished.title': 'แคมเปญนี้จบแล้ว',
  'finished.body': 'ขอบคุณที่ร่วมสนุก!',
  'finished.played.title': 'คุณใช้สิทธิ์เล่นครบแล้ว',
  'finished.played.count': 'คุณเล่นไปแล้ว {plays} จาก {allowed} ครั้ง แคมเปญยังเปิดให้ผู้เล่นคนอื่น',
  'error.retry': 'ลองอีกครั้ง',
  'error.consumed.title': 'ลิงก์นี้ถูกใช้ไปแล้ว',
  'error.consumed.body': 'ลิงก์แต่ละลิงก์เล่นได้เพียงครั้งเดียว หากต้องการเล่นอีก โปรดขอลิงก์ใหม่',
  'error.expired.title': 'ลิงก์นี้หมดอายุแล้ว',
  'error.expired.body': 'หมดเวลาเล่นด้วยลิงก์นี้แล้ว โปรดขอลิงก์ใหม่',
  'error.revoked.title': 'ลิงก์นี้ใช้ไม่ได้แล้ว',
  'error.revoked.body': 'ผู้จัดได้ยกเลิกลิงก์นี้แล้ว',
  'error.unknown.title': 'ไม่พบลิงก์นี้',
  'error.unknown.body': 'โปรดตรวจสอบว่าเปิดลิงก์ที่ได้รับมาครบถ้วน',
  'error.wrong_game.title': 'ลิงก์นี้ใช้กับเกมอื่น',
  'error.wrong_game.body': 'โปรดเปิดลิงก์ตามที่ได้รับมาโดยไม่แก้ไข',
  'error.unavailable.title': 'เกมนี้ยังไม่พร้อมให้เล่นในขณะนี้',
  'error.unavailable.body': 'เกมอาจถูกหยุดชั่วคราวหรือสิ้นสุดแล้ว โปรดลองใหม่ภายหลัง',
  'error.missing_token.title': 'ลิงก์ไม่สมบูรณ์',
  'error.missing_token.body': 'ลิงก์นี้ไม่มีรหัสสำหรับเล่น โปรดเปิดลิงก์ตามที่ได้รับมา',
  'error.cap_reached.title': 'สิทธิ์การเล่นเต็มแล้ว',
  'error.cap_reached.body': 'แคมเปญนี้มีผู้เล่นครบจำนวนแล้ว หรือคุณใช้สิทธิ์เล่นครบแล้ว',
  'error.rejected.title': 'ไม่สามารถบันทึกการเล่นนี้ได้',
  'error.rejected.body': 'ผลการเล่นดูไม่ถูกต้อง จึงไม่ได้บันทึกไว้',
  'error.claim_failed.title': 'ไม่สามารถรับรางวัลนี้ได้แล้ว',
  'error.claim_failed.body': 'รางวัลหมดเวลารับแล้ว หรือถูกรับไปแล้ว',
  'error.network.title': 'เชื่อมต่อไม่ได้',
  'error.network.body': 'โปรดตรวจสอบการเชื่อมต่ออินเทอร์เน็ตแล้วลองอีกครั้ง',
  'error.error.title': 'เกิดข้อผิดพลาด',
  'error.error.body': 'โปรดลองใหม่อีกครั้งในอีกสักครู่',
};

const STRINGS: Readonly<Record<Lang, Strings>> = { en, th };

export function stringsFor(lang: Lang): Strings {
  return STRINGS[lang];
}

/** Fills `{name}` placeholders; unknown names stay as written so a missing value is visible. */
export function fmt(text: string, values: Readonly<Record<string, string | number>>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}

function asLang(value: string): Lang | undefined {
  const primary = value.trim().toLowerCase().split(/[-_]/)[0];
  return primary === 'en' || primary === 'th' ? primary : undefined;
}

/**
 * `?lang=` wins when it names a supported language; otherwise the most preferred supported
 * language of `Accept-Language` (by q-value, then order); otherwise English.
 */
export function pickLang(
  queryLang: string | readonly string[] | null | undefined,
  acceptLanguage: string | readonly string[] | null | undefined,
): Lang {
  const query = typeof queryLang === 'string' ? queryLang : queryLang?.[0];
  const fromQuery = query === undefined ? undefined : asLang(query);
  if (fromQuery) return fromQuery;

  const header = typeof acceptLanguage === 'string' ? acceptLanguage : acceptLanguage?.join(',');
  if (!header) return 'en';
  const ranked = header
    .split(',')
    .map((part, order) => {
      const [tag = '', ...params] = part.split(';');
      const q = params.map((p) => /^\s*q\s*=\s*([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { lang: asLang(tag), q: q === undefined ? 1 : Number(q), order };
    })
    .filter((entry) => entry.lang !== undefined && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.order - b.order);
  return ranked[0]?.lang ?? 'en';
}
