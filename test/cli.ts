import { execFile } from 'node:child_process';
import { join } from 'node:path';

const CLI = join(import.meta.dirname, '..', 'src', 'cli.ts');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI as a real process, on PGlite in `dataDir` or on TEST_DATABASE_URL when set. A
 * string command line is split on whitespace, so its arguments never contain spaces.
 */
export function runCli(
  dataDir: string,
  commandLine: string | readonly string[],
): Promise<CliResult> {
  const args = typeof commandLine === 'string' ? commandLine.split(/\s+/) : commandLine;
  const {
    DATABASE_URL: _database,
    REDIS_URL: _redis,
    TEST_DATABASE_URL: testDatabaseUrl,
    ...env
  } = process.env;
  const childEnv: NodeJS.ProcessEnv = { ...env, DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  if (testDatabaseUrl) childEnv.DATABASE_URL = testDatabaseUrl;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: childEnv, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? error.code : 0;
        if (typeof code !== 'number') {
          reject(error ?? new Error('no exit code'));
          return;
        }
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Runs a command with `--json` and parses its output; any non-zero exit throws. */
export async function runCliJson<T>(dataDir: string, commandLine: string): Promise<T> {
  const result = await runCli(dataDir, `${commandLine} --json`);
  if (result.code !== 0) {
    throw new Error(`cli ${commandLine} exited ${result.code}: ${result.stderr}`);
  }
  return JSON.parse(result.stdout) as T;
}
