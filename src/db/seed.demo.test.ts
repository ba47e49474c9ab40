import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createHarness, type Harness, json } from '../../test/harness.ts';
import { settleJourneys } from '../../test/journeys.ts';
import { completePlay, startPlay } from '../../test/play.ts';
import type { ManualClock } from '../lib/clock.ts';
import { deliverCampaign, planCampaign } from '../modules/campaigns/index.ts';
import { type DemoSeed, seedDemo } from './seed.ts';
import { DEMO_PLAYER_COUNT, demoPlayers } from './seed.players.ts';

/**
 * The demo seed needs a database of its own: it creates the install-wide "demo" organization.
 * PGlite: a fresh in-memory database per harness. PostgreSQL: a database made for this file.
 */
let h: Harness;
let dropDatabase: (() => Promise<void>) | undefined;

async function freshPostgres(url: string): Promise<string> {
  const name = `playloop_seed_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  dropDatabase = async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.end();
  };
  const fresh = new URL(url);
  fresh.pathname = `/${name}`;
  return fresh.toString();
}

beforeAll(async () => {
  const url = process.env.TEST_DATABASE_URL;
  h = await createHarness(url ? { config: { databaseUrl: await freshPostgres(url) } } : {});
});

afterAll(async () => {
  await h.close();
  await dropDatabase?.();
});

describe('demo seed', () => {
  let seed: DemoSeed | undefined;

  it('creates a property with a timezone, a pk_ key and the sample players on a fresh database', async () => {
    seed = await seedDemo(h.deps);
    expect(seed).toBeDefined();
    expect(seed!.propertyKey).toMatch(/^pk_/);
    expect(seed!.propertyTimezone).toBe('America/Los_Angeles');
    expect(seed!.players).toBe(DEMO_PLAYER_COUNT);
  });

  it('answers the PlayerOS quickstart with sample players through the printed pk_ key', async () => {
    const response = await h.inject({
      method: 'GET',
      url: '/api/players?status.eq=active&order=created_at.desc&limit=25',
      headers: { 'x-api-key': seed!.propertyKey },
    });
    expect(response.statusCode).toBe(200);
    const body = json<{ data: Record<string, unknown>[]; totalCount: number }>(response);
    expect(body.data).toHaveLength(25);
    const active = demoPlayers().filter((p) => p.status === 'active').length;
    expect(body.totalCount).toBe(active);
    expect(body.data.every((p) => p.status === 'active')).toBe(true);
    expect(new Set(body.data.map((p) => p.tier)).size).toBeGreaterThan(1);
  });

  it('seeds players a marketer can tell apart: tiers, states, zones, some without contact', () => {
    const players = demoPlayers();
    const values = (field: string) => new Set(players.map((p) => p[field]));
    expect([...values('tier')].sort()).toEqual(['Bronze', 'Gold', 'Platinum', 'Silver']);
    expect(values('state').size).toBeGreaterThan(4);
    expect(values('timezone').size).toBeGreaterThan(3);
    expect(values('status').size).toBe(4);
    expect(players.some((p) => p.email === undefined)).toBe(true);
    expect(players.some((p) => p.phone === undefined)).toBe(true);
    // Deterministic: the same rows every time, so a reseeded install shows the same players.
    expect(demoPlayers()).toEqual(players);
  });

  it('has a ready demo campaign that sends each consenting Gold and Platinum player a game link', async () => {
    const pk = { 'x-api-key': seed!.propertyKey };
    await h.deps.jobs.start();
    const sent = await h.inject({
      method: 'POST',
      url: '/api/functions/send-campaign',
      headers: { ...pk, 'idempotency-key': 'demo-send-1' },
      payload: { campaignId: seed!.campaignId, propertyId: seed!.propertyId },
    });
    expect(sent.statusCode, sent.body).toBe(202);
    for (let round = 0; round < 20; round++) {
      if ((await planCampaign(h.deps, seed!.campaignId)).next !== 'plan') break;
    }
    for (let round = 0; round < 20; round++) {
      if ((await deliverCampaign(h.deps, seed!.campaignId)).next === 'done') break;
    }
    const campaign = json<{ data: { status: string; counts: Record<string, number> } }>(
      await h.inject({ method: 'GET', url: `/api/campaigns/${seed!.campaignId}`, headers: pk }),
    ).data;
    const top = demoPlayers().filter((p) => p.tier === 'Gold' || p.tier === 'Platinum');
    expect(campaign.status).toBe('sent');
    expect(campaign.counts.sent! + campaign.counts.skipped!).toBe(top.length);
    expect(campaign.counts.sent).toBeGreaterThan(0);
    expect(campaign.counts.skipped).toBeGreaterThan(0);
    const list = json<{ data: { id: string; status: string; provider: string | null }[] }>(
      await h.inject({
        method: 'GET',
        url: `/api/messages?campaign_id=${seed!.campaignId}&status=sent&limit=1`,
        headers: pk,
      }),
    ).data;
    expect(list[0]?.provider).toBe('none');
    const message = json<{ data: { html: string; body: string } }>(
      await h.inject({ method: 'GET', url: `/api/messages/${list[0]!.id}`, headers: pk }),
    ).data;
    expect(message.body).toMatch(/\/play\/game\/\d+\?session_token=[0-9a-f-]{36}/);
    expect(message.body).toContain('1 Demo Way');

    // The live demo journey follows the play of that link up an hour later, with a new link.
    const token = /session_token=([0-9a-f-]{36})/.exec(message.body)![1]!;
    const device = randomUUID();
    const started = await startPlay(h, { session_token: token, game_id: seed!.gameId }, device);
    expect(started.statusCode, started.body).toBe(200);
    await completePlay(h, json<{ data: { play: { id: number } } }>(started).data.play.id, device);
    const tenant = { orgId: seed!.orgId, propertyId: seed!.propertyId };
    await settleJourneys(h, tenant);
    (h.clock as ManualClock).advance(3_600_000);
    await settleJourneys(h, tenant);
    const playerId = json<{ data: { player_id: string } }>(
      await h.inject({ method: 'GET', url: `/api/messages/${list[0]!.id}`, headers: pk }),
    ).data.player_id;
    const followUps = json<{ data: { journey_run_id: string | null; subject: string }[] }>(
      await h.inject({ method: 'GET', url: `/api/messages?player_id=${playerId}`, headers: pk }),
    ).data.filter((m) => m.journey_run_id !== null);
    expect(followUps).toHaveLength(1);
    expect(followUps[0]!.subject).toMatch(/prize is waiting|Another spin/);
  });

  it('seeds nothing and returns nothing secret on a second start', async () => {
    expect(await seedDemo(h.deps)).toBeUndefined();
    const { count } = await h.deps.database.db
      .selectFrom('players')
      .where('property_id', '=', seed!.propertyId)
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .executeTakeFirstOrThrow();
    expect(Number(count)).toBe(DEMO_PLAYER_COUNT);
    const properties = await h.deps.database.db
      .selectFrom('properties')
      .where('org_id', '=', seed!.orgId)
      .select('id')
      .execute();
    expect(properties).toHaveLength(1);
  });
});
