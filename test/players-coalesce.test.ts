import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPropertyKey } from '../src/modules/property-keys/index.ts';
import { makePropertyTenant, type PropertyTenant } from './factories.ts';
import { createHarness, type Harness, json } from './harness.ts';

// Identical list requests that wait for a connection share one round trip
// (src/lib/read-coalescer.ts); these run through the real route on the real database.

let h: Harness;
let a: PropertyTenant;
let b: PropertyTenant;
const LIST = '/api/players?status.eq=active&order=created_at.desc&limit=5';

interface ListBody {
  data: { player_id: string }[];
  totalCount: number;
}

/** Holds every pooled connection until the returned function is called. */
async function holdPool(): Promise<() => Promise<void>> {
  const size = h.deps.database.poolState().size;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const held: Promise<unknown>[] = [];
  for (let i = 0; i < size; i++) {
    held.push(h.deps.database.db.connection().execute(() => gate));
  }
  for (let i = 0; i < 100 && h.deps.database.poolState().inUse < size; i++) await sleep(10);
  // Idempotent, so a test can release early and again in `finally`.
  return async () => {
    release();
    await Promise.all(held);
  };
}

async function insertPlayers(tenant: PropertyTenant, prefix: string, n: number) {
  const players = Array.from({ length: n }, (_, i) => ({ player_id: `${prefix}-${i}` }));
  const response = await h.inject({
    method: 'POST',
    url: '/api/players/batch',
    headers: tenant.keyHeaders,
    payload: { players },
  });
  expect(response.statusCode).toBe(200);
}

beforeAll(async () => {
  h = await createHarness();
  a = await makePropertyTenant(h);
  b = await makePropertyTenant(h);
  await insertPlayers(a, 'A', 7);
  await insertPlayers(b, 'B', 3);
});

afterAll(async () => {
  await h.close();
});

describe('identical list requests waiting for the database', () => {
  it('share one connection checkout and all get the full answer', async () => {
    const release = await holdPool();
    try {
      const requests = Array.from({ length: 30 }, () =>
        h.inject({ method: 'GET', url: LIST, headers: a.keyHeaders }),
      );
      // Every request has reached the pool by now: without sharing, 30 would be waiting. The
      // app's own background writes (key usage) may wait beside the one shared checkout.
      for (let i = 0; i < 100 && h.deps.database.poolState().waiting === 0; i++) await sleep(10);
      await sleep(50);
      expect(h.deps.database.poolState().waiting).toBeGreaterThanOrEqual(1);
      expect(h.deps.database.poolState().waiting).toBeLessThan(10);
      await release();
      const responses = await Promise.all(requests);
      for (const response of responses) {
        expect(response.statusCode).toBe(200);
        expect(response.headers['content-range']).toBe('0-4/7');
        expect(json<ListBody>(response).totalCount).toBe(7);
      }
      expect(new Set(responses.map((r) => r.body)).size).toBe(1);
    } finally {
      await release();
    }
  });

  it('never share between properties, even with the same URL', async () => {
    const release = await holdPool();
    try {
      const requests = [a, b, a, b].map((tenant) =>
        h.inject({ method: 'GET', url: LIST, headers: tenant.keyHeaders }),
      );
      await sleep(50);
      await release();
      const [fromA, fromB] = (await Promise.all(requests)).map((r) => json<ListBody>(r));
      expect(fromA?.totalCount).toBe(7);
      expect(fromB?.totalCount).toBe(3);
      expect(fromB?.data.every((player) => player.player_id.startsWith('B-'))).toBe(true);
      expect(fromA?.data.every((player) => player.player_id.startsWith('A-'))).toBe(true);
    } finally {
      await release();
    }
  });

  it('a read sent after a write sees it, while identical reads keep flying', async () => {
    // Background readers keep flights of the same request going all the time; a read sent
    // after a write must never join one that took its snapshot before the write.
    // Their own key (of the same property, so they share flights with the test's reads): the
    // test key's per-minute limit is not theirs to spend.
    const reader = await createPropertyKey(h.deps, undefined, {
      propertyId: b.property.id,
      name: 'Background reader',
      scopes: ['read'],
      rateLimitPerMinute: 100_000,
    });
    const readerHeaders = { 'x-api-key': reader.key };
    let stop = false;
    const background = Array.from({ length: 6 }, async () => {
      while (!stop) {
        const response = await h.inject({ method: 'GET', url: LIST, headers: readerHeaders });
        expect(response.statusCode).toBe(200);
        // Injected requests on PGlite can complete without ever leaving the microtask queue;
        // a timer turn lets the writes (and their I/O) through.
        await sleep(1);
      }
    });
    try {
      for (let round = 1; round <= 15; round++) {
        await insertPlayers(b, `R${round}`, 1);
        const response = await h.inject({ method: 'GET', url: LIST, headers: b.keyHeaders });
        expect(json<ListBody>(response).totalCount).toBe(3 + round);
      }
    } finally {
      stop = true;
      await Promise.all(background);
    }
  });
});
