import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.ts';
import type { Database } from '../src/db/connect.ts';
import { createDeps } from '../src/deps.ts';
import { checkRecipients, MAX_RECIPIENTS } from '../src/modules/compliance/index.ts';
import { createProperty } from '../src/modules/properties/index.ts';
import { log } from './proc.ts';
import type { BenchSeed } from './seed.ts';

// Issue 12's row: pre-send checks per second for a batch of 100,000 recipients (the service, in
// process, 1,000 a call as a send path calls it), against the raw SQL that reads the same data
// (players, consents, suppressions, contact counts) for the same batches. PostgreSQL only.

export const COMPLIANCE_RECIPIENTS = 100_000;

export interface ComplianceBench {
  recipients: number;
  serviceSec: number;
  servicePerSec: number;
  rawSec: number;
  rawPerSec: number;
  ratio: number;
  allowed: number;
}

export async function benchCompliancePostgres(
  url: string,
  database: Database,
  seed: BenchSeed,
): Promise<ComplianceBench> {
  const deps = await createDeps(
    loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'error', SEED_DEMO: 'false' }),
    { database },
  );
  try {
    const property = await createProperty(deps, undefined, {
      orgId: seed.orgId,
      name: 'Bench compliance',
    });
    log(`postgres: seeding ${COMPLIANCE_RECIPIENTS} players with SMS consent`);
    // Phones across New York, Florida and Texas area codes; every player has written consent.
    await sql`SELECT set_config('playloop.player_events', 'off', false)`.execute(database.db);
    await sql`
      INSERT INTO players (id, property_id, player_id, phone, status)
      SELECT gen_random_uuid(), ${property.id}, 'c' || i,
             '+1' || (ARRAY['212', '305', '214'])[1 + i % 3] || lpad((5550000 + i % 10000)::text, 7, '0')
               || '', 'active'
        FROM generate_series(1, ${COMPLIANCE_RECIPIENTS}::int) AS i`.execute(database.db);
    await sql`
      INSERT INTO consents (property_id, player_id, channel, address, action, consent_type, purpose,
                            captured_at, disclosure_version)
      SELECT property_id, id, 'sms', phone, 'grant', 'pewc', 'marketing', now() - interval '1 day', 'v1'
        FROM players WHERE property_id = ${property.id}`.execute(database.db);
    await sql`ANALYZE players`.execute(database.db);
    await sql`ANALYZE consents`.execute(database.db);
    const ids = (
      await sql<{ player_id: string }>`
        SELECT player_id FROM players WHERE property_id = ${property.id} ORDER BY player_id`.execute(
        database.db,
      )
    ).rows.map((row) => row.player_id);
    const batches: string[][] = [];
    for (let i = 0; i < ids.length; i += MAX_RECIPIENTS)
      batches.push(ids.slice(i, i + MAX_RECIPIENTS));
    // 17:00 UTC tomorrow: inside every recipient's window (noon to 13:00 on the mainland).
    const sendAt = new Date(Date.now() + 86_400_000);
    sendAt.setUTCHours(17, 0, 0, 0);

    log(`postgres: ${batches.length} pre-send checks of ${MAX_RECIPIENTS} recipients`);
    let allowed = 0;
    const started = performance.now();
    for (const batch of batches) {
      const decisions = await checkRecipients(
        deps,
        { id: property.id },
        {
          channel: 'sms',
          purpose: 'marketing',
          sendAt,
          recipients: batch.map((player_id) => ({ player_id })),
        },
        'bench',
      );
      allowed += decisions.filter((d) => d.outcome === 'allow').length;
    }
    const serviceSec = (performance.now() - started) / 1000;

    log('postgres: the same reads as raw SQL');
    const rawStarted = performance.now();
    for (const batch of batches) {
      const players = await sql<{ id: string; phone: string }>`
        SELECT id, phone, email, status, timezone, state, date_of_birth FROM players
         WHERE property_id = ${property.id} AND player_id = ANY(${batch}::text[])`.execute(
        database.db,
      );
      const phones = players.rows.map((row) => row.phone);
      await sql`SELECT address, action, consent_type, purpose, program, captured_at FROM consents
                 WHERE property_id = ${property.id} AND channel = 'sms' AND address = ANY(${phones}::text[])`.execute(
        database.db,
      );
      await sql`SELECT hash, reason FROM suppressions WHERE property_id = ${property.id}
                 AND hash = ANY(${phones}::text[])`.execute(database.db);
      await sql`SELECT address, count(*) FROM contact_log WHERE property_id = ${property.id}
                 AND address = ANY(${phones}::text[]) AND sent_at > now() - interval '1 day'
                 GROUP BY address`.execute(database.db);
    }
    const rawSec = (performance.now() - rawStarted) / 1000;
    return {
      recipients: ids.length,
      serviceSec,
      servicePerSec: ids.length / serviceSec,
      rawSec,
      rawPerSec: ids.length / rawSec,
      ratio: rawSec / serviceSec,
      allowed,
    };
  } finally {
    await deps.keyUsage.close();
    await deps.propertyKeyUsage.close();
    await deps.rateLimiter.close();
    deps.webhookSender.close();
  }
}

export function formatCompliance(bench: ComplianceBench): string {
  const f = (n: number, d = 0) =>
    n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
  return [
    '| pre-send check (postgres) | recipients/s | time | |',
    '| --- | --- | --- | --- |',
    `| service, ${f(bench.recipients)} recipients, 1,000 a call | ${f(bench.servicePerSec)} | ${f(bench.serviceSec, 1)} s | ${f(bench.allowed)} allowed |`,
    `| raw SQL of the same reads | ${f(bench.rawPerSec)} | ${f(bench.rawSec, 1)} s | |`,
    `| ratio (service / raw) | ${f(bench.ratio, 3)} | | |`,
  ].join('\n');
}
