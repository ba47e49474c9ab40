import { EventConsumers } from '../src/modules/events/events.dispatch.ts';
import { advanceDue, journeyTriggers } from '../src/modules/journeys/index.ts';
import { playerActivityConsumer } from '../src/modules/players/index.ts';
import { drainEvents } from './events.ts';
import type { Harness } from './harness.ts';

// Journeys on a simulated clock: a test moves the harness's ManualClock ("advance 3 days") and
// then settles the organization, as the workers would: its events handed to the return path
// and the journey triggers, and every due run walked, until nothing is left to do.

/** Dispatches the organization's events and walks due runs until both are quiet. */
export async function settleJourneys(
  h: Harness,
  tenant: { orgId: number; propertyId: string },
): Promise<number> {
  const { orgId, propertyId } = tenant;
  const consumers = new EventConsumers();
  consumers.register('players.activity', playerActivityConsumer());
  consumers.register('journeys.triggers', journeyTriggers(h.deps));
  let steps = 0;
  for (let round = 0; round < 100; round++) {
    await drainEvents(h, orgId, consumers);
    const advanced = await advanceDue(h.deps, { sliceMs: 60_000, propertyId });
    steps += advanced.steps;
    if (advanced.runs === 0) {
      // A step may have written events (a profile update): one more pass takes them.
      await drainEvents(h, orgId, consumers);
      if ((await advanceDue(h.deps, { sliceMs: 60_000, propertyId })).runs === 0) return steps;
    }
  }
  throw new Error('journeys did not settle in 100 rounds');
}
