import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unique } from '../../../test/factories.ts';
import { createHarness, expectData, type Harness, json } from '../../../test/harness.ts';
import { settleJourneys } from '../../../test/journeys.ts';
import { type Casino, makeCasino, playSession } from '../../../test/return-path.ts';
import { scanSegments } from './journeys.segments.ts';

// The segment_entered trigger: a player enters when they join the journey's segment, whether an
// event shows it (a profile change, a play) or the minute scan finds it (a segment's filter
// edited); those already in the segment at publish do not, leaving and coming back is joining
// again, and a paused journey notes joins without letting anyone in.

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ start: new Date('2026-07-14T16:00:00Z') });
});
afterAll(async () => {
  await h.close();
});

const ok = expectData;

const call = (c: Casino, method: 'POST' | 'PATCH' | 'GET', url: string, payload?: object) =>
  h.inject({ method, url, headers: c.pk, ...(payload ? { payload } : {}) });

async function player(c: Casino, fields: Record<string, unknown> = {}) {
  const playerId = unique('c');
  const created = await ok<{ id: string }>(
    call(c, 'POST', '/api/players', { player_id: playerId, first_name: 'Ann', ...fields }),
    201,
  );
  return { id: created.id, playerId };
}

const patchPlayer = (c: Casino, id: string, fields: object) =>
  ok(call(c, 'PATCH', `/api/players/${id}`, fields));

async function segment(c: Casino, filter: string): Promise<string> {
  const created = await ok<{ id: string }>(
    call(c, 'POST', '/api/segments', { name: unique('Segment'), filter }),
    201,
  );
  return created.id;
}

const graphOf = (segmentId: string, rule = 'once') => ({
  trigger: { type: 'segment_entered', segment_id: segmentId },
  entry: { rule },
  start: 'hold',
  nodes: {
    hold: { type: 'wait', duration: { hours: 1 }, next: 'done' },
    done: { type: 'update_profile', set: { 'traits.journeyed': true } },
  },
});

async function journey(c: Casino, graph: object): Promise<string> {
  const created = await ok<{ id: string }>(
    call(c, 'POST', '/api/journeys', { name: unique('Journey'), graph }),
    201,
  );
  await ok(call(c, 'POST', `/api/journeys/${created.id}/publish`, {}));
  return created.id;
}

interface Run {
  player_id: string;
  status: string;
}

async function runsOf(c: Casino, journeyId: string): Promise<Run[]> {
  return ok<Run[]>(call(c, 'GET', `/api/journeys/${journeyId}/runs?limit=100`));
}

const playersIn = async (c: Casino, journeyId: string) =>
  (await runsOf(c, journeyId)).map((run) => run.player_id).sort();

const settle = (c: Casino) => settleJourneys(h, { orgId: c.t.org.id, propertyId: c.property.id });

describe('segment_entered', () => {
  it('enters a player whose profile change puts them in the segment, not those in it at publish', async () => {
    const c = await makeCasino(h);
    const vips = await segment(c, 'tier=eq.gold');
    const already = await player(c, { tier: 'gold' });
    const joiner = await player(c, { tier: 'silver' });
    const outsider = await player(c, { tier: 'silver' });
    await settle(c);
    const id = await journey(c, graphOf(vips));
    await patchPlayer(c, joiner.id, { tier: 'gold' });
    await patchPlayer(c, outsider.id, { first_name: 'Bea' });
    await settle(c);
    expect(await playersIn(c, id)).toEqual([joiner.id]);
    // Nothing new happened: the minute scan agrees and enters no one more.
    expect(await scanSegments(h.deps, c.property.id)).toBe(0);
    expect(await playersIn(c, id)).toEqual([joiner.id]);
    expect(already.id).not.toBe(joiner.id);
  });

  it('enters a player created in the segment', async () => {
    const c = await makeCasino(h);
    const id = await journey(c, graphOf(await segment(c, 'country=eq.TH')));
    const thai = await player(c, { country: 'TH' });
    await player(c, { country: 'US' });
    await settle(c);
    expect(await playersIn(c, id)).toEqual([thai.id]);
  });

  it('enters a player whose first play puts them in a segment of players who played', async () => {
    const c = await makeCasino(h);
    const id = await journey(c, graphOf(await segment(c, 'plays=gte.1')));
    const [spinner, idle] = [await player(c), await player(c)];
    await settle(c);
    await playSession(h, c, {
      metadata: { player_id: spinner.playerId, property_id: c.property.id },
    });
    await settle(c);
    expect(await playersIn(c, id)).toEqual([spinner.id]);
    expect(idle.id).not.toBe(spinner.id);
  });

  it('every_time: leaving and coming back enters again once the first run ended; once: never again', async () => {
    const c = await makeCasino(h);
    const gold = await segment(c, 'tier=eq.gold');
    const everyTime = await journey(c, graphOf(gold, 'every_time'));
    const once = await journey(c, graphOf(gold, 'once'));
    const p = await player(c, { tier: 'silver' });
    await settle(c);
    await patchPlayer(c, p.id, { tier: 'gold' });
    await settle(c);
    // Still gold: another change that keeps them in is no new join.
    await patchPlayer(c, p.id, { first_name: 'Cat' });
    await settle(c);
    expect(await runsOf(c, everyTime)).toHaveLength(1);
    h.clock.advance(2 * 3_600_000);
    await settle(c);
    await patchPlayer(c, p.id, { tier: 'silver' });
    await settle(c);
    await patchPlayer(c, p.id, { tier: 'gold' });
    await settle(c);
    const runs = await runsOf(c, everyTime);
    expect(runs.map((run) => run.status).sort()).toEqual(['completed', 'waiting']);
    expect(await runsOf(c, once)).toHaveLength(1);
  });

  it('the minute scan enters the players a segment edit takes in, once however often it runs', async () => {
    const c = await makeCasino(h);
    const segmentId = await segment(c, 'tier=eq.gold');
    const [gold, silver, bronze] = [
      await player(c, { tier: 'gold' }),
      await player(c, { tier: 'silver' }),
      await player(c, { tier: 'bronze' }),
    ];
    await settle(c);
    const id = await journey(c, graphOf(segmentId, 'every_time'));
    await ok(call(c, 'PATCH', `/api/segments/${segmentId}`, { filter: 'tier=in.(gold,silver)' }));
    // No event says the edit happened; the scan finds it.
    expect(await playersIn(c, id)).toEqual([]);
    const scans = await Promise.all([
      scanSegments(h.deps, c.property.id),
      scanSegments(h.deps, c.property.id),
    ]);
    expect(scans.reduce((a, b) => a + b, 0)).toBe(1);
    expect(await scanSegments(h.deps, c.property.id)).toBe(0);
    expect(await playersIn(c, id)).toEqual([silver.id]);
    await settle(c);
    // Narrowed back: silver is unlisted by the scan, and widening again is a new join.
    await ok(call(c, 'PATCH', `/api/segments/${segmentId}`, { filter: 'tier=eq.gold' }));
    expect(await scanSegments(h.deps, c.property.id)).toBe(0);
    h.clock.advance(2 * 3_600_000);
    await settle(c);
    await ok(call(c, 'PATCH', `/api/segments/${segmentId}`, { filter: 'tier=neq.bronze' }));
    expect(await scanSegments(h.deps, c.property.id)).toBe(1);
    expect((await runsOf(c, id)).filter((run) => run.player_id === silver.id)).toHaveLength(2);
    expect(await playersIn(c, id)).not.toContain(gold.id);
    expect(await playersIn(c, id)).not.toContain(bronze.id);
  });

  it('a paused journey notes who joins without letting them in; after resuming, new joins enter', async () => {
    const c = await makeCasino(h);
    const id = await journey(c, graphOf(await segment(c, 'tier=eq.gold'), 'every_time'));
    const [early, late] = [await player(c, { tier: 'silver' }), await player(c)];
    await settle(c);
    await ok(call(c, 'POST', `/api/journeys/${id}/pause`, {}));
    await patchPlayer(c, early.id, { tier: 'gold' });
    await settle(c);
    await scanSegments(h.deps, c.property.id);
    await ok(call(c, 'POST', `/api/journeys/${id}/resume`, {}));
    await settle(c);
    expect(await scanSegments(h.deps, c.property.id)).toBe(0);
    expect(await playersIn(c, id)).toEqual([]);
    await patchPlayer(c, late.id, { tier: 'gold' });
    await settle(c);
    expect(await playersIn(c, id)).toEqual([late.id]);
  });

  it('republishing on the same segment keeps who is in it; a new segment starts from its members', async () => {
    const c = await makeCasino(h);
    const gold = await segment(c, 'tier=eq.gold');
    const thai = await segment(c, 'country=eq.TH');
    const id = await journey(c, graphOf(gold, 'every_time'));
    const p = await player(c, { tier: 'silver', country: 'TH' });
    await settle(c);
    await patchPlayer(c, p.id, { tier: 'gold' });
    await settle(c);
    h.clock.advance(2 * 3_600_000);
    await settle(c);
    await ok(call(c, 'PATCH', `/api/journeys/${id}`, { graph: graphOf(gold, 'every_time') }));
    await ok(call(c, 'POST', `/api/journeys/${id}/publish`, {}));
    await settle(c);
    expect(await scanSegments(h.deps, c.property.id)).toBe(0);
    await ok(call(c, 'PATCH', `/api/journeys/${id}`, { graph: graphOf(thai, 'every_time') }));
    await ok(call(c, 'POST', `/api/journeys/${id}/publish`, {}));
    await settle(c);
    expect(await scanSegments(h.deps, c.property.id)).toBe(0);
    expect(await runsOf(c, id)).toHaveLength(1);
  });

  it('records the segment in the run context', async () => {
    const c = await makeCasino(h);
    const segmentId = await segment(c, 'tier=eq.gold');
    const id = await journey(c, graphOf(segmentId));
    const p = await player(c, { tier: 'gold' });
    await settle(c);
    const run = await h.deps.database.db
      .selectFrom('journey_runs')
      .select('context')
      .where('journey_id', '=', id)
      .where('player_id', '=', p.id)
      .executeTakeFirstOrThrow();
    expect((run.context as { trigger: object }).trigger).toMatchObject({
      name: 'segment.entered',
      segment_id: segmentId,
    });
  });

  it("refuses to publish on a segment the property does not have (another property's included)", async () => {
    const c = await makeCasino(h);
    const other = await makeCasino(h);
    const theirs = await segment(other, 'tier=eq.gold');
    const created = await ok<{ id: string }>(
      call(c, 'POST', '/api/journeys', { name: unique('Journey'), graph: graphOf(theirs) }),
      201,
    );
    const refused = await call(c, 'POST', `/api/journeys/${created.id}/publish`, {});
    expect(refused.statusCode, refused.body).toBe(400);
    expect(json<{ error: string; code: string }>(refused)).toMatchObject({
      code: 'validation_failed',
      error: `trigger: no segment ${theirs} in this property`,
    });
  });

  it('keeps a segment a live journey enters players from: 409 naming it, until it is archived', async () => {
    const c = await makeCasino(h);
    const segmentId = await segment(c, 'tier=eq.gold');
    const name = unique('Watcher');
    const created = await ok<{ id: string }>(
      call(c, 'POST', '/api/journeys', { name, graph: graphOf(segmentId) }),
      201,
    );
    // A draft does not hold the segment: publishing would refuse a deleted one.
    const spare = await segment(c, 'tier=eq.silver');
    await ok(call(c, 'PATCH', `/api/journeys/${created.id}`, { graph: graphOf(spare) }));
    await ok(h.inject({ method: 'DELETE', url: `/api/segments/${segmentId}`, headers: c.pk }));
    await ok(call(c, 'POST', `/api/journeys/${created.id}/publish`, {}));
    const refused = await h.inject({
      method: 'DELETE',
      url: `/api/segments/${spare}`,
      headers: c.pk,
    });
    expect(refused.statusCode, refused.body).toBe(409);
    expect(json<{ error: string; code: string }>(refused)).toMatchObject({
      code: 'conflict',
      error: expect.stringContaining(`"${name}"`) as unknown,
    });
    await ok(call(c, 'POST', `/api/journeys/${created.id}/archive`, {}));
    await ok(h.inject({ method: 'DELETE', url: `/api/segments/${spare}`, headers: c.pk }));
    const gone = await h.inject({ method: 'DELETE', url: `/api/segments/${spare}`, headers: c.pk });
    expect(gone.statusCode).toBe(404);
  });

  it('a delete racing a publish on the segment: never both succeed', async () => {
    const c = await makeCasino(h);
    for (let round = 0; round < 5; round++) {
      const segmentId = await segment(c, 'tier=eq.gold');
      const created = await ok<{ id: string }>(
        call(c, 'POST', '/api/journeys', { name: unique('Race'), graph: graphOf(segmentId) }),
        201,
      );
      const [published, deleted] = await Promise.all([
        call(c, 'POST', `/api/journeys/${created.id}/publish`, {}),
        h.inject({ method: 'DELETE', url: `/api/segments/${segmentId}`, headers: c.pk }),
      ]);
      const outcome = [published.statusCode, deleted.statusCode];
      expect([
        [200, 409],
        [400, 200],
      ]).toContainEqual(outcome);
    }
  });

  it('refuses a segment_entered trigger without a uuid segment_id when saving', async () => {
    const c = await makeCasino(h);
    for (const trigger of [
      { type: 'segment_entered' },
      { type: 'segment_entered', segment_id: 'gold' },
      { type: 'segment_entered', segment_id: unique('x'), extra: 1 },
    ]) {
      const refused = await call(c, 'POST', '/api/journeys', {
        name: unique('Journey'),
        graph: { ...graphOf('x'), trigger },
      });
      expect(refused.statusCode, refused.body).toBe(400);
    }
  });
});
