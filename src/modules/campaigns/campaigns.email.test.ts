import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unique } from '../../../test/factories.ts';
import { createMailHarness, json, type MailHarness } from '../../../test/harness.ts';
import { decodeQuotedPrintable } from '../../../test/smtp.ts';
import { completePlay, startPlay } from '../../../test/play.ts';
import { addPlayer, type Casino, dispatchEvents, makeCasino } from '../../../test/return-path.ts';
import { deliverCampaign } from './campaigns.deliver.ts';
import { planCampaign } from './campaigns.plan.ts';

// An email campaign end to end on a real SMTP server: a segment with mixed consent, the
// pre-send check deciding who gets it, each mail carrying its own game link, the plays of two
// recipients landing on the right players, and Idempotency-Key retries sending once.

let h: MailHarness;
let c: Casino;
beforeAll(async () => {
  h = await createMailHarness({ start: new Date('2026-07-14T16:00:00Z') });
  await h.deps.jobs.start();
  c = await makeCasino(h);
});
afterAll(async () => {
  await h.close();
});

const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
  h.inject({ method: 'POST', url, headers: { ...c.pk, ...headers }, payload: payload as object });

async function ok<T = Record<string, unknown>>(
  response: Promise<Awaited<ReturnType<typeof post>>>,
  status = 200,
): Promise<T> {
  const answer = await response;
  expect(answer.statusCode, answer.body).toBe(status);
  return json<{ data: T }>(answer).data;
}

/** Runs planning and sending to the end, as the workers would (no timers). */
async function runCampaign(id: string): Promise<void> {
  for (let round = 0; round < 50; round++) {
    const planned = await planCampaign(h.deps, id);
    if (planned.next !== 'plan') break;
  }
  for (let round = 0; round < 50; round++) {
    const sent = await deliverCampaign(h.deps, id);
    if (sent.next === 'done') return;
    if (sent.next === 'later')
      throw new Error(`campaign ${id} waits until ${sent.at.toISOString()}`);
  }
  throw new Error(`campaign ${id} did not finish`);
}

/** A raw mail with its quoted-printable parts decoded (headers untouched). */
const decoded = (raw: string) => decodeQuotedPrintable(raw);

async function emailPlayer(tier: string, consent: 'grant' | 'revoke' | null) {
  const email = `${unique('p')}@example.com`;
  const created = await h.inject({
    method: 'POST',
    url: '/api/players',
    headers: c.pk,
    payload: {
      player_id: unique('c'),
      email,
      first_name: 'Ann',
      tier,
      timezone: 'America/New_York',
    },
  });
  expect(created.statusCode, created.body).toBe(201);
  const id = json<{ data: { id: string } }>(created).data.id;
  if (consent) {
    await ok(
      post('/api/functions/record-consent', {
        consents: [
          {
            player_id: id,
            channel: 'email',
            address: email,
            consent_type: 'email_opt_in',
            purpose: 'marketing',
            captured_at: '2026-07-01T00:00:00Z',
          },
          ...(consent === 'revoke'
            ? [
                {
                  player_id: id,
                  channel: 'email',
                  address: email,
                  action: 'revoke',
                  captured_at: '2026-07-02T00:00:00Z',
                },
              ]
            : []),
        ],
      }),
      201,
    );
  }
  return { id, email };
}

describe('an email campaign to a segment', () => {
  let tier: string;
  let allowed: { id: string; email: string }[];
  let refused: { id: string; email: string }[];
  let campaignId: string;

  beforeAll(async () => {
    tier = unique('gold');
    await ok(
      h.inject({
        method: 'PATCH',
        url: '/api/functions/compliance-settings',
        headers: c.pk,
        payload: { postal_address: '1 Casino Way, Las Vegas NV' },
      }),
    );
    allowed = [
      await emailPlayer(tier, 'grant'),
      await emailPlayer(tier, 'grant'),
      await emailPlayer(tier, 'grant'),
    ];
    refused = [await emailPlayer(tier, null), await emailPlayer(tier, 'revoke')];
    await addPlayer(h, c, unique('other')); // outside the segment
    const segment = await ok<{ id: string }>(
      post('/api/segments', { name: unique('Gold'), filter: `tier=eq.${tier}` }),
      201,
    );
    const template = await ok<{ id: string }>(
      post('/api/templates', {
        name: unique('Spin'),
        channel: 'email',
        subject: 'A spin for you, {{ player.first_name }}',
        body: `<mjml><mj-body><mj-section><mj-column><mj-text>Hi {{ player.first_name | default: "friend" }}</mj-text><mj-button href="{% game_link game: ${c.gameId} %}">Spin</mj-button><mj-text><a href="{% unsubscribe_url %}">Unsubscribe</a></mj-text></mj-column></mj-section></mj-body></mjml>`,
      }),
      201,
    );
    const campaign = await ok<{ id: string; status: string }>(
      post('/api/campaigns', {
        name: unique('Summer spin'),
        channel: 'email',
        template_id: template.id,
        audience: { type: 'segment', segment_id: segment.id },
        from_name: 'Casino',
        from_address: 'promo@casino.example',
      }),
      201,
    );
    expect(campaign.status).toBe('draft');
    campaignId = campaign.id;
  });

  it('sends once for sequential and 100 concurrent retries with one Idempotency-Key', async () => {
    const key = randomUUID();
    const body = { campaignId, propertyId: c.property.id };
    const first = await post('/api/functions/send-campaign', body, { 'idempotency-key': key });
    expect(first.statusCode, first.body).toBe(202);
    const again = await post('/api/functions/send-campaign', body, { 'idempotency-key': key });
    expect(again.statusCode).toBe(202);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toBe(first.body);
    const burst = await Promise.all(
      Array.from({ length: 100 }, () =>
        post('/api/functions/send-campaign', body, { 'idempotency-key': key }),
      ),
    );
    expect(burst.map((r) => r.statusCode)).toEqual(Array(100).fill(202));
    expect(new Set(burst.map((r) => r.body))).toEqual(new Set([first.body]));
    // Without the key, a campaign that started is a conflict.
    const unkeyed = await post('/api/functions/send-campaign', body);
    expect(unkeyed.statusCode, unkeyed.body).toBe(409);
    const events = await h.deps.database.db
      .selectFrom('events')
      .select('type')
      .where('property_id', '=', c.property.id)
      .where('type', '=', 'campaign.sending')
      .execute();
    expect(events).toHaveLength(1);
  });

  it('mails exactly the players the check allows, each with its own working game link', async () => {
    await runCampaign(campaignId);
    const campaign = await ok<{
      status: string;
      counts: Record<string, number>;
      audience_size: number;
    }>(h.inject({ method: 'GET', url: `/api/campaigns/${campaignId}`, headers: c.pk }));
    expect(campaign.status).toBe('sent');
    expect(campaign.audience_size).toBe(5);
    expect(campaign.counts).toMatchObject({ sent: 3, skipped: 2, queued: 0, failed: 0 });

    for (const player of allowed) {
      const mails = h.smtp.to(player.email);
      expect(mails, player.email).toHaveLength(1);
    }
    for (const player of refused) expect(h.smtp.to(player.email)).toHaveLength(0);

    const messages = await ok<{ player_id: string; status: string; skip_reasons: string[] }[]>(
      h.inject({ method: 'GET', url: `/api/messages?campaign_id=${campaignId}`, headers: c.pk }),
    );
    expect(messages).toHaveLength(5);
    const byPlayer = new Map(messages.map((m) => [m.player_id, m]));
    for (const player of allowed) expect(byPlayer.get(player.id)?.status).toBe('sent');
    expect(byPlayer.get(refused[0]!.id)?.skip_reasons).toContain('no_consent');
    expect(byPlayer.get(refused[1]!.id)?.skip_reasons).toContain('revoked');

    // Each mail's game link is its own session; two recipients play theirs, the first through
    // the tracked link of the HTML part, the second from the plain-text part.
    const tokens = allowed.map((player) => {
      const mail = decoded(h.smtp.to(player.email)[0]!.raw);
      const token = /session_token=([0-9a-f-]{36})/i.exec(mail)?.[1];
      expect(token, mail.slice(0, 3000)).toBeDefined();
      return token!;
    });
    expect(new Set(tokens).size).toBe(3);
    const click = /http:\/\/playloop\.test(\/c\/[0-9a-f-]{36}\?u=[^"]+)"/.exec(
      decoded(h.smtp.to(allowed[0]!.email)[0]!.raw),
    )?.[1];
    expect(click).toBeDefined();
    const followed = await h.inject({ method: 'GET', url: click!.replaceAll('&amp;', '&') });
    expect(followed.statusCode, followed.body).toBe(302);
    expect(followed.headers.location).toBe(
      `http://playloop.test/play/game/${c.gameId}?session_token=${tokens[0]}`,
    );
    // A link the message did not contain is refused: not an open redirect.
    const forged = await h.inject({
      method: 'GET',
      url: click!
        .replaceAll('&amp;', '&')
        .replace(/u=[^&]+/, `u=${encodeURIComponent('https://evil.example/')}`),
    });
    expect(forged.statusCode).toBe(404);
    for (const index of [0, 1]) {
      const device = randomUUID();
      const started = await startPlay(
        h,
        { session_token: tokens[index]!, game_id: c.gameId },
        device,
      );
      expect(started.statusCode, started.body).toBe(200);
      const playId = json<{ data: { play: { id: number } } }>(started).data.play.id;
      expect((await completePlay(h, playId, device)).statusCode).toBe(200);
    }
    await dispatchEvents(h, c.t.org.id);
    for (const [index, player] of allowed.entries()) {
      const profile = await ok<{ plays: number }>(
        h.inject({ method: 'GET', url: `/api/players/${player.id}`, headers: c.pk }),
      );
      expect(profile.plays, `player ${index}`).toBe(index < 2 ? 1 : 0);
    }
  });

  it('carries one-click unsubscribe headers, the postal address and tracked links', () => {
    const raw = decoded(h.smtp.to(allowed[2]!.email)[0]!.raw).replace(/\r\n[ \t]+/g, ' ');
    expect(raw).toMatch(/^List-Unsubscribe: <http:\/\/playloop\.test\/u\/[^>]+>/im);
    expect(raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click/im);
    expect(raw).toContain('1 Casino Way');
    expect(raw).toMatch(/http:\/\/playloop\.test\/c\/[0-9a-f-]{36}\?u=/);
  });

  it("is in the player's data export and goes with their erasure", async () => {
    const player = allowed[2]!;
    const exported = await ok<{ messages: { subject: string; status: string }[] }>(
      post('/api/functions/export-player-data', { player_id: player.id }),
    );
    expect(exported.messages).toHaveLength(1);
    expect(exported.messages[0]).toMatchObject({ status: 'sent', subject: 'A spin for you, Ann' });
    await ok(post('/api/functions/delete-player-data', { player_id: player.id }));
    const left = await h.deps.database.db
      .selectFrom('messages')
      .select('id')
      .where('player_id', '=', player.id)
      .execute();
    expect(left).toHaveLength(0);
  });
});
