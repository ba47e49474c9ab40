import type { MessageStatus } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import { parseStatusCallback } from '../../adapters/sms/twilio.callbacks.ts';
import { verifyTwilioRequest } from '../../adapters/sms/twilio.callbacks.ts';
import { insertEvents } from '../events/index.ts';
import { isTrackedClick, isTrackedOpen } from './campaigns.links.ts';
import * as repo from './campaigns.messages.repo.ts';
import { addCounts, type CounterColumn } from './campaigns.repo.ts';
import { decodeCursor, encodeCursor, type PropertyRef } from './campaigns.service.ts';

// Messages as the API reads them, and what happens to them after sending: delivery statuses,
// opens and clicks, each recorded once with its event and counted on the campaign.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_PAGE = 100;

export async function listMessages(
  deps: Deps,
  property: PropertyRef,
  query: {
    campaign_id?: string | undefined;
    player_id?: string | undefined;
    status?: MessageStatus | undefined;
    before?: string | undefined;
    limit?: number | undefined;
  },
) {
  for (const field of ['campaign_id', 'player_id'] as const) {
    const value = query[field];
    if (value !== undefined && !UUID.test(value)) {
      throw new AppError('validation_failed', `${field} must be a UUID`, { field });
    }
  }
  const limit = Math.min(query.limit ?? 50, MAX_PAGE);
  const rows = await repo.listMessages(deps.database.db, property.id, {
    campaignId: query.campaign_id?.toLowerCase(),
    playerId: query.player_id?.toLowerCase(),
    status: query.status,
    before: decodeCursor(query.before),
    limit,
  });
  const last = rows.at(-1);
  return {
    data: rows,
    next_before: rows.length === limit && last ? encodeCursor(last) : null,
  };
}

export async function getMessage(deps: Deps, property: PropertyRef, id: string) {
  const row = UUID.test(id)
    ? await repo.findMessage(deps.database.db, property.id, id.toLowerCase())
    : undefined;
  if (!row) throw new AppError('not_found', 'Message not found');
  return row;
}

type Outcome = 'delivered' | 'bounced' | 'failed' | 'opened' | 'clicked';

const COUNTER: Record<Outcome, CounterColumn> = {
  delivered: 'delivered',
  bounced: 'bounced',
  failed: 'failed',
  opened: 'opened',
  clicked: 'clicked',
};

/**
 * Records what happened to a sent message, once per kind: its status (when the kind ranks
 * higher), the campaign's counter and the event. False when it was already recorded.
 */
export async function recordMessageOutcome(
  deps: Deps,
  messageId: string,
  outcome: Outcome,
  details: { error?: string | null; url?: string | null } = {},
): Promise<boolean> {
  return deps.database.db.transaction().execute(async (trx) => {
    const now = deps.clock.now();
    const changed = await repo.recordOutcome(trx, messageId, outcome, now, details.error ?? null);
    if (!changed) return false;
    const { after } = changed;
    // A message that bounced after it was sent stays counted as sent; the bounce is counted
    // beside it.
    await addCounts(trx, after.campaign_id, { [COUNTER[outcome]]: 1 }, now);
    const org = await trx
      .selectFrom('properties')
      .select('org_id')
      .where('id', '=', after.property_id)
      .executeTakeFirstOrThrow();
    const data = {
      message_id: after.id,
      campaign_id: after.campaign_id,
      player_id: after.player_id,
      channel: after.channel,
      provider: after.provider,
      error: details.error ?? null,
      url: details.url ?? null,
    };
    // `bounced` is recorded as the message's state; its event is message.failed (the same fact
    // for a consumer: it did not arrive).
    const type =
      outcome === 'delivered'
        ? 'message.delivered'
        : outcome === 'opened'
          ? 'message.opened'
          : outcome === 'clicked'
            ? 'message.clicked'
            : 'message.failed';
    await insertEvents(trx, [
      { type, orgId: org.org_id, propertyId: after.property_id, occurredAt: now, data },
    ]);
    return true;
  });
}

/**
 * A tracked click: where to send the browser, when the link is one PlayLoop put in that
 * message (the signature says so). Anything else is 404: the redirect is not an open one.
 */
export async function followClick(
  deps: Deps,
  messageId: string,
  url: string | undefined,
  tag: string | undefined,
): Promise<string> {
  const refused = new AppError('not_found', 'This link is not valid');
  if (!UUID.test(messageId) || !url || !tag || !/^https?:\/\//.test(url)) throw refused;
  if (!(await isTrackedClick(deps, messageId.toLowerCase(), url, tag))) throw refused;
  // The message may have been erased since (a privacy deletion): the link still works.
  const message = await repo.messageById(deps.database.db, messageId.toLowerCase());
  if (message) await recordMessageOutcome(deps, message.id, 'clicked', { url });
  return url;
}

/** An open pixel fetch: recorded once when signed; never an error (it is an image). */
export async function recordOpen(
  deps: Deps,
  messageId: string,
  tag: string | undefined,
): Promise<void> {
  if (!UUID.test(messageId) || !tag) return;
  if (!(await isTrackedOpen(deps, messageId.toLowerCase(), tag))) return;
  const message = await repo.messageById(deps.database.db, messageId.toLowerCase());
  if (message && message.channel === 'email') {
    await recordMessageOutcome(deps, message.id, 'opened');
  }
}

/** An SMS short link: its target while it lives, the click recorded on its message. */
export async function followShortLink(deps: Deps, code: string): Promise<string> {
  const gone = new AppError('not_found', 'This link is not valid or has expired');
  if (!/^[0-9A-Za-z]{10}$/.test(code)) throw gone;
  const link = await deps.database.db
    .selectFrom('short_links')
    .select(['url', 'message_id', 'expires_at'])
    .where('code', '=', code)
    .executeTakeFirst();
  if (!link || link.expires_at.getTime() <= deps.clock.now().getTime()) throw gone;
  if (link.message_id)
    await recordMessageOutcome(deps, link.message_id, 'clicked', { url: link.url });
  return link.url;
}

/**
 * A delivery-status callback of the SMS provider: signed with the property's auth token (403
 * otherwise, like inbound replies), matched to its message by our `ref` (the message id the
 * sender put on the callback URL) or the provider's SID. Repeats and out-of-order statuses
 * change nothing. True when it changed the message.
 */
export async function receiveSmsStatus(
  deps: Deps,
  callback: {
    propertyId: string;
    url: string;
    params: Record<string, string>;
    signature: string | undefined;
    ref: string | undefined;
  },
): Promise<boolean> {
  const refused = () => new AppError('forbidden', 'The request is not signed by the carrier');
  if (!UUID.test(callback.propertyId)) throw refused();
  const settings = await deps.database.db
    .selectFrom('compliance_settings')
    .select('sms_auth_token')
    .where('property_id', '=', callback.propertyId.toLowerCase())
    .executeTakeFirst();
  if (!settings?.sms_auth_token) throw refused();
  const token = await deps.secrets.open(settings.sms_auth_token);
  if (!verifyTwilioRequest(token, callback.url, callback.params, callback.signature)) {
    throw refused();
  }
  const update = parseStatusCallback(callback.params);
  if (!update) return false;
  const message =
    callback.ref && UUID.test(callback.ref)
      ? await repo.messageById(deps.database.db, callback.ref.toLowerCase())
      : await repo.messageByProviderId(deps.database.db, update.providerId);
  if (!message || message.property_id !== callback.propertyId.toLowerCase()) return false;
  if (update.status === 'delivered') return recordMessageOutcome(deps, message.id, 'delivered');
  if (update.status === 'undelivered' || update.status === 'failed') {
    const error = `the carrier reported it ${update.status}${update.errorCode ? ` (error ${update.errorCode})` : ''}`;
    return recordMessageOutcome(deps, message.id, 'bounced', { error });
  }
  return false;
}
