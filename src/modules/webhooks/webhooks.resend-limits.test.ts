import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePropertyTenant } from '../../../test/factories.ts';
import { createHarness, expectError, type Harness, json } from '../../../test/harness.ts';

// Sending again is bounded per endpoint: 10 resend-failed calls an hour, counted before the
// work, and one endpoint's allowance is not another's.

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
});

describe('resend-failed allowance', () => {
  it('answers 429 on the 11th call in an hour, per endpoint', async () => {
    const t = await makePropertyTenant(h);
    const endpoint = async () => {
      const created = await h.inject({
        method: 'POST',
        url: '/api/webhooks',
        headers: t.keyHeaders,
        payload: { url: 'https://93.184.215.14/playloop', event_types: ['player.created'] },
      });
      expect(created.statusCode, created.body).toBe(201);
      return json<{ data: { id: string } }>(created).data.id;
    };
    const resend = (id: string) =>
      h.inject({
        method: 'POST',
        url: `/api/webhooks/${id}/resend-failed`,
        headers: t.keyHeaders,
        payload: { since: new Date(h.clock.now().getTime() - 3_600_000).toISOString() },
      });
    const first = await endpoint();
    for (let i = 0; i < 10; i++) expect((await resend(first)).statusCode).toBe(202);
    const refused = await resend(first);
    expectError(refused, 429, 'rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await resend(await endpoint())).statusCode).toBe(202);
  });
});
