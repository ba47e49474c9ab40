import { createHmac, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import { classifyReply, type ReplyIntent } from './compliance.keywords.ts';
import { normalizeAddress } from './compliance.consents.ts';

/**
 * Replies by SMS, as a carrier posts them (Twilio's webhook: form fields `From`, `To`, `Body`,
 * `MessageSid`, signed in `X-Twilio-Signature` with the account's auth token). An opt-out is
 * recorded at once as a revocation of every SMS program of the property and answered with one
 * confirmation without marketing content (none when the number had already opted out); START,
 * YES or UNSTOP restores the consent the number had before; HELP or INFO gets the program's help
 * text; free text that reads like an opt-out is kept for a person to review.
 */

/** Twilio's scheme: base64 HMAC-SHA1 over the URL then each parameter name and value, sorted. */
export function twilioSignature(
  authToken: string,
  url: string,
  params: Record<string, string>,
): string {
  const data = Object.keys(params)
    .sort()
    .reduce((text, key) => text + key + params[key], url);
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

function signatureMatches(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

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

export async function receiveSms(deps: Deps, inbound: InboundSms): Promise<InboundReply> {
  // Unknown property, no token configured, or a wrong signature: the same refusal.
  const refused = () => new AppError('forbidden', 'The request is not signed by the carrier');
  if (!UUID.test(inbound.propertyId)) throw refused();
  const settings = await deps.database.db
    .selectFrom('compliance_settings')
    .select(['sms_auth_token', 'sms_program_name', 'sms_help_text'])
    .where('property_id', '=', inbound.propertyId)
    .executeTakeFirst();
  if (!settings?.sms_auth_token) throw refused();
  const token = await deps.secrets.open(settings.sms_auth_token);
  if (!signatureMatches(twilioSignature(token, inbound.url, inbound.params), inbound.signature)) {
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
    // Serializes replies of one number, so two STOPs cannot both see "not yet opted out".
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`sms:${inbound.propertyId}:${from}`}))`.execute(
      trx,
    );
    const newest = await trx
      .selectFrom('consents')
      .select(['action', 'consent_type', 'purpose', 'program', 'disclosure_version'])
      .where('property_id', '=', inbound.propertyId)
      .where('channel', '=', 'sms')
      .where('address', '=', from)
      .orderBy('captured_at', 'desc')
      .orderBy('recorded_at', 'desc')
      .limit(20)
      .execute();
    const source = JSON.stringify({
      method: 'sms_reply',
      keyword: body.trim().slice(0, 40),
      message_sid: sid,
    });
    switch (intent) {
      case 'opt_out': {
        const already = newest[0]?.action === 'revoke' && newest[0].program === null;
        await trx
          .insertInto('consents')
          .values({
            property_id: inbound.propertyId,
            channel: 'sms',
            address: from,
            action: 'revoke',
            consent_type: null,
            purpose: null,
            program: null,
            captured_at: now,
            source,
            disclosure_version: null,
            esign_disclosure_shown: null,
            evidence: null,
          })
          .execute();
        return {
          intent,
          reply: already
            ? null
            : `You are unsubscribed from ${program} and will receive no more messages. Reply START to resubscribe.`,
        };
      }
      case 'opt_in': {
        const lastGrant = newest.find((record) => record.action === 'grant');
        if (!lastGrant || newest[0]?.action !== 'revoke') return { intent, reply: null };
        await trx
          .insertInto('consents')
          .values({
            property_id: inbound.propertyId,
            channel: 'sms',
            address: from,
            action: 'grant',
            consent_type: lastGrant.consent_type,
            purpose: lastGrant.purpose,
            program: lastGrant.program,
            captured_at: now,
            source,
            disclosure_version: lastGrant.disclosure_version,
            esign_disclosure_shown: null,
            evidence: null,
          })
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
