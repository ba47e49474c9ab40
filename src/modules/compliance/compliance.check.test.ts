import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePropertyTenant, type PropertyTenant } from '../../../test/factories.ts';
import { createHarness, expectError, type Harness, json } from '../../../test/harness.ts';
import { suppressionHashes } from './compliance.suppression.ts';

// The pre-send check through the API, on the database: consent, revocation, quiet hours by
// area code and state, caps, self-exclusion, age, suppression, email requirements.

let h: Harness;
beforeAll(async () => {
  // The clock stands before the send times the cases use and after the records they make.
  h = await createHarness({ start: new Date('2026-07-14T12:00:00Z') });
});
afterAll(async () => {
  await h.close();
});

/** 2026-07-15 (a Wednesday, daylight time): hh:mm in New York (UTC-4). */
const eastern = (hhmm: string, day = 15) =>
  new Date(`2026-07-${String(day).padStart(2, '0')}T${hhmm}:00-04:00`).toISOString();

async function player(t: PropertyTenant, fields: Record<string, unknown>): Promise<string> {
  const response = await h.inject({
    method: 'POST',
    url: '/api/players',
    headers: t.keyHeaders,
    payload: fields,
  });
  expect(response.statusCode, response.body).toBe(201);
  return json<{ data: { id: string } }>(response).data.id;
}

const record = (t: PropertyTenant, payload: object) =>
  h.inject({
    method: 'POST',
    url: '/api/functions/record-consent',
    headers: t.keyHeaders,
    payload,
  });

async function grant(t: PropertyTenant, body: Record<string, unknown>) {
  const response = await record(t, {
    channel: 'sms',
    consent_type: 'pewc',
    purpose: 'marketing',
    disclosure_version: 'sms-terms-v3',
    captured_at: '2026-07-01T12:00:00Z',
    ...body,
  });
  expect(response.statusCode, response.body).toBe(201);
}

interface Decision {
  outcome: string;
  reasons: string[];
  next_allowed_at: string | null;
  player_id: string | null;
}

async function check(t: PropertyTenant, body: Record<string, unknown>): Promise<Decision[]> {
  const response = await h.inject({
    method: 'POST',
    url: '/api/functions/tcpa-check',
    headers: t.keyHeaders,
    payload: { channel: 'sms', purpose: 'marketing', send_at: eastern('12:00'), ...body },
  });
  expect(response.statusCode, response.body).toBe(200);
  return json<{ data: Decision[] }>(response).data;
}

describe('the pre-send check', () => {
  it('allows marketing SMS with written consent inside the window, and records the decision', async () => {
    const t = await makePropertyTenant(h);
    const id = await player(t, { player_id: 'fl-1', phone: '+13055550101' });
    await grant(t, { player_id: 'fl-1' });
    const [decision] = await check(t, { recipients: [{ player_id: 'fl-1' }] });
    expect(decision).toMatchObject({ outcome: 'allow', reasons: [], player_id: id });
    const logged = await h.inject({
      method: 'GET',
      url: `/api/compliance_decisions?player_id.eq=${id}`,
      headers: t.keyHeaders,
    });
    expect(json<{ data: { outcome: string }[] }>(logged).data).toMatchObject([
      { outcome: 'allow' },
    ]);
  });

  it("skips outside the recipient's window and says when it may go (Florida ends at 20:00)", async () => {
    const t = await makePropertyTenant(h);
    await player(t, { player_id: 'fl-2', phone: '+13055550102' });
    await grant(t, { player_id: 'fl-2' });
    const [late] = await check(t, {
      send_at: eastern('20:30'),
      recipients: [{ player_id: 'fl-2' }],
    });
    expect(late).toMatchObject({ outcome: 'skip', reasons: ['quiet_hours'] });
    expect(late!.next_allowed_at).toBe(eastern('08:00', 16));
    // New York's area code keeps the federal 21:00.
    await player(t, { player_id: 'ny-1', phone: '+12125550103' });
    await grant(t, { player_id: 'ny-1' });
    const [ny] = await check(t, { send_at: eastern('20:30'), recipients: [{ player_id: 'ny-1' }] });
    expect(ny!.outcome).toBe('allow');
    // A New York number whose profile says Florida: the stricter state wins.
    await player(t, { player_id: 'ny-fl', phone: '+12125550104', state: 'FL' });
    await grant(t, { player_id: 'ny-fl' });
    const [moved] = await check(t, {
      send_at: eastern('20:30'),
      recipients: [{ player_id: 'ny-fl' }],
    });
    expect(moved!.reasons).toEqual(['quiet_hours']);
    // A profile time zone wins over the area code: 12:00 in New York is 09:00 in Los Angeles.
    await player(t, { player_id: 'ny-la', phone: '+12125550105', timezone: 'America/Los_Angeles' });
    await grant(t, { player_id: 'ny-la' });
    const [west] = await check(t, {
      send_at: eastern('10:30'),
      recipients: [{ player_id: 'ny-la' }],
    });
    expect(west).toMatchObject({ outcome: 'skip', reasons: ['quiet_hours'] });
    expect(west!.next_allowed_at).toBe(eastern('11:00'));
  });

  it('matches the consent to the purpose and honours the newest revocation', async () => {
    const t = await makePropertyTenant(h);
    await player(t, { player_id: 'c-1', phone: '+13125550111' });
    expect((await check(t, { recipients: [{ player_id: 'c-1' }] }))[0]!.reasons).toEqual([
      'no_consent',
    ]);
    await grant(t, {
      player_id: 'c-1',
      consent_type: 'pec',
      purpose: 'informational',
      disclosure_version: undefined,
    });
    expect((await check(t, { recipients: [{ player_id: 'c-1' }] }))[0]!.reasons).toEqual([
      'consent_insufficient',
    ]);
    expect(
      (await check(t, { purpose: 'informational', recipients: [{ player_id: 'c-1' }] }))[0]!
        .outcome,
    ).toBe('allow');
    await grant(t, { player_id: 'c-1' });
    expect((await check(t, { recipients: [{ player_id: 'c-1' }] }))[0]!.outcome).toBe('allow');
    const revoked = await record(t, {
      player_id: 'c-1',
      channel: 'sms',
      action: 'revoke',
      captured_at: '2026-07-10T12:00:00Z',
    });
    expect(revoked.statusCode, revoked.body).toBe(201);
    expect((await check(t, { recipients: [{ player_id: 'c-1' }] }))[0]!.reasons).toEqual([
      'revoked',
    ]);
    expect(
      (await check(t, { purpose: 'informational', recipients: [{ player_id: 'c-1' }] }))[0]!
        .reasons,
    ).toEqual(['revoked']);
    await grant(t, { player_id: 'c-1', captured_at: '2026-07-12T12:00:00Z' });
    expect((await check(t, { recipients: [{ player_id: 'c-1' }] }))[0]!.outcome).toBe('allow');
  });

  it('lists every reason that applies', async () => {
    const t = await makePropertyTenant(h);
    await player(t, {
      player_id: 'many',
      phone: '+13055550120',
      status: 'self_excluded',
      date_of_birth: '2007-01-01',
    });
    const [decision] = await check(t, {
      send_at: eastern('22:00'),
      recipients: [{ player_id: 'many' }],
    });
    expect(decision!.reasons).toEqual([
      'no_consent',
      'quiet_hours',
      'self_excluded',
      'under_minimum_age',
    ]);
  });

  it('counts sends against the state cap and the property caps', async () => {
    const t = await makePropertyTenant(h);
    const id = await player(t, {
      player_id: 'cap',
      phone: '+14055550130',
      email: 'cap@example.test',
    });
    await grant(t, { player_id: 'cap' });
    for (const hour of ['09:00', '10:00', '11:00']) {
      await h.deps.database.db
        .insertInto('contact_log')
        .values({
          property_id: t.property.id,
          player_id: id,
          channel: 'sms',
          address: '+14055550130',
          purpose: 'marketing',
          kind: 'game_invitation',
          sent_at: eastern(hour),
        })
        .execute();
    }
    // Oklahoma: at most 3 in 24 hours.
    expect((await check(t, { recipients: [{ player_id: 'cap' }] }))[0]!.reasons).toEqual([
      'state_frequency_cap',
    ]);
    await h.deps.database.db
      .insertInto('compliance_settings')
      .values({ property_id: t.property.id, cap_sms_per_day: 2, cap_total_per_day: 3 })
      .execute();
    expect((await check(t, { recipients: [{ player_id: 'cap' }] }))[0]!.reasons).toEqual([
      'channel_frequency_cap',
      'state_frequency_cap',
      'total_frequency_cap',
    ]);
    // A day later the window has moved on.
    expect(
      (await check(t, { send_at: eastern('11:30', 16), recipients: [{ player_id: 'cap' }] }))[0]!
        .outcome,
    ).toBe('allow');
  });

  it('keeps an erased self-excluded player suppressed when re-created', async () => {
    const t = await makePropertyTenant(h);
    await h.deps.database.db
      .insertInto('suppressions')
      .values(
        suppressionHashes({ email: 'Gone@Example.test', player_id: 'gone-1' }).map((hash) => ({
          property_id: t.property.id,
          hash,
          reason: 'self_excluded' as const,
        })),
      )
      .execute();
    await player(t, { player_id: 'gone-2', email: 'gone@example.test' });
    await record(t, {
      player_id: 'gone-2',
      channel: 'email',
      consent_type: 'email_opt_in',
      purpose: 'marketing',
      captured_at: '2026-07-01T12:00:00Z',
    });
    await h.deps.database.db
      .insertInto('compliance_settings')
      .values({ property_id: t.property.id, postal_address: '1 Casino Way, Las Vegas, NV' })
      .execute();
    const [decision] = await check(t, { channel: 'email', recipients: [{ player_id: 'gone-2' }] });
    expect(decision!.reasons).toEqual(['suppressed_self_excluded']);
  });

  it('needs a postal address for marketing email', async () => {
    const t = await makePropertyTenant(h);
    await player(t, { player_id: 'mail', email: 'mail@example.test' });
    await record(t, {
      player_id: 'mail',
      channel: 'email',
      consent_type: 'email_opt_in',
      purpose: 'marketing',
      captured_at: '2026-07-01T12:00:00Z',
    });
    expect(
      (await check(t, { channel: 'email', recipients: [{ player_id: 'mail' }] }))[0]!.reasons,
    ).toEqual(['missing_postal_address']);
    expect(
      (
        await check(t, {
          channel: 'email',
          purpose: 'transactional',
          recipients: [{ player_id: 'mail' }],
        })
      )[0]!.outcome,
    ).toBe('allow');
  });
  // The race of opt-outs and checks: compliance.stop-race.test.ts.
});

describe('the send time', () => {
  it('cannot be in the past (it would read the records before a newer revocation)', async () => {
    const t = await makePropertyTenant(h);
    const response = await h.inject({
      method: 'POST',
      url: '/api/functions/tcpa-check',
      headers: t.keyHeaders,
      payload: {
        channel: 'sms',
        purpose: 'marketing',
        send_at: '2026-07-13T12:00:00Z',
        recipients: [{ phone: '+12125550199' }],
      },
    });
    expectError(response, 400, 'validation_failed');
  });
});

describe('consent records', () => {
  it('are read through /api/consents and never changed', async () => {
    const t = await makePropertyTenant(h);
    await player(t, { player_id: 'r-1', phone: '+12125550150' });
    await grant(t, {
      player_id: 'r-1',
      source: { method: 'web_form', form_url: 'https://casino.example/join' },
    });
    const list = await h.inject({
      method: 'GET',
      url: '/api/consents?channel.eq=sms',
      headers: t.keyHeaders,
    });
    expect(json<{ data: { address: string; source: object }[] }>(list).data).toMatchObject([
      { address: '+12125550150', source: { method: 'web_form' } },
    ]);
    const patch = await h.inject({
      method: 'PATCH',
      url: '/api/consents?channel.eq=sms',
      headers: t.keyHeaders,
      payload: { purpose: 'informational' },
    });
    expect(patch.statusCode).toBe(400);
    await expect(
      sql`UPDATE consents SET purpose = 'informational' WHERE property_id = ${t.property.id}`.execute(
        h.deps.database.db,
      ),
    ).rejects.toThrow(/append-only/);
  });

  it.each([
    [
      'written consent without its disclosure',
      { channel: 'sms', address: '+12125550160', consent_type: 'pewc', purpose: 'marketing' },
    ],
    [
      'a phone that is not one',
      { channel: 'sms', address: '+1555', consent_type: 'pec', purpose: 'informational' },
    ],
    [
      'an email opt-in for SMS',
      {
        channel: 'sms',
        address: '+12125550161',
        consent_type: 'email_opt_in',
        purpose: 'marketing',
      },
    ],
    [
      'a grant without a purpose',
      { channel: 'email', address: 'a@example.test', consent_type: 'email_opt_in' },
    ],
    [
      'a revocation with a consent type',
      { channel: 'sms', address: '+12125550162', action: 'revoke', consent_type: 'pec' },
    ],
  ])('refuses %s with 400', async (_name, payload) => {
    const t = await makePropertyTenant(h);
    expectError(await record(t, payload), 400, 'validation_failed');
  });

  it('answers 404 for a player the property does not have', async () => {
    const t = await makePropertyTenant(h);
    const response = await record(t, {
      channel: 'sms',
      player_id: 'nobody',
      consent_type: 'pec',
      purpose: 'informational',
    });
    expectError(response, 404, 'not_found');
  });

  it('records a batch all or none', async () => {
    const t = await makePropertyTenant(h);
    const bad = await record(t, {
      consents: [
        {
          channel: 'email',
          address: 'ok@example.test',
          consent_type: 'email_opt_in',
          purpose: 'marketing',
        },
        {
          channel: 'email',
          address: 'not an email',
          consent_type: 'email_opt_in',
          purpose: 'marketing',
        },
      ],
    });
    expectError(bad, 400, 'validation_failed');
    const list = await h.inject({ method: 'GET', url: '/api/consents', headers: t.keyHeaders });
    expect(json<{ data: unknown[] }>(list).data).toHaveLength(0);
  });
});
