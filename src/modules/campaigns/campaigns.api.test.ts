import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePropertyTenant, type PropertyTenant, unique } from '../../../test/factories.ts';
import {
  createMailHarness,
  expectError,
  json,
  type Harness,
  type MailHarness,
} from '../../../test/harness.ts';
import { addProperty, type Casino, makeCasino } from '../../../test/return-path.ts';
import { createPropertyKey } from '../property-keys/index.ts';
import { deliverCampaign } from './campaigns.deliver.ts';
import { planCampaign } from './campaigns.plan.ts';

// The HTTP contract of campaigns and their messages: every route of campaigns.routes.ts with its
// success, validation (the error envelope), authentication, scopes and tenant isolation; the
// campaign's state machine; list filters and paging; preview and test sends. Planning and
// sending are driven directly (planCampaign / deliverCampaign), as the workers would.

type Headers = Record<string, string>;

interface Campaign {
  id: string;
  name: string;
  channel: string;
  status: string;
  from_address: string | null;
  send_at: string | null;
  local_date: string | null;
  local_time: string | null;
  fallback_time_zone: string | null;
  template_version: number | null;
  audience_size: number | null;
  counts: Record<string, number>;
  created_at: string;
}

interface Message {
  id: string;
  campaign_id: string;
  player_id: string;
  status: string;
  skip_reasons: string[];
  subject: string | null;
  html?: string | null;
  created_at: string;
}

interface Page<T> {
  success: true;
  data: T[];
  next_before: string | null;
}

let h: MailHarness;
let c: Casino;
beforeAll(async () => {
  h = await createMailHarness({ start: new Date('2026-07-14T16:00:00Z') });
  // send-campaign and schedule-campaign enqueue jobs: the queue must exist (no workers run).
  await h.deps.jobs.start();
  c = await makeCasino(h);
  await setPostalAddress(h, c.pk);
});
afterAll(async () => {
  await h.close();
});

const call = (
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  payload?: unknown,
  headers: Headers = c.pk,
  harness: Harness = h,
) =>
  harness.inject({
    method,
    url,
    headers,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

function data<T>(response: LightMyRequestResponse, status = 200): T {
  expect(response.statusCode, response.body).toBe(status);
  return json<{ data: T }>(response).data;
}

/** Asserts the envelope, the code and, when given, the field the details name. */
function refused(response: LightMyRequestResponse, status: number, code: string, field?: string) {
  const body = expectError(response, status, code) as ReturnType<typeof expectError> & {
    details?: { field?: string };
  };
  expect(body).toMatchObject({ success: false });
  if (field !== undefined) expect(body.details?.field, response.body).toBe(field);
  return body;
}

async function setPostalAddress(harness: Harness, headers: Headers) {
  data(
    await harness.inject({
      method: 'PATCH',
      url: '/api/functions/compliance-settings',
      headers,
      payload: { postal_address: '1 Casino Way, Las Vegas NV' },
    }),
  );
}

const emailBody = (gameId?: number) =>
  `<mjml><mj-body><mj-section><mj-column><mj-text>Hi {{ player.first_name | default: "friend" }}</mj-text>${
    gameId === undefined ? '' : `<mj-button href="{% game_link game: ${gameId} %}">Spin</mj-button>`
  }<mj-text><a href="{% unsubscribe_url %}">Unsubscribe</a></mj-text></mj-column></mj-section></mj-body></mjml>`;

async function template(
  headers: Headers,
  channel: 'email' | 'sms' = 'email',
  harness: Harness = h,
  gameId: number | undefined = headers === c.pk ? c.gameId : undefined,
): Promise<string> {
  const payload =
    channel === 'email'
      ? {
          name: unique('tpl'),
          channel,
          subject: 'A spin for you, {{ player.first_name | default: "friend" }}',
          body: emailBody(gameId),
        }
      : { name: unique('tpl'), channel, body: 'Hi {{ player.first_name | default: "friend" }}!' };
  return data<{ id: string }>(await call('POST', '/api/templates', payload, headers, harness), 201)
    .id;
}

async function createCampaign(
  headers: Headers,
  fields: Record<string, unknown>,
  harness: Harness = h,
): Promise<Campaign> {
  return data<Campaign>(
    await call(
      'POST',
      '/api/campaigns',
      { name: unique('Campaign'), channel: 'email', audience: { type: 'all' }, ...fields },
      headers,
      harness,
    ),
    201,
  );
}

/** An email player of the property; with consent, the pre-send check allows marketing mail. */
async function emailPlayer(
  headers: Headers,
  consent: boolean,
  harness: Harness = h,
): Promise<{ id: string; email: string }> {
  const email = `${unique('p')}@example.com`;
  const id = data<{ id: string }>(
    await call(
      'POST',
      '/api/players',
      { player_id: unique('c'), email, first_name: 'Ann', timezone: 'America/New_York' },
      headers,
      harness,
    ),
    201,
  ).id;
  if (consent) {
    data(
      await call(
        'POST',
        '/api/functions/record-consent',
        {
          consents: [
            {
              player_id: id,
              channel: 'email',
              address: email,
              consent_type: 'email_opt_in',
              purpose: 'marketing',
              captured_at: '2026-07-01T00:00:00Z',
            },
          ],
        },
        headers,
        harness,
      ),
      201,
    );
  }
  return { id, email };
}

/** Runs planning and sending to the end, as the workers would (no timers). */
async function runCampaign(id: string): Promise<void> {
  for (let round = 0; round < 50; round++) {
    if ((await planCampaign(h.deps, id)).next !== 'plan') break;
  }
  for (let round = 0; round < 50; round++) {
    const sent = await deliverCampaign(h.deps, id);
    if (sent.next === 'done') return;
    if (sent.next === 'later')
      throw new Error(`campaign ${id} waits until ${sent.at.toISOString()}`);
  }
  throw new Error(`campaign ${id} did not finish`);
}

const send = (id: string, headers: Headers = c.pk, extra: Headers = {}, propertyId?: string) =>
  call(
    'POST',
    '/api/functions/send-campaign',
    { campaignId: id, propertyId: propertyId ?? c.property.id },
    { ...headers, ...extra },
  );

const status = async (id: string, headers: Headers = c.pk) =>
  data<Campaign>(await call('GET', `/api/campaigns/${id}`, undefined, headers)).status;

const hoursFromNow = (hours: number) =>
  new Date(h.clock.now().getTime() + hours * 3_600_000).toISOString();

async function messagesOf(campaignId: string): Promise<number> {
  const row = await h.deps.database.db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('campaign_id', '=', campaignId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function sessionsOf(orgId: number): Promise<number> {
  const row = await h.deps.database.db
    .selectFrom('game_sessions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('org_id', '=', orgId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A second property of the casino's organization with its own read+write key. */
async function freshProperty(): Promise<{ id: string; pk: Headers }> {
  const property = await addProperty(h, c.t.org.id);
  const key = await createPropertyKey(h.deps, undefined, {
    propertyId: property.id,
    name: 'Test key',
    scopes: ['read', 'write'],
    rateLimitPerMinute: 10_000,
  });
  const pk = { 'x-api-key': key.key };
  await setPostalAddress(h, pk);
  return { id: property.id, pk };
}

describe('authentication and scopes', () => {
  it('answers 401 with the envelope on every route when no key is sent', async () => {
    const id = randomUUID();
    const routes: [Parameters<typeof call>[0], string, unknown][] = [
      ['GET', '/api/campaigns', undefined],
      ['POST', '/api/campaigns', { name: 'x', channel: 'email' }],
      ['GET', `/api/campaigns/${id}`, undefined],
      ['PATCH', `/api/campaigns/${id}`, { name: 'y' }],
      ['DELETE', `/api/campaigns/${id}`, undefined],
      ['POST', '/api/functions/send-campaign', { campaignId: id, propertyId: c.property.id }],
      ['POST', '/api/functions/schedule-campaign', { campaign_id: id, send_at: hoursFromNow(1) }],
      ['POST', '/api/functions/cancel-campaign', { campaign_id: id }],
      ['POST', '/api/functions/preview-campaign', { campaign_id: id }],
      ['POST', '/api/functions/test-campaign', { campaign_id: id, to: ['a@example.com'] }],
      ['GET', '/api/messages', undefined],
      ['GET', `/api/messages/${id}`, undefined],
    ];
    for (const [method, url, payload] of routes) {
      refused(await call(method, url, payload, {}), 401, 'unauthorized');
    }
    // A key that does not exist is no better than none.
    refused(
      await call('GET', '/api/campaigns', undefined, { 'x-api-key': `pk_${'0'.repeat(40)}` }),
      401,
      'unauthorized',
    );
  });

  it('lets a read-scope key list, get and preview, and refuses it every change (403)', async () => {
    const readKey = await createPropertyKey(h.deps, undefined, {
      propertyId: c.property.id,
      name: 'Reader',
      scopes: ['read'],
      rateLimitPerMinute: 10_000,
    });
    const reader = { 'x-api-key': readKey.key };
    const templateId = await template(c.pk);
    const player = await emailPlayer(c.pk, true);
    const campaign = await createCampaign(c.pk, {
      template_id: templateId,
      audience: { type: 'players', player_ids: [player.id] },
    });

    const listed = json<Page<Campaign>>(
      await call('GET', '/api/campaigns?limit=100', undefined, reader),
    );
    expect(listed.data.map((row) => row.id)).toContain(campaign.id);
    expect(
      data<Campaign>(await call('GET', `/api/campaigns/${campaign.id}`, undefined, reader)),
    ).toMatchObject({ id: campaign.id, status: 'draft' });
    const preview = data<{ message: { subject: string } }>(
      await call(
        'POST',
        '/api/functions/preview-campaign',
        { campaign_id: campaign.id, player_id: player.id },
        reader,
      ),
    );
    expect(preview.message.subject).toBe('A spin for you, Ann');
    expect(json<Page<Message>>(await call('GET', '/api/messages', undefined, reader)).data).toEqual(
      [],
    );

    const writes: [Parameters<typeof call>[0], string, unknown][] = [
      [
        'POST',
        '/api/campaigns',
        { name: unique('r'), channel: 'email', template_id: templateId, audience: { type: 'all' } },
      ],
      ['PATCH', `/api/campaigns/${campaign.id}`, { name: 'Renamed' }],
      ['DELETE', `/api/campaigns/${campaign.id}`, undefined],
      [
        'POST',
        '/api/functions/send-campaign',
        { campaignId: campaign.id, propertyId: c.property.id },
      ],
      [
        'POST',
        '/api/functions/schedule-campaign',
        { campaign_id: campaign.id, send_at: hoursFromNow(2) },
      ],
      ['POST', '/api/functions/cancel-campaign', { campaign_id: campaign.id }],
      [
        'POST',
        '/api/functions/test-campaign',
        { campaign_id: campaign.id, to: ['qa@example.com'] },
      ],
    ];
    for (const [method, url, payload] of writes) {
      refused(await call(method, url, payload, reader), 403, 'forbidden');
    }
    // A read key of another property fares no better on writes.
    const other = await makePropertyTenant(h, { scopes: ['read'] });
    refused(
      await call('POST', '/api/campaigns', { name: 'x', channel: 'email' }, other.keyHeaders),
      403,
      'forbidden',
    );
    // Nothing was changed, sent or mailed.
    expect(data<Campaign>(await call('GET', `/api/campaigns/${campaign.id}`))).toMatchObject({
      name: campaign.name,
      status: 'draft',
      send_at: null,
    });
    expect(h.smtp.to('qa@example.com')).toHaveLength(0);
  });
});

describe('validation', () => {
  let emailTemplate: string;
  let smsTemplate: string;
  let draft: Campaign;
  beforeAll(async () => {
    emailTemplate = await template(c.pk);
    smsTemplate = await template(c.pk, 'sms');
    draft = await createCampaign(c.pk, { template_id: emailTemplate });
  });

  it('refuses ids that are not UUIDs on every route that takes one', async () => {
    refused(await call('GET', '/api/campaigns/not-a-uuid'), 400, 'validation_failed');
    refused(
      await call('PATCH', '/api/campaigns/not-a-uuid', { name: 'x' }),
      400,
      'validation_failed',
    );
    refused(await call('DELETE', '/api/campaigns/not-a-uuid'), 400, 'validation_failed');
    refused(await call('GET', '/api/messages/42'), 400, 'validation_failed');
    refused(await send('nope'), 400, 'validation_failed');
    refused(await send(draft.id, c.pk, {}, 'nope'), 400, 'validation_failed');
    for (const fn of ['schedule-campaign', 'cancel-campaign', 'preview-campaign']) {
      refused(
        await call('POST', `/api/functions/${fn}`, { campaign_id: 'x'.repeat(36) }),
        400,
        'validation_failed',
      );
    }
    refused(
      await call('POST', '/api/functions/test-campaign', { campaign_id: '1', to: ['a@b.co'] }),
      400,
      'validation_failed',
    );
    refused(await call('GET', '/api/messages?campaign_id=abc'), 400, 'validation_failed');
    refused(await call('GET', '/api/messages?player_id=abc'), 400, 'validation_failed');
    expect(await status(draft.id)).toBe('draft');
  });

  it('refuses unknown fields in bodies and queries, naming the field', async () => {
    const name = unique('Unknown');
    const create = await call('POST', '/api/campaigns', {
      name,
      channel: 'email',
      template_id: emailTemplate,
      audience: { type: 'all' },
      colour: 'red',
    });
    expect(refused(create, 400, 'validation_failed').error).toContain('colour');
    refused(
      await call('PATCH', `/api/campaigns/${draft.id}`, { name: 'x', status: 'sent' }),
      400,
      'validation_failed',
    );
    refused(await call('PATCH', `/api/campaigns/${draft.id}`, {}), 400, 'validation_failed');
    refused(
      await call('POST', '/api/functions/send-campaign', {
        campaignId: draft.id,
        propertyId: c.property.id,
        campaign_id: draft.id,
      }),
      400,
      'validation_failed',
    );
    refused(
      await call('POST', '/api/functions/cancel-campaign', { campaign_id: draft.id, force: true }),
      400,
      'validation_failed',
    );
    refused(await call('GET', '/api/campaigns?sort=name'), 400, 'validation_failed');
    refused(await call('GET', '/api/campaigns?status=paused'), 400, 'validation_failed');
    refused(await call('GET', '/api/messages?status=read'), 400, 'validation_failed');
    refused(await call('GET', '/api/messages?limit=101'), 400, 'validation_failed');
    const names = json<Page<Campaign>>(await call('GET', '/api/campaigns?limit=100')).data.map(
      (row) => row.name,
    );
    expect(names).not.toContain(name);
  });

  it('refuses a template of the other channel and addresses that are not addresses', async () => {
    const name = unique('Wrong');
    refused(
      await call('POST', '/api/campaigns', {
        name,
        channel: 'email',
        template_id: smsTemplate,
        audience: { type: 'all' },
      }),
      400,
      'validation_failed',
      'template_id',
    );
    refused(
      await call('POST', '/api/campaigns', {
        name,
        channel: 'sms',
        template_id: emailTemplate,
        audience: { type: 'all' },
      }),
      400,
      'validation_failed',
      'template_id',
    );
    refused(
      await call('PATCH', `/api/campaigns/${draft.id}`, { template_id: smsTemplate }),
      400,
      'validation_failed',
      'template_id',
    );
    for (const fromAddress of ['not an address', 'promo@', '@casino.example']) {
      refused(
        await call('POST', '/api/campaigns', {
          name,
          channel: 'email',
          template_id: emailTemplate,
          audience: { type: 'all' },
          from_address: fromAddress,
        }),
        400,
        'validation_failed',
        'from_address',
      );
    }
    refused(
      await call('PATCH', `/api/campaigns/${draft.id}`, { reply_to: 'nobody' }),
      400,
      'validation_failed',
      'reply_to',
    );
    refused(
      await call('POST', '/api/campaigns', {
        name,
        channel: 'email',
        template_id: emailTemplate,
        audience: { type: 'players', player_ids: [] },
      }),
      400,
      'validation_failed',
    );
    // Nothing was stored, and the draft kept its template.
    const names = json<Page<Campaign>>(await call('GET', '/api/campaigns?limit=100')).data.map(
      (row) => row.name,
    );
    expect(names).not.toContain(name);
    const after = data<Campaign & { template_id: string; reply_to: string | null }>(
      await call('GET', `/api/campaigns/${draft.id}`),
    );
    expect(after).toMatchObject({ template_id: emailTemplate, reply_to: null });
  });

  it('stores a from_address normalized, and renames a draft (409 when the name is taken)', async () => {
    const campaign = await createCampaign(c.pk, {
      template_id: emailTemplate,
      from_address: 'Promo@Casino.Example',
    });
    expect(campaign.from_address).toBe('promo@casino.example');
    const renamed = data<Campaign>(
      await call('PATCH', `/api/campaigns/${campaign.id}`, { name: `${campaign.name} 2` }),
    );
    expect(renamed).toMatchObject({ id: campaign.id, name: `${campaign.name} 2`, status: 'draft' });
    refused(
      await call('PATCH', `/api/campaigns/${campaign.id}`, { name: draft.name }),
      409,
      'conflict',
    );
    refused(
      await call('POST', '/api/campaigns', {
        name: draft.name,
        channel: 'email',
        template_id: emailTemplate,
        audience: { type: 'all' },
      }),
      409,
      'conflict',
    );
  });

  it('refuses a name of only spaces (400, not a server error)', async () => {
    refused(
      await call('POST', '/api/campaigns', {
        name: '   ',
        channel: 'email',
        template_id: emailTemplate,
        audience: { type: 'all' },
      }),
      400,
      'validation_failed',
      'name',
    );
    refused(
      await call('PATCH', `/api/campaigns/${draft.id}`, { name: ' \t ' }),
      400,
      'validation_failed',
      'name',
    );
    expect(data<Campaign>(await call('GET', `/api/campaigns/${draft.id}`)).name).toBe(draft.name);
  });

  it('refuses schedules in the past, past a year, of two kinds at once, or in no zone', async () => {
    const schedule = (body: Record<string, unknown>) =>
      call('POST', '/api/functions/schedule-campaign', { campaign_id: draft.id, ...body });
    refused(await schedule({ send_at: hoursFromNow(-1) }), 400, 'validation_failed', 'send_at');
    refused(
      await schedule({ send_at: h.clock.now().toISOString() }),
      400,
      'validation_failed',
      'send_at',
    );
    refused(
      await schedule({ send_at: hoursFromNow(24 * 367) }),
      400,
      'validation_failed',
      'send_at',
    );
    refused(
      await schedule({ send_at: hoursFromNow(2), local_date: '2026-08-01', local_time: '10:00' }),
      400,
      'validation_failed',
      'send_at',
    );
    refused(await schedule({}), 400, 'validation_failed', 'send_at');
    refused(await schedule({ local_date: '2026-08-01' }), 400, 'validation_failed', 'send_at');
    refused(
      await schedule({ local_date: '2026-07-01', local_time: '10:00' }),
      400,
      'validation_failed',
      'local_date',
    );
    refused(
      await schedule({ local_date: '2027-09-01', local_time: '10:00' }),
      400,
      'validation_failed',
      'send_at',
    );
    refused(
      await schedule({ local_date: '2026-08-01', local_time: '25:00' }),
      400,
      'validation_failed',
    );
    refused(
      await schedule({
        local_date: '2026-08-01',
        local_time: '10:00',
        fallback_time_zone: 'Mars/Olympus',
      }),
      400,
      'validation_failed',
      'fallback_time_zone',
    );
    expect(data<Campaign>(await call('GET', `/api/campaigns/${draft.id}`))).toMatchObject({
      status: 'draft',
      send_at: null,
      local_date: null,
    });
    // The same draft schedules with valid input: the refusals above were about the input.
    const scheduled = data<Campaign>(
      await schedule({
        local_date: '2026-08-01',
        local_time: '10:00',
        fallback_time_zone: 'Europe/Paris',
      }),
    );
    expect(scheduled).toMatchObject({
      status: 'scheduled',
      local_date: '2026-08-01',
      local_time: '10:00',
      fallback_time_zone: 'Europe/Paris',
    });
    // The first zone to reach 10:00 on August 1 is UTC+14.
    expect(scheduled.send_at).toBe('2026-07-31T20:00:00.000Z');
    data(await call('POST', '/api/functions/cancel-campaign', { campaign_id: draft.id }));
  });

  it('refuses test sends to six addresses or to something that is not an address', async () => {
    const campaign = await createCampaign(c.pk, { template_id: emailTemplate });
    const six = Array.from({ length: 6 }, (_, i) => `qa${i}-${campaign.id}@example.com`);
    const test = (to: unknown) =>
      call('POST', '/api/functions/test-campaign', { campaign_id: campaign.id, to });
    refused(await test(six), 400, 'validation_failed');
    refused(await test([]), 400, 'validation_failed');
    refused(
      await test([`ok-${campaign.id}@example.com`, 'not-an-address']),
      400,
      'validation_failed',
      'to',
    );
    refused(await test(['+15555550123']), 400, 'validation_failed', 'to');
    expect(h.smtp.messages.filter((m) => m.to.some((to) => to.includes(campaign.id)))).toEqual([]);
  });
});

describe('tenant isolation', () => {
  let other: PropertyTenant;
  let theirs: Campaign;
  let theirTemplate: string;
  let theirSegment: string;
  let theirGroup: string;
  let ours: Campaign;
  let ourMessage: string;
  beforeAll(async () => {
    other = await makePropertyTenant(h);
    theirTemplate = await template(other.keyHeaders);
    theirSegment = data<{ id: string }>(
      await call(
        'POST',
        '/api/segments',
        { name: unique('Seg'), filter: 'tier=eq.gold' },
        other.keyHeaders,
      ),
      201,
    ).id;
    theirGroup = data<{ id: string }>(
      await call(
        'POST',
        '/api/subscription_groups',
        { name: unique('Group'), channel: 'email', purpose: 'marketing' },
        other.keyHeaders,
      ),
      201,
    ).id;
    theirs = await createCampaign(other.keyHeaders, { template_id: theirTemplate });

    const player = await emailPlayer(c.pk, true);
    ours = await createCampaign(c.pk, {
      template_id: await template(c.pk),
      audience: { type: 'players', player_ids: [player.id] },
    });
    expect((await send(ours.id)).statusCode).toBe(202);
    await runCampaign(ours.id);
    const messages = json<Page<Message>>(
      await call('GET', `/api/messages?campaign_id=${ours.id}`),
    ).data;
    expect(messages).toHaveLength(1);
    ourMessage = messages[0]!.id;
  });

  it("answers 404 for another property's campaign on every route, changing nothing", async () => {
    const id = theirs.id;
    refused(await call('GET', `/api/campaigns/${id}`), 404, 'not_found');
    refused(await call('PATCH', `/api/campaigns/${id}`, { name: 'Mine now' }), 404, 'not_found');
    refused(await call('DELETE', `/api/campaigns/${id}`), 404, 'not_found');
    refused(await send(id), 404, 'not_found');
    refused(await send(id, c.pk, { 'idempotency-key': randomUUID() }), 404, 'not_found');
    refused(
      await call('POST', '/api/functions/schedule-campaign', {
        campaign_id: id,
        send_at: hoursFromNow(3),
      }),
      404,
      'not_found',
    );
    refused(
      await call('POST', '/api/functions/cancel-campaign', { campaign_id: id }),
      404,
      'not_found',
    );
    refused(
      await call('POST', '/api/functions/preview-campaign', { campaign_id: id }),
      404,
      'not_found',
    );
    refused(
      await call('POST', '/api/functions/test-campaign', {
        campaign_id: id,
        to: ['x@example.com'],
      }),
      404,
      'not_found',
    );
    const listed = json<Page<Campaign>>(await call('GET', '/api/campaigns?limit=100')).data;
    expect(listed.map((row) => row.id)).not.toContain(id);
    expect(
      data<Campaign>(await call('GET', `/api/campaigns/${id}`, undefined, other.keyHeaders)),
    ).toMatchObject({ name: theirs.name, status: 'draft', send_at: null });
  });

  it("answers 404 for another property's message, and lists none of them", async () => {
    refused(
      await call('GET', `/api/messages/${ourMessage}`, undefined, other.keyHeaders),
      404,
      'not_found',
    );
    expect(
      json<Page<Message>>(
        await call('GET', `/api/messages?campaign_id=${ours.id}`, undefined, other.keyHeaders),
      ).data,
    ).toEqual([]);
    expect(
      json<Page<Message>>(await call('GET', '/api/messages', undefined, other.keyHeaders)).data,
    ).toEqual([]);
    // The owner reads it in full.
    const mine = data<Message>(await call('GET', `/api/messages/${ourMessage}`));
    expect(mine).toMatchObject({ id: ourMessage, campaign_id: ours.id, status: 'sent' });
    expect(mine.html).toMatch(/session_token%3D[0-9a-f-]{36}/);
  });

  it("refuses another property's template, segment and subscription group (404)", async () => {
    const ourTemplate = await template(c.pk);
    const name = unique('Borrowed');
    const base = { name, channel: 'email', template_id: ourTemplate, audience: { type: 'all' } };
    refused(
      await call('POST', '/api/campaigns', { ...base, template_id: theirTemplate }),
      404,
      'not_found',
    );
    refused(
      await call('POST', '/api/campaigns', {
        ...base,
        audience: { type: 'segment', segment_id: theirSegment },
      }),
      404,
      'not_found',
    );
    refused(
      await call('POST', '/api/campaigns', { ...base, subscription_group_id: theirGroup }),
      404,
      'not_found',
    );
    refused(
      await call('POST', '/api/campaigns', { ...base, template_id: randomUUID() }),
      404,
      'not_found',
    );
    const draft = await createCampaign(c.pk, { template_id: ourTemplate });
    for (const patch of [
      { template_id: theirTemplate },
      { audience: { type: 'segment', segment_id: theirSegment } },
      { subscription_group_id: theirGroup },
    ]) {
      refused(await call('PATCH', `/api/campaigns/${draft.id}`, patch), 404, 'not_found');
    }
    const names = json<Page<Campaign>>(await call('GET', '/api/campaigns?limit=100')).data.map(
      (row) => row.name,
    );
    expect(names).not.toContain(name);
    expect(
      data<Campaign & { template_id: string; subscription_group_id: string | null }>(
        await call('GET', `/api/campaigns/${draft.id}`),
      ),
    ).toMatchObject({
      template_id: ourTemplate,
      subscription_group_id: null,
      audience: { type: 'all' },
    });
  });

  it("never renders for nor sends to another property's player", async () => {
    const theirPlayer = await emailPlayer(other.keyHeaders, true);
    const ourPlayer = await emailPlayer(c.pk, true);
    const campaign = await createCampaign(c.pk, {
      template_id: await template(c.pk),
      audience: { type: 'players', player_ids: [theirPlayer.id, ourPlayer.id] },
    });
    refused(
      await call('POST', '/api/functions/preview-campaign', {
        campaign_id: campaign.id,
        player_id: theirPlayer.id,
        audience: false,
      }),
      404,
      'not_found',
    );
    refused(
      await call('POST', '/api/functions/test-campaign', {
        campaign_id: campaign.id,
        to: [`qa-${campaign.id}@example.com`],
        player_id: theirPlayer.id,
      }),
      404,
      'not_found',
    );
    const preview = data<{ audience: { size: number } }>(
      await call('POST', '/api/functions/preview-campaign', { campaign_id: campaign.id }),
    );
    expect(preview.audience.size).toBe(1);
    expect((await send(campaign.id)).statusCode).toBe(202);
    await runCampaign(campaign.id);
    const messages = json<Page<Message>>(
      await call('GET', `/api/messages?campaign_id=${campaign.id}`),
    ).data;
    expect(messages.map((m) => m.player_id)).toEqual([ourPlayer.id]);
    expect(data<Campaign>(await call('GET', `/api/campaigns/${campaign.id}`)).audience_size).toBe(
      1,
    );
    expect(h.smtp.to(theirPlayer.email)).toHaveLength(0);
    expect(h.smtp.to(ourPlayer.email)).toHaveLength(1);
    expect(h.smtp.to(`qa-${campaign.id}@example.com`)).toHaveLength(0);
  });

  it('answers 404 to send-campaign naming another property, sending nothing', async () => {
    const draft = await createCampaign(c.pk, { template_id: await template(c.pk) });
    refused(await send(draft.id, c.pk, {}, other.property.id), 404, 'not_found');
    refused(await send(draft.id, c.pk, {}, randomUUID()), 404, 'not_found');
    // Their key with their property cannot reach our campaign either.
    refused(await send(draft.id, other.keyHeaders, {}, other.property.id), 404, 'not_found');
    expect(await status(draft.id)).toBe('draft');
  });
});

describe('the state machine', () => {
  let templateId: string;
  let allowed: { id: string; email: string };
  const audience = () => ({ type: 'players', player_ids: [allowed.id] });
  beforeAll(async () => {
    templateId = await template(c.pk);
    allowed = await emailPlayer(c.pk, true);
  });

  const schedule = (id: string, sendAt = hoursFromNow(1)) =>
    call('POST', '/api/functions/schedule-campaign', { campaign_id: id, send_at: sendAt });
  const cancel = (id: string) =>
    call('POST', '/api/functions/cancel-campaign', { campaign_id: id });

  it('changes and deletes only what the state allows', async () => {
    const draft = await createCampaign(c.pk, { template_id: templateId, audience: audience() });
    refused(await cancel(draft.id), 409, 'conflict');
    expect(await status(draft.id)).toBe('draft');

    const scheduled = await createCampaign(c.pk, { template_id: templateId, audience: audience() });
    expect(data<Campaign>(await schedule(scheduled.id))).toMatchObject({
      status: 'scheduled',
      template_version: 1,
    });
    refused(
      await call('PATCH', `/api/campaigns/${scheduled.id}`, { name: 'Late' }),
      409,
      'conflict',
    );
    refused(await call('DELETE', `/api/campaigns/${scheduled.id}`), 409, 'conflict');
    // Scheduling again replaces the time.
    const later = hoursFromNow(5);
    expect(data<Campaign>(await schedule(scheduled.id, later)).send_at).toBe(later);
    expect(data<Campaign>(await cancel(scheduled.id)).status).toBe('cancelled');
    refused(await cancel(scheduled.id), 409, 'conflict');
    refused(await schedule(scheduled.id), 409, 'conflict');
    refused(
      await call('PATCH', `/api/campaigns/${scheduled.id}`, { name: 'Late' }),
      409,
      'conflict',
    );
    expect(data(await call('DELETE', `/api/campaigns/${scheduled.id}`))).toBeUndefined();
    refused(await call('GET', `/api/campaigns/${scheduled.id}`), 404, 'not_found');
    refused(await call('DELETE', `/api/campaigns/${scheduled.id}`), 404, 'not_found');

    expect(json(await call('DELETE', `/api/campaigns/${draft.id}`))).toEqual({ success: true });
    refused(await call('GET', `/api/campaigns/${draft.id}`), 404, 'not_found');
  });

  it('never plans a scheduled campaign that was cancelled, though its time comes', async () => {
    const cancelled = await createCampaign(c.pk, { template_id: templateId, audience: audience() });
    const control = await createCampaign(c.pk, { template_id: templateId, audience: audience() });
    const at = hoursFromNow(1);
    data(await schedule(cancelled.id, at));
    data(await schedule(control.id, at));
    const withdrawn = data<Campaign>(await cancel(cancelled.id));
    expect(withdrawn).toMatchObject({ status: 'cancelled' });
    h.clock.advance(2 * 3_600_000);

    expect(await planCampaign(h.deps, cancelled.id)).toEqual({ next: 'none' });
    expect(await messagesOf(cancelled.id)).toBe(0);
    expect(await status(cancelled.id)).toBe('cancelled');
    // The one left scheduled starts at its time and gets its message.
    expect(await planCampaign(h.deps, control.id)).toEqual({ next: 'deliver' });
    expect(await messagesOf(control.id)).toBe(1);
    expect(await status(control.id)).toBe('sending');
    refused(await call('DELETE', `/api/campaigns/${control.id}`), 409, 'conflict');
    refused(await send(control.id), 409, 'conflict');

    // Cancelled while sending: the queued message is cancelled and never mailed.
    expect(data<Campaign>(await cancel(control.id)).status).toBe('cancelled');
    const sent = await deliverCampaign(h.deps, control.id);
    expect(sent.next).toBe('done');
    const messages = json<Page<Message>>(
      await call('GET', `/api/messages?campaign_id=${control.id}`),
    ).data;
    expect(messages.map((m) => m.status)).toEqual(['cancelled']);
    expect(h.smtp.to(allowed.email)).toHaveLength(0);
    refused(await send(control.id), 409, 'conflict');
    refused(await send(cancelled.id), 409, 'conflict');
  });

  it('sends a draft or a scheduled campaign once; a sent one is 409 and deletes with its messages', async () => {
    const scheduled = await createCampaign(c.pk, { template_id: templateId, audience: audience() });
    data(await schedule(scheduled.id, hoursFromNow(48)));
    const started = json<{ success: true; data: Campaign }>(await send(scheduled.id));
    expect(started.data).toMatchObject({ id: scheduled.id, status: 'sending' });
    refused(await send(scheduled.id), 409, 'conflict');
    expect(data<Campaign>(await cancel(scheduled.id)).status).toBe('cancelled');
    refused(await cancel(scheduled.id), 409, 'conflict');

    const draft = await createCampaign(c.pk, { template_id: templateId, audience: audience() });
    const response = await send(draft.id);
    expect(response.statusCode, response.body).toBe(202);
    await runCampaign(draft.id);
    const done = data<Campaign>(await call('GET', `/api/campaigns/${draft.id}`));
    expect(done).toMatchObject({ status: 'sent', audience_size: 1 });
    expect(done.counts).toMatchObject({ sent: 1, queued: 0, skipped: 0 });
    refused(await send(draft.id), 409, 'conflict');
    refused(await send(draft.id, c.pk, { 'idempotency-key': randomUUID() }), 409, 'conflict');
    refused(await cancel(draft.id), 409, 'conflict');
    refused(await call('PATCH', `/api/campaigns/${draft.id}`, { name: 'After' }), 409, 'conflict');
    refused(await schedule(draft.id), 409, 'conflict');

    const [message] = json<Page<Message>>(
      await call('GET', `/api/messages?campaign_id=${draft.id}`),
    ).data;
    expect(message?.status).toBe('sent');
    expect(json(await call('DELETE', `/api/campaigns/${draft.id}`))).toEqual({ success: true });
    refused(await call('GET', `/api/messages/${message!.id}`), 404, 'not_found');
    expect(await messagesOf(draft.id)).toBe(0);
  });

  it('sends a local-time scheduled campaign now when send-campaign is called', async () => {
    const campaign = await createCampaign(c.pk, { template_id: templateId, audience: audience() });
    // Tomorrow 10:00 in each zone: hours away for the player (America/New_York).
    const tomorrow = new Date(h.clock.now().getTime() + 86_400_000).toISOString().slice(0, 10);
    data(
      await call('POST', '/api/functions/schedule-campaign', {
        campaign_id: campaign.id,
        local_date: tomorrow,
        local_time: '10:00',
      }),
    );
    const started = await send(campaign.id);
    expect(started.statusCode, started.body).toBe(202);
    expect(json<{ data: Campaign }>(started).data).toMatchObject({
      status: 'sending',
      send_at: null,
      local_date: null,
      local_time: null,
    });
    await runCampaign(campaign.id);
    expect(data<Campaign>(await call('GET', `/api/campaigns/${campaign.id}`))).toMatchObject({
      status: 'sent',
      counts: { sent: 1 },
    });
  });

  it('starts a campaign once when ten sends race without a key', async () => {
    const campaign = await createCampaign(c.pk, { template_id: templateId, audience: audience() });
    const answers = await Promise.all(Array.from({ length: 10 }, () => send(campaign.id)));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([202, ...Array<number>(9).fill(409)]);
    const events = await h.deps.database.db
      .selectFrom('events')
      .select('id')
      .where('property_id', '=', c.property.id)
      .where('type', '=', 'campaign.sending')
      .where(sql<boolean>`payload->>'campaign_id' = ${campaign.id}`)
      .execute();
    expect(events).toHaveLength(1);
    data(await cancel(campaign.id));
  });

  it('holds an Idempotency-Key to one campaign and refuses malformed keys', async () => {
    const first = await createCampaign(c.pk, { template_id: templateId, audience: audience() });
    const second = await createCampaign(c.pk, { template_id: templateId, audience: audience() });
    const key = randomUUID();
    const sent = await send(first.id, c.pk, { 'idempotency-key': key });
    expect(sent.statusCode, sent.body).toBe(202);
    const replay = await send(first.id, c.pk, { 'idempotency-key': key });
    expect(replay.statusCode).toBe(202);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toBe(sent.body);
    refused(await send(second.id, c.pk, { 'idempotency-key': key }), 409, 'conflict');
    expect(await status(second.id)).toBe('draft');

    refused(
      await send(second.id, c.pk, { 'idempotency-key': 'k'.repeat(256) }),
      400,
      'validation_failed',
    );
    refused(
      await send(second.id, c.pk, { 'idempotency-key': 'two words' }),
      400,
      'validation_failed',
      'Idempotency-Key',
    );
    expect(await status(second.id)).toBe('draft');
    // 255 visible characters is a valid key.
    const long = await send(second.id, c.pk, { 'idempotency-key': 'k'.repeat(255) });
    expect(long.statusCode, long.body).toBe(202);
    expect(await status(second.id)).toBe('sending');
    data(await cancel(first.id));
    data(await cancel(second.id));

    // Keys belong to their property: another one using the same key starts its own campaign
    // and is never answered with this property's campaign.
    const p = await freshProperty();
    const theirs = await createCampaign(p.pk, {
      template_id: await template(p.pk, 'email', h, c.gameId),
    });
    const elsewhere = await send(theirs.id, p.pk, { 'idempotency-key': key }, p.id);
    expect(elsewhere.statusCode, elsewhere.body).toBe(202);
    expect(elsewhere.headers['idempotent-replayed']).toBeUndefined();
    expect(json<{ data: Campaign }>(elsewhere).data).toMatchObject({
      id: theirs.id,
      status: 'sending',
    });
    data(await call('POST', '/api/functions/cancel-campaign', { campaign_id: theirs.id }, p.pk));
  });
});

describe('lists', () => {
  it('lists campaigns newest first, filters by status and pages with before', async () => {
    const p = await freshProperty();
    const templateId = await template(p.pk, 'email', h, c.gameId);
    const made: Campaign[] = [];
    for (let i = 0; i < 4; i++) {
      made.push(await createCampaign(p.pk, { template_id: templateId }));
      h.clock.advance(1000);
    }
    // Two more with the same created_at: ties are ordered by id.
    made.push(await createCampaign(p.pk, { template_id: templateId }));
    made.push(await createCampaign(p.pk, { template_id: templateId }));
    h.clock.advance(1000);
    data(
      await call(
        'POST',
        '/api/functions/schedule-campaign',
        { campaign_id: made[1]!.id, send_at: hoursFromNow(1) },
        p.pk,
      ),
    );
    data(
      await call(
        'POST',
        '/api/functions/schedule-campaign',
        { campaign_id: made[4]!.id, send_at: hoursFromNow(1) },
        p.pk,
      ),
    );
    data(await call('POST', '/api/functions/cancel-campaign', { campaign_id: made[4]!.id }, p.pk));

    const newestFirst = [
      ...made.slice(4).sort((a, b) => (a.id < b.id ? 1 : -1)),
      ...made.slice(0, 4).reverse(),
    ].map((row) => row.id);
    const all = json<Page<Campaign>>(await call('GET', '/api/campaigns', undefined, p.pk));
    expect(all.data.map((row) => row.id)).toEqual(newestFirst);
    expect(all.next_before).toBeNull();

    const walked: string[] = [];
    let before: string | null = null;
    for (let page = 0; page < 10; page++) {
      const url: string = `/api/campaigns?limit=1${before ? `&before=${before}` : ''}`;
      const answer = json<Page<Campaign>>(await call('GET', url, undefined, p.pk));
      expect(answer.data.length).toBeLessThanOrEqual(1);
      walked.push(...answer.data.map((row) => row.id));
      before = answer.next_before;
      if (!before) break;
    }
    expect(walked).toEqual(newestFirst);

    const byStatus = async (s: string) =>
      json<Page<Campaign>>(await call('GET', `/api/campaigns?status=${s}`, undefined, p.pk)).data;
    expect((await byStatus('scheduled')).map((row) => row.id)).toEqual([made[1]!.id]);
    expect((await byStatus('cancelled')).map((row) => row.id)).toEqual([made[4]!.id]);
    expect((await byStatus('draft')).map((row) => row.id)).toEqual(
      newestFirst.filter((id) => id !== made[1]!.id && id !== made[4]!.id),
    );
    expect(await byStatus('sent')).toEqual([]);
    // Status and paging together.
    const firstDraft = json<Page<Campaign>>(
      await call('GET', '/api/campaigns?status=draft&limit=2', undefined, p.pk),
    );
    const nextDraft = json<Page<Campaign>>(
      await call(
        'GET',
        `/api/campaigns?status=draft&limit=2&before=${firstDraft.next_before}`,
        undefined,
        p.pk,
      ),
    );
    expect([...firstDraft.data, ...nextDraft.data].map((row) => row.id)).toEqual(
      newestFirst.filter((id) => id !== made[1]!.id && id !== made[4]!.id),
    );

    for (const garbage of [
      'garbage',
      Buffer.from('2026-07-14|nope').toString('base64url'),
      'x'.repeat(201),
    ]) {
      refused(
        await call('GET', `/api/campaigns?before=${garbage}`, undefined, p.pk),
        400,
        'validation_failed',
      );
    }
    data(await call('POST', '/api/functions/cancel-campaign', { campaign_id: made[1]!.id }, p.pk));
  });

  it('lists messages filtered by campaign, player and status, paged with before', async () => {
    const p = await freshProperty();
    const templateId = await template(p.pk, 'email', h, c.gameId);
    const yes = [await emailPlayer(p.pk, true), await emailPlayer(p.pk, true)];
    const no = await emailPlayer(p.pk, false);
    const first = await createCampaign(p.pk, {
      template_id: templateId,
      audience: { type: 'players', player_ids: [...yes.map((x) => x.id), no.id] },
    });
    const second = await createCampaign(p.pk, {
      template_id: templateId,
      audience: { type: 'players', player_ids: [yes[0]!.id] },
    });
    for (const campaign of [first, second]) {
      const response = await send(campaign.id, p.pk, {}, p.id);
      expect(response.statusCode, response.body).toBe(202);
      await runCampaign(campaign.id);
      h.clock.advance(1000);
    }

    const list = async (query: string) =>
      json<Page<Message>>(await call('GET', `/api/messages${query}`, undefined, p.pk));
    const all = await list('');
    expect(all.data).toHaveLength(4);
    expect(all.next_before).toBeNull();
    // Newest first: the second campaign's message was planned a second later.
    expect(all.data[0]!.campaign_id).toBe(second.id);
    expect(all.data[0]).not.toHaveProperty('html');
    expect(all.data[0]).not.toHaveProperty('body');

    const ofFirst = (await list(`?campaign_id=${first.id}`)).data;
    expect(ofFirst.map((m) => m.player_id).sort()).toEqual([...yes.map((x) => x.id), no.id].sort());
    expect((await list(`?campaign_id=${second.id}`)).data.map((m) => m.player_id)).toEqual([
      yes[0]!.id,
    ]);
    const ofPlayer = (await list(`?player_id=${yes[0]!.id}`)).data;
    expect(ofPlayer.map((m) => m.campaign_id)).toEqual([second.id, first.id]);
    const skipped = (await list('?status=skipped')).data;
    expect(skipped.map((m) => m.player_id)).toEqual([no.id]);
    expect(skipped[0]!.skip_reasons).toContain('no_consent');
    expect((await list('?status=sent')).data).toHaveLength(3);
    expect((await list('?status=queued')).data).toEqual([]);
    expect(
      (await list(`?campaign_id=${first.id}&player_id=${yes[1]!.id}&status=sent`)).data.map(
        (m) => m.player_id,
      ),
    ).toEqual([yes[1]!.id]);
    expect((await list(`?campaign_id=${second.id}&player_id=${no.id}`)).data).toEqual([]);
    expect((await list(`?campaign_id=${randomUUID()}`)).data).toEqual([]);

    const walked: string[] = [];
    let before: string | null = null;
    for (let page = 0; page < 10; page++) {
      const answer = await list(`?limit=1${before ? `&before=${before}` : ''}`);
      walked.push(...answer.data.map((m) => m.id));
      before = answer.next_before;
      if (!before) break;
    }
    expect(walked).toEqual(all.data.map((m) => m.id));
    const byTwo = await list(`?campaign_id=${first.id}&limit=2`);
    expect(byTwo.data).toHaveLength(2);
    const rest = await list(`?campaign_id=${first.id}&limit=2&before=${byTwo.next_before}`);
    expect([...byTwo.data, ...rest.data].map((m) => m.id)).toEqual(ofFirst.map((m) => m.id));

    refused(
      await call('GET', '/api/messages?before=garbage', undefined, p.pk),
      400,
      'validation_failed',
      'before',
    );
  });
});

describe('preview-campaign', () => {
  it('renders with preview links, mints nothing, and counts the audience the check would skip', async () => {
    const templateId = await template(c.pk);
    const yes = await emailPlayer(c.pk, true);
    const no = [await emailPlayer(c.pk, false), await emailPlayer(c.pk, false)];
    const campaign = await createCampaign(c.pk, {
      template_id: templateId,
      audience: { type: 'players', player_ids: [yes.id, ...no.map((x) => x.id)] },
    });
    const sessions = await sessionsOf(c.t.org.id);
    const preview = data<{
      message: { channel: string; subject: string; html: string; text: string };
      audience: {
        size: number;
        evaluated: number;
        would_send: number;
        skipped: number;
        would_skip: Record<string, number>;
        sampled: boolean;
      } | null;
    }>(
      await call('POST', '/api/functions/preview-campaign', {
        campaign_id: campaign.id,
        player_id: yes.id,
      }),
    );
    expect(preview.message).toMatchObject({ channel: 'email', subject: 'A spin for you, Ann' });
    expect(preview.message.html).toContain(
      `http://playloop.test/play/game/${c.gameId}?session_token=preview-not-playable`,
    );
    expect(preview.message.text).toContain('session_token=preview-not-playable');
    expect(preview.audience).toEqual({
      size: 3,
      evaluated: 3,
      would_send: 1,
      skipped: 2,
      would_skip: { no_consent: 2 },
      sampled: false,
    });
    expect(await sessionsOf(c.t.org.id)).toBe(sessions);
    expect(await messagesOf(campaign.id)).toBe(0);
    expect(await status(campaign.id)).toBe('draft');

    const quiet = data<{ message: { subject: string }; audience: unknown }>(
      await call('POST', '/api/functions/preview-campaign', {
        campaign_id: campaign.id,
        audience: false,
      }),
    );
    expect(quiet).toMatchObject({ audience: null, message: { subject: 'A spin for you, friend' } });
    refused(
      await call('POST', '/api/functions/preview-campaign', {
        campaign_id: campaign.id,
        player_id: randomUUID(),
      }),
      404,
      'not_found',
    );
  });
});

describe('a draft whose template was deleted', () => {
  it('answers preview, test, send and schedule with 409, a status each route documents', async () => {
    const templateId = await template(c.pk);
    const campaign = await createCampaign(c.pk, { template_id: templateId });
    const deleted = await call('DELETE', `/api/templates/${templateId}`);
    expect(deleted.statusCode, deleted.body).toBe(200);
    expect(
      data<Campaign & { template_id: string | null }>(
        await call('GET', `/api/campaigns/${campaign.id}`),
      ).template_id,
    ).toBeNull();
    const document = h.app.swagger() as unknown as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    const calls: [string, Promise<LightMyRequestResponse>][] = [
      [
        '/api/functions/preview-campaign',
        call('POST', '/api/functions/preview-campaign', { campaign_id: campaign.id }),
      ],
      [
        '/api/functions/test-campaign',
        call('POST', '/api/functions/test-campaign', {
          campaign_id: campaign.id,
          to: [`qa-${campaign.id}@example.com`],
        }),
      ],
      ['/api/functions/send-campaign', send(campaign.id)],
      [
        '/api/functions/schedule-campaign',
        call('POST', '/api/functions/schedule-campaign', {
          campaign_id: campaign.id,
          send_at: hoursFromNow(1),
        }),
      ],
    ];
    for (const [path, response] of calls) {
      refused(await response, 409, 'conflict');
      expect(Object.keys(document.paths[path]?.post?.responses ?? {}), path).toContain('409');
    }
    expect(await status(campaign.id)).toBe('draft');
    expect(h.smtp.to(`qa-${campaign.id}@example.com`)).toHaveLength(0);
  });
});

describe('test-campaign', () => {
  it('mails the team with [Test] subjects through SMTP and stores nothing', async () => {
    const templateId = await template(c.pk);
    const player = await emailPlayer(c.pk, true);
    const campaign = await createCampaign(c.pk, {
      template_id: templateId,
      audience: { type: 'players', player_ids: [player.id] },
      from_address: 'promo@casino.example',
    });
    const to = [`qa-${campaign.id}@example.com`, `Boss-${campaign.id}@Example.com`];
    const sessions = await sessionsOf(c.t.org.id);
    const result = data<{
      results: { to: string; provider: string; provider_id: string | null; error: string | null }[];
      message: { subject: string };
    }>(
      await call('POST', '/api/functions/test-campaign', {
        campaign_id: campaign.id,
        to,
        player_id: player.id,
      }),
    );
    expect(result.results).toHaveLength(2);
    for (const each of result.results) {
      expect(each).toMatchObject({ provider: 'smtp', error: null });
    }
    expect(result.results.map((r) => r.to.toLowerCase())).toEqual(to.map((x) => x.toLowerCase()));
    for (const address of to) {
      const mail = await h.smtp.waitFor((m) =>
        m.to.some((rcpt) => rcpt.toLowerCase() === address.toLowerCase()),
      );
      expect(mail.subject).toBe('[Test] A spin for you, Ann');
      expect(mail.from).toContain('promo@casino.example');
      expect(mail.raw).toContain('preview-not-playable');
    }
    expect(await messagesOf(campaign.id)).toBe(0);
    expect(
      json<Page<Message>>(await call('GET', `/api/messages?campaign_id=${campaign.id}`)).data,
    ).toEqual([]);
    expect(await sessionsOf(c.t.org.id)).toBe(sessions);
    expect(h.smtp.to(player.email)).toHaveLength(0);
    expect(data<Campaign>(await call('GET', `/api/campaigns/${campaign.id}`))).toMatchObject({
      status: 'draft',
      counts: { sent: 0, queued: 0 },
    });
  });

  it('takes phone numbers for an SMS campaign, and says provider none without a sender', async () => {
    const campaign = await createCampaign(c.pk, {
      channel: 'sms',
      template_id: await template(c.pk, 'sms'),
    });
    const test = (to: string[]) =>
      call('POST', '/api/functions/test-campaign', { campaign_id: campaign.id, to });
    refused(await test(['qa@example.com']), 400, 'validation_failed', 'to');
    refused(await test(['12345']), 400, 'validation_failed', 'to');
    const result = data<{
      results: { to: string; provider: string; error: string | null }[];
      message: { channel: string; text: string; segments: number };
    }>(await test(['+1 (702) 555-0148']));
    expect(result.results).toEqual([
      { to: '+17025550148', provider: 'none', provider_id: null, error: null },
    ]);
    expect(result.message).toMatchObject({ channel: 'sms', text: 'Hi friend!', segments: 1 });
    expect(await messagesOf(campaign.id)).toBe(0);
  });

  it('refuses the third test send of an hour when THROTTLE_TEST_SENDS allows two (429)', async () => {
    const limited = await createMailHarness({
      start: new Date('2026-07-14T16:00:00Z'),
      config: { testSendsPerProperty: { limit: 2, windowSeconds: 3600 } },
    });
    try {
      const t = await makePropertyTenant(limited);
      const templateId = await template(t.keyHeaders, 'email', limited);
      const campaign = await createCampaign(t.keyHeaders, { template_id: templateId }, limited);
      const test = (to: string) =>
        call(
          'POST',
          '/api/functions/test-campaign',
          { campaign_id: campaign.id, to: [to] },
          t.keyHeaders,
          limited,
        );
      // A refused request costs nothing of the allowance.
      refused(await test('not-an-address'), 400, 'validation_failed', 'to');
      for (const address of ['one@example.com', 'two@example.com']) {
        const ok = await test(address);
        expect(ok.statusCode, ok.body).toBe(200);
        await limited.smtp.waitFor((m) => m.to.includes(address));
      }
      const third = await test('three@example.com');
      const body = refused(third, 429, 'rate_limited');
      expect(body.retry_after).toBeGreaterThan(0);
      expect(body.retry_after).toBeLessThanOrEqual(3600);
      expect(third.headers['retry-after']).toBe(String(body.retry_after));
      expect(limited.smtp.to('three@example.com')).toHaveLength(0);
      expect(limited.smtp.messages).toHaveLength(2);
      // Another property has its own allowance.
      const u = await makePropertyTenant(limited);
      const theirs = await createCampaign(
        u.keyHeaders,
        { template_id: await template(u.keyHeaders, 'email', limited) },
        limited,
      );
      const elsewhere = await call(
        'POST',
        '/api/functions/test-campaign',
        { campaign_id: theirs.id, to: ['four@example.com'] },
        u.keyHeaders,
        limited,
      );
      expect(elsewhere.statusCode, elsewhere.body).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
