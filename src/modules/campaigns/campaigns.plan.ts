import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Deps } from '../../deps.ts';
import { zonedInstant } from '../../lib/time-zone.ts';
import { checkRecipients, type Decision } from '../compliance/index.ts';
import {
  prepareForSending,
  renderForSending,
  type SendingTemplate,
  templateVariables,
} from '../content/index.ts';
import type { PlayerRow } from '../players/index.ts';
import { type Audience, resolveAudience } from '../segments/index.ts';
import { BatchMinter, trackLinks } from './campaigns.links.ts';
import { insertMessages, type NewMessage, plannedPlayers } from './campaigns.messages.repo.ts';
import { addCounts, campaignById, type CampaignRow } from './campaigns.repo.ts';
import { type CampaignContent, finishCampaign, startSending } from './campaigns.state.ts';

// Planning a campaign: its audience in batches of 1,000 players, each batch checked by the
// pre-send check, rendered with its own links, and written with its sessions in one transaction.
// A job plans for a bounded time and then hands over to its continuation, so a worker that dies
// mid-audience resumes from the last batch written (the campaign's plan_cursor).

/** Seconds one planning job runs before it hands over to a new job. */
const PLAN_SLICE_MS = 30_000;

export interface PropertyFacts {
  org_id: number;
  name: string;
  postal_address: string | null;
}

export async function propertyFacts(deps: Deps, propertyId: string): Promise<PropertyFacts> {
  const { rows } = await sql<PropertyFacts>`
    SELECT p.org_id, p.name, s.postal_address FROM properties p
      LEFT JOIN compliance_settings s ON s.property_id = p.id
     WHERE p.id = ${propertyId}`.execute(deps.database.db);
  const facts = rows[0];
  if (!facts) throw new Error(`property ${propertyId} is gone`);
  return facts;
}

async function loadPlayers(deps: Deps, propertyId: string, ids: readonly string[]) {
  const { rows } = await sql<PlayerRow>`
    SELECT * FROM players WHERE property_id = ${propertyId} AND id = ANY(${ids}::uuid[])`.execute(
    deps.database.db,
  );
  return new Map(rows.map((row) => [row.id, row]));
}

/** The games and streams the content mints links for, when one of them is gone. */
async function missingTargets(deps: Deps, orgId: number, content: CampaignContent) {
  const { rows } = await sql<{ kind: string; id: number }>`
    SELECT 'game' AS kind, g AS id FROM unnest(${content.game_ids}::int[]) g
     WHERE NOT EXISTS (SELECT 1 FROM games WHERE org_id = ${orgId} AND id = g)
    UNION ALL
    SELECT 'stream', s FROM unnest(${content.stream_ids}::int[]) s
     WHERE NOT EXISTS (SELECT 1 FROM streams WHERE org_id = ${orgId} AND id = s)`.execute(
    deps.database.db,
  );
  return rows.map((row) => `${row.kind} ${row.id}`);
}

/** When the recipient's message is due: the campaign's time, or its local time in their zone. */
function sendTime(campaign: CampaignRow, player: PlayerRow | undefined, now: Date): Date {
  if (!campaign.local_date || !campaign.local_time) return now;
  const zone = player?.timezone ?? campaign.fallback_time_zone ?? 'UTC';
  let at: Date;
  try {
    at = zonedInstant(campaign.local_date, campaign.local_time, zone);
  } catch {
    at = zonedInstant(campaign.local_date, campaign.local_time, 'UTC');
  }
  // A zone whose moment has passed (the schedule was set late) gets its message now.
  return at.getTime() < now.getTime() ? now : at;
}

const escapeHtml = (text: string) => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * CAN-SPAM: commercial email carries the sender's valid postal address. When the template did
 * not print it (`{{ property.postal_address }}`), it is added at the end of both parts.
 */
export function postalFooter(facts: PropertyFacts, html: string, text: string) {
  const address = facts.postal_address;
  if (!address || (html.includes(escapeHtml(address)) && text.includes(address))) {
    return { html, text };
  }
  const line = `${facts.name} · ${address}`;
  const block = `<div style="font-family:sans-serif;font-size:12px;color:#666;text-align:center;padding:16px">${escapeHtml(line)}</div>`;
  return {
    html: /<\/body>/i.test(html) ? html.replace(/<\/body>/i, `${block}</body>`) : html + block,
    text: `${text}\n\n${line}`,
  };
}

interface BatchOutcome {
  queued: number;
  skipped: number;
  failed: number;
}

/** A batch checked and rendered, ready to be written after the batch before it. */
type PreparedBatch = (after: string | null) => Promise<BatchOutcome | 'lost'>;

/**
 * Checks and renders a batch (reads and CPU only) and answers the function that writes it,
 * given the cursor the batch must follow: the planner prepares the next batch while the
 * previous one is being written.
 */
async function prepareBatch(
  deps: Deps,
  campaign: CampaignRow,
  facts: PropertyFacts,
  template: SendingTemplate,
  ids: string[],
): Promise<PreparedBatch> {
  const now = deps.clock.now();
  const done = await plannedPlayers(deps.database.db, campaign.id, ids);
  const todo = ids.filter((id) => !done.has(id));
  const players = await loadPlayers(deps, campaign.property_id, todo);

  // One check per send time: a local-time schedule decides each zone's recipients for the
  // moment their message goes out (quiet hours, the state's rules at that hour).
  const groups = new Map<number, string[]>();
  for (const id of todo) {
    const at = sendTime(campaign, players.get(id), now).getTime();
    groups.set(at, [...(groups.get(at) ?? []), id]);
  }
  const decisions = new Map<string, { decision: Decision; at: Date }>();
  for (const [at, group] of groups) {
    const found = await checkRecipients(
      deps,
      { id: campaign.property_id },
      {
        channel: campaign.channel,
        purpose: campaign.purpose,
        program: campaign.program,
        subscriptionGroupId: campaign.subscription_group_id,
        sendAt: new Date(at),
        recipients: group.map((id) => ({ player_id: id })),
      },
      `campaign:${campaign.id}`,
    );
    group.forEach((id, index) => {
      const decision = found[index];
      if (decision) decisions.set(id, { decision, at: new Date(at) });
    });
  }

  const minter = new BatchMinter(
    deps,
    {
      id: campaign.id,
      property_id: campaign.property_id,
      org_id: facts.org_id,
      program: campaign.program,
      subscription_group_id: campaign.subscription_group_id,
      links_expire_at: new Date(
        (campaign.started_at ?? now).getTime() + campaign.link_ttl_hours * 3_600_000,
      ),
    },
    now,
  );
  const messages: NewMessage[] = [];
  let failed = 0;
  for (const id of todo) {
    const entry = decisions.get(id);
    if (!entry) continue;
    const { decision, at } = entry;
    const message: NewMessage = {
      id: randomUUID(),
      player_id: id,
      status: 'skipped',
      skip_reasons: decision.reasons,
      decision_id: decision.id,
      to_address: decision.address,
      subject: null,
      html: null,
      body: null,
      sms_segments: null,
      sms_encoding: null,
      send_after: at,
    };
    if (decision.outcome === 'allow') {
      const player = players.get(id);
      try {
        const rendered = await renderForSending(
          template,
          templateVariables(player, facts),
          minter.forRecipient({
            messageId: message.id,
            playerId: id,
            email: player?.email ?? null,
          }),
        );
        message.status = 'queued';
        if (rendered.channel === 'email') {
          const footer = postalFooter(facts, rendered.html, rendered.text);
          message.subject = rendered.subject;
          message.html = await trackLinks(deps, message.id, footer.html);
          message.body = footer.text;
        } else {
          message.body = rendered.text;
          message.sms_segments = rendered.segments;
          message.sms_encoding = rendered.encoding;
        }
      } catch (error) {
        // One recipient's data broke the render (a limit): their message fails, not the batch.
        failed += 1;
        message.status = 'skipped';
        message.skip_reasons = ['render_failed'];
        message.body = `render failed: ${(error as Error).message}`.slice(0, 500);
      }
    }
    messages.push(message);
  }
  const last = ids.at(-1) ?? null;
  return (after) => {
    return deps.database.db.transaction().execute(async (trx) => {
      // Another planner of the same campaign (a sweep's, a retry's) may have written this batch
      // meanwhile: the cursor, read under the campaign's lock, says so.
      const locked = await trx
        .selectFrom('campaigns')
        .select(['status', 'plan_cursor'])
        .where('id', '=', campaign.id)
        .forUpdate()
        .executeTakeFirst();
      if (!locked || locked.status !== 'sending' || (locked.plan_cursor ?? null) !== after) {
        return 'lost' as const;
      }
      const inserted = await insertMessages(trx, campaign, messages, now);
      const written = new Set(inserted.map((row) => row.id));
      const sessions = minter.sessions.filter((session) => written.has(session.external_ref));
      if (sessions.length > 0) await trx.insertInto('game_sessions').values(sessions).execute();
      const links = minter.shortLinks.filter((link) => written.has(link.message_id));
      if (links.length > 0) await trx.insertInto('short_links').values(links).execute();
      const queued = inserted.filter((row) => row.status === 'queued').length;
      const skipped = inserted.length - queued;
      await trx
        .updateTable('campaigns')
        .set({ plan_cursor: last, heartbeat_at: now, updated_at: now })
        .where('id', '=', campaign.id)
        .execute();
      await addCounts(trx, campaign.id, { queued, skipped }, now);
      return { queued, skipped, failed };
    });
  };
}

/** What follows a planning job: more planning, sending, or nothing (the campaign is not due). */
export interface PlanResult {
  next: 'plan' | 'deliver' | 'none';
}

/** A scheduled campaign whose time has come starts sending (false: not due, or not scheduled). */
async function startScheduled(deps: Deps, campaign: CampaignRow): Promise<CampaignRow | undefined> {
  return deps.database.db.transaction().execute(async (trx) => {
    const locked = await trx
      .selectFrom('campaigns')
      .selectAll()
      .where('id', '=', campaign.id)
      .forUpdate()
      .executeTakeFirst();
    const now = deps.clock.now();
    if (
      !locked ||
      locked.status !== 'scheduled' ||
      !locked.content ||
      (locked.send_at !== null && locked.send_at.getTime() > now.getTime())
    ) {
      return undefined;
    }
    return startSending(deps, trx, locked, locked.content as CampaignContent, false);
  });
}

/**
 * Plans the campaign's audience from where it stopped, for at most PLAN_SLICE_MS; `done` when
 * the whole audience has messages. A campaign that is not `sending` is left alone.
 */
export async function planCampaign(
  deps: Deps,
  campaignId: string,
  signal?: AbortSignal,
): Promise<PlanResult> {
  let campaign = await campaignById(deps.database.db, campaignId);
  if (campaign?.status === 'scheduled') campaign = await startScheduled(deps, campaign);
  if (!campaign || campaign.status !== 'sending') return { next: 'none' };
  if (campaign.planned_at) return { next: 'deliver' };
  const content = campaign.content as CampaignContent | null;
  if (!content) {
    await finishCampaign(deps, campaign, 'failed', 'the campaign has no content');
    return { next: 'none' };
  }
  const facts = await propertyFacts(deps, campaign.property_id);
  const missing = await missingTargets(deps, facts.org_id, content);
  if (missing.length > 0) {
    await finishCampaign(
      deps,
      campaign,
      'failed',
      `its content links to ${missing.join(', ')}, which no longer exist`,
    );
    return { next: 'none' };
  }
  const template = await prepareForSending(content);
  const started = Date.now();
  let audience: AsyncGenerator<string[]>;
  try {
    audience = resolveAudience(
      deps,
      campaign.property_id,
      campaign.audience as Audience,
      campaign.plan_cursor,
    );
  } catch (error) {
    await finishCampaign(deps, campaign, 'failed', (error as Error).message);
    return { next: 'none' };
  }
  // One batch is written while the next is checked and rendered (on PostgreSQL they overlap;
  // PGlite's one connection serializes them).
  let cursor = campaign.plan_cursor;
  let writing: Promise<BatchOutcome | 'lost'> | undefined;
  let writingLast: string | null = null;
  try {
    for await (const ids of audience) {
      const prepared = await prepareBatch(deps, campaign, facts, template, ids);
      if (writing) {
        if ((await writing) === 'lost') return { next: 'plan' };
        cursor = writingLast;
      }
      writing = prepared(cursor);
      writingLast = ids.at(-1) ?? null;
      if (signal?.aborted || Date.now() - started > PLAN_SLICE_MS) {
        await writing;
        return { next: 'plan' };
      }
    }
    if (writing && (await writing) === 'lost') return { next: 'plan' };
  } catch (error) {
    // A write still in flight settles first (its own failure is the job's retry to handle).
    await writing?.catch(() => undefined);
    // The segment was deleted, or its filter no longer parses: nothing more can be planned.
    const code = (error as { code?: string }).code;
    if (code === 'not_found' || code === 'validation_failed') {
      await finishCampaign(deps, campaign, 'failed', (error as Error).message);
      return { next: 'none' };
    }
    throw error;
  }
  const now = deps.clock.now();
  await deps.database.db
    .updateTable('campaigns')
    .set(() => ({
      planned_at: now,
      heartbeat_at: now,
      updated_at: now,
      audience_size: sql<number>`(SELECT count(*)::int FROM messages WHERE campaign_id = ${campaign.id})`,
    }))
    .where('id', '=', campaign.id)
    .where('status', '=', 'sending')
    .execute();
  return { next: 'deliver' };
}
