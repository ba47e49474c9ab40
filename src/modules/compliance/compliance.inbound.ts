import { verifyTwilioRequest } from '../../adapters/sms/twilio.ts';
import { sql } from 'kysely';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import { classifyReply, type ReplyIntent } from './compliance.keywords.ts';
import { normalizeAddress } from './compliance.consents.ts';

/**
 * Replies by SMS, as a carrier posts them (Twilio's webhook: form fields `From`, `To`, `Body`,
 * `MessageSid`, signed in `X-Twilio-Signature` with the account's auth token). An opt-out is
 * recorded at once as a revocation, as far as the property's `revocation_scope` reaches (its SMS
 * program, or every SMS and voice program), and answered with one confirmation without
 * marketing content (none when the number had already opted out); START,
 * YES or UNSTOP restores the consent the number had before; HELP or INFO gets the program's help
 * text; free text that reads like an opt-out is kept for a person to review.
 */

export interface InboundSms {
  propertyId: string;
  /** The URL the carrier posted to, as it signed it. */
  url: string;
  params: Record<string, string>;
  signature: string | undefined;
}

export interface InboundReply {
  intent: ReplyIntent;
  /** The text to answer with (TwiML `<Message>`), or null for no answer. */
  reply: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface SmsSettings {
  sms_program_name: string | null;
  revocation_scope: 'program' | 'sender';
}

/** Serializes the replies and reviews of one number, so two STOPs cannot both see "not yet". */
async function lockNumber(trx: Transaction<DB>, propertyId: string, from: string) {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`sms:${propertyId}:${from}`}))`.execute(trx);
}

/**
 * Records the revocation an opt-out reply means, as far as the property's scope reaches.
 * Answers false when the number had already opted out that far (no second confirmation).
 */
export async function revokeByReply(
  trx: Transaction<DB> | Kysely<DB>,
  propertyId: string,
  from: string,
  settings: SmsSettings,
  at: Date,
  source: Record<string, unknown>,
): Promise<boolean> {
  const sender = settings.revocation_scope === 'sender';
  const program = sender ? null : settings.sms_program_name;
  const newest = await trx
    .selectFrom('consents')
    .select(['action', 'program'])
    .where('property_id', '=', propertyId)
    .where('channel', '=', 'sms')
    .where('address', '=', from)
    .orderBy('captured_at', 'desc')
    .orderBy('recorded_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  const already =
    newest?.action === 'revoke' && (newest.program === null || newest.program === program);
  const channels = sender ? (['sms', 'voice'] as const) : (['sms'] as const);
  await trx
    .insertInto('consents')
    .values(
      channels.map((channel) => ({
        property_id: propertyId,
        channel,
        address: from,
        action: 'revoke' as const,
        consent_type: null,
        purpose: null,
        program,
        captured_at: at,
        source: JSON.stringify(source),
        disclosure_version: null,
        esign_disclosure_shown: null,
        evidence: null,
      })),
    )
    .execute();
  return !already;
}

/**
 * The grants a START restores: every distinct grant (type, purpose, program) recorded between
 * the opt-out it answers and the revocation before that. None when the number's newest record is
 * not a revocation (nothing to undo). A grant older than an earlier revocation stays withdrawn:
 * START undoes one opt-out, not every one.
 */
async function grantsBeforeOptOut(trx: Transaction<DB>, propertyId: string, from: string) {
  const records = await trx
    .selectFrom('consents')
    .select(['action', 'consent_type', 'purpose', 'program', 'disclosure_version'])
    .where('property_id', '=', propertyId)
    .where('channel', '=', 'sms')
    .where('address', '=', from)
    .orderBy('captured_at', 'desc')
    .orderBy('recorded_at', 'desc')
    .limit(200)
    .execute();
  let i = 0;
  while (records[i]?.action === 'revoke') i++;
  if (i === 0) return [];
  const grants = new Map<string, (typeof records)[number]>();
  for (; records[i]?.action === 'grant'; i++) {
    const grant = records[i]!;
    const key = `${grant.consent_type}|${grant.purpose}|${grant.program}`;
    if (!grants.has(key)) grants.set(key, grant);
  }
  return [...grants.values()];
}

export async function receiveSms(deps: Deps, inbound: InboundSms): Promise<InboundReply> {
  // Unknown property, no token configured, or a wrong signature: the same refusal.
  const refused = () => new AppError('forbidden', 'The request is not signed by the carrier');
  if (!UUID.test(inbound.propertyId)) throw refused();
  const settings = await deps.database.db
    .selectFrom('compliance_settings')
    .select(['sms_auth_token', 'sms_program_name', 'sms_help_text', 'revocation_scope'])
    .where('property_id', '=', inbound.propertyId)
    .executeTakeFirst();
  if (!settings?.sms_auth_token) throw refused();
  const token = await deps.secrets.open(settings.sms_auth_token);
  if (!verifyTwilioRequest(token, inbound.url, inbound.params, inbound.signature)) {
    throw refused();
  }
  const from = normalizeAddress('sms', inbound.params.From ?? '');
  if (!from) throw new AppError('validation_failed', 'From is not a phone number');
  const body = (inbound.params.Body ?? '').slice(0, 1600);
  const intent = classifyReply(body);
  const program = settings.sms_program_name ?? 'our messages';
  const now = deps.clock.now();
  const sid = inbound.params.MessageSid ?? null;

  return deps.database.db.transaction().execute(async (trx) => {
    const stored = await sql<{ id: string }>`
      INSERT INTO inbound_messages (property_id, from_address, to_address, body, intent, message_sid, received_at)
      VALUES (${inbound.propertyId}, ${from}, ${inbound.params.To ?? ''}, ${body}, ${intent}, ${sid}, ${now})
      ON CONFLICT (property_id, message_sid) DO NOTHING
      RETURNING id
    `.execute(trx);
    // The carrier retried a message already handled: no second effect, no second answer.
    if (stored.rows.length === 0) return { intent, reply: null };
    await lockNumber(trx, inbound.propertyId, from);
    const source = { method: 'sms_reply', keyword: body.trim().slice(0, 40), message_sid: sid };
    switch (intent) {
      case 'opt_out': {
        const confirm = await revokeByReply(trx, inbound.propertyId, from, settings, now, source);
        return {
          intent,
          reply: confirm
            ? `You are unsubscribed from ${program} and will receive no more messages. Reply START to resubscribe.`
            : null,
        };
      }
      case 'opt_in': {
        const restored = await grantsBeforeOptOut(trx, inbound.propertyId, from);
        if (restored.length === 0) return { intent, reply: null };
        await trx
          .insertInto('consents')
          .values(
            restored.map((grant) => ({
              property_id: inbound.propertyId,
              channel: 'sms' as const,
              address: from,
              action: 'grant' as const,
              consent_type: grant.consent_type,
              purpose: grant.purpose,
              program: grant.program,
              captured_at: now,
              source: JSON.stringify(source),
              disclosure_version: grant.disclosure_version,
              esign_disclosure_shown: null,
              evidence: null,
            })),
          )
          .execute();
        return { intent, reply: `You are resubscribed to ${program}. Reply STOP to cancel.` };
      }
      case 'help':
        return {
          intent,
          reply:
            settings.sms_help_text ??
            `${program}: Msg & data rates may apply. Reply STOP to cancel, HELP for help.`,
        };
      case 'review':
      case 'none':
        return { intent, reply: null };
    }
  });
}

/**
 * A person's reading of a reply flagged for review. An opt-out records the revocation then
 * (the reply was answered when it came; no confirmation is sent now). A reply already reviewed,
 * or not flagged, is a conflict.
 */
export async function reviewReply(
  deps: Deps,
  propertyId: string,
  input: { id: string; outcome: 'opt_out' | 'not_opt_out'; reviewer: string },
) {
  const now = deps.clock.now();
  return deps.database.db.transaction().execute(async (trx) => {
    const message = await trx
      .selectFrom('inbound_messages')
      .select(['id', 'from_address', 'intent', 'reviewed_at'])
      .where('property_id', '=', propertyId)
      .where('id', '=', input.id)
      .forUpdate()
      .executeTakeFirst();
    if (!message) throw new AppError('not_found', 'No such inbound message');
    if (message.intent !== 'review') {
      throw new AppError(
        'conflict',
        `This reply was not flagged for review (intent ${message.intent})`,
      );
    }
    if (message.reviewed_at) throw new AppError('conflict', 'This reply was already reviewed');
    if (input.outcome === 'opt_out') {
      const settings = await trx
        .selectFrom('compliance_settings')
        .select(['sms_program_name', 'revocation_scope'])
        .where('property_id', '=', propertyId)
        .executeTakeFirst();
      await lockNumber(trx, propertyId, message.from_address);
      await revokeByReply(
        trx,
        propertyId,
        message.from_address,
        settings ?? { sms_program_name: null, revocation_scope: 'program' },
        now,
        {
          method: 'sms_reply_reviewed',
          inbound_message_id: message.id,
          reviewed_by: input.reviewer,
        },
      );
    }
    return trx
      .updateTable('inbound_messages')
      .set({ reviewed_at: now, review_outcome: input.outcome, reviewed_by: input.reviewer })
      .where('property_id', '=', propertyId)
      .where('id', '=', input.id)
      .returning([
        'id',
        'from_address',
        'body',
        'intent',
        'received_at',
        'reviewed_at',
        'review_outcome',
        'reviewed_by',
      ])
      .executeTakeFirstOrThrow();
  });
}
