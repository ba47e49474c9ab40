import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { PlayerRow } from '../players/index.ts';
import { type Addresses, contactOf } from './privacy.repo.ts';

/** Most rows of one kind an export carries; past it the kind is cut and named in `truncated_kinds`. */
export const EXPORT_ROWS_PER_KIND = 10_000;

export const EXPORT_KINDS = [
  'consents',
  'decisions',
  'events',
  'activity',
  'subscriptions',
  'contacts',
  'messages',
] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

export interface ExportData extends Record<ExportKind, Record<string, unknown>[]> {
  player: PlayerRow;
  truncated: boolean;
  truncated_kinds: ExportKind[];
}

type Row = Record<string, unknown>;

/** At most `limit` rows of each kind are read; one more tells the caller it was truncated. */
async function exportRows(
  db: Kysely<DB>,
  propertyId: string,
  playerId: string,
  addresses: Addresses,
  limit: number,
): Promise<Record<ExportKind, Row[]>> {
  const take = limit + 1;
  const { email, phone } = addresses;
  const consents = await db
    .selectFrom('consents')
    .select([
      'id',
      'player_id',
      'channel',
      'address',
      'action',
      'consent_type',
      'purpose',
      'program',
      'captured_at',
      'source',
      'disclosure_version',
      'esign_disclosure_shown',
      'evidence',
      'recorded_at',
    ])
    .where('property_id', '=', propertyId)
    .where((eb) =>
      eb.or([
        eb('player_id', '=', playerId),
        ...(email === null
          ? []
          : [eb.and([eb('channel', '=', 'email'), eb('address', '=', email)])]),
        ...(phone === null
          ? []
          : [eb.and([eb('channel', 'in', ['sms', 'voice']), eb('address', '=', phone)])]),
      ]),
    )
    .orderBy('captured_at')
    .orderBy('id')
    .limit(take)
    .execute();
  const decisions = await db
    .selectFrom('compliance_decisions')
    .select([
      'id',
      'player_id',
      'channel',
      'address',
      'purpose',
      'program',
      'send_at',
      'outcome',
      'reasons',
      'next_allowed_at',
      'requested_by',
      'decided_at',
    ])
    .where('property_id', '=', propertyId)
    .where('player_id', '=', playerId)
    .orderBy('decided_at')
    .orderBy('id')
    .limit(take)
    .execute();
  // player.* events name the player as payload->>'id' (events_player_subject_idx); play events
  // are the ones the return path attached to the player's timeline.
  const events = await sql<Row>`
    SELECT e.id, e.type, e.version, e.occurred_at, e.payload AS data
      FROM events e
     WHERE e.property_id = ${propertyId} AND e.type LIKE 'player.%' AND e.payload->>'id' = ${playerId}
    UNION ALL
    SELECT e.id, e.type, e.version, e.occurred_at, e.payload AS data
      FROM player_activity a
      JOIN events e ON e.id = a.event_id
     WHERE a.property_id = ${propertyId} AND a.player_id = ${playerId}
     ORDER BY occurred_at, id
     LIMIT ${take}`.execute(db);
  const activity = await db
    .selectFrom('player_activity')
    .select([
      'event_id',
      'type',
      'occurred_at',
      'game_id',
      'stream_id',
      'session_id',
      'play_id',
      'summary',
    ])
    .where('property_id', '=', propertyId)
    .where('player_id', '=', playerId)
    .orderBy('id')
    .limit(take)
    .execute();
  const subscriptions = await db
    .selectFrom('subscription_members as m')
    .innerJoin('subscription_groups as g', 'g.id', 'm.group_id')
    .select(['m.group_id', 'g.name', 'g.channel', 'g.purpose', 'm.subscribed', 'm.changed_at'])
    .where('m.property_id', '=', propertyId)
    .where('m.player_id', '=', playerId)
    .orderBy('m.changed_at')
    .limit(take)
    .execute();
  const contacts = await db
    .selectFrom('contact_log')
    .select(['id', 'player_id', 'channel', 'address', 'purpose', 'kind', 'sent_at'])
    .where('property_id', '=', propertyId)
    .where(contactOf(playerId, addresses))
    .orderBy('sent_at')
    .orderBy('id')
    .limit(take)
    .execute();
  // Campaign messages as sent (subject and text; the HTML is the same content, marked up).
  const messages = await db
    .selectFrom('messages')
    .select([
      'id',
      'campaign_id',
      'channel',
      'status',
      'skip_reasons',
      'to_address',
      'subject',
      'body',
      'sent_at',
      'delivered_at',
      'opened_at',
      'clicked_at',
      'created_at',
    ])
    .where('property_id', '=', propertyId)
    .where('player_id', '=', playerId)
    .orderBy('created_at')
    .orderBy('id')
    .limit(take)
    .execute();
  return {
    consents,
    decisions,
    events: events.rows,
    activity,
    subscriptions,
    contacts,
    messages,
  };
}

/**
 * Everything PlayLoop holds about one player of the property (GDPR Art. 15 and 20), read in the
 * caller's transaction so the kinds agree with each other.
 */
export async function collectExport(
  db: Kysely<DB>,
  propertyId: string,
  player: PlayerRow,
  limit = EXPORT_ROWS_PER_KIND,
): Promise<ExportData> {
  const rows = await exportRows(
    db,
    propertyId,
    player.id,
    { email: player.email?.trim().toLowerCase() ?? null, phone: player.phone },
    limit,
  );
  const truncatedKinds = EXPORT_KINDS.filter((kind) => rows[kind].length > limit);
  for (const kind of truncatedKinds) rows[kind] = rows[kind].slice(0, limit);
  return {
    player,
    ...rows,
    truncated: truncatedKinds.length > 0,
    truncated_kinds: truncatedKinds,
  };
}

/** The completion proof of an export: rows exported by kind. */
export const exportCounts = (data: ExportData): Record<string, number> => ({
  player: 1,
  ...Object.fromEntries(EXPORT_KINDS.map((kind) => [kind, data[kind].length])),
});
