import { forwardCommand } from './cli/remote.ts';
import { processIo } from './cli/io.ts';
import { runCommandLine } from './cli/run.ts';
import { loadConfig } from './config.ts';
import { FolderInUseError, probe, socketPath } from './db/folder-lock.ts';
import { migrate } from './db/migrate.ts';
import { closeDeps, createDeps, createLogger } from './deps.ts';

const io = processIo();

const code = await runCommandLine(process.argv.slice(2), io, async (work, argv) => {
  const config = loadConfig();
  if (!config.databaseUrl) {
    // PGlite allows one process per folder: if a server holds it, the command runs there.
    const found = await probe(socketPath(config.dataDir));
    if (found.state === 'held') {
      if (found.holder?.serving) {
        return { forwarded: await forwardCommand(found.socket, found.holder, argv, io) };
      }
      found.socket.destroy();
      throw new FolderInUseError(config.dataDir, found.holder);
    }
  }
  // Logs go to stderr so `--json` output stays parseable; no command here needs Redis.
  // No statement_timeout: an operator's import or migration is not a tenant's request.
  const deps = await createDeps(
    { ...config, redisUrl: undefined, dbStatementTimeoutMs: 0 },
    { logger: createLogger(config, process.stderr), role: 'cli' },
  );
  try {
    await migrate(deps.database);
    return { ran: await work(deps) };
  } finally {
    await closeDeps(deps);
  }
});
process.exitCode = code;
