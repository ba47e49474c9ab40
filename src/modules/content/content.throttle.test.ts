import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePropertyTenant } from '../../../test/factories.ts';
import { createHarness, expectError, type Harness } from '../../../test/harness.ts';
import { RENDERS_PER_MINUTE } from './content.service.ts';

// Renders are bounded one by one; this bounds how many a property may ask for a minute, previews
// and unsaved renders together, and leaves other properties alone.

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
});

describe('render allowance', () => {
  it('answers 429 past the renders a property may ask for in a minute', async () => {
    const t = await makePropertyTenant(h);
    const other = await makePropertyTenant(h);
    const render = (headers: Record<string, string>) =>
      h.inject({
        method: 'POST',
        url: '/api/functions/render-template',
        headers,
        payload: { channel: 'sms', body: 'Hi {{ player.first_name | default: "there" }}' },
      });
    for (let i = 0; i < RENDERS_PER_MINUTE; i++) {
      const response = await render(t.keyHeaders);
      expect(response.statusCode, response.body).toBe(200);
    }
    const refused = await render(t.keyHeaders);
    expectError(refused, 429, 'rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await render(other.keyHeaders)).statusCode).toBe(200);
  });
});
