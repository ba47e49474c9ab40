import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { checkRecipients } from '../compliance/index.ts';
import {
  prepareForSending,
  renderForSending,
  type SendingTemplate,
  templateVariables,
} from '../content/index.ts';
import type { PlayerRow } from '../players/index.ts';
import { continueLater } from './campaigns.deliver.ts';
import { BatchMinter, trackLinks } from './campaigns.links.ts';
import { propertyFacts, postalFooter } from './campaigns.plan.ts';
import { addCounts, campaignById, type CampaignRow } from './campaigns.repo.ts';
import { type CampaignContent, QUEUE_DELIVER } from './campaigns.state.ts';

// Triggered sends: one message to one player, queued by a journey's send step through the
// step's own campaign (created when the journey version is published). The message is checked
// and rendered before the step's transaction and written inside it, with its sessions and short
// links, so a step that does not commit leaves nothing behind.

export interface TriggeredCampaign {
  name: string;
  channel: 'email' | 'sms';
  purpose: 'marketing' | 'informational' | 'transactional';
  content: CampaignContent;
  program: string | null;
  subscription_group_id: string | null;
  from_name: string | null;
  from_address: string | null;
  reply_to: string | null;
  link_ttl_hours: number;
  journey_id: string;
  journey_node: string;
}

/** Creates the open (`sending`) campaign a journey step delivers through. */
export async function createTriggeredCampaign(
  trx: Transaction<DB>,
  propertyId: string,
  values: TriggeredCampaign,
  now: Date,
): Promise<string> {
  const { content, ...rest } = values;
  const row = await trx
    .insertInto('campaigns')
    .values({
      property_id: propertyId,
      ...rest,
      template_id: content.template_id,
      content: JSON.stringify(content),
      audience: JSON.stringify({ type: 'journey', journey_id: values.journey_id }),
      status: 'sending',
      started_at: now,
      heartbeat_at: now,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Ends a journey's campaigns (the journey was archived): queued messages still go out. */
export async function closeTriggeredCampaigns(
  trx: Transaction<DB>,
  journeyId: string,
  now: Date,
): Promise<void> {
  await trx
    .updateTable('campaigns')
    .set({ planned_at: now, updated_at: now })
    .where('journey_id', '=', journeyId)
    .where('status', '=', 'sending')
    .execute();
}

// A campaign's content never changes once it sends: its prepared template is kept per process.
const prepared = new Map<string, Promise<SendingTemplate>>();

function templateOf(campaign: CampaignRow): Promise<SendingTemplate> {
  let template = prepared.get(campaign.id);
  if (!template) {
    template = prepareForSending(campaign.content as CampaignContent);
    template.catch(() => prepared.delete(campaign.id));
    if (prepared.size > 1000) prepared.clear();
    prepared.set(campaign.id, template);
  }
  return template;
}

export interface TriggeredMessage {
  /** queued, or skipped with the pre-send check's reasons (or render_failed). */
  readonly status: 'queued' | 'skipped';
  readonly reasons: readonly string[];
  readonly messageId: string;
  /** Writes the message, its sessions and short links in the step's transaction. */
  write(trx: Transaction<DB>): Promise<boolean>;
  /** After the step committed: the campaign's sender is woken. */
  wake(): Promise<void>;
}

/**
 * Checks and renders the player's message of a triggered campaign (reads and CPU only).
 * `metadata` is added to the minted sessions' metadata (the journey run), so the play that
 * follows names the run that sent the link.
 */
export async function prepareTriggeredMessage(
  deps: Deps,
  campaignId: string,
  player: PlayerRow,
  runId: string,
  metadata: Record<string, string>,
): Promise<TriggeredMessage> {
  const campaign = await campaignById(deps.database.db, campaignId);
  if (!campaign) throw new Error(`campaign ${campaignId} is gone`);
  const now = deps.clock.now();
  const facts = await propertyFacts(deps, campaign.property_id);
  const [decision] = await checkRecipients(
    deps,
    { id: campaign.property_id },
    {
      channel: campaign.channel,
      purpose: campaign.purpose,
      program: campaign.program,
      subscriptionGroupId: campaign.subscription_group_id,
      sendAt: now,
      recipients: [{ player_id: player.id }],
    },
    `journey:${campaign.journey_id ?? campaign.id}`,
  );
  if (!decision) throw new Error('the pre-send check answered no decision');
  const messageId = randomUUID();
  const minter = new BatchMinter(
    deps,
    {
      id: campaign.id,
      property_id: campaign.property_id,
      org_id: facts.org_id,
      program: campaign.program,
      subscription_group_id: campaign.subscription_group_id,
      links_expire_at: new Date(now.getTime() + campaign.link_ttl_hours * 3_600_000),
      metadata,
    },
    now,
  );
  const message = {
    id: messageId,
    property_id: campaign.property_id,
    campaign_id: campaign.id,
    player_id: player.id,
    channel: campaign.channel,
    journey_run_id: runId,
    status: 'skipped' as 'queued' | 'skipped',
    skip_reasons: decision.reasons as string[],
    decision_id: decision.id,
    to_address: decision.address,
    subject: null as string | null,
    html: null as string | null,
    body: null as string | null,
    sms_segments: null as number | null,
    sms_encoding: null as string | null,
    send_after: now,
    created_at: now,
    updated_at: now,
  };
  if (decision.outcome === 'allow') {
    try {
      const rendered = await renderForSending(
        await templateOf(campaign),
        templateVariables(player, facts),
        minter.forRecipient({ messageId, playerId: player.id, email: player.email ?? null }),
      );
      message.status = 'queued';
      if (rendered.channel === 'email') {
        const footer = postalFooter(facts, rendered.html, rendered.text);
        message.subject = rendered.subject;
        message.html = await trackLinks(deps, messageId, footer.html);
        message.body = footer.text;
      } else {
        message.body = rendered.text;
        message.sms_segments = rendered.segments;
        message.sms_encoding = rendered.encoding;
      }
    } catch (error) {
      message.status = 'skipped';
      message.skip_reasons = ['render_failed'];
      message.body = `render failed: ${(error as Error).message}`.slice(0, 500);
    }
  }
  return {
    status: message.status,
    reasons: message.skip_reasons,
    messageId,
    async write(trx) {
      const inserted = await trx
        .insertInto('messages')
        .values(message)
        .onConflict((oc) =>
          oc
            .columns(['journey_run_id', 'campaign_id'])
            .where('journey_run_id', 'is not', null)
            .doNothing(),
        )
        .returning('id')
        .executeTakeFirst();
      if (!inserted) return false;
      if (message.status === 'queued') {
        if (minter.sessions.length > 0) {
          await trx.insertInto('game_sessions').values(minter.sessions).execute();
        }
        if (minter.shortLinks.length > 0) {
          await trx.insertInto('short_links').values(minter.shortLinks).execute();
        }
      }
      await addCounts(trx, campaign.id, { [message.status]: 1 }, now);
      return true;
    },
    async wake() {
      if (message.status === 'queued') await continueLater(deps, QUEUE_DELIVER, campaign.id);
    },
  };
}
