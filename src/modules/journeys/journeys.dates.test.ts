import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unique } from '../../../test/factories.ts';
import { createHarness, type Harness, json } from '../../../test/harness.ts';
import { type Casino, makeCasino } from '../../../test/return-path.ts';
import type { ManualClock } from '../../lib/clock.ts';
import { enterBirthdays } from './journeys.dates.ts';

// The birthday trigger: once a year, at the trigger's local time in the player's zone.

let h: Harness;
let c: Casino;
let clock: ManualClock;
beforeAll(async () => {
  // 08:30 in New York (EDT, UTC-4) on 14 July 2026.
  h = await createHarness({ start: new Date('2026-07-14T12:30:00Z') });
  clock = h.clock as ManualClock;
  c = await makeCasino(h);
});
afterAll(async () => {
  await h.close();
});

async function player(dateOfBirth: string, timezone: string | null) {
  const created = await h.inject({
    method: 'POST',
    url: '/api/players',
    headers: c.pk,
    payload: { player_id: unique('b'), date_of_birth: dateOfBirth, timezone },
  });
  expect(created.statusCode, created.body).toBe(201);
  return json<{ data: { id: string } }>(created).data.id;
}

async function runsOf(journeyId: string) {
  const rows = await h.deps.database.db
    .selectFrom('journey_runs')
    .select(['player_id', 'entry_key'])
    .where('journey_id', '=', journeyId)
    .orderBy('entered_at')
    .execute();
  return rows;
}

async function birthdayJourney(entry?: { rule: string }) {
  const created = await h.inject({
    method: 'POST',
    url: '/api/journeys',
    headers: c.pk,
    payload: {
      name: unique('Birthday spin'),
      graph: {
        trigger: { type: 'date', field: 'date_of_birth', local_time: '09:00' },
        ...(entry ? { entry } : {}),
        fallback_time_zone: 'America/New_York',
        start: 'wait',
        nodes: {
          wait: { type: 'wait', duration: { days: 1 }, next: 'done' },
          done: { type: 'exit' },
        },
      },
    },
  });
  expect(created.statusCode, created.body).toBe(201);
  const id = json<{ data: { id: string } }>(created).data.id;
  const published = await h.inject({
    method: 'POST',
    url: `/api/journeys/${id}/publish`,
    headers: c.pk,
  });
  expect(published.statusCode, published.body).toBe(200);
  return id;
}

describe('the date trigger', () => {
  it('enters a player on their birthday once its local time passed, once a year', async () => {
    const newYork = await player('1990-07-14', 'America/New_York');
    const tokyo = await player('1985-07-15', 'Asia/Tokyo'); // already the 15th in Tokyo
    const noZone = await player('2000-07-14', null); // the journey's fallback: New York
    await player('1990-07-13', 'America/New_York'); // yesterday
    const journey = await birthdayJourney();

    // 08:30 in New York, 21:30 on the 14th in Tokyo: nobody yet.
    await enterBirthdays(h.deps, c.property.id);
    expect(await runsOf(journey)).toEqual([]);

    clock.advance(31 * 60_000); // 09:01 New York
    await enterBirthdays(h.deps, c.property.id);
    const first = await runsOf(journey);
    expect(new Set(first.map((run) => run.player_id))).toEqual(new Set([newYork, noZone]));
    expect(first.map((run) => run.entry_key)).toContain(`date:${newYork}:2026`);

    clock.advance(60 * 60_000); // 10:01 in New York, 23:01 on the 14th in Tokyo: nobody new
    await enterBirthdays(h.deps, c.property.id);
    expect(await runsOf(journey)).toHaveLength(2);

    clock.advance(11 * 3_600_000); // 10:01 on the 15th in Tokyo
    await enterBirthdays(h.deps, c.property.id);
    const later = await runsOf(journey);
    expect(later.map((run) => run.player_id)).toContain(tokyo);
    expect(later).toHaveLength(3);

    // Looking again the same day enters no one twice.
    await enterBirthdays(h.deps, c.property.id);
    expect(await runsOf(journey)).toHaveLength(3);
  });

  it('celebrates a 29 February birthday on 28 February in other years, yearly by default', async () => {
    clock.set(new Date('2027-02-28T15:00:00Z')); // 10:00 in New York
    const leap = await player('2000-02-29', 'America/New_York');
    const journey = await birthdayJourney();
    const once = await birthdayJourney({ rule: 'once' });
    await enterBirthdays(h.deps, c.property.id);
    expect((await runsOf(journey)).map((run) => run.player_id)).toEqual([leap]);
    expect((await runsOf(once)).map((run) => run.player_id)).toEqual([leap]);

    // A year later (a leap year: the 29th), after the first run has completed.
    await h.deps.database.db
      .updateTable('journey_runs')
      .set({ status: 'completed', wake_at: null })
      .where('journey_id', 'in', [journey, once])
      .execute();
    clock.set(new Date('2028-02-29T15:00:00Z'));
    await enterBirthdays(h.deps, c.property.id);
    expect(await runsOf(journey)).toHaveLength(2);
    expect(await runsOf(once)).toHaveLength(1);
  });
});
