import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { EventConsumers } from '../src/modules/events/events.dispatch.ts';
import { playerActivityConsumer } from '../src/modules/players/index.ts';
import { createProperty, type PropertyRow } from '../src/modules/properties/index.ts';
import { createPropertyKey } from '../src/modules/property-keys/index.ts';
import { drainEvents } from './events.ts';
import { makeTenant, type Tenant, unique } from './factories.ts';
import { type Harness, json } from './harness.ts';
import { completePlay, prizeWheel, sessionToken, startPlay } from './play.ts';

// The return path (players.activity): a DailyPlay organization that also runs a PlayerOS
// property, plays of its sessions, and the events dispatcher run with that consumer only.

export interface Casino {
  t: Tenant;
  property: PropertyRow;
  /** A read+write pk_ key of the property. */
  pk: { 'x-api-key': string };
  /** A spin wheel that always wins an item prize. */
  gameId: number;
}

/** An organization with games and a dpk_ key (makeTenant), one property and a pk_ key. */
export async function makeCasino(h: Harness): Promise<Casino> {
  const t = await makeTenant(h);
  const property = await addProperty(h, t.org.id);
  const key = await createPropertyKey(h.deps, undefined, {
    propertyId: property.id,
    name: 'Test key',
    scopes: ['read', 'write'],
    rateLimitPerMinute: 10_000,
  });
  const game = await prizeWheel(h, t, [{ name: 'Tote bag', type: 'item', win_chance: 100 }]);
  return { t, property, pk: { 'x-api-key': key.key }, gameId: game.id };
}

export const addProperty = (h: Harness, orgId: number) =>
  createProperty(h.deps, undefined, { orgId, name: unique('Property') });

/** Creates a player of the casino's property through the API; answers PlayLoop's id. */
export async function addPlayer(h: Harness, c: Casino, playerId: string | null): Promise<string> {
  const created = await h.inject({
    method: 'POST',
    url: '/api/players',
    headers: c.pk,
    payload: { player_id: playerId, first_name: 'Ann' },
  });
  expect(created.statusCode, created.body).toBe(201);
  return json<{ data: { id: string } }>(created).data.id;
}

export interface Played {
  playId: number;
  score: number;
}

/**
 * One session of the casino's wheel created with `session` (metadata, external_ref), played to
 * the end on the play page and its prize claimed unless `claim` is false.
 */
export async function playSession(
  h: Harness,
  c: Casino,
  session: Record<string, unknown>,
  claim = true,
): Promise<Played> {
  const token = await sessionToken(h, c.t, { game_id: c.gameId, ...session });
  const device = randomUUID();
  const started = await startPlay(h, { session_token: token, game_id: c.gameId }, device);
  expect(started.statusCode, started.body).toBe(200);
  const playId = json<{ data: { play: { id: number } } }>(started).data.play.id;
  const done = json<{ data: { score: number; prize: { draw_token: string } } }>(
    await completePlay(h, playId, device),
  ).data;
  if (claim) {
    const claimed = await h.inject({
      method: 'POST',
      url: '/play/api/claim',
      payload: { draw_token: done.prize.draw_token },
    });
    expect(claimed.statusCode, claimed.body).toBe(200);
  }
  return { playId, score: done.score };
}

/**
 * Runs the dispatcher with the players.activity consumer over the organization's events until
 * none is pending (on PostgreSQL another file's open transaction can hold them back a moment).
 */
export async function dispatchEvents(h: Harness, orgId: number): Promise<void> {
  const consumers = new EventConsumers();
  consumers.register('players.activity', playerActivityConsumer());
  await drainEvents(h, orgId, consumers);
}

/** Marks the organization's events pending again: the dispatcher offers them once more. */
export async function undispatch(h: Harness, orgId: number): Promise<void> {
  await h.deps.database.db
    .updateTable('events')
    .set({ dispatched_at: null })
    .where('org_id', '=', orgId)
    .execute();
}
