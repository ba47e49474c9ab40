import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { GameTemplate } from './games.templates.ts';
import type { GameTranslationsValue } from './games.translations.ts';

type Executor = Kysely<DB> | Transaction<DB>;

export const GAME_STATUSES = ['Draft', 'Active', 'Archived'] as const;
export type GameStatus = (typeof GAME_STATUSES)[number];

export interface GameRow {
  id: number;
  org_id: number;
  title: string;
  description: string | null;
  /** One of TEMPLATES (the table's check constraint holds it to them). */
  template: GameTemplate;
  /** One of GAME_STATUSES (check constraint). */
  status: GameStatus;
  /** The settings as stored; `withDefaults` fills in the rest. */
  config: Record<string, unknown>;
  prize_enabled: boolean;
  /** Texts per page language (games.translations.ts); `{}` when none. */
  translations: GameTranslationsValue;
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
  'config',
  'prize_enabled',
  'translations',
  'created_at',
  'updated_at',
] as const;

type Selected = Omit<GameRow, 'template' | 'status' | 'translations'> & {
  template: string;
  status: string;
  translations: unknown;
};
const typed = (row: Selected): GameRow => row as GameRow;

export interface NewGame {
  title: string;
  description: string | null;
  template: GameTemplate;
  status: GameStatus;
  config: Record<string, unknown>;
  prize_enabled: boolean;
  translations?: GameTranslationsValue;
}

export async function insertGame(
  db: Executor,
  orgId: number,
  input: NewGame,
  now: Date,
): Promise<GameRow> {
  const row = await db
    .insertInto('games')
    .values({
      org_id: orgId,
      ...input,
      config: JSON.stringify(input.config),
      translations: JSON.stringify(input.translations ?? {}),
      created_at: now,
      updated_at: now,
    })
    .returning(GAME_COLUMNS)
    .executeTakeFirstOrThrow();
  return typed(row);
}

export async function listGames(
  db: Executor,
  orgId: number,
  filter: { statuses?: readonly GameStatus[] | undefined } = {},
): Promise<GameRow[]> {
  let query = db.selectFrom('games').select(GAME_COLUMNS).where('org_id', '=', orgId);
  if (filter.statuses) {
    if (filter.statuses.length === 0) return [];
    query = query.where('status', 'in', filter.statuses);
  }
  const rows = await query.orderBy('id').execute();
  return rows.map(typed);
}

export async function findGame(
  db: Executor,
  orgId: number,
  gameId: number,
  options: { forUpdate?: boolean } = {},
): Promise<GameRow | undefined> {
  let query = db
    .selectFrom('games')
    .select(GAME_COLUMNS)
    .where('org_id', '=', orgId)
    .where('id', '=', gameId);
  if (options.forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row && typed(row);
}

/** By id alone, across organizations: the play pages know only the game's id. */
export async function findGameById(db: Executor, gameId: number): Promise<GameRow | undefined> {
  const row = await db
    .selectFrom('games')
    .select(GAME_COLUMNS)
    .where('id', '=', gameId)
    .executeTakeFirst();
  return row && typed(row);
}

export type GamePatch = Partial<NewGame>;

export async function updateGame(
  db: Executor,
  orgId: number,
  gameId: number,
  patch: GamePatch,
  now: Date,
): Promise<GameRow | undefined> {
  const { config, translations, ...rest } = patch;
  const row = await db
    .updateTable('games')
    .set({
      ...rest,
      ...(config === undefined ? {} : { config: JSON.stringify(config) }),
      ...(translations === undefined ? {} : { translations: JSON.stringify(translations) }),
      updated_at: now,
    })
    .where('org_id', '=', orgId)
    .where('id', '=', gameId)
    .returning(GAME_COLUMNS)
    .executeTakeFirst();
  return row && typed(row);
}

export async function deleteGame(db: Executor, orgId: number, gameId: number): Promise<boolean> {
  const result = await db
    .deleteFrom('games')
    .where('org_id', '=', orgId)
    .where('id', '=', gameId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}
