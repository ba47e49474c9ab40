import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePropertyTenant, type PropertyTenant, unique } from '../../../test/factories.ts';
import { createHarness, expectError, type Harness, json } from '../../../test/harness.ts';
import { unsubscribeHeaders, unsubscribeToken, type UnsubscribeTarget } from './index.ts';

// The email unsubscribe link: token sealing, the page (GET changes nothing), RFC 8058 one-click
// and the page's buttons recording revocations the pre-send check honours, subscription groups,
// idempotency and the per-address throttle.

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ start: new Date('2026-07-14T12:00:00Z') });
});
afterAll(async () => {
  await h.close();
});

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
/** Each test its own client address, so the throttle of one never refuses another. */
const clientIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

interface Recipient {
  t: PropertyTenant;
  playerId: string;
  email: string;
}

/** A property with a postal address and a player who opted in to all marketing email. */
async function recipient(): Promise<Recipient> {
  const t = await makePropertyTenant(h);
  const email = `${unique('fan')}@example.test`;
  const created = await h.inject({
    method: 'POST',
    url: '/api/players',
    headers: t.keyHeaders,
    payload: { player_id: unique('p'), email },
  });
  expect(created.statusCode, created.body).toBe(201);
  const grant = await h.inject({
    method: 'POST',
    url: '/api/functions/record-consent',
    headers: t.keyHeaders,
    payload: {
      channel: 'email',
      address: email,
      consent_type: 'email_opt_in',
      purpose: 'marketing',
      captured_at: '2026-07-01T12:00:00Z',
    },
  });
  expect(grant.statusCode, grant.body).toBe(201);
  await h.deps.database.db
    .insertInto('compliance_settings')
    .values({ property_id: t.property.id, postal_address: '1 Casino Way, Las Vegas, NV 89109' })
    .execute();
  return { t, playerId: json<{ data: { id: string } }>(created).data.id, email };
}

const target = (r: Recipient, extra: Partial<UnsubscribeTarget> = {}): UnsubscribeTarget => ({
  propertyId: r.t.property.id,
  address: r.email,
  playerId: r.playerId,
  ...extra,
});

const page = (token: string, ip = clientIp(), headers: Record<string, string> = {}) =>
  h.inject({ method: 'GET', url: `/u/${token}`, remoteAddress: ip, headers });

const post = (token: string, payload: string, ip = clientIp(), headers: object = FORM) =>
  h.inject({
    method: 'POST',
    url: `/u/${token}`,
    remoteAddress: ip,
    headers: { ...headers, 'user-agent': 'GoogleOneClick/1.0' },
    payload,
  });

const oneClick = (token: string, ip?: string) => post(token, 'List-Unsubscribe=One-Click', ip);

async function revocations(r: Recipient) {
  return (
    h.deps.database.db
      .selectFrom('consents')
      .select(['action', 'purpose', 'program', 'player_id', 'source'])
      .where('property_id', '=', r.t.property.id)
      .where('action', '=', 'revoke')
      // In the order they were recorded: without it, PostgreSQL may answer in any order.
      .orderBy('recorded_at')
      .execute()
  );
}

async function check(r: Recipient, extra: Record<string, unknown> = {}) {
  const response = await h.inject({
    method: 'POST',
    url: '/api/functions/tcpa-check',
    headers: r.t.keyHeaders,
    payload: {
      channel: 'email',
      purpose: 'marketing',
      recipients: [{ player_id: r.playerId }],
      ...extra,
    },
  });
  expect(response.statusCode, response.body).toBe(200);
  return json<{ data: { outcome: string; reasons: string[] }[] }>(response).data[0]!;
}

describe('the unsubscribe token', () => {
  it('opens to its recipient, hides the address, and a tampered byte is 404', async () => {
    const r = await recipient();
    const token = await unsubscribeToken(h.deps, target(r, { program: 'promos' }));
    expect(token).toMatch(/^[A-Za-z0-9_.-]+$/);
    expect(token).not.toContain(r.email.split('@')[0]);
    const ok = await page(token);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.body).toContain(`${r.email[0]}***@example.test`);
    expect(ok.body).not.toContain(r.email);

    // Flip one character of the ciphertext: the GCM tag no longer matches.
    const at = token.length - 5;
    const tampered = token.slice(0, at) + (token[at] === 'A' ? 'B' : 'A') + token.slice(at + 1);
    const forged = expectError(await page(tampered), 404, 'not_found');
    expect(forged.error).toBe(expectError(await page('v1.garbage'), 404, 'not_found').error);
    expectError(await oneClick(tampered), 404, 'not_found');
    // Right key id, wrong lengths inside: still a plain 404, never the cipher's error.
    const [version, keyId] = token.split('.');
    for (const odd of ['AAAA.AAAA', `${'A'.repeat(16)}.AAAA`, `AAAA.${'A'.repeat(40)}`]) {
      expectError(await page(`${version}.${keyId}.${odd}`), 404, 'not_found');
    }
    // Other contents of the same secret box are no tokens.
    expectError(await page(await h.deps.secrets.seal('whsec_not_a_token')), 404, 'not_found');
    expectError(
      await page(await h.deps.secrets.seal(JSON.stringify({ p: r.t.property.id, a: r.email }))),
      404,
      'not_found',
    );
    // A browser gets the 404 as a page.
    const browser = await page(tampered, clientIp(), { accept: 'text/html' });
    expect(browser.statusCode).toBe(404);
    expect(browser.headers['content-type']).toMatch(/^text\/html/);
    expect(await revocations(r)).toEqual([]);
  });

  it('answers errors as a page only when the client prefers text/html, else the envelope', async () => {
    const bad = 'v1.garbage';
    const htmlFor = [
      'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
      'text/html, application/json',
      'application/json;q=0.5, text/html',
    ];
    for (const accept of htmlFor) {
      const answer = await page(bad, clientIp(), { accept });
      expect(answer.statusCode, accept).toBe(404);
      expect(answer.headers['content-type'], accept).toMatch(/^text\/html/);
    }
    const envelopeFor = [
      undefined,
      '*/*',
      'application/json',
      'application/json, text/html',
      'text/html;q=0, */*',
      'text/plain',
    ];
    for (const accept of envelopeFor) {
      const answer = await page(bad, clientIp(), accept === undefined ? {} : { accept });
      expectError(answer, 404, 'not_found');
      expect(answer.headers['content-type'], accept).toMatch(/^application\/json/);
    }
    // A JSON body to the form route: the envelope unless a browser asked for a page.
    const jsonPost = await post(bad, '{"scope":"all"}', clientIp(), {
      'content-type': 'application/json',
    });
    expectError(jsonPost, 415, 'unsupported_media_type');
    const browserPost = await post(bad, '{"scope":"all"}', clientIp(), {
      'content-type': 'application/json',
      accept: 'text/html',
    });
    expect(browserPost.statusCode).toBe(415);
    expect(browserPost.headers['content-type']).toMatch(/^text\/html/);
  });

  it('refuses an address that is not one or a program too long, when the send path asks for a token', async () => {
    const r = await recipient();
    await expect(unsubscribeToken(h.deps, target(r, { address: 'not an email' }))).rejects.toThrow(
      /not a valid email/,
    );
    await expect(unsubscribeToken(h.deps, target(r, { program: 'p'.repeat(201) }))).rejects.toThrow(
      /at most 200/,
    );
  });

  it('goes into List-Unsubscribe and List-Unsubscribe-Post exactly as RFC 8058 has them', async () => {
    const r = await recipient();
    const headers = await unsubscribeHeaders(h.deps, target(r));
    expect(Object.keys(headers).sort()).toEqual(['List-Unsubscribe', 'List-Unsubscribe-Post']);
    expect(headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    const match = /^<http:\/\/playloop\.test\/u\/([A-Za-z0-9_.-]+)>$/.exec(
      headers['List-Unsubscribe'],
    );
    expect(match).not.toBeNull();
    // The URL in the header is the one the provider posts to.
    const response = await oneClick(match![1]!);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
  });
});

describe('one-click and the page', () => {
  it('records a revocation the pre-send check honours for that program only', async () => {
    const r = await recipient();
    expect((await check(r, { program: 'promos' })).outcome).toBe('allow');
    const token = await unsubscribeToken(h.deps, target(r, { program: 'promos' }));
    const ip = clientIp();
    const response = await oneClick(token, ip);
    expect(response.statusCode, response.body).toBe(200);
    expect(await revocations(r)).toEqual([
      {
        action: 'revoke',
        purpose: 'marketing',
        program: 'promos',
        player_id: r.playerId,
        source: {
          method: 'email_one_click',
          scope: 'this',
          ip,
          user_agent: 'GoogleOneClick/1.0',
        },
      },
    ]);
    expect(await check(r, { program: 'promos' })).toMatchObject({
      outcome: 'skip',
      reasons: ['revoked'],
    });
    expect((await check(r, { program: 'vip' })).outcome).toBe('allow');
    // Informational mail needs no marketing consent and is not stopped by this opt-out.
    expect((await check(r, { purpose: 'informational' })).outcome).toBe('allow');
  });

  it("stops every program with the page's 'all' button and answers with a page", async () => {
    const r = await recipient();
    const token = await unsubscribeToken(h.deps, target(r, { program: 'promos' }));
    const response = await post(token, 'scope=all');
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.body).toContain('You are unsubscribed');
    const [record] = await revocations(r);
    expect(record).toMatchObject({
      program: null,
      source: { method: 'email_unsubscribe_page', scope: 'all' },
    });
    for (const program of ['promos', 'vip', undefined]) {
      expect((await check(r, { program })).reasons).toEqual(['revoked']);
    }
  });

  it('accepts the multipart one-click of the RFC 8058 example', async () => {
    const r = await recipient();
    const token = await unsubscribeToken(h.deps, target(r));
    const boundary = '---FormBoundaryjWmhtjORrn';
    const body = [
      `--${boundary}`,
      'Content-Disposition: form-data; name="List-Unsubscribe"',
      '',
      'One-Click',
      `--${boundary}--`,
      '',
    ].join('\r\n');
    const response = await post(token, body, clientIp(), {
      'content-type': `multipart/form-data; boundary=${boundary}`,
    });
    expect(response.statusCode, response.body).toBe(200);
    expect((await check(r)).reasons).toEqual(['revoked']);
  });

  it('never unsubscribes on GET or HEAD (link scanners prefetch)', async () => {
    const r = await recipient();
    const token = await unsubscribeToken(h.deps, target(r));
    for (let i = 0; i < 3; i++) expect((await page(token)).statusCode).toBe(200);
    const head = await h.inject({ method: 'HEAD', url: `/u/${token}`, remoteAddress: clientIp() });
    expect(head.statusCode).toBe(200);
    expect(await revocations(r)).toEqual([]);
    expect((await check(r)).outcome).toBe('allow');
  });

  it("shows the property's name escaped, two buttons posting to the same URL, and no way out", async () => {
    const r = await recipient();
    const name = `<script>alert("x")</script> & 'Casino'`;
    await h.deps.database.db
      .updateTable('properties')
      .set({ name })
      .where('id', '=', r.t.property.id)
      .execute();
    const token = await unsubscribeToken(h.deps, target(r, { program: '<b>VIP</b>' }));
    const response = await page(token);
    expect(response.statusCode).toBe(200);
    expect(response.body).not.toContain('<script>');
    expect(response.body).not.toContain('<b>VIP');
    expect(response.body).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38;');
    // Forms without `action` post to the page's own URL.
    expect(response.body.match(/<form method="post">/g)).toHaveLength(2);
    expect(response.body).toContain('name="scope" value="this"');
    expect(response.body).toContain('name="scope" value="all"');
    expect(response.body).toContain('Unsubscribe from all marketing email');
    expect(response.body).not.toMatch(/<(script|link|img)\b/);
    expect(response.headers['content-security-policy']).toContain("default-src 'none'");
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['set-cookie']).toBeUndefined();
  });

  it('records one revocation however many times the link is used (concurrently too)', async () => {
    const r = await recipient();
    const token = await unsubscribeToken(h.deps, target(r, { program: 'promos' }));
    const ip = clientIp();
    const answers = await Promise.all(Array.from({ length: 5 }, () => oneClick(token, ip)));
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200, 200]);
    expect((await oneClick(token, ip)).statusCode).toBe(200);
    expect(await revocations(r)).toHaveLength(1);
    // "all" is more than "promos": it is recorded, once.
    await post(token, 'scope=all', ip);
    await post(token, 'scope=all', ip);
    expect((await revocations(r)).map((x) => x.program)).toEqual(['promos', null]);
    // After a new grant, the link works again.
    h.clock.advance(1000);
    const regrant = await h.inject({
      method: 'POST',
      url: '/api/functions/record-consent',
      headers: r.t.keyHeaders,
      payload: {
        channel: 'email',
        address: r.email,
        consent_type: 'email_opt_in',
        purpose: 'marketing',
      },
    });
    expect(regrant.statusCode).toBe(201);
    expect((await check(r, { program: 'promos' })).outcome).toBe('allow');
    await oneClick(token, ip);
    expect(await revocations(r)).toHaveLength(3);
    expect((await check(r, { program: 'promos' })).reasons).toEqual(['revoked']);
  });
});

describe('subscription groups', () => {
  async function group(t: PropertyTenant) {
    const row = await h.deps.database.db
      .insertInto('subscription_groups')
      .values({
        property_id: t.property.id,
        name: unique('VIP email'),
        channel: 'email',
        purpose: 'marketing',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  it('leaves the group, and the check skips the player with unsubscribed_group', async () => {
    const r = await recipient();
    const groupId = await group(r.t);
    await h.deps.database.db
      .insertInto('subscription_members')
      .values({
        property_id: r.t.property.id,
        group_id: groupId,
        player_id: r.playerId,
        subscribed: true,
      })
      .execute();
    expect((await check(r, { subscription_group_id: groupId })).outcome).toBe('allow');
    const token = await unsubscribeToken(h.deps, target(r, { groupId, program: 'vip-events' }));
    const shown = await page(token);
    expect(shown.body).toContain('VIP email');
    expect((await oneClick(token)).statusCode).toBe(200);
    const member = await h.deps.database.db
      .selectFrom('subscription_members')
      .select('subscribed')
      .where('group_id', '=', groupId)
      .where('player_id', '=', r.playerId)
      .executeTakeFirstOrThrow();
    expect(member.subscribed).toBe(false);
    expect(
      (await check(r, { subscription_group_id: groupId, program: 'vip-events' })).reasons,
    ).toEqual(['revoked', 'unsubscribed_group']);
    expect((await check(r, { subscription_group_id: groupId, program: 'other' })).reasons).toEqual([
      'unsubscribed_group',
    ]);
  });

  it("adds a player who was never a member as unsubscribed, and never touches another property's group", async () => {
    const r = await recipient();
    const other = await recipient();
    const ownGroup = await group(r.t);
    const theirGroup = await group(other.t);
    await h.deps.database.db
      .insertInto('subscription_members')
      .values({
        property_id: other.t.property.id,
        group_id: theirGroup,
        player_id: other.playerId,
        subscribed: true,
      })
      .execute();
    // A token of this property naming the other property's group and player.
    const crossed = await unsubscribeToken(
      h.deps,
      target(r, { groupId: theirGroup, playerId: other.playerId }),
    );
    expect((await oneClick(crossed)).statusCode).toBe(200);
    const theirs = await h.deps.database.db
      .selectFrom('subscription_members')
      .select('subscribed')
      .where('group_id', '=', theirGroup)
      .execute();
    expect(theirs).toEqual([{ subscribed: true }]);
    expect((await check(other)).outcome).toBe('allow');
    // The revocation is this property's, for its address, and names no foreign player.
    expect((await revocations(r)).map((x) => x.player_id)).toEqual([null]);
    expect(await revocations(other)).toEqual([]);

    const own = await unsubscribeToken(h.deps, target(r, { groupId: ownGroup }));
    expect((await oneClick(own)).statusCode).toBe(200);
    expect(
      await h.deps.database.db
        .selectFrom('subscription_members')
        .select(['player_id', 'subscribed'])
        .where('group_id', '=', ownGroup)
        .execute(),
    ).toEqual([{ player_id: r.playerId, subscribed: false }]);
  });
});

describe('requests the routes refuse', () => {
  it.each([
    ['an unknown scope', 'scope=everything'],
    ['another List-Unsubscribe value', 'List-Unsubscribe=Two-Click'],
    ['an empty form', ''],
  ])('answers 400 to %s, recording nothing', async (_name, body) => {
    const r = await recipient();
    const token = await unsubscribeToken(h.deps, target(r));
    expectError(await post(token, body), 400, 'validation_failed');
    expect(await revocations(r)).toEqual([]);
  });

  it('answers 415 to a JSON body', async () => {
    const r = await recipient();
    const token = await unsubscribeToken(h.deps, target(r));
    const response = await h.inject({
      method: 'POST',
      url: `/u/${token}`,
      remoteAddress: clientIp(),
      payload: { 'List-Unsubscribe': 'One-Click' },
    });
    expectError(response, 415, 'unsupported_media_type');
    expect(await revocations(r)).toEqual([]);
  });

  it('needs no credential and ignores one (a foreign API key changes nothing)', async () => {
    const r = await recipient();
    const other = await recipient();
    const token = await unsubscribeToken(h.deps, target(r));
    const response = await h.inject({
      method: 'POST',
      url: `/u/${token}`,
      remoteAddress: clientIp(),
      headers: { ...FORM, ...other.t.keyHeaders, cookie: 'session=whatever' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(await revocations(r)).toHaveLength(1);
    expect(await revocations(other)).toEqual([]);
  });

  it('answers 404 once the property is gone', async () => {
    const r = await recipient();
    const token = await unsubscribeToken(h.deps, target(r));
    await h.deps.database.db.deleteFrom('properties').where('id', '=', r.t.property.id).execute();
    expectError(await page(token), 404, 'not_found');
  });

  it('throttles invalid links per client address before the work, not valid ones', async () => {
    const r = await recipient();
    const token = await unsubscribeToken(h.deps, target(r));
    const ip = clientIp();
    // Valid links are not what the tight limit counts: a provider posts many from one address.
    for (let i = 0; i < 40; i++) expect((await page(token, ip)).statusCode).toBe(200);
    for (let i = 0; i < 30; i++) expectError(await page(`v1.forged${i}`, ip), 404, 'not_found');
    // The 31st is refused before the token is even opened: a valid one too.
    const refused = expectError(await oneClick(token, ip), 429, 'rate_limited');
    expect(refused.retry_after).toBeGreaterThan(0);
    expect(await revocations(r)).toEqual([]);
    const browser = await page(token, ip, { accept: 'text/html' });
    expect(browser.statusCode).toBe(429);
    expect(browser.headers['retry-after']).toBeDefined();
    // Another address is not affected; the next minute the first one works again.
    expect((await oneClick(token, clientIp())).statusCode).toBe(200);
    h.clock.advance(61_000);
    expect((await page(token, ip)).statusCode).toBe(200);
  });
});
