import { parseArgs } from 'node:util';
import { type Command, COMMANDS } from './cli/commands.ts';
import { UsageError } from './cli/args.ts';
import { ConfigError, loadConfig } from './config.ts';
import { migrate } from './db/migrate.ts';
import { closeDeps, createDeps, createLogger } from './deps.ts';
import { AppError } from './lib/errors.ts';

const width = Math.max(...COMMANDS.map((command) => command.name.length));

const USAGE = [
  'Usage: npm run cli -- <command> [options] [--json]',
  '',
  'Commands:',
  ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.usage}`),
  `  ${'help'.padEnd(width)}  show this text`,
  '',
  'Options:',
  '  --json    print the result as JSON instead of one line of text',
  '',
  'Uses DATABASE_URL, or else the PGlite database in DATA_DIR (default ./data): stop a server',
  'using the same DATA_DIR first, PGlite allows one process at a time. Pending migrations are',
  'applied before the command runs.',
].join('\n');

function findCommand(words: readonly string[]): Command {
  const name = words.slice(0, 2).join(' ');
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) throw new UsageError(`unknown command "${name}"`);
  return command;
}

function parseOptions(command: Command, args: string[]) {
  const options = Object.fromEntries(
    command.options.map((name) => [name, { type: 'string' as const }]),
  );
  try {
    return parseArgs({
      args,
      options: { ...options, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    // parseArgs reports unknown options, missing values and stray words as ERR_PARSE_ARGS_*.
    if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      throw new UsageError((error as Error).message);
    }
    throw error;
  }
}

async function run(argv: string[]): Promise<number> {
  const first = argv[0];
  if (first === undefined || first === 'help' || first === '--help' || first === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const command = findCommand(argv);
  const values = parseOptions(command, argv.slice(2));
  if (values.help) {
    process.stdout.write(`Usage: npm run cli -- ${command.name} ${command.usage} [--json]\n`);
    return 0;
  }
  // Every argument is checked before the database is opened, so mistakes fail fast.
  const work = command.prepare(values);

  const config = loadConfig();
  // Logs go to stderr so `--json` output stays parseable; no command here needs Redis.
  // No statement_timeout: an operator's import or migration is not a tenant's request.
  const deps = await createDeps(
    { ...config, redisUrl: undefined, dbStatementTimeoutMs: 0 },
    { logger: createLogger(config, process.stderr) },
  );
  try {
    await migrate(deps.database);
    const result = await work(deps);
    const output = values.json ? JSON.stringify(result.json, null, 2) : result.text;
    process.stdout.write(`${output}\n`);
    return result.exitCode ?? 0;
  } finally {
    await closeDeps(deps);
  }
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\n\n${USAGE}\n`);
      process.exitCode = 2;
    } else if (error instanceof AppError) {
      process.stderr.write(`error: ${error.message}\n`);
      process.exitCode = 2;
    } else if (error instanceof ConfigError) {
      process.stderr.write(`configuration error: ${error.message}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`command failed: ${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 1;
    }
  },
);
