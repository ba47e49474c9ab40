import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsOf } from '../../../test/events.ts';
import { makePropertyTenant, makeTenant } from '../../../test/factories.ts';
import {
  createHarness,
  expectError,
  type Harness,
  json,
  onPostgres,
} from '../../../test/harness.ts';
import { PLAYERS_HEADER, playerLine } from '../../../test/players-csv.ts';
import { prizeWheel, sessionToken, startPlay, voucherSet } from '../../../test/play.ts';
import { importPlayers } from '../players/index.ts';
import { setPropertyQuota } from '../properties/index.ts';
import { insertEvents } from './index.ts';

// A change and its event are one transaction: a change that fails or rolls back leaves no
// event, and every change that commits leaves exactly one.

let h: Harness;
/** On PostgreSQL, a second server process's worth of app and pool on the same database. */
let other: Harness | undefined;
beforeAll(async () => {
  h = await createHarness();
  if (onPostgres) other = await createHarness();
});
afterAll(async () => {
  await other?.close();
  await h.close();
});

const CONSUME = '/api/org-api-keys?action=consume-session';

const types = async (tenant: { orgId?: number; propertyId?: string }) =>
  (await eventsOf(h, tenant)).map((event) => event.type);

describe('a change that does not happen writes no event', () => {
  it('writes no player event for a batch upsert the storage quota refuses', async () => {
    const t = await makePropertyTenant(h);
    await setPropertyQuota(h.deps, t.property.id, { maxRows: 2 });
    const upsert = (rows: Record<string, unknown>[]) =>
      h.inject({
        method: 'POST',
        url: '/api/players/batch',
        headers: t.keyHeaders,
        payload: { players: rows },
      });
    const refused = await upsert([{ player_id: 'a' }, { player_id: 'b' }, { player_id: 'c' }]);
    expectError(refused, 403, 'quota_exceeded');
    expect(await types({ propertyId: t.property.id })).toEqual([]);
    // The same path writes its events when the write goes through.
    expect((await upsert([{ player_id: 'a' }, { player_id: 'b' }])).statusCode).toBe(200);
    expect(await types({ propertyId: t.property.id })).toEqual([
      'player.created',
      'player.created',
    ]);
  });

  it('writes one session.consumed for a token consumed twice', async () => {
    const t = await makeTenant(h);
    const token = await sessionToken(h, t, { game_id: t.gameIds[0] });
    const first = await h.inject({ method: 'POST', url: CONSUME, payload: { token } });
    const second = await h.inject({ method: 'POST', url: CONSUME, payload: { token } });
    expect([first.statusCode, second.statusCode]).toEqual([200, 410]);
    expect(await eventsOf(h, { orgId: t.org.id }, 'session.consumed')).toHaveLength(1);
  });

  it('leaves no event when the transaction that wrote it fails afterwards', async () => {
    const t = await makeTenant(h);
    const failed = h.deps.database.db.transaction().execute(async (trx) => {
      await insertEvents(trx, [
        {
          type: 'session.revoked',
          orgId: t.org.id,
          data: {
            session_id: 1,
            game_id: null,
            stream_id: null,
            stream_slug: null,
            stream_name: null,
            external_ref: null,
            metadata: null,
            revoked_at: new Date().toISOString(),
          },
        },
      ]);
      expect(
        await trx.selectFrom('events').select('id').where('org_id', '=', t.org.id).execute(),
      ).toHaveLength(1);
      throw new Error('forced failure');
    });
    await expect(failed).rejects.toThrow('forced failure');
    expect(await types({ orgId: t.org.id })).toEqual([]);
  });

  it('writes no prize.claimed for a claim refused after its draw was marked claimed', async () => {
    const t = await makeTenant(h);
    const setId = await voucherSet(h, t, ['ONLY-ONE']);
    const game = await prizeWheel(h, t, [
      { name: 'Voucher', type: 'voucher_set', win_chance: 100, voucher_set_id: setId },
    ]);
    const drawTokens: string[] = [];
    for (let i = 0; i < 2; i++) {
      const player = randomUUID();
      const token = await sessionToken(h, t, { game_id: game.id });
      const started = await startPlay(h, { session_token: token, game_id: game.id }, player);
      const playId = json<{ data: { play: { id: number } } }>(started).data.play.id;
      const done = await h.inject({
        method: 'POST',
        url: `/play/api/plays/${playId}/complete`,
        payload: { duration_ms: 1_000 },
        cookies: { pl_player: player },
      });
      drawTokens.push(
        json<{ data: { prize: { draw_token: string } } }>(done).data.prize.draw_token,
      );
    }
    const claim = (drawToken: string) =>
      h.inject({ method: 'POST', url: '/play/api/claim', payload: { draw_token: drawToken } });
    expect((await claim(drawTokens[0]!)).statusCode).toBe(200);
    // The set has no code left: the claim marks the draw claimed, fails, and rolls back.
    expectError(await claim(drawTokens[1]!), 409, 'conflict');
    expect(await eventsOf(h, { orgId: t.org.id }, 'prize.won')).toHaveLength(2);
    expect(await eventsOf(h, { orgId: t.org.id }, 'prize.claimed')).toHaveLength(1);
  });

  it('deletes a property with players without writing player.deleted', async () => {
    const t = await makePropertyTenant(h);
    await h.inject({
      method: 'POST',
      url: '/api/players/batch',
      headers: t.keyHeaders,
      payload: { players: [{ player_id: 'a' }, { player_id: 'b' }] },
    });
    await h.deps.database.db.deleteFrom('properties').where('id', '=', t.property.id).execute();
    expect(await types({ orgId: t.org.id })).toEqual([]);
  });
});

describe('batched consumes under a concurrent burst', () => {
  it('writes as many session.consumed events as there were 200 answers', async () => {
    const t = await makeTenant(h);
    const tokens = await Promise.all(
      Array.from({ length: 60 }, () => sessionToken(h, t, { game_id: t.gameIds[0] })),
    );
    // Every token twice, interleaved; on PostgreSQL half of them through a second app and pool.
    const servers = other ? [h, other] : [h];
    const answers = await Promise.all(
      [...tokens, ...tokens].map((token, i) =>
        servers[i % servers.length]!.inject({
          method: 'POST',
          url: CONSUME,
          payload: { token, player_uuid: `p-${i}` },
        }),
      ),
    );
    const ok = answers.filter((answer) => answer.statusCode === 200).length;
    expect(ok).toBe(60);
    expect(answers.filter((answer) => answer.statusCode === 410)).toHaveLength(60);
    const events = await eventsOf(h, { orgId: t.org.id }, 'session.consumed');
    expect(events).toHaveLength(ok);
    expect(new Set(events.map((event) => event.data.session_id)).size).toBe(ok);
  });
});

describe('player events and what does not write them', () => {
  it('has a CSV import write players.imported per batch and no per-row events', async () => {
    const t = await makePropertyTenant(h);
    const file = () =>
      Readable.from([
        `${PLAYERS_HEADER}\n${Array.from({ length: 2_500 }, (_, i) => playerLine(i)).join('\n')}\n`,
      ]);
    expect(await importPlayers(h.deps, t.property.id, file())).toMatchObject({ inserted: 2_500 });
    expect(await importPlayers(h.deps, t.property.id, file())).toMatchObject({ updated: 2_500 });
    const events = await eventsOf(h, { propertyId: t.property.id });
    expect(events.map((event) => event.type)).toEqual(Array(6).fill('players.imported'));
    expect(events.map((event) => [event.data.inserted, event.data.updated])).toEqual([
      [1_000, 0],
      [1_000, 0],
      [500, 0],
      [0, 1_000],
      [0, 1_000],
      [0, 500],
    ]);
    // The setting lasted only the import's transactions.
    const created = await h.inject({
      method: 'POST',
      url: '/api/players',
      headers: t.keyHeaders,
      payload: { player_id: 'after-import' },
    });
    expect(created.statusCode).toBe(201);
    expect(await eventsOf(h, { propertyId: t.property.id }, 'player.created')).toHaveLength(1);
  });

  it('writes nothing for an UPDATE that touches only updated_at, or writes the same values', async () => {
    const t = await makePropertyTenant(h);
    const tenant = { propertyId: t.property.id };
    await h.inject({
      method: 'POST',
      url: '/api/players/batch',
      headers: t.keyHeaders,
      payload: {
        players: [
          { player_id: 'a', tier: 'Gold' },
          { player_id: 'b', tier: 'Gold' },
        ],
      },
    });
    await sql`UPDATE players SET updated_at = updated_at + interval '1 hour'
               WHERE property_id = ${t.property.id}`.execute(h.deps.database.db);
    const same = await h.inject({
      method: 'PATCH',
      url: '/api/players?tier=eq.Gold',
      headers: t.keyHeaders,
      payload: { tier: 'Gold' },
    });
    expect(same.statusCode, same.body).toBe(200);
    const again = await h.inject({
      method: 'POST',
      url: '/api/players/batch',
      headers: t.keyHeaders,
      payload: { players: [{ player_id: 'a', tier: 'Gold' }] },
    });
    expect(json<{ data: { updated: number } }>(again).data).toMatchObject({ updated: 1 });
    expect(await eventsOf(h, tenant, 'player.updated')).toEqual([]);

    // A change by the same paths is an event per changed player.
    await h.inject({
      method: 'PATCH',
      url: '/api/players?tier=eq.Gold',
      headers: t.keyHeaders,
      payload: { tier: 'Platinum' },
    });
    const updated = await eventsOf(h, tenant, 'player.updated');
    expect(updated.map((event) => event.data.values)).toEqual([
      { tier: 'Platinum' },
      { tier: 'Platinum' },
    ]);
  });
});
