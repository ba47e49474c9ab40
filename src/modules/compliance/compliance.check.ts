import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Channel, Purpose } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import { placeOfPhone } from './compliance.phone.ts';
import { normalizeAddress } from './compliance.consents.ts';
import { quietHours, recipientZones } from './compliance.quiet-hours.ts';
import { ageAt, type ConsentRecord, consentVerdict } from './compliance.rules.ts';
import { usStateCode } from './compliance.states.ts';
import { suppressionHashes } from './compliance.suppression.ts';

/**
 * The pre-send check: one decision per recipient, allow or skip, with every reason that applies
 * (not only the first), recorded in `compliance_decisions`. Every send path calls it; the API
 * exposes it as `POST /api/functions/tcpa-check`.
 */

export const MAX_RECIPIENTS = 1000;
const DAY_MS = 86_400_000;

export type SkipReason =
  | 'unknown_player'
  | 'no_address'
  | 'invalid_address'
  | 'no_consent'
  | 'consent_insufficient'
  | 'revoked'
  | 'not_in_group'
  | 'unsubscribed_group'
  | 'quiet_hours'
  | 'no_send_window'
  | 'state_frequency_cap'
  | 'channel_frequency_cap'
  | 'total_frequency_cap'
  | 'self_excluded'
  | 'under_minimum_age'
  | 'player_inactive'
  | 'suppressed_erased'
  | 'suppressed_self_excluded'
  | 'do_not_contact'
  | 'missing_postal_address';

export interface CheckRequest {
  channel: Channel;
  purpose: Purpose;
  program?: string | null | undefined;
  /** The subscription group the message belongs to, when it has one. */
  subscriptionGroupId?: string | null | undefined;
  sendAt?: Date | undefined;
  recipients: readonly { player_id?: string; phone?: string; email?: string }[];
}

export interface Decision {
  id: string;
  player_id: string | null;
  address: string | null;
  outcome: 'allow' | 'skip';
  reasons: SkipReason[];
  next_allowed_at: Date | null;
}

interface PlayerRow {
  id: string;
  player_id: string | null;
  email: string | null;
  phone: string | null;
  status: string;
  timezone: string | null;
  state: string | null;
  date_of_birth: string | null;
}

/** Profiles keep phones in E.164: a recipient's "(212) 555-0100" must find its player. */
const lookupPhone = (raw: string) => normalizeAddress('sms', raw) ?? raw;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function loadPlayers(deps: Deps, propertyId: string, request: CheckRequest) {
  const ids = request.recipients.map((r) => r.player_id).filter((v): v is string => Boolean(v));
  const uuids = ids.filter((id) => UUID.test(id)).map((id) => id.toLowerCase());
  const emails = request.recipients
    .filter((r) => !r.player_id && r.email)
    .map((r) => r.email!.trim().toLowerCase());
  const phones = request.recipients
    .filter((r) => !r.player_id && r.phone)
    .map((r) => lookupPhone(r.phone!));
  const { rows } = await sql<PlayerRow>`
    SELECT id, player_id, email, phone, status, timezone, state, date_of_birth::text AS date_of_birth
      FROM players
     WHERE property_id = ${propertyId}
       AND (id = ANY(${uuids}::uuid[]) OR player_id = ANY(${ids}::text[])
            OR lower(email) = ANY(${emails}::text[]) OR phone = ANY(${phones}::text[]))
  `.execute(deps.database.db);
  return rows;
}

async function loadSettings(deps: Deps, propertyId: string) {
  const row = await deps.database.db
    .selectFrom('compliance_settings')
    .selectAll()
    .where('property_id', '=', propertyId)
    .executeTakeFirst();
  return {
    minimumAge: row?.minimum_age ?? 21,
    capSms: row?.cap_sms_per_day ?? null,
    capEmail: row?.cap_email_per_day ?? null,
    capTotal: row?.cap_total_per_day ?? null,
    postalAddress: row?.postal_address ?? null,
    smsProgram: row?.sms_program_name ?? null,
  };
}

export async function checkRecipients(
  deps: Deps,
  property: { id: string },
  request: CheckRequest,
  requestedBy: string,
  /** `record: false` decides without writing `compliance_decisions` (an audience preview). */
  options: { record?: boolean } = {},
): Promise<Decision[]> {
  if (request.recipients.length === 0 || request.recipients.length > MAX_RECIPIENTS) {
    throw new AppError('validation_failed', `recipients must hold 1 to ${MAX_RECIPIENTS}`);
  }
  const now = deps.clock.now();
  const sendAt = request.sendAt ?? now;
  // A decision is for a send now or later: a time in the past would read the records as they
  // were then, before a revocation that has since arrived.
  if (sendAt.getTime() < now.getTime() - 60_000) {
    throw new AppError('validation_failed', 'send_at must not be in the past');
  }
  const marketing = request.purpose === 'marketing';
  const db = deps.database.db;
  const [players, settings] = await Promise.all([
    loadPlayers(deps, property.id, request),
    loadSettings(deps, property.id),
  ]);
  // A text that names no program belongs to the property's SMS program: a STOP, which revokes
  // that program, must reach it.
  const program =
    request.program ?? (request.channel === 'sms' ? settings.smsProgram : null) ?? null;
  const byId = new Map<string, PlayerRow>();
  for (const player of players) {
    byId.set(player.id, player);
    if (player.player_id) byId.set(`casino:${player.player_id}`, player);
    if (player.email) byId.set(`email:${player.email.toLowerCase()}`, player);
    if (player.phone) byId.set(`phone:${player.phone}`, player);
  }

  // Each recipient's player and address.
  const resolved = await Promise.all(
    request.recipients.map(async (recipient) => {
      const player = recipient.player_id
        ? (byId.get(recipient.player_id.toLowerCase()) ?? byId.get(`casino:${recipient.player_id}`))
        : recipient.email
          ? byId.get(`email:${recipient.email.trim().toLowerCase()}`)
          : recipient.phone
            ? byId.get(`phone:${lookupPhone(recipient.phone)}`)
            : undefined;
      const wantsPhone = request.channel === 'sms' || request.channel === 'voice';
      const raw = wantsPhone
        ? (recipient.phone ?? player?.phone ?? null)
        : (recipient.email ?? player?.email ?? null);
      const place = wantsPhone && raw ? await placeOfPhone(raw) : null;
      const address = wantsPhone
        ? (place?.e164 ?? null)
        : raw && request.channel === 'email'
          ? raw.trim().toLowerCase()
          : raw;
      return { recipient, player, raw, address, place };
    }),
  );

  const addresses = [...new Set(resolved.map((r) => r.address).filter((a): a is string => !!a))];
  const playerIds = [...new Set(resolved.flatMap((r) => (r.player ? [r.player.id] : [])))];
  const hashes = [
    ...new Set(
      resolved.flatMap((r) =>
        suppressionHashes({
          email: request.channel === 'email' ? r.address : r.player?.email,
          phone: r.place?.e164 ?? r.player?.phone,
          player_id: r.player?.player_id,
        }),
      ),
    ),
  ];
  const since = new Date(sendAt.getTime() - DAY_MS);
  const [consents, suppressions, contacts, totals, members] = await Promise.all([
    db
      .selectFrom('consents')
      .select(['address', 'action', 'consent_type', 'purpose', 'program', 'captured_at'])
      .where('property_id', '=', property.id)
      .where('channel', '=', request.channel)
      .where('address', 'in', addresses.length > 0 ? addresses : [''])
      .where('captured_at', '<=', sendAt)
      .execute(),
    db
      .selectFrom('suppressions')
      .select(['hash', 'reason'])
      .where('property_id', '=', property.id)
      .where('hash', 'in', hashes.length > 0 ? hashes : [''])
      .execute(),
    marketing
      ? sql<{ address: string; n: number }>`
          SELECT address, count(*)::int AS n FROM contact_log
           WHERE property_id = ${property.id} AND channel = ${request.channel}
             AND purpose = 'marketing' AND address = ANY(${addresses}::text[])
             AND sent_at > ${since} AND sent_at <= ${sendAt}
           GROUP BY address`.execute(db)
      : { rows: [] },
    marketing
      ? sql<{ player_id: string; n: number }>`
          SELECT player_id::text, count(*)::int AS n FROM contact_log
           WHERE property_id = ${property.id} AND purpose = 'marketing'
             AND player_id = ANY(${playerIds}::uuid[])
             AND sent_at > ${since} AND sent_at <= ${sendAt}
           GROUP BY player_id`.execute(db)
      : { rows: [] },
    request.subscriptionGroupId
      ? db
          .selectFrom('subscription_members')
          .select(['player_id', 'subscribed'])
          .where('property_id', '=', property.id)
          .where('group_id', '=', request.subscriptionGroupId)
          .where(
            'player_id',
            'in',
            playerIds.length > 0 ? playerIds : ['00000000-0000-0000-0000-000000000000'],
          )
          .execute()
      : [],
  ]);
  const consentsOf = new Map<string, ConsentRecord[]>();
  for (const row of consents) {
    const list = consentsOf.get(row.address) ?? [];
    list.push(row);
    consentsOf.set(row.address, list);
  }
  const suppressed = new Map<string, Set<string>>();
  for (const row of suppressions) {
    suppressed.set(row.hash, (suppressed.get(row.hash) ?? new Set()).add(row.reason));
  }
  const sentTo = new Map(contacts.rows.map((row) => [row.address, row.n]));
  const sentToPlayer = new Map(totals.rows.map((row) => [row.player_id, row.n]));
  const membership = new Map(members.map((row) => [row.player_id, row.subscribed]));
  const channelCap =
    request.channel === 'sms'
      ? settings.capSms
      : request.channel === 'email'
        ? settings.capEmail
        : null;

  const decisions = resolved.map(({ recipient, player, raw, address, place }) => {
    const reasons = new Set<SkipReason>();
    let next: Date | null = null;
    if (recipient.player_id && !player) reasons.add('unknown_player');
    if (!raw) reasons.add('no_address');
    else if (!address) reasons.add('invalid_address');
    if (address) {
      const verdict = consentVerdict(
        request.channel,
        request.purpose,
        program,
        consentsOf.get(address) ?? [],
      );
      if (verdict !== 'ok' && verdict !== 'not_required') reasons.add(verdict);
    }
    if (request.subscriptionGroupId && player) {
      const subscribed = membership.get(player.id);
      if (subscribed === undefined) reasons.add('not_in_group');
      else if (!subscribed) reasons.add('unsubscribed_group');
    }
    const ids = suppressionHashes({
      email: request.channel === 'email' ? address : player?.email,
      phone: place?.e164 ?? player?.phone,
      player_id: player?.player_id,
    });
    const why = new Set(ids.flatMap((hash) => [...(suppressed.get(hash) ?? [])]));
    if (why.has('do_not_contact')) reasons.add('do_not_contact');
    if (marketing) {
      if (why.has('erased')) reasons.add('suppressed_erased');
      if (why.has('self_excluded')) reasons.add('suppressed_self_excluded');
      if (player?.status === 'self_excluded') reasons.add('self_excluded');
      if (player && (player.status === 'banned' || player.status === 'inactive'))
        reasons.add('player_inactive');
      if (player?.date_of_birth && ageAt(player.date_of_birth, sendAt) < settings.minimumAge) {
        reasons.add('under_minimum_age');
      }
      const sent = address ? (sentTo.get(address) ?? 0) : 0;
      if (channelCap !== null && sent >= channelCap) reasons.add('channel_frequency_cap');
      if (
        settings.capTotal !== null &&
        player &&
        (sentToPlayer.get(player.id) ?? 0) >= settings.capTotal
      ) {
        reasons.add('total_frequency_cap');
      }
      if (request.channel === 'sms' || request.channel === 'voice') {
        const states = [
          ...new Set([place?.state, usStateCode(player?.state)].filter((s): s is string => !!s)),
        ];
        const window = quietHours({
          sendAt,
          zones: recipientZones(player?.timezone, place),
          states,
        });
        if (!window.allowed) {
          reasons.add(window.nextAllowedAt ? 'quiet_hours' : 'no_send_window');
          next = window.nextAllowedAt;
        }
        if (window.capPer24h !== null && sent >= window.capPer24h)
          reasons.add('state_frequency_cap');
      }
      if (request.channel === 'email' && !settings.postalAddress)
        reasons.add('missing_postal_address');
    }
    return {
      id: randomUUID(),
      player_id: player?.id ?? null,
      address,
      outcome: reasons.size === 0 ? ('allow' as const) : ('skip' as const),
      reasons: [...reasons].sort(),
      next_allowed_at: next,
    };
  });

  if (options.record === false) return decisions;
  await db
    .insertInto('compliance_decisions')
    .values(
      decisions.map((d) => ({
        id: d.id,
        property_id: property.id,
        player_id: d.player_id,
        channel: request.channel,
        address: d.address,
        purpose: request.purpose,
        program,
        send_at: sendAt,
        outcome: d.outcome,
        reasons: d.reasons,
        next_allowed_at: d.next_allowed_at,
        requested_by: requestedBy,
      })),
    )
    .execute();
  return decisions;
}
