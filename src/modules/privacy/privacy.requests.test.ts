import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePropertyTenant, type PropertyTenant, unique } from '../../../test/factories.ts';
import { createHarness, expectError, type Harness, json } from '../../../test/harness.ts';
import { ManualClock } from '../../lib/clock.ts';
import { deadlineOf, extendedDeadlineOf } from './privacy.deadlines.ts';
import { subjectHash } from './privacy.hashes.ts';

// Privacy requests answered in two steps (issue 12): opened on receipt, extended with a reason
// inside the first period, completed by the export or erasure that names them.

let h: Harness;
let clock: ManualClock;
beforeAll(async () => {
  h = await createHarness({ start: new Date('2026-03-10T09:00:00Z') });
  if (!(h.clock instanceof ManualClock)) throw new Error('a settable clock is needed');
  clock = h.clock;
});
afterAll(async () => {
  await h.close();
});

interface Request {
  id: string;
  type: string;
  player_id: string | null;
  regime: string;
  status: string;
  note: string | null;
  received_at: string;
  deadline: string;
  extended_until: string | null;
  extension_reason: string | null;
  extended_at: string | null;
  completed_at: string | null;
  completion: Record<string, Record<string, unknown>> | null;
  overdue?: boolean;
}

type Headers = Record<string, string>;

const post = (url: string, headers: Headers, payload: unknown) =>
  h.inject({ method: 'POST', url: `/api/functions/${url}`, headers, payload: payload as object });
const open = (t: PropertyTenant, payload: unknown, headers: Headers = t.keyHeaders) =>
  post('open-privacy-request', headers, payload);
const extend = (t: PropertyTenant, payload: unknown, headers: Headers = t.keyHeaders) =>
  post('extend-privacy-request', headers, payload);

async function list(t: PropertyTenant, query = ''): Promise<Request[]> {
  const response = await h.inject({
    method: 'GET',
    url: `/api/functions/privacy-requests${query}`,
    headers: t.keyHeaders,
  });
  expect(response.statusCode, response.body).toBe(200);
  return json<{ data: Request[] }>(response).data;
}

async function addPlayer(t: PropertyTenant, casinoId: string): Promise<string> {
  const response = await h.inject({
    method: 'POST',
    url: '/api/players',
    headers: t.userHeaders,
    payload: { player_id: casinoId, email: `${casinoId}@example.test` },
  });
  expect(response.statusCode, response.body).toBe(201);
  return json<{ data: { id: string } }>(response).data.id;
}

/** A tenant with one player (casino id `casinoId`) and a request opened for it. */
async function opened(
  body: { type: 'export' | 'delete'; regime?: 'gdpr' | 'ccpa' },
  casinoId = unique('p'),
) {
  const t = await makePropertyTenant(h);
  const playerId = await addPlayer(t, casinoId);
  const response = await open(t, { ...body, player_id: casinoId });
  expect(response.statusCode, response.body).toBe(201);
  return { t, playerId, casinoId, request: json<{ data: Request }>(response).data };
}

const playerStatus = async (t: PropertyTenant, id: string) =>
  (await h.inject({ method: 'GET', url: `/api/players/${id}`, headers: t.keyHeaders })).statusCode;

const REASON = 'Numerous requests this month; the archive search takes longer';

describe('open → extend → complete', () => {
  it('opens a request as received with its deadline, performing nothing', async () => {
    clock.set(new Date('2026-03-10T09:00:00Z'));
    const t = await makePropertyTenant(h);
    const id = await addPlayer(t, 'open-1');
    const response = await open(t, { type: 'delete', player_id: 'open-1', note: 'ticket 42' });
    expect(response.statusCode, response.body).toBe(201);
    expect(json<{ data: Request }>(response).data).toMatchObject({
      type: 'delete',
      player_id: id,
      regime: 'gdpr',
      status: 'received',
      note: 'ticket 42',
      received_at: '2026-03-10T09:00:00.000Z',
      deadline: '2026-04-10T09:00:00.000Z',
      extended_until: null,
      extension_reason: null,
      completed_at: null,
      completion: null,
    });
    expect(await playerStatus(t, id)).toBe(200);
    const rows = await list(t);
    expect(rows.map((r) => [r.status, r.overdue])).toEqual([['received', false]]);
  });

  it('extends an erasure request, then completes it by request_id: counts recorded, player gone', async () => {
    clock.set(new Date('2026-03-10T09:00:00Z'));
    const { t, playerId, casinoId, request } = await opened({ type: 'delete' });

    clock.advance(5 * 86_400_000);
    const extended = await extend(t, { id: request.id, reason: REASON });
    expect(extended.statusCode, extended.body).toBe(200);
    expect(json<{ data: Request }>(extended).data).toMatchObject({
      id: request.id,
      status: 'received',
      deadline: '2026-04-10T09:00:00.000Z',
      extended_until: '2026-06-10T09:00:00.000Z',
      extension_reason: REASON,
      extended_at: '2026-03-15T09:00:00.000Z',
    });

    // Answered after the first deadline, inside the extended one.
    clock.set(new Date('2026-05-01T12:00:00Z'));
    const deleted = await post('delete-player-data', t.keyHeaders, {
      player_id: casinoId,
      request_id: request.id,
    });
    expect(deleted.statusCode, deleted.body).toBe(200);
    expect(json<{ data: Request }>(deleted).data).toMatchObject({
      id: request.id,
      type: 'delete',
      player_id: null,
      status: 'completed',
      completed_at: '2026-05-01T12:00:00.000Z',
      received_at: '2026-03-10T09:00:00.000Z',
      extended_until: '2026-06-10T09:00:00.000Z',
      extension_reason: REASON,
      completion: {
        deleted: { player: 1, activity: 0, subscriptions: 0, contacts: 0 },
        kept: { consents: 0, decisions: 0 },
        suppressions: { written: 2, reasons: ['erased'] },
      },
    });
    expect(await playerStatus(t, playerId)).toBe(404);
    // No second record: the opened request is the one completed, named by hash from now on.
    const rows = await list(t);
    expect(rows.map((r) => [r.id, r.status, r.player_id, r.overdue])).toEqual([
      [request.id, 'completed', null, false],
    ]);
    expect(
      await h.deps.database.db
        .selectFrom('privacy_requests')
        .select('subject_hash')
        .where('id', '=', request.id)
        .executeTakeFirstOrThrow(),
    ).toEqual({ subject_hash: subjectHash(playerId) });
  });

  it('completes an opened export request with the bundle, keeping the player', async () => {
    clock.set(new Date('2026-03-10T09:00:00Z'));
    const { t, playerId, request } = await opened({ type: 'export', regime: 'ccpa' });
    clock.advance(86_400_000);
    const response = await post('export-player-data', t.keyHeaders, {
      player_id: playerId,
      request_id: request.id,
      regime: 'gdpr',
    });
    expect(response.statusCode, response.body).toBe(200);
    const bundle = json<{ data: { request: Request; player: { id: string } } }>(response).data;
    expect(bundle.player.id).toBe(playerId);
    // The opened request's regime stands; the body's is ignored.
    expect(bundle.request).toMatchObject({
      id: request.id,
      regime: 'ccpa',
      deadline: request.deadline,
      player_id: playerId,
      status: 'completed',
      completed_at: '2026-03-11T09:00:00.000Z',
      completion: { exported: { player: 1 }, truncated_kinds: [] },
    });
    expect(await playerStatus(t, playerId)).toBe(200);
    expect((await list(t)).map((r) => r.id)).toEqual([request.id]);
  });

  it('retries a failed request by naming it', async () => {
    const t = await makePropertyTenant(h);
    const playerId = await addPlayer(t, unique('f'));
    const now = clock.now();
    // As an export that rolled back records it (privacy.service.ts recordFailure).
    const failed = await h.deps.database.db
      .insertInto('privacy_requests')
      .values({
        property_id: t.property.id,
        type: 'export',
        player_id: playerId,
        subject_hash: subjectHash(playerId),
        regime: 'gdpr',
        status: 'failed',
        received_at: now,
        deadline: deadlineOf('gdpr', now),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const response = await post('export-player-data', t.keyHeaders, {
      player_id: playerId,
      request_id: failed.id,
    });
    expect(response.statusCode, response.body).toBe(200);
    expect((await list(t)).map((r) => [r.id, r.status])).toEqual([[failed.id, 'completed']]);
  });
});

describe('extension arithmetic', () => {
  const cases: [string, 'gdpr' | 'ccpa', string, string, string][] = [
    // received, deadline, extended until
    [
      'GDPR at a month end',
      'gdpr',
      '2026-01-31T10:00:00Z',
      '2026-02-28T10:00:00.000Z',
      '2026-04-28T10:00:00.000Z',
    ],
    [
      'GDPR into a short February',
      'gdpr',
      '2026-11-30T23:30:00Z',
      '2026-12-30T23:30:00.000Z',
      '2027-02-28T23:30:00.000Z',
    ],
    [
      'GDPR over a year end',
      'gdpr',
      '2026-12-31T08:00:00Z',
      '2027-01-31T08:00:00.000Z',
      '2027-03-31T08:00:00.000Z',
    ],
    [
      'CCPA at a month end',
      'ccpa',
      '2026-01-31T10:00:00Z',
      '2026-03-17T10:00:00.000Z',
      '2026-05-01T10:00:00.000Z',
    ],
    [
      'CCPA over a year end',
      'ccpa',
      '2026-12-07T02:00:00Z',
      '2027-01-21T02:00:00.000Z',
      '2027-03-07T02:00:00.000Z',
    ],
  ];
  it.each(cases)(
    '%s: received %s, due and extended as the regime says',
    async (_label, regime, received, deadline, until) => {
      clock.set(new Date(received));
      const { t, request } = await opened({ type: 'export', regime });
      expect(request.deadline).toBe(deadline);
      const response = await extend(t, { id: request.id, reason: REASON });
      expect(response.statusCode, response.body).toBe(200);
      expect(json<{ data: Request }>(response).data.extended_until).toBe(until);
    },
  );

  it('counts a leap February: two months from 30 December 2027 end on 29 February 2028', () => {
    expect(extendedDeadlineOf('gdpr', new Date('2027-12-30T00:00:00Z')).toISOString()).toBe(
      '2028-02-29T00:00:00.000Z',
    );
    expect(extendedDeadlineOf('ccpa', new Date('2028-02-01T00:00:00Z')).toISOString()).toBe(
      '2028-03-17T00:00:00.000Z',
    );
  });
});

describe('refusals', () => {
  it('refuses a second extension, keeping the first', async () => {
    clock.set(new Date('2026-03-10T09:00:00Z'));
    const { t, request } = await opened({ type: 'delete' });
    expect((await extend(t, { id: request.id, reason: REASON })).statusCode).toBe(200);
    const again = expectError(await extend(t, { id: request.id, reason: 'More' }), 409, 'conflict');
    expect(again.error).toMatch(/already extended/);
    expect((await list(t))[0]).toMatchObject({
      extended_until: '2026-06-10T09:00:00.000Z',
      extension_reason: REASON,
    });
  });

  it('refuses to extend a completed request', async () => {
    const { t, playerId, request } = await opened({ type: 'export' });
    const done = await post('export-player-data', t.keyHeaders, {
      player_id: playerId,
      request_id: request.id,
    });
    expect(done.statusCode, done.body).toBe(200);
    const refused = expectError(
      await extend(t, { id: request.id, reason: REASON }),
      409,
      'conflict',
    );
    expect(refused.error).toMatch(/already completed/);
    expect((await list(t))[0]?.extended_until).toBeNull();
  });

  it('extends up to the deadline itself, and refuses once it has passed', async () => {
    clock.set(new Date('2026-03-10T09:00:00Z'));
    const onTime = await opened({ type: 'export' });
    const late = await opened({ type: 'export', regime: 'ccpa' });

    clock.set(new Date(onTime.request.deadline));
    const atDeadline = await extend(onTime.t, { id: onTime.request.id, reason: REASON });
    expect(atDeadline.statusCode, atDeadline.body).toBe(200);

    clock.set(new Date(new Date(late.request.deadline).getTime() + 1));
    const refused = expectError(
      await extend(late.t, { id: late.request.id, reason: REASON }),
      409,
      'conflict',
    );
    expect(refused.error).toContain(`The deadline passed on ${late.request.deadline}`);
    expect((await list(late.t))[0]).toMatchObject({ extended_until: null, overdue: true });
  });

  it('extends exactly once when many extensions arrive at once', async () => {
    const { t, request } = await opened({ type: 'delete' });
    const responses = await Promise.all(
      Array.from({ length: 6 }, (_, i) => extend(t, { id: request.id, reason: `reason ${i}` })),
    );
    expect(responses.map((r) => r.statusCode).sort()).toEqual([200, 409, 409, 409, 409, 409]);
  });

  it('refuses to complete a request of another type or player, or one already completed', async () => {
    const { t, playerId, casinoId, request } = await opened({ type: 'export' });
    const other = await addPlayer(t, unique('other'));
    const wrongType = await post('delete-player-data', t.keyHeaders, {
      player_id: casinoId,
      request_id: request.id,
    });
    expect(expectError(wrongType, 409, 'conflict').error).toMatch(/export request, not delete/);
    expect(await playerStatus(t, playerId)).toBe(200);
    const wrongPlayer = await post('export-player-data', t.keyHeaders, {
      player_id: other,
      request_id: request.id,
    });
    expect(expectError(wrongPlayer, 409, 'conflict').error).toMatch(/another player/);

    const answers = await Promise.all(
      Array.from({ length: 4 }, () =>
        post('export-player-data', t.keyHeaders, { player_id: playerId, request_id: request.id }),
      ),
    );
    expect(answers.map((r) => r.statusCode).sort()).toEqual([200, 409, 409, 409]);
    const rows = await list(t);
    expect(rows.map((r) => [r.id, r.status])).toEqual([[request.id, 'completed']]);
  });
});

describe('overdue', () => {
  it('flags and filters requests past their deadline, the extended one when extended', async () => {
    clock.set(new Date('2026-03-10T09:00:00Z'));
    const t = await makePropertyTenant(h);
    const ids: Record<string, string> = {};
    for (const name of ['plain', 'extended', 'done']) {
      const casinoId = unique(name);
      await addPlayer(t, casinoId);
      const response = await open(t, { type: 'export', player_id: casinoId, note: name });
      expect(response.statusCode, response.body).toBe(201);
      ids[name] = json<{ data: Request }>(response).data.id;
    }
    expect((await extend(t, { id: ids.extended, reason: REASON })).statusCode).toBe(200);
    const done = (await list(t)).find((r) => r.id === ids.done);
    const exported = await post('export-player-data', t.keyHeaders, {
      player_id: done?.player_id,
      request_id: ids.done,
    });
    expect(exported.statusCode, exported.body).toBe(200);

    const overdueNotes = async () =>
      (await list(t, '?overdue=true')).map((r) => [r.note, r.overdue]);
    expect(await overdueNotes()).toEqual([]);

    clock.set(new Date('2026-04-10T09:00:00.001Z'));
    expect(await overdueNotes()).toEqual([['plain', true]]);
    expect((await list(t, '?overdue=false')).map((r) => r.note).sort()).toEqual([
      'done',
      'extended',
    ]);

    clock.set(new Date('2026-06-10T09:00:00.001Z'));
    expect((await overdueNotes()).sort()).toEqual([
      ['extended', true],
      ['plain', true],
    ]);
    expect((await list(t)).map((r) => [r.note, r.overdue]).sort()).toEqual([
      ['done', false],
      ['extended', true],
      ['plain', true],
    ]);
  });
});

describe('validation, authentication, authorization, tenants', () => {
  it('answers 400 to malformed bodies and queries', async () => {
    const { t, playerId, request } = await opened({ type: 'export' });
    const bad: [string, unknown][] = [
      ['open-privacy-request', { player_id: playerId }],
      ['open-privacy-request', { type: 'rectify', player_id: playerId }],
      ['open-privacy-request', { type: 'export' }],
      ['open-privacy-request', { type: 'export', player_id: playerId, regime: 'lgpd' }],
      ['open-privacy-request', { type: 'export', player_id: playerId, note: 'x'.repeat(501) }],
      ['open-privacy-request', { type: 'export', player_id: playerId, extra: 1 }],
      ['extend-privacy-request', { id: request.id }],
      ['extend-privacy-request', { id: request.id, reason: '' }],
      ['extend-privacy-request', { id: request.id, reason: '   ' }],
      ['extend-privacy-request', { id: request.id, reason: 'x'.repeat(501) }],
      ['extend-privacy-request', { id: 'not-a-uuid', reason: REASON }],
      ['extend-privacy-request', { id: request.id, reason: REASON, until: '2027-01-01' }],
      ['export-player-data', { player_id: playerId, request_id: 'not-a-uuid' }],
      ['delete-player-data', { player_id: playerId, request_id: 42 }],
    ];
    for (const [url, payload] of bad) {
      const response = await post(url, t.keyHeaders, payload);
      expect(response.statusCode, `${url} ${JSON.stringify(payload)}`).toBe(400);
      expectError(response, 400, 'validation_failed');
    }
    const query = await h.inject({
      method: 'GET',
      url: '/api/functions/privacy-requests?overdue=maybe',
      headers: t.keyHeaders,
    });
    expectError(query, 400, 'validation_failed');
    expect((await list(t)).map((r) => [r.id, r.status, r.extended_until])).toEqual([
      [request.id, 'received', null],
    ]);
    expect(await playerStatus(t, playerId)).toBe(200);
  });

  it('answers 401 without a credential or with an unknown key', async () => {
    const { t, playerId, request } = await opened({ type: 'delete' });
    for (const headers of [{}, { 'x-api-key': `pk_${'0'.repeat(40)}` }]) {
      expectError(
        await open(t, { type: 'export', player_id: playerId }, headers),
        401,
        'unauthorized',
      );
      expectError(
        await extend(t, { id: request.id, reason: REASON }, headers),
        401,
        'unauthorized',
      );
    }
    expect((await list(t)).map((r) => r.extended_until)).toEqual([null]);
  });

  it('answers 403 to a read-only key, which may still list the requests', async () => {
    const t = await makePropertyTenant(h, { scopes: ['read'] });
    const casinoId = unique('ro');
    await addPlayer(t, casinoId);
    // The Owner opens it (bearer token + X-Property-Id); the key only reads.
    const response = await open(t, { type: 'delete', player_id: casinoId }, t.userHeaders);
    expect(response.statusCode, response.body).toBe(201);
    const request = json<{ data: Request }>(response).data;
    expectError(await open(t, { type: 'export', player_id: casinoId }), 403, 'forbidden');
    expectError(await extend(t, { id: request.id, reason: REASON }), 403, 'forbidden');
    expect((await list(t)).map((r) => [r.id, r.type, r.extended_until])).toEqual([
      [request.id, 'delete', null],
    ]);
  });

  it("answers 404 for another property's player or request, exactly as for one never issued", async () => {
    const a = await opened({ type: 'delete' });
    const b = await opened({ type: 'delete' });
    const ghost = '00000000-0000-4000-8000-000000000000';

    const theirs = expectError(
      await extend(a.t, { id: b.request.id, reason: REASON }),
      404,
      'not_found',
    );
    const never = expectError(await extend(a.t, { id: ghost, reason: REASON }), 404, 'not_found');
    expect(theirs.error).toBe(never.error);
    expectError(await open(a.t, { type: 'export', player_id: b.playerId }), 404, 'not_found');
    expectError(await open(a.t, { type: 'export', player_id: b.casinoId }), 404, 'not_found');
    // A's own player with B's request: the request is walled off.
    const crossed = await post('delete-player-data', a.t.keyHeaders, {
      player_id: a.playerId,
      request_id: b.request.id,
    });
    expect(expectError(crossed, 404, 'not_found').error).toBe(never.error);
    expect(await playerStatus(a.t, a.playerId)).toBe(200);

    expect((await list(b.t)).map((r) => [r.id, r.status, r.extended_until])).toEqual([
      [b.request.id, 'received', null],
    ]);
    expect(await playerStatus(b.t, b.playerId)).toBe(200);
    expect((await list(a.t)).map((r) => r.id)).toEqual([a.request.id]);
  });
});
