import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unique } from '../../../test/factories.ts';
import { createMailHarness, expectData, type MailHarness } from '../../../test/harness.ts';
import { eventsOf } from '../../../test/events.ts';
import { settleJourneys } from '../../../test/journeys.ts';
import { type Casino, makeCasino } from '../../../test/return-path.ts';
import type { ManualClock } from '../../lib/clock.ts';
import { deliverCampaign } from '../campaigns/index.ts';
import { advanceDue } from './index.ts';

// What each step does to a player, on a simulated clock: waits end exactly when they should
// (in the player's time zone, across daylight-saving changes), conditions and splits pick
// branches, sends queue one message through the pre-send check, profile updates write and
// trigger, and a step is taken once even when two workers, or a dead one, had the run.

const SECOND = 1000;
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

const SMS_PROGRAM = 'Lucky Club SMS';

/** A casino with a postal address (marketing mail) and an SMS number but no SMS provider. */
async function casino(): Promise<Casino> {
  const c = await makeCasino(h);
  await ok(
    h.inject({
      method: 'PATCH',
      url: '/api/functions/compliance-settings',
      headers: c.pk,
      payload: {
        postal_address: '1 Casino Way, Las Vegas NV',
        sms_auth_token: 'ab'.repeat(16),
        sms_from: '+17025550100',
        sms_program_name: SMS_PROGRAM,
      },
    }),
  );
  return c;
}

interface Player {
  id: string;
  email: string;
  phone: string;
}

async function player(c: Casino, fields: Record<string, unknown> = {}): Promise<Player> {
  const email = `${unique('p')}@example.com`;
  const phone = `+1212555${String(randomInt(10_000)).padStart(4, '0')}`;
  const created = await ok<{ id: string }>(
    post(c, '/api/players', { player_id: unique('c'), email, phone, first_name: 'Ann', ...fields }),
    201,
  );
  return { id: created.id, email, phone };
}

async function consent(c: Casino, p: Player, channel: 'email' | 'sms'): Promise<void> {
  const record =
    channel === 'email'
      ? { channel, address: p.email, consent_type: 'email_opt_in' }
      : {
          channel,
          consent_type: 'pewc',
          program: SMS_PROGRAM,
          disclosure_version: 'sms-terms-v3',
        };
  await ok(
    post(c, '/api/functions/record-consent', {
      consents: [
        {
          player_id: p.id,
          purpose: 'marketing',
          captured_at: '2026-01-01T00:00:00Z',
          ...record,
        },
      ],
    }),
    201,
  );
}

const event = (c: Casino, p: Player, name: string, properties?: Record<string, unknown>) =>
  ok(post(c, '/api/events', { player_id: p.id, name, ...(properties ? { properties } : {}) }), 201);

async function journey(c: Casino, graph: Record<string, unknown>): Promise<string> {
  const created = await ok<{ id: string }>(
    post(c, '/api/journeys', { name: unique('Journey'), graph }),
    201,
  );
  await ok(post(c, `/api/journeys/${created.id}/publish`, {}));
  return created.id;
}

/** Enters the player through the API; answers the run's id. */
async function enter(c: Casino, journeyId: string, p: Player, data?: Record<string, unknown>) {
  const entered = await ok<{ entered: boolean; run_id: string }>(
    post(c, `/api/journeys/${journeyId}/enter`, { player_id: p.id, ...(data ? { data } : {}) }),
  );
  expect(entered.entered).toBe(true);
  return entered.run_id;
}

interface Step {
  seq: number;
  node: string;
  outcome: string;
  next: string | null;
  detail: Record<string, unknown>;
  at: string;
}

interface Run {
  id: string;
  player_id: string;
  status: string;
  node: string;
  steps: number;
  wake_at: string | null;
  waiting_for: string | null;
  exit_reason: string | null;
  finished_at: string | null;
  history: Step[];
}

const runOf = (c: Casino, journeyId: string, runId: string) =>
  ok<Run>(get(c, `/api/journeys/${journeyId}/runs/${runId}`));

async function runsOf(c: Casino, journeyId: string): Promise<Run[]> {
  return ok<Run[]>(get(c, `/api/journeys/${journeyId}/runs?limit=100`));
}

const traitsOf = async (c: Casino, p: Player) =>
  (await ok<{ traits: Record<string, unknown> }>(get(c, `/api/players/${p.id}`))).traits;

const settle = (c: Casino) => settleJourneys(h, { orgId: c.t.org.id, propertyId: c.property.id });

const mark = (value: string, next?: string) => ({
  type: 'update_profile',
  set: { 'traits.path': value },
  ...(next ? { next } : {}),
});

async function template(c: Casino, channel: 'email' | 'sms', text: string) {
  return ok<{ id: string }>(
    post(
      c,
      '/api/templates',
      channel === 'email'
        ? {
            name: unique('T'),
            channel,
            subject: text,
            body: `<mjml><mj-body><mj-section><mj-column><mj-text>${text}, {{ player.first_name }}</mj-text></mj-column></mj-section></mj-body></mjml>`,
          }
        : {
            name: unique('T'),
            channel,
            body: `Lucky Club: ${text}, {{ player.first_name }}. Reply STOP to opt out`,
          },
    ),
    201,
  );
}

interface Message {
  id: string;
  campaign_id: string;
  player_id: string;
  channel: string;
  status: string;
  skip_reasons: string[];
  provider: string | null;
  to_address: string | null;
  journey_run_id: string | null;
}

const messagesOf = (c: Casino, p: Player) =>
  ok<Message[]>(get(c, `/api/messages?player_id=${p.id}`));

describe('wait', () => {
  it('moves on exactly when the duration has passed, not a second before', async () => {
    const c = await casino();
    const id = await journey(c, {
      trigger: { type: 'api' },
      start: 'pause',
      nodes: {
        pause: { type: 'wait', duration: { hours: 2 }, next: 'after' },
        after: mark('done'),
      },
    });
    const p = await player(c);
    const entered = clock.now();
    const runId = await enter(c, id, p);
    await settle(c);
    const wakeAt = new Date(entered.getTime() + 2 * HOUR).toISOString();
    expect(await runOf(c, id, runId)).toMatchObject({
      status: 'waiting',
      node: 'pause',
      wake_at: wakeAt,
      history: [{ seq: 1, node: 'pause', outcome: 'entered', detail: { until: wakeAt } }],
    });
    clock.advance(2 * HOUR - SECOND);
    await settle(c);
    expect(await runOf(c, id, runId)).toMatchObject({ status: 'waiting', steps: 1 });
    expect((await traitsOf(c, p)).path).toBeUndefined();
    clock.advance(SECOND);
    await settle(c);
    const run = await runOf(c, id, runId);
    expect(run).toMatchObject({ status: 'completed', node: 'after', finished_at: wakeAt });
    expect(run.history).toMatchObject([
      { seq: 1, node: 'pause', outcome: 'entered', next: null, at: entered.toISOString() },
      { seq: 2, node: 'pause', outcome: 'passed', next: 'after', at: wakeAt },
      { seq: 3, node: 'after', outcome: 'passed', next: null, at: wakeAt },
    ]);
    expect((await traitsOf(c, p)).path).toBe('done');
  });

  it('a wait shorter than the claim timeout still ends when its duration has passed', async () => {
    const c = await casino();
    const id = await journey(c, {
      trigger: { type: 'api' },
      start: 'pause',
      nodes: {
        pause: { type: 'wait', duration: { seconds: 30 }, next: 'after' },
        after: mark('done'),
      },
    });
    const p = await player(c);
    const runId = await enter(c, id, p);
    await settle(c);
    clock.advance(30 * SECOND);
    await settle(c);
    expect(await runOf(c, id, runId)).toMatchObject({ status: 'completed', node: 'after' });
  });
});

describe('wait_for_event', () => {
  const graph = {
    trigger: { type: 'api' },
    start: 'wait',
    nodes: {
      wait: {
        type: 'wait_for_event',
        event: 'bonus_redeemed',
        timeout: { days: 1 },
        next: 'got',
        on_timeout: 'late',
      },
      got: mark('event'),
      late: mark('timeout'),
    },
  };

  it('takes `next` when the player does the event, `on_timeout` at the timeout when not', async () => {
    const c = await casino();
    const id = await journey(c, graph);
    const [prompt, other, slow] = [await player(c), await player(c), await player(c)];
    const entered = clock.now();
    const runs = {
      prompt: await enter(c, id, prompt),
      other: await enter(c, id, other),
      slow: await enter(c, id, slow),
    };
    await settle(c);
    const deadline = new Date(entered.getTime() + DAY).toISOString();
    expect(await runOf(c, id, runs.slow)).toMatchObject({
      status: 'waiting',
      waiting_for: 'bonus_redeemed',
      wake_at: deadline,
    });
    clock.advance(HOUR);
    await event(c, prompt, 'bonus_redeemed');
    // Another player's event, and another event of the slow player, wake nobody else.
    await event(c, other, 'bonus_redeemed');
    await event(c, slow, 'bonus_offered');
    await settle(c);
    expect(await traitsOf(c, prompt)).toMatchObject({ path: 'event' });
    expect(await runOf(c, id, runs.prompt)).toMatchObject({
      status: 'completed',
      history: [
        { seq: 1, outcome: 'entered' },
        { seq: 2, node: 'wait', outcome: 'passed', next: 'got', detail: { via: 'event' } },
        { seq: 3, node: 'got', outcome: 'passed' },
      ],
    });
    expect(await runOf(c, id, runs.slow)).toMatchObject({ status: 'waiting', steps: 1 });
    clock.advance(DAY - HOUR - SECOND);
    await settle(c);
    expect(await runOf(c, id, runs.slow)).toMatchObject({ status: 'waiting', steps: 1 });
    clock.advance(SECOND);
    await settle(c);
    const slowRun = await runOf(c, id, runs.slow);
    expect(slowRun).toMatchObject({ status: 'completed', node: 'late' });
    expect(slowRun.history[1]).toMatchObject({
      node: 'wait',
      outcome: 'passed',
      next: 'late',
      detail: { via: 'timeout' },
      at: deadline,
    });
    expect(await traitsOf(c, slow)).toMatchObject({ path: 'timeout' });
    // The event after the timeout changes nothing.
    await event(c, slow, 'bonus_redeemed');
    await settle(c);
    expect(await runOf(c, id, runs.slow)).toMatchObject({ node: 'late', steps: 3 });
  });
});

describe('wait_for_event, the event coming at once', () => {
  it('moves the player on when the event comes in the same minute the wait began', async () => {
    const c = await casino();
    const id = await journey(c, {
      trigger: { type: 'api' },
      start: 'wait',
      nodes: {
        wait: {
          type: 'wait_for_event',
          event: 'bonus_redeemed',
          timeout: { days: 1 },
          next: 'got',
          on_timeout: 'late',
        },
        got: mark('event'),
        late: mark('timeout'),
      },
    });
    const p = await player(c);
    const runId = await enter(c, id, p);
    await settle(c);
    clock.advance(5 * SECOND);
    await event(c, p, 'bonus_redeemed');
    await settle(c);
    expect(await runOf(c, id, runId)).toMatchObject({ status: 'completed', node: 'got' });
  });
});

describe('condition', () => {
  it('branches on the profile and on the trigger event’s properties', async () => {
    const c = await casino();
    const id = await journey(c, {
      trigger: { type: 'event', name: 'deposit' },
      start: 'check',
      nodes: {
        check: {
          type: 'condition',
          filter: 'tier=eq.gold&event.amount=gte.100',
          then: 'vip',
          else: 'std',
        },
        vip: mark('vip'),
        std: mark('std'),
      },
    });
    const richGold = await player(c, { tier: 'gold' });
    const poorGold = await player(c, { tier: 'gold' });
    const richSilver = await player(c, { tier: 'silver' });
    await event(c, richGold, 'deposit', { amount: 250 });
    await event(c, poorGold, 'deposit', { amount: 50 });
    await event(c, richSilver, 'deposit', { amount: 250 });
    await settle(c);
    expect(await traitsOf(c, richGold)).toMatchObject({ path: 'vip' });
    expect(await traitsOf(c, poorGold)).toMatchObject({ path: 'std' });
    expect(await traitsOf(c, richSilver)).toMatchObject({ path: 'std' });
    const runs = await runsOf(c, id);
    const gold = runs.find((run) => run.player_id === richGold.id)!;
    expect((await runOf(c, id, gold.id)).history[0]).toMatchObject({
      node: 'check',
      outcome: 'passed',
      next: 'vip',
      detail: { result: true },
    });
  });

  it('reads event.score from the data the player entered with, and the waited event over it', async () => {
    const c = await casino();
    const id = await journey(c, {
      trigger: { type: 'api' },
      start: 'high',
      nodes: {
        high: { type: 'condition', filter: 'event.score=gte.500', then: 'wait', else: 'low' },
        low: mark('low'),
        wait: {
          type: 'wait_for_event',
          event: 'spin',
          timeout: { hours: 1 },
          next: 'car',
          on_timeout: 'late',
        },
        car: {
          type: 'condition',
          filter: 'event.prize=eq.car&event.score=is.null',
          then: 'won',
          else: 'lost',
        },
        won: mark('car'),
        lost: mark('no car'),
        late: mark('late'),
      },
    });
    const [high, low, winner] = [await player(c), await player(c), await player(c)];
    await enter(c, id, high, { score: 600 });
    await enter(c, id, low, { score: 499 });
    await enter(c, id, winner, { score: 500 });
    await settle(c);
    expect(await traitsOf(c, low)).toMatchObject({ path: 'low' });
    clock.advance(10 * 60_000);
    await event(c, high, 'spin', { prize: 'pen' });
    await event(c, winner, 'spin', { prize: 'car' });
    await settle(c);
    expect(await traitsOf(c, high)).toMatchObject({ path: 'no car' });
    expect(await traitsOf(c, winner)).toMatchObject({ path: 'car' });
  });
});

describe('split', () => {
  it('sends each of 200 players down exactly one branch, both taken, roughly evenly', async () => {
    const c = await casino();
    const id = await journey(c, {
      trigger: { type: 'player_created' },
      start: 'pick',
      nodes: {
        pick: {
          type: 'split',
          branches: [
            { weight: 1, next: 'a' },
            { weight: 1, next: 'b' },
          ],
        },
        a: mark('a'),
        b: mark('b'),
      },
    });
    const batch = await ok<{ inserted: number }>(
      post(c, '/api/players/batch', {
        players: Array.from({ length: 200 }, () => ({ player_id: unique('s'), first_name: 'S' })),
      }),
    );
    expect(batch.inserted).toBe(200);
    await settle(c);
    const steps = await h.deps.database.db
      .selectFrom('journey_steps')
      .innerJoin('journey_runs', 'journey_runs.id', 'journey_steps.run_id')
      .select(['journey_steps.run_id', 'journey_steps.node', 'journey_steps.detail'])
      .where('journey_runs.property_id', '=', c.property.id)
      .where('journey_steps.journey_id', '=', id)
      .execute();
    const picks = steps.filter((step) => step.node === 'pick');
    expect(new Set(picks.map((step) => step.run_id)).size).toBe(200);
    expect(picks).toHaveLength(200);
    const branchOf = new Map(
      picks.map((step) => [step.run_id, (step.detail as { branch: number }).branch]),
    );
    const ends = steps.filter((step) => step.node !== 'pick');
    expect(ends).toHaveLength(200);
    for (const end of ends) expect(end.node).toBe(branchOf.get(end.run_id) === 0 ? 'a' : 'b');
    const a = ends.filter((end) => end.node === 'a').length;
    expect(a).toBeGreaterThan(60);
    expect(a).toBeLessThan(140);
    const stats = await ok<{ completed: number; nodes: Record<string, Record<string, number>> }>(
      get(c, `/api/journeys/${id}/stats`),
    );
    expect(stats.completed).toBe(200);
    expect(stats.nodes.a!.passed! + stats.nodes.b!.passed!).toBe(200);
  }, 120_000);
});

describe('send', () => {
  it('queues an email for the run through its campaign, and the campaign delivers it', async () => {
    const c = await casino();
    const mail = await template(c, 'email', 'Welcome back');
    const id = await journey(c, {
      trigger: { type: 'api' },
      start: 'mail',
      nodes: { mail: { type: 'send', template_id: mail.id, next: 'after' }, after: mark('mailed') },
    });
    const p = await player(c);
    await consent(c, p, 'email');
    const runId = await enter(c, id, p);
    await settle(c);
    const [message, ...more] = await messagesOf(c, p);
    expect(more).toEqual([]);
    expect(message).toMatchObject({ channel: 'email', status: 'queued', journey_run_id: runId });
    const run = await runOf(c, id, runId);
    expect(run).toMatchObject({ status: 'completed', node: 'after' });
    expect(run.history[0]).toMatchObject({
      node: 'mail',
      outcome: 'passed',
      detail: { message_id: message!.id, status: 'queued' },
    });
    await deliverCampaign(h.deps, message!.campaign_id);
    expect(await messagesOf(c, p)).toMatchObject([{ id: message!.id, status: 'sent' }]);
    expect(h.smtp.to(p.email).map((m) => m.subject)).toEqual(['Welcome back']);
  });

  it("queues an SMS to a consenting player, sent through provider 'none' without a provider", async () => {
    const c = await casino();
    const text = await template(c, 'sms', 'Your spin is waiting');
    const id = await journey(c, {
      trigger: { type: 'api' },
      start: 'text',
      nodes: { text: { type: 'send', template_id: text.id } },
    });
    const p = await player(c, { timezone: 'America/New_York', state: 'NY' });
    await consent(c, p, 'sms');
    const runId = await enter(c, id, p);
    await settle(c);
    const [message] = await messagesOf(c, p);
    expect(message).toMatchObject({
      channel: 'sms',
      status: 'queued',
      journey_run_id: runId,
      to_address: p.phone,
    });
    await deliverCampaign(h.deps, message!.campaign_id);
    expect(await messagesOf(c, p)).toMatchObject([
      { id: message!.id, status: 'sent', provider: 'none' },
    ]);
    const full = await ok<{ body: string }>(get(c, `/api/messages/${message!.id}`));
    expect(full.body).toBe('Lucky Club: Your spin is waiting, Ann. Reply STOP to opt out');
    expect(await runOf(c, id, runId)).toMatchObject({ status: 'completed', steps: 1 });
  });

  it('skipped by the pre-send check: on_skip continue goes on with outcome skipped', async () => {
    const c = await casino();
    const mail = await template(c, 'email', 'Hello');
    const id = await journey(c, {
      trigger: { type: 'api' },
      start: 'mail',
      nodes: {
        mail: { type: 'send', template_id: mail.id, on_skip: 'continue', next: 'after' },
        after: mark('went on'),
      },
    });
    const p = await player(c);
    const runId = await enter(c, id, p);
    await settle(c);
    const [message] = await messagesOf(c, p);
    expect(message).toMatchObject({ status: 'skipped', journey_run_id: runId });
    expect(message!.skip_reasons.length).toBeGreaterThan(0);
    const run = await runOf(c, id, runId);
    expect(run).toMatchObject({ status: 'completed', node: 'after' });
    expect(run.history).toMatchObject([
      { node: 'mail', outcome: 'skipped', next: 'after', detail: { status: 'skipped' } },
      { node: 'after', outcome: 'passed' },
    ]);
    expect(await traitsOf(c, p)).toMatchObject({ path: 'went on' });
    await deliverCampaign(h.deps, message!.campaign_id);
    expect(h.smtp.to(p.email)).toEqual([]);
  });

  it('skipped by the pre-send check: on_skip exit ends the run there', async () => {
    const c = await casino();
    const mail = await template(c, 'email', 'Hello');
    const id = await journey(c, {
      trigger: { type: 'api' },
      start: 'mail',
      nodes: {
        mail: { type: 'send', template_id: mail.id, on_skip: 'exit', next: 'after' },
        after: mark('went on'),
      },
    });
    const p = await player(c);
    const runId = await enter(c, id, p);
    await settle(c);
    const run = await runOf(c, id, runId);
    expect(run).toMatchObject({
      status: 'exited',
      node: 'mail',
      exit_reason: 'the pre-send check skipped the player',
      history: [{ seq: 1, node: 'mail', outcome: 'skipped', next: null }],
    });
    expect(run.history).toHaveLength(1);
    expect((await traitsOf(c, p)).path).toBeUndefined();
    expect(await messagesOf(c, p)).toMatchObject([{ status: 'skipped' }]);
  });
});

describe('update_profile', () => {
  it('sets tier and a trait, writes player.updated, and that change enters another journey', async () => {
    const c = await casino();
    const upgrade = await journey(c, {
      trigger: { type: 'api' },
      start: 'promote',
      nodes: {
        promote: {
          type: 'update_profile',
          set: { tier: 'gold', 'traits.promoted_by': 'journey' },
        },
      },
    });
    const welcome = await journey(c, {
      trigger: { type: 'attribute_changed', field: 'tier', to: 'gold' },
      start: 'hello',
      nodes: { hello: mark('welcomed') },
    });
    const p = await player(c, { tier: 'silver' });
    await settle(c);
    await enter(c, upgrade, p);
    await settle(c);
    const profile = await ok<{ tier: string; traits: Record<string, unknown> }>(
      get(c, `/api/players/${p.id}`),
    );
    expect(profile.tier).toBe('gold');
    expect(profile.traits).toMatchObject({ promoted_by: 'journey', path: 'welcomed' });
    const updates = (await eventsOf(h, { propertyId: c.property.id }, 'player.updated')).filter(
      (e) => e.data.id === p.id,
    );
    expect(updates[0]!.data).toMatchObject({
      changed: expect.arrayContaining(['tier', 'traits']) as unknown,
      values: { tier: 'gold' },
    });
    expect(await runsOf(c, welcome)).toMatchObject([{ player_id: p.id, status: 'completed' }]);
  });
});

describe('exit', () => {
  it('ends the run as exited with the reason "exit step"', async () => {
    const c = await casino();
    const id = await journey(c, {
      trigger: { type: 'api' },
      start: 'before',
      nodes: { before: mark('before', 'out'), out: { type: 'exit' } },
    });
    const p = await player(c);
    const runId = await enter(c, id, p);
    await settle(c);
    expect(await runOf(c, id, runId)).toMatchObject({
      status: 'exited',
      node: 'out',
      exit_reason: 'exit step',
      history: [
        { seq: 1, node: 'before', outcome: 'passed', next: 'out' },
        { seq: 2, node: 'out', outcome: 'exited', next: null },
      ],
    });
  });
});

describe('a step taken twice', () => {
  async function mailJourney(c: Casino) {
    const mail = await template(c, 'email', 'Once only');
    return journey(c, {
      trigger: { type: 'api' },
      start: 'mail',
      nodes: {
        mail: { type: 'send', template_id: mail.id, next: 'after' },
        after: mark('mailed'),
      },
    });
  }

  async function stepsOf(c: Casino, journeyId: string) {
    return h.deps.database.db
      .selectFrom('journey_steps')
      .innerJoin('journey_runs', 'journey_runs.id', 'journey_steps.run_id')
      .select(['journey_steps.run_id', 'journey_steps.seq', 'journey_steps.node'])
      .where('journey_runs.property_id', '=', c.property.id)
      .where('journey_steps.journey_id', '=', journeyId)
      .orderBy('journey_steps.run_id')
      .orderBy('journey_steps.seq')
      .execute();
  }

  async function journeyMessages(c: Casino) {
    return h.deps.database.db
      .selectFrom('messages')
      .select(['journey_run_id', 'campaign_id'])
      .where('property_id', '=', c.property.id)
      .where('journey_run_id', 'is not', null)
      .execute();
  }

  it('by two workers at once: each run takes each step once and sends one message', async () => {
    const c = await casino();
    const id = await mailJourney(c);
    const runIds: string[] = [];
    for (let i = 0; i < 12; i++) {
      const p = await player(c);
      await consent(c, p, 'email');
      runIds.push(await enter(c, id, p));
    }
    const scope = { propertyId: c.property.id, sliceMs: 60_000 };
    const [one, two] = await Promise.all([advanceDue(h.deps, scope), advanceDue(h.deps, scope)]);
    expect(one.runs + two.runs).toBe(12);
    const steps = await stepsOf(c, id);
    for (const runId of runIds) {
      expect(steps.filter((s) => s.run_id === runId).map((s) => [s.seq, s.node])).toEqual([
        [1, 'mail'],
        [2, 'after'],
      ]);
    }
    const messages = await journeyMessages(c);
    expect(messages.map((m) => m.journey_run_id).sort()).toEqual([...runIds].sort());
    expect((await runsOf(c, id)).every((run) => run.status === 'completed')).toBe(true);
  });

  it('advanceDue answers every step its lanes took', async () => {
    const c = await casino();
    const id = await journey(c, {
      trigger: { type: 'api' },
      start: 'one',
      nodes: { one: mark('one', 'two'), two: mark('two') },
    });
    for (let i = 0; i < 8; i++) await enter(c, id, await player(c));
    expect(await advanceDue(h.deps, { propertyId: c.property.id })).toEqual({
      runs: 8,
      steps: 16,
    });
  });

  it('after a worker died holding the claim: another takes the run once its claim ran out', async () => {
    const c = await casino();
    const id = await mailJourney(c);
    const p = await player(c);
    await consent(c, p, 'email');
    const runId = await enter(c, id, p);
    const claim = (until: Date) =>
      h.deps.database.db
        .updateTable('journey_runs')
        .set({ claimed_until: until })
        .where('property_id', '=', c.property.id)
        .where('id', '=', runId)
        .execute();
    // A live worker's claim holds the run.
    await claim(new Date(clock.now().getTime() + h.deps.config.journeyClaimTimeoutMs));
    expect(await advanceDue(h.deps, { propertyId: c.property.id })).toMatchObject({ runs: 0 });
    expect(await runOf(c, id, runId)).toMatchObject({ status: 'active', steps: 0 });
    // That worker died: its claim is in the past.
    await claim(new Date(clock.now().getTime() - SECOND));
    const [first, second] = [
      await advanceDue(h.deps, { propertyId: c.property.id }),
      await advanceDue(h.deps, { propertyId: c.property.id }),
    ];
    expect(first).toEqual({ runs: 1, steps: 2 });
    expect(second).toEqual({ runs: 0, steps: 0 });
    expect((await stepsOf(c, id)).map((s) => [s.seq, s.node])).toEqual([
      [1, 'mail'],
      [2, 'after'],
    ]);
    expect(await journeyMessages(c)).toHaveLength(1);
  });
});

describe('wait_until', () => {
  const graph = {
    trigger: { type: 'api' },
    fallback_time_zone: 'Europe/Paris',
    start: 'monday',
    nodes: {
      monday: { type: 'wait_until', local_time: '09:00', weekdays: [1], next: 'after' },
      after: mark('monday'),
    },
  };

  async function wakeAt(c: Casino, journeyId: string, p: Player) {
    const runId = await enter(c, journeyId, p);
    await settle(c);
    return { runId, run: await runOf(c, journeyId, runId) };
  }

  it("wakes at the next Monday 09:00 in the player's time zone, exactly then", async () => {
    const c = await casino();
    const id = await journey(c, graph);
    // Tuesday 2026-07-21, 12:00 in New York (EDT, UTC-4).
    clock.set(new Date('2026-07-21T16:00:00Z'));
    const p = await player(c, { timezone: 'America/New_York' });
    const { runId, run } = await wakeAt(c, id, p);
    expect(run).toMatchObject({ status: 'waiting', wake_at: '2026-07-27T13:00:00.000Z' });
    clock.set(new Date('2026-07-27T12:59:59Z'));
    await settle(c);
    expect(await runOf(c, id, runId)).toMatchObject({ status: 'waiting', steps: 1 });
    clock.set(new Date('2026-07-27T13:00:00Z'));
    await settle(c);
    expect(await runOf(c, id, runId)).toMatchObject({ status: 'completed', node: 'after' });
    expect(await traitsOf(c, p)).toMatchObject({ path: 'monday' });
  });

  it('keeps 09:00 local across the end of daylight saving time (EDT → EST)', async () => {
    const c = await casino();
    const id = await journey(c, graph);
    // Thursday 2026-10-29 in New York (EDT); clocks go back on Sunday 2026-11-01.
    clock.set(new Date('2026-10-29T16:00:00Z'));
    const p = await player(c, { timezone: 'America/New_York' });
    const paris = await player(c);
    expect((await wakeAt(c, id, p)).run.wake_at).toBe('2026-11-02T14:00:00.000Z');
    // Without a time zone, the journey's fallback (Paris, already on CET since 2026-10-25).
    expect((await wakeAt(c, id, paris)).run.wake_at).toBe('2026-11-02T08:00:00.000Z');
  });

  it('keeps 09:00 local across the start of daylight saving time (EST → EDT)', async () => {
    const c = await casino();
    const id = await journey(c, graph);
    // Wednesday 2027-03-10 in New York (EST); clocks go forward on Sunday 2027-03-14.
    clock.set(new Date('2027-03-10T17:00:00Z'));
    const p = await player(c, { timezone: 'America/New_York' });
    expect((await wakeAt(c, id, p)).run.wake_at).toBe('2027-03-15T13:00:00.000Z');
  });

  it('on a Monday before 09:00 local wakes that day; after it, the Monday after', async () => {
    const c = await casino();
    const id = await journey(c, graph);
    // Monday 2027-03-15, 08:30 in New York (EDT).
    clock.set(new Date('2027-03-15T12:30:00Z'));
    const early = await player(c, { timezone: 'America/New_York' });
    expect((await wakeAt(c, id, early)).run.wake_at).toBe('2027-03-15T13:00:00.000Z');
    clock.set(new Date('2027-03-15T13:00:00Z'));
    const onTheDot = await player(c, { timezone: 'America/New_York' });
    expect((await wakeAt(c, id, onTheDot)).run.wake_at).toBe('2027-03-22T13:00:00.000Z');
  });
});
