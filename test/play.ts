import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { createGame } from '../src/modules/games/index.ts';
import { type Tenant, unique } from './factories.ts';
import { type Harness, json } from './harness.ts';

// Set-up for the play tests, in-process and in the browser: games with prizes, streams,
// session tokens, and reading what a play page renders.

/** What the play tests read of a play page's view (the `play-view` JSON script). */
export interface PlayView {
  lang: string;
  screen: string;
  error?: string;
  start?: Record<string, unknown>;
  game?: { id: number; template: string; segments: { label: string }[] };
  play?: { id: number; status: string };
  prize?: {
    state: string;
    draw_token?: string | null;
    expires_at?: string;
    slot?: { name: string };
    name?: string;
    code?: string | null;
  };
  played?: { plays: number; allowed: number };
  stream?: {
    name: string;
    games?: { title: string; template: string; state: string; score?: number; prize?: string }[];
    progress?: { plays: number; allowed: number; score: number };
  };
  next_game?: { title: string };
}

/** The view a play page renders into its `play-view` JSON script; throws when there is none. */
export function viewOf(response: LightMyRequestResponse): PlayView {
  const match = /<script type="application\/json" id="play-view">([\s\S]*?)<\/script>/.exec(
    response.body,
  );
  if (!match) throw new Error(`no view: ${response.statusCode} ${response.body.slice(0, 300)}`);
  return JSON.parse(match[1]!) as PlayView;
}

/** A play session token from the tenant's API key, for `{ game_id }` or `{ stream_id }`. */
export async function sessionToken(
  h: Harness,
  t: Tenant,
  body: Record<string, unknown>,
): Promise<string> {
  const response = await h.inject({
    method: 'POST',
    url: '/api/org-api-keys?action=create-session',
    headers: t.keyHeaders,
    payload: body,
  });
  expect(response.statusCode, response.body).toBe(200);
  return json<{ data: { token: string } }>(response).data.token;
}

/** A spin wheel with prizes on, its prize slots set to `slots` through the API. */
export async function prizeWheel(h: Harness, t: Tenant, slots: Record<string, unknown>[]) {
  const game = await createGame(h.deps, t.org.id, {
    title: 'Spin to win',
    template: 'spin-wheel',
    prize_enabled: true,
  });
  await setPrizes(h, t, game.id, slots);
  return game;
}

/** Replaces a game's prize slots through the API, as the Owner. */
export async function setPrizes(
  h: Harness,
  t: Tenant,
  gameId: number,
  slots: Record<string, unknown>[],
): Promise<void> {
  const prizes = await h.inject({
    method: 'PUT',
    url: `/api/games/${gameId}/prizes`,
    headers: t.owner.auth,
    payload: { org_id: t.org.id, slots },
  });
  expect(prizes.statusCode, prizes.body).toBe(200);
}

/** A voucher set holding `codes` (none: empty), made by the Owner; its id. */
export async function voucherSet(h: Harness, t: Tenant, codes: string[] = []): Promise<number> {
  const set = await h.inject({
    method: 'POST',
    url: '/api/voucher-sets',
    headers: t.owner.auth,
    payload: { org_id: t.org.id, name: unique('Codes') },
  });
  expect(set.statusCode, set.body).toBe(200);
  const setId = json<{ data: { id: number } }>(set).data.id;
  if (codes.length === 0) return setId;
  await h.inject({
    method: 'POST',
    url: `/api/voucher-sets/${setId}/codes?org_id=${t.org.id}`,
    headers: t.owner.auth,
    payload: { codes },
  });
  return setId;
}

/** An Active stream of `gameIds` (and `fields`), created through the API. */
export async function activeStream(
  h: Harness,
  t: Tenant,
  gameIds: number[],
  fields: Record<string, unknown> = {},
) {
  const created = await h.inject({
    method: 'POST',
    url: '/api/streams',
    headers: t.owner.auth,
    payload: {
      org_id: t.org.id,
      name: unique('Stream'),
      game_ids: gameIds,
      status: 'Active',
      ...fields,
    },
  });
  expect(created.statusCode, created.body).toBe(200);
  return json<{ data: { id: number; slug: string; player_identity: string } }>(created).data;
}

/** Starts a play with the page's start request, as the device with the `player` cookie. */
export const startPlay = (h: Harness, body: Record<string, unknown>, player: string) =>
  h.inject({
    method: 'POST',
    url: '/play/api/start',
    payload: body,
    cookies: { pl_player: player },
  });

/** Completes a started play after a second; the completion response is checked to be 200. */
export async function completePlay(h: Harness, playId: number, player: string) {
  const done = await h.inject({
    method: 'POST',
    url: `/play/api/plays/${playId}/complete`,
    payload: { duration_ms: 1_000 },
    cookies: { pl_player: player },
  });
  expect(done.statusCode, done.body).toBe(200);
  return done;
}
