import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Harness } from '../harness.ts';
import type { WallTenant } from './walls-seed.ts';

/** Rows of a tenant, table by table; `last_used_at` is left out (it moves on reads). */
const FINGERPRINT: readonly [table: string, where: string][] = [
  ['organizations', 'id = $org'],
  ['memberships', 'org_id = $org'],
  ['users', 'id = any($users)'],
  ['user_sessions', 'user_id = any($users)'],
  ['password_resets', 'user_id = any($users)'],
  ['invitations', 'org_id = $org'],
  ['games', 'org_id = $org'],
  ['streams', 'org_id = $org'],
  ['stream_games', 'org_id = $org'],
  ['api_keys', 'org_id = $org'],
  ['api_key_usage', 'org_id = $org'],
  ['game_sessions', 'org_id = $org'],
  ['plays', 'org_id = $org'],
  ['voucher_sets', 'org_id = $org'],
  ['voucher_codes', 'org_id = $org'],
  ['prize_slots', 'org_id = $org'],
  ['prize_draws', 'org_id = $org'],
  ['properties', 'org_id = $org'],
  ['property_api_keys', 'property_id in (select id from properties where org_id = $org)'],
  ['players', 'property_id in (select id from properties where org_id = $org)'],
  ['player_activity', 'property_id in (select id from properties where org_id = $org)'],
  ['player_events', 'property_id in (select id from properties where org_id = $org)'],
  ['webhook_endpoints', 'property_id in (select id from properties where org_id = $org)'],
  ['connections', 'org_id = $org'],
  ['stream_connections', 'org_id = $org'],
  ['webhook_messages', 'org_id = $org'],
  ['webhook_attempts', 'message_id in (select id from webhook_messages where org_id = $org)'],
  ['consents', 'property_id in (select id from properties where org_id = $org)'],
  ['compliance_decisions', 'property_id in (select id from properties where org_id = $org)'],
  ['compliance_settings', 'property_id in (select id from properties where org_id = $org)'],
  ['inbound_messages', 'property_id in (select id from properties where org_id = $org)'],
  ['suppressions', 'property_id in (select id from properties where org_id = $org)'],
  ['privacy_requests', 'property_id in (select id from properties where org_id = $org)'],
  ['contact_log', 'property_id in (select id from properties where org_id = $org)'],
  ['subscription_groups', 'property_id in (select id from properties where org_id = $org)'],
  ['subscription_members', 'property_id in (select id from properties where org_id = $org)'],
  ['templates', 'property_id in (select id from properties where org_id = $org)'],
  ['segments', 'property_id in (select id from properties where org_id = $org)'],
  ['campaigns', 'property_id in (select id from properties where org_id = $org)'],
  ['journeys', 'property_id in (select id from properties where org_id = $org)'],
  [
    'journey_versions',
    'journey_id in (select id from journeys where property_id in (select id from properties where org_id = $org))',
  ],
  ['journey_runs', 'property_id in (select id from properties where org_id = $org)'],
  [
    'journey_steps',
    'run_id in (select id from journey_runs where property_id in (select id from properties where org_id = $org))',
  ],
  ['messages', 'property_id in (select id from properties where org_id = $org)'],
  ['short_links', 'property_id in (select id from properties where org_id = $org)'],
  ['idempotency_keys', 'property_id in (select id from properties where org_id = $org)'],
];

/** A digest of every row the tenant owns, per table. */
export async function fingerprint(h: Harness, tenant: WallTenant): Promise<Record<string, string>> {
  // Audit entries still buffered in this process would land between two fingerprints.
  await h.deps.keyUsage.flush();
  const digests: Record<string, string> = {};
  for (const [table, where] of FINGERPRINT) {
    const condition = where
      .replaceAll('$org', String(tenant.org.id))
      .replaceAll('$users', `array[${tenant.userIds.join(',')}]::int[]`);
    const { rows } = await sql<{ rows: unknown }>`
      select coalesce(jsonb_agg(to_jsonb(t) - 'last_used_at' order by to_jsonb(t)::text), '[]') as rows
      from ${sql.table(table)} t where ${sql.raw(condition)}`.execute(h.deps.database.db);
    const text = JSON.stringify(rows[0]?.rows ?? []);
    digests[table] =
      `${createHash('sha256').update(text).digest('hex').slice(0, 16)} (${text.length} B)`;
  }
  return digests;
}
