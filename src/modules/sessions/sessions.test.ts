import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../api-keys/index.ts';
import { makeTenant, type Tenant } from '../../../test/factories.ts';
import { createHarness, errorBody, type Harness, json } from '../../../test/harness.ts';

const CREATE = '/api/org-api-keys?action=create-session';
const CONSUME = '/api/org-api-keys?action=consume-session';
const REVOKE = '/api/org-api-keys?action=revoke-session';
const LIST = '/api/org-api-keys?action=list-sessions';
const validateUrl = (token: string) => `/api/org-api-keys?action=validate-session&token=${token}`;
const GONE = 'Session is invalid, already consumed, or expired';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

interface Created {
  token: string;
  game_id?: number;
  stream_id: number | null;
  expires_at: string;
  external_ref?: string;
  play_url: string;
}

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
});

async function create(t: Tenant, body: Record<string, unknown>, headers = t.keyHeaders) {
  return h.inject({ method: 'POST', url: CREATE, headers, payload: body });
}

async function createToken(t: Tenant, body: Record<string, unknown> = {}): Promise<string> {
  const response = await create(t, { game_id: t.gameIds[0], ...body });
  expect(response.statusCode).toBe(200);
  return json<{ data: Created }>(response).data.token;
}

const consume = (token: string, extra: Record<string, unknown> = {}) =>
  h.inject({ method: 'POST', url: CONSUME, payload: { token, ...extra } });

async function scopedKey(t: Tenant, fields: Record<string, unknown>) {
  const key = await createApiKey(h.deps, undefined, t.org.id, { name: 'scoped', ...fields });
  return { 'x-api-key': key.key };
}

describe('create-session', () => {
  it('creates a one-time token for a game with the documented fields', async () => {
    const t = await makeTenant(h);
    const before = h.clock.now().getTime();
    const response = await create(t, {
      game_id: t.gameIds[0],
      stream_id: null,
      external_ref: 'user-12345',
      metadata: { campaign: 'summer-promo' },
      expires_in_minutes: 60,
    });
    expect(response.statusCode).toBe(200);
    const body = json<{ success: boolean; data: Created }>(response);
    expect(body.success).toBe(true);
    expect(body.data.token).toMatch(UUID);
    expect(body.data).toMatchObject({
      game_id: t.gameIds[0],
      stream_id: null,
      external_ref: 'user-12345',
    });
    expect(body.data).not.toHaveProperty('metadata');
    expect(body.data.expires_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(body.data.expires_at)).toBe(before + 60 * 60_000);
    expect(body.data.play_url).toBe(
      `http://playloop.test/play/game/${t.gameIds[0]}?session_token=${body.data.token}`,
    );
  });

  it('expires after 1440 minutes by default', async () => {
    const t = await makeTenant(h);
    const response = await create(t, { game_id: t.gameIds[0] });
    const { expires_at } = json<{ data: Created }>(response).data;
    expect(Date.parse(expires_at)).toBe(h.clock.now().getTime() + 1440 * 60_000);
  });

  it('creates a stream token whose play link points at the stream', async () => {
    const t = await makeTenant(h);
    const response = await create(t, { stream_id: t.streamId });
    expect(response.statusCode).toBe(200);
    const data = json<{ data: Created }>(response).data;
    expect(data.stream_id).toBe(t.streamId);
    // Documented as integer and string, not nullable: left out rather than null.
    expect(data).not.toHaveProperty('game_id');
    expect(data).not.toHaveProperty('external_ref');
    expect(data.play_url).toContain(`/play/stream/${t.streamId}?session_token=`);
  });

  it('accepts the overview path POST /api/org-api-keys/sessions', async () => {
    const t = await makeTenant(h);
    const response = await h.inject({
      method: 'POST',
      url: '/api/org-api-keys/sessions',
      headers: t.keyHeaders,
      payload: { game_id: t.gameIds[1] },
    });
    expect(response.statusCode).toBe(200);
    expect(json<{ data: Created }>(response).data.game_id).toBe(t.gameIds[1]);
  });

  it('accepts a game together with a stream that contains it', async () => {
    const t = await makeTenant(h);
    const response = await create(t, { game_id: t.gameIds[0], stream_id: t.streamId });
    expect(response.statusCode).toBe(200);
  });

  it('returns 400 when the game is not part of the given stream', async () => {
    const t = await makeTenant(h);
    const response = await create(t, { game_id: t.gameIds[0], stream_id: t.otherStreamId });
    expect(response.statusCode).toBe(400);
    expect(errorBody(response).error).toContain('not part of stream');
  });

  it.each([
    ['neither game_id nor stream_id', {}],
    ['both null', { game_id: null, stream_id: null }],
    ['a non-numeric game_id', { game_id: 'abc' }],
    ['a fractional game_id', { game_id: 1.5 }],
    ['a zero expiry', { game_id: 1, expires_in_minutes: 0 }],
    ['an expiry over a year', { game_id: 1, expires_in_minutes: 525_601 }],
    ['metadata that is not an object', { game_id: 1, metadata: [1, 2] }],
    ['an external_ref over 255 characters', { game_id: 1, external_ref: 'x'.repeat(256) }],
  ])('returns 400 for %s', async (_name, body) => {
    const t = await makeTenant(h);
    const response = await create(t, body);
    expect(response.statusCode).toBe(400);
    expect(errorBody(response).code).toMatch(/validation_failed/);
  });

  it('returns 400 when metadata is larger than 16 KiB', async () => {
    const t = await makeTenant(h);
    const response = await create(t, {
      game_id: t.gameIds[0],
      metadata: { blob: 'x'.repeat(17 * 1024) },
    });
    expect(response.statusCode).toBe(400);
    expect(errorBody(response).error).toContain('metadata');
  });

  it('returns 400 in the envelope for malformed JSON', async () => {
    const t = await makeTenant(h);
    const response = await h.inject({
      method: 'POST',
      url: CREATE,
      headers: { ...t.keyHeaders, 'content-type': 'application/json' },
      payload: '{"game_id": 1,',
    });
    expect(response.statusCode).toBe(400);
    expect(errorBody(response).code).toBe('invalid_json');
  });

  it('returns 413 in the envelope for a body over the size limit', async () => {
    const t = await makeTenant(h);
    const response = await create(t, { game_id: 1, external_ref: 'x'.repeat(100 * 1024) });
    expect(response.statusCode).toBe(413);
    expect(errorBody(response).code).toBe('payload_too_large');
  });

  it('returns 401 once the key has expired', async () => {
    const t = await makeTenant(h);
    const headers = await scopedKey(t, {
      expires_at: new Date(h.clock.now().getTime() + 60_000).toISOString(),
    });
    expect((await create(t, { game_id: t.gameIds[0] }, headers)).statusCode).toBe(200);
    h.clock.advance(61_000);
    const response = await create(t, { game_id: t.gameIds[0] }, headers);
    expect(response.statusCode).toBe(401);
  });

  it('returns 403 for a game outside the key scope', async () => {
    const t = await makeTenant(h);
    const headers = await scopedKey(t, { allowed_game_ids: [t.gameIds[0]] });
    expect((await create(t, { game_id: t.gameIds[0] }, headers)).statusCode).toBe(200);
    const response = await create(t, { game_id: t.gameIds[1] }, headers);
    expect(response.statusCode).toBe(403);
    expect(errorBody(response).code).toBe('forbidden');
  });

  it('returns 403 for a stream outside the key scope', async () => {
    const t = await makeTenant(h);
    const headers = await scopedKey(t, { allowed_stream_ids: [t.otherStreamId] });
    expect((await create(t, { stream_id: t.otherStreamId }, headers)).statusCode).toBe(200);
    expect((await create(t, { stream_id: t.streamId }, headers)).statusCode).toBe(403);
  });

  it('returns 404 for a game or stream of another organization', async () => {
    const a = await makeTenant(h);
    const b = await makeTenant(h);
    const game = await create(a, { game_id: b.gameIds[0] });
    expect(game.statusCode).toBe(404);
    expect(errorBody(game).error).toBe('Game not found');
    const stream = await create(a, { stream_id: b.streamId });
    expect(stream.statusCode).toBe(404);
    expect(errorBody(stream).error).toBe('Stream not found');
  });

  it('returns 404 for a game or stream of another organization sent together', async () => {
    const a = await makeTenant(h);
    const b = await makeTenant(h);
    const cases = [
      [{ game_id: b.gameIds[0], stream_id: b.streamId }, 'Stream not found'],
      [{ game_id: a.gameIds[0], stream_id: b.streamId }, 'Stream not found'],
      [{ game_id: b.gameIds[0], stream_id: a.streamId }, 'Game not found'],
    ] as const;
    for (const [body, message] of cases) {
      const response = await create(a, body);
      expect(response.statusCode, JSON.stringify(body)).toBe(404);
      expect(errorBody(response).error).toBe(message);
    }
  });

  it('returns 403 plan_required when the organization is below the API tier', async () => {
    const t = await makeTenant(h, { tier: 'Pro' });
    const response = await create(t, { game_id: t.gameIds[0] });
    expect(response.statusCode).toBe(403);
    expect(errorBody(response)).toMatchObject({
      code: 'plan_required',
      error: 'API access requires a Business tier organization',
    });
  });
});

describe('concurrent requests sharing one statement', () => {
  it('gives each of many concurrent creates its own answer when some name a foreign game', async () => {
    const a = await makeTenant(h);
    const b = await makeTenant(h);
    const games = Array.from({ length: 40 }, (_, i) =>
      i % 4 === 0 ? b.gameIds[0] : a.gameIds[i % 2],
    );
    const responses = await Promise.all(
      games.map((gameId) => create(a, { game_id: gameId, external_ref: `r-${gameId}` })),
    );
    responses.forEach((response, i) => {
      if (games[i] === b.gameIds[0]) {
        expect(response.statusCode).toBe(404);
      } else {
        expect(response.statusCode).toBe(200);
        expect(json<{ data: Created }>(response).data.game_id).toBe(games[i]);
      }
    });
    const tokens = responses
      .filter((r) => r.statusCode === 200)
      .map((r) => json<{ data: Created }>(r).data.token);
    expect(new Set(tokens).size).toBe(30);
  });

  it('answers concurrent validates and consumes of different tokens each with their own session', async () => {
    const t = await makeTenant(h);
    const tokens: string[] = [];
    for (let i = 0; i < 20; i++) tokens.push(await createToken(t, { external_ref: `ref-${i}` }));
    const validated = await Promise.all(
      tokens.map((token) => h.inject({ method: 'GET', url: validateUrl(token) })),
    );
    validated.forEach((response, i) =>
      expect(json<{ data: { external_ref: string } }>(response).data.external_ref).toBe(`ref-${i}`),
    );
    const consumed = await Promise.all(
      tokens.map((token, i) => consume(token, { player_uuid: `p-${i}` })),
    );
    consumed.forEach((response, i) => {
      expect(response.statusCode).toBe(200);
      expect(json<{ data: { external_ref: string } }>(response).data.external_ref).toBe(`ref-${i}`);
    });
    const rows = await h.deps.database.db
      .selectFrom('game_sessions')
      .select(['external_ref', 'player_uuid'])
      .where('token', 'in', tokens)
      .execute();
    for (const row of rows) expect(row.player_uuid).toBe(row.external_ref!.replace('ref-', 'p-'));
  });
});

describe('validate-session', () => {
  it('reports an active token with its metadata, without consuming it', async () => {
    const t = await makeTenant(h);
    const token = await createToken(t, {
      external_ref: 'user-12345',
      metadata: { campaign: 'summer-promo' },
    });
    for (let i = 0; i < 2; i++) {
      const response = await h.inject({ method: 'GET', url: validateUrl(token) });
      expect(response.statusCode).toBe(200);
      expect(json(response)).toEqual({
        success: true,
        data: {
          valid: true,
          status: 'active',
          stream_id: null,
          game_id: t.gameIds[0],
          expires_at: expect.any(String) as string,
          external_ref: 'user-12345',
          metadata: { campaign: 'summer-promo' },
        },
      });
    }
    expect((await consume(token)).statusCode).toBe(200);
  });

  it('answers valid:false with status consumed after a consume', async () => {
    const t = await makeTenant(h);
    const token = await createToken(t);
    await consume(token);
    const body = json<{ data: { valid: boolean; status: string } }>(
      await h.inject({ method: 'GET', url: validateUrl(token) }),
    );
    expect(body.data).toMatchObject({ valid: false, status: 'consumed' });
  });

  it('answers valid:false with status expired once the expiry passed', async () => {
    const t = await makeTenant(h);
    const token = await createToken(t, { expires_in_minutes: 1 });
    h.clock.advance(60_000);
    const body = json<{ data: { valid: boolean; status: string } }>(
      await h.inject({ method: 'GET', url: validateUrl(token) }),
    );
    expect(body.data).toMatchObject({ valid: false, status: 'expired' });
  });

  it('answers 404 for an unknown token', async () => {
    const response = await h.inject({
      method: 'GET',
      url: validateUrl('a1b2c3d4-e5f6-7890-abcd-ef1234567890'),
    });
    expect(response.statusCode).toBe(404);
    expect(errorBody(response).error).toBe('Session not found');
  });

  it.each(['not-a-uuid', '', "1' OR '1'='1"])('answers 400 for the token %j', async (token) => {
    const response = await h.inject({ method: 'GET', url: validateUrl(encodeURIComponent(token)) });
    expect(response.statusCode).toBe(400);
    errorBody(response);
  });

  it('allows any origin (play pages live elsewhere)', async () => {
    const response = await h.inject({
      method: 'OPTIONS',
      url: validateUrl('a1b2c3d4-e5f6-7890-abcd-ef1234567890'),
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'GET' },
    });
    expect(response.statusCode).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe('*');
  });
});

describe('consume-session', () => {
  it('consumes once and answers the documented fields', async () => {
    const t = await makeTenant(h);
    const token = await createToken(t, { external_ref: 'user-1', metadata: { a: 1 } });
    const response = await consume(token, { player_uuid: 'player-uuid-here' });
    expect(response.statusCode).toBe(200);
    expect(json(response)).toEqual({
      success: true,
      data: {
        session_id: expect.any(Number) as number,
        org_id: t.org.id,
        stream_id: null,
        game_id: t.gameIds[0],
        external_ref: 'user-1',
        metadata: { a: 1 },
      },
    });
  });

  it('answers 410 with the documented message on a second use', async () => {
    const t = await makeTenant(h);
    const token = await createToken(t);
    expect((await consume(token)).statusCode).toBe(200);
    const again = await consume(token);
    expect(again.statusCode).toBe(410);
    expect(errorBody(again).error).toBe(GONE);
  });

  it('answers 410 for an expired, a revoked and an unknown token', async () => {
    const t = await makeTenant(h);
    const expired = await createToken(t, { expires_in_minutes: 1 });
    const revoked = await createToken(t);
    await h.inject({
      method: 'POST',
      url: REVOKE,
      headers: t.keyHeaders,
      payload: { token: revoked },
    });
    h.clock.advance(60_001);
    for (const token of [expired, revoked, 'a1b2c3d4-e5f6-7890-abcd-ef1234567890']) {
      const response = await consume(token);
      expect(response.statusCode).toBe(410);
      expect(errorBody(response).error).toBe(GONE);
    }
  });

  it('answers 400 without a token or with a malformed one', async () => {
    for (const payload of [{}, { token: 'nope' }, { token: 42 }]) {
      const response = await h.inject({ method: 'POST', url: CONSUME, payload });
      expect(response.statusCode).toBe(400);
      errorBody(response);
    }
  });

  it('lets exactly one of 200 concurrent consumes of one token win', async () => {
    const t = await makeTenant(h);
    const token = await createToken(t);
    const responses = await Promise.all(Array.from({ length: 200 }, () => consume(token)));
    const codes = responses.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 200)).toHaveLength(1);
    expect(codes.filter((c) => c === 410)).toHaveLength(199);
  });

  it('keeps the player_uuid on the session', async () => {
    const t = await makeTenant(h);
    const token = await createToken(t, { external_ref: 'keep-player' });
    await consume(token, { player_uuid: 'p-123' });
    const list = json<{ data: { player_uuid: string; status: string }[] }>(
      await h.inject({
        method: 'GET',
        url: `${LIST}&external_ref=keep-player`,
        headers: t.keyHeaders,
      }),
    );
    expect(list.data).toEqual([
      expect.objectContaining({ player_uuid: 'p-123', status: 'consumed' }),
    ]);
  });
});

describe('revoke-session', () => {
  it('revokes an active token so it can no longer be consumed', async () => {
    const t = await makeTenant(h);
    const token = await createToken(t);
    const response = await h.inject({
      method: 'POST',
      url: REVOKE,
      headers: t.keyHeaders,
      payload: { token },
    });
    expect(response.statusCode).toBe(200);
    expect(json<{ data: { status: string } }>(response).data.status).toBe('revoked');
    const validate = json<{ data: { valid: boolean; status: string } }>(
      await h.inject({ method: 'GET', url: validateUrl(token) }),
    );
    expect(validate.data).toMatchObject({ valid: false, status: 'revoked' });
    expect((await consume(token)).statusCode).toBe(410);
  });

  it('answers 410 when the token was already consumed', async () => {
    const t = await makeTenant(h);
    const token = await createToken(t);
    await consume(token);
    const response = await h.inject({
      method: 'POST',
      url: REVOKE,
      headers: t.keyHeaders,
      payload: { token },
    });
    expect(response.statusCode).toBe(410);
  });

  it("answers 404 for another organization's token and leaves it active", async () => {
    const a = await makeTenant(h);
    const b = await makeTenant(h);
    const token = await createToken(b);
    const response = await h.inject({
      method: 'POST',
      url: REVOKE,
      headers: a.keyHeaders,
      payload: { token },
    });
    expect(response.statusCode).toBe(404);
    expect((await consume(token)).statusCode).toBe(200);
  });

  it('answers 403 for a token outside a scoped key', async () => {
    const t = await makeTenant(h);
    const token = await createToken(t, { game_id: t.gameIds[1] });
    const headers = await scopedKey(t, { allowed_game_ids: [t.gameIds[0]] });
    const response = await h.inject({ method: 'POST', url: REVOKE, headers, payload: { token } });
    expect(response.statusCode).toBe(403);
  });
});

describe('list-sessions', () => {
  it('pages through every session exactly once, newest first', async () => {
    const t = await makeTenant(h);
    const made: string[] = [];
    for (let i = 0; i < 7; i++) made.push(await createToken(t));
    const seen: string[] = [];
    let cursor: number | null = null;
    do {
      const url: string = `${LIST}&limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const page = json<{ data: { token: string }[]; next_cursor: number | null }>(
        await h.inject({ method: 'GET', url, headers: t.keyHeaders }),
      );
      seen.push(...page.data.map((s) => s.token));
      cursor = page.next_cursor;
    } while (cursor !== null);
    expect(seen).toEqual([...made].reverse());
  });

  it('filters by status, game and stream, and answers on the path form too', async () => {
    const t = await makeTenant(h);
    const consumed = await createToken(t);
    await consume(consumed);
    const expiring = await createToken(t, { expires_in_minutes: 1 });
    const streamToken = await createToken(t, { game_id: null, stream_id: t.streamId });
    h.clock.advance(60_000);
    const tokens = async (query: string) =>
      json<{ data: { token: string }[] }>(
        await h.inject({
          method: 'GET',
          url: `/api/org-api-keys/sessions?${query}`,
          headers: t.keyHeaders,
        }),
      ).data.map((s) => s.token);
    expect(await tokens('status=consumed')).toEqual([consumed]);
    expect(await tokens('status=expired')).toEqual([expiring]);
    expect(await tokens('status=active')).toEqual([streamToken]);
    expect(await tokens(`stream_id=${t.streamId}`)).toEqual([streamToken]);
    expect(await tokens(`game_id=${t.gameIds[0]}`)).toEqual([expiring, consumed]);
  });

  it("never lists another organization's sessions", async () => {
    const a = await makeTenant(h);
    const b = await makeTenant(h);
    await createToken(b);
    const list = json<{ data: unknown[] }>(
      await h.inject({ method: 'GET', url: LIST, headers: a.keyHeaders }),
    );
    expect(list.data).toEqual([]);
  });

  it('answers 400 for an unknown status filter', async () => {
    const t = await makeTenant(h);
    const response = await h.inject({
      method: 'GET',
      url: `${LIST}&status=bogus`,
      headers: t.keyHeaders,
    });
    expect(response.statusCode).toBe(400);
  });
});

describe('secrets', () => {
  it('never writes keys or tokens to the logs', async () => {
    const t = await makeTenant(h);
    const token = await createToken(t);
    await h.inject({ method: 'GET', url: validateUrl(token) });
    await consume(token);
    expect(h.logs()).not.toContain(t.key);
    expect(h.logs()).not.toContain(token);
    expect(h.logs()).toContain('[redacted]');
  });
});
