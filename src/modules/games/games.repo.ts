import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';

export interface GameRow {
  id: number;
  org_id: number;
  title: string;
  description: string | null;
  template: string;
  status: string;
  created_at: Date;
  updated_at: Date;
}

const GAME_COLUMNS = [
  'id',
  'org_id',
  'title',
  'description',
  'template',
  'status',
  'created_at',
  'updated_at',
] as const;

export async function insertGame(
  db: Kysely<DB>,
  orgId: number,
  input: { title: string; description: string | null; template: string; status: string },
): Promise<GameRow> {
  return db
    .insertInto('games')
    .values({ org_id: orgId, ...input })
    .returning(GAME_COLUMNS)
    .executeTakeFirstOrThrow();
}

export async function listGames(db: Kysely<DB>, orgId: number): Promise<GameRow[]> {
  return db
    .selectFrom('games')
    .select(GAME_COLUMNS)
    .where('org_id', '=', orgId)
    .orderBy('id')
    .execute();
}
