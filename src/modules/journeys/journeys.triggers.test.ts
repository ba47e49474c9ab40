import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unique } from '../../../test/factories.ts';
import { createMailHarness, expectData, json, type MailHarness } from '../../../test/harness.ts';
import { settleJourneys } from '../../../test/journeys.ts';
import { completePlay, sessionToken, startPlay } from '../../../test/play.ts';
import { type Casino, makeCasino, playSession, undispatch } from '../../../test/return-path.ts';
import type { ManualClock } from '../../lib/clock.ts';
import { deliverCampaign } from '../campaigns/index.ts';

// Who enters a journey, on a simulated clock: each trigger takes the players it names and no
// one else, the entry rules decide whether a player enters again, `exit_on` takes a waiting
// player out, a paused journey takes no one, and events offered twice change nothing.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let h: MailHarness;
let clock: ManualClock;
beforeAll(async () => {
  h = await createMailHarness({ start: new Date('2026-07-14T16:00:00Z') });
  clock = h.clock as ManualClock;
  await h.deps.jobs.start();
});
afterAll(async () => {
  await h.close();
});

const ok = expectData;

const post = (c: Casino, url: string, payload: object) =>
  h.inject({ method: 'POST', url, headers: c.pk, payload });
const get = (c: Casino, url: string) => h.inject({ method: 'GET', url, headers: c.pk });

async function casino(): Promise<Casino> {
  const c = await makeCasino(h);
  await ok(
    h.inject({
      method: 'PATCH',
      url: '/api/functions/compliance-settings',
      headers: c.pk,
      payload: { postal_address: '1 Casino Way, Las Vegas NV' },
    }),
  );
  return c;
}

interface Player {
  id: string;
  playerId: string;
  email: string;
}

async function player(c: Casino, fields: Record<string, unknown> = {}): Promise<Player> {
  const playerId = unique('c');
  const email = `${unique('p')}@example.com`;
  const created = await ok<{ id: string }>(
    post(c, '/api/players', { player_id: playerId, email, first_name: 'Ann', ...fields }),
    201,
  );
  return { id: created.id, playerId, email };
}

async function consentEmail(c: Casino, p: Player): Promise<void> {
  await ok(
    post(c, '/api/functions/record-consent', {
      consents: [
        {
          player_id: p.id,
          channel: 'email',
          address: p.email,
          consent_type: 'email_opt_in',
          purpose: 'marketing',
          captured_at: '2026-01-01T00:00:00Z',
        },
      ],
    }),
    201,
  );
}

const event = (c: Casino, p: Player, name: string, extra: Record<string, unknown> = {}) =>
  ok(post(c, '/api/events', { player_id: p.id, name, ...extra }), 201);

/** Creates and publishes a journey; answers its id. */
async function journey(c: Casino, graph: Record<string, unknown>): Promise<string> {
  const created = await ok<{ id: string }>(
    post(c, '/api/journeys', { name: unique('Journey'), graph }),
    201,
  );
  await ok(post(c, `/api/journeys/${created.id}/publish`, {}));
  return created.id;
}

/** A graph that holds a player for an hour and then completes. */
const holding = (trigger: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  trigger,
  start: 'hold',
  nodes: {
    hold: { type: 'wait', duration: { hours: 1 }, next: 'done' },
    done: { type: 'update_profile', set: { 'traits.journeyed': true } },
  },
  ...extra,
});

interface Run {
  id: string;
  player_id: string;
  status: string;
  node: string;
  exit_reason: string | null;
}

async function runsOf(c: Casino, journeyId: string): Promise<Run[]> {
  return ok<Run[]>(get(c, `/api/journeys/${journeyId}/runs?limit=100`));
}

const playersIn = async (c: Casino, journeyId: string) =>
  (await runsOf(c, journeyId)).map((run) => run.player_id).sort();

const settle = (c: Casino) => settleJourneys(h, { orgId: c.t.org.id, propertyId: c.property.id });

describe('triggers', () => {
  it('an event trigger enters the players who did that event, not those who did another', async () => {
    const c = await casino();
    const id = await journey(c, holding({ type: 'event', name: 'visit' }));
    const [visitor, depositor, idle] = [await player(c), await player(c), await player(c)];
    await event(c, visitor, 'visit');
    await event(c, depositor, 'deposit');
    await event(c, depositor, 'visit_2');
    await settle(c);
    expect(await playersIn(c, id)).toEqual([visitor.id]);
    expect(idle.id).not.toBe(visitor.id);
  });

  it('a player_created trigger enters players created while it is live, not older ones', async () => {
    const c = await casino();
    const older = await player(c);
    await settle(c);
    const id = await journey(c, holding({ type: 'player_created' }));
    const newer = await player(c);
    await settle(c);
    expect(await playersIn(c, id)).toEqual([newer.id]);
    expect(older.id).not.toBe(newer.id);
  });

  it('an attribute_changed trigger on tier takes any change of tier, or only a change to its `to`', async () => {
    const c = await casino();
    const anyTier = await journey(c, holding({ type: 'attribute_changed', field: 'tier' }));
    const toGold = await journey(
      c,
      holding({ type: 'attribute_changed', field: 'tier', to: 'gold' }),
    );
    const [gold, silver, renamed] = [
      await player(c, { tier: 'bronze' }),
      await player(c, { tier: 'bronze' }),
      await player(c, { tier: 'bronze' }),
    ];
    await settle(c);
    expect(await runsOf(c, anyTier)).toEqual([]);
    const patch = (p: Player, body: object) =>
      ok(h.inject({ method: 'PATCH', url: `/api/players/${p.id}`, headers: c.pk, payload: body }));
    await patch(gold, { tier: 'gold' });
    await patch(silver, { tier: 'silver' });
    await patch(renamed, { first_name: 'Bea', traits: { tier: 'gold' } });
    await settle(c);
    expect(await playersIn(c, anyTier)).toEqual([gold.id, silver.id].sort());
    expect(await playersIn(c, toGold)).toEqual([gold.id]);
  });

  it('a game_played trigger enters the player a session names, for any game or only its game', async () => {
    const c = await casino();
    const otherGame = c.t.gameIds[0];
    const anyGame = await journey(c, holding({ type: 'game_played' }));
    const wheel = await journey(c, holding({ type: 'game_played', game_id: c.gameId }));
    const other = await journey(c, holding({ type: 'game_played', game_id: otherGame }));
    const [spinner, anonymous, otherPlayer] = [await player(c), await player(c), await player(c)];
    await settle(c);
    await playSession(h, c, {
      metadata: { player_id: spinner.playerId, property_id: c.property.id },
    });
    // A play of a session that names no one enters no one.
    await playSession(h, c, {});
    // A play of the other game, named by PlayLoop's id.
    const token = await sessionToken(h, c.t, {
      game_id: otherGame,
      metadata: { player_id: otherPlayer.id, property_id: c.property.id },
    });
    const device = randomUUID();
    const started = await startPlay(h, { session_token: token, game_id: otherGame }, device);
    expect(started.statusCode, started.body).toBe(200);
    await completePlay(h, json<{ data: { play: { id: number } } }>(started).data.play.id, device);
    await settle(c);
    expect(await playersIn(c, anyGame)).toEqual([spinner.id, otherPlayer.id].sort());
    expect(await playersIn(c, wheel)).toEqual([spinner.id]);
    expect(await playersIn(c, other)).toEqual([otherPlayer.id]);
    expect(await playersIn(c, anyGame)).not.toContain(anonymous.id);
  });

  it('a prize_won trigger enters the player whose session won, not a player who only played', async () => {
    const c = await casino();
    const id = await journey(c, holding({ type: 'prize_won' }));
    const [winner, loser] = [await player(c), await player(c)];
    await playSession(h, c, { metadata: { player_id: winner.playerId } }, false);
    // The tenant's own games give no prize.
    const game = c.t.gameIds[1];
    const token = await sessionToken(h, c.t, {
      game_id: game,
      metadata: { player_id: loser.playerId, property_id: c.property.id },
    });
    const device = randomUUID();
    const started = await startPlay(h, { session_token: token, game_id: game }, device);
    expect(started.statusCode, started.body).toBe(200);
    await completePlay(h, json<{ data: { play: { id: number } } }>(started).data.play.id, device);
    await settle(c);
    expect(await playersIn(c, id)).toEqual([winner.id]);
  });

  it('an api trigger enters exactly the player POST /enter names', async () => {
    const c = await casino();
    const id = await journey(c, holding({ type: 'api' }));
    const [named, other] = [await player(c), await player(c)];
    await event(c, other, 'api');
    const entered = await ok<{ entered: boolean; run_id: string }>(
      post(c, `/api/journeys/${id}/enter`, { player_id: named.playerId }),
    );
    expect(entered.entered).toBe(true);
    await settle(c);
    const runs = await runsOf(c, id);
    expect(runs.map((run) => [run.id, run.player_id])).toEqual([[entered.run_id, named.id]]);
  });
});

describe('entry rules', () => {
  it('once: a second trigger, even after the first run completed, makes no second run', async () => {
    const c = await casino();
    const id = await journey(
      c,
      holding({ type: 'event', name: 'visit' }, { entry: { rule: 'once' } }),
    );
    const p = await player(c);
    await event(c, p, 'visit');
    await settle(c);
    await event(c, p, 'visit');
    await settle(c);
    expect(await runsOf(c, id)).toHaveLength(1);
    clock.advance(2 * HOUR);
    await settle(c);
    expect((await runsOf(c, id))[0]).toMatchObject({ status: 'completed' });
    await event(c, p, 'visit');
    await settle(c);
    const again = await ok<{ entered: boolean }>(
      post(c, `/api/journeys/${id}/enter`, { player_id: p.id }),
    );
    expect(again.entered).toBe(false);
    expect(await runsOf(c, id)).toHaveLength(1);
  });

  it('every_time: no second run while one is going, a second once it completed', async () => {
    const c = await casino();
    const id = await journey(
      c,
      holding({ type: 'event', name: 'visit' }, { entry: { rule: 'every_time' } }),
    );
    const p = await player(c);
    await event(c, p, 'visit');
    await settle(c);
    clock.advance(10 * 60_000);
    await event(c, p, 'visit');
    await settle(c);
    const first = await runsOf(c, id);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ status: 'waiting' });
    clock.advance(HOUR);
    await settle(c);
    expect((await runsOf(c, id))[0]).toMatchObject({ status: 'completed' });
    await event(c, p, 'visit');
    await settle(c);
    const runs = await runsOf(c, id);
    expect(runs.map((run) => run.status)).toEqual(['waiting', 'completed']);
    expect(runs.every((run) => run.player_id === p.id)).toBe(true);
  });

  it('once_per_period: no second run within the period, a second after it', async () => {
    const c = await casino();
    const id = await journey(c, {
      trigger: { type: 'event', name: 'visit' },
      entry: { rule: 'once_per_period', period: { days: 7 } },
      start: 'done',
      nodes: { done: { type: 'update_profile', set: { 'traits.visited': true } } },
    });
    const p = await player(c);
    await event(c, p, 'visit');
    await settle(c);
    expect((await runsOf(c, id)).map((run) => run.status)).toEqual(['completed']);
    clock.advance(3 * DAY);
    await event(c, p, 'visit');
    await settle(c);
    clock.advance(4 * DAY - 60_000);
    await event(c, p, 'visit');
    await settle(c);
    expect(await runsOf(c, id)).toHaveLength(1);
    clock.advance(2 * 60_000);
    await event(c, p, 'visit');
    await settle(c);
    expect((await runsOf(c, id)).map((run) => run.status)).toEqual(['completed', 'completed']);
  });
});

describe('exit_on', () => {
  it('takes a waiting player who does the exit event out; the others go on', async () => {
    const c = await casino();
    const id = await journey(
      c,
      holding({ type: 'event', name: 'visit' }, { exit_on: ['self_excluded'] }),
    );
    const [leaver, stayer] = [await player(c), await player(c)];
    await event(c, leaver, 'visit');
    await event(c, stayer, 'visit');
    await settle(c);
    clock.advance(10 * 60_000);
    await event(c, leaver, 'self_excluded');
    await settle(c);
    const byPlayer = async () => new Map((await runsOf(c, id)).map((run) => [run.player_id, run]));
    expect((await byPlayer()).get(leaver.id)).toMatchObject({
      status: 'exited',
      exit_reason: 'exit_on self_excluded',
    });
    expect((await byPlayer()).get(stayer.id)).toMatchObject({ status: 'waiting' });
    clock.advance(HOUR);
    await settle(c);
    const after = await byPlayer();
    expect(after.get(leaver.id)).toMatchObject({ status: 'exited', node: 'hold' });
    expect(after.get(stayer.id)).toMatchObject({ status: 'completed' });
    const profile = await ok<{ traits: Record<string, unknown> }>(
      get(c, `/api/players/${leaver.id}`),
    );
    expect(profile.traits.journeyed).toBeUndefined();
  });
});

describe('a paused journey', () => {
  it('enters no one, by event or by API, until it resumes', async () => {
    const c = await casino();
    const id = await journey(c, holding({ type: 'event', name: 'visit' }));
    await ok(post(c, `/api/journeys/${id}/pause`, {}));
    const p = await player(c);
    await event(c, p, 'visit');
    await settle(c);
    const refused = await post(c, `/api/journeys/${id}/enter`, { player_id: p.id });
    expect(refused.statusCode, refused.body).toBe(409);
    expect(await runsOf(c, id)).toEqual([]);
    await ok(post(c, `/api/journeys/${id}/resume`, {}));
    await settle(c);
    expect(await runsOf(c, id)).toEqual([]);
    await event(c, p, 'visit');
    await settle(c);
    expect(await playersIn(c, id)).toEqual([p.id]);
  });
});

describe('events dispatched twice', () => {
  /** Sends every journey campaign's queued mail, as the sender jobs would. */
  async function deliverAll(c: Casino) {
    const campaigns = await h.deps.database.db
      .selectFrom('campaigns')
      .select('id')
      .where('property_id', '=', c.property.id)
      .where('journey_id', 'is not', null)
      .execute();
    for (const campaign of campaigns) await deliverCampaign(h.deps, campaign.id);
  }

  async function messagesOf(c: Casino) {
    return h.deps.database.db
      .selectFrom('messages')
      .select(['id', 'player_id', 'journey_run_id', 'status'])
      .where('property_id', '=', c.property.id)
      .execute();
  }

  async function mailJourney(c: Casino) {
    const template = await ok<{ id: string }>(
      post(c, '/api/templates', {
        name: unique('T'),
        channel: 'email',
        subject: 'Welcome back',
        body: '<mjml><mj-body><mj-section><mj-column><mj-text>Hi {{ player.first_name }}</mj-text></mj-column></mj-section></mj-body></mjml>',
      }),
      201,
    );
    return journey(c, {
      trigger: { type: 'event', name: 'visit' },
      entry: { rule: 'every_time' },
      start: 'hello',
      nodes: {
        hello: { type: 'send', template_id: template.id, next: 'wait_redeem' },
        wait_redeem: {
          type: 'wait_for_event',
          event: 'redeem',
          timeout: { days: 2 },
          next: 'thanks',
          on_timeout: 'bye',
        },
        thanks: { type: 'send', template_id: template.id },
        bye: { type: 'update_profile', set: { 'traits.lapsed': true } },
      },
    });
  }

  it('creates no extra runs and sends no extra messages', async () => {
    const c = await casino();
    const id = await mailJourney(c);
    const [waiting, done, twice] = [await player(c), await player(c), await player(c)];
    for (const p of [waiting, done, twice]) await consentEmail(c, p);
    for (const p of [waiting, done, twice]) await event(c, p, 'visit');
    await settle(c);
    clock.advance(HOUR);
    await event(c, done, 'redeem');
    await event(c, twice, 'visit');
    await settle(c);
    await deliverAll(c);
    const runs = await runsOf(c, id);
    const messages = await messagesOf(c);
    expect(runs).toHaveLength(3);
    expect(messages).toHaveLength(4);
    const mails = h.smtp.messages.filter((m) =>
      [waiting, done, twice].some((p) => m.to.includes(p.email)),
    ).length;
    expect(mails).toBe(4);

    await undispatch(h, c.t.org.id);
    await settle(c);
    await deliverAll(c);
    expect((await runsOf(c, id)).map((run) => [run.id, run.status]).sort()).toEqual(
      runs.map((run) => [run.id, run.status]).sort(),
    );
    expect((await messagesOf(c)).map((m) => m.id).sort()).toEqual(messages.map((m) => m.id).sort());
    expect(
      h.smtp.messages.filter((m) => [waiting, done, twice].some((p) => m.to.includes(p.email)))
        .length,
    ).toBe(4);
  });

  it('an event offered again after a wait for it began does not end that wait', async () => {
    const c = await casino();
    const id = await mailJourney(c);
    const p = await player(c);
    await consentEmail(c, p);
    // The player redeemed something before this visit: that redeem is not the one waited for.
    await event(c, p, 'redeem');
    await settle(c);
    clock.advance(HOUR);
    await event(c, p, 'visit');
    await settle(c);
    expect(await runsOf(c, id)).toMatchObject([{ status: 'waiting', node: 'wait_redeem' }]);
    clock.advance(HOUR);
    await undispatch(h, c.t.org.id);
    await settle(c);
    expect(await runsOf(c, id)).toMatchObject([{ status: 'waiting', node: 'wait_redeem' }]);
    expect(await messagesOf(c)).toHaveLength(1);
  });
});

describe('events dispatched twice, judged as of when they happened', () => {
  it('every_time: a trigger refused while a run was going enters no one when offered again later', async () => {
    const c = await casino();
    const id = await journey(
      c,
      holding({ type: 'event', name: 'visit' }, { entry: { rule: 'every_time' } }),
    );
    const p = await player(c);
    await event(c, p, 'visit');
    await settle(c);
    clock.advance(10 * 60_000);
    await event(c, p, 'visit');
    await settle(c);
    clock.advance(HOUR);
    await settle(c);
    expect((await runsOf(c, id)).map((run) => run.status)).toEqual(['completed']);
    await undispatch(h, c.t.org.id);
    await settle(c);
    expect((await runsOf(c, id)).map((run) => run.status)).toEqual(['completed']);
  });

  it('once_per_period: a trigger refused within the period enters no one when offered again after it', async () => {
    const c = await casino();
    const id = await journey(c, {
      trigger: { type: 'event', name: 'visit' },
      entry: { rule: 'once_per_period', period: { days: 7 } },
      start: 'done',
      nodes: { done: { type: 'update_profile', set: { 'traits.visited': true } } },
    });
    const p = await player(c);
    await event(c, p, 'visit');
    await settle(c);
    clock.advance(DAY);
    await event(c, p, 'visit');
    await settle(c);
    expect(await runsOf(c, id)).toHaveLength(1);
    clock.advance(7 * DAY);
    await undispatch(h, c.t.org.id);
    await settle(c);
    expect(await runsOf(c, id)).toHaveLength(1);
  });

  it('exit_on: an exit event offered again does not take out a run that began after it', async () => {
    const c = await casino();
    const id = await journey(
      c,
      holding({ type: 'event', name: 'visit' }, { exit_on: ['self_excluded'] }),
    );
    const p = await player(c);
    await event(c, p, 'self_excluded');
    await settle(c);
    clock.advance(10 * 60_000);
    await event(c, p, 'visit');
    await settle(c);
    expect(await runsOf(c, id)).toMatchObject([{ status: 'waiting' }]);
    await undispatch(h, c.t.org.id);
    await settle(c);
    expect(await runsOf(c, id)).toMatchObject([{ status: 'waiting', exit_reason: null }]);
  });
});
