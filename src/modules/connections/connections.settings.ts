import { AppError } from '../../lib/errors.ts';
import type { HostResolver } from '../../lib/outbound-url.ts';
import {
  checkConnectionSettings,
  CONNECTION_PROVIDERS,
  type ConnectionProvider,
  type ConnectionSettings,
  credentialFields,
} from '../webhooks/index.ts';

// A connection's settings as the API takes and shows them: which fields each provider has, the
// settings a body (and, on update, the stored ones) make, and what is shown of them.

export const SETTING_FIELDS = [
  'url',
  'auth_header_name',
  'auth_header_value',
  'api_key',
  'api_key_header',
  'rest_endpoint',
  'app_id',
  'write_key',
  'api_host',
] as const;
export type SettingField = (typeof SETTING_FIELDS)[number];
/** Settings fields of a request: absent keeps (on update), null unsets, a string sets. */
export type SettingsInput = { [F in SettingField]?: string | null | undefined };

const FIELDS: Readonly<
  Record<
    ConnectionProvider,
    { required: readonly SettingField[]; optional: readonly SettingField[] }
  >
> = {
  webhook: { required: ['url'], optional: ['auth_header_name', 'auth_header_value'] },
  custom: { required: ['url'], optional: ['api_key', 'api_key_header'] },
  zapier: { required: ['url'], optional: [] },
  braze: { required: ['rest_endpoint', 'api_key'], optional: ['app_id'] },
  segment: { required: ['write_key'], optional: ['api_host'] },
};

/** The field holding the URL each provider posts to (the field of an SSRF refusal). */
const URL_FIELD: Readonly<Record<ConnectionProvider, SettingField>> = {
  webhook: 'url',
  custom: 'url',
  zapier: 'url',
  braze: 'rest_endpoint',
  segment: 'api_host',
};

/**
 * Providers whose deliveries are signed with the connection's secret (Standard Webhooks), as
 * buildConnectionRequest signs them: they post to the customer's own endpoint. Braze and Segment
 * authenticate with their API key, so their secret is never shown.
 */
const SIGNED: ReadonlySet<ConnectionProvider> = new Set(['webhook', 'custom', 'zapier']);

export const isSignedProvider = (provider: ConnectionProvider): boolean => SIGNED.has(provider);

const invalid = (field: string, message: string) =>
  new AppError('validation_failed', message, { field });

export function providerOf(value: string): ConnectionProvider {
  const provider = CONNECTION_PROVIDERS.find((known) => known === value);
  if (!provider) {
    throw invalid('provider', `provider must be one of ${CONNECTION_PROVIDERS.join(', ')}`);
  }
  return provider;
}

export const touchesSettings = (input: SettingsInput): boolean =>
  SETTING_FIELDS.some((field) => input[field] !== undefined);

/**
 * The provider's settings: `current` (the stored ones with their credentials, on update) with
 * the fields `input` sends. A field of another provider is refused rather than ignored, so a
 * typo or a wrong provider does not silently save a connection that sends nothing useful.
 */
export function settingsOf(
  provider: ConnectionProvider,
  current: Readonly<Partial<Record<SettingField, unknown>>>,
  input: SettingsInput,
): ConnectionSettings {
  const { required, optional } = FIELDS[provider];
  const own = new Set<SettingField>([...required, ...optional]);
  const merged: Record<string, unknown> = {};
  for (const field of own) if (typeof current[field] === 'string') merged[field] = current[field];
  for (const field of SETTING_FIELDS) {
    const value = input[field];
    if (value === undefined || (value === null && !own.has(field))) continue;
    if (!own.has(field)) {
      throw invalid(field, `${field} is not a setting of a ${provider} connection`);
    }
    if (value === null) delete merged[field];
    else merged[field] = value;
  }
  for (const field of required) {
    if (typeof merged[field] !== 'string' || merged[field] === '') {
      throw invalid(field, `A ${provider} connection needs ${field}`);
    }
  }
  return { ...merged, provider } as ConnectionSettings;
}

/**
 * checkConnectionSettings (field rules, header injection, the SSRF guard with DNS), its URL
 * refusals naming the provider's URL field beside the rule.
 */
export async function checkSettings(
  settings: ConnectionSettings,
  options: { allowPrivateNetworks: boolean; resolve?: HostResolver },
): Promise<void> {
  try {
    await checkConnectionSettings(settings, options);
  } catch (error) {
    if (error instanceof AppError && error.details?.rule && !error.details.field) {
      throw new AppError(error.code, error.message, {
        ...error.details,
        field: URL_FIELD[settings.provider],
      });
    }
    throw error;
  }
}

/**
 * What is shown of a connection's settings: every field of its provider, and for its credential
 * `<field>_set` only. Credentials are opened only to send, so "set" is read from whether the
 * sealed column holds anything: exact while every provider has at most one credential field
 * (connections.test.ts checks that).
 */
export function settingsView(
  provider: ConnectionProvider,
  stored: Readonly<Record<string, unknown>>,
  hasCredentials: boolean,
): Record<string, string | boolean | null> {
  const { required, optional } = FIELDS[provider];
  const secret = new Set(credentialFields(provider));
  const view: Record<string, string | boolean | null> = {};
  for (const field of [...required, ...optional]) {
    const value = stored[field];
    if (secret.has(field)) view[`${field}_set`] = hasCredentials;
    else view[field] = typeof value === 'string' ? value : null;
  }
  return view;
}
