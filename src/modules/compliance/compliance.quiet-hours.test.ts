import { describe, expect, it } from 'vitest';
import { classifyReply } from './compliance.keywords.ts';
import { placeOfPhone } from './compliance.phone.ts';
import { quietHours, recipientZones, US_TIME_ZONES } from './compliance.quiet-hours.ts';

// The quiet-hours rule, table-driven. The expected instants come from UTC offsets written out
// here per date (not from Intl, which the code uses), so a wrong conversion cannot pass.

/** UTC offset in hours of each zone on each test date (2026: DST from Mar 8 to Nov 1). */
const OFFSETS: Record<string, Record<string, number>> = {
  '2026-01-14': {
    'America/New_York': -5,
    'America/Chicago': -6,
    'America/Denver': -7,
    'America/Phoenix': -7,
    'America/Los_Angeles': -8,
    'America/Anchorage': -9,
    'Pacific/Honolulu': -10,
  },
  '2026-07-15': {
    'America/New_York': -4,
    'America/Chicago': -5,
    'America/Denver': -6,
    'America/Phoenix': -7,
    'America/Los_Angeles': -7,
    'America/Anchorage': -8,
    'Pacific/Honolulu': -10,
  },
  // Sunday of the spring change, after 2 a.m.: daylight time.
  '2026-03-08': {
    'America/New_York': -4,
    'America/Chicago': -5,
    'America/Denver': -6,
    'America/Phoenix': -7,
    'America/Los_Angeles': -7,
    'America/Anchorage': -8,
    'Pacific/Honolulu': -10,
  },
  // Sunday of the autumn change, after 2 a.m.: standard time.
  '2026-11-01': {
    'America/New_York': -5,
    'America/Chicago': -6,
    'America/Denver': -7,
    'America/Phoenix': -7,
    'America/Los_Angeles': -8,
    'America/Anchorage': -9,
    'Pacific/Honolulu': -10,
  },
};
/** Weekday of each date (0 = Sunday). */
const WEEKDAY: Record<string, number> = {
  '2026-01-14': 3,
  '2026-07-15': 3,
  '2026-03-08': 0,
  '2026-11-01': 0,
};
const NEXT_DAY: Record<string, string> = {
  '2026-01-14': '2026-01-15',
  '2026-07-15': '2026-07-16',
  '2026-03-08': '2026-03-09',
  '2026-11-01': '2026-11-02',
};

/** The instant of local wall time `hhmm` on `date` in `zone`. */
function at(date: string, hhmm: string, zone: string): Date {
  const offset =
    OFFSETS[date]?.[zone] ??
    OFFSETS[Object.keys(OFFSETS).find((d) => NEXT_DAY[d] === date)!]![zone]!;
  const [hh, mm] = hhmm.split(':').map(Number);
  return new Date(
    Date.UTC(
      Number(date.slice(0, 4)),
      Number(date.slice(5, 7)) - 1,
      Number(date.slice(8, 10)),
      hh! - offset,
      mm,
    ),
  );
}

/** The windows written out per state, by hand: [start, end) local hours, Sunday first. */
function windowOf(states: string[], weekday: number): [number, number] {
  let [start, end] = [8, 21];
  for (const state of states) {
    if (state === 'FL' || state === 'MD') end = Math.min(end, 20);
    if (state === 'TX') [start, end] = [Math.max(start, weekday === 0 ? 12 : 9), Math.min(end, 21)];
  }
  return [start, end];
}

const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

interface Case {
  name: string;
  zone: string;
  states: string[];
  date: string;
  local: string;
}

const cases: Case[] = [];
const zones = [
  'America/New_York',
  'America/Chicago',
  'America/Los_Angeles',
  'America/Phoenix',
  'Pacific/Honolulu',
];
const stateSets = [[], ['FL'], ['OK'], ['TX'], ['MD'], ['FL', 'TX']];
const times = [
  '07:59',
  '08:00',
  '09:30',
  '11:59',
  '12:00',
  '19:59',
  '20:00',
  '20:59',
  '21:00',
  '23:30',
];
for (const date of Object.keys(OFFSETS)) {
  for (const zone of zones) {
    for (const states of stateSets) {
      for (const local of times) {
        // Keep the table to a few hundred rows: every time in one zone, the edges in the others.
        if (
          zone !== 'America/New_York' &&
          !['07:59', '08:00', '19:59', '20:00', '21:00'].includes(local)
        )
          continue;
        cases.push({
          name: `${date} ${local} ${zone} [${states.join('+') || 'federal'}]`,
          zone,
          states,
          date,
          local,
        });
      }
    }
  }
}

describe('quiet hours in the recipient time zone', () => {
  it('has a table of at least 200 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
  });

  it.each(cases)('$name', ({ zone, states, date, local }) => {
    const sendAt = at(date, local, zone);
    const [start, end] = windowOf(states, WEEKDAY[date]!);
    const minutes = Number(local.slice(0, 2)) * 60 + Number(local.slice(3));
    const decision = quietHours({ sendAt, zones: [zone], states });
    if (minutes >= start * 60 && minutes < end * 60) {
      expect(decision).toMatchObject({ allowed: true, nextAllowedAt: sendAt });
      return;
    }
    const nextDate = minutes < start * 60 ? date : NEXT_DAY[date]!;
    const nextWeekday = minutes < start * 60 ? WEEKDAY[date]! : (WEEKDAY[date]! + 1) % 7;
    const [nextStart] = windowOf(states, nextWeekday);
    expect(decision.allowed).toBe(false);
    expect(decision.nextAllowedAt?.toISOString()).toBe(
      at(nextDate, hhmm(nextStart * 60), zone).toISOString(),
    );
  });

  it('names the sources of the rules applied and the strictest cap', () => {
    const decision = quietHours({
      sendAt: at('2026-07-15', '12:00', 'America/New_York'),
      zones: ['America/New_York'],
      states: ['FL', 'OK'],
    });
    expect(decision.sources[0]).toContain('47 CFR §64.1200(c)(1)');
    expect(decision.sources.some((s) => s.includes('501.059'))).toBe(true);
    expect(decision.capPer24h).toBe(3);
  });

  it('takes the intersection of every US zone when nothing is known', () => {
    // 12:00 in New York is 06:00 in Honolulu: not yet.
    const early = quietHours({
      sendAt: at('2026-07-15', '12:00', 'America/New_York'),
      zones: [],
      states: [],
    });
    expect(early.allowed).toBe(false);
    expect(early.nextAllowedAt?.toISOString()).toBe(
      at('2026-07-15', '08:00', 'Pacific/Honolulu').toISOString(),
    );
    // 16:00 in New York is 10:00 in Honolulu and 12:00 in Anchorage: everyone is awake.
    expect(
      quietHours({ sendAt: at('2026-07-15', '16:00', 'America/New_York'), zones: [], states: [] })
        .allowed,
    ).toBe(true);
    // 21:30 in New York: closed there until the next morning.
    const late = quietHours({
      sendAt: at('2026-07-15', '21:30', 'America/New_York'),
      zones: US_TIME_ZONES,
      states: [],
    });
    expect(late.nextAllowedAt?.toISOString()).toBe(
      at('2026-07-16', '08:00', 'Pacific/Honolulu').toISOString(),
    );
  });

  it('places a recipient by profile zone, then area code, then every US zone', async () => {
    const florida = await placeOfPhone('+1 305 555 0123');
    expect(florida).toMatchObject({
      e164: '+13055550123',
      zones: ['America/New_York'],
      state: 'FL',
    });
    expect(recipientZones('America/Chicago', florida)).toEqual(['America/Chicago']);
    expect(recipientZones(null, florida)).toEqual(['America/New_York']);
    expect(recipientZones('Not/AZone', florida)).toEqual(['America/New_York']);
    expect(recipientZones(null, await placeOfPhone('+1 800 555 0123'))).toEqual(US_TIME_ZONES);
    expect(recipientZones(null, null)).toEqual(US_TIME_ZONES);
    expect((await placeOfPhone('+1 405 555 0123'))?.state).toBe('OK');
    expect(await placeOfPhone('not a number')).toBeNull();
  });
});

describe('reply keywords', () => {
  it.each([
    ['STOP', 'opt_out'],
    ['stop', 'opt_out'],
    [' stop ', 'opt_out'],
    ['STOP.', 'opt_out'],
    ['Stop!!', 'opt_out'],
    ['STOPALL', 'opt_out'],
    ['Unsubscribe', 'opt_out'],
    ['cancel', 'opt_out'],
    ['END', 'opt_out'],
    ['quit', 'opt_out'],
    ['revoke', 'opt_out'],
    ['OPTOUT', 'opt_out'],
    ['opt out', 'opt_out'],
    ['Opt  Out', 'opt_out'],
    ['opt-out', 'opt_out'],
    ['"STOP"', 'opt_out'],
    ['ARRET', 'opt_out'],
    ['remove', 'opt_out'],
    ['TD', 'opt_out'],
    ['START', 'opt_in'],
    ['yes', 'opt_in'],
    ['Unstop', 'opt_in'],
    ['HELP', 'help'],
    ['info?', 'help'],
    ['stop it', 'review'],
    ['please stop texting me', 'review'],
    ['Unsubscribe me please', 'review'],
    ['do not text me again', 'review'],
    ['opt me out', 'none'],
    ['I want to opt out', 'review'],
    ['Stopping by later', 'none'],
    ['unstoppable', 'none'],
    ['see you at the end of the show', 'none'],
    ['yes please', 'none'],
    ['Thanks!', 'none'],
    ['', 'none'],
    ['STOP STOP', 'review'],
  ])('%j → %s', (body, intent) => {
    expect(classifyReply(body)).toBe(intent);
  });
});
