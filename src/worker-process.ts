import { type BackgroundOptions, startBackground } from './background.ts';
import { ConfigError, loadConfig } from './config.ts';
import { FolderInUseError } from './db/folder-lock.ts';
import { migrate } from './db/migrate.ts';
import { closeDeps, createDeps } from './deps.ts';
import type { QueueSpec } from './jobs/queues.ts';
import { serveWorkerMetrics } from './modules/metrics/index.ts';

/**
 * A process that runs the background workers (job handlers and the events dispatcher) and no
 * HTTP server, so a fleet scales the two apart (API processes with WORKERS=false). It runs until
 * SIGTERM or SIGINT, then stops taking work, lets running jobs finish for SHUTDOWN_GRACE_MS
 * (the rest go back to the queue) and exits 0. On the embedded database it only runs while no
 * server holds the folder: one process per PGlite folder, and there the server runs the workers.
 */
export async function runWorker(
  options: BackgroundOptions & { readonly queues?: readonly QueueSpec[] } = {},
): Promise<void> {
  try {
    await run(options);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`configuration error: ${error.message}\n`);
    } else if (error instanceof FolderInUseError) {
      process.stderr.write(
        `PlayLoop worker cannot start: ${error.message}. On the embedded database the server ` +
          'runs the workers itself (WORKERS=true, the default); separate worker processes need ' +
          'PostgreSQL.\n',
      );
    } else {
      process.stderr.write(
        `PlayLoop worker failed to start: ${(error as Error).stack ?? String(error)}\n`,
      );
    }
    process.exit(1);
  }
}

async function run(options: BackgroundOptions & { readonly queues?: readonly QueueSpec[] }) {
  // Whatever WORKERS says: running workers is this command's whole job.
  const config = { ...loadConfig(), workers: true };
  // With REDIS_URL the worker shares the fleet's limits: campaign sending paces itself through
  // the limiter (SEND_RATE_*), a per-second allowance for all processes together, not each.
  const deps = await createDeps(config, {
    role: 'worker',
    ...(options.queues ? { queues: options.queues } : {}),
  });
  const applied = await migrate(deps.database);
  if (applied.length > 0) deps.logger.info({ applied }, 'migrations applied');
  const background = await startBackground(deps, options);
  // Job wait and run times are measured where jobs run: a worker serves them on METRICS_PORT.
  const metricsServer =
    config.metricsPort === undefined
      ? undefined
      : await serveWorkerMetrics(deps, config.metricsPort, config.host);

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    deps.logger.info({ signal, graceMs: config.shutdownGraceMs }, 'worker stopping');
    const force = setTimeout(() => process.exit(1), config.shutdownGraceMs + 10_000);
    force.unref();
    metricsServer?.close();
    void background
      .stop()
      .then(() => closeDeps(deps))
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        deps.logger.error({ err: error }, 'worker shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  deps.logger.info({ database: deps.database.kind }, 'PlayLoop worker is running');
}
