import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePropertyTenant, type PropertyTenant, unique } from '../../../test/factories.ts';
import { createHarness, expectError, type Harness, json } from '../../../test/harness.ts';
import { createGame } from '../games/index.ts';
import { createPropertyKey } from '../property-keys/index.ts';
import { createStream } from '../streams/index.ts';
import { MAX_TEMPLATES_PER_PROPERTY } from './content.service.ts';

// Content templates through the API, on the database: CRUD, the checks at save (Liquid, MJML,
// games of the organization) with line numbers, previews, the cap, and who may do what.

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ start: new Date('2026-07-14T12:00:00Z') });
});
afterAll(async () => {
  await h.close();
});

interface TemplateData {
  id: string;
  name: string;
  channel: string;
  subject: string | null;
  body: string;
  text_body: string | null;
  game_ids: number[];
  stream_ids: number[];
  version: number;
}

const mjml = (inner: string) =>
  `<mjml>\n<mj-body>\n<mj-section>\n<mj-column>\n${inner}\n</mj-column>\n</mj-section>\n</mj-body>\n</mjml>`;

/** A tenant with a game and a stream of its organization. */
async function tenant(): Promise<PropertyTenant & { gameId: number; streamId: number }> {
  const t = await makePropertyTenant(h);
  const game = await createGame(h.deps, t.org.id, { title: 'Spin' });
  const stream = await createStream(h.deps, t.org.id, {
    name: unique('Stream'),
    gameIds: [game.id],
  });
  return { ...t, gameId: game.id, streamId: stream.id };
}

const create = (headers: Record<string, string>, payload: object) =>
  h.inject({ method: 'POST', url: '/api/templates', headers, payload });

async function created(headers: Record<string, string>, payload: object): Promise<TemplateData> {
  const response = await create(headers, payload);
  expect(response.statusCode, response.body).toBe(201);
  return json<{ data: TemplateData }>(response).data;
}

const smsTemplate = (name = unique('sms')) => ({
  name,
  channel: 'sms',
  body: 'Hi {{ player.first_name | default: "friend" }}!',
});

async function readOnlyKey(t: PropertyTenant): Promise<Record<string, string>> {
  const key = await createPropertyKey(h.deps, undefined, {
    propertyId: t.property.id,
    name: 'Reader',
    scopes: ['read'],
  });
  return { 'x-api-key': key.key };
}

describe('templates', () => {
  it('creates an email template with a game link, and reads, updates and deletes it', async () => {
    const t = await tenant();
    const template = await created(t.keyHeaders, {
      name: 'Welcome',
      channel: 'email',
      subject: 'Welcome, {{ player.first_name | default: "friend" }}',
      body: mjml(
        '<mj-text>Your game:</mj-text>\n<mj-button href="{% game_link game: ' +
          t.gameId +
          ' %}">Play</mj-button>\n<mj-text>{% stream_link stream: ' +
          t.streamId +
          ' %}</mj-text>',
      ),
    });
    expect(template).toMatchObject({
      name: 'Welcome',
      channel: 'email',
      text_body: null,
      game_ids: [t.gameId],
      stream_ids: [t.streamId],
      version: 1,
    });

    const got = await h.inject({ url: `/api/templates/${template.id}`, headers: t.userHeaders });
    expect(got.statusCode, got.body).toBe(200);
    expect(json<{ data: TemplateData }>(got).data).toEqual(template);

    const patched = await h.inject({
      method: 'PATCH',
      url: `/api/templates/${template.id}`,
      headers: t.keyHeaders,
      payload: { name: 'Welcome v2', text_body: 'Play: {% game_link game: ' + t.gameId + ' %}' },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(json<{ data: TemplateData }>(patched).data).toMatchObject({
      name: 'Welcome v2',
      version: 2,
      stream_ids: [t.streamId],
      text_body: `Play: {% game_link game: ${t.gameId} %}`,
    });

    const deleted = await h.inject({
      method: 'DELETE',
      url: `/api/templates/${template.id}`,
      headers: t.keyHeaders,
    });
    expect(deleted.statusCode, deleted.body).toBe(200);
    expectError(
      await h.inject({ url: `/api/templates/${template.id}`, headers: t.keyHeaders }),
      404,
      'not_found',
    );
  });

  it('lists by name in pages, filtered by channel', async () => {
    const t = await tenant();
    for (const name of ['c', 'a', 'b']) {
      await created(t.keyHeaders, { ...smsTemplate(name), body: 'Hello' });
    }
    await created(t.keyHeaders, {
      name: 'mail',
      channel: 'email',
      subject: 'Hi',
      body: mjml('<mj-text>Hi</mj-text>'),
    });
    const page = async (query: string) => {
      const response = await h.inject({ url: `/api/templates?${query}`, headers: t.keyHeaders });
      expect(response.statusCode, response.body).toBe(200);
      const body = json<{ data: TemplateData[]; next_after: string | null }>(response);
      return { names: body.data.map((row) => row.name), next: body.next_after };
    };
    expect(await page('channel=sms&limit=2')).toEqual({ names: ['a', 'b'], next: 'b' });
    expect(await page('channel=sms&limit=2&after=b')).toEqual({ names: ['c'], next: null });
    expect(await page('')).toEqual({ names: ['a', 'b', 'c', 'mail'], next: null });
    expectError(
      await h.inject({ url: '/api/templates?limit=1000', headers: t.keyHeaders }),
      400,
      'validation_failed',
    );
  });

  it('refuses a second template of the same name (409) and a stale version (409)', async () => {
    const t = await tenant();
    const first = await created(t.keyHeaders, { ...smsTemplate('Same'), body: 'One' });
    expectError(
      await create(t.keyHeaders, { ...smsTemplate('Same'), body: 'Two' }),
      409,
      'conflict',
    );
    const other = await created(t.keyHeaders, { ...smsTemplate('Other'), body: 'Two' });
    expectError(
      await h.inject({
        method: 'PATCH',
        url: `/api/templates/${other.id}`,
        headers: t.keyHeaders,
        payload: { name: 'Same' },
      }),
      409,
      'conflict',
    );
    const update = (version: number) =>
      h.inject({
        method: 'PATCH',
        url: `/api/templates/${first.id}`,
        headers: t.keyHeaders,
        payload: { body: `Version after ${version}`, version },
      });
    expect((await update(1)).statusCode).toBe(200);
    const stale = expectError(await update(1), 409, 'conflict');
    expect(stale.error).toContain('version 2');
  });
});

describe('checks at save', () => {
  it('refuses a Liquid error with its part, line and reason', async () => {
    const t = await tenant();
    const body = expectError(
      await create(t.keyHeaders, {
        name: unique('bad'),
        channel: 'email',
        subject: 'Hi',
        body: mjml('<mj-text>{{ player.first_name | shout }}</mj-text>'),
      }),
      400,
      'validation_failed',
    ) as unknown as { details: Record<string, unknown> };
    expect(body.details).toEqual({ field: 'body', line: 5, reason: 'undefined filter: shout' });
  });

  it("refuses a game or stream that is not the organization's, with its line", async () => {
    const t = await tenant();
    const other = await tenant();
    for (const [tag, id, kind] of [
      ['game_link game', other.gameId, 'game'],
      ['stream_link stream', other.streamId, 'stream'],
      ['game_link game', 2_147_483_000, 'game'],
    ] as const) {
      const response = await create(t.keyHeaders, {
        name: unique('foreign'),
        channel: 'sms',
        body: `Hello\n\nPlay {% ${tag}: ${id} %}`,
      });
      const body = expectError(response, 400, 'validation_failed') as unknown as {
        details: Record<string, unknown>;
      };
      expect(body.details).toEqual({
        field: 'body',
        line: 3,
        reason: `${kind} ${id} does not exist in this organization`,
        [`${kind}_id`]: id,
      });
    }
  });

  it('refuses invalid MJML with its line', async () => {
    const t = await tenant();
    const body = expectError(
      await create(t.keyHeaders, {
        name: unique('mjml'),
        channel: 'email',
        subject: 'Hi',
        body: '<mjml>\n<mj-body>\n<mj-section>\n<mj-text>Not in a column</mj-text>\n</mj-section>\n</mj-body>\n</mjml>',
      }),
      400,
      'validation_failed',
    ) as unknown as { details: Record<string, unknown> };
    expect(body.details).toMatchObject({ field: 'body', line: 4 });
  });

  it('refuses a render past the limits with a 400, not a hang', async () => {
    const t = await tenant();
    expectError(
      await create(t.keyHeaders, {
        name: unique('loop'),
        channel: 'sms',
        body: '{% for i in (1..100000000) %}x{% endfor %}',
      }),
      400,
      'validation_failed',
    );
  });

  it('refuses the wrong shape for the channel and oversized sources', async () => {
    const t = await tenant();
    const cases: [object, string][] = [
      [{ channel: 'email', body: mjml('<mj-text>x</mj-text>') }, 'subject'],
      [{ channel: 'sms', subject: 'Hi', body: 'x' }, 'subject'],
      [{ channel: 'sms', text_body: 'x', body: 'x' }, 'text_body'],
      [{ channel: 'sms', body: 'x'.repeat(1601) }, 'body'],
      [{ channel: 'email', subject: 'Hi', body: 'é'.repeat(60_000) }, 'body'],
    ];
    for (const [fields, field] of cases) {
      const body = expectError(
        await create(t.keyHeaders, { name: unique('shape'), ...fields }),
        400,
        'validation_failed',
      ) as unknown as { details?: Record<string, unknown> };
      expect(body.details?.field, JSON.stringify(fields).slice(0, 80)).toBe(field);
    }
    expectError(
      await create(t.keyHeaders, { name: unique('x'), channel: 'fax', body: 'x' }),
      400,
      'validation_failed',
    );
    expectError(
      await create(t.keyHeaders, { name: unique('x'), channel: 'sms' }),
      400,
      'validation_failed',
    );
  });

  it('saves an email body close to the 100 KiB cap', async () => {
    const t = await tenant();
    const body = mjml(`<mj-text>${'x'.repeat(100_000)}</mj-text>`);
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(100 * 1024);
    const template = await created(t.keyHeaders, {
      name: unique('big'),
      channel: 'email',
      subject: 'Big',
      body,
    });
    expect(template.body).toBe(body);
  });

  it('checks the whole template again on update (a game deleted since is refused)', async () => {
    const t = await tenant();
    const template = await created(t.keyHeaders, {
      name: unique('sms'),
      channel: 'sms',
      body: `Play {% game_link game: ${t.gameId} %}`,
    });
    await h.deps.database.db.deleteFrom('games').where('id', '=', t.gameId).execute();
    expectError(
      await h.inject({
        method: 'PATCH',
        url: `/api/templates/${template.id}`,
        headers: t.keyHeaders,
        payload: { name: unique('renamed') },
      }),
      400,
      'validation_failed',
    );
  });
});

describe('the cap', () => {
  it(`holds ${MAX_TEMPLATES_PER_PROPERTY} templates a property, under concurrent creations`, async () => {
    const t = await tenant();
    // All but two written directly (the API path is what is under test for the last ones).
    await sql`
      INSERT INTO templates (property_id, name, channel, body)
      SELECT ${t.property.id}, 'bulk-' || n, 'sms', 'Hello'
        FROM generate_series(1, ${MAX_TEMPLATES_PER_PROPERTY - 2}) AS n
    `.execute(h.deps.database.db);
    const responses = await Promise.all(
      Array.from({ length: 6 }, () => create(t.keyHeaders, { ...smsTemplate(), body: 'Hi' })),
    );
    const statuses = responses.map((response) => response.statusCode).sort();
    expect(statuses).toEqual([201, 201, 403, 403, 403, 403]);
    for (const response of responses.filter((r) => r.statusCode === 403)) {
      expectError(response, 403, 'quota_exceeded');
    }
    const count = await h.deps.database.db
      .selectFrom('templates')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('property_id', '=', t.property.id)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(MAX_TEMPLATES_PER_PROPERTY);
  });
});

describe('previews', () => {
  async function playerOf(t: PropertyTenant, fields: object): Promise<string> {
    const response = await h.inject({
      method: 'POST',
      url: '/api/players',
      headers: t.keyHeaders,
      payload: fields,
    });
    expect(response.statusCode, response.body).toBe(201);
    return json<{ data: { id: string } }>(response).data.id;
  }

  const sessions = async (orgId: number) =>
    Number(
      (
        await sql<{ n: string }>`
          SELECT count(*) AS n FROM game_sessions s JOIN games g ON g.id = s.game_id
           WHERE g.org_id = ${orgId}
        `.execute(h.deps.database.db)
      ).rows[0]?.n,
    );

  it("renders an email for a player (by the casino's id), with preview links and no session", async () => {
    const t = await tenant();
    await playerOf(t, { player_id: 'vip-7', first_name: '<Ada>', traits: { points: 1200 } });
    await h.inject({
      method: 'PATCH',
      url: '/api/functions/compliance-settings',
      headers: t.keyHeaders,
      payload: { postal_address: '1 Casino Way, Las Vegas, NV 89109' },
    });
    const template = await created(t.keyHeaders, {
      name: unique('mail'),
      channel: 'email',
      subject: '{{ player.first_name }}, {{ player.traits.points }} points',
      body: mjml(
        `<mj-text>Hi {{ player.first_name }}</mj-text>\n<mj-button href="{% game_link game: ${t.gameId} %}">Play</mj-button>\n<mj-text>{{ property.postal_address }} <a href="{% unsubscribe_url %}">Unsubscribe</a></mj-text>`,
      ),
    });
    const before = await sessions(t.org.id);
    const response = await h.inject({
      method: 'POST',
      url: `/api/templates/${template.id}/preview`,
      headers: await readOnlyKey(t),
      payload: { player_id: 'vip-7' },
    });
    expect(response.statusCode, response.body).toBe(200);
    const data = json<{
      data: { channel: string; subject: string; html: string; text: string };
    }>(response).data;
    expect(data.channel).toBe('email');
    expect(data.subject).toBe('<Ada>, 1200 points');
    expect(data.html).toContain('Hi &lt;Ada&gt;');
    expect(data.html).toContain(
      `http://playloop.test/play/game/${t.gameId}?session_token=preview-not-playable`,
    );
    expect(data.text).toContain('Hi <Ada>');
    expect(data.text).toContain('1 Casino Way, Las Vegas, NV 89109');
    expect(data.text).toContain('Unsubscribe (http://playloop.test/u/preview-not-a-real-token)');
    expect(await sessions(t.org.id)).toBe(before);
  });

  it('renders an SMS with its encoding and segments', async () => {
    const t = await tenant();
    const id = await playerOf(t, { player_id: unique('p'), first_name: 'Zoë' });
    const template = await created(t.keyHeaders, {
      name: unique('sms'),
      channel: 'sms',
      body: `Hi {{ player.first_name }} 🎰 {% game_link game: ${t.gameId}, short: true %}`,
    });
    const response = await h.inject({
      method: 'POST',
      url: `/api/templates/${template.id}/preview`,
      headers: t.keyHeaders,
      payload: { player_id: id },
    });
    expect(response.statusCode, response.body).toBe(200);
    const data = json<{ data: Record<string, unknown> }>(response).data;
    const text = 'Hi Zoë 🎰 http://playloop.test/l/PREVIEW000';
    expect(data).toEqual({
      channel: 'sms',
      text,
      encoding: 'ucs2',
      length: text.length,
      segments: 1,
      per_segment: 67,
      single_segment: 70,
    });
  });

  it('renders an unsaved template, refusing it as a save would', async () => {
    const t = await tenant();
    const ok = await h.inject({
      method: 'POST',
      url: '/api/functions/render-template',
      headers: await readOnlyKey(t),
      payload: { channel: 'sms', body: 'Hi {{ player.first_name | default: "friend" }} €5' },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(json<{ data: Record<string, unknown> }>(ok).data).toMatchObject({
      text: 'Hi friend €5',
      encoding: 'gsm7',
      length: 13,
      segments: 1,
    });
    const bad = expectError(
      await h.inject({
        method: 'POST',
        url: '/api/functions/render-template',
        headers: t.keyHeaders,
        payload: { channel: 'sms', body: 'one\ntwo {% include "package.json" %}' },
      }),
      400,
      'validation_failed',
    ) as unknown as { details: Record<string, unknown> };
    expect(bad.details).toMatchObject({ field: 'body', line: 2 });
  });
});

describe('access', () => {
  it('answers 401 without a credential', async () => {
    const t = await tenant();
    const template = await created(t.keyHeaders, smsTemplateFor(t));
    for (const [method, url] of [
      ['GET', '/api/templates'],
      ['POST', '/api/templates'],
      ['GET', `/api/templates/${template.id}`],
      ['PATCH', `/api/templates/${template.id}`],
      ['DELETE', `/api/templates/${template.id}`],
      ['POST', `/api/templates/${template.id}/preview`],
      ['POST', '/api/functions/render-template'],
    ] as const) {
      expectError(await h.inject({ method, url, payload: {} }), 401, 'unauthorized');
    }
  });

  it('lets a read-only key read and preview but not change (403)', async () => {
    const t = await tenant();
    const template = await created(t.keyHeaders, smsTemplateFor(t));
    const reader = await readOnlyKey(t);
    expect((await h.inject({ url: '/api/templates', headers: reader })).statusCode).toBe(200);
    expect(
      (await h.inject({ url: `/api/templates/${template.id}`, headers: reader })).statusCode,
    ).toBe(200);
    expectError(await create(reader, smsTemplateFor(t)), 403, 'forbidden');
    expectError(
      await h.inject({
        method: 'PATCH',
        url: `/api/templates/${template.id}`,
        headers: reader,
        payload: { name: 'x' },
      }),
      403,
      'forbidden',
    );
    expectError(
      await h.inject({ method: 'DELETE', url: `/api/templates/${template.id}`, headers: reader }),
      403,
      'forbidden',
    );
    expect(
      (await h.inject({ url: `/api/templates/${template.id}`, headers: t.keyHeaders })).statusCode,
    ).toBe(200);
  });

  it("answers 404 for another property's template and player, changing nothing", async () => {
    const a = await tenant();
    const b = await tenant();
    const theirs = await created(b.keyHeaders, smsTemplateFor(b));
    for (const [method, url, payload] of [
      ['GET', `/api/templates/${theirs.id}`, undefined],
      ['PATCH', `/api/templates/${theirs.id}`, { name: 'Taken over' }],
      ['DELETE', `/api/templates/${theirs.id}`, undefined],
      ['POST', `/api/templates/${theirs.id}/preview`, {}],
    ] as const) {
      for (const headers of [a.keyHeaders, a.userHeaders]) {
        const response = await h.inject({
          method,
          url,
          headers,
          ...(payload === undefined ? {} : { payload }),
        });
        expectError(response, 404, 'not_found');
      }
    }
    const after = await h.inject({ url: `/api/templates/${theirs.id}`, headers: b.keyHeaders });
    expect(json<{ data: TemplateData }>(after).data).toEqual(theirs);

    const player = await h.inject({
      method: 'POST',
      url: '/api/players',
      headers: b.keyHeaders,
      payload: { player_id: 'b-only' },
    });
    expect(player.statusCode).toBe(201);
    const mine = await created(a.keyHeaders, smsTemplateFor(a));
    for (const playerId of ['b-only', json<{ data: { id: string } }>(player).data.id]) {
      expectError(
        await h.inject({
          method: 'POST',
          url: `/api/templates/${mine.id}/preview`,
          headers: a.keyHeaders,
          payload: { player_id: playerId },
        }),
        404,
        'not_found',
      );
    }
  });
});

function smsTemplateFor(t: { gameId: number }) {
  return { ...smsTemplate(), body: `Play {% game_link game: ${t.gameId} %}` };
}
