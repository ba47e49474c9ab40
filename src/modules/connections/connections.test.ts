import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnection, postConnection, validationError } from '../../../test/connections.ts';
import { makeTenant, makeUser, type Tenant } from '../../../test/factories.ts';
import { createHarness, expectError, type Harness, json } from '../../../test/harness.ts';
import { CONNECTION_PROVIDERS, credentialFields } from '../webhooks/index.ts';
import { storedSettings, updateConnection } from './connections.repo.ts';
import { MAX_CONNECTIONS_PER_ORG } from './index.ts';

// Connections CRUD through the dashboard API: what is shown (never a credential), what is
// stored (sealed), roles, tenancy, the quota, rotation, enable/disable.

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
});

const RECEIVER = 'http://127.0.0.1:9/hook';
const CREDENTIAL = 'Bearer sekret-7c1f2e9a';

const send = (
  t: Tenant,
  method: 'GET' | 'PATCH' | 'DELETE' | 'POST',
  url: string,
  payload?: Record<string, unknown>,
) =>
  h.inject({
    method,
    url,
    headers: t.owner.auth,
    ...(payload ? { payload: { org_id: t.org.id, ...payload } } : {}),
  });

async function storedRow(id: number) {
  return h.deps.database.db
    .selectFrom('connections')
    .select(['settings', 'credentials', 'secret', 'previous_secret'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

describe('connections', () => {
  it('creates a webhook connection, showing its signing secret once and its credential never', async () => {
    const t = await makeTenant(h);
    const created = await createConnection(h, t, {
      provider: 'webhook',
      url: RECEIVER,
      auth_header_name: 'Authorization',
      auth_header_value: CREDENTIAL,
    });
    expect(created).toMatchObject({
      org_id: t.org.id,
      name: 'Hook',
      provider: 'webhook',
      url: RECEIVER,
      auth_header_name: 'Authorization',
      auth_header_value_set: true,
      enabled: true,
      disabled_reason: null,
    });
    expect(created.signing_secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(created).not.toHaveProperty('auth_header_value');

    const answers = [
      await send(t, 'GET', `/api/connections?org_id=${t.org.id}`),
      await send(t, 'GET', `/api/connections/${created.id}?org_id=${t.org.id}`),
      await send(t, 'PATCH', `/api/connections/${created.id}`, { name: 'Renamed' }),
    ];
    for (const answer of answers) {
      expect(answer.statusCode, answer.body).toBe(200);
      expect(answer.body).not.toContain('sekret-7c1f2e9a');
      expect(answer.body).not.toContain(created.signing_secret);
      expect(answer.body).toContain('"auth_header_value_set":true');
    }
    expect(json<{ data: unknown[] }>(answers[0]!).data).toHaveLength(1);

    // In the database both are sealed, and nothing else holds them in clear.
    const row = await storedRow(created.id);
    expect(row.credentials).toMatch(/^v1\./);
    expect(row.secret).toMatch(/^v1\./);
    expect(JSON.stringify(row)).not.toContain('sekret-7c1f2e9a');
    expect(JSON.stringify(row)).not.toContain(created.signing_secret!.slice('whsec_'.length));
    expect(row.settings).toEqual({ url: RECEIVER, auth_header_name: 'Authorization' });
    expect(JSON.parse(await h.deps.secrets.open(row.credentials!))).toEqual({
      auth_header_value: CREDENTIAL,
    });
    expect(await h.deps.secrets.open(row.secret)).toBe(created.signing_secret);
    expect(h.logs()).not.toContain('sekret-7c1f2e9a');
  });

  it('creates Custom, Zapier, Braze and Segment connections with their own settings', async () => {
    const t = await makeTenant(h);
    const custom = await createConnection(h, t, {
      provider: 'custom',
      url: RECEIVER,
      api_key: 'ck-1234',
    });
    expect(custom).toMatchObject({ url: RECEIVER, api_key_header: null, api_key_set: true });
    const zapier = await createConnection(h, t, {
      provider: 'zapier',
      url: 'https://127.0.0.1:9/hooks/catch/1/abc',
    });
    expect(zapier.signing_secret).toMatch(/^whsec_/);
    const braze = await createConnection(h, t, {
      provider: 'braze',
      rest_endpoint: 'http://127.0.0.1:9',
      api_key: 'brz-1234',
      app_id: 'app-1',
    });
    expect(braze).toMatchObject({
      rest_endpoint: 'http://127.0.0.1:9',
      app_id: 'app-1',
      api_key_set: true,
    });
    // Braze and Segment deliveries are not signed: no secret to show.
    expect(braze.signing_secret).toBeNull();
    const segment = await createConnection(h, t, {
      provider: 'segment',
      write_key: 'seg-1234',
      api_host: 'http://127.0.0.1:9',
    });
    expect(segment).toMatchObject({ api_host: 'http://127.0.0.1:9', write_key_set: true });
    expect(segment.signing_secret).toBeNull();
    expect(segment).not.toHaveProperty('url');
    for (const connection of [custom, braze, segment]) {
      expect(JSON.stringify(connection)).not.toMatch(/ck-1234|brz-1234|seg-1234/);
    }
  });

  it('shows a credential as set from the sealed column: no provider has two', () => {
    for (const provider of CONNECTION_PROVIDERS) {
      expect(credentialFields(provider).length, provider).toBeLessThanOrEqual(1);
    }
  });

  it('replaces a credential only when sent, and unsets optional fields sent as null', async () => {
    const t = await makeTenant(h);
    const created = await createConnection(h, t, {
      provider: 'webhook',
      url: RECEIVER,
      auth_header_name: 'Authorization',
      auth_header_value: CREDENTIAL,
    });
    const moved = await send(t, 'PATCH', `/api/connections/${created.id}`, {
      url: 'http://127.0.0.1:9/moved',
    });
    expect(json(moved).data).toMatchObject({
      url: 'http://127.0.0.1:9/moved',
      auth_header_value_set: true,
    });
    const kept = await storedRow(created.id);
    expect(JSON.parse(await h.deps.secrets.open(kept.credentials!))).toEqual({
      auth_header_value: CREDENTIAL,
    });

    await send(t, 'PATCH', `/api/connections/${created.id}`, { auth_header_value: 'Bearer new' });
    const replaced = await storedRow(created.id);
    expect(JSON.parse(await h.deps.secrets.open(replaced.credentials!))).toEqual({
      auth_header_value: 'Bearer new',
    });

    // Half a header is refused: the settings are checked whole.
    const half = await send(t, 'PATCH', `/api/connections/${created.id}`, {
      auth_header_name: null,
    });
    expect(validationError(half).details).toMatchObject({
      field: 'auth_header_name',
    });
    const cleared = await send(t, 'PATCH', `/api/connections/${created.id}`, {
      auth_header_name: null,
      auth_header_value: null,
    });
    expect(json(cleared).data).toMatchObject({
      auth_header_name: null,
      auth_header_value_set: false,
    });
    expect((await storedRow(created.id)).credentials).toBeNull();
  });

  it('refuses a settings write made from settings changed since they were read', async () => {
    const t = await makeTenant(h);
    const created = await createConnection(h, t, { provider: 'webhook', url: RECEIVER });
    const db = h.deps.database.db;
    const stale = await storedSettings(db, t.org.id, created.id);
    if (!stale) throw new Error('the connection was not stored');
    const moved = await send(t, 'PATCH', `/api/connections/${created.id}`, {
      url: 'http://127.0.0.1:9/moved',
    });
    expect(moved.statusCode, moved.body).toBe(200);
    // A second update computed from what was read before the PATCH would undo it: refused.
    const late = await updateConnection(
      db,
      t.org.id,
      created.id,
      { settings: JSON.stringify({ url: RECEIVER, auth_header_name: 'X-Late' }) },
      h.clock.now(),
      stale,
    );
    expect(late).toBeUndefined();
    expect((await storedRow(created.id)).settings).toEqual({ url: 'http://127.0.0.1:9/moved' });
  });

  it('lets every member read and only Admins and Owners change connections', async () => {
    const t = await makeTenant(h);
    const created = await createConnection(h, t, { provider: 'webhook', url: RECEIVER });
    const admin = await makeUser(h, t.org.id, 'Admin');
    const editor = await makeUser(h, t.org.id, 'Editor');
    const viewer = await makeUser(h, t.org.id, 'Viewer');

    const listed = await h.inject({
      method: 'GET',
      url: `/api/connections?org_id=${t.org.id}`,
      headers: viewer.auth,
    });
    expect(listed.statusCode, listed.body).toBe(200);
    for (const user of [viewer, editor]) {
      expectError(
        await postConnection(h, t, { provider: 'webhook', url: RECEIVER }, user),
        403,
        'forbidden',
      );
      const renamed = await h.inject({
        method: 'PATCH',
        url: `/api/connections/${created.id}`,
        headers: user.auth,
        payload: { org_id: t.org.id, name: 'Mine now' },
      });
      expectError(renamed, 403, 'forbidden');
    }
    expect(
      (await postConnection(h, t, { provider: 'webhook', url: RECEIVER }, admin)).statusCode,
    ).toBe(201);
  });

  it("answers 404 for another organization's connection, as for one never made", async () => {
    const t = await makeTenant(h);
    const other = await makeTenant(h);
    const theirs = await createConnection(h, other, { provider: 'webhook', url: RECEIVER });
    for (const [method, url, payload] of [
      ['GET', `/api/connections/${theirs.id}?org_id=${t.org.id}`, undefined],
      ['PATCH', `/api/connections/${theirs.id}`, { name: 'Taken' }],
      ['POST', `/api/connections/${theirs.id}/disable`, {}],
      ['POST', `/api/connections/${theirs.id}/rotate-secret`, {}],
      ['GET', `/api/connections/${theirs.id}/messages?org_id=${t.org.id}`, undefined],
      ['DELETE', `/api/connections/${theirs.id}?org_id=${t.org.id}`, undefined],
    ] as const) {
      const body = expectError(await send(t, method, url, payload), 404, 'not_found');
      expect(body.error, `${method} ${url}`).toBe('Connection not found');
    }
    // The caller is no member of the other organization: its org_id is 404 too.
    expectError(await send(t, 'GET', `/api/connections?org_id=${other.org.id}`), 404, 'not_found');
    const still = await send(other, 'GET', `/api/connections/${theirs.id}?org_id=${other.org.id}`);
    expect(json(still).data).toMatchObject({ name: 'Hook', enabled: true });
  });

  it(`allows ${MAX_CONNECTIONS_PER_ORG} connections per organization, even under concurrent creation`, async () => {
    const t = await makeTenant(h);
    await createConnection(h, t, { provider: 'webhook', url: RECEIVER });
    const answers = await Promise.all(
      Array.from({ length: MAX_CONNECTIONS_PER_ORG + 4 }, () =>
        postConnection(h, t, { provider: 'webhook', url: RECEIVER }),
      ),
    );
    const statuses = answers.map((answer) => answer.statusCode);
    expect(statuses.filter((status) => status === 201)).toHaveLength(MAX_CONNECTIONS_PER_ORG - 1);
    for (const refused of answers.filter((answer) => answer.statusCode !== 201)) {
      expectError(refused, 403, 'quota_exceeded');
    }
    const listed = await send(t, 'GET', `/api/connections?org_id=${t.org.id}`);
    expect(json<{ data: unknown[] }>(listed).data).toHaveLength(MAX_CONNECTIONS_PER_ORG);
  });

  it('rotates the signing secret, keeping the old one for the overlap window', async () => {
    const t = await makeTenant(h);
    const created = await createConnection(h, t, { provider: 'webhook', url: RECEIVER });
    const before = await storedRow(created.id);
    const rotated = await send(t, 'POST', `/api/connections/${created.id}/rotate-secret`, {});
    expect(rotated.statusCode, rotated.body).toBe(200);
    const data = json<{ data: CreatedRotation }>(rotated).data;
    expect(data.signing_secret).toMatch(/^whsec_/);
    expect(data.signing_secret).not.toBe(created.signing_secret);
    expect(new Date(data.previous_secret_expires_at!).getTime()).toBe(
      h.clock.now().getTime() + h.deps.config.webhookRotationOverlapHours * 3_600_000,
    );
    const after = await storedRow(created.id);
    expect(after.previous_secret).toBe(before.secret);
    expect(await h.deps.secrets.open(after.secret)).toBe(data.signing_secret);

    const braze = await createConnection(h, t, {
      provider: 'braze',
      rest_endpoint: 'http://127.0.0.1:9',
      api_key: 'brz-1',
    });
    expectError(
      await send(t, 'POST', `/api/connections/${braze.id}/rotate-secret`, {}),
      409,
      'conflict',
    );
  });

  it('disables and enables a connection', async () => {
    const t = await makeTenant(h);
    const created = await createConnection(h, t, { provider: 'webhook', url: RECEIVER });
    const disabled = await send(t, 'POST', `/api/connections/${created.id}/disable`, {});
    expect(json(disabled).data).toMatchObject({ enabled: false, disabled_reason: 'manual' });
    const enabled = await send(t, 'POST', `/api/connections/${created.id}/enable`, {});
    expect(json(enabled).data).toMatchObject({
      enabled: true,
      disabled_at: null,
      disabled_reason: null,
      failing_since: null,
    });
  });

  it('deletes a connection with its stream links', async () => {
    const t = await makeTenant(h);
    const created = await createConnection(h, t, { provider: 'webhook', url: RECEIVER });
    const linked = await h.inject({
      method: 'PUT',
      url: `/api/streams/${t.streamId}/connections/${created.id}`,
      headers: t.owner.auth,
      payload: { org_id: t.org.id, triggers: ['play_complete'] },
    });
    expect(linked.statusCode, linked.body).toBe(200);
    const deleted = await send(t, 'DELETE', `/api/connections/${created.id}?org_id=${t.org.id}`);
    expect(deleted.statusCode, deleted.body).toBe(200);
    expectError(
      await send(t, 'GET', `/api/connections/${created.id}?org_id=${t.org.id}`),
      404,
      'not_found',
    );
    const links = await send(t, 'GET', `/api/streams/${t.streamId}/connections?org_id=${t.org.id}`);
    expect(json<{ data: unknown[] }>(links).data).toEqual([]);
  });
});

interface CreatedRotation {
  signing_secret: string;
  previous_secret_expires_at: string | null;
}
