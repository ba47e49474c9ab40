import { sql } from 'kysely';
import type { Deps } from '../../deps.ts';
import type { Metrics } from './metrics.registry.ts';

/** Campaigns read per scrape at most: a bound on the progress query, far above any real fleet. */
export const CAMPAIGNS_SENDING_CAP = 1000;

/** The campaign counters reported, as columns of `campaigns` (kept by the send workers). */
const CAMPAIGN_COUNTERS = [
  'queued',
  'skipped',
  'sent',
  'delivered',
  'bounced',
  'failed',
  'opened',
  'clicked',
] as const;

/** This process's database pool. */
function poolSource(deps: Deps) {
  return (metrics: Metrics): Promise<void> => {
    const pool = deps.database.poolState();
    metrics.pool.set({ state: 'size' }, pool.size);
    metrics.pool.set({ state: 'in_use' }, pool.inUse);
    metrics.pool.set({ state: 'waiting' }, pool.waiting);
    return Promise.resolve();
  };
}

/** Jobs per queue and state (one bounded statement: Jobs.depth). */
function queueSource(deps: Deps) {
  return async (metrics: Metrics): Promise<void> => {
    for (const row of await deps.jobs.depth()) {
      metrics.queueDepth.set({ queue: row.queue, state: 'waiting' }, row.waiting);
      metrics.queueDepth.set({ queue: row.queue, state: 'deferred' }, row.deferred);
      metrics.queueDepth.set({ queue: row.queue, state: 'active' }, row.active);
    }
  };
}

/**
 * The campaigns now sending and their messages by status, summed over them: the per-campaign
 * numbers are in the API (a campaign id as a label would grow without bound). One statement over
 * at most CAMPAIGNS_SENDING_CAP campaigns, reading their counter columns, not the messages.
 */
function campaignSource(deps: Deps) {
  return async (metrics: Metrics): Promise<void> => {
    const sending = deps.database.db
      .selectFrom('campaigns')
      .select(CAMPAIGN_COUNTERS)
      .where('status', '=', 'sending')
      .limit(CAMPAIGNS_SENDING_CAP)
      .as('c');
    const row = await deps.database.db
      .selectFrom(sending)
      .select((eb) => [
        eb.fn.countAll<string>().as('campaigns'),
        ...CAMPAIGN_COUNTERS.map((name) =>
          sql<string>`coalesce(sum(${sql.ref(`c.${name}`)}), 0)`.as(name),
        ),
      ])
      .executeTakeFirstOrThrow();
    metrics.campaignsSending.set(Number(row.campaigns));
    for (const name of CAMPAIGN_COUNTERS) {
      metrics.campaignMessages.set({ status: name }, Number(row[name]));
    }
  };
}

/** Registers this process's scrape-time values on its metrics (once: createDeps). */
export function addScrapeSources(metrics: Metrics, deps: Deps): void {
  metrics.addSource(poolSource(deps));
  metrics.addSource(queueSource(deps));
  metrics.addSource(campaignSource(deps));
}
