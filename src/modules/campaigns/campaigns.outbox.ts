import { createSmtpSender, EmailSendError, type EmailSender } from '../../adapters/email/smtp.ts';
import { createTwilioSender, SmsSendError } from '../../adapters/sms/twilio.ts';
import type { Deps } from '../../deps.ts';
import { unsubscribeHeaders } from '../compliance/index.ts';
import type { MessageRow } from './campaigns.messages.repo.ts';
import type { CampaignRow } from './campaigns.repo.ts';

// Where a campaign's messages go: SMTP for email, a Twilio-compatible API for SMS, or nowhere
// (no provider configured: the message is stored, marked sent with provider `none`, and read
// through /api/messages). Domain rules stay in the sender; these only speak to providers.

export interface Handed {
  provider: string;
  providerId: string | null;
}

/** Why a provider did not take a message, and whether trying again may help. */
export class OutboxError extends Error {
  readonly retry: boolean;
  /** The provider may have taken the message although the call failed: a retry could send it twice. */
  readonly maybeSent: boolean;
  /** The recipient opted out at the carrier (Twilio 21610): a revocation to record. */
  readonly unsubscribed: boolean;
  /** The provider's Retry-After, in seconds. */
  readonly retryAfterSeconds: number | null;
  constructor(
    message: string,
    retry: boolean,
    extra: { maybeSent?: boolean; unsubscribed?: boolean; retryAfterSeconds?: number | null } = {},
  ) {
    super(message);
    this.retry = retry;
    this.maybeSent = extra.maybeSent ?? false;
    this.unsubscribed = extra.unsubscribed ?? false;
    this.retryAfterSeconds = extra.retryAfterSeconds ?? null;
  }
}

export interface Outbox {
  send(message: MessageRow): Promise<Handed>;
}

const NOWHERE: Outbox = { send: () => Promise.resolve({ provider: 'none', providerId: null }) };

// One pooled transport per SMTP URL and process: campaigns share its connections.
const smtpSenders = new Map<string, EmailSender>();

function smtpSender(deps: Deps, url: string): EmailSender {
  let sender = smtpSenders.get(url);
  if (!sender) {
    sender = createSmtpSender({ url, maxConnections: deps.config.smtpPoolSize });
    smtpSenders.set(url, sender);
  }
  return sender;
}

/** Closes the pooled SMTP connections (process shutdown, tests). */
export function closeOutboxes(): void {
  for (const sender of smtpSenders.values()) sender.close();
  smtpSenders.clear();
}

/** `Name <address>` from the campaign, or MAIL_FROM's. */
function fromHeader(deps: Deps, campaign: CampaignRow): string {
  const fallback = /<([^>]+)>/.exec(deps.config.mailFrom)?.[1] ?? deps.config.mailFrom;
  const address = campaign.from_address ?? fallback;
  const name = campaign.from_name ?? /^\s*"?([^"<]*?)"?\s*</.exec(deps.config.mailFrom)?.[1];
  return name ? `"${name.replaceAll('"', "'")}" <${address}>` : address;
}

function emailOutbox(deps: Deps, campaign: CampaignRow): Outbox {
  if (!deps.config.smtpUrl) return NOWHERE;
  const sender = smtpSender(deps, deps.config.smtpUrl);
  const from = fromHeader(deps, campaign);
  const host = new URL(deps.config.publicUrl).hostname || 'playloop.invalid';
  return {
    async send(message) {
      const to = message.to_address ?? '';
      // Every bulk mail carries one-click unsubscribe (RFC 8058), transactional ones included:
      // Gmail and Yahoo require it of bulk senders.
      const headers: Record<string, string> = {
        ...(await unsubscribeHeaders(deps, {
          propertyId: message.property_id,
          address: to,
          playerId: message.player_id || undefined,
          program: campaign.program ?? undefined,
          groupId: campaign.subscription_group_id ?? undefined,
        })),
        'X-PlayLoop-Campaign': campaign.id,
        'X-PlayLoop-Message': message.id,
      };
      try {
        const { providerId } = await sender.send({
          from,
          to,
          replyTo: campaign.reply_to ?? undefined,
          subject: message.subject ?? '',
          html: message.html ?? '',
          text: message.body ?? '',
          // The same Message-ID on every attempt: a resend after a crash is the same mail.
          messageId: `<${message.id}@${host}>`,
          headers,
        });
        return { provider: sender.provider, providerId };
      } catch (error) {
        if (error instanceof EmailSendError) {
          throw new OutboxError(error.message, error.kind === 'temporary');
        }
        throw error;
      }
    },
  };
}

async function smsOutbox(deps: Deps, campaign: CampaignRow): Promise<Outbox> {
  const settings = await deps.database.db
    .selectFrom('compliance_settings')
    .select(['sms_account_sid', 'sms_auth_token', 'sms_from', 'sms_messaging_service_sid'])
    .where('property_id', '=', campaign.property_id)
    .executeTakeFirst();
  if (
    !settings?.sms_account_sid ||
    !settings.sms_auth_token ||
    (!settings.sms_from && !settings.sms_messaging_service_sid)
  ) {
    return NOWHERE;
  }
  const sender = createTwilioSender({
    baseUrl: deps.config.twilioBaseUrl,
    accountSid: settings.sms_account_sid,
    authToken: await deps.secrets.open(settings.sms_auth_token),
    ...(settings.sms_messaging_service_sid
      ? { messagingServiceSid: settings.sms_messaging_service_sid }
      : { from: settings.sms_from ?? '' }),
    statusCallbackUrl: `${deps.config.publicUrl}/api/sms/status/${campaign.property_id}`,
    timeoutMs: 15_000,
  });
  return {
    async send(message) {
      try {
        const sent = await sender.send({
          to: message.to_address ?? '',
          body: message.body ?? '',
          idempotencyKey: message.id,
        });
        return { provider: 'twilio', providerId: sent.providerId };
      } catch (error) {
        if (error instanceof SmsSendError) {
          // Twilio does not promise to drop a repeated create with the same idempotency token,
          // so a send that may have gone out is not retried (see the sender).
          throw new OutboxError(error.message, error.kind === 'transient', {
            maybeSent: error.maybeSent,
            unsubscribed: error.reason === 'unsubscribed',
            retryAfterSeconds: error.retryAfter,
          });
        }
        throw error;
      }
    },
  };
}

export function outboxFor(deps: Deps, campaign: CampaignRow): Promise<Outbox> {
  return campaign.channel === 'email'
    ? Promise.resolve(emailOutbox(deps, campaign))
    : smsOutbox(deps, campaign);
}
