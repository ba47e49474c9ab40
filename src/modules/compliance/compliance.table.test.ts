import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePropertyTenant, type PropertyTenant, unique } from '../../../test/factories.ts';
import { createHarness, type Harness, json } from '../../../test/harness.ts';
import type { ManualClock } from '../../lib/clock.ts';
import { twilioSignature } from '../../adapters/sms/twilio.ts';
import { AREAS, type Case, CASES, CONSENTS, HISTORIES, REPLIES } from './compliance.table.cases.ts';
import { type ConsentRecord, expectedDecision, type Facts } from './compliance.table.expect.ts';

// The pre-send check through the API on the database, one case per row of the table in
// compliance.table.cases.ts: every case's player, consents, replies and sent messages are set up
// first, in batches, then the checks run grouped by send time (one request per send time,
// channel and purpose), and each case asserts its own decision.

/** Before every consent reply and send of the table; consents were captured in January. */
const START = new Date('2026-02-01T12:00:00Z');
const TOKEN = `table-token-${randomBytes(8).toString('hex')}`;
const POSTAL = '1 Casino Way, Las Vegas, NV 89109';

interface Subject {
  c: Case;
  playerId: string;
  e164: string;
  email: string;
}
interface Decision {
  player_id: string | null;
  outcome: string;
  reasons: string[];
  next_allowed_at: string | null;
}

let h: Harness;
let home: PropertyTenant;
let away: PropertyTenant;
const decided = new Map<string, Decision>();
const ids = new Map<string, string>();

const post = (t: PropertyTenant, url: string, payload: object) =>
  h.inject({ method: 'POST', url, headers: t.keyHeaders, payload });

async function ok(response: Promise<LightMyRequestResponse>, status = 200) {
  const r = await response;
  expect(r.statusCode, r.body).toBe(status);
  return r;
}

/** Numbers of one area code in turn: `+1212555` then 0100, 0101… (London: 020 7946 0xxx). */
function numbering() {
  const used = new Map<string, number>();
  return (area: keyof typeof AREAS) => {
    const n = (used.get(area) ?? 99) + 1;
    used.set(area, n);
    return `${AREAS[area].prefix}${String(n).padStart(4, '0')}`;
  };
}

const national = (e164: string) => `(${e164.slice(2, 5)}) ${e164.slice(5, 8)}-${e164.slice(8)}`;

function reply(t: PropertyTenant, from: string, body: string) {
  const path = `/api/sms/inbound/${t.property.id}`;
  const params = {
    From: from,
    To: '+17025550100',
    Body: body,
    MessageSid: `SM${randomBytes(16).toString('hex')}`,
  };
  return h.inject({
    method: 'POST',
    url: path,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilioSignature(TOKEN, `http://playloop.test${path}`, params),
    },
    payload: new URLSearchParams(params).toString(),
  });
}

function consentsOf(s: Subject) {
  return CONSENTS[s.c.consent]!.map((step) => ({
    player_id: s.playerId,
    channel: step.channel,
    action: step.action,
    ...(step.action === 'grant'
      ? {
          consent_type: step.type,
          purpose: step.purpose,
          ...(step.type === 'pewc' ? { disclosure_version: 'sms-terms-v3' } : {}),
        }
      : step.purpose
        ? { purpose: step.purpose }
        : {}),
    ...(step.program ? { program: step.program } : {}),
    captured_at: `2026-01-${String(step.day).padStart(2, '0')}T12:00:00Z`,
  }));
}

function recipient(s: Subject) {
  if (s.c.by === 'player_id') return { player_id: s.playerId };
  return { phone: s.c.by === 'e164' ? s.e164 : national(s.e164) };
}

async function setUp(subjects: Subject[]) {
  for (let i = 0; i < subjects.length; i += 1000) {
    const batch = subjects.slice(i, i + 1000).map((s) => ({
      player_id: s.playerId,
      phone: s.e164,
      email: s.email,
      ...(s.c.where.timezone ? { timezone: s.c.where.timezone } : {}),
      ...(s.c.where.state ? { state: s.c.where.state } : {}),
    }));
    const r = await ok(post(home, '/api/players/batch', { players: batch }));
    expect(json<{ data: { errors: unknown[] } }>(r).data.errors).toEqual([]);
  }
  const rows = await h.deps.database.db
    .selectFrom('players')
    .select(['id', 'player_id'])
    .where('property_id', '=', home.property.id)
    .execute();
  const byCasinoId = new Map(rows.map((row) => [row.player_id, row.id]));
  for (const s of subjects) ids.set(s.c.name, byCasinoId.get(s.playerId)!);

  const consents = subjects.flatMap(consentsOf);
  // Batches of 200 stay under the default body limit.
  for (let i = 0; i < consents.length; i += 200) {
    await ok(
      post(home, '/api/functions/record-consent', { consents: consents.slice(i, i + 200) }),
      201,
    );
  }
  const elsewhere = subjects.filter((s) => s.c.elsewhere === 'pewc');
  if (elsewhere.length > 0) {
    const grants = elsewhere.map((s) => ({
      channel: 'sms',
      address: s.e164,
      consent_type: 'pewc',
      purpose: 'marketing',
      disclosure_version: 'sms-terms-v3',
      captured_at: '2026-01-10T12:00:00Z',
    }));
    await ok(post(away, '/api/functions/record-consent', { consents: grants }), 201);
  }

  const sent = subjects.flatMap((s) =>
    HISTORIES[s.c.history]!.map((m) => ({
      property_id: home.property.id,
      player_id: ids.get(s.c.name)!,
      channel: m.channel,
      address: m.channel === 'sms' ? s.e164 : s.email,
      purpose: m.purpose,
      kind: 'game_invitation',
      sent_at: new Date(s.c.sendAt.getTime() - m.before * 60_000),
    })),
  );
  if (sent.length > 0) await h.deps.database.db.insertInto('contact_log').values(sent).execute();

  // Replies in rounds a second apart, as a person sends them; one number's replies in order.
  const rounds = Math.max(...subjects.map((s) => REPLIES[s.c.replies]!.length));
  for (let round = 0; round < rounds; round++) {
    (h.clock as ManualClock).advance(1000);
    await Promise.all([
      ...subjects.flatMap((s) => {
        const body = REPLIES[s.c.replies]![round];
        return body === undefined ? [] : [ok(reply(home, s.e164, body))];
      }),
      ...(round === 0
        ? subjects
            .filter((s) => s.c.elsewhere === 'STOP')
            .map((s) => ok(reply(away, s.e164, 'STOP')))
        : []),
    ]);
  }
}

/** One request per send time, channel, purpose and program, in time order. */
async function runChecks(subjects: Subject[]) {
  const groups = new Map<string, Subject[]>();
  for (const s of subjects) {
    const key = [s.c.sendAt.toISOString(), s.c.channel, s.c.purpose, s.c.program ?? ''].join('|');
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  const ordered = [...groups.values()].sort(
    (a, b) => a[0]!.c.sendAt.getTime() - b[0]!.c.sendAt.getTime(),
  );
  for (const group of ordered) {
    const { sendAt, channel, purpose, program } = group[0]!.c;
    // A minute before the send: the records above are all in the past, the send in the future.
    (h.clock as ManualClock).set(new Date(sendAt.getTime() - 60_000));
    const r = await ok(
      post(home, '/api/functions/tcpa-check', {
        channel,
        purpose,
        ...(program ? { program } : {}),
        send_at: sendAt.toISOString(),
        recipients: group.map(recipient),
      }),
    );
    const data = json<{ data: Decision[] }>(r).data;
    expect(data).toHaveLength(group.length);
    group.forEach((s, i) => {
      const { player_id, outcome, reasons, next_allowed_at } = data[i]!;
      decided.set(s.c.name, { player_id, outcome, reasons, next_allowed_at });
    });
  }
}

beforeAll(async () => {
  h = await createHarness({ start: START });
  [home, away] = await Promise.all([makePropertyTenant(h), makePropertyTenant(h)]);
  await ok(
    h.inject({
      method: 'PATCH',
      url: '/api/functions/compliance-settings',
      headers: home.keyHeaders,
      payload: { sms_auth_token: TOKEN, postal_address: POSTAL },
    }),
  );
  await ok(
    h.inject({
      method: 'PATCH',
      url: '/api/functions/compliance-settings',
      headers: away.keyHeaders,
      payload: { sms_auth_token: TOKEN },
    }),
  );
  const run = unique('tbl');
  const phone = numbering();
  const subjects = CASES.map((c, i) => ({
    c,
    playerId: `${run}-${i}`,
    e164: phone(c.where.area),
    email: `${run}-${i}@example.test`,
  }));
  await setUp(subjects);
  await runChecks(subjects);
}, 120_000);

afterAll(async () => {
  await h.close();
});

describe('the case table', () => {
  it('holds at least 200 distinct cases reaching every outcome the rules give', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(200);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
    const reasons = new Set(CASES.flatMap((c) => c.expected.reasons));
    expect([...reasons].sort()).toEqual([
      'consent_insufficient',
      'no_consent',
      'quiet_hours',
      'revoked',
      'state_frequency_cap',
    ]);
    expect(CASES.filter((c) => c.expected.outcome === 'allow').length).toBeGreaterThan(100);
  });

  // The expectation function against decisions worked out by hand from the UTC offsets.
  const PEWC: ConsentRecord = {
    channel: 'sms',
    action: 'grant',
    type: 'pewc',
    purpose: 'marketing',
  };
  const NY = ['America/New_York'];
  it.each([
    [
      'Miami 20:30 EDT: Florida ends at 20:00, 08:00 EDT is 12:00 UTC',
      { states: ['FL'], sendAt: '2026-07-16T00:30:00Z' },
      ['quiet_hours'],
      '2026-07-16T12:00:00.000Z',
    ],
    [
      'toll-free at noon EDT is 06:00 in Honolulu: 08:00 HST is 18:00 UTC',
      { zones: ['America/New_York', 'Pacific/Honolulu'], sendAt: '2026-07-15T16:00:00Z' },
      ['quiet_hours'],
      '2026-07-15T18:00:00.000Z',
    ],
    [
      'Anchorage 08:30 AKDT is 07:30 in Adak: 09:00 AKDT is 17:00 UTC',
      { zones: ['America/Anchorage', 'America/Adak'], sendAt: '2026-07-15T16:30:00Z' },
      ['quiet_hours'],
      '2026-07-15T17:00:00.000Z',
    ],
    [
      'Saturday 21:30 EST before spring forward: 08:00 EDT is 12:00 UTC',
      { sendAt: '2026-03-08T02:30:00Z' },
      ['quiet_hours'],
      '2026-03-08T12:00:00.000Z',
    ],
    [
      'Saturday 21:30 EDT before fall back: 08:00 EST is 13:00 UTC',
      { sendAt: '2026-11-01T01:30:00Z' },
      ['quiet_hours'],
      '2026-11-01T13:00:00.000Z',
    ],
    [
      'Dallas on Sunday 08:00 CST: Texas opens at noon, 18:00 UTC',
      { zones: ['America/Chicago'], states: ['TX'], sendAt: '2026-11-01T14:00:00Z' },
      ['quiet_hours'],
      '2026-11-01T18:00:00.000Z',
    ],
    [
      'no consent at 22:00 EDT: both reasons',
      { consents: [], sendAt: '2026-07-16T02:00:00Z' },
      ['no_consent', 'quiet_hours'],
      '2026-07-16T12:00:00.000Z',
    ],
    ['STOP at noon: revoked alone', { replies: ['STOP'] }, ['revoked'], null],
    ['STOP then START: allowed again', { replies: [' stop ', 'Start'] }, [], null],
    [
      'PEWC then PEC for transactional, STOP, START: both come back',
      {
        consents: [
          PEWC,
          { channel: 'sms', action: 'grant', type: 'pec', purpose: 'transactional' },
        ],
        replies: ['STOP', 'START'],
      },
      [],
      null,
    ],
    [
      'Oklahoma, 3 sent in 24 h: capped',
      {
        states: ['OK'],
        sent: [60, 120, 1430].map((before) => ({ before, channel: 'sms', purpose: 'marketing' })),
      },
      ['state_frequency_cap'],
      null,
    ],
    [
      'Oklahoma, 3 sent, one 24 h 1 min ago: allowed',
      {
        states: ['OK'],
        sent: [60, 120, 1441].map((before) => ({ before, channel: 'sms', purpose: 'marketing' })),
      },
      [],
      null,
    ],
  ] as [string, Partial<Omit<Facts, 'sendAt'>> & { sendAt?: string }, string[], string | null][])(
    'expects %s',
    (_, facts, reasons, next) => {
      const decision = expectedDecision({
        zones: NY,
        states: [],
        consents: [PEWC],
        replies: [],
        sent: [],
        channel: 'sms',
        purpose: 'marketing',
        program: null,
        ...facts,
        sendAt: new Date(facts.sendAt ?? '2026-07-15T16:00:00Z'),
      });
      expect(decision).toEqual({
        outcome: reasons.length ? 'skip' : 'allow',
        reasons,
        next_allowed_at: next,
      });
    },
  );
});

/**
 * Where the check departs from the rules today, reported to the lead with input, expected and
 * actual. They run as expected failures, so the day one is fixed its case fails here: then delete
 * its line and the case joins the others.
 */
// Cases the code is known to get wrong, as [case name pattern, why]; each runs as an expected
// failure, so a fix makes it fail until its line is removed. None today: the three this table
// found (a profile state typed "fl", a national-format recipient phone, START restoring only the
// newest grant) are fixed.
const KNOWN_DEPARTURES: readonly (readonly [RegExp, string])[] = [];
const departure = (c: Case) => KNOWN_DEPARTURES.find(([pattern]) => pattern.test(c.name))?.[1];

describe('the pre-send check, case by case', () => {
  const decisionOf = (c: Case) => {
    expect(decided.get(c.name)).toEqual({ player_id: ids.get(c.name), ...c.expected });
  };
  it.each(CASES.filter((c) => !departure(c)).map((c) => [c.name, c] as const))('%s', (_, c) =>
    decisionOf(c),
  );
  it.fails.each(
    CASES.filter((c) => departure(c)).map(
      (c) => [`${c.name} (known: ${departure(c)})`, c] as const,
    ),
  )('%s', (_, c) => decisionOf(c));
});
