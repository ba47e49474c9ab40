import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePropertyTenant, type PropertyTenant, unique } from '../../../test/factories.ts';
import { createHarness, type Harness, json } from '../../../test/harness.ts';
import type { ManualClock } from '../../lib/clock.ts';
import { advanceDue } from './journeys.engine.ts';

// A step that keeps throwing: retried after 1, 2, 4 and 8 minutes, then the player exits with
// outcome failed; nothing in between takes the step twice.

let h: Harness;
let t: PropertyTenant;
let clock: ManualClock;
beforeAll(async () => {
  h = await createHarness({ start: new Date('2026-07-14T16:00:00Z') });
  clock = h.clock as ManualClock;
  t = await makePropertyTenant(h);
});
afterAll(async () => {
  await h.close();
});

const call = (method: 'GET' | 'POST', url: string, payload?: object) =>
  h.inject({ method, url, headers: t.keyHeaders, ...(payload ? { payload } : {}) });

async function ok<T>(answer: ReturnType<typeof call>, status = 200): Promise<T> {
  const response = await answer;
  expect(response.statusCode, response.body).toBe(status);
  return json<{ data: T }>(response).data;
}

describe('a failing step', () => {
  it('is retried with backoff, then the run exits as failed', async () => {
    const template = await ok<{ id: string }>(
      call('POST', '/api/templates', {
        name: unique('T'),
        channel: 'sms',
        body: 'Hi {{ player.first_name }}',
      }),
      201,
    );
    const journey = await ok<{ id: string }>(
      call('POST', '/api/journeys', {
        name: unique('Broken'),
        graph: {
          trigger: { type: 'api' },
          start: 'text',
          nodes: { text: { type: 'send', template_id: template.id } },
        },
      }),
      201,
    );
    await ok(call('POST', `/api/journeys/${journey.id}/publish`));
    const player = await ok<{ id: string }>(
      call('POST', '/api/players', { player_id: unique('f'), phone: '+17025550123' }),
      201,
    );
    const entered = await ok<{ run_id: string }>(
      call('POST', `/api/journeys/${journey.id}/enter`, { player_id: player.id }),
    );
    // The step's campaign is gone (an operator deleted the row): every attempt throws.
    await h.deps.database.db.deleteFrom('campaigns').where('journey_id', '=', journey.id).execute();

    const run = () =>
      h.deps.database.db
        .selectFrom('journey_runs')
        .select(['status', 'steps', 'wake_at', 'exit_reason', 'context'])
        .where('id', '=', entered.run_id)
        .executeTakeFirstOrThrow();
    const start = clock.now().getTime();
    for (const [attempt, minutes] of [1, 2, 4, 8].entries()) {
      await advanceDue(h.deps, { propertyId: t.property.id });
      const now = await run();
      expect(now.status, `attempt ${attempt + 1}`).toBe('active');
      expect(now.steps).toBe(0);
      expect(now.context).toMatchObject({ failures: attempt + 1 });
      const elapsed = clock.now().getTime() - start;
      expect(now.wake_at!.getTime() - start - elapsed).toBe(minutes * 60_000);
      // Not before its time.
      await advanceDue(h.deps, { propertyId: t.property.id });
      expect((await run()).context).toMatchObject({ failures: attempt + 1 });
      clock.advance(minutes * 60_000);
    }
    await advanceDue(h.deps, { propertyId: t.property.id });
    const last = await run();
    expect(last.status).toBe('exited');
    expect(last.exit_reason).toMatch(/^step failed 5 times: campaign .* is gone$/);
    const detail = await ok<{ history: { node: string; outcome: string }[] }>(
      call('GET', `/api/journeys/${journey.id}/runs/${entered.run_id}`),
    );
    expect(detail.history).toEqual([expect.objectContaining({ node: 'text', outcome: 'failed' })]);
  });
});
