import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsOf } from '../../../test/events.ts';
import { makeTenant } from '../../../test/factories.ts';
import { createHarness, type Harness } from '../../../test/harness.ts';
import { activeStream } from '../../../test/play.ts';
import { ACCESSES_RECORDED_PER_MINUTE } from './streams.access.ts';

// A client reloading a stream link in a loop: every page is served, but only the first
// accesses of the minute become stream.accessed events (each may be a delivery to a CRM).

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
});

describe('stream.accessed per client address', () => {
  it('serves every page and records at most the allowance per address and minute', async () => {
    const t = await makeTenant(h);
    const stream = await activeStream(h, t, [t.gameIds[0]]);
    const { slug } = await h.deps.database.db
      .selectFrom('streams')
      .select('slug')
      .where('id', '=', stream.id)
      .executeTakeFirstOrThrow();
    // Addresses of their own per run: on Redis the counters outlive the process.
    const net = () => randomBytes(2).toString('hex');
    const looping = `2001:db8:${net()}:${net()}::1`;
    const other = `2001:db8:${net()}:${net()}::2`;
    const open = (ip: string) =>
      h.inject({ method: 'GET', url: `/stream/${t.org.slug}/${slug}`, remoteAddress: ip });
    const limit = ACCESSES_RECORDED_PER_MINUTE.limit;
    for (let i = 0; i < limit + 5; i++) expect((await open(looping)).statusCode).toBe(200);
    expect((await open(other)).statusCode).toBe(200);
    const events = await eventsOf(h, { orgId: t.org.id }, 'stream.accessed');
    expect(events).toHaveLength(limit + 1);
  });
});
