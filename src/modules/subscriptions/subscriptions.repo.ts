import { type Kysely, sql } from 'kysely';
import type { Channel, DB, Purpose } from '../../db/schema.ts';

/**
 * SQL of subscription groups, their members and the do-not-contact rows of `suppressions`. The
 * property (tenant) is the first argument of every function and part of every WHERE.
 */

type Executor = Kysely<DB>;

export interface GroupRow {
  id: string;
  property_id: string;
  name: string;
  channel: Channel;
  purpose: Purpose;
  created_at: Date;
}

export interface NewGroup {
  name: string;
  channel: Channel;
  purpose: Purpose;
}

/**
 * Inserts the groups unless the property would then hold more than `max`, in one statement;
 * empty when the cap refused them. The caller runs it in a transaction: the property row's lock
 * serializes concurrent inserts of one property, so two of them cannot both pass the count.
 * `FOR NO KEY UPDATE` rather than `FOR UPDATE`: inserts of rows referencing the property
 * (players, consents) take only a key-share lock and are not held up by it.
 */
export async function insertGroups(
  db: Executor,
  propertyId: string,
  groups: readonly NewGroup[],
  max: number,
  now: Date,
): Promise<GroupRow[]> {
  await sql`SELECT 1 FROM properties WHERE id = ${propertyId} FOR NO KEY UPDATE`.execute(db);
  const { rows } = await sql<GroupRow>`
    INSERT INTO subscription_groups (property_id, name, channel, purpose, created_at)
    SELECT ${propertyId}, g.name, g.channel, g.purpose, ${now}
      FROM unnest(${groups.map((g) => g.name)}::text[], ${groups.map((g) => g.channel)}::text[],
                  ${groups.map((g) => g.purpose)}::text[]) WITH ORDINALITY AS g(name, channel, purpose, i)
     WHERE (SELECT count(*) FROM subscription_groups WHERE property_id = ${propertyId})
           + ${groups.length} <= ${max}
     ORDER BY g.i
    RETURNING id, property_id, name, channel, purpose, created_at`.execute(db);
  return rows;
}

export function groupExists(db: Executor, propertyId: string, groupId: string) {
  return db
    .selectFrom('subscription_groups')
    .select('id')
    .where('property_id', '=', propertyId)
    .where('id', '=', groupId)
    .executeTakeFirst();
}

export interface PlayerKeys {
  id: string;
  player_id: string | null;
  email: string | null;
  phone: string | null;
}

/** The property's players named by PlayLoop id (`uuids`) or by the casino's id (`casinoIds`). */
export function findPlayers(
  db: Executor,
  propertyId: string,
  uuids: readonly string[],
  casinoIds: readonly string[],
): Promise<PlayerKeys[]> {
  if (uuids.length === 0 && casinoIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('players')
    .select(['id', 'player_id', 'email', 'phone'])
    .where('property_id', '=', propertyId)
    .where((eb) =>
      eb.or([
        ...(uuids.length > 0 ? [eb('id', 'in', [...uuids])] : []),
        ...(casinoIds.length > 0 ? [eb('player_id', 'in', [...casinoIds])] : []),
      ]),
    )
    .execute();
}

/**
 * Sets each player's membership of the group. `changed_at` moves only when `subscribed` does, so
 * it says when the player last changed their mind, not when a sync last repeated it. The group
 * must belong to the property: the SELECT inserts nothing otherwise.
 */
export async function upsertMembers(
  db: Executor,
  propertyId: string,
  groupId: string,
  members: readonly { playerId: string; subscribed: boolean }[],
  now: Date,
): Promise<number> {
  const { rows } = await sql<{ player_id: string }>`
    INSERT INTO subscription_members AS m (property_id, group_id, player_id, subscribed, changed_at)
    SELECT g.property_id, g.id, u.player_id, u.subscribed, ${now}
      FROM subscription_groups g,
           unnest(${members.map((m) => m.playerId)}::uuid[],
                  ${members.map((m) => m.subscribed)}::boolean[]) AS u(player_id, subscribed)
     WHERE g.property_id = ${propertyId} AND g.id = ${groupId}
    ON CONFLICT (group_id, player_id) DO UPDATE
       SET subscribed = EXCLUDED.subscribed,
           changed_at = CASE WHEN m.subscribed IS DISTINCT FROM EXCLUDED.subscribed
                             THEN EXCLUDED.changed_at ELSE m.changed_at END
    RETURNING m.player_id`.execute(db);
  return rows.length;
}

export interface DncRow {
  hash: string;
  note: string | null;
  created_at: Date;
}

/**
 * Newest first, ties broken by hash; `before` continues after the last row of a page. Times are
 * compared at millisecond precision, the precision of the cursor a client sends back, so a row
 * written with microseconds (a database default) is neither skipped nor repeated.
 */
export async function listDoNotContact(
  db: Executor,
  propertyId: string,
  page: { limit: number; offset: number; before: { at: Date; hash: string | null } | null },
): Promise<{ rows: DncRow[]; total: number }> {
  const at = sql`date_trunc('milliseconds', created_at)`;
  const before = page.before
    ? page.before.hash === null
      ? sql`AND ${at} < ${page.before.at}::timestamptz`
      : sql`AND (${at}, hash) < (${page.before.at}::timestamptz, ${page.before.hash}::text)`
    : sql``;
  const [{ rows }, counted] = await Promise.all([
    sql<DncRow>`
      SELECT hash, note, created_at FROM suppressions
       WHERE property_id = ${propertyId} AND reason = 'do_not_contact' ${before}
       ORDER BY ${at} DESC, hash DESC
       LIMIT ${page.limit} OFFSET ${page.offset}`.execute(db),
    db
      .selectFrom('suppressions')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('property_id', '=', propertyId)
      .where('reason', '=', 'do_not_contact')
      .executeTakeFirst(),
  ]);
  return { rows, total: Number(counted?.n ?? 0) };
}

/** Adds do-not-contact rows; a hash already listed keeps its row. Returns the hashes added. */
export async function insertDoNotContact(
  db: Executor,
  propertyId: string,
  entries: readonly { hash: string; note: string | null }[],
  now: Date,
): Promise<string[]> {
  const rows = await db
    .insertInto('suppressions')
    .values(
      entries.map((e) => ({
        property_id: propertyId,
        hash: e.hash,
        reason: 'do_not_contact' as const,
        note: e.note,
        created_at: now,
      })),
    )
    .onConflict((oc) => oc.columns(['property_id', 'hash', 'reason']).doNothing())
    .returning('hash')
    .execute();
  return rows.map((row) => row.hash);
}

/** Removes do-not-contact rows only: an erasure's or a self-exclusion's row stays. */
export async function deleteDoNotContact(
  db: Executor,
  propertyId: string,
  hashes: readonly string[],
): Promise<string[]> {
  const rows = await db
    .deleteFrom('suppressions')
    .where('property_id', '=', propertyId)
    .where('reason', '=', 'do_not_contact')
    .where('hash', 'in', [...hashes])
    .returning('hash')
    .execute();
  return rows.map((row) => row.hash);
}

export async function suppressionReasons(
  db: Executor,
  propertyId: string,
  hashes: readonly string[],
): Promise<DB['suppressions']['reason'][]> {
  const rows = await db
    .selectFrom('suppressions')
    .select('reason')
    .distinct()
    .where('property_id', '=', propertyId)
    .where('hash', 'in', [...hashes])
    .execute();
  return rows.map((row) => row.reason).sort();
}
