import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import { requireName, slugify } from '../organizations/index.ts';
import { insertStream, insertStreamGames, listStreams, type StreamRow } from './streams.repo.ts';

export const STREAM_STATUSES = [
  'Draft',
  'Scheduled',
  'Active',
  'Paused',
  'Completed',
  'Archived',
] as const;
export type StreamStatus = (typeof STREAM_STATUSES)[number];

export async function createStream(
  deps: Deps,
  orgId: number,
  input: {
    name: string;
    slug?: string | undefined;
    gameIds: readonly number[];
    status?: StreamStatus | undefined;
  },
): Promise<StreamRow & { game_ids: number[] }> {
  const name = requireName('name', input.name);
  const gameIds = [...new Set(input.gameIds)];
  try {
    return await deps.database.db.transaction().execute(async (trx) => {
      const stream = await insertStream(trx, orgId, {
        name,
        slug: input.slug ?? slugify(name),
        status: input.status ?? 'Active',
      });
      await insertStreamGames(trx, orgId, stream.id, gameIds);
      return { ...stream, game_ids: gameIds };
    });
  } catch (error) {
    const { code, constraint } = error as { code?: string; constraint?: string };
    if (code === '23503') {
      const what = constraint?.includes('game') ? 'One of the games' : 'Organization';
      throw new AppError('not_found', `${what} not found`);
    }
    if (code === '23505') throw new AppError('conflict', 'A stream with this slug already exists');
    if (code === '23514') throw new AppError('validation_failed', 'slug is not valid');
    throw error;
  }
}

export function listOrgStreams(deps: Deps, orgId: number): Promise<StreamRow[]> {
  return listStreams(deps.database.db, orgId);
}
