import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';

type Executor = Kysely<DB> | Transaction<DB>;

export const STREAM_STATUSES = [
  'Draft',
  'Scheduled',
  'Active',
  'Paused',
  'Completed',
  'Archived',
] as const;
export type StreamStatus = (typeof STREAM_STATUSES)[number];

export const ORDER_MODES = ['fixed', 'random'] as const;
export type OrderMode = (typeof ORDER_MODES)[number];

export interface StreamRow {
  id: number;
  org_id: number;
  name: string;
  slug: string;
  /** One of STREAM_STATUSES (check constraint). */
  status: StreamStatus;
  description: string | null;
  order_mode: OrderMode;
  start_at: Date | null;
  end_at: Date | null;
  /** IANA zone the schedule is shown in; the instants themselves are absolute. */
  timezone: string;
  max_total_plays: number | null;
  max_plays_per_player: number | null;
  completion_message: string | null;
  /** Plays admitted so far; the play service counts them (the total cap). */
  total_plays: number;
  /** Whether an identity secret is set (public links may carry a signed player id). */
  identity_signed: boolean;
  created_at: Date;
  updated_at: Date;
}

/** A stream with its games in play order. */
export type StreamWithGames = StreamRow & { game_ids: number[] };

/** A stream with its games and its organization's slug (for the public link). */
export type StreamDetail = StreamWithGames & { org_slug: string };

const STREAM_COLUMNS = [
  'id',
  'org_id',
  'name',
  'slug',
  'status',
  'description',
  'order_mode',
  'start_at',
  'end_at',
  'timezone',
  'max_total_plays',
  'max_plays_per_player',
  'completion_message',
  'total_plays',
  'created_at',
  'updated_at',
] as const;

const S_COLUMNS = STREAM_COLUMNS.map((column) => `s.${column}` as const);

/** Whether the stream has an identity secret; the secret itself is read only to verify. */
const IDENTITY_SIGNED = sql<boolean>`(identity_secret IS NOT NULL)`.as('identity_signed');

/** The stream's game ids in position order, in the same statement as the stream. */
const GAME_IDS = sql<number[]>`coalesce((
  SELECT array_agg(sg.game_id ORDER BY sg.position) FROM stream_games sg
   WHERE sg.org_id = s.org_id AND sg.stream_id = s.id), '{}')`.as('game_ids');

type Selected = Omit<StreamRow, 'status'> & { status: string };
const typed = <T extends Selected>(row: T) => row as T & { status: StreamStatus };

export type NewStream = Omit<
  StreamRow,
  'id' | 'org_id' | 'total_plays' | 'identity_signed' | 'created_at' | 'updated_at'
>;
export type StreamPatch = Partial<NewStream>;

export async function insertStream(
  trx: Executor,
  orgId: number,
  input: NewStream,
  now: Date,
): Promise<StreamRow> {
  const row = await trx
    .insertInto('streams')
    .values({ org_id: orgId, ...input, created_at: now, updated_at: now })
    .returning([...STREAM_COLUMNS, IDENTITY_SIGNED])
    .executeTakeFirstOrThrow();
  return typed(row);
}

export async function insertStreamGames(
  trx: Executor,
  orgId: number,
  streamId: number,
  gameIds: readonly number[],
): Promise<void> {
  if (gameIds.length === 0) return;
  await trx
    .insertInto('stream_games')
    .values(
      gameIds.map((gameId, position) => ({
        org_id: orgId,
        stream_id: streamId,
        game_id: gameId,
        position,
      })),
    )
    .execute();
}

/** Replaces the stream's games; the caller runs it in the transaction that updates the stream. */
export async function replaceStreamGames(
  trx: Transaction<DB>,
  orgId: number,
  streamId: number,
  gameIds: readonly number[],
): Promise<void> {
  await trx
    .deleteFrom('stream_games')
    .where('org_id', '=', orgId)
    .where('stream_id', '=', streamId)
    .execute();
  await insertStreamGames(trx, orgId, streamId, gameIds);
}

export async function streamGameIds(
  db: Executor,
  orgId: number,
  streamId: number,
): Promise<number[]> {
  const rows = await db
    .selectFrom('stream_games')
    .select('game_id')
    .where('org_id', '=', orgId)
    .where('stream_id', '=', streamId)
    .orderBy('position')
    .execute();
  return rows.map((row) => row.game_id);
}

export async function listStreams(
  db: Executor,
  orgId: number,
  filter: { statuses?: readonly StreamStatus[] | undefined } = {},
): Promise<StreamWithGames[]> {
  let query = db
    .selectFrom('streams as s')
    .select([...S_COLUMNS, IDENTITY_SIGNED, GAME_IDS])
    .where('s.org_id', '=', orgId);
  if (filter.statuses) {
    if (filter.statuses.length === 0) return [];
    query = query.where('s.status', 'in', filter.statuses);
  }
  const rows = await query.orderBy('s.id').execute();
  return rows.map(typed);
}

export async function findStream(
  db: Executor,
  orgId: number,
  streamId: number,
): Promise<StreamWithGames | undefined> {
  const row = await db
    .selectFrom('streams as s')
    .select([...S_COLUMNS, IDENTITY_SIGNED, GAME_IDS])
    .where('s.org_id', '=', orgId)
    .where('s.id', '=', streamId)
    .executeTakeFirst();
  return row && typed(row);
}

/** Locks the stream row for the rest of the transaction (concurrent edits wait). */
export async function lockStream(
  trx: Transaction<DB>,
  orgId: number,
  streamId: number,
): Promise<StreamRow | undefined> {
  const row = await trx
    .selectFrom('streams')
    .select([...STREAM_COLUMNS, IDENTITY_SIGNED])
    .where('org_id', '=', orgId)
    .where('id', '=', streamId)
    .forUpdate()
    .executeTakeFirst();
  return row && typed(row);
}

/** A stream with its games and its organization's slug, found without knowing the organization. */
export async function findStreamAcrossOrgs(
  db: Executor,
  by: { id: number } | { orgSlug: string; streamSlug: string },
): Promise<StreamDetail | undefined> {
  let query = db
    .selectFrom('streams as s')
    .innerJoin('organizations as o', 'o.id', 's.org_id')
    .select([...S_COLUMNS, IDENTITY_SIGNED, GAME_IDS, 'o.slug as org_slug']);
  query =
    'id' in by
      ? query.where('s.id', '=', by.id)
      : query.where('o.slug', '=', by.orgSlug).where('s.slug', '=', by.streamSlug);
  const row = await query.executeTakeFirst();
  return row && typed(row);
}

export async function updateStream(
  db: Executor,
  orgId: number,
  streamId: number,
  patch: StreamPatch,
  now: Date,
): Promise<StreamRow | undefined> {
  const row = await db
    .updateTable('streams')
    .set({ ...patch, updated_at: now })
    .where('org_id', '=', orgId)
    .where('id', '=', streamId)
    .returning([...STREAM_COLUMNS, IDENTITY_SIGNED])
    .executeTakeFirst();
  return row && typed(row);
}

export async function deleteStream(
  db: Executor,
  orgId: number,
  streamId: number,
): Promise<boolean> {
  const result = await db
    .deleteFrom('streams')
    .where('org_id', '=', orgId)
    .where('id', '=', streamId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Of `ids`, those that are not games of this organization. */
export async function unknownGameIds(
  db: Executor,
  orgId: number,
  ids: readonly number[],
): Promise<number[]> {
  if (ids.length === 0) return [];
  const found = await db
    .selectFrom('games')
    .select('id')
    .where('org_id', '=', orgId)
    .where('id', 'in', ids)
    .execute();
  const known = new Set(found.map((row) => row.id));
  return [...new Set(ids)].filter((id) => !known.has(id));
}

/** Sets a new identity secret (replacing any previous one); false when there is no such stream. */
export async function setIdentitySecret(
  db: Executor,
  orgId: number,
  streamId: number,
  secret: string,
  now: Date,
): Promise<boolean> {
  const row = await db
    .updateTable('streams')
    .set({ identity_secret: secret, updated_at: now })
    .where('org_id', '=', orgId)
    .where('id', '=', streamId)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** The stream's identity secret, for verifying a signed player id; null when none is set. */
export async function findIdentitySecret(db: Executor, streamId: number): Promise<string | null> {
  const row = await db
    .selectFrom('streams')
    .select('identity_secret')
    .where('id', '=', streamId)
    .executeTakeFirst();
  return row?.identity_secret ?? null;
}
