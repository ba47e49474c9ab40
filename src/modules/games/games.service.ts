import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import { requireName } from '../organizations/index.ts';
import { type GameRow, insertGame, listGames } from './games.repo.ts';

export const GAME_STATUSES = ['Draft', 'Active', 'Archived'] as const;
export type GameStatus = (typeof GAME_STATUSES)[number];

export async function createGame(
  deps: Deps,
  orgId: number,
  input: { title: string; description?: string | undefined; status?: GameStatus | undefined },
): Promise<GameRow> {
  const title = requireName('title', input.title);
  try {
    return await insertGame(deps.database.db, orgId, {
      title,
      description: input.description ?? null,
      template: 'spin-wheel',
      status: input.status ?? 'Active',
    });
  } catch (error) {
    if ((error as { code?: string }).code === '23503') {
      throw new AppError('not_found', 'Organization not found');
    }
    throw error;
  }
}

export function listOrgGames(deps: Deps, orgId: number): Promise<GameRow[]> {
  return listGames(deps.database.db, orgId);
}
