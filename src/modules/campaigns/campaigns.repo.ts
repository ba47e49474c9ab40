import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { CampaignsTable, CampaignStatus, DB } from '../../db/schema.ts';

// Campaigns of a property: every function takes the property first, except the workers' reads
// by id (a job names its campaign; the row carries its property).

type Executor = Kysely<DB> | Transaction<DB>;

export type CampaignRow = Selectable<CampaignsTable>;

export interface CampaignValues {
  name: string;
  channel: 'email' | 'sms';
  purpose: 'marketing' | 'informational' | 'transactional';
  template_id: string | null;
  audience: unknown;
  program: string | null;
  subscription_group_id: string | null;
  from_name: string | null;
  from_address: string | null;
  reply_to: string | null;
  link_ttl_hours: number;
}

/** Newest first, keyset on (created_at, id). */
export function listCampaigns(
  db: Executor,
  propertyId: string,
  options: {
    status: CampaignStatus | undefined;
    before: { created_at: Date; id: string } | undefined;
    limit: number;
  },
): Promise<CampaignRow[]> {
  let query = db
    .selectFrom('campaigns')
    .selectAll()
    .where('property_id', '=', propertyId)
    .where('journey_id', 'is', null)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit);
  if (options.status) query = query.where('status', '=', options.status);
  const before = options.before;
  if (before) {
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '<', before.created_at),
        eb.and([eb('created_at', '=', before.created_at), eb('id', '<', before.id)]),
      ]),
    );
  }
  return query.execute();
}

export function findCampaign(
  db: Executor,
  propertyId: string,
  id: string,
): Promise<CampaignRow | undefined> {
  return db
    .selectFrom('campaigns')
    .selectAll()
    .where('property_id', '=', propertyId)
    .where('id', '=', id)
    .where('journey_id', 'is', null)
    .executeTakeFirst();
}

/** The row, locked until the transaction ends: state changes are decided under it. */
export function lockCampaign(
  trx: Transaction<DB>,
  propertyId: string,
  id: string,
): Promise<CampaignRow | undefined> {
  return trx
    .selectFrom('campaigns')
    .selectAll()
    .where('property_id', '=', propertyId)
    .where('id', '=', id)
    .where('journey_id', 'is', null)
    .forUpdate()
    .executeTakeFirst();
}

/** A worker's read: the job names the campaign only. */
export function campaignById(db: Executor, id: string): Promise<CampaignRow | undefined> {
  return db.selectFrom('campaigns').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Inserts the campaign unless the property already holds `max`, under the property's row lock
 * (FOR NO KEY UPDATE: inserts referencing the property are not held up), so concurrent creations
 * cannot both pass the count. Undefined when the cap is reached.
 */
export async function insertCampaign(
  trx: Transaction<DB>,
  propertyId: string,
  values: CampaignValues,
  max: number,
  now: Date,
): Promise<CampaignRow | undefined> {
  await sql`SELECT 1 FROM properties WHERE id = ${propertyId} FOR NO KEY UPDATE`.execute(trx);
  const { rows } = await sql<{ count: string }>`
    SELECT count(*)::text AS count FROM campaigns
     WHERE property_id = ${propertyId} AND journey_id IS NULL
  `.execute(trx);
  if (Number(rows[0]?.count ?? 0) >= max) return undefined;
  return trx
    .insertInto('campaigns')
    .values({
      property_id: propertyId,
      ...values,
      audience: JSON.stringify(values.audience),
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function updateCampaign(
  db: Executor,
  propertyId: string,
  id: string,
  values: Partial<CampaignValues> & Record<string, unknown>,
  now: Date,
): Promise<CampaignRow | undefined> {
  const set: Record<string, unknown> = { ...values, updated_at: now };
  if ('audience' in values) set.audience = JSON.stringify(values.audience);
  if ('content' in values && values.content !== null) set.content = JSON.stringify(values.content);
  return db
    .updateTable('campaigns')
    .set(set)
    .where('property_id', '=', propertyId)
    .where('id', '=', id)
    .where('journey_id', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteCampaign(
  db: Executor,
  propertyId: string,
  id: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('campaigns')
    .where('property_id', '=', propertyId)
    .where('id', '=', id)
    .where('journey_id', 'is', null)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export type CounterColumn =
  'queued' | 'skipped' | 'sent' | 'delivered' | 'bounced' | 'failed' | 'opened' | 'clicked';

/** Adds to the campaign's counters (negative to move a message out of `queued`). */
export async function addCounts(
  db: Executor,
  campaignId: string,
  counts: Partial<Record<CounterColumn, number>>,
  now: Date,
): Promise<void> {
  const entries = Object.entries(counts).filter(([, value]) => value !== 0);
  if (entries.length === 0) return;
  await db
    .updateTable('campaigns')
    .set((eb) => {
      const set: Record<string, unknown> = { heartbeat_at: now, updated_at: now };
      for (const [column, value] of entries) {
        set[column] = eb(eb.ref(column as CounterColumn), '+', value);
      }
      return set;
    })
    .where('id', '=', campaignId)
    .execute();
}

/**
 * Campaigns a worker should be moving but none has touched since `staleBefore`: sending ones
 * without a recent heartbeat, and scheduled ones whose time passed before it.
 */
export function stalledCampaigns(
  db: Executor,
  staleBefore: Date,
  limit: number,
): Promise<Pick<CampaignRow, 'id' | 'status' | 'planned_at'>[]> {
  return db
    .selectFrom('campaigns')
    .select(['id', 'status', 'planned_at'])
    .where((eb) =>
      eb.or([
        eb.and([
          eb('status', '=', 'sending'),
          eb.or([eb('heartbeat_at', 'is', null), eb('heartbeat_at', '<', staleBefore)]),
          // A journey's campaign is only moving while it has messages to send.
          eb.or([
            eb('journey_id', 'is', null),
            eb.exists(
              eb
                .selectFrom('messages as m')
                .select('m.id')
                .whereRef('m.campaign_id', '=', 'campaigns.id')
                .where('m.status', 'in', ['queued', 'sending']),
            ),
          ]),
        ]),
        eb.and([eb('status', '=', 'scheduled'), eb('send_at', '<', staleBefore)]),
      ]),
    )
    .orderBy('updated_at')
    .limit(limit)
    .execute();
}
