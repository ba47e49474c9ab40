import type { SecretBox } from '../../lib/secret-box.ts';
import type { ConnectionSettings } from './webhooks.providers.ts';

// A connection's settings are stored in two parts: what may be shown (URL, header names, app id)
// as JSON, and its credentials sealed. These are the credential fields of each provider.

const CREDENTIAL_FIELDS: Readonly<Record<ConnectionSettings['provider'], readonly string[]>> = {
  webhook: ['auth_header_value'],
  custom: ['api_key'],
  zapier: [],
  braze: ['api_key'],
  segment: ['write_key'],
};

export function credentialFields(provider: ConnectionSettings['provider']): readonly string[] {
  return CREDENTIAL_FIELDS[provider];
}

/** Splits settings into what is shown and the credentials to seal (null when there are none). */
export function splitCredentials(settings: ConnectionSettings): {
  shown: Record<string, unknown>;
  credentials: Record<string, string> | null;
} {
  const shown: Record<string, unknown> = {};
  const credentials: Record<string, string> = {};
  const secretFields = new Set(CREDENTIAL_FIELDS[settings.provider]);
  for (const [field, value] of Object.entries(settings)) {
    if (value === undefined || value === null || value === '') continue;
    if (secretFields.has(field)) credentials[field] = String(value);
    else shown[field] = value;
  }
  return { shown, credentials: Object.keys(credentials).length > 0 ? credentials : null };
}

/** The full settings of a stored connection, its credentials opened. */
export async function openConnectionSettings(
  secrets: SecretBox,
  stored: { provider: string; settings: Record<string, unknown>; credentials: string | null },
): Promise<ConnectionSettings> {
  const credentials = stored.credentials
    ? (JSON.parse(await secrets.open(stored.credentials)) as Record<string, string>)
    : {};
  return { ...stored.settings, ...credentials, provider: stored.provider } as ConnectionSettings;
}
