import { type DayWindow, strictestRule } from './compliance.states.ts';

/**
 * Quiet hours in the recipient's local time. The send time must fall inside the allowed window
 * in every time zone the recipient may be in (one from the profile; those of the phone number's
 * area code; else every US zone: the intersection of the possible windows), under the strictest
 * rule of the states given (the phone's and the profile's). A send outside it is skipped with the
 * earliest instant it may go.
 */

/** Where a US recipient may be when nothing narrows it down. */
export const US_TIME_ZONES = [
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Phoenix',
  'America/Los_Angeles',
  'America/Anchorage',
  'Pacific/Honolulu',
] as const;

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(zone: string): Intl.DateTimeFormat {
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
    });
    formats.set(zone, format);
  }
  return format;
}

/** The weekday (0 = Sunday) and minutes since local midnight of `at` in `zone`. */
export function localTime(at: Date, zone: string): { day: number; minutes: number } {
  let day = 0;
  let hour = 0;
  let minute = 0;
  for (const part of formatFor(zone).formatToParts(at)) {
    if (part.type === 'weekday') day = WEEKDAYS.indexOf(part.value);
    else if (part.type === 'hour') hour = Number(part.value);
    else if (part.type === 'minute') minute = Number(part.value);
  }
  return { day, minutes: hour * 60 + minute };
}

function inside(at: Date, zone: string, days: readonly (DayWindow | null)[]): boolean {
  const { day, minutes } = localTime(at, zone);
  const window = days[day];
  return window !== null && window !== undefined && minutes >= window.start && minutes < window.end;
}

export interface QuietHoursDecision {
  allowed: boolean;
  /** When the message may go: `sendAt` itself when allowed; null when no time in 8 days works. */
  nextAllowedAt: Date | null;
  /** The zones checked. */
  zones: readonly string[];
  /** The sources of the rules applied (federal first). */
  sources: string[];
  /** The strictest cap of those rules per rolling 24 hours, or null. */
  capPer24h: number | null;
}

const STEP_MS = 15 * 60_000;
const HORIZON_MS = 8 * 24 * 3_600_000;

export function quietHours(input: {
  sendAt: Date;
  zones: readonly string[];
  states: readonly string[];
}): QuietHoursDecision {
  const zones = input.zones.length > 0 ? input.zones : US_TIME_ZONES;
  const rule = strictestRule(input.states);
  const ok = (at: Date) => zones.every((zone) => inside(at, zone, rule.days));
  const base = {
    zones,
    sources: rule.rules.map((r) => r.source),
    capPer24h: rule.capPer24h,
  };
  if (ok(input.sendAt)) return { allowed: true, nextAllowedAt: input.sendAt, ...base };
  // Windows open on whole minutes of zones whose offsets are whole quarter hours (every US
  // zone): the first allowed quarter hour after the send time is the earliest allowed instant.
  const start = Math.ceil(input.sendAt.getTime() / STEP_MS) * STEP_MS;
  for (let t = start; t - start <= HORIZON_MS; t += STEP_MS) {
    if (ok(new Date(t))) return { allowed: false, nextAllowedAt: new Date(t), ...base };
  }
  return { allowed: false, nextAllowedAt: null, ...base };
}

/**
 * The zones to check for a recipient: the profile's time zone when it has a valid one; else the
 * zones of the phone's prefix; else, or for a non-geographic number (toll-free: every zone of
 * the plan), every US zone.
 */
export function recipientZones(
  profileZone: string | null | undefined,
  phone: { zones: readonly string[]; state: string | null } | null,
): readonly string[] {
  if (profileZone && isTimeZone(profileZone)) return [profileZone];
  if (phone && phone.zones.length > 0 && phone.zones.length <= 3) return phone.zones;
  return US_TIME_ZONES;
}

export function isTimeZone(zone: string): boolean {
  try {
    formatFor(zone);
    return true;
  } catch {
    return false;
  }
}
