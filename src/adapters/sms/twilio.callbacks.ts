import { createHmac, timingSafeEqual } from 'node:crypto';

// What Twilio posts back about messages sent through the adapter: delivery statuses to the
// message's StatusCallback URL, signed like every Twilio webhook.

export type SmsDeliveryStatus = 'queued' | 'sent' | 'delivered' | 'undelivered' | 'failed';

export interface SmsStatusUpdate {
  providerId: string;
  status: SmsDeliveryStatus;
  /** Twilio's delivery error (30003 unreachable handset, 30007 filtered, …) when it failed. */
  errorCode?: number;
}

// Twilio's message statuses, read as the five a message record keeps. `read` (a read receipt)
// implies delivery; `canceled` (a scheduled message withdrawn) never went out.
const STATUSES: Record<string, SmsDeliveryStatus> = {
  accepted: 'queued',
  scheduled: 'queued',
  queued: 'queued',
  sending: 'queued',
  sent: 'sent',
  delivered: 'delivered',
  read: 'delivered',
  undelivered: 'undelivered',
  failed: 'failed',
  canceled: 'failed',
};

/**
 * How far along a status is. Callbacks can arrive out of order (a `sent` after its
 * `delivered`), so a record moves only to a status of a higher rank.
 */
export function statusRank(status: SmsDeliveryStatus): number {
  switch (status) {
    case 'queued':
      return 0;
    case 'sent':
      return 1;
    case 'delivered':
    case 'undelivered':
    case 'failed':
      return 2;
  }
}

/**
 * Reads a status callback's form fields (`MessageSid`, `MessageStatus`, `ErrorCode`). Null when
 * the post says nothing a message record tracks (an inbound `received`, or a status unknown to
 * this adapter), so a new Twilio status is ignored rather than refused.
 */
export function parseStatusCallback(params: Record<string, string>): SmsStatusUpdate | null {
  const providerId = params.MessageSid ?? params.SmsSid ?? '';
  const status = STATUSES[params.MessageStatus ?? params.SmsStatus ?? ''];
  if (!providerId || !status) return null;
  const errorCode = Number(params.ErrorCode);
  return {
    providerId,
    status,
    ...(params.ErrorCode && Number.isInteger(errorCode) && errorCode > 0 ? { errorCode } : {}),
  };
}

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

/**
 * True when `signatureHeader` (`X-Twilio-Signature`) is Twilio's signature of this request: the
 * full URL it posted to (with any query string) and the form fields, made with the auth token.
 */
export function verifyTwilioRequest(
  authToken: string,
  url: string,
  params: Record<string, string>,
  signatureHeader: string | undefined,
): boolean {
  if (!signatureHeader) return false;
  const expected = Buffer.from(twilioSignature(authToken, url, params));
  const given = Buffer.from(signatureHeader);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
