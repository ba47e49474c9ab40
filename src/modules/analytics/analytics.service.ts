import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import { requireVisibleGame } from '../games/index.ts';
import { gameVisibleTo, requireOrgRole } from '../organizations/index.ts';
import type { Actor } from '../users/index.ts';
import { type Interval, playsByGame, playsOverTime, prizeCounts } from './analytics.repo.ts';

const MAX_BUCKETS = 2000;

export async function playAnalytics(
  deps: Deps,
  actor: Actor,
  input: {
    orgId: number;
    interval: Interval;
    from?: string | undefined;
    to?: string | undefined;
    gameId?: number | undefined;
    streamId?: number | undefined;
  },
) {
  // Viewers get "basic analytics" too (digest, roles); every role may read these figures, but
  // nothing per game about a game they may not see: filtering by one is 404 like its page, and
  // the per-game breakdown leaves it out.
  const { role } = await requireOrgRole(deps, actor, input.orgId, 'Viewer');
  if (input.gameId !== undefined) await requireVisibleGame(deps, actor, input.orgId, input.gameId);
  const to = input.to ? new Date(input.to) : deps.clock.now();
  const from = input.from ? new Date(input.from) : new Date(to.getTime() - 30 * 86_400_000);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || from >= to) {
    throw new AppError('validation_failed', 'from must be a date-time before to');
  }
  const bucketMs = input.interval === 'hour' ? 3_600_000 : 86_400_000;
  if ((to.getTime() - from.getTime()) / bucketMs > MAX_BUCKETS) {
    throw new AppError('validation_failed', `At most ${MAX_BUCKETS} ${input.interval}s per query`);
  }
  const filter = { from, to, gameId: input.gameId, streamId: input.streamId };
  const db = deps.database.db;
  const [series, games, prizes] = await Promise.all([
    playsOverTime(db, input.orgId, input.interval, filter),
    playsByGame(db, input.orgId, filter),
    prizeCounts(db, input.orgId, filter),
  ]);
  const started = series.reduce((sum, b) => sum + b.started, 0);
  const completed = series.reduce((sum, b) => sum + b.completed, 0);
  return {
    from,
    to,
    interval: input.interval,
    totals: {
      started,
      completed,
      completion_rate: started === 0 ? 0 : Math.round((completed / started) * 1000) / 1000,
      prize_draws: prizes.draws,
      prize_wins: prizes.wins,
      prize_claims: prizes.claims,
    },
    series,
    games: games
      .filter((game) => gameVisibleTo(role, game.status))
      .map(({ status: _status, ...game }) => game),
  };
}
