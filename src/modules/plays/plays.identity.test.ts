import { createHmac, randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTenant, makeUser, type Tenant } from '../../../test/factories.ts';
import { createHarness, expectError, type Harness, json } from '../../../test/harness.ts';
import { activeStream, completePlay, prizeWheel, startPlay, viewOf } from '../../../test/play.ts';
import { createGame } from '../games/index.ts';

// Issue 9 item 5: a public stream link believes a player id only when the brand signed it.

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
});

/** What the brand's server does: hex HMAC-SHA256 over "<stream_id>.<external_id>.<expires>". */
const sign = (secret: string, streamId: number, externalId: string, expires: number) =>
  createHmac('sha256', secret).update(`${streamId}.${externalId}.${expires}`).digest('hex');

const inAnHour = () => Math.floor(h.clock.now().getTime() / 1000) + 3600;

interface Stream {
  id: number;
  slug: string;
  url: string;
  player_identity: string;
}

/** An Active stream of one spin wheel that always wins an item, capped per player. */
async function prizeStream(t: Tenant, maxPerPlayer: number): Promise<Stream> {
  const game = await prizeWheel(h, t, [{ name: 'Tote bag', type: 'item', win_chance: 100 }]);
  const stream = await activeStream(h, t, [game.id], { max_plays_per_player: maxPerPlayer });
  return { ...stream, url: `/stream/${t.org.slug}/${stream.slug}` };
}

async function rotate(t: Tenant, streamId: number): Promise<string> {
  const response = await h.inject({
    method: 'POST',
    url: `/api/streams/${streamId}/identity-secret`,
    headers: t.owner.auth,
    payload: { org_id: t.org.id },
  });
  expect(response.statusCode, response.body).toBe(200);
  const data = json<{ data: { identity_secret: string; player_identity: string } }>(response).data;
  expect(data.player_identity).toBe('signed');
  return data.identity_secret;
}

const start = (body: Record<string, unknown>, player: string) => startPlay(h, body, player);

/** Starts and completes one play; the status of the start. */
async function playOnce(body: Record<string, unknown>, player: string): Promise<number> {
  const started = await start(body, player);
  if (started.statusCode !== 200) return started.statusCode;
  const { play } = json<{ data: { play: { id: number } } }>(started).data;
  await completePlay(h, play.id, player);
  return 200;
}

async function playsOf(streamId: number) {
  return h.deps.database.db
    .selectFrom('plays')
    .leftJoin('prize_draws', 'prize_draws.play_id', 'plays.id')
    .select(['plays.external_id', 'plays.player_uuid', 'prize_draws.id as draw_id'])
    .where('plays.stream_id', '=', streamId)
    .orderBy('plays.id')
    .execute();
}

describe('player identity on public stream links', () => {
  it.each(['device', 'signed'] as const)(
    'gives 12 made-up ids on an unsigned link (%s stream) no more than the per-device cap',
    async (mode) => {
      const t = await makeTenant(h);
      const stream = await prizeStream(t, 2);
      if (mode === 'signed') await rotate(t, stream.id);
      const device = randomUUID();
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) {
        const externalId = `made-up-${i}`;
        const view = viewOf(
          await h.inject({
            method: 'GET',
            url: `${stream.url}?external_id=${externalId}`,
            cookies: { pl_player: device },
          }),
        );
        // The page does not pass an id it cannot believe on to the start call...
        expect(view.start?.external_id).toBeUndefined();
        // ...and the start call ignores one sent to it directly.
        statuses.push(
          await playOnce(
            { org_slug: t.org.slug, stream_slug: stream.slug, external_id: externalId },
            device,
          ),
        );
      }
      expect(statuses.filter((s) => s === 200)).toHaveLength(2);
      expect(statuses.slice(2).every((s) => s === 409)).toBe(true);
      const plays = await playsOf(stream.id);
      expect(plays).toHaveLength(2);
      expect(plays.every((p) => p.external_id === null)).toBe(true);
      expect(plays.filter((p) => p.draw_id !== null)).toHaveLength(2);
    },
  );

  it("cannot use up a real player's plays by sending their id unsigned", async () => {
    const t = await makeTenant(h);
    const stream = await prizeStream(t, 1);
    const secret = await rotate(t, stream.id);
    const attacker = randomUUID();
    const base = { org_slug: t.org.slug, stream_slug: stream.slug };
    expect(await playOnce({ ...base, external_id: 'crm-7' }, attacker)).toBe(200);
    // The attacker's play counted against the attacker's device, not against crm-7.
    const expires = inAnHour();
    const link = `${stream.url}?external_id=crm-7&expires=${expires}&sig=${sign(secret, stream.id, 'crm-7', expires)}`;
    const realDevice = randomUUID();
    const view = viewOf(
      await h.inject({ method: 'GET', url: link, cookies: { pl_player: realDevice } }),
    );
    expect(view.screen).toBe('start');
    expect(await playOnce(view.start!, realDevice)).toBe(200);
    expect((await playsOf(stream.id)).map((p) => p.external_id)).toEqual([null, 'crm-7']);
  });

  it('counts a signed id across devices for the per-player cap and its prizes', async () => {
    const t = await makeTenant(h);
    const stream = await prizeStream(t, 1);
    const secret = await rotate(t, stream.id);
    const expires = inAnHour();
    const link = `${stream.url}?user_id=crm-42&expires=${expires}&sig=${sign(secret, stream.id, 'crm-42', expires)}`;
    const phone = randomUUID();
    const view = viewOf(
      await h.inject({ method: 'GET', url: link, cookies: { pl_player: phone } }),
    );
    expect(view.start).toMatchObject({ external_id: 'crm-42', expires });
    expect(await playOnce(view.start!, phone)).toBe(200);
    // Another device with the same signed link: the player's one play is used up.
    const laptop = randomUUID();
    const again = await h.inject({ method: 'GET', url: link, cookies: { pl_player: laptop } });
    expect(['finished', 'result']).toContain(viewOf(again).screen);
    expectError(await start(view.start!, laptop), 409, 'conflict');
    const plays = await playsOf(stream.id);
    expect(plays).toHaveLength(1);
    expect(plays[0]).toMatchObject({ external_id: 'crm-42', player_uuid: phone });
    expect(plays[0]?.draw_id).not.toBeNull();
  });

  it('does not trust a tampered, expired, other-stream or pre-rotation signature', async () => {
    const t = await makeTenant(h);
    const stream = await prizeStream(t, 5);
    const other = await prizeStream(t, 5);
    const secret = await rotate(t, stream.id);
    const otherSecret = await rotate(t, other.id);
    const expires = inAnHour();
    const good = sign(secret, stream.id, 'crm-1', expires);
    const past = Math.floor(h.clock.now().getTime() / 1000) - 1;
    const cases: [string, Record<string, unknown>][] = [
      ['tampered id', { external_id: 'crm-2', expires, sig: good }],
      ['tampered expiry', { external_id: 'crm-1', expires: expires + 60, sig: good }],
      [
        'flipped signature',
        {
          external_id: 'crm-1',
          expires,
          sig: `${good.slice(0, -1)}${good.endsWith('0') ? '1' : '0'}`,
        },
      ],
      [
        'expired',
        { external_id: 'crm-1', expires: past, sig: sign(secret, stream.id, 'crm-1', past) },
      ],
      [
        'other stream',
        { external_id: 'crm-1', expires, sig: sign(otherSecret, other.id, 'crm-1', expires) },
      ],
      [
        'other stream id',
        { external_id: 'crm-1', expires, sig: sign(secret, other.id, 'crm-1', expires) },
      ],
      ['malformed', { external_id: 'crm-1', expires: 'soon', sig: 'zz' }],
    ];
    const unsignedPage = await h.inject({
      method: 'GET',
      url: `${stream.url}?external_id=crm-1`,
      cookies: { pl_player: randomUUID() },
    });
    for (const [name, q] of cases) {
      const device = randomUUID();
      const query = new URLSearchParams(Object.entries(q).map(([k, v]) => [k, String(v)]));
      const response = await h.inject({
        method: 'GET',
        url: `${stream.url}?${query}`,
        cookies: { pl_player: device },
      });
      expect(response.statusCode, name).toBe(200);
      // The same page as an unsigned link: nothing tells a wrong signature from none.
      expect(viewOf(response), name).toEqual(viewOf(unsignedPage));
      if (typeof q.expires === 'number') {
        const body = { org_slug: t.org.slug, stream_slug: stream.slug, ...q };
        expect(await playOnce(body, device), name).toBe(200);
      }
    }
    // Rotating the secret retires links signed with the old one.
    await rotate(t, stream.id);
    const device = randomUUID();
    expect(
      await playOnce(
        {
          org_slug: t.org.slug,
          stream_slug: stream.slug,
          external_id: 'crm-1',
          expires,
          sig: good,
        },
        device,
      ),
    ).toBe(200);
    const plays = await playsOf(stream.id);
    expect(plays.length).toBeGreaterThanOrEqual(6);
    expect(plays.every((p) => p.external_id === null)).toBe(true);
  });

  it('hands a signed player a next-game link that is signed too', async () => {
    const t = await makeTenant(h);
    const first = await createGame(h.deps, t.org.id, { title: 'One', template: 'spin-wheel' });
    const second = await createGame(h.deps, t.org.id, { title: 'Two', template: 'spin-wheel' });
    const stream = await activeStream(h, t, [first.id, second.id]);
    const secret = await rotate(t, stream.id);
    const expires = inAnHour();
    const device = randomUUID();
    const started = await start(
      {
        org_slug: t.org.slug,
        stream_slug: stream.slug,
        external_id: 'crm-9',
        expires,
        sig: sign(secret, stream.id, 'crm-9', expires),
      },
      device,
    );
    const { play } = json<{ data: { play: { id: number } } }>(started).data;
    const done = await completePlay(h, play.id, device);
    const next = json<{ data: { next_url: string } }>(done).data.next_url;
    expect(next).toMatch(/^\/stream\/.+\?external_id=crm-9&expires=\d+&sig=[0-9a-f]{64}$/);
    const view = viewOf(
      await h.inject({ method: 'GET', url: next, cookies: { pl_player: randomUUID() } }),
    );
    expect(view.start?.external_id).toBe('crm-9');
  });
});

describe('the stream setting', () => {
  it('says device until a secret is set, shows the secret once, and lets only Editors set it', async () => {
    const t = await makeTenant(h);
    const get = async () =>
      h.inject({
        method: 'GET',
        url: `/api/streams/${t.streamId}?org_id=${t.org.id}`,
        headers: t.owner.auth,
      });
    expect(json<{ data: { player_identity: string } }>(await get()).data.player_identity).toBe(
      'device',
    );
    const secret = await rotate(t, t.streamId);
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    const after = await get();
    expect(json<{ data: { player_identity: string } }>(after).data.player_identity).toBe('signed');
    expect(after.body).not.toContain(secret);
    const list = await h.inject({
      method: 'GET',
      url: `/api/streams?org_id=${t.org.id}`,
      headers: t.owner.auth,
    });
    expect(list.body).not.toContain(secret);
    expect(await rotate(t, t.streamId)).not.toBe(secret);

    const rotateAs = (auth: { authorization: string }, orgId = t.org.id, id = t.streamId) =>
      h.inject({
        method: 'POST',
        url: `/api/streams/${id}/identity-secret`,
        headers: auth,
        payload: { org_id: orgId },
      });
    for (const role of ['Viewer', 'Analyst'] as const) {
      expectError(await rotateAs((await makeUser(h, t.org.id, role)).auth), 403, 'forbidden');
    }
    expect((await rotateAs((await makeUser(h, t.org.id, 'Editor')).auth)).statusCode).toBe(200);
    const stranger = await makeTenant(h);
    expectError(await rotateAs(stranger.owner.auth), 404, 'not_found');
    expectError(await rotateAs(t.owner.auth, t.org.id, stranger.streamId), 404, 'not_found');
    expectError(
      await h.inject({
        method: 'POST',
        url: `/api/streams/${t.streamId}/identity-secret`,
        payload: { org_id: t.org.id },
      }),
      401,
      'unauthorized',
    );
    expectError(await rotateAs(t.owner.auth, t.org.id, 0), 400, 'validation_failed');
  });
});

describe('the player cookie', () => {
  const cookieOf = (response: LightMyRequestResponse) =>
    response.cookies.find((c) => c.name === 'pl_player');

  it('is Secure when a trusted proxy says the request came over https', async () => {
    const proxied = await createHarness({ config: { trustProxy: { hops: 1 } } });
    try {
      const https = await proxied.inject({
        method: 'GET',
        url: '/play/game/1',
        headers: { 'x-forwarded-proto': 'https' },
      });
      expect(cookieOf(https)?.secure).toBe(true);
      const plain = await proxied.inject({ method: 'GET', url: '/play/game/1' });
      expect(cookieOf(plain)?.secure).toBeFalsy();
    } finally {
      await proxied.close();
    }
    // Without a trusted proxy the header is anyone's to send and says nothing.
    const direct = await h.inject({
      method: 'GET',
      url: '/play/game/1',
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(cookieOf(direct)?.secure).toBeFalsy();
  });

  it('is Secure whenever PUBLIC_URL is https, even over a plain hop from the proxy', async () => {
    const tls = await createHarness({ config: { publicUrl: 'https://play.example.test' } });
    try {
      const page = await tls.inject({ method: 'GET', url: '/play/game/1' });
      expect(cookieOf(page)?.secure).toBe(true);
      const api = await tls.inject({
        method: 'POST',
        url: '/play/api/start',
        payload: { session_token: randomUUID(), game_id: 1 },
      });
      expect(cookieOf(api)?.secure).toBe(true);
    } finally {
      await tls.close();
    }
  });
});
