import { sql, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { insertEvents } from '../events/index.ts';
import type { TemplateSource } from '../content/content.render.ts';
import { cancelQueued } from './campaigns.messages.repo.ts';
import type { CampaignRow } from './campaigns.repo.ts';

// A campaign's life: draft → scheduled → sending → sent | cancelled | failed. Each move is one
// transaction that also records its event and, when work follows, sends its job.

/** The template as the campaign froze it when sending started. */
export interface CampaignContent extends TemplateSource {
  template_id: string;
  version: number;
  game_ids: number[];
  stream_ids: number[];
}

export const QUEUE_PLAN = 'campaigns.plan';
export const QUEUE_DELIVER = 'campaigns.deliver';

async function orgOf(trx: Transaction<DB>, propertyId: string): Promise<number> {
  const row = await trx
    .selectFrom('properties')
    .select('org_id')
    .where('id', '=', propertyId)
    .executeTakeFirstOrThrow();
  return row.org_id;
}

const eventCampaign = (campaign: CampaignRow) => ({
  campaign_id: campaign.id,
  name: campaign.name,
  channel: campaign.channel,
});

/**
 * Moves a locked draft or scheduled campaign to `sending` with its content frozen, records
 * `campaign.sending`, and sends the planning job, all in the caller's transaction.
 */
export async function startSending(
  deps: Deps,
  trx: Transaction<DB>,
  campaign: CampaignRow,
  content: CampaignContent,
  /** Send the planning job (false when the caller is that job). */
  plan = true,
): Promise<CampaignRow> {
  const now = deps.clock.now();
  const started = await trx
    .updateTable('campaigns')
    .set({
      status: 'sending',
      content: JSON.stringify(content),
      started_at: now,
      heartbeat_at: now,
      updated_at: now,
    })
    .where('id', '=', campaign.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await insertEvents(trx, [
    {
      type: 'campaign.sending',
      orgId: await orgOf(trx, campaign.property_id),
      propertyId: campaign.property_id,
      occurredAt: now,
      data: { ...eventCampaign(started), started_at: now.toISOString() },
    },
  ]);
  if (plan) await deps.jobs.send(QUEUE_PLAN, { campaignId: campaign.id }, { trx });
  return started;
}

/** The campaign's counters, recounted from its messages (exact, whatever a crash lost). */
async function recount(trx: Transaction<DB>, campaignId: string) {
  const { rows } = await sql<Record<string, number>>`
    SELECT count(*) FILTER (WHERE status IN ('queued', 'sending'))::int AS queued,
           count(*) FILTER (WHERE status = 'skipped')::int AS skipped,
           count(*) FILTER (WHERE sent_at IS NOT NULL)::int AS sent,
           count(*) FILTER (WHERE delivered_at IS NOT NULL)::int AS delivered,
           count(*) FILTER (WHERE bounced_at IS NOT NULL)::int AS bounced,
           count(*) FILTER (WHERE status = 'failed')::int AS failed,
           count(*) FILTER (WHERE opened_at IS NOT NULL)::int AS opened,
           count(*) FILTER (WHERE clicked_at IS NOT NULL)::int AS clicked
      FROM messages WHERE campaign_id = ${campaignId}`.execute(trx);
  return rows[0] ?? {};
}

/**
 * Ends a campaign that is still scheduled or sending: `sent` (every message handed over),
 * `cancelled` (queued messages are then cancelled) or `failed`. Counters are recounted and
 * `campaign.finished` recorded once; a campaign already ended is left as it is (false).
 */
export async function finishCampaign(
  deps: Deps,
  campaign: Pick<CampaignRow, 'id' | 'property_id'>,
  status: 'sent' | 'cancelled' | 'failed',
  failure: string | null = null,
  trx?: Transaction<DB>,
): Promise<boolean> {
  const run = async (t: Transaction<DB>) => {
    const now = deps.clock.now();
    const locked = await t
      .selectFrom('campaigns')
      .selectAll()
      .where('id', '=', campaign.id)
      .forUpdate()
      .executeTakeFirst();
    if (!locked || (locked.status !== 'sending' && locked.status !== 'scheduled')) return false;
    if (status === 'cancelled') await cancelQueued(t, campaign.id, now);
    const counts = await recount(t, campaign.id);
    const finished = await t
      .updateTable('campaigns')
      .set({
        ...counts,
        status,
        failure,
        finished_at: now,
        heartbeat_at: now,
        updated_at: now,
      })
      .where('id', '=', campaign.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await insertEvents(t, [
      {
        type: 'campaign.finished',
        orgId: await orgOf(t, campaign.property_id),
        propertyId: campaign.property_id,
        occurredAt: now,
        data: {
          ...eventCampaign(finished),
          status,
          failure,
          counts,
          finished_at: now.toISOString(),
        },
      },
    ]);
    return true;
  };
  return trx ? run(trx) : deps.database.db.transaction().execute(run);
}
