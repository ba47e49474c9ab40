import type { Channel, Purpose } from '../../db/schema.ts';
import {
  type ConsentRecord,
  type Expected,
  expectedDecision,
  localInstant,
  type Sent,
} from './compliance.table.expect.ts';

/**
 * The case table of the pre-send check (compliance.table.test.ts): declared dimensions, crossed
 * block by block (no randomness), each case with the decision the rules give
 * (compliance.table.expect.ts, which knows nothing of the code under test).
 */

/** A number that names no place (toll-free) may ring in any zone of the fifty states. */
const ANYWHERE_US = [
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Phoenix',
  'America/Los_Angeles',
  'America/Anchorage',
  'America/Adak',
  'Pacific/Honolulu',
];

/** Numbers used, with the zones and state Google's libphonenumber data gives their prefix. */
export const AREAS = {
  '212': { place: 'New York', prefix: '+1212555', zones: ['America/New_York'], state: 'NY' },
  '305': { place: 'Miami', prefix: '+1305555', zones: ['America/New_York'], state: 'FL' },
  '405': { place: 'Oklahoma City', prefix: '+1405555', zones: ['America/Chicago'], state: 'OK' },
  '410': { place: 'Baltimore', prefix: '+1410555', zones: ['America/New_York'], state: 'MD' },
  '214': { place: 'Dallas', prefix: '+1214555', zones: ['America/Chicago'], state: 'TX' },
  '915': {
    place: 'El Paso (Mountain)',
    prefix: '+1915555',
    zones: ['America/Denver'],
    state: 'TX',
  },
  '312': { place: 'Chicago', prefix: '+1312555', zones: ['America/Chicago'], state: 'IL' },
  '602': { place: 'Phoenix', prefix: '+1602555', zones: ['America/Phoenix'], state: 'AZ' },
  '808': { place: 'Honolulu', prefix: '+1808555', zones: ['Pacific/Honolulu'], state: 'HI' },
  '907': {
    place: 'Alaska (Anchorage and Adak)',
    prefix: '+1907555',
    zones: ['America/Anchorage', 'America/Adak'],
    state: 'AK',
  },
  '208': {
    place: 'Idaho (Mountain and Pacific)',
    prefix: '+1208555',
    zones: ['America/Boise', 'America/Los_Angeles'],
    state: 'ID',
  },
  '701': {
    place: 'North Dakota (Central and Mountain)',
    prefix: '+1701555',
    zones: ['America/North_Dakota/Center', 'America/Denver'],
    state: 'ND',
  },
  '800': { place: 'toll-free', prefix: '+1800555', zones: ANYWHERE_US, state: null },
  '44': { place: 'London', prefix: '+44207946', zones: ['Europe/London'], state: null },
} as const;
export type Area = keyof typeof AREAS;

/** Consent records made through the API, captured at noon UTC on the given day of January. */
export type ConsentStep = ConsentRecord & { day: number };

const grant = (type: 'pec' | 'pewc' | 'email_opt_in', purpose: Purpose, day: number, more = {}) =>
  ({
    channel: type === 'email_opt_in' ? 'email' : 'sms',
    action: 'grant',
    type,
    purpose,
    day,
    ...more,
  }) as const;
const revoke = (
  day: number,
  more: { channel?: Channel; purpose?: Purpose; program?: string } = {},
) => ({ channel: 'sms', action: 'revoke', day, ...more }) as const;

export const CONSENTS: Readonly<Record<string, readonly ConsentStep[]>> = {
  none: [],
  'pec informational': [grant('pec', 'informational', 10)],
  'pec transactional': [grant('pec', 'transactional', 10)],
  pewc: [grant('pewc', 'marketing', 10)],
  'pewc for vip-club': [grant('pewc', 'marketing', 10, { program: 'vip-club' })],
  'email opt-in only': [grant('email_opt_in', 'marketing', 10)],
  'pewc revoked': [grant('pewc', 'marketing', 10), revoke(12)],
  'pewc revoked then re-granted': [
    grant('pewc', 'marketing', 10),
    revoke(12),
    grant('pewc', 'marketing', 14),
  ],
  'pewc, marketing revoked': [grant('pewc', 'marketing', 10), revoke(12, { purpose: 'marketing' })],
  'pewc, vip-club revoked': [grant('pewc', 'marketing', 10), revoke(12, { program: 'vip-club' })],
  'pec and pewc, all revoked': [
    grant('pec', 'informational', 8),
    grant('pewc', 'marketing', 10),
    revoke(12),
  ],
  'pewc for voice only': [{ ...grant('pewc', 'marketing', 10), channel: 'voice' }],
  'pewc then pec transactional': [
    grant('pewc', 'marketing', 10),
    grant('pec', 'transactional', 12),
  ],
  'email opt-in revoked': [
    grant('email_opt_in', 'marketing', 10),
    revoke(12, { channel: 'email' }),
  ],
};

/** Replies sent to the inbound SMS endpoint, in order, after the consents above. */
export const REPLIES: Readonly<Record<string, readonly string[]>> = {
  none: [],
  STOP: ['STOP'],
  '"  Stop. "': ['  Stop. '],
  unsubscribe: ['unsubscribe'],
  'Opt Out': ['Opt Out'],
  quit: ['quit'],
  'STOP, START': ['STOP', 'START'],
  'STOP, UNSTOP': ['STOP', 'UNSTOP'],
  'STOP, STOP': ['STOP', 'STOP'],
  'STOP, START, STOP': ['STOP', 'START', 'STOP'],
  'STOP, HELP': ['STOP', 'HELP'],
  START: ['START'],
  HELP: ['HELP'],
  '"stop it" (review)': ['stop it'],
  '"Stopping by later"': ['Stopping by later'],
};

const sms = (before: number, purpose: Purpose = 'marketing'): Sent => ({
  before,
  channel: 'sms',
  purpose,
});
/** Messages in contact_log before the send (what send paths write). */
export const HISTORIES: Readonly<Record<string, readonly Sent[]>> = {
  none: [],
  '2 marketing': [sms(60), sms(300)],
  '3 marketing': [sms(60), sms(300), sms(1380)],
  '3 marketing, one 25 h ago': [sms(60), sms(300), sms(1500)],
  '3 marketing, one 23 h 59 min ago': [sms(60), sms(300), sms(1439)],
  '2 marketing, 3 other purposes': [
    sms(60),
    sms(90),
    sms(30, 'informational'),
    sms(120, 'informational'),
    sms(200, 'transactional'),
  ],
  '3 marketing emails': [60, 300, 1380].map((before) => ({
    before,
    channel: 'email' as const,
    purpose: 'marketing' as const,
  })),
};

export interface Where {
  area: Area;
  timezone?: string;
  state?: string;
}

export interface Case {
  name: string;
  where: Where;
  /** How the recipient is named in the request. */
  by: 'player_id' | 'e164' | 'national';
  /** Keys of CONSENTS, REPLIES and HISTORIES. */
  consent: string;
  replies: string;
  history: string;
  channel: Channel;
  purpose: Purpose;
  program: string | null;
  sendAt: Date;
  /** The same phone's records in another property, which must not count here. */
  elsewhere: 'pewc' | 'STOP' | null;
  expected: Expected;
}

// ---- The blocks ---------------------------------------------------------------------------

const WEDNESDAY = '2026-07-15';
const SUNDAY = '2026-07-19';
const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const PURPOSES: readonly Purpose[] = ['marketing', 'informational', 'transactional'];

interface Draft extends Partial<
  Omit<Case, 'name' | 'expected' | 'where' | 'sendAt' | 'elsewhere'>
> {
  block: string;
  where: Where;
  date: string;
  time: string;
  /** For wall times a clock change makes ambiguous: the instant itself. */
  at?: Date;
  elsewhere?: 'pewc' | 'STOP';
}

function make(d: Draft): Case {
  const zone = d.where.timezone ?? AREAS[d.where.area].zones[0];
  const c = {
    where: d.where,
    by: d.by ?? 'player_id',
    consent: d.consent ?? 'pewc',
    replies: d.replies ?? 'none',
    history: d.history ?? 'none',
    channel: d.channel ?? 'sms',
    purpose: d.purpose ?? 'marketing',
    program: d.program ?? null,
    sendAt: d.at ?? localInstant(zone, d.date, d.time),
  } satisfies Omit<Case, 'name' | 'expected' | 'elsewhere'>;
  const where = [
    `${d.where.area} ${AREAS[d.where.area].place}`,
    d.where.timezone && `profile zone ${d.where.timezone}`,
    d.where.state && `profile state ${JSON.stringify(d.where.state)}`,
  ].filter(Boolean);
  const name = [
    `${d.block}: ${where.join(', ')}`,
    `consent ${c.consent}`,
    `replies ${c.replies}`,
    `history ${c.history}`,
    `${c.channel} ${c.purpose}${c.program ? ` for ${c.program}` : ''}`,
    `by ${c.by}`,
    `${DAY_NAMES[new Date(`${d.date}T00:00:00Z`).getUTCDay()]} ${d.date} ${d.time} ${zone}`,
    ...(d.elsewhere ? [`another property has ${d.elsewhere}`] : []),
  ].join(' · ');
  const area = AREAS[d.where.area];
  const expected = expectedDecision({
    zones: d.where.timezone ? [d.where.timezone] : area.zones,
    states: [area.state, d.where.state],
    consents: [...CONSENTS[c.consent]!].sort((a, b) => a.day - b.day),
    replies: REPLIES[c.replies]!,
    sent: HISTORIES[c.history]!,
    channel: c.channel,
    purpose: c.purpose,
    program: c.program,
    sendAt: c.sendAt,
  });
  return { name, ...c, expected, elsewhere: d.elsewhere ?? null };
}

const cross = <A, B>(as: readonly A[], bs: readonly B[]): [A, B][] =>
  as.flatMap((a) => bs.map((b): [A, B] => [a, b]));

const PROFILE_ZONES = [
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Phoenix',
  'America/Los_Angeles',
  'America/Anchorage',
  'Pacific/Honolulu',
];
const BY_ZONE: Where[] = PROFILE_ZONES.map((timezone) => ({
  area: timezone === 'America/New_York' ? '312' : '212',
  timezone,
}));
const BY_AREA: Where[] = (
  ['212', '305', '405', '312', '602', '808', '907', '208', '701', '915', '800'] as const
).map((area) => ({ area }));

/** Where the recipient is × local send time around the window's edges (marketing, PEWC). */
const windowBlock = [
  ...cross(
    [...BY_ZONE, ...BY_AREA],
    ['07:59', '08:00', '12:00', '19:59', '20:00', '20:59', '21:00'],
  ),
  ...cross<Where, string>([{ area: '44' }], ['07:59', '12:00']),
].map(([where, time]) =>
  make({
    block: 'window',
    where,
    by: where.timezone ? 'player_id' : 'e164',
    date: WEDNESDAY,
    time,
  }),
);

/** The phone's state × the profile's state (the stricter applies) × weekday and Sunday hours. */
const STATE_TIMES: [string, string][] = [
  [WEDNESDAY, '08:30'],
  [WEDNESDAY, '20:30'],
  [SUNDAY, '11:30'],
];
const stateBlock = [
  ...cross(
    cross(['305', '405', '410', '214', '212'] as const, [undefined, 'FL', 'OK', 'MD', 'TX']),
    STATE_TIMES,
  ).map(([[area, state], [date, time]]) =>
    make({ block: 'states', where: state ? { area, state } : { area }, date, time }),
  ),
  ...cross<Where, [string, string]>(
    [
      { area: '305', timezone: 'America/Los_Angeles' },
      { area: '214', timezone: 'America/New_York' },
      { area: '405', timezone: 'America/Denver' },
    ],
    STATE_TIMES,
  ).map(([where, [date, time]]) => make({ block: 'states', where, date, time })),
  ...(['fl', 'Florida'] as const).map((state) =>
    make({ block: 'states', where: { area: '212', state }, date: WEDNESDAY, time: '20:30' }),
  ),
];

/** The recipient named by player id, by E.164 phone, by a national-format phone. */
const lookupBlock = cross(
  [
    [{ area: '212', timezone: 'America/Los_Angeles' }, '07:30'],
    [{ area: '212', state: 'FL' }, '20:30'],
  ] as [Where, string][],
  ['player_id', 'e164', 'national'] as const,
).map(([[where, time], by]) => make({ block: 'lookup', where, by, date: WEDNESDAY, time }));

/** Messages already sent × the state's cap of 3 per 24 hours. */
const CAPPED: Where[] = [
  { area: '305' },
  { area: '405' },
  { area: '410' },
  { area: '214' },
  { area: '212' },
  { area: '212', state: 'OK' },
];
const historyBlock = [
  ...cross(CAPPED, Object.keys(HISTORIES)).map(([where, history]) =>
    make({ block: 'history', where, history, date: WEDNESDAY, time: '12:00' }),
  ),
  ...CAPPED.map((where) =>
    make({
      block: 'history',
      where,
      history: '3 marketing',
      purpose: 'informational',
      date: WEDNESDAY,
      time: '12:00',
    }),
  ),
];

/** Consent on file × purpose × channel, inside and outside the window. */
const SMS_SENDS: [Purpose, string][] = [
  ['marketing', '12:00'],
  ['marketing', '21:30'],
  ['informational', '21:30'],
  ['transactional', '21:30'],
];
const consentBlock = [
  ...cross(Object.keys(CONSENTS), SMS_SENDS).map(([consent, [purpose, time]]) =>
    make({
      block: 'consent',
      where: { area: '212' },
      consent,
      purpose,
      date: WEDNESDAY,
      time,
      ...(consent === 'none' ? { elsewhere: 'pewc' as const } : {}),
    }),
  ),
  ...cross(['pewc', 'pewc for vip-club', 'pewc, vip-club revoked'], ['vip-club', 'slots']).map(
    ([consent, program]) =>
      make({
        block: 'consent',
        where: { area: '212' },
        consent,
        program,
        date: WEDNESDAY,
        time: '12:00',
      }),
  ),
  ...cross(['none', 'email opt-in only', 'email opt-in revoked', 'pewc'], PURPOSES).map(
    ([consent, purpose]) =>
      make({
        block: 'consent',
        where: { area: '212' },
        consent,
        purpose,
        channel: 'email',
        date: WEDNESDAY,
        time: '21:30',
      }),
  ),
  ...cross(['pewc', 'pewc for voice only'], ['12:00', '21:30']).map(([consent, time]) =>
    make({
      block: 'consent',
      where: { area: '212' },
      consent,
      channel: 'voice',
      date: WEDNESDAY,
      time,
    }),
  ),
];

/** Replies on the inbound SMS endpoint before the check × purpose. */
const keywordBlock = [
  ...cross(Object.keys(REPLIES), PURPOSES).map(([replies, purpose]) =>
    make({
      block: 'keywords',
      where: { area: '212' },
      replies,
      purpose,
      date: WEDNESDAY,
      time: '12:00',
      ...(replies === 'none' ? { elsewhere: 'STOP' as const } : {}),
    }),
  ),
  ...cross(['pec informational', 'pewc then pec transactional'], PURPOSES).map(
    ([consent, purpose]) =>
      make({
        block: 'keywords',
        where: { area: '212' },
        consent,
        replies: 'STOP, START',
        purpose,
        date: WEDNESDAY,
        time: '12:00',
      }),
  ),
];

/** The 2026 clock changes (Sunday 8 March, Sunday 1 November) around the 8:00 and 21:00 edges. */
const dstBlock = [
  ...cross(
    [...BY_ZONE, { area: '800' }, { area: '305' }, { area: '214' }] as Where[],
    [
      ['2026-03-07', '21:30'],
      ['2026-03-08', '07:59'],
      ['2026-03-08', '08:00'],
      ['2026-03-08', '21:00'],
      ['2026-10-31', '21:30'],
      ['2026-11-01', '07:59'],
      ['2026-11-01', '08:00'],
      ['2026-11-01', '21:00'],
    ] as [string, string][],
  ).map(([where, [date, time]]) =>
    make({ block: 'dst', where, by: where.timezone ? 'player_id' : 'e164', date, time }),
  ),
  // 01:30 happens twice in New York on 1 November, and 03:00 follows 01:59 on 8 March.
  ...(
    [
      ['01:30 EDT', '2026-11-01T05:30:00Z'],
      ['01:30 EST', '2026-11-01T06:30:00Z'],
    ] as const
  ).map(([time, at]) =>
    make({ block: 'dst', where: { area: '212' }, date: '2026-11-01', time, at: new Date(at) }),
  ),
  make({ block: 'dst', where: { area: '212' }, date: '2026-03-08', time: '03:00' }),
];

export const CASES: readonly Case[] = [
  ...windowBlock,
  ...stateBlock,
  ...lookupBlock,
  ...historyBlock,
  ...consentBlock,
  ...keywordBlock,
  ...dstBlock,
];
