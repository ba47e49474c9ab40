import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import nodemailer from 'nodemailer';
import { loadConfig } from '../src/config.ts';
import type { Database } from '../src/db/connect.ts';
import { closeDeps, createDeps, type Deps } from '../src/deps.ts';
import { deliverCampaign, planCampaign } from '../src/modules/campaigns/index.ts';
import {
  campaignRow,
  createCampaign,
  freezeContent,
} from '../src/modules/campaigns/campaigns.service.ts';
import { startSending } from '../src/modules/campaigns/campaigns.state.ts';
import { unsubscribeHeaders, updateSettings } from '../src/modules/compliance/index.ts';
import { createTemplate } from '../src/modules/content/index.ts';
import { createProperty } from '../src/modules/properties/index.ts';
import { failures } from './measure.ts';
import { CAMPAIGN_MESSAGES, CAMPAIGN_PLAYERS } from './options.ts';
import { log, spawnTracked } from './proc.ts';
import type { BenchSeed } from './seed.ts';

// Issue 13's two rows (PostgreSQL target). Planning: a campaign to CAMPAIGN_PLAYERS players
// planned in process by planCampaign, as the planning job runs it, against the raw SQL that
// writes the same messages and game sessions in the same batches. Delivery: deliverCampaign
// sending CAMPAIGN_MESSAGES queued messages to a local SMTP sink, against nodemailer alone
// sending the same mails to the same sink through a pool of the same size.

/** One in ten players has no email consent: their message is written as skipped. */
const NO_CONSENT_EVERY = 10;
/** Rows per seeding INSERT … SELECT FROM generate_series. */
const SEED_CHUNK = 100_000;
/** The planner's batch (AUDIENCE_BATCH): the ceiling writes the same batches. */
const BATCH = 1000;
/** SMTP_POOL_SIZE for the delivery row (the server's default) and the bare loop's pool. */
const SMTP_POOL = 5;
/** Messages deliverCampaign has in flight (its CLAIM): the bare loop keeps as many. */
const IN_FLIGHT = 10;
const PUBLIC_URL = 'https://play.bench.example';
const FROM = '"Bench Casino" <promo@casino.example>';
const POSTAL_ADDRESS = '3600 Las Vegas Blvd S, Las Vegas, NV 89109';
/** Stands for the message id in the sample HTML the ceiling writes (one per row). */
const ID_PLACEHOLDER = '00000000-0000-4000-8000-000000000000';

export interface CampaignPlanBench {
  players: number;
  seedSec: number;
  /** Messages written: queued (allowed, rendered, with a session) and skipped (no consent). */
  queued: number;
  skipped: number;
  sessions: number;
  planSec: number;
  /** Recipients (messages written) per second of planCampaign. */
  perSec: number;
  /** planCampaign calls (each plans for at most 30 s, then hands over). */
  calls: number;
  rssBeforeMb: number;
  peakRssMb: number;
  /** Average length of a queued message's html and text body (of 1,000 of them). */
  htmlBytes: number;
  textBytes: number;
  ceilingSec: number;
  ceilingPerSec: number;
  /** planCampaign / ceiling throughput. */
  ratio: number;
}

export interface CampaignDeliverBench {
  messages: number;
  poolSize: number;
  sec: number;
  perSec: number;
  bareSec: number;
  barePerSec: number;
  /** deliverCampaign / bare nodemailer throughput. */
  ratio: number;
}

export interface CampaignsBench {
  plan: CampaignPlanBench;
  deliver: CampaignDeliverBench;
}

interface Sink {
  url: string;
  count(): Promise<number>;
  close(): void;
}

/** bench/smtp-sink.ts in a child process. */
async function startSink(): Promise<Sink> {
  const file = fileURLToPath(new URL('./smtp-sink.ts', import.meta.url));
  const child = spawnTracked(process.execPath, [file], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const waiting: ((line: string) => void)[] = [];
  lines.on('line', (line) => waiting.shift()?.(line));
  const next = () => new Promise<string>((resolve) => waiting.push(resolve));
  const first = await Promise.race([next(), once(child, 'exit').then(() => 'exited')]);
  const port = /^port (\d+)$/.exec(first)?.[1];
  if (!port) throw new Error(`the SMTP sink did not start (${first})`);
  return {
    url: `smtp://127.0.0.1:${port}`,
    async count() {
      const answer = next();
      child.stdin!.write('count\n');
      return Number(/^count (\d+)$/.exec(await answer)?.[1] ?? NaN);
    },
    close() {
      child.stdin!.end();
    },
  };
}

const mb = (bytes: number) => bytes / 1024 / 1024;

/** Samples the process's RSS every 50 ms until stopped; returns the highest seen. */
function sampleRss(): () => number {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  return () => {
    clearInterval(timer);
    return Math.max(peak, process.memoryUsage().rss);
  };
}

/** SQL of the campaign players' deterministic values, for player `i`. */
const playerId = (i: string) => sql.raw(`md5('bench-campaign-player-' || ${i})::uuid`);
const playerEmail = (i: string) => sql.raw(`'cplayer' || ${i} || '@example.com'`);
const FIRST_NAMES = ['James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda'];

/**
 * `count` active adult players with an email address, and for all but one in NO_CONSENT_EVERY a
 * marketing email consent; bulk-inserted as players-seed.ts does (their events off: a table long
 * in service).
 */
async function seedCampaignPlayers(
  database: Database,
  propertyId: string,
  count: number,
): Promise<void> {
  const names = sql.raw(`ARRAY[${FIRST_NAMES.map((name) => `'${name}'`).join(', ')}]`);
  for (let from = 1; from <= count; from += SEED_CHUNK) {
    const to = Math.min(count, from + SEED_CHUNK - 1);
    await database.db.transaction().execute(async (trx) => {
      await sql`SELECT set_config('playloop.player_events', 'off', true)`.execute(trx);
      await sql`
        INSERT INTO players (id, property_id, player_id, email, first_name, last_name, status, tier,
                             timezone, state, country, date_of_birth, created_at, updated_at)
        SELECT ${playerId('i')}, ${propertyId}::uuid, 'CP' || i, ${playerEmail('i')},
               (${names})[1 + abs(hashint4extended(i, 3)) % ${FIRST_NAMES.length}], 'Smith',
               'active', 'Gold', 'America/Los_Angeles', 'NV', 'US',
               date '1950-01-01' + (abs(hashint4extended(i, 7)) % 18000)::int, now(), now()
          FROM generate_series(${from}::int, ${to}::int) AS i`.execute(trx);
    });
    await sql`
      INSERT INTO consents (property_id, player_id, channel, address, action, consent_type,
                            purpose, captured_at, disclosure_version)
      SELECT ${propertyId}::uuid, ${playerId('i')}, 'email', ${playerEmail('i')}, 'grant',
             'email_opt_in', 'marketing', now() - interval '30 days', 'v1'
        FROM generate_series(${from}::int, ${to}::int) AS i
       WHERE i % ${NO_CONSENT_EVERY} <> 0`.execute(database.db);
  }
  await sql`VACUUM ANALYZE players`.execute(database.db);
  await sql`VACUUM ANALYZE consents`.execute(database.db);
}

/** Moves a draft to `sending` as send-campaign does, without the planning job: we run it. */
async function startCampaign(deps: Deps, property: { id: string; orgId: number }, id: string) {
  const content = await freezeContent(deps, property, await campaignRow(deps, property.id, id));
  await deps.database.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('campaigns')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    await startSending(deps, trx, row, content, false);
  });
}

function templateBody(gameId: number): string {
  return `<mjml>
  <mj-head><mj-title>Your free spin</mj-title></mj-head>
  <mj-body background-color="#f4f4f4">
    <mj-section background-color="#1a1a2e">
      <mj-column><mj-text color="#ffffff" font-size="24px" align="center">Bench Casino</mj-text></mj-column>
    </mj-section>
    <mj-section background-color="#ffffff">
      <mj-column>
        <mj-text font-size="18px">Hi {{ player.first_name }},</mj-text>
        <mj-text>Your daily free spin is waiting. One spin, one chance at tonight's jackpot: play it before the link expires.</mj-text>
        <mj-button background-color="#e94560" href="{% game_link game: ${gameId} %}">Spin now</mj-button>
        <mj-text font-size="12px" color="#666666">Not interested any more? <a href="{% unsubscribe_url %}">Unsubscribe</a>.</mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;
}

async function planRow(
  deps: Deps,
  database: Database,
  property: { id: string; orgId: number },
  seed: BenchSeed,
  templateId: string,
): Promise<{ bench: CampaignPlanBench; campaignId: string }> {
  const players = CAMPAIGN_PLAYERS;
  log(`postgres: seeding ${players.toLocaleString('en-US')} campaign players with email consent`);
  const seedStart = performance.now();
  await seedCampaignPlayers(database, property.id, players);
  const seedSec = (performance.now() - seedStart) / 1000;
  log(`postgres: campaign players seeded in ${seedSec.toFixed(1)} s`);

  const campaign = await createCampaign(deps, property, {
    name: 'Bench spin',
    channel: 'email',
    template_id: templateId,
    audience: { type: 'all' },
  });
  await startCampaign(deps, property, campaign.id);

  log(`postgres: planning the campaign to ${players.toLocaleString('en-US')} players`);
  const rssBefore = process.memoryUsage().rss;
  const peakRss = sampleRss();
  const started = performance.now();
  let calls = 0;
  for (;;) {
    const result = await planCampaign(deps, campaign.id);
    calls += 1;
    if (result.next === 'plan') continue;
    if (result.next !== 'deliver') failures.push(`campaign plan: ended with next=${result.next}`);
    break;
  }
  const planSec = (performance.now() - started) / 1000;
  const peak = peakRss();

  const counts = await deps.database.db
    .selectFrom('campaigns')
    .select(['queued', 'skipped', 'audience_size'])
    .where('id', '=', campaign.id)
    .executeTakeFirstOrThrow();
  const sizes = await sql<{ html: number; text: number; sessions: number }>`
    SELECT avg(length(html))::int AS html, avg(length(body))::int AS text,
           (SELECT count(*)::int FROM game_sessions WHERE org_id = ${seed.orgId}::int
               AND metadata->>'campaign_id' = ${campaign.id}) AS sessions
      FROM (SELECT html, body FROM messages
             WHERE campaign_id = ${campaign.id} AND status = 'queued' LIMIT 1000) AS sample`.execute(
    database.db,
  );
  const { html = 0, text = 0, sessions = 0 } = sizes.rows[0] ?? {};
  const written = counts.queued + counts.skipped;
  if (written !== players || counts.audience_size !== players) {
    failures.push(`campaign plan: ${written} messages for ${players} players`);
  }
  if (sessions !== counts.queued) {
    failures.push(`campaign plan: ${sessions} sessions for ${counts.queued} queued messages`);
  }
  log(
    `postgres: planned ${written} messages (${counts.queued} queued, ${counts.skipped} skipped) ` +
      `in ${planSec.toFixed(1)} s`,
  );

  const ceiling = await ceilingRow(deps, database, property, seed, templateId, campaign.id);
  return {
    campaignId: campaign.id,
    bench: {
      players,
      seedSec,
      queued: counts.queued,
      skipped: counts.skipped,
      sessions,
      planSec,
      perSec: written / planSec,
      calls,
      rssBeforeMb: mb(rssBefore),
      peakRssMb: mb(peak),
      htmlBytes: html,
      textBytes: text,
      ceilingSec: ceiling,
      ceilingPerSec: players / ceiling,
      ratio: ceiling / planSec,
    },
  };
}

/**
 * The ceiling of planning: the raw SQL that writes what the planner wrote, batch by batch
 * (BATCH players a statement, one commit each): a message per player, queued with an HTML and
 * text body of a planned message's size (its id substituted per row) and a game session, or
 * skipped for a player without consent. Not included: what the planner reads (audience pages,
 * players, the pre-send check's reads) and the check's decision rows. Returns seconds.
 */
async function ceilingRow(
  deps: Deps,
  database: Database,
  property: { id: string; orgId: number },
  seed: BenchSeed,
  templateId: string,
  plannedId: string,
): Promise<number> {
  const sample = await deps.database.db
    .selectFrom('messages')
    .select(['id', 'subject', 'html', 'body'])
    .where('campaign_id', '=', plannedId)
    .where('status', '=', 'queued')
    .limit(1)
    .executeTakeFirstOrThrow();
  const html = (sample.html ?? '').replaceAll(sample.id, ID_PLACEHOLDER);
  const body = sample.body ?? '';
  const ceiling = await createCampaign(deps, property, {
    name: 'Bench spin ceiling',
    channel: 'email',
    template_id: templateId,
    audience: { type: 'all' },
  });
  const expires = new Date(Date.now() + 168 * 3_600_000);
  log(`postgres: the ceiling, raw SQL writing the same rows in batches of ${BATCH}`);
  const started = performance.now();
  for (let from = 1; from <= CAMPAIGN_PLAYERS; from += BATCH) {
    const to = Math.min(CAMPAIGN_PLAYERS, from + BATCH - 1);
    await sql`
      WITH r AS (
        SELECT i, gen_random_uuid() AS id, ${playerId('i')} AS player,
               i % ${NO_CONSENT_EVERY} <> 0 AS allowed
          FROM generate_series(${from}::int, ${to}::int) AS i),
      m AS (
        INSERT INTO messages (id, property_id, campaign_id, player_id, channel, status,
                              skip_reasons, decision_id, to_address, subject, html, body,
                              send_after, created_at, updated_at)
        SELECT r.id, ${property.id}::uuid, ${ceiling.id}::uuid, r.player, 'email',
               CASE WHEN r.allowed THEN 'queued' ELSE 'skipped' END,
               CASE WHEN r.allowed THEN '{}'::text[] ELSE '{no_consent}'::text[] END,
               gen_random_uuid(), ${playerEmail('r.i')},
               CASE WHEN r.allowed THEN ${sample.subject} END,
               CASE WHEN r.allowed THEN replace(${html}::text, ${ID_PLACEHOLDER}, r.id::text) END,
               CASE WHEN r.allowed THEN ${body}::text END,
               now(), now(), now()
          FROM r
        ON CONFLICT (campaign_id, player_id) DO NOTHING
        RETURNING id, player_id, status)
      INSERT INTO game_sessions (token, org_id, game_id, external_ref, metadata, expires_at,
                                 created_at)
      SELECT gen_random_uuid(), ${seed.orgId}::int, ${seed.gameId}::int, m.id::text,
             jsonb_build_object('player_id', m.player_id, 'property_id', ${property.id}::text,
                                'campaign_id', ${ceiling.id}::text, 'message_id', m.id),
             ${expires}, now()
        FROM m WHERE m.status = 'queued'`.execute(database.db);
  }
  const seconds = (performance.now() - started) / 1000;
  const check = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM messages WHERE campaign_id = ${ceiling.id}`.execute(database.db);
  if (check.rows[0]?.n !== CAMPAIGN_PLAYERS) {
    failures.push(`campaign ceiling: wrote ${check.rows[0]?.n ?? 0} of ${CAMPAIGN_PLAYERS}`);
  }
  return seconds;
}

/**
 * A second campaign holding `CAMPAIGN_MESSAGES` of the planned campaign's queued messages
 * (copied with new ids), planned and due now; deliverCampaign sends them to the sink, then
 * nodemailer alone sends the same mails (headers included) to the same sink.
 */
async function deliverRow(
  deps: Deps,
  database: Database,
  property: { id: string; orgId: number },
  templateId: string,
  plannedId: string,
  sink: Sink,
): Promise<CampaignDeliverBench> {
  const campaign = await createCampaign(deps, property, {
    name: 'Bench delivery',
    channel: 'email',
    template_id: templateId,
    audience: { type: 'all' },
    from_name: 'Bench Casino',
    from_address: 'promo@casino.example',
  });
  await startCampaign(deps, property, campaign.id);
  const copied = await sql`
    INSERT INTO messages (id, property_id, campaign_id, player_id, channel, status, skip_reasons,
                          decision_id, to_address, subject, html, body, send_after, created_at,
                          updated_at)
    SELECT gen_random_uuid(), property_id, ${campaign.id}::uuid, player_id, channel, 'queued', '{}',
           decision_id, to_address, subject, html, body, now() - interval '1 minute', now(), now()
      FROM messages WHERE campaign_id = ${plannedId}::uuid AND status = 'queued'
     ORDER BY id LIMIT ${CAMPAIGN_MESSAGES}::int`.execute(database.db);
  const messages = Number(copied.numAffectedRows ?? 0);
  await sql`UPDATE campaigns SET planned_at = now(), audience_size = ${messages}::int,
                   queued = ${messages}::int WHERE id = ${campaign.id}::uuid`.execute(
    deps.database.db,
  );
  await sql`VACUUM ANALYZE messages`.execute(database.db);

  log(`postgres: deliverCampaign, ${messages} messages to the SMTP sink, pool ${SMTP_POOL}`);
  const before = await sink.count();
  const started = performance.now();
  for (;;) {
    const result = await deliverCampaign(deps, campaign.id);
    if (result.next === 'done') break;
    if (result.next === 'later') {
      failures.push(`campaign deliver: waits until ${result.at.toISOString()}`);
      break;
    }
  }
  const sec = (performance.now() - started) / 1000;
  const after = await sink.count();
  const done = await deps.database.db
    .selectFrom('campaigns')
    .select(['status', 'sent', 'failed'])
    .where('id', '=', campaign.id)
    .executeTakeFirstOrThrow();
  if (done.status !== 'sent' || done.sent !== messages || after - before !== messages) {
    failures.push(
      `campaign deliver: ${done.status}, ${done.sent} sent, ${done.failed} failed, ` +
        `${after - before} accepted by the sink, of ${messages}`,
    );
  }

  // The same mails, built before the clock starts: nodemailer is all the loop measures.
  const rows = await deps.database.db
    .selectFrom('messages')
    .select(['id', 'property_id', 'player_id', 'to_address', 'subject', 'html', 'body'])
    .where('campaign_id', '=', campaign.id)
    .orderBy('id')
    .execute();
  const host = new URL(PUBLIC_URL).hostname;
  const mails = await Promise.all(
    rows.map(async (row) => ({
      from: FROM,
      to: row.to_address ?? '',
      subject: row.subject ?? '',
      html: row.html ?? '',
      text: row.body ?? '',
      messageId: `<${row.id}@${host}>`,
      headers: {
        ...(await unsubscribeHeaders(deps, {
          propertyId: row.property_id,
          address: row.to_address ?? '',
          playerId: row.player_id,
        })),
        'X-PlayLoop-Campaign': campaign.id,
        'X-PlayLoop-Message': row.id,
      },
    })),
  );
  log(`postgres: bare nodemailer, the same ${mails.length} mails, pool ${SMTP_POOL}`);
  const transport = nodemailer.createTransport({
    url: sink.url,
    pool: true,
    maxConnections: SMTP_POOL,
    maxMessages: Infinity,
  });
  const bareBefore = await sink.count();
  const bareStart = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < mails.length) {
        const mail = mails[next++]!;
        await transport.sendMail(mail);
      }
    }),
  );
  const bareSec = (performance.now() - bareStart) / 1000;
  transport.close();
  const bareAccepted = (await sink.count()) - bareBefore;
  if (bareAccepted !== mails.length) {
    failures.push(`campaign bare SMTP: ${bareAccepted} of ${mails.length} accepted`);
  }
  return {
    messages,
    poolSize: SMTP_POOL,
    sec,
    perSec: messages / sec,
    bareSec,
    barePerSec: mails.length / bareSec,
    ratio: bareSec / sec,
  };
}

/**
 * Both campaign rows on the PostgreSQL target's database. Run while no server has it open: a
 * server's workers would take the campaigns' jobs (a sweep restarts any campaign that is
 * `sending`) and share the measured work.
 */
export async function benchCampaignsPostgres(
  url: string,
  /** The benchmark's own connection (no statement timeout): seeding and the raw SQL. */
  database: Database,
  seed: BenchSeed,
): Promise<CampaignsBench> {
  const sink = await startSink();
  // A worker's settings, except the send rate (the highest allowed: the row measures the
  // sender, not the pacing) and the public URL the links are minted under.
  const deps = await createDeps(
    loadConfig({
      DATABASE_URL: url,
      LOG_LEVEL: 'error',
      SEED_DEMO: 'false',
      PUBLIC_URL,
      SMTP_URL: sink.url,
      SMTP_POOL_SIZE: String(SMTP_POOL),
      SEND_RATE_EMAIL_PER_SECOND: '10000',
      ...(process.env.DB_POOL_SIZE ? { DB_POOL_SIZE: process.env.DB_POOL_SIZE } : {}),
    }),
  );
  try {
    const created = await createProperty(deps, undefined, {
      orgId: seed.orgId,
      name: 'Bench campaigns',
      timezone: 'America/Los_Angeles',
    });
    const property = { id: created.id, orgId: seed.orgId };
    await updateSettings(deps, property.id, { postal_address: POSTAL_ADDRESS });
    const template = await createTemplate(deps, property, {
      name: 'Bench spin',
      channel: 'email',
      subject: 'A free spin for you, {{ player.first_name }}',
      body: templateBody(seed.gameId),
    });
    const { bench: plan, campaignId } = await planRow(deps, database, property, seed, template.id);
    const deliver = await deliverRow(deps, database, property, template.id, campaignId, sink);
    return { plan, deliver };
  } finally {
    await closeDeps(deps);
    sink.close();
  }
}

export function formatCampaigns(bench: CampaignsBench): string {
  const f = (n: number, d = 0) =>
    n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
  const { plan, deliver } = bench;
  return [
    '| campaigns (postgres) | per second | time | |',
    '| --- | --- | --- | --- |',
    `| planCampaign, ${f(plan.players)} players | ${f(plan.perSec)} recipients/s | ${f(plan.planSec, 1)} s | ${f(plan.queued)} queued, ${f(plan.skipped)} skipped, ${f(plan.sessions)} sessions; peak RSS ${f(plan.peakRssMb)} MB (${f(plan.rssBeforeMb)} MB before) |`,
    `| raw SQL writing the same rows, ${BATCH} a statement | ${f(plan.ceilingPerSec)} rows/s | ${f(plan.ceilingSec, 1)} s | html ${f(plan.htmlBytes)} B, text ${f(plan.textBytes)} B a message |`,
    `| ratio (planCampaign / raw) | ${f(plan.ratio, 3)} | | seed ${f(plan.seedSec, 1)} s |`,
    `| deliverCampaign → SMTP sink, ${f(deliver.messages)} messages | ${f(deliver.perSec)} mails/s | ${f(deliver.sec, 1)} s | pool ${deliver.poolSize} |`,
    `| nodemailer alone, same mails and pool | ${f(deliver.barePerSec)} mails/s | ${f(deliver.bareSec, 1)} s | ${IN_FLIGHT} in flight |`,
    `| ratio (deliverCampaign / nodemailer) | ${f(deliver.ratio, 3)} | | |`,
  ].join('\n');
}
