import { ConfigError, loadConfig } from '../config.ts';
import { connectDatabase } from './connect.ts';
import { FolderInUseError } from './folder-lock.ts';
import { migrate } from './migrate.ts';

/** `npm run db:migrate`: applies pending migrations to DATABASE_URL or the PGlite in DATA_DIR. */
async function main(): Promise<void> {
  const config = loadConfig();
  const database = await connectDatabase(
    config.databaseUrl
      ? { kind: 'postgres', url: config.databaseUrl, poolSize: 1 }
      : { kind: 'pglite', dataDir: config.dataDir, role: 'migrate' },
  );
  try {
    const applied = await migrate(database);
    const lines =
      applied.length === 0 ? ['no pending migrations'] : applied.map((name) => `applied ${name}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    error instanceof ConfigError
      ? `configuration error: ${error.message}\n`
      : error instanceof FolderInUseError
        ? `error: ${error.message} (a running server has applied the migrations at its start)\n`
        : `migration failed: ${(error as Error).stack ?? String(error)}\n`,
  );
  process.exitCode = 1;
});
