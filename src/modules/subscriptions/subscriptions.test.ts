import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  makePropertyTenant,
  makeUser,
  type PropertyTenant,
  unique,
} from '../../../test/factories.ts';
import { createHarness, expectError, type Harness, json } from '../../../test/harness.ts';
import { createPropertyKey } from '../property-keys/index.ts';
import { MAX_GROUPS_PER_PROPERTY } from './subscriptions.service.ts';

// Subscription groups through /api/subscription_groups, memberships through set-subscriptions
// and /api/subscription_members, and what the pre-send check makes of them.

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ start: new Date('2026-07-14T16:00:00Z') });
});
afterAll(async () => {
  await h.close();
});

interface Group {
  id: string;
  property_id: string;
  name: string;
  channel: string;
  purpose: string;
  created_at: string;
}
interface Member {
  group_id: string;
  player_id: string;
  subscribed: boolean;
  changed_at: string;
}

const groups = (
  t: PropertyTenant,
  payload: unknown,
  headers: Record<string, string> = t.keyHeaders,
) =>
  h.inject({
    method: 'POST',
    url: '/api/subscription_groups',
    headers,
    payload: payload as object,
  });

async function group(t: PropertyTenant, fields: Record<string, unknown> = {}): Promise<Group> {
  const response = await groups(t, {
    name: unique('Promotions SMS'),
    channel: 'sms',
    purpose: 'marketing',
    ...fields,
  });
  expect(response.statusCode, response.body).toBe(201);
  return json<{ data: Group }>(response).data;
}

async function player(t: PropertyTenant, fields: Record<string, unknown> = {}): Promise<string> {
  const response = await h.inject({
    method: 'POST',
    url: '/api/players',
    headers: t.keyHeaders,
    payload: { player_id: unique('p'), ...fields },
  });
  expect(response.statusCode, response.body).toBe(201);
  return json<{ data: { id: string } }>(response).data.id;
}

const setSubscriptions = (
  t: PropertyTenant,
  payload: object,
  headers: Record<string, string> = t.keyHeaders,
) => h.inject({ method: 'POST', url: '/api/functions/set-subscriptions', headers, payload });

async function members(t: PropertyTenant, query: string): Promise<Member[]> {
  const response = await h.inject({
    method: 'GET',
    url: `/api/subscription_members?${query}`,
    headers: t.keyHeaders,
  });
  expect(response.statusCode, response.body).toBe(200);
  return json<{ data: Member[] }>(response).data;
}

async function readOnlyKey(t: PropertyTenant) {
  const key = await createPropertyKey(h.deps, undefined, {
    propertyId: t.property.id,
    name: 'Read only',
    scopes: ['read'],
  });
  return { 'x-api-key': key.key };
}

describe('subscription groups', () => {
  it('creates one group or many and lists them with filters, order and limit', async () => {
    const t = await makePropertyTenant(h);
    const one = await group(t, { name: 'VIP events email', channel: 'email' });
    expect(one).toMatchObject({
      property_id: t.property.id,
      name: 'VIP events email',
      channel: 'email',
      purpose: 'marketing',
    });
    const many = await groups(t, [
      { name: 'Promotions SMS', channel: 'sms', purpose: 'marketing' },
      { name: 'Jackpot alerts', channel: 'push', purpose: 'informational' },
    ]);
    expect(many.statusCode, many.body).toBe(201);
    expect(json<{ data: Group[] }>(many).data.map((g) => g.name)).toEqual([
      'Promotions SMS',
      'Jackpot alerts',
    ]);

    const list = await h.inject({
      method: 'GET',
      url: '/api/subscription_groups?channel.neq=push&order=name.asc&limit=1',
      headers: t.userHeaders,
    });
    expect(list.statusCode, list.body).toBe(200);
    const body = json<{ data: Group[]; totalCount: number }>(list);
    expect(body.data.map((g) => g.name)).toEqual(['Promotions SMS']);
    expect(body.totalCount).toBe(2);
  });

  it('answers 400 naming the field or row for an invalid group, 409 for a name in use', async () => {
    const t = await makePropertyTenant(h);
    expectError(
      await groups(t, { name: 'No channel', purpose: 'marketing' }),
      400,
      'validation_failed',
    );
    const unknown = expectError(
      await groups(t, { name: 'X', channel: 'sms', purpose: 'marketing', id: crypto.randomUUID() }),
      400,
      'validation_failed',
    );
    expect(unknown.error).toContain('"id"');
    const row = expectError(
      await groups(t, [
        { name: 'Fine', channel: 'sms', purpose: 'marketing' },
        { name: 'Bad', channel: 'fax', purpose: 'marketing' },
      ]),
      400,
      'validation_failed',
    );
    expect(row.error).toMatch(/^subscription_groups\[1\]: channel/);
    expectError(
      await groups(t, { name: ' ', channel: 'sms', purpose: 'marketing' }),
      400,
      'validation_failed',
    );
    const taken = await group(t);
    expectError(
      await groups(t, { name: taken.name, channel: 'email', purpose: 'informational' }),
      409,
      'conflict',
    );
    // Nothing of the refused batches was kept.
    const list = await h.inject({
      method: 'GET',
      url: '/api/subscription_groups',
      headers: t.keyHeaders,
    });
    expect(json<{ data: Group[] }>(list).data.map((g) => g.name)).toEqual([taken.name]);
  });

  it('renames groups by filter, refuses other fields, and deletes groups with their members', async () => {
    const t = await makePropertyTenant(h);
    const g = await group(t);
    const renamed = await h.inject({
      method: 'PATCH',
      url: `/api/subscription_groups?id=eq.${g.id}`,
      headers: t.keyHeaders,
      payload: { name: 'Weekend promotions' },
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(json<{ data: Group[] }>(renamed).data).toMatchObject([
      { id: g.id, name: 'Weekend promotions', channel: 'sms' },
    ]);
    expectError(
      await h.inject({
        method: 'PATCH',
        url: `/api/subscription_groups?id=eq.${g.id}`,
        headers: t.keyHeaders,
        payload: { channel: 'email' },
      }),
      400,
      'validation_failed',
    );
    expectError(
      await h.inject({
        method: 'PATCH',
        url: '/api/subscription_groups',
        headers: t.keyHeaders,
        payload: { name: 'Everything' },
      }),
      400,
      'validation_failed',
    );

    const p = await player(t);
    expect(
      (await setSubscriptions(t, { group_id: g.id, members: [{ player_id: p, subscribed: true }] }))
        .statusCode,
    ).toBe(200);
    const deleted = await h.inject({
      method: 'DELETE',
      url: `/api/subscription_groups?id=eq.${g.id}`,
      headers: t.keyHeaders,
    });
    expect(json<{ data: Group[] }>(deleted).data).toMatchObject([{ id: g.id }]);
    expect(await members(t, `group_id.eq=${g.id}`)).toEqual([]);
  });

  it('answers 401 without a credential and 403 to a read-only key or a Viewer', async () => {
    const t = await makePropertyTenant(h);
    const payload = { name: unique('G'), channel: 'sms', purpose: 'marketing' };
    expectError(
      await h.inject({ method: 'POST', url: '/api/subscription_groups', payload }),
      401,
      'unauthorized',
    );
    expectError(
      await h.inject({ method: 'GET', url: '/api/subscription_groups' }),
      401,
      'unauthorized',
    );
    expectError(await groups(t, payload, await readOnlyKey(t)), 403, 'forbidden');
    const viewer = await makeUser(h, t.org.id, 'Viewer');
    const viewerHeaders = { ...viewer.auth, 'x-property-id': t.property.id };
    expectError(await groups(t, payload, viewerHeaders), 403, 'forbidden');
    // Reading is theirs.
    const list = await h.inject({
      method: 'GET',
      url: '/api/subscription_groups',
      headers: viewerHeaders,
    });
    expect(list.statusCode, list.body).toBe(200);
  });

  it("never lists, renames or deletes another property's group", async () => {
    const a = await makePropertyTenant(h);
    const b = await makePropertyTenant(h);
    const theirs = await group(b, { name: 'Theirs' });
    const list = await h.inject({
      method: 'GET',
      url: `/api/subscription_groups?id=eq.${theirs.id}`,
      headers: a.keyHeaders,
    });
    expect(json<{ data: Group[] }>(list).data).toEqual([]);
    const patch = await h.inject({
      method: 'PATCH',
      url: `/api/subscription_groups?id=eq.${theirs.id}`,
      headers: a.keyHeaders,
      payload: { name: 'Mine now' },
    });
    expect(json<{ data: Group[] }>(patch).data).toEqual([]);
    const del = await h.inject({
      method: 'DELETE',
      url: `/api/subscription_groups?id=eq.${theirs.id}`,
      headers: a.keyHeaders,
    });
    expect(json<{ data: Group[] }>(del).data).toEqual([]);
    const still = await h.inject({
      method: 'GET',
      url: `/api/subscription_groups?id=eq.${theirs.id}`,
      headers: b.keyHeaders,
    });
    expect(json<{ data: Group[] }>(still).data).toMatchObject([{ name: 'Theirs' }]);
  });

  it(`holds at most ${MAX_GROUPS_PER_PROPERTY} groups per property, refusing a batch past it whole`, async () => {
    const t = await makePropertyTenant(h);
    const batch = (n: number, prefix: string) =>
      Array.from({ length: n }, (_, i) => ({
        name: `${prefix} ${i}`,
        channel: 'email',
        purpose: 'informational',
      }));
    expect((await groups(t, batch(MAX_GROUPS_PER_PROPERTY - 2, 'First'))).statusCode).toBe(201);
    const over = expectError(await groups(t, batch(3, 'Over')), 403, 'quota_exceeded');
    expect(over.error).toContain(String(MAX_GROUPS_PER_PROPERTY));
    expect((await groups(t, batch(2, 'Last'))).statusCode).toBe(201);
    expectError(await groups(t, batch(1, 'More')), 403, 'quota_exceeded');
    const count = await h.inject({
      method: 'GET',
      url: '/api/subscription_groups?count=exact&limit=1',
      headers: t.keyHeaders,
    });
    expect(json<{ totalCount: number }>(count).totalCount).toBe(MAX_GROUPS_PER_PROPERTY);
    // Another property's cap is its own.
    const other = await makePropertyTenant(h);
    await group(other);
  });

  it('never passes the cap under concurrent inserts', async () => {
    const t = await makePropertyTenant(h);
    const start = MAX_GROUPS_PER_PROPERTY - 5;
    const first = Array.from({ length: start }, (_, i) => ({
      name: `Existing ${i}`,
      channel: 'sms',
      purpose: 'marketing',
    }));
    expect((await groups(t, first)).statusCode).toBe(201);
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        groups(t, { name: `Racing ${i}`, channel: 'sms', purpose: 'marketing' }),
      ),
    );
    const codes = responses.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 201)).toHaveLength(5);
    for (const refused of responses.filter((r) => r.statusCode !== 201)) {
      expectError(refused, 403, 'quota_exceeded');
    }
    const count = await h.inject({
      method: 'GET',
      url: '/api/subscription_groups?count=exact&limit=1',
      headers: t.keyHeaders,
    });
    expect(json<{ totalCount: number }>(count).totalCount).toBe(MAX_GROUPS_PER_PROPERTY);
  });
});

describe('set-subscriptions', () => {
  it('sets players by either id, reports unknown ones, and lists memberships by filter', async () => {
    const t = await makePropertyTenant(h);
    const g = await group(t);
    const casinoId = unique('casino');
    const ann = await player(t, { player_id: casinoId });
    const bob = await player(t);
    const response = await setSubscriptions(t, {
      group_id: g.id,
      members: [
        { player_id: casinoId, subscribed: true },
        { player_id: bob.toUpperCase(), subscribed: false },
        { player_id: 'nobody-here', subscribed: true },
      ],
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(json(response)).toEqual({
      success: true,
      data: { updated: 2, unknown: ['nobody-here'] },
    });
    expect(await members(t, `group_id.eq=${g.id}&order=subscribed.desc`)).toMatchObject([
      { group_id: g.id, player_id: ann, subscribed: true },
      { group_id: g.id, player_id: bob, subscribed: false },
    ]);
    expect(await members(t, `group_id=eq.${g.id}&subscribed=is.false`)).toMatchObject([
      { player_id: bob },
    ]);
    expect(await members(t, `player_id.eq=${ann}`)).toHaveLength(1);
  });

  it('moves changed_at only when the choice changes', async () => {
    const t = await makePropertyTenant(h);
    const g = await group(t);
    const p = await player(t);
    const set = async (subscribed: boolean) => {
      const r = await setSubscriptions(t, {
        group_id: g.id,
        members: [{ player_id: p, subscribed }],
      });
      expect(r.statusCode, r.body).toBe(200);
      return (await members(t, `player_id.eq=${p}`))[0]!.changed_at;
    };
    const first = await set(true);
    h.clock.advance(60_000);
    expect(await set(true)).toBe(first);
    h.clock.advance(60_000);
    const changed = await set(false);
    expect(new Date(changed).getTime()).toBe(new Date(first).getTime() + 120_000);
  });

  it('takes 1000 members of the longest ids in one call', async () => {
    const t = await makePropertyTenant(h);
    const g = await group(t);
    const p = await player(t);
    const filler = Array.from({ length: 999 }, (_, i) => ({
      player_id: `${String(i).padStart(4, '0')}${'x'.repeat(96)}`,
      subscribed: false,
    }));
    const response = await setSubscriptions(t, {
      group_id: g.id,
      members: [{ player_id: p, subscribed: true }, ...filler],
    });
    expect(response.statusCode, response.body).toBe(200);
    const data = json<{ data: { updated: number; unknown: string[] } }>(response).data;
    expect(data.updated).toBe(1);
    expect(data.unknown).toHaveLength(999);
  });

  it('answers 400 for an invalid body, naming a repeated player', async () => {
    const t = await makePropertyTenant(h);
    const g = await group(t);
    const p = await player(t, { player_id: 'rep-1' });
    expectError(
      await setSubscriptions(t, { group_id: g.id, members: [] }),
      400,
      'validation_failed',
    );
    expectError(
      await setSubscriptions(t, { group_id: g.id, members: [{ player_id: p }] }),
      400,
      'validation_failed',
    );
    expectError(
      await setSubscriptions(t, {
        group_id: 'not-a-uuid',
        members: [{ player_id: p, subscribed: true }],
      }),
      400,
      'validation_failed',
    );
    expectError(
      await setSubscriptions(t, {
        group_id: g.id,
        members: Array.from({ length: 1001 }, () => ({ player_id: p, subscribed: true })),
      }),
      400,
      'validation_failed',
    );
    const repeated = expectError(
      await setSubscriptions(t, {
        group_id: g.id,
        members: [
          { player_id: p, subscribed: true },
          { player_id: 'rep-1', subscribed: false },
        ],
      }),
      400,
      'validation_failed',
    );
    expect(repeated.error).toContain('members[1]');
    expect(await members(t, `group_id.eq=${g.id}`)).toEqual([]);
  });

  it("answers 404 for another property's group and reports its players as unknown", async () => {
    const a = await makePropertyTenant(h);
    const b = await makePropertyTenant(h);
    const theirGroup = await group(b);
    const theirPlayer = await player(b, { player_id: unique('theirs') });
    const mine = await player(a);
    const notFound = expectError(
      await setSubscriptions(a, {
        group_id: theirGroup.id,
        members: [{ player_id: mine, subscribed: true }],
      }),
      404,
      'not_found',
    );
    const never = expectError(
      await setSubscriptions(a, {
        group_id: crypto.randomUUID(),
        members: [{ player_id: mine, subscribed: true }],
      }),
      404,
      'not_found',
    );
    expect(notFound.error).toBe(never.error);
    const myGroup = await group(a);
    const response = await setSubscriptions(a, {
      group_id: myGroup.id,
      members: [{ player_id: theirPlayer, subscribed: true }],
    });
    expect(json(response)).toEqual({ success: true, data: { updated: 0, unknown: [theirPlayer] } });
    expect(await members(b, `group_id.eq=${theirGroup.id}`)).toEqual([]);
  });

  it('answers 401 without a credential and 403 to a read-only key', async () => {
    const t = await makePropertyTenant(h);
    const g = await group(t);
    const p = await player(t);
    const payload = { group_id: g.id, members: [{ player_id: p, subscribed: true }] };
    expectError(
      await h.inject({ method: 'POST', url: '/api/functions/set-subscriptions', payload }),
      401,
      'unauthorized',
    );
    expectError(await setSubscriptions(t, payload, await readOnlyKey(t)), 403, 'forbidden');
    expect(await members(t, `group_id.eq=${g.id}`)).toEqual([]);
  });

  it('keeps /api/subscription_members read-only', async () => {
    const t = await makePropertyTenant(h);
    const g = await group(t);
    const p = await player(t);
    const insert = expectError(
      await h.inject({
        method: 'POST',
        url: '/api/subscription_members',
        headers: t.keyHeaders,
        payload: { group_id: g.id, player_id: p, subscribed: true },
      }),
      400,
      'validation_failed',
    );
    expect(insert.error).toContain('set-subscriptions');
  });
});

describe('the pre-send check with a subscription group', () => {
  it('skips the unsubscribed and those not in the group, allows the subscribed', async () => {
    const t = await makePropertyTenant(h);
    const g = await group(t, { channel: 'email', purpose: 'transactional' });
    const inside = unique('in');
    const out = unique('out');
    const never = unique('never');
    await player(t, { player_id: inside, email: `${inside}@example.test` });
    await player(t, { player_id: out, email: `${out}@example.test` });
    await player(t, { player_id: never, email: `${never}@example.test` });
    const set = await setSubscriptions(t, {
      group_id: g.id,
      members: [
        { player_id: inside, subscribed: true },
        { player_id: out, subscribed: false },
      ],
    });
    expect(set.statusCode, set.body).toBe(200);
    const check = async () => {
      const response = await h.inject({
        method: 'POST',
        url: '/api/functions/tcpa-check',
        headers: t.keyHeaders,
        payload: {
          channel: 'email',
          purpose: 'transactional',
          subscription_group_id: g.id,
          recipients: [{ player_id: inside }, { player_id: out }, { player_id: never }],
        },
      });
      expect(response.statusCode, response.body).toBe(200);
      return json<{ data: { outcome: string; reasons: string[] }[] }>(response).data;
    };
    expect(await check()).toMatchObject([
      { outcome: 'allow', reasons: [] },
      { outcome: 'skip', reasons: ['unsubscribed_group'] },
      { outcome: 'skip', reasons: ['not_in_group'] },
    ]);
    // Resubscribing lets the message go again.
    await setSubscriptions(t, { group_id: g.id, members: [{ player_id: out, subscribed: true }] });
    expect((await check())[1]).toMatchObject({ outcome: 'allow', reasons: [] });
  });
});
