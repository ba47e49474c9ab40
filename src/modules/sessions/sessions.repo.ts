import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { insertEventsSelect, sessionFields, streamFields } from '../events/index.ts';

export type StoredStatus = 'active' | 'consumed' | 'revoked';
export type SessionStatus = StoredStatus | 'expired';

export interface SessionRow {
  id: number;
  token: string;
  org_id: number;
  api_key_id: number | null;
  game_id: number | null;
  stream_id: number | null;
  external_ref: string | null;
  metadata: Record<string, unknown> | null;
  status: StoredStatus;
  expires_at: Date;
  created_at: Date;
  consumed_at: Date | null;
  revoked_at: Date | null;
  player_uuid: string | null;
}

export async function findOrgSession(
  db: Kysely<DB>,
  orgId: number,
  token: string,
): Promise<SessionRow | undefined> {
  return db
    .selectFrom('game_sessions')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('token', '=', token)
    .executeTakeFirst();
}

/** Revokes an active session and records session.revoked, in one statement. */
export async function revokeSession(
  db: Kysely<DB>,
  orgId: number,
  token: string,
  now: Date,
): Promise<SessionRow | undefined> {
  const result = await sql<SessionRow>`
    WITH s AS (
      UPDATE game_sessions
         SET status = 'revoked', revoked_at = ${now}
       WHERE org_id = ${orgId} AND token = ${token} AND status = 'active' AND expires_at > ${now}
      RETURNING *
    ), recorded AS (
      ${sql.raw(
        insertEventsSelect('session.revoked', {
          occurredAt: 's.revoked_at',
          orgId: 's.org_id',
          data: `jsonb_build_object(${sessionFields('s')}, 'game_id', s.game_id,
            ${streamFields('s.stream_id', 'st')}, 'revoked_at', s.revoked_at)`,
          from: 's LEFT JOIN streams st ON st.org_id = s.org_id AND st.id = s.stream_id',
        }),
      )}
    )
    SELECT * FROM s`.execute(db);
  return result.rows[0];
}

export interface SessionFilter {
  status?: SessionStatus | undefined;
  gameId?: number | undefined;
  streamId?: number | undefined;
  externalRef?: string | undefined;
  /** Restricts to these games/streams (a scoped key sees only its own). */
  allowedGameIds: number[] | null;
  allowedStreamIds: number[] | null;
  beforeId?: number | undefined;
  limit: number;
  now: Date;
}

export async function listSessions(
  db: Kysely<DB>,
  orgId: number,
  f: SessionFilter,
): Promise<SessionRow[]> {
  let query = db.selectFrom('game_sessions').selectAll().where('org_id', '=', orgId);
  if (f.gameId !== undefined) query = query.where('game_id', '=', f.gameId);
  if (f.streamId !== undefined) query = query.where('stream_id', '=', f.streamId);
  if (f.externalRef !== undefined) query = query.where('external_ref', '=', f.externalRef);
  if (f.beforeId !== undefined) query = query.where('id', '<', f.beforeId);
  switch (f.status) {
    case undefined:
      break;
    case 'active':
      query = query.where('status', '=', 'active').where('expires_at', '>', f.now);
      break;
    case 'expired':
      query = query.where('status', '=', 'active').where('expires_at', '<=', f.now);
      break;
    case 'consumed':
    case 'revoked':
      query = query.where('status', '=', f.status);
      break;
  }
  const { allowedGameIds: games, allowedStreamIds: streams } = f;
  // A session is in a scoped key's reach when each of its targets is allowed.
  if (games) {
    query = query.where((eb) =>
      eb.or([eb('game_id', 'is', null), eb('game_id', 'in', games.length ? games : [-1])]),
    );
  }
  if (streams) {
    query = query.where((eb) =>
      eb.or([eb('stream_id', 'is', null), eb('stream_id', 'in', streams.length ? streams : [-1])]),
    );
  }
  return query.orderBy('id', 'desc').limit(f.limit).execute();
}

/**
 * Whether the stream and the game are the organization's, and whether the stream holds the
 * game: one statement, so a session for one game of a stream costs one round trip.
 */
export async function findGameInStream(
  db: Kysely<DB>,
  orgId: number,
  streamId: number,
  gameId: number,
): Promise<{ stream: boolean; game: boolean; inStream: boolean }> {
  const row = await db
    .selectNoFrom((eb) => [
      eb
        .exists(
          eb
            .selectFrom('streams')
            .select('id')
            .where('org_id', '=', orgId)
            .where('id', '=', streamId),
        )
        .as('stream'),
      eb
        .exists(
          eb.selectFrom('games').select('id').where('org_id', '=', orgId).where('id', '=', gameId),
        )
        .as('game'),
      eb
        .exists(
          eb
            .selectFrom('stream_games')
            .select('game_id')
            .where('org_id', '=', orgId)
            .where('stream_id', '=', streamId)
            .where('game_id', '=', gameId),
        )
        .as('inStream'),
    ])
    .executeTakeFirstOrThrow();
  return { stream: Boolean(row.stream), game: Boolean(row.game), inStream: Boolean(row.inStream) };
}
