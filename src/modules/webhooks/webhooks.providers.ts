import { AppError } from '../../lib/errors.ts';
import {
  checkOutboundUrl,
  type HostResolver,
  type OutboundUrlPolicy,
  parseOutboundUrl,
} from '../../lib/outbound-url.ts';
import { type BrazeSettings, brazeRequest } from './providers/braze.ts';
import {
  type CustomSettings,
  dailyPlayRequest,
  type WebhookSettings,
  type ZapierSettings,
} from './providers/dailyplay.ts';
import { connectionFacts, type EventEnvelope } from './providers/facts.ts';
import {
  type SegmentSettings,
  SEGMENT_DEFAULT_API_HOST,
  segmentRequest,
} from './providers/segment.ts';
import type { OutboundRequest } from './webhooks.types.ts';

// DailyPlay connections: which request each provider sends for an event. Built here: Webhook,
// Custom, Zapier (DailyPlay's JSON), Braze (/users/track) and Segment (track). Not built:
// HubSpot, Mailchimp, Salesforce.

export type ConnectionSettings =
  WebhookSettings | CustomSettings | ZapierSettings | BrazeSettings | SegmentSettings;
export type ConnectionProvider = ConnectionSettings['provider'];

export const CONNECTION_PROVIDERS: readonly ConnectionProvider[] = [
  'webhook',
  'custom',
  'zapier',
  'braze',
  'segment',
];

export interface ConnectionRequest {
  request: OutboundRequest;
  /**
   * Sign with the connection's secret (Standard Webhooks headers): true for the providers that
   * post to the customer's own endpoint; Braze and Segment authenticate by their API key.
   */
  signable: boolean;
  /** Refuse plain http at delivery too. */
  httpsOnly: boolean;
}

/** The request a connection sends for an event, or null when the event fires no trigger. */
export function buildConnectionRequest(
  event: EventEnvelope,
  settings: ConnectionSettings,
  options: { allowPrivateNetworks: boolean },
): ConnectionRequest | null {
  const facts = connectionFacts(event);
  if (!facts) return null;
  const httpsOnly = connectionUrlPolicy(settings, options.allowPrivateNetworks).httpsOnly === true;
  switch (settings.provider) {
    case 'webhook':
    case 'custom':
    case 'zapier':
      return { request: dailyPlayRequest(facts, settings), signable: true, httpsOnly };
    case 'braze': {
      const request = brazeRequest(facts, settings);
      return request && { request, signable: false, httpsOnly };
    }
    case 'segment': {
      const request = segmentRequest(facts, settings);
      return request && { request, signable: false, httpsOnly };
    }
  }
}

/** The URL a connection posts to. */
export function connectionTargetUrl(settings: ConnectionSettings): string {
  switch (settings.provider) {
    case 'webhook':
    case 'custom':
    case 'zapier':
      return settings.url;
    case 'braze':
      return settings.rest_endpoint;
    case 'segment':
      return settings.api_host || SEGMENT_DEFAULT_API_HOST;
  }
}

/**
 * Zapier is https only (DailyPlay's rule). Braze and Segment carry an API key, so they are https
 * only too, except when private networks are allowed (tests and local installs point them at
 * local stand-ins).
 */
export function connectionUrlPolicy(
  settings: ConnectionSettings,
  allowPrivateNetworks: boolean,
  resolve?: HostResolver,
): OutboundUrlPolicy {
  const httpsOnly =
    settings.provider === 'zapier' ||
    ((settings.provider === 'braze' || settings.provider === 'segment') && !allowPrivateNetworks);
  return { allowPrivateNetworks, httpsOnly, resolve };
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
// Visible ASCII, space and tab; no CR/LF (header injection) and no other control characters.
const HEADER_VALUE = /^[\t\x20-\x7e]{1,4096}$/;
/** Headers the transport or the signature owns. */
const RESERVED_HEADERS = new Set([
  'host',
  'content-length',
  'content-type',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'expect',
  'user-agent',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
]);

const invalid = (field: string, message: string): AppError =>
  new AppError('validation_failed', message, { field });

function checkHeader(nameField: string, name: string, valueField: string, value: string): void {
  if (!HEADER_NAME.test(name)) {
    throw invalid(nameField, `${nameField} must be an HTTP header name (letters, digits, -)`);
  }
  const lower = name.toLowerCase();
  if (RESERVED_HEADERS.has(lower) || lower.startsWith('proxy-')) {
    throw invalid(nameField, `${nameField} ${name} is set by PlayLoop and cannot be chosen`);
  }
  if (!HEADER_VALUE.test(value)) {
    throw invalid(valueField, `${valueField} must be 1 to 4096 printable ASCII characters`);
  }
}

function checkBaseUrl(field: string, raw: string, policy: OutboundUrlPolicy): void {
  const url = parseOutboundUrl(raw, policy);
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') {
    throw invalid(field, `${field} must be a base URL without path, query or fragment`);
  }
}

function checkSecretField(field: string, value: string): void {
  if (!HEADER_VALUE.test(value)) {
    throw invalid(field, `${field} must be 1 to 4096 printable ASCII characters`);
  }
}

/**
 * Everything about a connection's settings that can be refused before saving it, the target's
 * DNS included (a name resolving to a private address is refused here, with the rule). Throws
 * AppError('validation_failed') with `details.field`, or OutboundUrlError with `details.rule`.
 */
export async function checkConnectionSettings(
  settings: ConnectionSettings,
  options: { allowPrivateNetworks: boolean; resolve?: HostResolver },
): Promise<void> {
  const policy = connectionUrlPolicy(settings, options.allowPrivateNetworks, options.resolve);
  switch (settings.provider) {
    case 'webhook': {
      const { auth_header_name: name, auth_header_value: value } = settings;
      if (Boolean(name) !== Boolean(value)) {
        throw invalid('auth_header_name', 'auth_header_name and auth_header_value go together');
      }
      if (name && value) checkHeader('auth_header_name', name, 'auth_header_value', value);
      break;
    }
    case 'custom':
      if (settings.api_key_header && !settings.api_key) {
        throw invalid('api_key', 'api_key_header needs an api_key');
      }
      if (settings.api_key) {
        checkHeader(
          'api_key_header',
          settings.api_key_header || 'X-API-Key',
          'api_key',
          settings.api_key,
        );
      }
      break;
    case 'zapier':
      break;
    case 'braze':
      checkSecretField('api_key', settings.api_key);
      if (settings.app_id != null && !/^[0-9A-Za-z-]{1,100}$/.test(settings.app_id)) {
        throw invalid('app_id', 'app_id must be a Braze app identifier (letters, digits, -)');
      }
      checkBaseUrl('rest_endpoint', settings.rest_endpoint, policy);
      break;
    case 'segment':
      checkSecretField('write_key', settings.write_key);
      if (settings.api_host) checkBaseUrl('api_host', settings.api_host, policy);
      break;
  }
  await checkOutboundUrl(connectionTargetUrl(settings), policy);
}
