import type { Deps } from '../deps.ts';
import { createCampaign } from '../modules/campaigns/campaigns.service.ts';
import { MAX_CONSENT_BATCH, recordConsents, updateSettings } from '../modules/compliance/index.ts';
import { createTemplate } from '../modules/content/index.ts';
import { createSegment } from '../modules/segments/index.ts';

// The demo property's ready campaign: a segment, an email template with a one-time game link,
// consent for most sample players, and a draft campaign to send with one call.

export interface DemoCampaign {
  campaignId: string;
  segmentId: string;
  templateId: string;
}

const DEMO_POSTAL_ADDRESS = '1 Demo Way, Las Vegas, NV 89101';

function demoBody(gameId: number): string {
  return `<mjml>
  <mj-body background-color="#f4f4f7">
    <mj-section background-color="#ffffff">
      <mj-column>
        <mj-text font-size="20px" font-weight="bold">Hi {{ player.first_name | default: "there" }}, your free spin is waiting</mj-text>
        <mj-text>As a {{ player.tier | default: "valued" }} member of {{ property.name }}, you get one spin of the wheel on us. The link is yours alone and works once.</mj-text>
        <mj-button href="{% game_link game: ${gameId} %}" background-color="#c2185b">Spin the wheel</mj-button>
        <mj-text font-size="11px" color="#777777">Don't want these emails? <a href="{% unsubscribe_url %}">Unsubscribe</a>.</mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;
}

export async function seedDemoCampaign(
  deps: Deps,
  property: { id: string; orgId: number },
  gameId: number,
): Promise<DemoCampaign> {
  await updateSettings(deps, property.id, { postal_address: DEMO_POSTAL_ADDRESS });
  // Four in five sample players with an email opted in a month ago: the rest show up as
  // `no_consent` skips, which is what the pre-send check is for.
  const players = await deps.database.db
    .selectFrom('players')
    .select(['id', 'email'])
    .where('property_id', '=', property.id)
    .where('email', 'is not', null)
    .orderBy('id')
    .execute();
  const capturedAt = new Date(deps.clock.now().getTime() - 30 * 86_400_000).toISOString();
  const grants = players
    .filter((_player, index) => index % 5 !== 4)
    .map((player) => ({
      player_id: player.id,
      channel: 'email' as const,
      address: player.email ?? undefined,
      consent_type: 'email_opt_in' as const,
      purpose: 'marketing' as const,
      captured_at: capturedAt,
      source: { demo: true },
    }));
  for (let from = 0; from < grants.length; from += MAX_CONSENT_BATCH) {
    await recordConsents(deps, property, grants.slice(from, from + MAX_CONSENT_BATCH));
  }
  const segment = await createSegment(deps, property.id, {
    name: 'Gold and Platinum',
    filter: 'tier=in.(Gold,Platinum)',
    description: 'Demo: the top tiers',
  });
  const template = await createTemplate(deps, property, {
    name: 'Demo: your free spin',
    channel: 'email',
    subject: '{{ player.first_name | default: "Hi" }}, a free spin from {{ property.name }}',
    body: demoBody(gameId),
  });
  const campaign = await createCampaign(deps, property, {
    name: 'Demo: free spin for Gold and Platinum',
    channel: 'email',
    template_id: template.id,
    audience: { type: 'segment', segment_id: segment.id },
    from_name: 'Demo Casino Las Vegas',
  });
  return { campaignId: campaign.id, segmentId: segment.id, templateId: template.id };
}
