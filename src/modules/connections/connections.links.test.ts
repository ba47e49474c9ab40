import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnection, validationError } from '../../../test/connections.ts';
import { makeTenant, makeUser, type Tenant, type TestUser } from '../../../test/factories.ts';
import { createHarness, expectError, type Harness, json } from '../../../test/harness.ts';
import { createStream } from '../streams/index.ts';

// Links between streams and connections: the triggers each link selects, who may link, and
// that both ends must be the organization's.

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
});

const hook = { provider: 'webhook', url: 'http://127.0.0.1:9/hook' };

const put = (
  t: Tenant,
  streamId: number,
  connectionId: number,
  triggers: unknown,
  user?: TestUser,
) =>
  h.inject({
    method: 'PUT',
    url: `/api/streams/${streamId}/connections/${connectionId}`,
    headers: (user ?? t.owner).auth,
    payload: { org_id: t.org.id, triggers },
  });

const links = (t: Tenant, streamId: number, user?: TestUser) =>
  h.inject({
    method: 'GET',
    url: `/api/streams/${streamId}/connections?org_id=${t.org.id}`,
    headers: (user ?? t.owner).auth,
  });

describe('stream connections', () => {
  it('links a connection with its triggers, replaces them, lists and unlinks it', async () => {
    const t = await makeTenant(h);
    const connection = await createConnection(h, t, { ...hook, name: 'CRM hook' });
    const linked = await put(t, t.streamId, connection.id, ['play_complete', 'play_start']);
    expect(linked.statusCode, linked.body).toBe(200);
    // Triggers come back in DailyPlay's order, whatever order they were sent in.
    expect(json(linked).data).toMatchObject({
      stream_id: t.streamId,
      connection_id: connection.id,
      name: 'CRM hook',
      provider: 'webhook',
      enabled: true,
      triggers: ['play_start', 'play_complete'],
    });

    const replaced = await put(t, t.streamId, connection.id, ['prize_redemption']);
    expect(json(replaced).data).toMatchObject({ triggers: ['prize_redemption'] });
    const listed = json<{ data: { connection_id: number; triggers: string[] }[] }>(
      await links(t, t.streamId),
    ).data;
    expect(listed).toEqual([
      expect.objectContaining({ connection_id: connection.id, triggers: ['prize_redemption'] }),
    ]);
    // The other stream has no link.
    expect(json<{ data: unknown[] }>(await links(t, t.otherStreamId)).data).toEqual([]);

    const unlinked = await h.inject({
      method: 'DELETE',
      url: `/api/streams/${t.streamId}/connections/${connection.id}?org_id=${t.org.id}`,
      headers: t.owner.auth,
    });
    expect(unlinked.statusCode, unlinked.body).toBe(200);
    expect(json<{ data: unknown[] }>(await links(t, t.streamId)).data).toEqual([]);
    const again = await h.inject({
      method: 'DELETE',
      url: `/api/streams/${t.streamId}/connections/${connection.id}?org_id=${t.org.id}`,
      headers: t.owner.auth,
    });
    expectError(again, 404, 'not_found');
  });

  it('refuses unknown, repeated and missing triggers', async () => {
    const t = await makeTenant(h);
    const connection = await createConnection(h, t, hook);
    for (const triggers of [['play_end'], ['play_start', 'play_start'], [], 'play_start']) {
      validationError(await put(t, t.streamId, connection.id, triggers));
    }
    expect(json<{ data: unknown[] }>(await links(t, t.streamId)).data).toEqual([]);
  });

  it('lets Editors link and every member read, but not Viewers link', async () => {
    const t = await makeTenant(h);
    const connection = await createConnection(h, t, hook);
    const editor = await makeUser(h, t.org.id, 'Editor');
    const viewer = await makeUser(h, t.org.id, 'Viewer');
    expectError(await put(t, t.streamId, connection.id, ['play_start'], viewer), 403, 'forbidden');
    expect((await put(t, t.streamId, connection.id, ['play_start'], editor)).statusCode).toBe(200);
    const read = await links(t, t.streamId, viewer);
    expect(read.statusCode, read.body).toBe(200);
    expect(json<{ data: unknown[] }>(read).data).toHaveLength(1);
  });

  it('hides the links of a stream Viewers do not see, as the stream itself', async () => {
    const t = await makeTenant(h);
    const viewer = await makeUser(h, t.org.id, 'Viewer');
    const draft = await createStream(h.deps, t.org.id, {
      name: 'Draft',
      gameIds: [],
      status: 'Draft',
    });
    expectError(await links(t, draft.id, viewer), 404, 'not_found');
    expect((await links(t, draft.id)).statusCode).toBe(200);
  });

  it("answers 404 when the stream or the connection is another organization's", async () => {
    const t = await makeTenant(h);
    const other = await makeTenant(h);
    const mine = await createConnection(h, t, hook);
    const theirs = await createConnection(h, other, hook);

    const theirStream = expectError(
      await put(t, other.streamId, mine.id, ['play_start']),
      404,
      'not_found',
    );
    const noStream = expectError(
      await put(t, 2_147_483_000, mine.id, ['play_start']),
      404,
      'not_found',
    );
    expect(theirStream.error).toBe(noStream.error);
    const theirConnection = expectError(
      await put(t, t.streamId, theirs.id, ['play_start']),
      404,
      'not_found',
    );
    const noConnection = expectError(
      await put(t, t.streamId, 2_147_483_000, ['play_start']),
      404,
      'not_found',
    );
    expect(theirConnection.error).toBe(noConnection.error);
    expectError(await links(t, other.streamId), 404, 'not_found');
    expect(json<{ data: unknown[] }>(await links(other, other.streamId)).data).toEqual([]);
  });
});
