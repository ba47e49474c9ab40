import type { Deps } from '../../deps.ts';

/** A property's compliance settings; the carrier token is write-only (sealed, never shown). */

export interface SettingsView {
  minimum_age: number;
  cap_sms_per_day: number | null;
  cap_email_per_day: number | null;
  cap_total_per_day: number | null;
  postal_address: string | null;
  unsubscribe_url: string | null;
  sms_program_name: string | null;
  sms_help_text: string | null;
  /** The campaign SMS sender: a Twilio-compatible account and its number or messaging service. */
  sms_account_sid: string | null;
  sms_from: string | null;
  sms_messaging_service_sid: string | null;
  /** How far an SMS opt-out reaches: the property's SMS program, or every SMS and voice one. */
  revocation_scope: 'program' | 'sender';
  sms_auth_token_set: boolean;
}

export type SettingsPatch = Partial<Omit<SettingsView, 'sms_auth_token_set' | 'minimum_age'>> & {
  minimum_age?: number;
  sms_auth_token?: string | null;
};

const DEFAULTS: SettingsView = {
  minimum_age: 21,
  cap_sms_per_day: null,
  cap_email_per_day: null,
  cap_total_per_day: null,
  postal_address: null,
  unsubscribe_url: null,
  sms_program_name: null,
  sms_help_text: null,
  sms_account_sid: null,
  sms_from: null,
  sms_messaging_service_sid: null,
  revocation_scope: 'program',
  sms_auth_token_set: false,
};

export async function getSettings(deps: Deps, propertyId: string): Promise<SettingsView> {
  const row = await deps.database.db
    .selectFrom('compliance_settings')
    .selectAll()
    .where('property_id', '=', propertyId)
    .executeTakeFirst();
  if (!row) return DEFAULTS;
  const { sms_auth_token, property_id: _p, updated_at: _u, ...shown } = row;
  return { ...shown, sms_auth_token_set: sms_auth_token !== null };
}

export async function updateSettings(
  deps: Deps,
  propertyId: string,
  patch: SettingsPatch,
): Promise<SettingsView> {
  const { sms_auth_token, ...fields } = patch;
  const values = {
    ...fields,
    ...(sms_auth_token === undefined
      ? {}
      : {
          sms_auth_token: sms_auth_token === null ? null : await deps.secrets.seal(sms_auth_token),
        }),
    updated_at: deps.clock.now(),
  };
  await deps.database.db
    .insertInto('compliance_settings')
    .values({ property_id: propertyId, ...values })
    .onConflict((oc) => oc.column('property_id').doUpdateSet(values))
    .execute();
  return getSettings(deps, propertyId);
}
