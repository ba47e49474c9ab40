import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';

export interface StreamRow {
  id: number;
  org_id: number;
  name: string;
  slug: string;
  status: string;
  created_at: Date;
  updated_at: Date;
}

const STREAM_COLUMNS = [
  'id',
  'org_id',
  'name',
  'slug',
  'status',
  'created_at',
  'updated_at',
] as const;

export async function insertStream(
  trx: Transaction<DB>,
  orgId: number,
  input: { name: string; slug: string; status: string },
): Promise<StreamRow> {
  return trx
    .insertInto('streams')
    .values({ org_id: orgId, ...input })
    .returning(STREAM_COLUMNS)
    .executeTakeFirstOrThrow();
}

export async function insertStreamGames(
  trx: Transaction<DB>,
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

export async function listStreams(db: Kysely<DB>, orgId: number): Promise<StreamRow[]> {
  return db
    .selectFrom('streams')
    .select(STREAM_COLUMNS)
    .where('org_id', '=', orgId)
    .orderBy('id')
    .execute();
}
