import type { Transaction } from 'kysely';
import type { DB, Purpose } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import { ianaTimeZone, zonedInstant } from '../../lib/time-zone.ts';
import { normalizeAddress } from '../compliance/index.ts';
import { getTemplate } from '../content/index.ts';
import { type Audience, countAudience, getSegment } from '../segments/index.ts';
import { continuationId } from './campaigns.deliver.ts';
import { idempotent } from './campaigns.idempotency.ts';
import * as repo from './campaigns.repo.ts';
import {
  type CampaignContent,
  finishCampaign,
  QUEUE_PLAN,
  startSending,
} from './campaigns.state.ts';

export const MAX_CAMPAIGNS_PER_PROPERTY = 10_000;
const MAX_PAGE = 100;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** How far ahead a campaign may be scheduled. */
const MAX_SCHEDULE_AHEAD_MS = 366 * 86_400_000;

export interface PropertyRef {
  id: string;
  orgId: number;
}

export interface CampaignInput {
  name: string;
  channel: 'email' | 'sms';
  template_id: string;
  audience: Audience;
  purpose?: Purpose | undefined;
  program?: string | null | undefined;
  subscription_group_id?: string | null | undefined;
  from_name?: string | null | undefined;
  from_address?: string | null | undefined;
  reply_to?: string | null | undefined;
  link_ttl_hours?: number | undefined;
}

export type CampaignPatch = Partial<Omit<CampaignInput, 'channel'>>;

/** An audience as stored (JSON): the wire shape, mutable arrays. */
type StoredAudience =
  | { type: 'segment'; segment_id: string }
  | { type: 'players'; player_ids: string[] }
  | { type: 'all' };

/** What the API shows of a campaign: not its planner's bookkeeping nor its frozen sources. */
export function campaignView(row: repo.CampaignRow) {
  const content = row.content as CampaignContent | null;
  return {
    id: row.id,
    name: row.name,
    channel: row.channel,
    purpose: row.purpose,
    template_id: row.template_id,
    template_version: content?.version ?? null,
    audience: row.audience as StoredAudience,
    program: row.program,
    subscription_group_id: row.subscription_group_id,
    from_name: row.from_name,
    from_address: row.from_address,
    reply_to: row.reply_to,
    link_ttl_hours: row.link_ttl_hours,
    status: row.status,
    send_at: row.send_at,
    local_date: row.local_date,
    local_time: row.local_time,
    fallback_time_zone: row.fallback_time_zone,
    audience_size: row.audience_size,
    counts: {
      queued: row.queued,
      skipped: row.skipped,
      sent: row.sent,
      delivered: row.delivered,
      bounced: row.bounced,
      failed: row.failed,
      opened: row.opened,
      clicked: row.clicked,
    },
    failure: row.failure,
    started_at: row.started_at,
    planned_at: row.planned_at,
    finished_at: row.finished_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export type CampaignView = ReturnType<typeof campaignView>;

const notFound = () => new AppError('not_found', 'Campaign not found');

async function found(deps: Deps, propertyId: string, id: string): Promise<repo.CampaignRow> {
  const row = UUID.test(id)
    ? await repo.findCampaign(deps.database.db, propertyId, id.toLowerCase())
    : undefined;
  if (!row) throw notFound();
  return row;
}

/** The name as stored (trimmed); only spaces would break the table's non-empty CHECK (a 500). */
function campaignName(value: string): string {
  const name = value.trim();
  if (name === '') {
    throw new AppError('validation_failed', 'name must not be blank', { field: 'name' });
  }
  return name;
}

function emailAddress(field: string, value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  const address = normalizeAddress('email', value);
  if (!address)
    throw new AppError('validation_failed', `${field} is not an email address`, { field });
  return address;
}

/** Checks what the campaign refers to exists in the property (another property's is 404). */
async function checkReferences(
  deps: Deps,
  property: PropertyRef,
  channel: 'email' | 'sms',
  input: CampaignPatch,
): Promise<void> {
  if (input.template_id !== undefined) {
    const template = await getTemplate(deps, property, input.template_id);
    if (template.channel !== channel) {
      throw new AppError(
        'validation_failed',
        `template ${template.id} is an ${template.channel} template; the campaign sends ${channel}`,
        { field: 'template_id' },
      );
    }
  }
  if (input.audience?.type === 'segment') {
    await getSegment(deps, property.id, input.audience.segment_id);
  }
  if (input.audience?.type === 'players') {
    // Refuses an empty or oversized list (400) before anything is stored.
    await countAudience(deps, property.id, input.audience);
  }
  if (input.subscription_group_id) {
    const group = UUID.test(input.subscription_group_id)
      ? await deps.database.db
          .selectFrom('subscription_groups')
          .select(['id', 'channel'])
          .where('property_id', '=', property.id)
          .where('id', '=', input.subscription_group_id.toLowerCase())
          .executeTakeFirst()
      : undefined;
    if (!group) throw new AppError('not_found', 'Subscription group not found');
    if (group.channel !== channel) {
      throw new AppError(
        'validation_failed',
        `subscription group ${group.id} is for ${group.channel}; the campaign sends ${channel}`,
        { field: 'subscription_group_id' },
      );
    }
  }
}

export async function createCampaign(
  deps: Deps,
  property: PropertyRef,
  input: CampaignInput,
): Promise<CampaignView> {
  await checkReferences(deps, property, input.channel, input);
  const values: repo.CampaignValues = {
    name: campaignName(input.name),
    channel: input.channel,
    purpose: input.purpose ?? 'marketing',
    template_id: input.template_id.toLowerCase(),
    audience: input.audience,
    program: input.program ?? null,
    subscription_group_id: input.subscription_group_id?.toLowerCase() ?? null,
    from_name: input.from_name ?? null,
    from_address: emailAddress('from_address', input.from_address),
    reply_to: emailAddress('reply_to', input.reply_to),
    link_ttl_hours: input.link_ttl_hours ?? 168,
  };
  try {
    const row = await deps.database.db
      .transaction()
      .execute((trx) =>
        repo.insertCampaign(trx, property.id, values, MAX_CAMPAIGNS_PER_PROPERTY, deps.clock.now()),
      );
    if (!row) {
      throw new AppError(
        'quota_exceeded',
        `A property holds at most ${MAX_CAMPAIGNS_PER_PROPERTY} campaigns; delete old ones first`,
      );
    }
    return campaignView(row);
  } catch (error) {
    throw nameTaken(error);
  }
}

function nameTaken(error: unknown): unknown {
  return (error as { code?: string }).code === '23505'
    ? new AppError('conflict', 'A campaign with this name already exists')
    : error;
}

export async function getCampaign(
  deps: Deps,
  property: PropertyRef,
  id: string,
): Promise<CampaignView> {
  return campaignView(await found(deps, property.id, id));
}

export async function listCampaigns(
  deps: Deps,
  property: PropertyRef,
  query: { status?: repo.CampaignRow['status'] | undefined; before?: string; limit?: number },
): Promise<{ data: CampaignView[]; next_before: string | null }> {
  const limit = Math.min(query.limit ?? 50, MAX_PAGE);
  const rows = await repo.listCampaigns(deps.database.db, property.id, {
    status: query.status,
    before: decodeCursor(query.before),
    limit,
  });
  const last = rows.at(-1);
  return {
    data: rows.map(campaignView),
    next_before: rows.length === limit && last ? encodeCursor(last) : null,
  };
}

export function encodeCursor(row: { created_at: Date; id: string }): string {
  return Buffer.from(`${row.created_at.toISOString()}|${row.id}`).toString('base64url');
}

export function decodeCursor(
  cursor: string | undefined,
): { created_at: Date; id: string } | undefined {
  if (cursor === undefined) return undefined;
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const date = new Date(at ?? '');
  if (!id || !UUID.test(id) || Number.isNaN(date.getTime())) {
    throw new AppError('validation_failed', 'before is not a cursor this API gave', {
      field: 'before',
    });
  }
  return { created_at: date, id };
}

const notDraft = (row: repo.CampaignRow, doing: string) =>
  new AppError('conflict', `Only a draft campaign can be ${doing}; this one is ${row.status}`, {
    status: row.status,
  });

export async function updateCampaign(
  deps: Deps,
  property: PropertyRef,
  id: string,
  patch: CampaignPatch,
): Promise<CampaignView> {
  const existing = await found(deps, property.id, id);
  if (existing.status !== 'draft') throw notDraft(existing, 'changed');
  await checkReferences(deps, property, existing.channel, patch);
  const values: Record<string, unknown> = {};
  if (patch.name !== undefined) values.name = campaignName(patch.name);
  if (patch.template_id !== undefined) values.template_id = patch.template_id.toLowerCase();
  if (patch.audience !== undefined) values.audience = patch.audience;
  if (patch.purpose !== undefined) values.purpose = patch.purpose;
  if (patch.program !== undefined) values.program = patch.program;
  if (patch.subscription_group_id !== undefined) {
    values.subscription_group_id = patch.subscription_group_id?.toLowerCase() ?? null;
  }
  if (patch.from_name !== undefined) values.from_name = patch.from_name;
  if (patch.from_address !== undefined) {
    values.from_address = emailAddress('from_address', patch.from_address);
  }
  if (patch.reply_to !== undefined) values.reply_to = emailAddress('reply_to', patch.reply_to);
  if (patch.link_ttl_hours !== undefined) values.link_ttl_hours = patch.link_ttl_hours;
  try {
    // Only while still a draft: a send that started meanwhile wins.
    const row = await deps.database.db
      .updateTable('campaigns')
      .set({ ...values, updated_at: deps.clock.now() })
      .where('property_id', '=', property.id)
      .where('id', '=', existing.id)
      .where('status', '=', 'draft')
      .returningAll()
      .executeTakeFirst();
    if (!row) throw notDraft({ ...existing, status: 'sending' }, 'changed');
    return campaignView(row);
  } catch (error) {
    throw nameTaken(error);
  }
}

export async function deleteCampaign(deps: Deps, property: PropertyRef, id: string): Promise<void> {
  const existing = await found(deps, property.id, id);
  if (existing.status === 'scheduled' || existing.status === 'sending') {
    throw new AppError(
      'conflict',
      `A ${existing.status} campaign cannot be deleted; cancel it first`,
      { status: existing.status },
    );
  }
  const deleted = await deps.database.db
    .deleteFrom('campaigns')
    .where('property_id', '=', property.id)
    .where('id', '=', existing.id)
    .where('status', 'not in', ['scheduled', 'sending'])
    .executeTakeFirst();
  if (deleted.numDeletedRows === 0n) throw notFound();
}

/** The template's sources as the campaign will send them (its current version). */
async function freezeContent(
  deps: Deps,
  property: PropertyRef,
  row: repo.CampaignRow,
): Promise<CampaignContent> {
  if (!row.template_id) {
    throw new AppError('conflict', "The campaign's template was deleted; choose another first");
  }
  const template = await getTemplate(deps, property, row.template_id);
  return {
    template_id: template.id,
    version: template.version,
    channel: template.channel,
    subject: template.subject,
    body: template.body,
    text_body: template.text_body,
    game_ids: template.game_ids,
    stream_ids: template.stream_ids,
  };
}

/** A JSON round trip: the first answer and its replays are then byte for byte the same. */
const asJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

async function lockedOrNotFound(trx: Transaction<DB>, propertyId: string, id: string) {
  const row = UUID.test(id)
    ? await repo.lockCampaign(trx, propertyId, id.toLowerCase())
    : undefined;
  if (!row) throw notFound();
  return row;
}

/**
 * `send-campaign`: a draft or scheduled campaign starts sending now. With an Idempotency-Key a
 * retried call answers as the first did; without one, a second call on a campaign that already
 * started is a 409, so no call can send a campaign twice.
 */
export async function sendCampaign(
  deps: Deps,
  property: PropertyRef,
  input: { campaignId: string; propertyId: string },
  idempotencyKey: string | undefined,
) {
  if (input.propertyId.toLowerCase() !== property.id.toLowerCase()) throw notFound();
  // Read before the transaction: on PGlite the transaction holds the only connection.
  const draft = await found(deps, property.id, input.campaignId);
  const current =
    draft.status === 'draft' && draft.template_id
      ? await freezeContent(deps, property, draft)
      : undefined;
  return idempotent(
    deps,
    {
      propertyId: property.id,
      operation: 'send-campaign',
      key: idempotencyKey,
      request: { campaignId: draft.id },
    },
    async (trx) => {
      const row = await lockedOrNotFound(trx, property.id, draft.id);
      if (row.status !== 'draft' && row.status !== 'scheduled') {
        throw new AppError(
          'conflict',
          `This campaign was already sent or started (${row.status})`,
          {
            status: row.status,
          },
        );
      }
      const content =
        row.status === 'scheduled' ? (row.content as CampaignContent | null) : current;
      if (!content) {
        throw new AppError('conflict', "The campaign's template was deleted; choose another first");
      }
      // "Now" overrides a schedule: a local-time one would otherwise hold each message until
      // its zone's time (the planner reads local_date / local_time).
      const due =
        row.status === 'scheduled'
          ? await trx
              .updateTable('campaigns')
              .set({ send_at: null, local_date: null, local_time: null, fallback_time_zone: null })
              .where('id', '=', row.id)
              .returningAll()
              .executeTakeFirstOrThrow()
          : row;
      const started = await startSending(deps, trx, due, content);
      return { status: 202, body: asJson({ success: true as const, data: campaignView(started) }) };
    },
  );
}

export interface ScheduleInput {
  campaign_id: string;
  send_at?: string | undefined;
  local_date?: string | undefined;
  local_time?: string | undefined;
  fallback_time_zone?: string | undefined;
}

/** When a schedule starts (its earliest moment) and when it has passed everywhere. */
function scheduleWindow(input: ScheduleInput, now: Date) {
  if (input.send_at !== undefined) {
    if (input.local_date !== undefined || input.local_time !== undefined) {
      throw new AppError('validation_failed', 'Give send_at, or local_date with local_time', {
        field: 'send_at',
      });
    }
    const at = new Date(input.send_at);
    if (Number.isNaN(at.getTime()) || at.getTime() <= now.getTime()) {
      throw new AppError('validation_failed', 'send_at must be a time in the future', {
        field: 'send_at',
      });
    }
    return { sendAt: at, latest: at };
  }
  if (input.local_date === undefined || input.local_time === undefined) {
    throw new AppError('validation_failed', 'Give send_at, or local_date with local_time', {
      field: 'send_at',
    });
  }
  // The first zone to reach the local time is UTC+14, the last UTC-12.
  const sendAt = zonedInstant(input.local_date, input.local_time, 'Pacific/Kiritimati');
  const latest = zonedInstant(input.local_date, input.local_time, 'Etc/GMT+12');
  if (Number.isNaN(sendAt.getTime()) || latest.getTime() <= now.getTime()) {
    throw new AppError('validation_failed', 'That local time has already passed in every zone', {
      field: 'local_date',
    });
  }
  return { sendAt, latest };
}

export async function scheduleCampaign(
  deps: Deps,
  property: PropertyRef,
  input: ScheduleInput,
): Promise<CampaignView> {
  const now = deps.clock.now();
  const { sendAt, latest } = scheduleWindow(input, now);
  if (latest.getTime() - now.getTime() > MAX_SCHEDULE_AHEAD_MS) {
    throw new AppError('validation_failed', 'A campaign can be scheduled at most a year ahead', {
      field: 'send_at',
    });
  }
  let fallback: string | null = null;
  if (input.fallback_time_zone !== undefined) {
    fallback = ianaTimeZone(input.fallback_time_zone) ?? null;
    if (!fallback) {
      throw new AppError('validation_failed', 'fallback_time_zone is not an IANA time zone', {
        field: 'fallback_time_zone',
      });
    }
  }
  const draft = await found(deps, property.id, input.campaign_id);
  if (draft.status !== 'draft' && draft.status !== 'scheduled') throw notDraft(draft, 'scheduled');
  // Read before the transaction: on PGlite the transaction holds the only connection.
  const content = await freezeContent(deps, property, draft);
  return deps.database.db.transaction().execute(async (trx) => {
    const row = await lockedOrNotFound(trx, property.id, draft.id);
    if (row.status !== 'draft' && row.status !== 'scheduled') throw notDraft(row, 'scheduled');
    const scheduled = await trx
      .updateTable('campaigns')
      .set({
        status: 'scheduled',
        content: JSON.stringify(content),
        send_at: sendAt,
        local_date: input.local_date ?? null,
        local_time: input.local_time ?? null,
        fallback_time_zone: fallback,
        updated_at: now,
      })
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await deps.jobs.send(
      QUEUE_PLAN,
      { campaignId: row.id },
      { trx, startAfter: sendAt, id: continuationId(QUEUE_PLAN, row.id, sendAt) },
    );
    return campaignView(scheduled);
  });
}

/** Stops a scheduled or sending campaign: messages not yet handed over are never sent. */
export async function cancelCampaign(
  deps: Deps,
  property: PropertyRef,
  id: string,
): Promise<CampaignView> {
  return deps.database.db.transaction().execute(async (trx) => {
    const row = await lockedOrNotFound(trx, property.id, id);
    if (row.status === 'draft') {
      throw new AppError('conflict', 'A draft campaign has nothing to cancel', { status: 'draft' });
    }
    if (!(await finishCampaign(deps, row, 'cancelled', null, trx))) {
      throw new AppError('conflict', `This campaign already ended (${row.status})`, {
        status: row.status,
      });
    }
    return campaignView((await repo.findCampaign(trx, property.id, row.id))!);
  });
}

export { found as campaignRow, freezeContent };
