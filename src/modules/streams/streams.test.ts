import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTenant, makeUser, type Tenant, unique } from '../../../test/factories.ts';
import { createHarness, type Harness, json, expectError } from '../../../test/harness.ts';
import { createGame } from '../games/index.ts';
import {
  createStream,
  findPlayableStream,
  findStreamBySlugs,
  type StreamRow,
  streamAvailability,
} from './index.ts';

const PATH = '/api/streams';
const STREAM_FIELDS = [
  'availability',
  'completion_message',
  'created_at',
  'description',
  'end_at',
  'game_ids',
  'id',
  'max_plays_per_player',
  'max_total_plays',
  'name',
  'order_mode',
  'org_id',
  'player_identity',
  'public_url',
  'slug',
  'start_at',
  'status',
  'timezone',
  'total_plays',
  'updated_at',
];

interface StreamJson {
  id: number;
  org_id: number;
  name: string;
  slug: string;
  description: string | null;
  status: string;
  availability: string;
  game_ids: number[];
  order_mode: string;
  start_at: string | null;
  end_at: string | null;
  timezone: string;
  max_total_plays: number | null;
  max_plays_per_player: number | null;
  completion_message: string | null;
  total_plays: number;
  public_url: string;
  created_at: string;
  updated_at: string;
}

type Auth = { authorization: string };

let h: Harness;

beforeAll(async () => {
  h = await createHarness();
});

afterAll(async () => {
  await h.close();
});

const HOUR = 3_600_000;
const later = (ms: number) => new Date(h.clock.now().getTime() + ms).toISOString();

function list(auth: Auth, query: string) {
  return h.inject({ method: 'GET', url: `${PATH}?${query}`, headers: auth });
}

async function streamsOf(t: Tenant, auth: Auth = t.owner.auth, query = '') {
  const response = await list(auth, `org_id=${t.org.id}${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return json<{ data: StreamJson[] }>(response).data;
}

function post(auth: Auth, payload: Record<string, unknown>) {
  return h.inject({ method: 'POST', url: PATH, headers: auth, payload });
}

async function create(t: Tenant, fields: Record<string, unknown> = {}): Promise<StreamJson> {
  const response = await post(t.owner.auth, {
    org_id: t.org.id,
    name: unique('Campaign'),
    game_ids: t.gameIds,
    ...fields,
  });
  expect(response.statusCode, response.body).toBe(200);
  return json<{ data: StreamJson }>(response).data;
}

function get(auth: Auth, orgId: number, id: number) {
  return h.inject({ method: 'GET', url: `${PATH}/${id}?org_id=${orgId}`, headers: auth });
}

async function stored(t: Tenant, id: number): Promise<StreamJson> {
  const response = await get(t.owner.auth, t.org.id, id);
  expect(response.statusCode, response.body).toBe(200);
  return json<{ data: StreamJson }>(response).data;
}

function patch(auth: Auth, id: number, payload: Record<string, unknown>) {
  return h.inject({ method: 'PATCH', url: `${PATH}/${id}`, headers: auth, payload });
}

async function patched(t: Tenant, id: number, fields: Record<string, unknown>) {
  const response = await patch(t.owner.auth, id, { org_id: t.org.id, ...fields });
  expect(response.statusCode, response.body).toBe(200);
  return json<{ data: StreamJson }>(response).data;
}

function remove(auth: Auth, orgId: number, id: number) {
  return h.inject({ method: 'DELETE', url: `${PATH}/${id}?org_id=${orgId}`, headers: auth });
}

describe('streamAvailability', () => {
  const now = new Date('2026-06-01T12:00:00Z');
  const base: Pick<
    StreamRow,
    'status' | 'start_at' | 'end_at' | 'max_total_plays' | 'total_plays'
  > = { status: 'Active', start_at: null, end_at: null, max_total_plays: null, total_plays: 0 };
  const past = new Date('2026-05-01T00:00:00Z');
  const future = new Date('2026-07-01T00:00:00Z');

  it.each<[string, Partial<typeof base>, string]>([
    ['an Active stream without schedule', {}, 'open'],
    ['an Active stream inside its schedule', { start_at: past, end_at: future }, 'open'],
    ['a Scheduled stream whose start passed', { status: 'Scheduled', start_at: past }, 'open'],
    [
      'a Scheduled stream before its start',
      { status: 'Scheduled', start_at: future },
      'not_started',
    ],
    ['a Scheduled stream without start', { status: 'Scheduled' }, 'not_started'],
    ['an Active stream before its start', { start_at: future }, 'not_started'],
    ['an Active stream whose end passed', { end_at: past }, 'ended'],
    ['an Active stream at its exact end', { end_at: now }, 'ended'],
    [
      'a Scheduled stream whose end passed',
      { status: 'Scheduled', start_at: past, end_at: past },
      'ended',
    ],
    ['an Active stream at its total cap', { max_total_plays: 10, total_plays: 10 }, 'ended'],
    ['an Active stream below its total cap', { max_total_plays: 10, total_plays: 9 }, 'open'],
    ['a Completed stream', { status: 'Completed', end_at: future }, 'ended'],
    ['a Draft stream', { status: 'Draft' }, 'closed'],
    [
      'a Paused stream inside its schedule',
      { status: 'Paused', start_at: past, end_at: future },
      'closed',
    ],
    ['an Archived stream', { status: 'Archived', end_at: past }, 'closed'],
    ['a Draft stream before its start', { status: 'Draft', start_at: future }, 'closed'],
  ])('says %s is %s', (_label, fields, expected) => {
    expect(streamAvailability({ ...base, ...fields }, now)).toBe(expected);
  });

  it('prefers ended over not_started when the cap is reached before the start', () => {
    expect(
      streamAvailability({ ...base, start_at: future, max_total_plays: 1, total_plays: 1 }, now),
    ).toBe('ended');
  });
});

describe('POST /api/streams', () => {
  it('creates a Draft stream with its games in order, a slug and the public URL', async () => {
    const t = await makeTenant(h);
    const response = await post(t.owner.auth, {
      org_id: t.org.id,
      name: 'Summer Campaign 2026',
      game_ids: [t.gameIds[1], t.gameIds[0]],
    });
    expect(response.statusCode, response.body).toBe(200);
    const body = json<{ success: boolean; data: StreamJson }>(response);
    expect(body.success).toBe(true);
    expect(Object.keys(body.data).sort()).toEqual(STREAM_FIELDS);
    expect(body.data).toMatchObject({
      org_id: t.org.id,
      name: 'Summer Campaign 2026',
      slug: 'summer-campaign-2026',
      description: null,
      status: 'Draft',
      availability: 'closed',
      game_ids: [t.gameIds[1], t.gameIds[0]],
      order_mode: 'fixed',
      start_at: null,
      end_at: null,
      timezone: 'UTC',
      max_total_plays: null,
      max_plays_per_player: null,
      completion_message: null,
      total_plays: 0,
      public_url: `http://playloop.test/stream/${t.org.slug}/summer-campaign-2026`,
    });
    expect(await stored(t, body.data.id)).toEqual(body.data);
  });

  it('stores the schedule, caps, order mode, time zone and messages', async () => {
    const t = await makeTenant(h);
    const start = later(2 * HOUR);
    const end = later(48 * HOUR);
    const stream = await create(t, {
      slug: 'launch',
      description: 'Launch week',
      order_mode: 'random',
      start_at: start,
      end_at: end,
      timezone: 'Asia/Bangkok',
      max_total_plays: 1000,
      max_plays_per_player: 3,
      completion_message: 'Thanks for playing!',
      status: 'Scheduled',
    });
    expect(stream).toMatchObject({
      slug: 'launch',
      description: 'Launch week',
      order_mode: 'random',
      start_at: start,
      end_at: end,
      timezone: 'Asia/Bangkok',
      max_total_plays: 1000,
      max_plays_per_player: 3,
      completion_message: 'Thanks for playing!',
      status: 'Scheduled',
      availability: 'not_started',
      public_url: `http://playloop.test/stream/${t.org.slug}/launch`,
    });
  });

  it('reads a start_at with an offset as the instant it names', async () => {
    const t = await makeTenant(h);
    const stream = await create(t, { start_at: '2030-01-01T07:00:00+07:00' });
    expect(stream.start_at).toBe('2030-01-01T00:00:00.000Z');
  });

  it('stores the canonical spelling of the time zone', async () => {
    const t = await makeTenant(h);
    expect((await create(t, { timezone: 'utc' })).timezone).toBe('UTC');
    expect((await create(t, { timezone: 'europe/paris' })).timezone).toBe('Europe/Paris');
  });

  it('creates an Active stream that is open at once', async () => {
    const t = await makeTenant(h);
    const stream = await create(t, { status: 'Active' });
    expect(stream.availability).toBe('open');
  });

  it('allows a Draft stream without games yet', async () => {
    const t = await makeTenant(h);
    expect((await create(t, { game_ids: [] })).game_ids).toEqual([]);
  });

  it('answers 409 when the slug is taken in the organization, and allows it in another', async () => {
    const a = await makeTenant(h);
    const b = await makeTenant(h);
    await create(a, { slug: 'promo' });
    const before = await streamsOf(a);
    const conflict = expectError(
      await post(a.owner.auth, { org_id: a.org.id, name: 'Again', slug: 'promo', game_ids: [] }),
      409,
      'conflict',
    );
    expect(conflict.error).toContain('"promo"');
    expect(await streamsOf(a)).toEqual(before);
    expect((await create(b, { slug: 'promo' })).slug).toBe('promo');
  });

  it('answers 409 when the slug made from the name is taken', async () => {
    const t = await makeTenant(h);
    await create(t, { name: 'Flash Sale' });
    const response = await post(t.owner.auth, {
      org_id: t.org.id,
      name: 'Flash  sale!',
      game_ids: [],
    });
    expect(expectError(response, 409, 'conflict').error).toContain('"flash-sale"');
    expect((await create(t, { name: 'Flash  sale!', slug: 'flash-sale-2' })).slug).toBe(
      'flash-sale-2',
    );
  });

  it('answers 400 naming the game ids that are not games of the organization', async () => {
    const a = await makeTenant(h);
    const b = await makeTenant(h);
    const before = await streamsOf(a);
    const response = await post(a.owner.auth, {
      org_id: a.org.id,
      name: 'Mixed',
      game_ids: [a.gameIds[0], b.gameIds[0], 2_147_483_647],
    });
    const body = expectError(response, 400, 'validation_failed');
    expect(body.error).toContain(`${b.gameIds[0]}, 2147483647`);
    expect(body.error).not.toContain(String(a.gameIds[0]) + ',');
    expect(await streamsOf(a)).toEqual(before);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['an unknown time zone', { timezone: 'Mars/Olympus' }, /timezone/],
    ['an offset instead of a time zone name', { timezone: '+07:00' }, /timezone/],
    [
      'start_at after end_at',
      { start_at: '2030-02-01T00:00:00Z', end_at: '2030-01-01T00:00:00Z' },
      /start_at/,
    ],
    [
      'start_at equal to end_at',
      { start_at: '2030-01-01T00:00:00Z', end_at: '2030-01-01T00:00:00Z' },
      /start_at/,
    ],
    ['a Scheduled stream without start_at', { status: 'Scheduled' }, /start_at/],
    ['an Active stream without games', { status: 'Active', game_ids: [] }, /game/],
    [
      'a Scheduled stream without games',
      { status: 'Scheduled', start_at: '2030-01-01T00:00:00Z', game_ids: [] },
      /game/,
    ],
  ])('rejects %s with 400', async (_label, fields, message) => {
    const t = await makeTenant(h);
    const before = await streamsOf(t);
    const response = await post(t.owner.auth, {
      org_id: t.org.id,
      name: 'Bad',
      game_ids: t.gameIds,
      ...fields,
    });
    expect(expectError(response, 400, 'validation_failed').error).toMatch(message);
    expect(await streamsOf(t)).toEqual(before);
  });

  it.each<[string, Record<string, unknown>]>([
    ['no game_ids', { game_ids: undefined }],
    ['a repeated game id', { game_ids: 'repeat' }],
    ['a non-integer game id', { game_ids: ['1'] }],
    ['no name', { name: undefined }],
    ['a blank name', { name: '  ' }],
    ['an uppercase slug', { slug: 'Summer' }],
    ['a slug with a double hyphen', { slug: 'a--b' }],
    ['a slug over 64 characters', { slug: 'a'.repeat(65) }],
    ['an unknown status', { status: 'Live' }],
    ['an unknown order mode', { order_mode: 'shuffled' }],
    ['a start_at that is no date-time', { start_at: 'tomorrow' }],
    ['max_total_plays 0', { max_total_plays: 0 }],
    ['a fractional max_plays_per_player', { max_plays_per_player: 1.5 }],
    ['an unknown field', { start: '2030-01-01T00:00:00Z' }],
    ['a completion message over 1000 characters', { completion_message: 'x'.repeat(1001) }],
  ])('rejects %s with 400', async (_label, fields) => {
    const t = await makeTenant(h);
    const before = await streamsOf(t);
    const payload: Record<string, unknown> = {
      org_id: t.org.id,
      name: 'Bad',
      game_ids: t.gameIds,
      ...fields,
    };
    if (payload.game_ids === 'repeat') payload.game_ids = [t.gameIds[0], t.gameIds[0]];
    for (const key of Object.keys(payload)) if (payload[key] === undefined) delete payload[key];
    expectError(await post(t.owner.auth, payload), 400, 'validation_failed');
    expect(await streamsOf(t)).toEqual(before);
  });

  it.each(['Editor', 'Admin'] as const)('allows an %s of the organization', async (role) => {
    const t = await makeTenant(h);
    const member = await makeUser(h, t.org.id, role);
    const response = await post(member.auth, {
      org_id: t.org.id,
      name: unique('By member'),
      game_ids: t.gameIds,
    });
    expect(response.statusCode, response.body).toBe(200);
  });
});

describe('GET /api/streams', () => {
  it('lists every stream of the organization, oldest first, with game ids in order', async () => {
    const t = await makeTenant(h);
    const draft = await create(t, { game_ids: [t.gameIds[1], t.gameIds[0]] });
    const streams = await streamsOf(t);
    expect(streams.map((s) => s.id)).toEqual([t.streamId, t.otherStreamId, draft.id]);
    expect(streams.map((s) => s.game_ids)).toEqual([
      t.gameIds,
      [t.gameIds[1]],
      [t.gameIds[1], t.gameIds[0]],
    ]);
    for (const stream of streams) {
      expect(Object.keys(stream).sort()).toEqual(STREAM_FIELDS);
      expect(stream.public_url).toBe(`http://playloop.test/stream/${t.org.slug}/${stream.slug}`);
    }
  });

  it('filters by status', async () => {
    const t = await makeTenant(h);
    const draft = await create(t);
    const ids = async (status: string) =>
      (await streamsOf(t, t.owner.auth, `&status=${status}`)).map((s) => s.id);
    expect(await ids('Draft')).toEqual([draft.id]);
    expect(await ids('Active')).toEqual([t.streamId, t.otherStreamId]);
    expect(await ids('Paused')).toEqual([]);
  });

  it('shows an Analyst every stream and a Viewer only published ones', async () => {
    const t = await makeTenant(h);
    const draft = await create(t);
    const archived = await create(t, { status: 'Archived' });
    const paused = await create(t, { status: 'Paused' });
    const analyst = await makeUser(h, t.org.id, 'Analyst');
    const viewer = await makeUser(h, t.org.id, 'Viewer');
    expect((await streamsOf(t, analyst.auth)).map((s) => s.id)).toEqual([
      t.streamId,
      t.otherStreamId,
      draft.id,
      archived.id,
      paused.id,
    ]);
    expect((await streamsOf(t, viewer.auth)).map((s) => s.id)).toEqual([
      t.streamId,
      t.otherStreamId,
      paused.id,
    ]);
    expect(await streamsOf(t, viewer.auth, '&status=Draft')).toEqual([]);
    expectError(await get(viewer.auth, t.org.id, draft.id), 404, 'not_found');
    expectError(await get(viewer.auth, t.org.id, archived.id), 404, 'not_found');
    expect((await get(viewer.auth, t.org.id, paused.id)).statusCode).toBe(200);
  });

  it('reports the plays counted so far and ends the stream at its total cap', async () => {
    const t = await makeTenant(h);
    await patched(t, t.streamId, { max_total_plays: 5 });
    await h.deps.database.db
      .updateTable('streams')
      .set({ total_plays: 5 })
      .where('id', '=', t.streamId)
      .execute();
    const stream = (await streamsOf(t)).find((s) => s.id === t.streamId);
    expect(stream).toMatchObject({ total_plays: 5, max_total_plays: 5, availability: 'ended' });
  });

  it.each([
    ['no org_id', ''],
    ['an unknown status', 'org_id=1&status=Live'],
  ])('rejects %s with 400', async (_label, query) => {
    const t = await makeTenant(h);
    expectError(await list(t.owner.auth, query), 400, 'validation_failed');
  });
});

describe('GET /api/streams/:id', () => {
  it('returns the stream', async () => {
    const t = await makeTenant(h);
    const stream = await create(t, { description: 'Hello' });
    const response = await get(t.owner.auth, t.org.id, stream.id);
    expect(response.statusCode, response.body).toBe(200);
    expect(json(response)).toEqual({ success: true, data: stream });
  });

  it('answers 404 for a stream that does not exist and 400 for a malformed id', async () => {
    const t = await makeTenant(h);
    expectError(await get(t.owner.auth, t.org.id, 2_147_483_647), 404, 'not_found');
    expectError(
      await h.inject({ method: 'GET', url: `${PATH}/x?org_id=${t.org.id}`, headers: t.owner.auth }),
      400,
      'validation_failed',
    );
  });
});

describe('PATCH /api/streams/:id', () => {
  it('changes only the fields sent and moves updated_at', async () => {
    const t = await makeTenant(h);
    const stream = await create(t, { description: 'Before', max_plays_per_player: 2 });
    h.clock.advance(60_000);
    const updated = await patched(t, stream.id, {
      name: 'Renamed',
      completion_message: 'See you next week',
      timezone: 'America/New_York',
    });
    expect(updated).toMatchObject({
      id: stream.id,
      name: 'Renamed',
      slug: stream.slug,
      description: 'Before',
      max_plays_per_player: 2,
      completion_message: 'See you next week',
      timezone: 'America/New_York',
      game_ids: t.gameIds,
      created_at: stream.created_at,
    });
    expect(Date.parse(updated.updated_at)).toBeGreaterThan(Date.parse(stream.updated_at));
    expect(await stored(t, stream.id)).toEqual(updated);
  });

  it('replaces the game list in the order sent', async () => {
    const t = await makeTenant(h);
    const third = await createGame(h.deps, t.org.id, { title: 'Third' });
    const updated = await patched(t, t.streamId, {
      game_ids: [third.id, t.gameIds[1], t.gameIds[0]],
    });
    expect(updated.game_ids).toEqual([third.id, t.gameIds[1], t.gameIds[0]]);
    expect((await stored(t, t.streamId)).game_ids).toEqual([third.id, t.gameIds[1], t.gameIds[0]]);
    expect((await patched(t, t.streamId, { game_ids: [third.id] })).game_ids).toEqual([third.id]);
  });

  it('keeps the game list when game_ids is not sent', async () => {
    const t = await makeTenant(h);
    expect((await patched(t, t.streamId, { name: 'Same games' })).game_ids).toEqual(t.gameIds);
  });

  it('clears nullable fields with null', async () => {
    const t = await makeTenant(h);
    const stream = await create(t, {
      description: 'D',
      start_at: later(HOUR),
      end_at: later(2 * HOUR),
      max_total_plays: 10,
      max_plays_per_player: 1,
      completion_message: 'Bye',
    });
    const updated = await patched(t, stream.id, {
      description: null,
      start_at: null,
      end_at: null,
      max_total_plays: null,
      max_plays_per_player: null,
      completion_message: null,
    });
    expect(updated).toMatchObject({
      description: null,
      start_at: null,
      end_at: null,
      max_total_plays: null,
      max_plays_per_player: null,
      completion_message: null,
    });
  });

  it('schedules, opens at start_at, pauses and completes a stream', async () => {
    const t = await makeTenant(h);
    const start = later(HOUR);
    const scheduled = await patched(t, t.streamId, { status: 'Scheduled', start_at: start });
    expect(scheduled).toMatchObject({ status: 'Scheduled', availability: 'not_started' });
    h.clock.advance(HOUR);
    expect((await stored(t, t.streamId)).availability).toBe('open');
    expect((await patched(t, t.streamId, { status: 'Paused' })).availability).toBe('closed');
    expect((await patched(t, t.streamId, { status: 'Completed' })).availability).toBe('ended');
  });

  it('checks the schedule against the stored start and end', async () => {
    const t = await makeTenant(h);
    const stream = await create(t, { start_at: later(10 * HOUR) });
    const response = await patch(t.owner.auth, stream.id, {
      org_id: t.org.id,
      end_at: later(5 * HOUR),
    });
    expect(expectError(response, 400, 'validation_failed').error).toMatch(/start_at/);
    expect((await stored(t, stream.id)).end_at).toBeNull();
  });

  it('refuses to empty the game list of an Active stream and to activate an empty one', async () => {
    const t = await makeTenant(h);
    const emptied = await patch(t.owner.auth, t.streamId, { org_id: t.org.id, game_ids: [] });
    expect(expectError(emptied, 400, 'validation_failed').error).toMatch(/game/);
    expect((await stored(t, t.streamId)).game_ids).toEqual(t.gameIds);
    const empty = await create(t, { game_ids: [] });
    const activated = await patch(t.owner.auth, empty.id, { org_id: t.org.id, status: 'Active' });
    expectError(activated, 400, 'validation_failed');
    expect((await stored(t, empty.id)).status).toBe('Draft');
  });

  it("refuses another organization's game and leaves the list as it was", async () => {
    const a = await makeTenant(h);
    const b = await makeTenant(h);
    const response = await patch(a.owner.auth, a.streamId, {
      org_id: a.org.id,
      name: 'Not applied',
      game_ids: [a.gameIds[0], b.gameIds[1]],
    });
    expect(expectError(response, 400, 'validation_failed').error).toContain(String(b.gameIds[1]));
    const after = await stored(a, a.streamId);
    expect(after.name).not.toBe('Not applied');
    expect(after.game_ids).toEqual(a.gameIds);
  });

  it('answers 409 when renaming the slug to one taken in the organization', async () => {
    const t = await makeTenant(h);
    const taken = (await stored(t, t.otherStreamId)).slug;
    expectError(
      await patch(t.owner.auth, t.streamId, { org_id: t.org.id, slug: taken }),
      409,
      'conflict',
    );
    const updated = await patched(t, t.streamId, { slug: 'fresh-slug' });
    expect(updated.public_url).toBe(`http://playloop.test/stream/${t.org.slug}/fresh-slug`);
  });

  it.each<[string, Record<string, unknown>]>([
    ['a blank name', { name: ' ' }],
    ['name null', { name: null }],
    ['game_ids null', { game_ids: null }],
    ['an unknown time zone', { timezone: 'Nowhere/Land' }],
    ['an unknown field', { games: [] }],
    ['a negative cap', { max_total_plays: -1 }],
  ])('rejects %s with 400 and changes nothing', async (_label, fields) => {
    const t = await makeTenant(h);
    const before = await stored(t, t.streamId);
    const response = await patch(t.owner.auth, t.streamId, { org_id: t.org.id, ...fields });
    expectError(response, 400, 'validation_failed');
    expect(await stored(t, t.streamId)).toEqual(before);
  });

  it('applies concurrent game list replacements one at a time, never mixing them', async () => {
    const t = await makeTenant(h);
    const extra = await Promise.all(
      [1, 2, 3, 4].map((n) => createGame(h.deps, t.org.id, { title: `Extra ${n}` })),
    );
    const lists = [
      [extra[0]!.id, extra[1]!.id, t.gameIds[0]],
      [extra[2]!.id, t.gameIds[1]],
      [extra[3]!.id, extra[0]!.id, extra[1]!.id, extra[2]!.id],
      [t.gameIds[1], t.gameIds[0]],
    ];
    const responses = await Promise.all(
      lists
        .flatMap((gameIds) => [gameIds, gameIds])
        .map((gameIds) => patch(t.owner.auth, t.streamId, { org_id: t.org.id, game_ids: gameIds })),
    );
    for (const response of responses) expect(response.statusCode, response.body).toBe(200);
    const final = (await stored(t, t.streamId)).game_ids;
    expect(lists).toContainEqual(final);
  });

  it('answers 404 for a stream that does not exist', async () => {
    const t = await makeTenant(h);
    expectError(
      await patch(t.owner.auth, 2_147_483_647, { org_id: t.org.id, name: 'X' }),
      404,
      'not_found',
    );
  });
});

describe('DELETE /api/streams/:id', () => {
  it('removes the stream and keeps its games', async () => {
    const t = await makeTenant(h);
    const response = await remove(t.owner.auth, t.org.id, t.streamId);
    expect(response.statusCode, response.body).toBe(200);
    expect(json(response)).toEqual({ success: true });
    expect((await streamsOf(t)).map((s) => s.id)).toEqual([t.otherStreamId]);
    expect(await findPlayableStream(h.deps, t.streamId)).toBeUndefined();
    const games = await h.inject({
      method: 'GET',
      url: `/api/games?org_id=${t.org.id}`,
      headers: t.owner.auth,
    });
    expect(json<{ data: { id: number }[] }>(games).data.map((g) => g.id)).toEqual(t.gameIds);
  });

  it('answers 404 when the stream was already deleted', async () => {
    const t = await makeTenant(h);
    expect((await remove(t.owner.auth, t.org.id, t.streamId)).statusCode).toBe(200);
    expectError(await remove(t.owner.auth, t.org.id, t.streamId), 404, 'not_found');
  });

  it('rejects a request without org_id with 400', async () => {
    const t = await makeTenant(h);
    expectError(
      await h.inject({ method: 'DELETE', url: `${PATH}/${t.streamId}`, headers: t.owner.auth }),
      400,
      'validation_failed',
    );
    expect((await streamsOf(t)).map((s) => s.id)).toContain(t.streamId);
  });
});

describe('findPlayableStream and findStreamBySlugs', () => {
  it('find a stream across organizations with its games in order and the org slug', async () => {
    const t = await makeTenant(h);
    const stream = await create(t, {
      slug: 'play-me',
      game_ids: [t.gameIds[1], t.gameIds[0]],
      status: 'Active',
      order_mode: 'random',
      max_plays_per_player: 2,
    });
    const byId = await findPlayableStream(h.deps, stream.id);
    expect(byId).toMatchObject({
      id: stream.id,
      org_id: t.org.id,
      org_slug: t.org.slug,
      slug: 'play-me',
      status: 'Active',
      order_mode: 'random',
      game_ids: [t.gameIds[1], t.gameIds[0]],
      max_plays_per_player: 2,
      total_plays: 0,
      timezone: 'UTC',
      start_at: null,
    });
    expect(await findStreamBySlugs(h.deps, t.org.slug, 'play-me')).toEqual(byId);
  });

  it('return undefined for unknown ids and slugs, and slugs of two different organizations', async () => {
    const a = await makeTenant(h);
    const b = await makeTenant(h);
    const stream = await create(a, { slug: 'only-in-a' });
    expect(await findPlayableStream(h.deps, 2_147_483_647)).toBeUndefined();
    expect(await findPlayableStream(h.deps, -1)).toBeUndefined();
    expect(await findStreamBySlugs(h.deps, b.org.slug, 'only-in-a')).toBeUndefined();
    expect(await findStreamBySlugs(h.deps, 'no-such-org', stream.slug)).toBeUndefined();
    expect(await findStreamBySlugs(h.deps, a.org.slug, 'x'.repeat(100))).toBeUndefined();
  });

  it('give an empty game list for a stream without games', async () => {
    const t = await makeTenant(h);
    const stream = await create(t, { game_ids: [] });
    expect((await findPlayableStream(h.deps, stream.id))?.game_ids).toEqual([]);
  });
});

describe('createStream (tooling)', () => {
  it('creates an Active stream by default with the games in order', async () => {
    const t = await makeTenant(h);
    const stream = await createStream(h.deps, t.org.id, {
      name: unique('Tooling'),
      gameIds: [t.gameIds[1], t.gameIds[0]],
    });
    expect(stream).toMatchObject({
      status: 'Active',
      game_ids: [t.gameIds[1], t.gameIds[0]],
      org_slug: t.org.slug,
    });
  });

  it('refuses an unknown organization with not_found', async () => {
    await expect(
      createStream(h.deps, 2_147_483_647, { name: 'Orphan', gameIds: [] }),
    ).rejects.toMatchObject({ code: 'not_found' });
  });
});
