import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePropertyTenant, type PropertyTenant, unique } from '../../../test/factories.ts';
import { createHarness, expectError, type Harness, json } from '../../../test/harness.ts';
import { suppressionHash } from '../compliance/index.ts';
import { createPropertyKey } from '../property-keys/index.ts';

// The property's do-not-contact list: hashes in, hashes out, only its own rows removed, and the
// pre-send check skipping what it holds for every purpose.

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ start: new Date('2026-07-14T16:00:00Z') });
});
afterAll(async () => {
  await h.close();
});

interface Entry {
  hash: string;
  note: string | null;
  created_at: string;
}
interface Page {
  data: Entry[];
  total: number;
  next_before: string | null;
}

const hashOf = (kind: 'phone' | 'email' | 'player_id', value: string) =>
  suppressionHash(kind, value)!;

/** A 702 number no other test uses (the area code keeps libphonenumber's validation happy). */
let serial = 0;
const phone = () => {
  serial += 1;
  const line = String((process.pid * 37 + serial * 7919) % 10_000).padStart(4, '0');
  return { national: `(702) 555-${line}`, e164: `+1702555${line}` };
};

const add = (
  t: PropertyTenant,
  entries: object[],
  headers: Record<string, string> = t.keyHeaders,
) => h.inject({ method: 'POST', url: '/api/do-not-contact', headers, payload: { entries } });
const remove = (
  t: PropertyTenant,
  entries: object[],
  headers: Record<string, string> = t.keyHeaders,
) => h.inject({ method: 'DELETE', url: '/api/do-not-contact', headers, payload: { entries } });
const lookup = (
  t: PropertyTenant,
  payload: object,
  headers: Record<string, string> = t.keyHeaders,
) => h.inject({ method: 'POST', url: '/api/functions/do-not-contact-lookup', headers, payload });

async function list(t: PropertyTenant, query = ''): Promise<Page> {
  const response = await h.inject({
    method: 'GET',
    url: `/api/do-not-contact${query}`,
    headers: t.keyHeaders,
  });
  expect(response.statusCode, response.body).toBe(200);
  return json<Page>(response);
}

async function player(t: PropertyTenant, fields: Record<string, unknown>): Promise<string> {
  const response = await h.inject({
    method: 'POST',
    url: '/api/players',
    headers: t.keyHeaders,
    payload: fields,
  });
  expect(response.statusCode, response.body).toBe(201);
  return json<{ data: { id: string } }>(response).data.id;
}

async function readOnlyKey(t: PropertyTenant) {
  const key = await createPropertyKey(h.deps, undefined, {
    propertyId: t.property.id,
    name: 'Read only',
    scopes: ['read'],
  });
  return { 'x-api-key': key.key };
}

describe('the do-not-contact list', () => {
  it('lists normalized hashes with notes, never addresses, and adds idempotently', async () => {
    const t = await makePropertyTenant(h);
    const number = phone();
    const email = `${unique('Ann')}@Example.TEST`;
    const casinoId = unique('casino');
    const response = await add(t, [
      { phone: number.national, note: 'Asked at the cage' },
      { email: `  ${email} ` },
      { player_id: casinoId },
    ]);
    expect(response.statusCode, response.body).toBe(200);
    const expected = [
      hashOf('phone', number.e164),
      hashOf('email', email.toLowerCase()),
      hashOf('player_id', casinoId),
    ];
    expect(json(response)).toEqual({ success: true, data: { added: 3, hashes: expected } });

    const page = await list(t);
    expect(page.total).toBe(3);
    expect(page.data.map((e) => e.hash).sort()).toEqual([...expected].sort());
    expect(page.data.find((e) => e.hash === expected[0])?.note).toBe('Asked at the cage');
    expect(JSON.stringify(page)).not.toContain(number.e164.slice(2));
    expect(JSON.stringify(page).toLowerCase()).not.toContain(email.toLowerCase());

    // The same number in E.164 is the same entry: nothing added, the first note kept.
    const again = await add(t, [{ phone: number.e164, note: 'Second note' }]);
    expect(json(again)).toEqual({ success: true, data: { added: 0, hashes: [expected[0]] } });
    const after = await list(t);
    expect(after.total).toBe(3);
    expect(after.data.find((e) => e.hash === expected[0])?.note).toBe('Asked at the cage');
  });

  it("lists a PlayLoop player id as the player's casino id", async () => {
    const t = await makePropertyTenant(h);
    const casinoId = unique('casino');
    const id = await player(t, { player_id: casinoId });
    const response = await add(t, [{ player_id: id }]);
    expect(json<{ data: { hashes: string[] } }>(response).data.hashes).toEqual([
      hashOf('player_id', casinoId),
    ]);
    const noCasinoId = await player(t, { email: `${unique('anon')}@example.test` });
    const refused = expectError(
      await add(t, [{ player_id: noCasinoId }]),
      400,
      'validation_failed',
    );
    expect(refused.error).toMatch(/^entries\[0\]: /);
  });

  it('answers 400 naming the entry for an invalid one, and adds nothing', async () => {
    const t = await makePropertyTenant(h);
    const bad = expectError(
      await add(t, [{ phone: phone().e164 }, { phone: '555-0100-99999' }]),
      400,
      'validation_failed',
    );
    expect(bad.error).toMatch(/^entries\[1\]: phone/);
    const email = expectError(await add(t, [{ email: 'not an email' }]), 400, 'validation_failed');
    expect(email.error).toMatch(/^entries\[0\]: email/);
    const two = expectError(
      await add(t, [{ phone: phone().e164, email: 'a@example.test' }]),
      400,
      'validation_failed',
    );
    expect(two.error).toContain('exactly one');
    expectError(await add(t, [{ note: 'nobody' }]), 400, 'validation_failed');
    expectError(await add(t, []), 400, 'validation_failed');
    expectError(
      await add(
        t,
        Array.from({ length: 1001 }, (_, i) => ({ email: `n${i}@example.test` })),
      ),
      400,
      'validation_failed',
    );
    expectError(
      await add(t, [{ email: 'a@example.test', colour: 'red' }]),
      400,
      'validation_failed',
    );
    expect((await list(t)).total).toBe(0);
  });

  it('takes 1000 entries with notes in one request', async () => {
    const t = await makePropertyTenant(h);
    const entries = Array.from({ length: 1000 }, (_, i) => ({
      email: `${'x'.repeat(60)}${i}@${'d'.repeat(240)}.test`,
      note: 'n'.repeat(500),
    }));
    const response = await add(t, entries);
    expect(response.statusCode, response.body).toBe(200);
    expect(json<{ data: { added: number } }>(response).data.added).toBe(1000);
  });

  it('pages with limit and offset, and with before, each entry exactly once', async () => {
    const t = await makePropertyTenant(h);
    // Two batches at two times: entries of one batch share created_at, the cursor breaks ties.
    await add(
      t,
      Array.from({ length: 4 }, (_, i) => ({ email: `first${i}@example.test` })),
    );
    h.clock.advance(1000);
    await add(
      t,
      Array.from({ length: 3 }, (_, i) => ({ email: `second${i}@example.test` })),
    );
    const all = await list(t, '?limit=100');
    expect(all.total).toBe(7);
    expect(all.next_before).toBeNull();
    const seen: string[] = [];
    let before: string | null = null;
    let pages = 0;
    do {
      const page: Page = await list(
        t,
        `?limit=2${before ? `&before=${encodeURIComponent(before)}` : ''}`,
      );
      seen.push(...page.data.map((e) => e.hash));
      before = page.next_before;
      pages += 1;
    } while (before !== null && pages < 10);
    expect(pages).toBe(4);
    expect(seen).toEqual(all.data.map((e) => e.hash));
    const offset = await list(t, '?limit=3&offset=3');
    expect(offset.data.map((e) => e.hash)).toEqual(all.data.slice(3, 6).map((e) => e.hash));
    // Newest first: the second batch leads.
    expect(
      all.data
        .slice(0, 3)
        .map((e) => e.hash)
        .sort(),
    ).toEqual([0, 1, 2].map((i) => hashOf('email', `second${i}@example.test`)).sort());
    const cut = await list(t, `?before=${encodeURIComponent(all.data[0]!.created_at)}`);
    expect(cut.data).toHaveLength(4);
    expectError(
      await h.inject({
        method: 'GET',
        url: '/api/do-not-contact?before=yesterday',
        headers: t.keyHeaders,
      }),
      400,
      'validation_failed',
    );
    expectError(
      await h.inject({ method: 'GET', url: '/api/do-not-contact?limit=0', headers: t.keyHeaders }),
      400,
      'validation_failed',
    );
  });

  it('pages rows stored with microseconds without skipping or repeating one', async () => {
    const t = await makePropertyTenant(h);
    // Written by SQL with sub-millisecond times, as a database default would store them.
    const hashes = ['a', 'b', 'c'].map((c) => c.repeat(64));
    await sql`
      INSERT INTO suppressions (property_id, hash, reason, created_at)
      VALUES (${t.property.id}, ${hashes[0]}, 'do_not_contact', '2026-07-14T16:00:00.123456Z'),
             (${t.property.id}, ${hashes[1]}, 'do_not_contact', '2026-07-14T16:00:00.123789Z'),
             (${t.property.id}, ${hashes[2]}, 'do_not_contact', '2026-07-14T16:00:00.123100Z')
    `.execute(h.deps.database.db);
    const seen: string[] = [];
    let before: string | null = null;
    for (let i = 0; i < 5; i += 1) {
      const page: Page = await list(
        t,
        `?limit=1${before ? `&before=${encodeURIComponent(before)}` : ''}`,
      );
      seen.push(...page.data.map((e) => e.hash));
      before = page.next_before;
      if (before === null) break;
    }
    expect(seen).toEqual([...hashes].reverse());
  });

  it('removes entries by identifier or hash, never an erasure or self-exclusion row', async () => {
    const t = await makePropertyTenant(h);
    const number = phone();
    const email = `${unique('gone')}@example.test`;
    await add(t, [{ phone: number.e164 }, { email }]);
    // The same phone is also suppressed by an erasure (as the privacy module writes it).
    await h.deps.database.db
      .insertInto('suppressions')
      .values({ property_id: t.property.id, hash: hashOf('phone', number.e164), reason: 'erased' })
      .execute();
    const removed = await remove(t, [{ phone: number.national }, { email: 'never@example.test' }]);
    expect(json(removed)).toEqual({
      success: true,
      data: { removed: 1, hashes: [hashOf('phone', number.e164)] },
    });
    const still = await lookup(t, { phone: number.e164 });
    expect(json<{ data: object }>(still).data).toMatchObject({ listed: true, reasons: ['erased'] });

    const emailHash = hashOf('email', email);
    const byHash = await h.inject({
      method: 'DELETE',
      url: `/api/do-not-contact/${emailHash}`,
      headers: t.keyHeaders,
    });
    expect(json(byHash)).toEqual({ success: true, data: { removed: 1, hashes: [emailHash] } });
    expect((await list(t)).total).toBe(0);
    expectError(
      await h.inject({
        method: 'DELETE',
        url: `/api/do-not-contact/${emailHash}`,
        headers: t.keyHeaders,
      }),
      404,
      'not_found',
    );
    // An erasure's row is not the list's to remove, even by its hash.
    expectError(
      await h.inject({
        method: 'DELETE',
        url: `/api/do-not-contact/${hashOf('phone', number.e164)}`,
        headers: t.keyHeaders,
      }),
      404,
      'not_found',
    );
    expectError(
      await h.inject({ method: 'DELETE', url: '/api/do-not-contact/abc', headers: t.keyHeaders }),
      400,
      'validation_failed',
    );
  });

  it('answers a lookup by phone, email or player, a player by every identifier of the profile', async () => {
    const t = await makePropertyTenant(h);
    const number = phone();
    const casinoId = unique('casino');
    const id = await player(t, { player_id: casinoId, phone: number.e164 });
    const before = await lookup(t, { player_id: casinoId });
    expect(json(before)).toEqual({
      success: true,
      data: { listed: false, reasons: [], hash: hashOf('player_id', casinoId) },
    });
    await add(t, [{ phone: number.national }]);
    for (const query of [{ phone: number.national }, { player_id: casinoId }, { player_id: id }]) {
      const response = await lookup(t, query);
      expect(response.statusCode, response.body).toBe(200);
      expect(json<{ data: object }>(response).data).toMatchObject({
        listed: true,
        reasons: ['do_not_contact'],
      });
    }
    const email = await lookup(t, { email: 'Someone.Else@example.test' });
    expect(json<{ data: object }>(email).data).toMatchObject({
      listed: false,
      hash: hashOf('email', 'someone.else@example.test'),
    });
    expectError(await lookup(t, {}), 400, 'validation_failed');
    expectError(await lookup(t, { phone: 'twelve' }), 400, 'validation_failed');
  });

  it('answers 401 without a credential and 403 to a key without the write scope', async () => {
    const t = await makePropertyTenant(h);
    const entries = [{ email: `${unique('k')}@example.test` }];
    expectError(await h.inject({ method: 'GET', url: '/api/do-not-contact' }), 401, 'unauthorized');
    expectError(
      await h.inject({ method: 'POST', url: '/api/do-not-contact', payload: { entries } }),
      401,
      'unauthorized',
    );
    expectError(
      await h.inject({
        method: 'POST',
        url: '/api/functions/do-not-contact-lookup',
        payload: entries[0]!,
      }),
      401,
      'unauthorized',
    );
    const readOnly = await readOnlyKey(t);
    expectError(await add(t, entries, readOnly), 403, 'forbidden');
    await add(t, entries);
    expectError(await remove(t, entries, readOnly), 403, 'forbidden');
    const hash = hashOf('email', entries[0]!.email);
    expectError(
      await h.inject({ method: 'DELETE', url: `/api/do-not-contact/${hash}`, headers: readOnly }),
      403,
      'forbidden',
    );
    // Reading and looking up need only the read scope.
    expect((await lookup(t, entries[0]!, readOnly)).statusCode).toBe(200);
    const listed = await h.inject({ method: 'GET', url: '/api/do-not-contact', headers: readOnly });
    expect(json<Page>(listed).total).toBe(1);
  });

  it("keeps each property's list to itself", async () => {
    const a = await makePropertyTenant(h);
    const b = await makePropertyTenant(h);
    const email = `${unique('theirs')}@example.test`;
    await add(b, [{ email }]);
    const hash = hashOf('email', email);
    expect((await list(a)).total).toBe(0);
    expect(json<{ data: object }>(await lookup(a, { email })).data).toMatchObject({
      listed: false,
    });
    const theirs = expectError(
      await h.inject({
        method: 'DELETE',
        url: `/api/do-not-contact/${hash}`,
        headers: a.keyHeaders,
      }),
      404,
      'not_found',
    );
    const never = expectError(
      await h.inject({
        method: 'DELETE',
        url: `/api/do-not-contact/${'0'.repeat(64)}`,
        headers: a.keyHeaders,
      }),
      404,
      'not_found',
    );
    expect(theirs.error).toBe(never.error);
    expect(json(await remove(a, [{ email }]))).toEqual({
      success: true,
      data: { removed: 0, hashes: [] },
    });
    expect((await list(b)).data.map((e) => e.hash)).toEqual([hash]);
  });
});

describe('the pre-send check with the do-not-contact list', () => {
  it('skips a listed number for every purpose, transactional included, and allows it once removed', async () => {
    const t = await makePropertyTenant(h);
    const number = phone();
    const consent = await h.inject({
      method: 'POST',
      url: '/api/functions/record-consent',
      headers: t.keyHeaders,
      payload: {
        channel: 'sms',
        address: number.e164,
        consent_type: 'pec',
        purpose: 'informational',
        captured_at: '2026-07-01T12:00:00Z',
      },
    });
    expect(consent.statusCode, consent.body).toBe(201);
    const check = async (purpose: string) => {
      const response = await h.inject({
        method: 'POST',
        url: '/api/functions/tcpa-check',
        headers: t.keyHeaders,
        payload: { channel: 'sms', purpose, recipients: [{ phone: number.e164 }] },
      });
      expect(response.statusCode, response.body).toBe(200);
      return json<{ data: { outcome: string; reasons: string[] }[] }>(response).data[0]!;
    };
    expect(await check('transactional')).toMatchObject({ outcome: 'allow', reasons: [] });
    expect(await check('informational')).toMatchObject({ outcome: 'allow', reasons: [] });

    await add(t, [{ phone: number.national, note: 'Called the hotline' }]);
    expect(await check('transactional')).toMatchObject({
      outcome: 'skip',
      reasons: ['do_not_contact'],
    });
    expect(await check('informational')).toMatchObject({
      outcome: 'skip',
      reasons: ['do_not_contact'],
    });
    expect((await check('marketing')).reasons).toContain('do_not_contact');

    await remove(t, [{ phone: number.e164 }]);
    expect(await check('transactional')).toMatchObject({ outcome: 'allow', reasons: [] });
  });

  it('skips a player listed by casino id whatever address the message uses', async () => {
    const t = await makePropertyTenant(h);
    const casinoId = unique('casino');
    const email = `${unique('listed')}@example.test`;
    await player(t, { player_id: casinoId, email });
    await add(t, [{ player_id: casinoId }]);
    const response = await h.inject({
      method: 'POST',
      url: '/api/functions/tcpa-check',
      headers: t.keyHeaders,
      payload: {
        channel: 'email',
        purpose: 'transactional',
        recipients: [{ player_id: casinoId }],
      },
    });
    expect(json<{ data: object[] }>(response).data).toMatchObject([
      { outcome: 'skip', reasons: ['do_not_contact'] },
    ]);
  });
});
