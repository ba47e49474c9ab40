import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTenant, makeUser, type Tenant } from '../../../test/factories.ts';
import { createHarness, type Harness, json, expectError } from '../../../test/harness.ts';
import { findPlayableStream } from '../streams/index.ts';
import { createGame, findPlayableGame, withDefaults } from './index.ts';

const PATH = '/api/games';
/** Exactly the fields of the Game object. */
const GAME_FIELDS = [
  'config',
  'created_at',
  'description',
  'id',
  'org_id',
  'prize_enabled',
  'status',
  'template',
  'title',
  'translations',
  'updated_at',
];

interface GameJson {
  id: number;
  org_id: number;
  title: string;
  description: string | null;
  template: string;
  status: string;
  config: Record<string, unknown>;
  prize_enabled: boolean;
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

function list(auth: Auth, query: string) {
  return h.inject({ method: 'GET', url: `${PATH}?${query}`, headers: auth });
}

async function gamesOf(t: Tenant, auth: Auth = t.owner.auth, query = ''): Promise<GameJson[]> {
  const response = await list(auth, `org_id=${t.org.id}${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return json<{ data: GameJson[] }>(response).data;
}

function post(auth: Auth, payload: Record<string, unknown>) {
  return h.inject({ method: 'POST', url: PATH, headers: auth, payload });
}

async function create(t: Tenant, fields: Record<string, unknown> = {}): Promise<GameJson> {
  const response = await post(t.owner.auth, { org_id: t.org.id, title: 'New game', ...fields });
  expect(response.statusCode, response.body).toBe(200);
  return json<{ data: GameJson }>(response).data;
}

function get(auth: Auth, orgId: number, id: number) {
  return h.inject({ method: 'GET', url: `${PATH}/${id}?org_id=${orgId}`, headers: auth });
}

function patch(auth: Auth, id: number, payload: Record<string, unknown>) {
  return h.inject({ method: 'PATCH', url: `${PATH}/${id}`, headers: auth, payload });
}

async function patched(t: Tenant, id: number, fields: Record<string, unknown>) {
  const response = await patch(t.owner.auth, id, { org_id: t.org.id, ...fields });
  expect(response.statusCode, response.body).toBe(200);
  return json<{ data: GameJson }>(response).data;
}

function remove(auth: Auth, orgId: number, id: number) {
  return h.inject({ method: 'DELETE', url: `${PATH}/${id}?org_id=${orgId}`, headers: auth });
}

async function stored(t: Tenant, id: number): Promise<GameJson | undefined> {
  const response = await get(t.owner.auth, t.org.id, id);
  if (response.statusCode === 404) return undefined;
  expect(response.statusCode, response.body).toBe(200);
  return json<{ data: GameJson }>(response).data;
}

describe('withDefaults', () => {
  it('fills the spin-wheel defaults: colors, difficulty 5 and six segments', () => {
    expect(withDefaults('spin-wheel', {})).toEqual({
      primary_color: '#6d28d9',
      secondary_color: '#f59e0b',
      background_color: '#0f172a',
      difficulty: 5,
      segments: [
        { label: 'Prize 1' },
        { label: 'Prize 2' },
        { label: 'Prize 3' },
        { label: 'Prize 4' },
        { label: 'Prize 5' },
        { label: 'Try again' },
      ],
    });
  });

  it('fills memory-match with 6 pairs and 60 seconds, quick-tap with 10 seconds', () => {
    expect(withDefaults('memory-match', {})).toMatchObject({ pairs: 6, duration_s: 60 });
    expect(withDefaults('quick-tap', {})).toMatchObject({ duration_s: 10, difficulty: 5 });
    expect(withDefaults('quick-tap', {})).not.toHaveProperty('pairs');
    expect(withDefaults('memory-match', {})).not.toHaveProperty('segments');
  });

  it('keeps the settings that were set', () => {
    const config = withDefaults('memory-match', {
      pairs: 8,
      duration_s: 120,
      primary_color: '#000000',
      intro_text: 'Find them all',
    });
    expect(config).toMatchObject({
      pairs: 8,
      duration_s: 120,
      primary_color: '#000000',
      secondary_color: '#f59e0b',
      difficulty: 5,
      intro_text: 'Find them all',
    });
  });

  it('drops settings that do not fit the template instead of passing them on', () => {
    const config = withDefaults('quick-tap', {
      duration_s: 600,
      pairs: 4,
      difficulty: 11,
      primary_color: 'red',
    });
    expect(config).toEqual(withDefaults('quick-tap', {}));
    expect(withDefaults('spin-wheel', null)).toEqual(withDefaults('spin-wheel', {}));
    expect(withDefaults('spin-wheel', [1, 2])).toEqual(withDefaults('spin-wheel', {}));
  });

  it('returns copies: changing the result changes neither the input nor later defaults', () => {
    const input = { segments: [{ label: 'A' }, { label: 'B' }] };
    const filled = withDefaults('spin-wheel', input);
    filled.segments[0]!.label = 'changed';
    expect(input.segments[0]!.label).toBe('A');
    withDefaults('spin-wheel', {}).segments.pop();
    expect(withDefaults('spin-wheel', {}).segments).toHaveLength(6);
  });
});

describe('POST /api/games', () => {
  it('creates a Draft spin-wheel game with no config by default', async () => {
    const t = await makeTenant(h);
    const response = await post(t.owner.auth, { org_id: t.org.id, title: '  Lucky  ' });
    expect(response.statusCode, response.body).toBe(200);
    const body = json<{ success: boolean; data: GameJson }>(response);
    expect(body.success).toBe(true);
    expect(Object.keys(body.data).sort()).toEqual(GAME_FIELDS);
    expect(body.data).toMatchObject({
      org_id: t.org.id,
      title: 'Lucky',
      description: null,
      template: 'spin-wheel',
      status: 'Draft',
      config: {},
      prize_enabled: false,
    });
    expect(Number.isNaN(Date.parse(body.data.created_at))).toBe(false);
    expect((await gamesOf(t)).map((g) => g.id)).toContain(body.data.id);
  });

  it('stores every field and the config exactly as sent', async () => {
    const t = await makeTenant(h);
    const config = {
      pairs: 8,
      duration_s: 90,
      difficulty: 7,
      primary_color: '#112233',
      secondary_color: '#AABBCC',
      background_color: '#000000',
      intro_text: 'Match the pairs',
      result_text: 'Well done',
    };
    const game = await create(t, {
      title: 'Memory',
      description: 'Find the pairs',
      template: 'memory-match',
      status: 'Active',
      config,
      prize_enabled: true,
    });
    expect(game).toMatchObject({
      title: 'Memory',
      description: 'Find the pairs',
      template: 'memory-match',
      status: 'Active',
      config,
      prize_enabled: true,
    });
    expect(await stored(t, game.id)).toEqual(game);
  });

  it('accepts spin-wheel segments and a quick-tap duration', async () => {
    const t = await makeTenant(h);
    const segments = [{ label: 'Free coffee' }, { label: 'x'.repeat(40) }, { label: 'Try again' }];
    expect((await create(t, { config: { segments } })).config).toEqual({ segments });
    const tap = await create(t, { template: 'quick-tap', config: { duration_s: 3 } });
    expect(tap.config).toEqual({ duration_s: 3 });
  });

  it.each(['Editor', 'Admin'] as const)('allows an %s of the organization', async (role) => {
    const t = await makeTenant(h);
    const member = await makeUser(h, t.org.id, role);
    const response = await post(member.auth, { org_id: t.org.id, title: 'By member' });
    expect(response.statusCode, response.body).toBe(200);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['an unknown config key', { config: { speed: 3 } }, /unknown key.*speed/],
    [
      'a segment label over 40 characters',
      { config: { segments: [{ label: 'x'.repeat(41) }, { label: 'b' }] } },
      /config\.segments\.0\.label/,
    ],
    ['a single segment', { config: { segments: [{ label: 'only' }] } }, /config\.segments/],
    [
      '13 segments',
      { config: { segments: Array.from({ length: 13 }, (_, i) => ({ label: `S${i}` })) } },
      /config\.segments/,
    ],
    [
      'an unknown key in a segment',
      { config: { segments: [{ label: 'a', weight: 1 }, { label: 'b' }] } },
      /weight/,
    ],
    ['pairs on a spin-wheel', { config: { pairs: 6 } }, /unknown key.*pairs/],
    ['13 pairs', { template: 'memory-match', config: { pairs: 13 } }, /config\.pairs/],
    [
      'a memory-match limit under 10 s',
      { template: 'memory-match', config: { duration_s: 9 } },
      /config\.duration_s/,
    ],
    [
      'a memory-match limit over 600 s',
      { template: 'memory-match', config: { duration_s: 601 } },
      /config\.duration_s/,
    ],
    [
      'a quick-tap round over 60 s',
      { template: 'quick-tap', config: { duration_s: 61 } },
      /config\.duration_s/,
    ],
    [
      'a quick-tap round under 3 s',
      { template: 'quick-tap', config: { duration_s: 2 } },
      /config\.duration_s/,
    ],
    [
      'segments on quick-tap',
      { template: 'quick-tap', config: { segments: [{ label: 'a' }, { label: 'b' }] } },
      /unknown key.*segments/,
    ],
    ['difficulty 0', { config: { difficulty: 0 } }, /config\.difficulty/],
    ['difficulty 11', { config: { difficulty: 11 } }, /config\.difficulty/],
    ['a fractional difficulty', { config: { difficulty: 2.5 } }, /config\.difficulty/],
    [
      'a named color',
      { config: { primary_color: 'red' } },
      /config\.primary_color must be a color/,
    ],
    ['a 3-digit color', { config: { background_color: '#fff' } }, /config\.background_color/],
    [
      'an intro over 500 characters',
      { config: { intro_text: 'x'.repeat(501) } },
      /config\.intro_text/,
    ],
  ])('rejects %s with 400 naming the setting', async (_label, fields, message) => {
    const t = await makeTenant(h);
    const before = await gamesOf(t);
    const response = await post(t.owner.auth, { org_id: t.org.id, title: 'Bad', ...fields });
    expect(expectError(response, 400, 'validation_failed').error).toMatch(message);
    expect(await gamesOf(t)).toEqual(before);
  });

  it.each<[string, Record<string, unknown>]>([
    ['no title', {}],
    ['a blank title', { title: '   ' }],
    ['a title over 200 characters', { title: 'x'.repeat(201) }],
    ['an unknown template', { title: 'T', template: 'slot-machine' }],
    ['an unknown status', { title: 'T', status: 'Published' }],
    ['an unknown body field', { title: 'T', tittle: 'typo' }],
    ['a config that is not an object', { title: 'T', config: 'fast' }],
    ['a config that is an array', { title: 'T', config: [1] }],
    ['prize_enabled as a string', { title: 'T', prize_enabled: 'true' }],
    ['org_id as a string', { title: 'T', org_id: 'one' }],
    ['a description over 2000 characters', { title: 'T', description: 'x'.repeat(2001) }],
  ])('rejects %s with 400', async (_label, fields) => {
    const t = await makeTenant(h);
    const before = await gamesOf(t);
    const response = await post(t.owner.auth, { org_id: t.org.id, ...fields });
    expectError(response, 400, 'validation_failed');
    expect(await gamesOf(t)).toEqual(before);
  });

  it('rejects a body that is not JSON with 400', async () => {
    const t = await makeTenant(h);
    const response = await h.inject({
      method: 'POST',
      url: PATH,
      headers: { ...t.owner.auth, 'content-type': 'application/json' },
      payload: '{"org_id": 1, "title": ',
    });
    expectError(response, 400, 'invalid_json');
  });
});

describe('GET /api/games', () => {
  it('lists every game of the organization, oldest first, with its config', async () => {
    const t = await makeTenant(h);
    const draft = await create(t, { title: 'Draft one', config: { difficulty: 2 } });
    const archived = await create(t, { title: 'Old', status: 'Archived' });
    const games = await gamesOf(t);
    expect(games.map((g) => g.id)).toEqual([...t.gameIds, draft.id, archived.id]);
    expect(games.map((g) => g.status)).toEqual(['Active', 'Active', 'Draft', 'Archived']);
    expect(games[2]?.config).toEqual({ difficulty: 2 });
    for (const game of games) expect(Object.keys(game).sort()).toEqual(GAME_FIELDS);
  });

  it('filters by status', async () => {
    const t = await makeTenant(h);
    const draft = await create(t);
    expect((await gamesOf(t, t.owner.auth, '&status=Draft')).map((g) => g.id)).toEqual([draft.id]);
    expect((await gamesOf(t, t.owner.auth, '&status=Active')).map((g) => g.id)).toEqual(t.gameIds);
    expect(await gamesOf(t, t.owner.auth, '&status=Archived')).toEqual([]);
  });

  it('shows an Analyst every game', async () => {
    const t = await makeTenant(h);
    const draft = await create(t);
    const analyst = await makeUser(h, t.org.id, 'Analyst');
    expect((await gamesOf(t, analyst.auth)).map((g) => g.id)).toEqual([...t.gameIds, draft.id]);
  });

  it('shows a Viewer only Active games, whatever status is asked for', async () => {
    const t = await makeTenant(h);
    await create(t);
    await create(t, { status: 'Archived' });
    const viewer = await makeUser(h, t.org.id, 'Viewer');
    expect((await gamesOf(t, viewer.auth)).map((g) => g.id)).toEqual(t.gameIds);
    expect(await gamesOf(t, viewer.auth, '&status=Draft')).toEqual([]);
    expect(await gamesOf(t, viewer.auth, '&status=Archived')).toEqual([]);
    expect((await gamesOf(t, viewer.auth, '&status=Active')).map((g) => g.id)).toEqual(t.gameIds);
  });

  it.each([
    ['no org_id', ''],
    ['a non-numeric org_id', 'org_id=first'],
    ['an unknown status', 'org_id=1&status=Live'],
  ])('rejects %s with 400', async (_label, query) => {
    const t = await makeTenant(h);
    expectError(await list(t.owner.auth, query), 400, 'validation_failed');
  });
});

describe('GET /api/games/:id', () => {
  it('returns the game', async () => {
    const t = await makeTenant(h);
    const game = await create(t, { config: { difficulty: 9 } });
    const response = await get(t.owner.auth, t.org.id, game.id);
    expect(response.statusCode, response.body).toBe(200);
    expect(json<{ success: boolean; data: GameJson }>(response)).toEqual({
      success: true,
      data: game,
    });
  });

  it('answers 404 to a Viewer for a Draft or Archived game, 200 for an Active one', async () => {
    const t = await makeTenant(h);
    const draft = await create(t);
    const archived = await create(t, { status: 'Archived' });
    const viewer = await makeUser(h, t.org.id, 'Viewer');
    expectError(await get(viewer.auth, t.org.id, draft.id), 404, 'not_found');
    expectError(await get(viewer.auth, t.org.id, archived.id), 404, 'not_found');
    expect((await get(viewer.auth, t.org.id, t.gameIds[0])).statusCode).toBe(200);
    const analyst = await makeUser(h, t.org.id, 'Analyst');
    expect((await get(analyst.auth, t.org.id, draft.id)).statusCode).toBe(200);
  });

  it('answers 404 for a game that does not exist', async () => {
    const t = await makeTenant(h);
    expectError(await get(t.owner.auth, t.org.id, 2_147_483_647), 404, 'not_found');
  });

  it.each([
    ['a non-numeric id', '/api/games/abc?org_id=1'],
    ['id 0', '/api/games/0?org_id=1'],
    ['no org_id', '/api/games/1'],
  ])('rejects %s with 400', async (_label, url) => {
    const t = await makeTenant(h);
    expectError(
      await h.inject({ method: 'GET', url, headers: t.owner.auth }),
      400,
      'validation_failed',
    );
  });
});

describe('PATCH /api/games/:id', () => {
  it('changes only the fields sent and moves updated_at', async () => {
    const t = await makeTenant(h);
    const game = await create(t, { description: 'Before', config: { difficulty: 3 } });
    h.clock.advance(60_000);
    const updated = await patched(t, game.id, { title: 'After', prize_enabled: true });
    expect(updated).toMatchObject({
      id: game.id,
      title: 'After',
      description: 'Before',
      template: 'spin-wheel',
      status: 'Draft',
      config: { difficulty: 3 },
      prize_enabled: true,
      created_at: game.created_at,
    });
    expect(Date.parse(updated.updated_at)).toBeGreaterThan(Date.parse(game.updated_at));
    expect(await stored(t, game.id)).toEqual(updated);
  });

  it('publishes a Draft and archives it again', async () => {
    const t = await makeTenant(h);
    const game = await create(t);
    expect((await patched(t, game.id, { status: 'Active' })).status).toBe('Active');
    expect((await patched(t, game.id, { status: 'Archived' })).status).toBe('Archived');
  });

  it('clears the description with null', async () => {
    const t = await makeTenant(h);
    const game = await create(t, { description: 'Something' });
    expect((await patched(t, game.id, { description: null })).description).toBeNull();
  });

  it('replaces the config as a whole', async () => {
    const t = await makeTenant(h);
    const game = await create(t, { config: { difficulty: 3, primary_color: '#111111' } });
    const updated = await patched(t, game.id, { config: { intro_text: 'Spin it' } });
    expect(updated.config).toEqual({ intro_text: 'Spin it' });
  });

  it('checks a new config against the stored template', async () => {
    const t = await makeTenant(h);
    const game = await create(t, { template: 'quick-tap', config: { duration_s: 20 } });
    const response = await patch(t.owner.auth, game.id, {
      org_id: t.org.id,
      config: { duration_s: 120 },
    });
    expect(expectError(response, 400, 'validation_failed').error).toMatch(/config\.duration_s/);
    expect((await stored(t, game.id))?.config).toEqual({ duration_s: 20 });
  });

  it('changes the template when the stored config fits the new one', async () => {
    const t = await makeTenant(h);
    const game = await create(t, { config: { difficulty: 4 } });
    const updated = await patched(t, game.id, { template: 'memory-match' });
    expect(updated).toMatchObject({ template: 'memory-match', config: { difficulty: 4 } });
  });

  it('refuses a template whose schema the stored config does not fit, unless a config is sent', async () => {
    const t = await makeTenant(h);
    const segments = [{ label: 'A' }, { label: 'B' }];
    const game = await create(t, { config: { segments } });
    const refused = await patch(t.owner.auth, game.id, { org_id: t.org.id, template: 'quick-tap' });
    expect(expectError(refused, 400, 'validation_failed').error).toMatch(/segments/);
    expect(await stored(t, game.id)).toMatchObject({
      template: 'spin-wheel',
      config: { segments },
    });
    const updated = await patched(t, game.id, {
      template: 'quick-tap',
      config: { duration_s: 15 },
    });
    expect(updated).toMatchObject({ template: 'quick-tap', config: { duration_s: 15 } });
  });

  it.each<[string, Record<string, unknown>]>([
    ['a blank title', { title: ' ' }],
    ['an unknown status', { status: 'Live' }],
    ['an unknown field', { colour: '#ffffff' }],
    ['an unknown config key', { config: { colour: '#ffffff' } }],
    ['an unknown template', { template: 'pinball' }],
    ['template null', { template: null }],
  ])('rejects %s with 400 and changes nothing', async (_label, fields) => {
    const t = await makeTenant(h);
    const game = await create(t);
    const response = await patch(t.owner.auth, game.id, { org_id: t.org.id, ...fields });
    expectError(response, 400, 'validation_failed');
    expect(await stored(t, game.id)).toEqual(game);
  });

  it('answers 404 for a game that does not exist', async () => {
    const t = await makeTenant(h);
    expectError(
      await patch(t.owner.auth, 2_147_483_647, { org_id: t.org.id, title: 'X' }),
      404,
      'not_found',
    );
  });
});

describe('DELETE /api/games/:id', () => {
  it('removes the game and takes it out of its streams', async () => {
    const t = await makeTenant(h);
    const response = await remove(t.owner.auth, t.org.id, t.gameIds[0]);
    expect(response.statusCode, response.body).toBe(200);
    expect(json(response)).toEqual({ success: true });
    expect((await gamesOf(t)).map((g) => g.id)).toEqual([t.gameIds[1]]);
    expect((await findPlayableStream(h.deps, t.streamId))?.game_ids).toEqual([t.gameIds[1]]);
  });

  it('answers 404 when the game was already deleted', async () => {
    const t = await makeTenant(h);
    expect((await remove(t.owner.auth, t.org.id, t.gameIds[0])).statusCode).toBe(200);
    expectError(await remove(t.owner.auth, t.org.id, t.gameIds[0]), 404, 'not_found');
  });

  it('rejects a non-numeric id with 400', async () => {
    const t = await makeTenant(h);
    expectError(
      await h.inject({
        method: 'DELETE',
        url: `${PATH}/first?org_id=${t.org.id}`,
        headers: t.owner.auth,
      }),
      400,
      'validation_failed',
    );
  });
});

describe('createGame (tooling) and findPlayableGame', () => {
  it('creates Active games for tooling and finds a game by id across organizations', async () => {
    const t = await makeTenant(h);
    const game = await createGame(h.deps, t.org.id, {
      title: 'Tap',
      template: 'quick-tap',
      config: { duration_s: 5 },
      prize_enabled: true,
    });
    expect(game.status).toBe('Active');
    expect(await findPlayableGame(h.deps, game.id)).toMatchObject({
      id: game.id,
      org_id: t.org.id,
      title: 'Tap',
      description: null,
      template: 'quick-tap',
      status: 'Active',
      config: { duration_s: 5 },
      prize_enabled: true,
    });
  });

  it('returns undefined for an unknown or impossible id', async () => {
    expect(await findPlayableGame(h.deps, 2_147_483_647)).toBeUndefined();
    expect(await findPlayableGame(h.deps, 0)).toBeUndefined();
    expect(await findPlayableGame(h.deps, Number.NaN)).toBeUndefined();
    expect(await findPlayableGame(h.deps, 2 ** 40)).toBeUndefined();
  });

  it('refuses a config that does not fit the template, for tooling too', async () => {
    const t = await makeTenant(h);
    await expect(
      createGame(h.deps, t.org.id, { title: 'X', template: 'quick-tap', config: { pairs: 2 } }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
  });
});
