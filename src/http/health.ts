import { Type } from 'typebox';
import type { Deps } from '../deps.ts';
import { sendError } from './errors.ts';
import type { App } from './types.ts';

/** How long readiness waits for the database, and for a Redis ping, before deciding. */
export const DATABASE_DEADLINE_MS = 2000;
export const REDIS_DEADLINE_MS = 500;

type RedisState = 'ok' | 'unreachable' | 'not_configured';

/** Resolves with the call's result, or rejects once `ms` have passed without one. */
async function within<T>(ms: number, run: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      run(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function redisState(deps: Deps): Promise<RedisState> {
  if (!deps.redis) return 'not_configured';
  try {
    await within(REDIS_DEADLINE_MS, () => deps.redis!.ping());
    return 'ok';
  } catch {
    return 'unreachable';
  }
}

const health = { tags: ['System'], security: [] };

/**
 * `/healthz` (the process answers) and `/readyz` (it can serve: the database answers in time).
 * Redis is reported but does not decide readiness: without it the rate limits fall back to
 * per-process counting (README "Rate limits"), so a balancer that pulled every process when the
 * shared cache goes down would turn a degraded fleet into an outage.
 */
export function healthRoutes(app: App, deps: Deps): void {
  app.get(
    '/healthz',
    {
      schema: {
        ...health,
        operationId: 'system.health',
        summary: 'Liveness: the process answers',
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    () => ({ status: 'ok' as const }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        ...health,
        operationId: 'system.ready',
        summary: 'Readiness: the database answers within 2 s',
        description:
          'The database is asked on a connection of its own, not through the request pool, so slow queries filling the pool do not make a working database look dead: it then reads `database: "busy"` (requests are waiting for a pool connection), still 200. 503 only when the database does not answer. ' +
          'Also reports Redis (`ok`, `unreachable` after 500 ms without an answer, or `not_configured`). An unreachable Redis does not make the process unready: rate limits then count per process.',
        response: {
          200: Type.Object({
            status: Type.Literal('ready'),
            database: Type.Union([Type.Literal('ok'), Type.Literal('busy')], {
              description: '`busy`: every pool connection is in use and requests wait for one',
            }),
            pool: Type.Object({
              size: Type.Integer({ description: 'Most connections the pool opens' }),
              in_use: Type.Integer({ description: 'Connections running a request now' }),
              waiting: Type.Integer({ description: 'Requests waiting for a connection' }),
            }),
            redis: Type.Union([
              Type.Literal('ok'),
              Type.Literal('unreachable'),
              Type.Literal('not_configured'),
            ]),
          }),
          503: Type.Ref('ErrorResponse'),
        },
      },
    },
    async (request, reply) => {
      const redis = redisState(deps);
      try {
        // Not through the pool: a saturated pool says busy, not dead (db/health-probe.ts).
        await deps.database.ping(DATABASE_DEADLINE_MS);
      } catch (error) {
        request.log.warn({ err: String(error) }, 'not ready: the database does not answer');
        return sendError(request, reply, 'service_unavailable', 'The database is not reachable');
      }
      const pool = deps.database.poolState();
      const busy = pool.waiting > 0 || (pool.inUse >= pool.size && pool.size > 0);
      return {
        status: 'ready' as const,
        database: busy ? ('busy' as const) : ('ok' as const),
        pool: { size: pool.size, in_use: pool.inUse, waiting: pool.waiting },
        redis: await redis,
      };
    },
  );
}
