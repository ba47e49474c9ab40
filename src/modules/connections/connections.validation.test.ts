import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postConnection, validationError } from '../../../test/connections.ts';
import { makeTenant, type Tenant } from '../../../test/factories.ts';
import { createHarness, type Harness, json } from '../../../test/harness.ts';
import { AppError } from '../../lib/errors.ts';
import { checkSettings } from './connections.settings.ts';

// What a connection's settings may be: refused before saving with the field (and, for a URL the
// SSRF guard refuses, the rule), on an install that does not allow private networks.

let h: Harness;
let t: Tenant;
beforeAll(async () => {
  h = await createHarness({ config: { webhooksAllowPrivateNetworks: false } });
  t = await makeTenant(h);
});
afterAll(async () => {
  await h.close();
});

async function connectionCount(): Promise<number> {
  const listed = await h.inject({
    method: 'GET',
    url: `/api/connections?org_id=${t.org.id}`,
    headers: t.owner.auth,
  });
  return json<{ data: unknown[] }>(listed).data.length;
}

/** Asserts the creation is a 400 that saved nothing; answers the error body. */
async function refused(body: Record<string, unknown>) {
  const before = await connectionCount();
  const error = validationError(await postConnection(h, t, body));
  expect(await connectionCount()).toBe(before);
  return error;
}

describe('connection settings', () => {
  it('refuses a provider that is not built', async () => {
    for (const provider of ['hubspot', 'mailchimp', 'salesforce', 'Webhook']) {
      const body = await refused({ provider, url: 'https://93.184.215.14/hook' });
      expect(body.error, provider).toContain('provider');
    }
  });

  it('refuses a Zapier hook over plain http', async () => {
    const body = await refused({ provider: 'zapier', url: 'http://93.184.215.14/hooks/catch/1/a' });
    expect(body.details).toMatchObject({ rule: 'https_required', field: 'url' });
  });

  it('refuses Braze without api_key, and without rest_endpoint', async () => {
    expect(
      (await refused({ provider: 'braze', rest_endpoint: 'https://93.184.215.14' })).details,
    ).toMatchObject({ field: 'api_key' });
    expect((await refused({ provider: 'braze', api_key: 'brz-1' })).details).toMatchObject({
      field: 'rest_endpoint',
    });
  });

  it('refuses a field of another provider', async () => {
    const body = await refused({
      provider: 'webhook',
      url: 'https://93.184.215.14/hook',
      write_key: 'seg-1',
    });
    expect(body.details).toMatchObject({ field: 'write_key' });
  });

  it('refuses header injection in the auth header', async () => {
    const value = await refused({
      provider: 'webhook',
      url: 'https://93.184.215.14/hook',
      auth_header_name: 'Authorization',
      auth_header_value: 'Bearer x\r\nX-Injected: 1',
    });
    expect(value.details).toMatchObject({ field: 'auth_header_value' });
    const name = await refused({
      provider: 'webhook',
      url: 'https://93.184.215.14/hook',
      auth_header_name: 'X-A\r\nX-B',
      auth_header_value: 'v',
    });
    expect(name.details).toMatchObject({ field: 'auth_header_name' });
    // A header PlayLoop sets itself cannot be chosen either.
    const reserved = await refused({
      provider: 'webhook',
      url: 'https://93.184.215.14/hook',
      auth_header_name: 'webhook-signature',
      auth_header_value: 'v1,forged',
    });
    expect(reserved.details).toMatchObject({ field: 'auth_header_name' });
  });

  it.each([
    ['loopback', 'http://127.0.0.1:8080/hook', 'loopback'],
    ['a private network', 'http://10.0.0.7/hook', 'private'],
    ['the cloud metadata address', 'http://169.254.169.254/latest/meta-data/', 'metadata'],
    ['a name of loopback', 'http://localhost:8080/hook', 'localhost'],
  ])('refuses a URL on %s with the rule', async (_label, url, rule) => {
    const body = await refused({ provider: 'webhook', url });
    expect(body.details).toMatchObject({ field: 'url', rule });
  });

  it('refuses a name that resolves to loopback, with the rule and the field', async () => {
    // The system resolver gives no portable name for loopback other than `localhost`, which is
    // refused by name: a resolver stands in for DNS here.
    const resolve = (name: string) =>
      Promise.resolve(
        name === 'hooks.customer.test' ? [{ address: '127.0.0.1', family: 4 as const }] : [],
      );
    const error = await checkSettings(
      { provider: 'custom', url: 'https://hooks.customer.test/in' },
      { allowPrivateNetworks: false, resolve },
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).details).toMatchObject({ field: 'url', rule: 'loopback' });
  });

  it("refuses a Braze or Segment host on the install's network", async () => {
    const braze = await refused({
      provider: 'braze',
      rest_endpoint: 'https://10.1.2.3',
      api_key: 'brz-1',
    });
    expect(braze.details).toMatchObject({ field: 'rest_endpoint', rule: 'private' });
    const segment = await refused({
      provider: 'segment',
      write_key: 'seg-1',
      api_host: 'https://127.0.0.1',
    });
    expect(segment.details).toMatchObject({ field: 'api_host', rule: 'loopback' });
  });

  it('refuses a URL change to a private address, leaving the connection as it was', async () => {
    const created = await postConnection(h, t, {
      provider: 'webhook',
      url: 'https://93.184.215.14/hook',
    });
    expect(created.statusCode, created.body).toBe(201);
    const { id } = json<{ data: { id: number } }>(created).data;
    const moved = await h.inject({
      method: 'PATCH',
      url: `/api/connections/${id}`,
      headers: t.owner.auth,
      payload: { org_id: t.org.id, url: 'http://192.168.1.1/hook' },
    });
    expect(validationError(moved).details).toMatchObject({
      field: 'url',
      rule: 'private',
    });
    const got = await h.inject({
      method: 'GET',
      url: `/api/connections/${id}?org_id=${t.org.id}`,
      headers: t.owner.auth,
    });
    expect(json(got).data).toMatchObject({ url: 'https://93.184.215.14/hook' });
  });
});
