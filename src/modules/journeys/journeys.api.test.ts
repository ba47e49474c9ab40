import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePropertyTenant, type PropertyTenant, unique } from '../../../test/factories.ts';
import { createHarness, expectError, type Harness, json } from '../../../test/harness.ts';
import { settleJourneys } from '../../../test/journeys.ts';
import type { ManualClock } from '../../lib/clock.ts';
import { createPropertyKey } from '../property-keys/index.ts';

// The journeys API as a client sees it: every route's success, validation, credentials,
// scopes, tenant walls, the lifecycle (draft → versions → pause → archive → delete), entry
// rules, and the runs, versions and stats reads. Step behaviour is journeys.steps.test.ts's.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let h: Harness;
let clock: ManualClock;
beforeAll(async () => {
  h = await createHarness({ start: new Date('2026-09-01T12:00:00Z') });
  clock = h.clock as ManualClock;
  await h.deps.jobs.start();
});
afterAll(async () => {
  await h.close();
});

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
type Headers = Record<string, string>;

interface Journey {
  id: string;
  name: string;
  description: string | null;
  status: 'draft' | 'active' | 'paused' | 'archived';
  version: number | null;
  graph: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

interface Run {
  id: string;
  journey_id: string;
  version: number;
  player_id: string;
  status: 'active' | 'waiting' | 'completed' | 'exited';
  node: string;
  steps: number;
  wake_at: string | null;
  waiting_for: string | null;
  exit_reason: string | null;
  entered_at: string;
  finished_at: string | null;
}

interface Step {
  seq: number;
  node: string;
  outcome: string;
  next: string | null;
  detail: Record<string, unknown>;
  at: string;
}

const send = (headers: Headers, method: Method, url: string, payload?: unknown) =>
  h.inject({
    method,
    url,
    headers,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

function data<T>(response: LightMyRequestResponse, status = 200): T {
  expect(response.statusCode, response.body).toBe(status);
  return json<{ success: true; data: T }>(response).data;
}

/** The 400 envelope of a refused graph (or body), with the field it names when it names one. */
function refused(response: LightMyRequestResponse) {
  const body = expectError(response, 400, 'validation_failed');
  return body as typeof body & { details?: { field?: string } };
}

const settle = (t: PropertyTenant) =>
  settleJourneys(h, { orgId: t.org.id, propertyId: t.property.id });

async function player(
  t: PropertyTenant,
  fields: Record<string, unknown> = {},
): Promise<{ id: string; player_id: string }> {
  const player_id = unique('c');
  const created = data<{ id: string }>(
    await send(t.keyHeaders, 'POST', '/api/players', { player_id, first_name: 'Ann', ...fields }),
    201,
  );
  return { id: created.id, player_id };
}

async function traits(t: PropertyTenant, id: string): Promise<Record<string, unknown>> {
  return data<{ traits: Record<string, unknown> }>(
    await send(t.keyHeaders, 'GET', `/api/players/${id}`),
  ).traits;
}

/** Entered only through the API: a wait of `hours`, then a profile mark, and the run completes. */
function waitGraph(mark: string, hours = 1, extra: Record<string, unknown> = {}) {
  return {
    trigger: { type: 'api' },
    ...extra,
    start: 'w',
    nodes: {
      w: { type: 'wait', duration: { hours }, next: mark },
      [mark]: { type: 'update_profile', set: { 'traits.path': mark } },
    },
  };
}

/** Entered only through the API and done at once: one profile mark. */
function quickGraph(entry?: Record<string, unknown>) {
  return {
    trigger: { type: 'api' },
    ...(entry ? { entry } : {}),
    start: 'mark',
    nodes: { mark: { type: 'update_profile', set: { 'traits.seen': true } } },
  };
}

async function create(t: PropertyTenant, graph: unknown, name = unique('Journey')) {
  return data<Journey>(await send(t.keyHeaders, 'POST', '/api/journeys', { name, graph }), 201);
}

async function live(t: PropertyTenant, graph: unknown) {
  const journey = await create(t, graph);
  return data<Journey>(await send(t.keyHeaders, 'POST', `/api/journeys/${journey.id}/publish`));
}

const act = (t: PropertyTenant, id: string, action: string) =>
  send(t.keyHeaders, 'POST', `/api/journeys/${id}/${action}`);

async function enter(t: PropertyTenant, id: string, body: Record<string, unknown>) {
  return data<{ entered: boolean; run_id: string | null }>(
    await send(t.keyHeaders, 'POST', `/api/journeys/${id}/enter`, body),
  );
}

async function getRun(t: PropertyTenant, id: string, runId: string) {
  return data<Run & { history: Step[] }>(
    await send(t.keyHeaders, 'GET', `/api/journeys/${id}/runs/${runId}`),
  );
}

async function runs(t: PropertyTenant, id: string, query = '') {
  const response = await send(t.keyHeaders, 'GET', `/api/journeys/${id}/runs${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return json<{ data: Run[]; next_before: string | null }>(response);
}

// --- Validation --------------------------------------------------------------------------------

describe('graph validation', () => {
  let t: PropertyTenant;
  beforeAll(async () => {
    t = await makePropertyTenant(h);
  });

  const base = () => waitGraph('done');
  const cases: [string, () => unknown, string?][] = [
    ['an unknown field on the graph', () => ({ ...base(), colour: 'red' })],
    [
      'an unknown field on the trigger',
      () => ({ ...base(), trigger: { type: 'api', colour: 'red' } }),
    ],
    [
      'an unknown field on a node',
      () => ({
        ...base(),
        nodes: { ...base().nodes, w: { type: 'wait', duration: { hours: 1 }, next: 'done', x: 1 } },
      }),
    ],
    [
      'an unknown field in a duration',
      () => ({
        ...base(),
        nodes: { ...base().nodes, w: { type: 'wait', duration: { weeks: 1 }, next: 'done' } },
      }),
    ],
    [
      'an unknown field in an entry period',
      () => ({ ...base(), entry: { rule: 'once_per_period', period: { days: 1, fortnights: 1 } } }),
    ],
    [
      'an unknown field in a split branch',
      () => ({
        trigger: { type: 'api' },
        start: 's',
        nodes: {
          s: {
            type: 'split',
            branches: [
              { weight: 1, next: 'a' },
              { weight: 1, next: 'a', label: 'B' },
            ],
          },
          a: { type: 'exit' },
        },
      }),
    ],
    [
      'an unknown node type',
      () => ({ ...base(), nodes: { ...base().nodes, done: { type: 'teleport' } } }),
    ],
    [
      'a next naming a missing node',
      () => ({
        ...base(),
        nodes: { ...base().nodes, w: { type: 'wait', duration: { hours: 1 }, next: 'ghost' } },
      }),
      'graph.nodes.w',
    ],
    ['a start naming a missing node', () => ({ ...base(), start: 'nowhere' }), 'graph.start'],
    [
      'a node no path from start reaches',
      () => ({ ...base(), nodes: { ...base().nodes, island: { type: 'exit' } } }),
    ],
    [
      'a loop with no wait in it (condition → update_profile → condition)',
      () => ({
        trigger: { type: 'api' },
        start: 'c',
        nodes: {
          c: { type: 'condition', filter: 'tier=eq.gold', then: 'u', else: 'out' },
          u: { type: 'update_profile', set: { tier: 'gold' }, next: 'c' },
          out: { type: 'exit' },
        },
      }),
    ],
    [
      'a wait shorter than a second',
      () => ({
        ...base(),
        nodes: { ...base().nodes, w: { type: 'wait', duration: { seconds: 0 }, next: 'done' } },
      }),
      'graph.nodes.w',
    ],
    [
      'a wait of no duration at all',
      () => ({
        ...base(),
        nodes: { ...base().nodes, w: { type: 'wait', duration: {}, next: 'done' } },
      }),
      'graph.nodes.w',
    ],
    [
      'a wait_for_event timeout shorter than a second',
      () => ({
        trigger: { type: 'api' },
        start: 'w',
        nodes: {
          w: {
            type: 'wait_for_event',
            event: 'deposit',
            timeout: { seconds: 0 },
            next: 'x',
            on_timeout: 'x',
          },
          x: { type: 'exit' },
        },
      }),
      'graph.nodes.w',
    ],
    [
      'once_per_period without a period',
      () => ({ ...base(), entry: { rule: 'once_per_period' } }),
      'graph.entry',
    ],
    ['more than 100 nodes', () => chain(101)],
    ['no nodes', () => ({ trigger: { type: 'api' }, start: 'w', nodes: {} })],
    ['a graph that is not an object', () => 'wait a day then mail'],
  ];

  it.each(cases)('refuses %s with 400 validation_failed', async (_label, graph, field) => {
    const name = unique('Refused');
    const body = refused(
      await send(t.keyHeaders, 'POST', '/api/journeys', { name, graph: graph() }),
    );
    if (field) expect(body.details?.field).toBe(field);
    const list = json<{ data: Journey[] }>(
      await send(t.keyHeaders, 'GET', '/api/journeys?limit=100'),
    );
    expect(list.data.map((j) => j.name)).not.toContain(name);
  });

  it.each(cases)('refuses %s in a PATCH of the draft too', async (_label, graph) => {
    const journey = await create(t, base());
    refused(await send(t.keyHeaders, 'PATCH', `/api/journeys/${journey.id}`, { graph: graph() }));
    const after = data<Journey>(await send(t.keyHeaders, 'GET', `/api/journeys/${journey.id}`));
    expect(after.graph).toEqual(base());
  });

  it('accepts a loop that passes through a wait', async () => {
    const journey = await create(t, {
      trigger: { type: 'api' },
      start: 'c',
      nodes: {
        c: { type: 'condition', filter: 'tier=eq.gold', then: 'out', else: 'u' },
        u: { type: 'update_profile', set: { 'traits.nudged': true }, next: 'w' },
        w: { type: 'wait', duration: { days: 1 }, next: 'c' },
        out: { type: 'exit' },
      },
    });
    expect(journey.status).toBe('draft');
    expect(data<Journey>(await act(t, journey.id, 'publish')).status).toBe('active');
  });

  it('accepts exactly 100 nodes and a one-second wait', async () => {
    const journey = await create(t, chain(100));
    expect(Object.keys(journey.graph.nodes as object)).toHaveLength(100);
  });

  it('refuses an unknown body field, a missing name and an empty PATCH', async () => {
    refused(
      await send(t.keyHeaders, 'POST', '/api/journeys', {
        name: unique('J'),
        graph: base(),
        owner: 'me',
      }),
    );
    refused(await send(t.keyHeaders, 'POST', '/api/journeys', { graph: base() }));
    refused(await send(t.keyHeaders, 'POST', '/api/journeys', { name: '', graph: base() }));
    const journey = await create(t, base());
    refused(await send(t.keyHeaders, 'PATCH', `/api/journeys/${journey.id}`, {}));
    refused(await send(t.keyHeaders, 'PATCH', `/api/journeys/${journey.id}`, { status: 'active' }));
  });

  const publishCases: [string, string][] = [
    ['an unknown player column', 'shoe_size=eq.9'],
    ['a bad event operator', 'event.score=like.5'],
    ['an event filter without an operator', 'event.score=500'],
    ['a bad profile operator', 'tier=resembles.gold'],
  ];
  it.each(publishCases)(
    'saves a condition filter with %s but refuses to publish it',
    async (_label, filter) => {
      const journey = await create(t, {
        trigger: { type: 'api' },
        start: 'c',
        nodes: {
          c: { type: 'condition', filter, then: 'x', else: 'x' },
          x: { type: 'exit' },
        },
      });
      const body = refused(await act(t, journey.id, 'publish'));
      expect(body.details?.field).toBe('graph.nodes.c');
      const after = data<Journey>(await send(t.keyHeaders, 'GET', `/api/journeys/${journey.id}`));
      expect(after).toMatchObject({ status: 'draft', version: null });
      expectError(
        await send(t.keyHeaders, 'GET', `/api/journeys/${journey.id}/versions/1`),
        404,
        'not_found',
      );
    },
  );

  it("refuses to publish a send step naming another property's template, or none", async () => {
    const other = await makePropertyTenant(h);
    const theirs = data<{ id: string }>(
      await send(other.keyHeaders, 'POST', '/api/templates', {
        name: unique('T'),
        channel: 'sms',
        body: 'Hi {{ player.first_name }}',
      }),
      201,
    );
    for (const templateId of [theirs.id, randomUUID()]) {
      const journey = await create(t, {
        trigger: { type: 'api' },
        start: 's',
        nodes: { s: { type: 'send', template_id: templateId } },
      });
      const body = refused(await act(t, journey.id, 'publish'));
      expect(body.details?.field).toBe('graph.nodes.s');
      expect(body.error).toContain(templateId);
      const after = data<Journey>(await send(t.keyHeaders, 'GET', `/api/journeys/${journey.id}`));
      expect(after).toMatchObject({ status: 'draft', version: null });
    }
  });

  it('refuses a profile update of a bad value at publish', async () => {
    const journey = await create(t, {
      trigger: { type: 'api' },
      start: 'u',
      nodes: { u: { type: 'update_profile', set: { tier: 'x'.repeat(300) } } },
    });
    expect(refused(await act(t, journey.id, 'publish')).details?.field).toBe('graph.nodes.u');
  });

  it('answers 400 to ids and versions that are malformed', async () => {
    const journey = await create(t, base());
    const bad: [Method, string][] = [
      ['GET', '/api/journeys/not-a-uuid'],
      ['PATCH', '/api/journeys/123'],
      ['DELETE', '/api/journeys/not-a-uuid'],
      ['POST', '/api/journeys/not-a-uuid/publish'],
      ['POST', '/api/journeys/not-a-uuid/pause'],
      ['POST', '/api/journeys/not-a-uuid/resume'],
      ['POST', '/api/journeys/not-a-uuid/archive'],
      ['POST', '/api/journeys/not-a-uuid/enter'],
      ['GET', '/api/journeys/not-a-uuid/stats'],
      ['GET', '/api/journeys/not-a-uuid/runs'],
      ['GET', `/api/journeys/${randomUUID()}x/runs`],
      ['GET', `/api/journeys/${journey.id}/runs/not-a-uuid`],
      ['GET', `/api/journeys/not-a-uuid/runs/${randomUUID()}`],
      ['GET', `/api/journeys/${journey.id}/versions/0`],
      ['GET', `/api/journeys/${journey.id}/versions/-1`],
      ['GET', `/api/journeys/${journey.id}/versions/abc`],
      ['GET', `/api/journeys/${journey.id}/versions/1.5`],
      ['GET', `/api/journeys/not-a-uuid/versions/1`],
    ];
    for (const [method, url] of bad) {
      const payload =
        method === 'PATCH'
          ? { name: 'x' }
          : url.endsWith('/enter')
            ? { player_id: 'p' }
            : undefined;
      const response = await send(t.keyHeaders, method, url, payload);
      expect(response.statusCode, `${method} ${url}: ${response.body}`).toBe(400);
      expectError(response, 400, 'validation_failed');
    }
  });

  it('answers 400 to a cursor no list gave, and to limits out of range', async () => {
    const journey = await create(t, base());
    const garbage = [
      'abc',
      Buffer.from('yesterday|not-an-id').toString('base64url'),
      Buffer.from(`not-a-date|${randomUUID()}`).toString('base64url'),
    ];
    for (const before of garbage) {
      const q = `before=${encodeURIComponent(before)}`;
      refused(await send(t.keyHeaders, 'GET', `/api/journeys?${q}`));
      refused(await send(t.keyHeaders, 'GET', `/api/journeys/${journey.id}/runs?${q}`));
    }
    for (const query of ['limit=0', 'limit=101', 'limit=abc', 'status=finished']) {
      refused(await send(t.keyHeaders, 'GET', `/api/journeys?${query}`));
      refused(await send(t.keyHeaders, 'GET', `/api/journeys/${journey.id}/runs?${query}`));
    }
  });
});

/** A chain of `n` one-second waits ending in an exit: `n` nodes, nothing unreachable. */
function chain(n: number) {
  const nodes: Record<string, unknown> = {};
  for (let i = 0; i < n - 1; i++) {
    nodes[`n${i}`] = { type: 'wait', duration: { seconds: 1 }, next: `n${i + 1}` };
  }
  nodes[`n${n - 1}`] = { type: 'exit' };
  return { trigger: { type: 'api' }, start: 'n0', nodes };
}

// --- Credentials, scopes and tenant walls ------------------------------------------------------

/** Every route of the API, with a body that would be valid, and whether it only reads. */
function everyRoute(journey: string, run: string, playerId: string) {
  const routes: [Method, string, unknown, 'read' | 'write'][] = [
    ['GET', '/api/journeys', undefined, 'read'],
    ['POST', '/api/journeys', { name: unique('J'), graph: quickGraph() }, 'write'],
    ['GET', `/api/journeys/${journey}`, undefined, 'read'],
    ['PATCH', `/api/journeys/${journey}`, { description: 'Changed' }, 'write'],
    ['DELETE', `/api/journeys/${journey}`, undefined, 'write'],
    ['POST', `/api/journeys/${journey}/publish`, undefined, 'write'],
    ['POST', `/api/journeys/${journey}/pause`, undefined, 'write'],
    ['POST', `/api/journeys/${journey}/resume`, undefined, 'write'],
    ['POST', `/api/journeys/${journey}/archive`, undefined, 'write'],
    ['POST', `/api/journeys/${journey}/enter`, { player_id: playerId }, 'write'],
    ['GET', `/api/journeys/${journey}/stats`, undefined, 'read'],
    ['GET', `/api/journeys/${journey}/runs`, undefined, 'read'],
    ['GET', `/api/journeys/${journey}/runs/${run}`, undefined, 'read'],
    ['GET', `/api/journeys/${journey}/versions/1`, undefined, 'read'],
  ];
  return routes;
}

describe('credentials, scopes and tenant walls', () => {
  let a: PropertyTenant;
  let b: PropertyTenant;
  let aJourney: string;
  let aRun: string;
  let aPlayer: { id: string; player_id: string };
  let bJourney: string;
  let bRun: string;
  let bPlayer: { id: string; player_id: string };
  let reader: Headers;

  beforeAll(async () => {
    a = await makePropertyTenant(h);
    b = await makePropertyTenant(h);
    aJourney = (await live(a, waitGraph('done'))).id;
    aPlayer = await player(a);
    aRun = (await enter(a, aJourney, { player_id: aPlayer.id })).run_id!;
    bJourney = (await live(b, waitGraph('done'))).id;
    bPlayer = await player(b);
    bRun = (await enter(b, bJourney, { player_id: bPlayer.id })).run_id!;
    const key = await createPropertyKey(h.deps, undefined, {
      propertyId: a.property.id,
      name: 'Reader',
      scopes: ['read'],
      rateLimitPerMinute: 10_000,
    });
    reader = { 'x-api-key': key.key };
  });

  /** What a refused call must leave as it was: A's journeys, the journey, its runs. */
  async function snapshot(t: PropertyTenant, journey: string) {
    const list = await send(t.keyHeaders, 'GET', '/api/journeys?limit=100');
    const one = await send(t.keyHeaders, 'GET', `/api/journeys/${journey}`);
    const theRuns = await send(t.keyHeaders, 'GET', `/api/journeys/${journey}/runs`);
    return [list.body, one.body, theRuns.body].map((body) => JSON.parse(body) as unknown);
  }

  it('answers 401 to every route without a key or with an unknown one', async () => {
    const before = await snapshot(a, aJourney);
    for (const [method, url, payload] of everyRoute(aJourney, aRun, aPlayer.id)) {
      for (const headers of [{}, { 'x-api-key': `pk_${'0'.repeat(40)}` }]) {
        const response = await send(headers, method, url, payload);
        expect(response.statusCode, `${method} ${url}: ${response.body}`).toBe(401);
        expectError(response, 401, 'unauthorized');
      }
    }
    expect(await snapshot(a, aJourney)).toEqual(before);
  });

  it('answers 403 to a read-only key on every write route and 200 on every read', async () => {
    const before = await snapshot(a, aJourney);
    for (const [method, url, payload, scope] of everyRoute(aJourney, aRun, aPlayer.id)) {
      const response = await send(reader, method, url, payload);
      if (scope === 'write') {
        expect(response.statusCode, `${method} ${url}: ${response.body}`).toBe(403);
        expectError(response, 403, 'forbidden');
      } else {
        expect(response.statusCode, `${method} ${url}: ${response.body}`).toBe(200);
      }
    }
    expect(await snapshot(a, aJourney)).toEqual(before);
  });

  it("answers 404 on every route to another property's journey, as to one never issued", async () => {
    const before = await snapshot(b, bJourney);
    const ghost = randomUUID();
    const routes = everyRoute(bJourney, bRun, aPlayer.id).filter(([, url]) =>
      url.includes(bJourney),
    );
    const ghostRoutes = everyRoute(ghost, bRun, aPlayer.id).filter(([, url]) =>
      url.includes(ghost),
    );
    expect(routes).toHaveLength(12);
    for (const [index, [method, url, payload]] of routes.entries()) {
      const theirs = expectError(await send(a.keyHeaders, method, url, payload), 404, 'not_found');
      const [ghostMethod, ghostUrl, ghostPayload] = ghostRoutes[index]!;
      const never = expectError(
        await send(a.keyHeaders, ghostMethod, ghostUrl, ghostPayload),
        404,
        'not_found',
      );
      expect(theirs.error, `${method} ${url}`).toBe(never.error);
    }
    expect(await snapshot(b, bJourney)).toEqual(before);
    const list = json<{ data: Journey[] }>(await send(a.keyHeaders, 'GET', '/api/journeys'));
    expect(list.data.map((j) => j.id)).not.toContain(bJourney);
    expect(list.data.map((j) => j.id)).toContain(aJourney);
  });

  it("answers 404 to another property's run under one's own journey", async () => {
    const theirs = expectError(
      await send(a.keyHeaders, 'GET', `/api/journeys/${aJourney}/runs/${bRun}`),
      404,
      'not_found',
    );
    const never = expectError(
      await send(a.keyHeaders, 'GET', `/api/journeys/${aJourney}/runs/${randomUUID()}`),
      404,
      'not_found',
    );
    expect(theirs.error).toBe(never.error);
  });

  it("answers 404 to another property's player in enter and in the runs filter", async () => {
    const before = await snapshot(a, aJourney);
    for (const id of [bPlayer.id, bPlayer.player_id]) {
      expectError(
        await send(a.keyHeaders, 'POST', `/api/journeys/${aJourney}/enter`, { player_id: id }),
        404,
        'not_found',
      );
      expectError(
        await send(
          a.keyHeaders,
          'GET',
          `/api/journeys/${aJourney}/runs?player_id=${encodeURIComponent(id)}`,
        ),
        404,
        'not_found',
      );
    }
    expect(await snapshot(a, aJourney)).toEqual(before);
    const bRuns = await runs(b, bJourney);
    expect(bRuns.data.map((r) => r.player_id)).toEqual([bPlayer.id]);
  });
});

// --- Lifecycle ---------------------------------------------------------------------------------

describe('the lifecycle', () => {
  it('creates a draft, publishes version 1, and reads both back', async () => {
    const t = await makePropertyTenant(h);
    const graph = waitGraph('done');
    const draft = await create(t, graph, '  Welcome series  ');
    expect(draft).toMatchObject({
      name: 'Welcome series',
      description: null,
      status: 'draft',
      version: null,
      graph,
    });
    expect(data<Journey>(await send(t.keyHeaders, 'GET', `/api/journeys/${draft.id}`))).toEqual(
      draft,
    );
    const publishedAt = clock.now().toISOString();
    const published = data<Journey>(await act(t, draft.id, 'publish'));
    expect(published).toMatchObject({ id: draft.id, status: 'active', version: 1, graph });
    const version = data<{ version: number; graph: unknown; published_at: string }>(
      await send(t.keyHeaders, 'GET', `/api/journeys/${draft.id}/versions/1`),
    );
    expect(version).toEqual({ version: 1, graph, published_at: publishedAt });
    expectError(
      await send(t.keyHeaders, 'GET', `/api/journeys/${draft.id}/versions/2`),
      404,
      'not_found',
    );
  });

  it('keeps a player who entered version 1 on its nodes after version 2 is published', async () => {
    const t = await makePropertyTenant(h);
    const journey = await live(t, waitGraph('one'));
    const early = await player(t);
    const earlyRun = (await enter(t, journey.id, { player_id: early.id })).run_id!;
    await settle(t);
    expect(await getRun(t, journey.id, earlyRun)).toMatchObject({ status: 'waiting', node: 'w' });

    const patched = data<Journey>(
      await send(t.keyHeaders, 'PATCH', `/api/journeys/${journey.id}`, {
        graph: waitGraph('two'),
        description: 'Second take',
      }),
    );
    // A draft change is not live until it is published.
    expect(patched).toMatchObject({ status: 'active', version: 1, description: 'Second take' });
    expect(patched.graph).toEqual(waitGraph('two'));
    const v1 = data<{ graph: unknown }>(
      await send(t.keyHeaders, 'GET', `/api/journeys/${journey.id}/versions/1`),
    );
    expect(v1.graph).toEqual(waitGraph('one'));

    expect(data<Journey>(await act(t, journey.id, 'publish'))).toMatchObject({
      status: 'active',
      version: 2,
    });
    const v2 = data<{ graph: unknown }>(
      await send(t.keyHeaders, 'GET', `/api/journeys/${journey.id}/versions/2`),
    );
    expect(v2.graph).toEqual(waitGraph('two'));
    const late = await player(t);
    const lateRun = (await enter(t, journey.id, { player_id: late.id })).run_id!;
    await settle(t);
    expect(await getRun(t, journey.id, lateRun)).toMatchObject({ status: 'waiting', version: 2 });

    clock.advance(HOUR + 1000);
    await settle(t);
    const first = await getRun(t, journey.id, earlyRun);
    expect(first).toMatchObject({ version: 1, status: 'completed', node: 'one' });
    expect(first.history.map((s) => [s.node, s.outcome, s.next])).toEqual([
      ['w', 'entered', null],
      ['w', 'passed', 'one'],
      ['one', 'passed', null],
    ]);
    const second = await getRun(t, journey.id, lateRun);
    expect(second).toMatchObject({ version: 2, status: 'completed', node: 'two' });
    expect(await traits(t, early.id)).toMatchObject({ path: 'one' });
    expect(await traits(t, late.id)).toMatchObject({ path: 'two' });
  });

  it('holds players while paused, refuses entries, and moves them on after resume', async () => {
    const t = await makePropertyTenant(h);
    const journey = await live(t, waitGraph('done'));
    const who = await player(t);
    const runId = (await enter(t, journey.id, { player_id: who.id })).run_id!;
    await settle(t);
    expect(await getRun(t, journey.id, runId)).toMatchObject({ status: 'waiting', steps: 1 });

    expect(data<Journey>(await act(t, journey.id, 'pause'))).toMatchObject({ status: 'paused' });
    expectError(await act(t, journey.id, 'pause'), 409, 'conflict');
    const other = await player(t);
    expectError(
      await send(t.keyHeaders, 'POST', `/api/journeys/${journey.id}/enter`, {
        player_id: other.id,
      }),
      409,
      'conflict',
    );

    clock.advance(2 * HOUR);
    await settle(t);
    const held = await getRun(t, journey.id, runId);
    expect(held).toMatchObject({ status: 'waiting', node: 'w', steps: 1 });
    expect(await traits(t, who.id)).not.toHaveProperty('path');
    // Publishing while paused makes the next version but leaves the journey paused.
    expect(data<Journey>(await act(t, journey.id, 'publish'))).toMatchObject({
      status: 'paused',
      version: 2,
    });

    expect(data<Journey>(await act(t, journey.id, 'resume'))).toMatchObject({ status: 'active' });
    expectError(await act(t, journey.id, 'resume'), 409, 'conflict');
    await settle(t);
    expect(await getRun(t, journey.id, runId)).toMatchObject({
      status: 'completed',
      version: 1,
      steps: 3,
    });
    expect(await traits(t, who.id)).toMatchObject({ path: 'done' });
  });

  it('exits every player on archive and refuses every change after it', async () => {
    const t = await makePropertyTenant(h);
    const journey = await live(t, waitGraph('done'));
    const who = await player(t);
    const runId = (await enter(t, journey.id, { player_id: who.id })).run_id!;
    await settle(t);
    clock.advance(1000);
    expect(data<Journey>(await act(t, journey.id, 'archive'))).toMatchObject({
      status: 'archived',
    });
    const run = await getRun(t, journey.id, runId);
    expect(run).toMatchObject({
      status: 'exited',
      exit_reason: 'journey archived',
      wake_at: null,
      finished_at: clock.now().toISOString(),
    });

    clock.advance(2 * HOUR);
    await settle(t);
    expect(await getRun(t, journey.id, runId)).toMatchObject({ status: 'exited', steps: 1 });
    expect(await traits(t, who.id)).not.toHaveProperty('path');

    for (const action of ['publish', 'pause', 'resume', 'archive']) {
      expectError(await act(t, journey.id, action), 409, 'conflict');
    }
    expectError(
      await send(t.keyHeaders, 'PATCH', `/api/journeys/${journey.id}`, { name: unique('New') }),
      409,
      'conflict',
    );
    expectError(
      await send(t.keyHeaders, 'POST', `/api/journeys/${journey.id}/enter`, { player_id: who.id }),
      409,
      'conflict',
    );

    expect(json(await send(t.keyHeaders, 'DELETE', `/api/journeys/${journey.id}`))).toEqual({
      success: true,
    });
    expectError(await send(t.keyHeaders, 'GET', `/api/journeys/${journey.id}`), 404, 'not_found');
    expectError(
      await send(t.keyHeaders, 'GET', `/api/journeys/${journey.id}/runs/${runId}`),
      404,
      'not_found',
    );
  });

  it('refuses to delete an active or paused journey and deletes a draft', async () => {
    const t = await makePropertyTenant(h);
    const active = await live(t, quickGraph());
    expectError(await send(t.keyHeaders, 'DELETE', `/api/journeys/${active.id}`), 409, 'conflict');
    data(await act(t, active.id, 'pause'));
    expectError(await send(t.keyHeaders, 'DELETE', `/api/journeys/${active.id}`), 409, 'conflict');
    expect(
      data<Journey>(await send(t.keyHeaders, 'GET', `/api/journeys/${active.id}`)).status,
    ).toBe('paused');

    const draft = await create(t, quickGraph());
    expect(json(await send(t.keyHeaders, 'DELETE', `/api/journeys/${draft.id}`))).toEqual({
      success: true,
    });
    expectError(await send(t.keyHeaders, 'GET', `/api/journeys/${draft.id}`), 404, 'not_found');
    expectError(await send(t.keyHeaders, 'DELETE', `/api/journeys/${draft.id}`), 404, 'not_found');
    const list = json<{ data: Journey[] }>(await send(t.keyHeaders, 'GET', '/api/journeys'));
    expect(list.data.map((j) => j.id)).toEqual([active.id]);
  });

  it('archives a draft, which can then be deleted', async () => {
    const t = await makePropertyTenant(h);
    const draft = await create(t, quickGraph());
    expect(data<Journey>(await act(t, draft.id, 'archive')).status).toBe('archived');
    expect(json(await send(t.keyHeaders, 'DELETE', `/api/journeys/${draft.id}`))).toEqual({
      success: true,
    });
  });

  it('publishes a send step of its own template, and deletes it after archiving', async () => {
    const t = await makePropertyTenant(h);
    const template = data<{ id: string }>(
      await send(t.keyHeaders, 'POST', '/api/templates', {
        name: unique('T'),
        channel: 'sms',
        body: 'Hi {{ player.first_name }}',
      }),
      201,
    );
    const graph = {
      trigger: { type: 'api' },
      start: 's',
      nodes: { s: { type: 'send', template_id: template.id, on_skip: 'exit' } },
    };
    const journey = await live(t, graph);
    expect(journey).toMatchObject({ status: 'active', version: 1, graph });
    data(await act(t, journey.id, 'archive'));
    expect(json(await send(t.keyHeaders, 'DELETE', `/api/journeys/${journey.id}`))).toEqual({
      success: true,
    });
  });

  it('answers 400, not a 5xx, to a name that is only spaces', async () => {
    const t = await makePropertyTenant(h);
    const created = await send(t.keyHeaders, 'POST', '/api/journeys', {
      name: '   ',
      graph: quickGraph(),
    });
    const journey = await create(t, quickGraph());
    const renamed = await send(t.keyHeaders, 'PATCH', `/api/journeys/${journey.id}`, {
      name: '   ',
    });
    expect([created.statusCode, renamed.statusCode]).toEqual([400, 400]);
    refused(created);
    refused(renamed);
  });

  it('creates one of five concurrent journeys of one name and answers 409 to the rest', async () => {
    const t = await makePropertyTenant(h);
    const name = unique('Race');
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        send(t.keyHeaders, 'POST', '/api/journeys', { name, graph: quickGraph() }),
      ),
    );
    expect(answers.map((a) => a.statusCode).sort()).toEqual([201, 409, 409, 409, 409]);
    for (const answer of answers.filter((a) => a.statusCode === 409)) {
      expectError(answer, 409, 'conflict');
    }
  });

  it('answers 409 to a name the property already uses, when creating and renaming', async () => {
    const t = await makePropertyTenant(h);
    const name = unique('Taken');
    const first = await create(t, quickGraph(), name);
    expectError(
      await send(t.keyHeaders, 'POST', '/api/journeys', { name, graph: quickGraph() }),
      409,
      'conflict',
    );
    expectError(
      await send(t.keyHeaders, 'POST', '/api/journeys', { name: ` ${name} `, graph: quickGraph() }),
      409,
      'conflict',
    );
    const second = await create(t, quickGraph());
    expectError(
      await send(t.keyHeaders, 'PATCH', `/api/journeys/${second.id}`, { name }),
      409,
      'conflict',
    );
    // Renaming a journey to its own name is no conflict; another property may use the name.
    data(await send(t.keyHeaders, 'PATCH', `/api/journeys/${first.id}`, { name }));
    const other = await makePropertyTenant(h);
    await create(other, quickGraph(), name);
  });
});

// --- Entering ----------------------------------------------------------------------------------

describe('entering a player', () => {
  let t: PropertyTenant;
  beforeAll(async () => {
    t = await makePropertyTenant(h);
  });

  const runsOf = async (journey: string, playerId: string) =>
    (await runs(t, journey, `?player_id=${encodeURIComponent(playerId)}`)).data;

  it('enters once by the once rule (the default), even after the run completed', async () => {
    const journey = await live(t, quickGraph());
    const who = await player(t);
    const first = await enter(t, journey.id, { player_id: who.player_id, data: { why: 'signup' } });
    expect(first.entered).toBe(true);
    expect(first.run_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await enter(t, journey.id, { player_id: who.id })).toEqual({
      entered: false,
      run_id: null,
    });
    await settle(t);
    expect((await getRun(t, journey.id, first.run_id!)).status).toBe('completed');
    expect(await enter(t, journey.id, { player_id: who.id })).toEqual({
      entered: false,
      run_id: null,
    });
    expect(await runsOf(journey.id, who.id)).toHaveLength(1);
  });

  it('enters every time, but never while the player is still in it', async () => {
    const journey = await live(t, waitGraph('done', 1, { entry: { rule: 'every_time' } }));
    const who = await player(t);
    expect((await enter(t, journey.id, { player_id: who.id })).entered).toBe(true);
    expect((await enter(t, journey.id, { player_id: who.id })).entered).toBe(false);
    await settle(t);
    expect((await enter(t, journey.id, { player_id: who.id })).entered).toBe(false);
    clock.advance(HOUR + 1000);
    await settle(t);
    expect((await enter(t, journey.id, { player_id: who.id })).entered).toBe(true);
    const list = await runsOf(journey.id, who.id);
    expect(list.map((r) => r.status).sort()).toEqual(['active', 'completed']);
  });

  it('enters once per period', async () => {
    const journey = await live(t, quickGraph({ rule: 'once_per_period', period: { days: 1 } }));
    const who = await player(t);
    expect((await enter(t, journey.id, { player_id: who.id })).entered).toBe(true);
    await settle(t);
    clock.advance(DAY - 60_000);
    expect((await enter(t, journey.id, { player_id: who.id })).entered).toBe(false);
    clock.advance(2 * 60_000);
    expect((await enter(t, journey.id, { player_id: who.id })).entered).toBe(true);
    expect(await runsOf(journey.id, who.id)).toHaveLength(2);
  });

  it('enters once for one entry_key, whatever the rule allows', async () => {
    const journey = await live(t, quickGraph({ rule: 'every_time' }));
    const who = await player(t);
    const key = unique('order');
    const first = await enter(t, journey.id, { player_id: who.id, entry_key: key });
    expect(first.entered).toBe(true);
    await settle(t);
    expect(await enter(t, journey.id, { player_id: who.id, entry_key: key })).toEqual({
      entered: false,
      run_id: null,
    });
    expect(
      (await enter(t, journey.id, { player_id: who.id, entry_key: unique('k') })).entered,
    ).toBe(true);
    expect(await runsOf(journey.id, who.id)).toHaveLength(2);
  });

  it('keeps the once rule when the caller sends entry keys', async () => {
    const journey = await live(t, quickGraph({ rule: 'once' }));
    const who = await player(t);
    expect(
      (await enter(t, journey.id, { player_id: who.id, entry_key: unique('k') })).entered,
    ).toBe(true);
    await settle(t);
    // The player went through a `once` journey: another key, or none, does not let them in again.
    const keyless = await enter(t, journey.id, { player_id: who.id });
    await settle(t);
    const again = await enter(t, journey.id, { player_id: who.id, entry_key: unique('k') });
    expect({ keyless: keyless.entered, again: again.entered }).toEqual({
      keyless: false,
      again: false,
    });
    expect(await runsOf(journey.id, who.id)).toHaveLength(1);
  });

  it('makes exactly one run of 20 concurrent enters of one player into a once journey', async () => {
    const journey = await live(t, quickGraph());
    const who = await player(t);
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        send(t.keyHeaders, 'POST', `/api/journeys/${journey.id}/enter`, { player_id: who.id }),
      ),
    );
    const entered = answers.map((answer) => data<{ entered: boolean }>(answer).entered);
    expect(entered.filter(Boolean)).toHaveLength(1);
    expect(await runsOf(journey.id, who.id)).toHaveLength(1);
  });

  it('answers 404 to an unknown player, 409 to a draft, 400 to a body without a player', async () => {
    const journey = await live(t, quickGraph());
    expectError(
      await send(t.keyHeaders, 'POST', `/api/journeys/${journey.id}/enter`, {
        player_id: randomUUID(),
      }),
      404,
      'not_found',
    );
    expectError(
      await send(t.keyHeaders, 'POST', `/api/journeys/${journey.id}/enter`, {
        player_id: 'no-such-casino-id',
      }),
      404,
      'not_found',
    );
    refused(await send(t.keyHeaders, 'POST', `/api/journeys/${journey.id}/enter`, {}));
    refused(
      await send(t.keyHeaders, 'POST', `/api/journeys/${journey.id}/enter`, {
        player_id: 'x',
        priority: 'high',
      }),
    );
    const draft = await create(t, quickGraph());
    const who = await player(t);
    expectError(
      await send(t.keyHeaders, 'POST', `/api/journeys/${draft.id}/enter`, { player_id: who.id }),
      409,
      'conflict',
    );
  });
});

// --- Reads: runs, a run's history, stats, the list ---------------------------------------------

describe('reading runs, stats and the list', () => {
  let t: PropertyTenant;
  let journey: Journey;
  let gold: { id: string; player_id: string }[];
  let others: { id: string; player_id: string }[];
  const runOf = new Map<string, string>();

  /** Gold players finish at once; the rest wait a day at `hold`. */
  const graph = {
    trigger: { type: 'api' },
    start: 'check',
    nodes: {
      check: { type: 'condition', filter: 'tier=eq.gold', then: 'finish', else: 'hold' },
      hold: { type: 'wait', duration: { days: 1 }, next: 'finish' },
      finish: { type: 'update_profile', set: { 'traits.done': true } },
    },
  };

  beforeAll(async () => {
    t = await makePropertyTenant(h);
    journey = await live(t, graph);
    gold = [await player(t, { tier: 'gold' }), await player(t, { tier: 'gold' })];
    others = [await player(t), await player(t), await player(t, { tier: 'silver' })];
    for (const who of [...gold, ...others]) {
      runOf.set(who.id, (await enter(t, journey.id, { player_id: who.id })).run_id!);
    }
    await settle(t);
  });

  it('pages runs newest first with limit and before, each run once', async () => {
    const seen: string[] = [];
    let before: string | null = null;
    let pages = 0;
    do {
      const query: string = `?limit=2${before ? `&before=${before}` : ''}`;
      const page = await runs(t, journey.id, query);
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((r) => r.id));
      before = page.next_before;
      pages += 1;
    } while (before && pages < 10);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(5);
    expect(seen.sort()).toEqual([...runOf.values()].sort());
    const all = await runs(t, journey.id);
    expect(all.next_before).toBeNull();
    expect(all.data.map((r) => r.id)).toEqual(
      // Entered at the same instant: newest first falls back on the id, descending.
      [...all.data.map((r) => r.id)].sort().reverse(),
    );
  });

  it('filters runs by status and by player (either id)', async () => {
    const completed = await runs(t, journey.id, '?status=completed');
    expect(completed.data.map((r) => r.player_id).sort()).toEqual(gold.map((g) => g.id).sort());
    const waiting = await runs(t, journey.id, '?status=waiting');
    expect(waiting.data.map((r) => r.player_id).sort()).toEqual(others.map((o) => o.id).sort());
    expect((await runs(t, journey.id, '?status=exited')).data).toEqual([]);
    const who = others[0]!;
    for (const id of [who.id, who.player_id]) {
      const mine = await runs(t, journey.id, `?player_id=${encodeURIComponent(id)}`);
      expect(mine.data).toHaveLength(1);
      expect(mine.data[0]).toMatchObject({
        id: runOf.get(who.id),
        journey_id: journey.id,
        version: 1,
        player_id: who.id,
        status: 'waiting',
        node: 'hold',
        waiting_for: null,
        exit_reason: null,
        finished_at: null,
      });
    }
    const goldWaiting = await runs(t, journey.id, `?player_id=${gold[0]!.id}&status=waiting`);
    expect(goldWaiting.data).toEqual([]);
  });

  it('answers a run with each step taken: node, outcome and what came next', async () => {
    const finished = await getRun(t, journey.id, runOf.get(gold[0]!.id)!);
    expect(finished).toMatchObject({
      status: 'completed',
      node: 'finish',
      steps: 2,
      wake_at: null,
      finished_at: clock.now().toISOString(),
    });
    expect(
      finished.history.map(({ seq, node, outcome, next }) => ({ seq, node, outcome, next })),
    ).toEqual([
      { seq: 1, node: 'check', outcome: 'passed', next: 'finish' },
      { seq: 2, node: 'finish', outcome: 'passed', next: null },
    ]);
    expect(finished.history[0]!.detail).toEqual({ result: true });

    const waiting = await getRun(t, journey.id, runOf.get(others[0]!.id)!);
    expect(waiting).toMatchObject({
      status: 'waiting',
      node: 'hold',
      steps: 2,
      wake_at: new Date(clock.now().getTime() + DAY).toISOString(),
    });
    expect(waiting.history.map(({ node, outcome, next }) => [node, outcome, next])).toEqual([
      ['check', 'passed', 'hold'],
      ['hold', 'entered', null],
    ]);
    expect(waiting.history[0]!.detail).toEqual({ result: false });
  });

  it('answers the stats: players by state and counts per node', async () => {
    const stats = data<unknown>(
      await send(t.keyHeaders, 'GET', `/api/journeys/${journey.id}/stats`),
    );
    const zero = { entered: 0, passed: 0, skipped: 0, exited: 0, failed: 0, waiting: 0 };
    expect(stats).toEqual({
      entered: 5,
      active: 0,
      waiting: 3,
      completed: 2,
      exited: 0,
      nodes: {
        check: { ...zero, entered: 5, passed: 5 },
        hold: { ...zero, entered: 3, waiting: 3 },
        finish: { ...zero, entered: 2, passed: 2 },
      },
    });
  });

  it('answers empty stats for a draft', async () => {
    const draft = await create(t, quickGraph());
    expect(
      data<unknown>(await send(t.keyHeaders, 'GET', `/api/journeys/${draft.id}/stats`)),
    ).toEqual({ entered: 0, active: 0, waiting: 0, completed: 0, exited: 0, nodes: {} });
    expectError(
      await send(t.keyHeaders, 'GET', `/api/journeys/${draft.id}/versions/1`),
      404,
      'not_found',
    );
    expect((await runs(t, draft.id)).data).toEqual([]);
  });

  it('pages the list newest first and filters it by status', async () => {
    const own = await makePropertyTenant(h);
    const made: Journey[] = [];
    for (let i = 0; i < 3; i++) {
      made.push(await create(own, quickGraph()));
      clock.advance(1000);
    }
    data(await act(own, made[0]!.id, 'publish'));
    const first = json<{ data: Journey[]; next_before: string | null }>(
      await send(own.keyHeaders, 'GET', '/api/journeys?limit=2'),
    );
    expect(first.data.map((j) => j.id)).toEqual([made[2]!.id, made[1]!.id]);
    expect(first.next_before).not.toBeNull();
    const second = json<{ data: Journey[]; next_before: string | null }>(
      await send(own.keyHeaders, 'GET', `/api/journeys?limit=2&before=${first.next_before}`),
    );
    expect(second.data.map((j) => j.id)).toEqual([made[0]!.id]);
    expect(second.next_before).toBeNull();
    const active = json<{ data: Journey[] }>(
      await send(own.keyHeaders, 'GET', '/api/journeys?status=active'),
    );
    expect(active.data.map((j) => j.id)).toEqual([made[0]!.id]);
    const drafts = json<{ data: Journey[] }>(
      await send(own.keyHeaders, 'GET', '/api/journeys?status=draft'),
    );
    expect(drafts.data.map((j) => j.id)).toEqual([made[2]!.id, made[1]!.id]);
    expect(
      json<{ data: Journey[] }>(await send(own.keyHeaders, 'GET', '/api/journeys?status=archived'))
        .data,
    ).toEqual([]);
  });
});

// The quota (MAX_JOURNEYS_PER_PROPERTY, 500) has no configuration hook; filling a property with
// 500 journeys per run is not worth its time here, so it is not exercised.
