import type { Insertable } from 'kysely';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { Channel, DB, Purpose } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import { parseQuery, type RawQuery, type TableSpec } from '../../lib/postgrest-filter.ts';
import { selectRows, type TableResult, type TableTarget } from '../../lib/table-query.ts';

/**
 * Consent records: append-only grants and revocations with their evidence. Recorded one by one or
 * in batches (all or none), read back through `/api/consents` and `/api/compliance_decisions`.
 */

export const MAX_CONSENT_BATCH = 1000;
const MAX_EVIDENCE_BYTES = 16 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

export interface ConsentInput {
  player_id?: string | undefined;
  channel: Channel;
  address?: string | undefined;
  action?: 'grant' | 'revoke' | undefined;
  consent_type?: 'pec' | 'pewc' | 'email_opt_in' | undefined;
  purpose?: Purpose | undefined;
  program?: string | undefined;
  captured_at?: string | undefined;
  source?: Record<string, unknown> | undefined;
  disclosure_version?: string | undefined;
  esign_disclosure_shown?: boolean | undefined;
  evidence?: unknown;
}

const invalid = (index: number | null, message: string) =>
  new AppError('validation_failed', index === null ? message : `consents[${index}]: ${message}`);

/** The address in its stored form: E.164 for phones, lower case for email. */
export function normalizeAddress(channel: Channel, raw: string): string | null {
  if (channel === 'sms' || channel === 'voice') {
    const phone = parsePhoneNumberFromString(raw, 'US');
    return phone?.isValid() ? phone.number : null;
  }
  if (channel === 'email') {
    const email = raw.trim().toLowerCase();
    return EMAIL.test(email) ? email : null;
  }
  return raw.trim() || null;
}

export async function recordConsents(
  deps: Deps,
  property: { id: string },
  inputs: readonly ConsentInput[],
): Promise<DB['consents'][]> {
  if (inputs.length === 0 || inputs.length > MAX_CONSENT_BATCH) {
    throw new AppError('validation_failed', `consents must hold 1 to ${MAX_CONSENT_BATCH} records`);
  }
  const single = inputs.length === 1 ? null : undefined;
  const now = deps.clock.now();
  const ids = [...new Set(inputs.map((i) => i.player_id).filter((v): v is string => Boolean(v)))];
  const players = ids.length
    ? await deps.database.db
        .selectFrom('players')
        .select(['id', 'player_id', 'email', 'phone'])
        .where('property_id', '=', property.id)
        .where((eb) =>
          eb.or([
            eb(
              'id',
              'in',
              ids.filter((id) => UUID.test(id)).concat(['00000000-0000-0000-0000-000000000000']),
            ),
            eb('player_id', 'in', ids),
          ]),
        )
        .execute()
    : [];
  const rows = inputs.map((input, index) => {
    const at = single === null ? null : index;
    const action = input.action ?? 'grant';
    const player = input.player_id
      ? players.find(
          (p) => p.id === input.player_id?.toLowerCase() || p.player_id === input.player_id,
        )
      : undefined;
    if (input.player_id && !player) {
      throw new AppError(
        'not_found',
        at === null ? 'Player not found' : `consents[${at}]: player not found`,
      );
    }
    const raw =
      input.address ??
      (input.channel === 'email' ? player?.email : input.channel === 'push' ? null : player?.phone);
    if (!raw) throw invalid(at, 'address is required (or a player_id whose profile has one)');
    const address = normalizeAddress(input.channel, raw);
    if (!address)
      throw invalid(
        at,
        `address is not a valid ${input.channel === 'email' ? 'email address' : 'phone number'}`,
      );
    if (action === 'grant') {
      if (!input.consent_type) throw invalid(at, 'consent_type is required for a grant');
      if (!input.purpose) throw invalid(at, 'purpose is required for a grant');
      const phoneChannel = input.channel === 'sms' || input.channel === 'voice';
      if (phoneChannel && input.consent_type === 'email_opt_in') {
        throw invalid(at, 'email_opt_in is a consent for email, not for sms or voice');
      }
      if (input.channel === 'email' && input.consent_type !== 'email_opt_in') {
        throw invalid(at, 'an email consent is an email_opt_in');
      }
      if (input.consent_type === 'pewc' && !input.disclosure_version) {
        throw invalid(
          at,
          'prior express written consent needs the disclosure_version the person agreed to',
        );
      }
    } else if (input.consent_type) {
      throw invalid(at, 'a revocation has no consent_type');
    }
    const capturedAt = input.captured_at ? new Date(input.captured_at) : now;
    if (Number.isNaN(capturedAt.getTime())) throw invalid(at, 'captured_at must be a date-time');
    if (capturedAt.getTime() > now.getTime() + 60_000)
      throw invalid(at, 'captured_at is in the future');
    const evidence = input.evidence === undefined ? null : JSON.stringify(input.evidence);
    if (evidence && Buffer.byteLength(evidence) > MAX_EVIDENCE_BYTES) {
      throw invalid(at, `evidence is larger than ${MAX_EVIDENCE_BYTES / 1024} KiB`);
    }
    return {
      property_id: property.id,
      player_id: player?.id ?? null,
      channel: input.channel,
      address,
      action,
      consent_type: input.consent_type ?? null,
      purpose: input.purpose ?? null,
      program: input.program ?? null,
      captured_at: capturedAt,
      source: JSON.stringify(input.source ?? { method: 'api' }),
      disclosure_version: input.disclosure_version ?? null,
      esign_disclosure_shown: input.esign_disclosure_shown ?? null,
      evidence,
    };
  });
  return (await deps.database.db
    .insertInto('consents')
    .values(rows satisfies Insertable<DB['consents']>[])
    .returningAll()
    .execute()) as unknown as DB['consents'][];
}

/** A table of records read through `/api/{table}`: paged by limit/offset, newest by id. */
const recordTable = (columns: TableSpec['columns']): TableSpec => ({
  columns,
  defaultLimit: 100,
  maxLimit: 1000,
  tiebreaker: 'id',
  maxOffset: 100_000,
});

export const CONSENT_TABLE = recordTable({
  id: { type: 'uuid' },
  property_id: { type: 'uuid' },
  player_id: { type: 'uuid' },
  channel: { type: 'text' },
  address: { type: 'text' },
  action: { type: 'text' },
  consent_type: { type: 'text' },
  purpose: { type: 'text' },
  program: { type: 'text' },
  captured_at: { type: 'timestamptz' },
  source: { type: 'jsonb' },
  disclosure_version: { type: 'text' },
  esign_disclosure_shown: { type: 'boolean' },
  evidence: { type: 'jsonb' },
  recorded_at: { type: 'timestamptz' },
});

export const DECISION_TABLE = recordTable({
  id: { type: 'uuid' },
  property_id: { type: 'uuid' },
  player_id: { type: 'uuid' },
  channel: { type: 'text' },
  address: { type: 'text' },
  purpose: { type: 'text' },
  program: { type: 'text' },
  send_at: { type: 'timestamptz' },
  outcome: { type: 'text' },
  reasons: { type: 'jsonb' },
  next_allowed_at: { type: 'timestamptz' },
  requested_by: { type: 'text' },
  decided_at: { type: 'timestamptz' },
});

/** SMS replies; `?intent=eq.review&reviewed_at=is.null` is the review queue. */
export const INBOUND_TABLE = recordTable({
  id: { type: 'uuid' },
  property_id: { type: 'uuid' },
  from_address: { type: 'text' },
  to_address: { type: 'text' },
  body: { type: 'text' },
  intent: { type: 'text' },
  message_sid: { type: 'text' },
  received_at: { type: 'timestamptz' },
  reviewed_at: { type: 'timestamptz' },
  review_outcome: { type: 'text' },
  reviewed_by: { type: 'text' },
});

const target = (
  table: 'consents' | 'compliance_decisions' | 'inbound_messages',
  spec: TableSpec,
  propertyId: string,
): TableTarget<DB> => ({
  table,
  spec,
  tenantColumn: 'property_id',
  tenantValue: propertyId,
});

export function listConsents(
  deps: Deps,
  propertyId: string,
  input: { query: RawQuery; prefer?: string | undefined },
): Promise<TableResult> {
  const plan = parseQuery(CONSENT_TABLE, input.query, { prefer: input.prefer });
  return selectRows(deps.database.db, target('consents', CONSENT_TABLE, propertyId), plan);
}

export function listDecisions(
  deps: Deps,
  propertyId: string,
  input: { query: RawQuery; prefer?: string | undefined },
): Promise<TableResult> {
  const plan = parseQuery(DECISION_TABLE, input.query, { prefer: input.prefer });
  return selectRows(
    deps.database.db,
    target('compliance_decisions', DECISION_TABLE, propertyId),
    plan,
  );
}

export function listInboundMessages(
  deps: Deps,
  propertyId: string,
  input: { query: RawQuery; prefer?: string | undefined },
): Promise<TableResult> {
  const plan = parseQuery(INBOUND_TABLE, input.query, { prefer: input.prefer });
  return selectRows(deps.database.db, target('inbound_messages', INBOUND_TABLE, propertyId), plan);
}
