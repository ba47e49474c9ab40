import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness, json } from '../../../test/harness.ts';
import { startPlay } from '../../../test/play.ts';
import {
  addPlayer,
  addProperty,
  type Casino,
  dispatchEvents,
  makeCasino,
  playSession,
} from '../../../test/return-path.ts';
import { sessionTarget } from './players.activity.ts';

// Which player a session names (the convention of players.activity.ts), and what it must never
// attach to.

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
});

async function plays(c: Casino, player: string): Promise<number> {
  const response = await h.inject({ method: 'GET', url: `/api/players/${player}`, headers: c.pk });
  expect(response.statusCode, response.body).toBe(200);
  return json<{ data: { plays: number } }>(response).data.plays;
}

const activityCount = async (c: Casino) =>
  (
    await h.deps.database.db
      .selectFrom('player_activity')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('property_id', '=', c.property.id)
      .executeTakeFirstOrThrow()
  ).n;

const PROPERTY = '0b7f8a8e-6a43-4c55-9a4e-2f4f6f0f9a11';
const PLAYER = '5d2c1f8e-1b7a-4c1e-8f3e-9a0b1c2d3e4f';

describe('sessionTarget', () => {
  it('reads metadata.player_id like the {id} of GET /api/players/{id}', () => {
    const meta = (metadata: unknown, extra = {}) => sessionTarget({ metadata, ...extra });
    expect(meta({ player_id: ' 100234 ', property_id: PROPERTY })).toEqual({
      propertyId: PROPERTY,
      player: { playerId: '100234' },
    });
    expect(meta({ player_id: 100234 })).toEqual({
      propertyId: null,
      player: { playerId: '100234' },
    });
    expect(meta({ player_id: PLAYER.toUpperCase() })?.player).toEqual({ id: PLAYER });
  });

  it('falls back to external_ref only when metadata.player_id is absent', () => {
    expect(sessionTarget({ metadata: null, external_ref: 'c-9' })?.player).toEqual({
      playerId: 'c-9',
    });
    expect(sessionTarget({ metadata: { player_id: '' }, external_ref: 'c-9' })?.player).toEqual({
      playerId: 'c-9',
    });
    expect(sessionTarget({ metadata: { player_id: 'm-1' }, external_ref: 'c-9' })?.player).toEqual({
      playerId: 'm-1',
    });
  });

  it.each([
    ['no player at all', { metadata: { property_id: PROPERTY } }],
    ['a player_id of another type', { metadata: { player_id: { id: 1 } }, external_ref: 'c' }],
    ['a negative or fractional number', { metadata: { player_id: 1.5 } }],
    ['a player_id longer than PlayerOS stores', { metadata: { player_id: 'x'.repeat(101) } }],
    ['a property_id that is no uuid', { metadata: { player_id: '1', property_id: 'p-1' } }],
    ['a property_id of another type', { metadata: { player_id: '1', property_id: 7 } }],
  ])('names no one for %s', (_name, payload) => {
    expect(sessionTarget(payload)).toBeUndefined();
  });
});

describe('what a session attaches to', () => {
  it("uses the session's external_ref and the organization's only property when metadata says nothing", async () => {
    const c = await makeCasino(h);
    await addPlayer(h, c, 'casino-9');
    await playSession(h, c, { external_ref: 'casino-9' });
    await dispatchEvents(h, c.t.org.id);
    expect(await plays(c, 'casino-9')).toBe(1);
  });

  it('attaches by PlayLoop player uuid too', async () => {
    const c = await makeCasino(h);
    const id = await addPlayer(h, c, null);
    await playSession(h, c, { metadata: { player_id: id } });
    await dispatchEvents(h, c.t.org.id);
    expect(await plays(c, id)).toBe(1);
  });

  it("attaches nothing to another organization's property, even one holding that player_id", async () => {
    const c = await makeCasino(h);
    const other = await makeCasino(h);
    await addPlayer(h, c, '777');
    await addPlayer(h, other, '777');
    await playSession(h, c, { metadata: { player_id: '777', property_id: other.property.id } });
    await dispatchEvents(h, c.t.org.id);
    await dispatchEvents(h, other.t.org.id);
    expect(await plays(other, '777')).toBe(0);
    expect(await plays(c, '777')).toBe(0);
    expect(await activityCount(other)).toBe(0);
    expect(await activityCount(c)).toBe(0);
  });

  it('needs metadata.property_id once the organization has two properties', async () => {
    const c = await makeCasino(h);
    await addPlayer(h, c, '42');
    await addProperty(h, c.t.org.id);
    await playSession(h, c, { metadata: { player_id: '42' } });
    await dispatchEvents(h, c.t.org.id);
    expect(await plays(c, '42')).toBe(0);
    await playSession(h, c, { metadata: { player_id: '42', property_id: c.property.id } });
    await dispatchEvents(h, c.t.org.id);
    expect(await plays(c, '42')).toBe(1);
  });

  it('ignores an unknown player and creates none', async () => {
    const c = await makeCasino(h);
    await playSession(h, c, { metadata: { player_id: 'nobody', property_id: c.property.id } });
    await dispatchEvents(h, c.t.org.id);
    const list = await h.inject({ method: 'GET', url: '/api/players', headers: c.pk });
    expect(json<{ data: unknown[] }>(list).data).toEqual([]);
    expect(await activityCount(c)).toBe(0);
  });

  it('records a consume through the API, and nothing for a public stream link play', async () => {
    const c = await makeCasino(h);
    const id = await addPlayer(h, c, 'api-1');
    const created = await h.inject({
      method: 'POST',
      url: '/api/org-api-keys?action=create-session',
      headers: c.t.keyHeaders,
      payload: { game_id: c.gameId, metadata: { player_id: 'api-1' } },
    });
    const token = json<{ data: { token: string } }>(created).data.token;
    const consumed = await h.inject({
      method: 'POST',
      url: '/api/org-api-keys?action=consume-session',
      payload: { token },
    });
    expect(consumed.statusCode, consumed.body).toBe(200);
    const stream = await h.inject({
      method: 'PATCH',
      url: `/api/streams/${c.t.streamId}`,
      headers: c.t.owner.auth,
      payload: { org_id: c.t.org.id, status: 'Active' },
    });
    expect(stream.statusCode, stream.body).toBe(200);
    const slug = json<{ data: { slug: string } }>(stream).data.slug;
    const publicPlay = await startPlay(
      h,
      { org_slug: c.t.org.slug, stream_slug: slug },
      randomUUID(),
    );
    expect(publicPlay.statusCode, publicPlay.body).toBe(200);
    await dispatchEvents(h, c.t.org.id);

    const rows = await h.inject({
      method: 'GET',
      url: `/api/players/${id}/activity`,
      headers: c.pk,
    });
    expect(json<{ data: unknown[] }>(rows).data).toEqual([
      expect.objectContaining({ type: 'session.consumed', summary: { via: 'api' }, play_id: null }),
    ]);
    expect(await plays(c, id)).toBe(0);
    expect(await activityCount(c)).toBe(1);
  });
});
