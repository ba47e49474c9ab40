import type { Channel, Purpose } from '../../db/schema.ts';

/**
 * The decision the rules give, for the case table of the pre-send check
 * (compliance.table.cases.ts). It restates the rules from the law and the issue
 * (../shared/spec/compliance-facts.md) on its own and imports nothing from the code under test,
 * so a wrong rule there cannot make its own expectation.
 */

interface Hours {
  from: number;
  to: number;
}
const hours = (from: number, to: number): Hours => ({ from: from * 60, to: to * 60 });
const daily = (window: Hours) => Array.from({ length: 7 }, () => window);

/** Marketing calls and texts by local weekday (Sunday first; `to` exclusive) and cap per 24 h. */
const LAW: Readonly<Record<string, { days: Hours[]; cap: number | null }>> = {
  // 47 CFR §64.1200(c)(1): not before 8 a.m. or after 9 p.m. at the called party's location.
  US: { days: daily(hours(8, 21)), cap: null },
  // Fla. Stat. §501.059(8): 8 a.m.–8 p.m.; 3 per 24 hours.
  FL: { days: daily(hours(8, 20)), cap: 3 },
  // Okla. Stat. tit. 15 §775C.4: the federal hours; 3 per 24 hours.
  OK: { days: daily(hours(8, 21)), cap: 3 },
  // Md. Com. Law §14-4503: 8 a.m.–8 p.m.; 3 per 24 hours.
  MD: { days: daily(hours(8, 20)), cap: 3 },
  // Tex. Bus. & Com. Code §301.051: Monday–Saturday 9 a.m.–9 p.m., Sunday noon–9 p.m.
  TX: { days: [hours(12, 21), ...Array.from({ length: 6 }, () => hours(9, 21))], cap: null },
};
const STATE_NAMES: Readonly<Record<string, string>> = {
  florida: 'FL',
  oklahoma: 'OK',
  maryland: 'MD',
  texas: 'TX',
};
/** A profile's state as people write it: "FL", "fl", "Florida". */
const stateCode = (state: string) =>
  /^[a-z]{2}$/i.test(state.trim())
    ? state.trim().toUpperCase()
    : (STATE_NAMES[state.trim().toLowerCase()] ?? state);

/** Where a number of unknown place may ring: every zone of the fifty states. */
// ---- Local time ---------------------------------------------------------------------------

const formats = new Map<string, Intl.DateTimeFormat>();
/** The wall clock of `zone` at `at`: its date, weekday (0 = Sunday) and minutes after midnight. */
function wall(at: Date, zone: string): { date: string; weekday: number; minutes: number } {
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formats.set(zone, format);
  }
  const part = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
  const date = `${part.year}-${part.month}-${part.day}`;
  return {
    date,
    weekday: new Date(`${date}T00:00:00Z`).getUTCDay(),
    minutes: Number(part.hour) * 60 + Number(part.minute),
  };
}

/** The instant the wall clock of `zone` reads `time` on `date` (not for times a change skips). */
export function localInstant(zone: string, date: string, time: string): Date {
  const target = Date.parse(`${date}T${time}:00Z`);
  let guess = target;
  for (let i = 0; i < 3; i++) {
    const seen = wall(new Date(guess), zone);
    guess += target - Date.parse(`${seen.date}T00:00:00Z`) - seen.minutes * 60_000;
  }
  return new Date(guess);
}

const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

// ---- The expected decision ----------------------------------------------------------------

/** A consent record as the API takes it, in the order they were captured. */
export interface ConsentRecord {
  channel: Channel;
  action: 'grant' | 'revoke';
  type?: 'pec' | 'pewc' | 'email_opt_in';
  purpose?: Purpose;
  program?: string;
}

/** A message in contact_log: minutes before the send, channel, purpose. */
export interface Sent {
  before: number;
  channel: 'sms' | 'email';
  purpose: Purpose;
}

export interface Facts {
  /** The zones the recipient may be in: the profile's, else the phone's. */
  zones: readonly string[];
  /** The phone's state and the profile's, as written. */
  states: readonly (string | null | undefined)[];
  consents: readonly ConsentRecord[];
  /** SMS replies received after the consents, in order. */
  replies: readonly string[];
  sent: readonly Sent[];
  channel: Channel;
  purpose: Purpose;
  program: string | null;
  sendAt: Date;
}

export interface Expected {
  outcome: 'allow' | 'skip';
  reasons: string[];
  next_allowed_at: string | null;
}

const OPT_OUT = new Set([
  'STOP',
  'STOPALL',
  'UNSUBSCRIBE',
  'CANCEL',
  'END',
  'QUIT',
  'REVOKE',
  'OPT OUT',
  'OPTOUT',
]);
const OPT_IN = new Set(['START', 'YES', 'UNSTOP']);
/** A reply is a keyword only as the whole message, in any case, punctuation aside. */
const keyword = (body: string) => body.replace(/^[\s.!]+|[\s.!]+$/g, '').toUpperCase();

/** The channel's records in order: the consents, then what the replies did (SMS only). */
function records(f: Facts): ConsentRecord[] {
  const list = f.consents.filter((r) => r.channel === f.channel);
  if (f.channel !== 'sms') return list;
  for (const body of f.replies) {
    const word = keyword(body);
    // An opt-out withdraws every consent of the number.
    if (OPT_OUT.has(word)) list.push({ channel: 'sms', action: 'revoke' });
    if (OPT_IN.has(word) && list.at(-1)?.action === 'revoke') {
      // The consent held before the opt-out comes back: every grant since the revocation
      // before it.
      let start = list.length;
      while (start > 0 && list[start - 1]!.action === 'revoke') start--;
      let first = start;
      while (first > 0 && list[first - 1]!.action === 'grant') first--;
      list.push(...list.slice(first, start).map((r) => ({ ...r })));
    }
  }
  return list;
}

/** Whether a grant allows this message (TCPA for phones; an opt-in for marketing email). */
function allows(f: Facts, r: ConsentRecord): boolean {
  if (f.channel === 'email') return r.type === 'email_opt_in' && r.purpose === 'marketing';
  const phoneConsent = r.type === 'pec' || r.type === 'pewc';
  if (f.purpose === 'marketing') return r.type === 'pewc' && r.purpose === 'marketing';
  if (f.purpose === 'informational') return phoneConsent && r.purpose !== 'transactional';
  return phoneConsent;
}

function consentReason(f: Facts): string | null {
  let live: ConsentRecord[] = [];
  const granted: ConsentRecord[] = [];
  let revoked = false;
  for (const r of records(f)) {
    // A record for one program speaks only for messages of that program.
    if (r.program !== undefined && r.program !== f.program) continue;
    if (r.action === 'grant') {
      live.push(r);
      granted.push(r);
    } else if (r.purpose === undefined || r.purpose === f.purpose) {
      live = [];
      revoked = true;
    }
  }
  if (f.channel === 'email' && f.purpose !== 'marketing') {
    // No consent needed; an opt-out still stops informational mail, never transactional.
    return f.purpose === 'informational' && revoked && live.length === 0 ? 'revoked' : null;
  }
  if (live.some((r) => allows(f, r))) return null;
  if (granted.some((r) => allows(f, r))) return 'revoked';
  return granted.length > 0 ? 'consent_insufficient' : 'no_consent';
}

export function expectedDecision(f: Facts): Expected {
  const reasons: string[] = [];
  const consent = consentReason(f);
  if (consent) reasons.push(consent);
  let next: Date | null = null;
  // Hours and caps bind marketing calls and texts, whatever the consent.
  if (f.purpose === 'marketing' && (f.channel === 'sms' || f.channel === 'voice')) {
    const laws = [LAW.US!, ...f.states.flatMap((s) => (s ? (LAW[stateCode(s)] ?? []) : []))];
    const windowOn = (weekday: number): Hours =>
      laws.reduce(
        (w, law) => ({
          from: Math.max(w.from, law.days[weekday]!.from),
          to: Math.min(w.to, law.days[weekday]!.to),
        }),
        { from: 0, to: 24 * 60 },
      );
    const allowedAt = (at: Date) =>
      f.zones.every((zone) => {
        const local = wall(at, zone);
        const w = windowOn(local.weekday);
        return local.minutes >= w.from && local.minutes < w.to;
      });
    if (!allowedAt(f.sendAt)) {
      reasons.push('quiet_hours');
      // The earliest allowed instant is the opening of some zone's window on some day.
      const openings = f.zones.flatMap((zone) => {
        const today = wall(f.sendAt, zone).date;
        return Array.from({ length: 10 }, (_, i) => {
          const date = addDays(today, i - 1);
          const from = windowOn(new Date(`${date}T00:00:00Z`).getUTCDay()).from;
          const time = `${String(Math.floor(from / 60)).padStart(2, '0')}:${String(from % 60).padStart(2, '0')}`;
          return localInstant(zone, date, time);
        });
      });
      next =
        openings
          .filter((at) => at > f.sendAt && allowedAt(at))
          .sort((a, b) => a.getTime() - b.getTime())[0] ?? null;
    }
    // The rolling 24 hours before the send.
    const caps = laws.map((law) => law.cap).filter((cap): cap is number => cap !== null);
    const sent = f.sent.filter(
      (s) => s.channel === f.channel && s.purpose === 'marketing' && s.before < 24 * 60,
    ).length;
    if (caps.length > 0 && sent >= Math.min(...caps)) reasons.push('state_frequency_cap');
  }
  reasons.sort();
  return {
    outcome: reasons.length === 0 ? 'allow' : 'skip',
    reasons,
    next_allowed_at: next?.toISOString() ?? null,
  };
}
