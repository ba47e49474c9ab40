import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePropertyTenant, type PropertyTenant, unique } from '../../../test/factories.ts';
import { createHarness, expectError, type Harness, json } from '../../../test/harness.ts';
import { AppError } from '../../lib/errors.ts';
import { createPlayers } from '../players/index.ts';
import { createPropertyKey } from '../property-keys/index.ts';
import {
  type Audience,
  AUDIENCE_BATCH,
  countAudience,
  previewAudience,
  resolveAudience,
} from './segments.audience.ts';
import { createSegment } from './segments.service.ts';

// Audiences for campaigns: resolveAudience streams player ids in keyset batches, countAudience
// sizes them, and audience-preview runs the pre-send check over them without recording it.

let h: Harness;
beforeAll(async () => {
  // As in the pre-send check's tests: the clock stands before the send time and after consents.
  h = await createHarness({ start: new Date('2026-07-14T12:00:00Z') });
});
afterAll(async () => {
  await h.close();
});

/** 2026-07-15 12:00 in New York: inside every quiet-hours window. */
const SEND_AT = '2026-07-15T12:00:00-04:00';

async function collect(propertyId: string, audience: Audience): Promise<string[][]> {
  const batches: string[][] = [];
  for await (const batch of resolveAudience(h.deps, propertyId, audience)) batches.push(batch);
  return batches;
}

/** `n` players of the property, created a thousand at a time; returns their ids. */
async function manyPlayers(t: PropertyTenant, n: number, fields: object = {}): Promise<string[]> {
  const ids: string[] = [];
  for (let from = 0; from < n; from += 1000) {
    const rows = Array.from({ length: Math.min(1000, n - from) }, () => ({
      player_id: unique('p'),
      ...fields,
    }));
    ids.push(...(await createPlayers(h.deps, t.property.id, rows)).map((p) => p.id));
  }
  return ids;
}

const rejection = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
};

describe('resolveAudience', () => {
  it('streams 2,500 players in three ascending batches of at most 1000, each id once', async () => {
    const t = await makePropertyTenant(h);
    const ids = await manyPlayers(t, 2500);
    await manyPlayers(await makePropertyTenant(h), 50);
    const batches = await collect(t.property.id, { type: 'all' });
    expect(batches.map((b) => b.length)).toEqual([1000, 1000, 500]);
    const flat = batches.flat();
    expect(new Set(flat).size).toBe(2500);
    expect([...flat].sort()).toEqual([...ids].sort());
    // Keyset order: each batch starts after the last id of the one before.
    expect(flat).toEqual([...flat].sort());
    expect(await countAudience(h.deps, t.property.id, { type: 'all' })).toBe(2500);
  });

  it("streams a segment's players only, and a list's players by either id", async () => {
    const t = await makePropertyTenant(h);
    const gold = await manyPlayers(t, 1200, { tier: 'gold' });
    await manyPlayers(t, 300, { tier: 'silver' });
    const segment = await createSegment(h.deps, t.property.id, {
      name: 'Gold',
      filter: 'tier=eq.gold',
    });
    const audience: Audience = { type: 'segment', segment_id: segment.id };
    const batches = await collect(t.property.id, audience);
    expect(batches.map((b) => b.length)).toEqual([AUDIENCE_BATCH, 200]);
    expect(batches.flat().sort()).toEqual([...gold].sort());
    expect(await countAudience(h.deps, t.property.id, audience)).toBe(1200);

    // A segment filtering on id.gt itself keeps its condition across keyset pages.
    const sorted = [...gold].sort();
    const upper = await createSegment(h.deps, t.property.id, {
      name: 'Upper gold',
      filter: `tier=eq.gold&id.gt=${sorted[99]}`,
    });
    const upperIds = (
      await collect(t.property.id, { type: 'segment', segment_id: upper.id })
    ).flat();
    expect(upperIds).toEqual(sorted.slice(100));

    const other = await makePropertyTenant(h);
    const [theirs] = await manyPlayers(other, 1);
    const [mine] = await createPlayers(h.deps, t.property.id, [{ player_id: 'casino-42' }]);
    const list: Audience = {
      type: 'players',
      player_ids: [gold[0]!.toUpperCase(), 'casino-42', gold[0]!, theirs!, 'nobody'],
    };
    expect((await collect(t.property.id, list)).flat().sort()).toEqual([gold[0]!, mine!.id].sort());
    expect(await countAudience(h.deps, t.property.id, list)).toBe(2);
  });

  it("answers 404 for an unknown segment or another property's", async () => {
    const a = await makePropertyTenant(h);
    const b = await makePropertyTenant(h);
    const theirs = await createSegment(h.deps, b.property.id, { name: 'Theirs', filter: '' });
    for (const id of [theirs.id, '00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const audience: Audience = { type: 'segment', segment_id: id };
      for (const error of [
        await rejection(collect(a.property.id, audience)),
        await rejection(countAudience(h.deps, a.property.id, audience)),
      ]) {
        expect(error).toBeInstanceOf(AppError);
        expect((error as AppError).code).toBe('not_found');
      }
    }
  });

  it('refuses a list of more than 10,000 players', async () => {
    const t = await makePropertyTenant(h);
    const audience: Audience = {
      type: 'players',
      player_ids: Array.from({ length: 10_001 }, (_, i) => `p${i}`),
    };
    const error = await rejection(collect(t.property.id, audience));
    expect((error as AppError).code).toBe('validation_failed');
  });
});

describe('audience-preview', () => {
  const preview = (t: PropertyTenant, payload: object, headers = t.keyHeaders) =>
    h.inject({ method: 'POST', url: '/api/functions/audience-preview', headers, payload });

  async function consentingPlayers(t: PropertyTenant) {
    const players = await createPlayers(
      h.deps,
      t.property.id,
      Array.from({ length: 5 }, (_, i) => ({
        player_id: unique('fl'),
        phone: `+1305555010${i}`,
        tier: 'gold',
      })),
    );
    for (const player of players.slice(0, 3)) {
      const response = await h.inject({
        method: 'POST',
        url: '/api/functions/record-consent',
        headers: t.keyHeaders,
        payload: {
          player_id: player.id,
          channel: 'sms',
          consent_type: 'pewc',
          purpose: 'marketing',
          disclosure_version: 'sms-terms-v3',
          captured_at: '2026-07-01T12:00:00Z',
        },
      });
      expect(response.statusCode, response.body).toBe(201);
    }
    return players;
  }

  const decisionsOf = async (propertyId: string) =>
    Number(
      (
        await h.deps.database.db
          .selectFrom('compliance_decisions')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('property_id', '=', propertyId)
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('counts who would be sent and skipped by reason, recording no decision', async () => {
    const t = await makePropertyTenant(h);
    const players = await consentingPlayers(t);
    await manyPlayers(t, 2, { tier: 'silver' });
    const segment = await createSegment(h.deps, t.property.id, {
      name: 'Gold',
      filter: 'tier=eq.gold',
    });
    const response = await preview(t, {
      audience: { type: 'segment', segment_id: segment.id },
      channel: 'sms',
      purpose: 'marketing',
      send_at: SEND_AT,
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(json<{ data: unknown }>(response).data).toEqual({
      size: 5,
      evaluated: 5,
      would_send: 3,
      skipped: 2,
      would_skip: { no_consent: 2 },
      sampled: false,
    });
    expect(await decisionsOf(t.property.id)).toBe(0);

    // A list, and every player: the silver ones have no phone.
    const listed = await preview(t, {
      audience: { type: 'players', player_ids: players.map((p) => p.player_id!) },
      channel: 'sms',
      purpose: 'marketing',
      send_at: SEND_AT,
    });
    expect(json<{ data: { would_send: number; size: number } }>(listed).data).toMatchObject({
      size: 5,
      would_send: 3,
    });
    const all = await preview(t, {
      audience: { type: 'all' },
      channel: 'sms',
      purpose: 'marketing',
      send_at: SEND_AT,
    });
    expect(json<{ data: unknown }>(all).data).toMatchObject({
      size: 7,
      would_send: 3,
      skipped: 4,
      would_skip: { no_consent: 2, no_address: 2 },
    });
    expect(await decisionsOf(t.property.id)).toBe(0);

    // The same players through tcpa-check are recorded: the preview's silence is its option.
    const check = await h.inject({
      method: 'POST',
      url: '/api/functions/tcpa-check',
      headers: t.keyHeaders,
      payload: {
        channel: 'sms',
        purpose: 'marketing',
        send_at: SEND_AT,
        recipients: players.map((p) => ({ player_id: p.id })),
      },
    });
    expect(check.statusCode, check.body).toBe(200);
    expect(await decisionsOf(t.property.id)).toBe(5);
  });

  it('evaluates only the first recipients of a larger audience and says it sampled', async () => {
    const t = await makePropertyTenant(h);
    await manyPlayers(t, 2500);
    const input = {
      audience: { type: 'all' } as const,
      channel: 'email' as const,
      purpose: 'informational' as const,
    };
    // Bounded at 1500, a batch is cut in the middle: 1000 + 500 evaluated, none recorded.
    expect(await previewAudience(h.deps, t.property.id, input, 1500)).toEqual({
      size: 2500,
      evaluated: 1500,
      would_send: 0,
      skipped: 1500,
      would_skip: { no_address: 1500 },
      sampled: true,
    });
    // At the bound exactly, a complete audience is not a sample.
    expect(await previewAudience(h.deps, t.property.id, input, 2500)).toMatchObject({
      evaluated: 2500,
      sampled: false,
    });
    expect(await decisionsOf(t.property.id)).toBe(0);
  });

  it('answers an empty audience with zeros', async () => {
    const t = await makePropertyTenant(h);
    const response = await preview(t, {
      audience: { type: 'all' },
      channel: 'email',
      purpose: 'marketing',
    });
    expect(json<{ data: unknown }>(response).data).toEqual({
      size: 0,
      evaluated: 0,
      would_send: 0,
      skipped: 0,
      would_skip: {},
      sampled: false,
    });
  });

  it('refuses malformed audiences, without a credential, and for another property', async () => {
    const a = await makePropertyTenant(h);
    const b = await makePropertyTenant(h);
    const theirs = await createSegment(h.deps, b.property.id, { name: 'Theirs', filter: '' });
    const base = { channel: 'sms', purpose: 'marketing', send_at: SEND_AT };
    for (const audience of [
      { type: 'segment' },
      { type: 'segment', segment_id: 'nope' },
      { type: 'players', player_ids: [] },
      { type: 'everyone' },
      { type: 'all', extra: true },
    ]) {
      expectError(await preview(a, { ...base, audience }), 400, 'validation_failed');
    }
    expectError(
      await preview(a, { ...base, audience: { type: 'all' }, channel: 'fax' }),
      400,
      'validation_failed',
    );
    expectError(
      await h.inject({
        method: 'POST',
        url: '/api/functions/audience-preview',
        payload: { ...base, audience: { type: 'all' } },
      }),
      401,
      'unauthorized',
    );
    expectError(
      await preview(a, { ...base, audience: { type: 'segment', segment_id: theirs.id } }),
      404,
      'not_found',
    );
    // Previewing only reads: a read-only key may.
    const key = await createPropertyKey(h.deps, undefined, {
      propertyId: a.property.id,
      name: 'Read only',
      scopes: ['read'],
    });
    const readOnly = await preview(
      a,
      { ...base, audience: { type: 'all' } },
      { 'x-api-key': key.key },
    );
    expect(readOnly.statusCode, readOnly.body).toBe(200);
  });

  it('allows the configured previews a minute per property, then 429', async () => {
    // The suite's harness lifts throttles; this one has the shipped default.
    const limit = 10;
    const limited = await createHarness({
      start: new Date('2026-07-14T12:00:00Z'),
      config: { audiencePreviewsPerProperty: { limit, windowSeconds: 60 } },
    });
    try {
      const send = (t: PropertyTenant, payload: object) =>
        limited.inject({
          method: 'POST',
          url: '/api/functions/audience-preview',
          headers: t.keyHeaders,
          payload,
        });
      const t = await makePropertyTenant(limited);
      const other = await makePropertyTenant(limited);
      const payload = { audience: { type: 'all' }, channel: 'email', purpose: 'informational' };
      for (let i = 0; i < limit; i += 1) {
        const response = await send(t, payload);
        expect(response.statusCode, response.body).toBe(200);
      }
      const refused = expectError(await send(t, payload), 429, 'rate_limited');
      expect(refused.error).toContain('audience previews');
      // Another property's allowance is its own; the property's comes back after the window.
      expect((await send(other, payload)).statusCode).toBe(200);
      limited.clock.advance(61_000);
      expect((await send(t, payload)).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
