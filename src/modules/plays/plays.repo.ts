import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import {
  insertEventsSelect,
  playFields,
  playJoins,
  sessionFields,
  streamFields,
} from '../events/index.ts';
import type { PlayOutcome } from './plays.scoring.ts';

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

const PLAY_SELECT = sql.raw(PLAY_COLUMNS.map((column) => `p.${column}`).join(', '));

/** The play.started event of the play `p` (a CTE of one inserted play row, `utm` included). */
const PLAY_STARTED = sql.raw(
  insertEventsSelect('play.started', {
    occurredAt: 'p.started_at',
    orgId: 'p.org_id',
    data: `jsonb_build_object(${playFields('p', 's', 'st')}, 'utm', p.utm,
      'started_at', p.started_at)`,
    from: `p ${playJoins('p', 's', 'st')}`,
  }),
);

/**
 * Consumes the token and records its play in one statement: either both happen or neither,
 * and of concurrent attempts exactly one matches the still-active row. The statement also
 * writes the session.consumed and play.started events.
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
      RETURNING id, org_id, game_id, stream_id, external_ref, metadata, player_uuid, consumed_at
    ), p AS (
      INSERT INTO plays (org_id, game_id, stream_id, session_id, player_uuid, external_id, started_at)
      SELECT org_id, ${input.gameId}, stream_id, id, ${input.playerUuid}, external_ref, ${input.now}
        FROM consumed
      RETURNING *
    ), session_consumed AS (
      ${sql.raw(
        insertEventsSelect('session.consumed', {
          occurredAt: 'c.consumed_at',
          orgId: 'c.org_id',
          data: `jsonb_build_object(${sessionFields('c')}, 'game_id', c.game_id,
            ${streamFields('c.stream_id', 'st')}, 'player_uuid', c.player_uuid, 'via', 'play',
            'consumed_at', c.consumed_at)`,
          from: 'consumed c LEFT JOIN streams st ON st.org_id = c.org_id AND st.id = c.stream_id',
        }),
      )}
    ), play_started AS (${PLAY_STARTED})
    SELECT ${PLAY_SELECT} FROM p`.execute(db);
  return result.rows[0];
}

/** Records a play (a public stream link's: no session) and its play.started event. */
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
  const utm = play.utm ? JSON.stringify(play.utm) : null;
  const result = await sql<PlayRow>`
    WITH p AS (
      INSERT INTO plays (org_id, game_id, stream_id, player_uuid, external_id, utm, started_at)
      VALUES (${play.org_id}, ${play.game_id}, ${play.stream_id}, ${play.player_uuid},
              ${play.external_id}, CAST(${utm} AS jsonb), ${play.started_at})
      RETURNING *
    ), play_started AS (${PLAY_STARTED})
    SELECT ${PLAY_SELECT} FROM p`.execute(db);
  const row = result.rows[0];
  if (!row) throw new Error('insert returned no row');
  return row;
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

/**
 * Marks a started play completed and records play.completed, in one statement; undefined when
 * it was completed already (one report, one event).
 */
export async function completePlayRow(
  db: Executor,
  playId: number,
  values: {
    score: number;
    duration_ms: number;
    completed_at: Date;
    /** Facts of the event only: the game's template and the play's outcome. */
    template: string;
    outcome: PlayOutcome;
  },
): Promise<PlayRow | undefined> {
  const result = await sql<PlayRow>`
    WITH p AS (
      UPDATE plays
         SET status = 'completed', score = ${values.score}, duration_ms = ${values.duration_ms},
             completed_at = ${values.completed_at}
       WHERE id = ${playId} AND status = 'started'
      RETURNING *, CAST(${values.template} AS text) AS template,
                CAST(${values.outcome} AS text) AS outcome
    ), recorded AS (
      ${sql.raw(
        insertEventsSelect('play.completed', {
          occurredAt: 'p.completed_at',
          orgId: 'p.org_id',
          data: `jsonb_build_object(${playFields('p', 's', 'st')}, 'template', p.template,
            'score', p.score, 'duration_ms', p.duration_ms, 'outcome', p.outcome,
            'started_at', p.started_at, 'completed_at', p.completed_at)`,
          from: `p ${playJoins('p', 's', 'st')}`,
        }),
      )}
    )
    SELECT ${PLAY_SELECT} FROM p`.execute(db);
  return result.rows[0];
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

/** At most this many of a player's plays are listed on a stream's page (the count is exact). */
export const LISTED_PLAYS = 200;

export interface ListedPlay {
  id: number;
  game_id: number;
  status: 'started' | 'completed';
  score: number | null;
  /** The prize slot the play drew, unless it drew nothing or "no prize". */
  prize: string | null;
  /** Every play of this player in the stream, not only the listed ones. */
  total: number;
}

/**
 * The player's plays in a stream with their score and drawn prize, oldest first: the latest
 * LISTED_PLAYS of them, each row carrying the exact count (one statement, bounded rows).
 */
export async function listPlayerStreamPlays(
  db: Executor,
  stream: { id: number; org_id: number },
  player: { playerUuid: string; externalId: string | null },
): Promise<ListedPlay[]> {
  const who = player.externalId
    ? sql`p.external_id = ${player.externalId}`
    : sql`p.player_uuid = ${player.playerUuid}`;
  const result = await sql<ListedPlay>`
    SELECT p.id, p.game_id, p.status, p.score,
           CASE WHEN s.type = 'no_prize' THEN NULL ELSE s.name END AS prize,
           CAST(count(*) OVER () AS integer) AS total
      FROM plays p
      LEFT JOIN prize_draws d ON d.org_id = p.org_id AND d.play_id = p.id
      LEFT JOIN prize_slots s ON s.org_id = d.org_id AND s.id = d.slot_id
     WHERE p.org_id = ${stream.org_id} AND p.stream_id = ${stream.id} AND ${who}
     ORDER BY p.id DESC
     LIMIT ${LISTED_PLAYS}`.execute(db);
  return result.rows.reverse().map((row) => ({ ...row, id: Number(row.id) }));
}

/** A game's translations as far as its title goes (games.translations.ts). */
type GameTitles = Record<string, { title?: string } | undefined>;

/** The stream's games that can be played (Active, the stream's organization), one statement. */
export async function streamGameTitles(
  db: Executor,
  orgId: number,
  gameIds: readonly number[],
): Promise<{ id: number; title: string; template: string; translations: GameTitles }[]> {
  if (gameIds.length === 0) return [];
  return db
    .selectFrom('games')
    .select(['id', 'title', 'template', 'translations'])
    .where('org_id', '=', orgId)
    .where('id', 'in', [...gameIds])
    .where('status', '=', 'Active')
    .execute() as Promise<
    { id: number; title: string; template: string; translations: GameTitles }[]
  >;
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
): Promise<{ name: string; type: string; translations: Record<string, { name?: string }> }[]> {
  // The wheel shows the game's prize slots; prizes owns the table, this only reads them.
  return db
    .selectFrom('prize_slots')
    .select(['name', 'type', 'translations'])
    .where('org_id', '=', orgId)
    .where('game_id', '=', gameId)
    .orderBy('position')
    .execute() as Promise<
    { name: string; type: string; translations: Record<string, { name?: string }> }[]
  >;
}
