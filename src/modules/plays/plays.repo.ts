import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';

type Executor = Kysely<DB> | Transaction<DB>;

export interface PlayRow {
  id: number;
  org_id: number;
  game_id: number;
  stream_id: number | null;
  session_id: number | null;
  player_uuid: string;
  external_id: string | null;
  status: 'started' | 'completed';
  score: number | null;
  duration_ms: number | null;
  result: Record<string, unknown> | null;
  started_at: Date;
  completed_at: Date | null;
}

const PLAY_COLUMNS = [
  'id',
  'org_id',
  'game_id',
  'stream_id',
  'session_id',
  'player_uuid',
  'external_id',
  'status',
  'score',
  'duration_ms',
  'result',
  'started_at',
  'completed_at',
] as const;

/**
 * Consumes the token and records its play in one statement: either both happen or neither,
 * and of concurrent attempts exactly one matches the still-active row.
 */
export async function consumeTokenIntoPlay(
  db: Executor,
  input: {
    token: string;
    now: Date;
    playerUuid: string;
    gameId: number;
    /** The session must target this game (game token) or this stream (stream token). */
    expect: { gameId: number } | { streamId: number };
  },
): Promise<PlayRow | undefined> {
  const targetCheck =
    'gameId' in input.expect
      ? sql`game_id = ${input.expect.gameId} AND stream_id IS NULL`
      : sql`stream_id = ${input.expect.streamId}`;
  const result = await sql<PlayRow>`
    WITH consumed AS (
      UPDATE game_sessions
         SET status = 'consumed', consumed_at = ${input.now}, player_uuid = ${input.playerUuid}
       WHERE token = ${input.token} AND status = 'active' AND expires_at > ${input.now}
         AND ${targetCheck}
      RETURNING id, org_id, stream_id, external_ref
    )
    INSERT INTO plays (org_id, game_id, stream_id, session_id, player_uuid, external_id, started_at)
    SELECT org_id, ${input.gameId}, stream_id, id, ${input.playerUuid}, external_ref, ${input.now}
      FROM consumed
    RETURNING ${sql.raw(PLAY_COLUMNS.join(', '))}`.execute(db);
  return result.rows[0];
}

export async function insertPlay(
  db: Executor,
  play: {
    org_id: number;
    game_id: number;
    stream_id: number | null;
    player_uuid: string;
    external_id: string | null;
    utm: Record<string, string> | null;
    started_at: Date;
  },
): Promise<PlayRow> {
  return db
    .insertInto('plays')
    .values({ ...play, utm: play.utm ? JSON.stringify(play.utm) : null })
    .returning(PLAY_COLUMNS)
    .executeTakeFirstOrThrow();
}

export async function findPlay(db: Executor, playId: number): Promise<PlayRow | undefined> {
  return db.selectFrom('plays').select(PLAY_COLUMNS).where('id', '=', playId).executeTakeFirst();
}

export async function findPlayOfSession(
  db: Executor,
  sessionId: number,
): Promise<PlayRow | undefined> {
  return db
    .selectFrom('plays')
    .select(PLAY_COLUMNS)
    .where('session_id', '=', sessionId)
    .executeTakeFirst();
}

/** Marks a started play completed; undefined when it was completed already (one report). */
export async function completePlayRow(
  db: Executor,
  playId: number,
  values: { score: number; duration_ms: number; completed_at: Date },
): Promise<PlayRow | undefined> {
  return db
    .updateTable('plays')
    .set({ ...values, status: 'completed' })
    .where('id', '=', playId)
    .where('status', '=', 'started')
    .returning(PLAY_COLUMNS)
    .executeTakeFirst();
}

export async function setPlayResult(
  db: Executor,
  playId: number,
  result: Record<string, unknown>,
): Promise<void> {
  await db
    .updateTable('plays')
    .set({ result: JSON.stringify(result) })
    .where('id', '=', playId)
    .execute();
}

/** The player's plays in a stream, oldest first (by cookie, or by external id when known). */
export async function playerStreamPlays(
  db: Executor,
  streamId: number,
  player: { playerUuid: string; externalId: string | null },
): Promise<Pick<PlayRow, 'id' | 'game_id' | 'status'>[]> {
  let query = db
    .selectFrom('plays')
    .select(['id', 'game_id', 'status'])
    .where('stream_id', '=', streamId);
  query = player.externalId
    ? query.where('external_id', '=', player.externalId)
    : query.where('player_uuid', '=', player.playerUuid);
  return query.orderBy('id').execute();
}

/** Locks the stream row: admissions to one stream are decided one at a time. */
export async function lockStream(trx: Transaction<DB>, streamId: number): Promise<void> {
  await trx.selectFrom('streams').select('id').where('id', '=', streamId).forUpdate().execute();
}

/** Counts one more play against the stream's total cap; false when the cap is reached. */
export async function countStreamPlay(trx: Transaction<DB>, streamId: number): Promise<boolean> {
  const row = await trx
    .updateTable('streams')
    .set((eb) => ({ total_plays: eb('total_plays', '+', 1) }))
    .where('id', '=', streamId)
    .where((eb) =>
      eb.or([eb('max_total_plays', 'is', null), eb('total_plays', '<', eb.ref('max_total_plays'))]),
    )
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function prizeSlotsOfGame(
  db: Executor,
  orgId: number,
  gameId: number,
): Promise<{ name: string; type: string }[]> {
  // The wheel shows the game's prize slots; prizes owns the table, this only reads them.
  return db
    .selectFrom('prize_slots')
    .select(['name', 'type'])
    .where('org_id', '=', orgId)
    .where('game_id', '=', gameId)
    .orderBy('position')
    .execute();
}
