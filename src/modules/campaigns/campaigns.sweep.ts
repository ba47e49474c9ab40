import type { Deps } from '../../deps.ts';
import { continueLater } from './campaigns.deliver.ts';
import { stalledCampaigns } from './campaigns.repo.ts';
import { QUEUE_DELIVER, QUEUE_PLAN } from './campaigns.state.ts';

/**
 * Restarts campaigns whose jobs were lost: a campaign that is `sending` but no worker has
 * touched for longer than a claim lives gets its next job again (planning when its audience is
 * not fully planned, else sending). A job that is merely slow is harmless to double: planning
 * re-reads its cursor under a lock, and sending claims each message once.
 */
export async function sweepCampaigns(deps: Deps): Promise<number> {
  const now = deps.clock.now();
  const stalled = await stalledCampaigns(
    deps.database.db,
    new Date(now.getTime() - deps.config.campaignClaimTimeoutMs),
    100,
  );
  for (const campaign of stalled) {
    await continueLater(deps, campaign.planned_at ? QUEUE_DELIVER : QUEUE_PLAN, campaign.id);
  }
  return stalled.length;
}
