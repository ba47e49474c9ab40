import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlayer } from '../../src/modules/players/index.ts';
import { makePropertyTenant, type PropertyTenant, unique } from '../factories.ts';
import type { Harness } from '../harness.ts';
import { type CaughtMail, type SmtpCatcher, startSmtpCatcher } from '../smtp.ts';
import { recordFigure, recordSecrets } from './figures.ts';
import { postJson, request } from './load.ts';
import { openSeeder } from './seeder.ts';
import { type ServerProcess, startServer } from './server.ts';
import { startWorker, waitFor, type WorkerProcess } from './webhooks-helpers.ts';

/**
 * Promise 3 (crash), campaigns: a worker killed with SIGKILL in the middle of an email campaign
 * loses no recipient and mails none twice under two identities. The API process only sends jobs
 * (WORKERS=false); a worker process plans and sends at SEND_RATE_EMAIL_PER_SECOND to a local SMTP
 * server, is killed when about a third of the mails arrived, and a replacement finishes the
 * campaign: the sweep restarts it once no worker touched it for CAMPAIGN_CLAIM_TIMEOUT_MS, and
 * the dead worker's claims are sent again with their Message-ID. A mail the dead worker handed to
 * the SMTP server but had not yet recorded as sent arrives twice with the SAME Message-ID (a
 * receiving server or client folds those): counted as duplicates after the crash, not failures.
 */
const SECTION = '3. Crash';
const CONSENTING = 300;
const WITHOUT_CONSENT = 30;
const RATE_PER_SECOND = 20;
const CLAIM_TIMEOUT_MS = 5000;
const WORKER_ENV = {
  SEND_RATE_EMAIL_PER_SECOND: String(RATE_PER_SECOND),
  CAMPAIGN_CLAIM_TIMEOUT_MS: String(CLAIM_TIMEOUT_MS),
};

const figure = (name: string, value: string | number, expected?: string) =>
  recordFigure({ section: SECTION, name, value, ...(expected === undefined ? {} : { expected }) });
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

let h: Harness;
let smtp: SmtpCatcher;
let t: PropertyTenant;

beforeAll(async () => {
  h = await openSeeder('campaign-crash');
  smtp = await startSmtpCatcher();
  t = await makePropertyTenant(h, { perMinute: 100_000 });
  recordSecrets(t.key, t.owner.password, t.owner.token);
});

afterAll(async () => {
  await smtp?.close();
  await h?.close();
});

/** A request of the tenant's read+write key to the in-process app (setup only). */
async function inject<T>(method: 'POST' | 'PATCH', url: string, payload: object): Promise<T> {
  const response = await h.inject({ method, url, headers: t.keyHeaders, payload });
  if (response.statusCode >= 300)
    throw new Error(`${url}: ${response.statusCode} ${response.body}`);
  return (JSON.parse(response.body) as { data: T }).data;
}

interface Recipient {
  readonly id: string;
  readonly email: string;
}

async function players(label: string, count: number): Promise<Recipient[]> {
  const made: Recipient[] = [];
  for (let i = 0; i < count; i++) {
    const email = `${unique(label)}@crash.example.test`;
    const player = await createPlayer(h.deps, t.property.id, {
      player_id: unique(label),
      email,
      first_name: 'Ann',
    });
    made.push({ id: player.id, email });
  }
  return made;
}

/** The Message-ID header of a caught mail. */
function messageIdOf(mail: CaughtMail): string {
  const match = /^message-id:\s*(\S+)/im.exec(mail.raw);
  if (!match?.[1]) throw new Error(`a mail without a Message-ID: ${mail.raw.slice(0, 200)}`);
  return match[1];
}

interface CampaignView {
  status: string;
  audience_size: number | null;
  counts: Record<string, number>;
}

async function campaignOf(api: ServerProcess, id: string): Promise<CampaignView> {
  const answer = await request(`${api.url}/api/campaigns/${id}`, { headers: t.keyHeaders });
  if (answer.status !== 200) throw new Error(`GET campaign: ${answer.status} ${answer.body}`);
  return (JSON.parse(answer.body) as { data: CampaignView }).data;
}

async function statusOf(campaignId: string): Promise<string | undefined> {
  const row = await h.deps.database.db
    .selectFrom('campaigns')
    .select('status')
    .where('id', '=', campaignId)
    .executeTakeFirst();
  return row?.status;
}

async function messageStatuses(campaignId: string): Promise<Record<string, number>> {
  const rows = await h.deps.database.db
    .selectFrom('messages')
    .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
    .where('campaign_id', '=', campaignId)
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((row) => [row.status, Number(row.n)]));
}

describe('campaigns: a worker killed with -9 mid-send', () => {
  it('mails every allowed recipient once (one Message-ID each), skipped players none', async () => {
    // Marketing email carries the property's postal address (CAN-SPAM).
    await inject('PATCH', '/api/functions/compliance-settings', {
      postal_address: '1 Casino Way, Las Vegas NV 89109',
    });
    const allowed = await players('crash-ok', CONSENTING);
    const skipped = await players('crash-no', WITHOUT_CONSENT);
    await inject('POST', '/api/functions/record-consent', {
      consents: allowed.map((p) => ({
        player_id: p.id,
        channel: 'email',
        address: p.email,
        consent_type: 'email_opt_in',
        purpose: 'marketing',
      })),
    });
    const template = await inject<{ id: string }>('POST', '/api/templates', {
      name: unique('Crash'),
      channel: 'email',
      subject: 'A spin for you, {{ player.first_name }}',
      body: '<mjml><mj-body><mj-section><mj-column><mj-text>Hi {{ player.first_name }}</mj-text><mj-text><a href="{% unsubscribe_url %}">Unsubscribe</a></mj-text></mj-column></mj-section></mj-body></mjml>',
    });
    const campaign = await inject<{ id: string }>('POST', '/api/campaigns', {
      name: unique('Crash'),
      channel: 'email',
      template_id: template.id,
      audience: { type: 'all' },
      from_name: 'Casino',
      from_address: 'promo@casino.example',
    });
    const ours = new Set([...allowed, ...skipped].map((p) => p.email.toLowerCase()));
    const received = () => smtp.messages.filter((m) => m.to.some((to) => ours.has(to)));

    const api = await startServer('campaign-crash-api', {
      env: { WORKERS: 'false', SMTP_URL: smtp.url },
    });
    let worker: WorkerProcess | undefined;
    try {
      worker = await startWorker('campaign-crash-worker-killed', {
        ...WORKER_ENV,
        SMTP_URL: smtp.url,
      });
      const started = performance.now();
      const sent = await postJson(
        `${api.url}/api/functions/send-campaign`,
        { campaignId: campaign.id, propertyId: t.property.id },
        { ...t.keyHeaders, 'idempotency-key': unique('crash') },
      );
      expect(sent.status, sent.body).toBe(202);

      // About a third of the mails arrived and the worker holds claims (messages it marked
      // `sending`, waiting for the rate or at the SMTP server): kill it in the middle of sending.
      await waitFor(
        'a third of the mails with some claimed',
        async () =>
          received().length >= CONSENTING / 3 &&
          ((await messageStatuses(campaign.id)).sending ?? 0) > 0,
        120_000,
        () => `(received ${received().length})`,
      );
      const receivedBeforeKill = received().length;
      const killedAt = performance.now();
      await worker.kill('SIGKILL');
      const atKill = await messageStatuses(campaign.id);

      const restartStarted = performance.now();
      worker = await startWorker('campaign-crash-worker-replacement', {
        ...WORKER_ENV,
        SMTP_URL: smtp.url,
      });
      const restartMs = performance.now() - restartStarted;
      await waitFor(
        'the campaign to be sent',
        async () => (await statusOf(campaign.id)) === 'sent',
        180_000,
        () => `(received ${received().length})`,
      );
      const finishedAt = performance.now();
      const view = await campaignOf(api, campaign.id);
      const statuses = await messageStatuses(campaign.id);

      // Per recipient: how many mails, under how many Message-IDs.
      let duplicates = 0;
      let recipientsWithDuplicates = 0;
      const missing: string[] = [];
      const distinctIds: string[] = [];
      for (const player of allowed) {
        const mails = smtp.to(player.email);
        const ids = new Set(mails.map(messageIdOf));
        if (mails.length === 0) missing.push(player.email);
        if (ids.size > 1) distinctIds.push(`${player.email}: ${[...ids].join(', ')}`);
        if (mails.length > 1 && ids.size === 1) {
          duplicates += mails.length - 1;
          recipientsWithDuplicates += 1;
        }
      }
      const mailedSkipped = skipped.filter((p) => smtp.to(p.email).length > 0).length;

      figure(
        'campaign kill -9: recipients (consenting / without consent)',
        `${CONSENTING} / ${WITHOUT_CONSENT}`,
      );
      figure(
        'campaign kill -9: send rate, claim timeout',
        `${RATE_PER_SECOND}/s, ${seconds(CLAIM_TIMEOUT_MS)}`,
      );
      figure('campaign kill -9: mails received before the kill', receivedBeforeKill);
      figure(
        'campaign kill -9: messages claimed (sending) by the killed worker',
        atKill.sending ?? 0,
      );
      figure('campaign kill -9: messages still queued at the kill', atKill.queued ?? 0);
      figure('campaign kill -9: replacement worker start', seconds(restartMs));
      figure(
        'campaign kill -9: time from the kill to the campaign sent',
        seconds(finishedAt - killedAt),
        '≤ claim timeout + the sweep (every 30 s) + the rest of the sending',
      );
      figure('campaign kill -9: time from send-campaign to sent', seconds(finishedAt - started));
      figure('campaign kill -9: mails received in all', received().length);
      figure('campaign kill -9: allowed recipients without a mail', missing.length, '0');
      figure(
        'campaign kill -9: recipients with mails under more than one Message-ID',
        distinctIds.length,
        '0',
      );
      figure(
        'campaign kill -9: duplicate after crash (same Message-ID again)',
        `${duplicates} mails to ${recipientsWithDuplicates} recipients`,
        `≤ ${atKill.sending ?? 0} (claimed at the kill)`,
      );
      figure('campaign kill -9: players without consent mailed', mailedSkipped, '0');
      figure(
        'campaign kill -9: campaign status and counts',
        `${view.status} ${JSON.stringify(view.counts)}`,
        `sent, ${CONSENTING} sent, ${WITHOUT_CONSENT} skipped`,
      );
      figure('campaign kill -9: messages by status', JSON.stringify(statuses));

      // The kill happened mid-send: mails had arrived, others had not, and the dead worker held
      // claims that only the claim timeout gives back.
      expect(receivedBeforeKill).toBeGreaterThan(0);
      expect(receivedBeforeKill).toBeLessThan(CONSENTING);
      expect(atKill.sending ?? 0).toBeGreaterThan(0);
      expect(missing).toEqual([]);
      expect(distinctIds).toEqual([]);
      expect(mailedSkipped).toBe(0);
      // Same-Message-ID duplicates are reported above, not failed: only a message the dead worker
      // held (claimed, not recorded) can arrive twice, and a receiver folds it by its Message-ID.
      expect(view.status).toBe('sent');
      expect(view.audience_size).toBe(CONSENTING + WITHOUT_CONSENT);
      expect(view.counts).toMatchObject({
        sent: CONSENTING,
        skipped: WITHOUT_CONSENT,
        queued: 0,
        failed: 0,
      });
      expect(statuses).toEqual({ sent: CONSENTING, skipped: WITHOUT_CONSENT });
    } finally {
      await worker?.kill();
      await api.kill();
    }
  });
});
