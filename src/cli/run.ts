import { parseArgs } from 'node:util';
import { ConfigError } from '../config.ts';
import { FolderInUseError } from '../db/folder-lock.ts';
import { AppError } from '../lib/errors.ts';
import { UsageError } from './args.ts';
import { type Command, COMMANDS, type Result, type Work } from './commands.ts';
import type { CliIo } from './io.ts';

const width = Math.max(...COMMANDS.map((command) => command.name.length));

export const USAGE = [
  'Usage: npm run cli -- <command> [options] [--json]',
  '',
  'Commands:',
  ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.usage}`),
  `  ${'help'.padEnd(width)}  show this text`,
  '',
  'Options:',
  '  --json    print the result as JSON instead of one line of text',
  '',
  'Uses DATABASE_URL, or else the PGlite database in DATA_DIR (default ./data). While a server',
  'runs on that folder, commands are sent to it and run there (PGlite allows one process per',
  'folder); otherwise the CLI opens the folder itself and applies pending migrations first.',
].join('\n');

/** The prepared command ran here or in the server that holds the database folder. */
export type Outcome = { ran: Result } | { forwarded: number };
/** Runs the prepared work against a database: opened here, the server's own, or forwarded. */
export type Execute = (work: Work, argv: readonly string[]) => Promise<Outcome>;

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

/**
 * Runs one command line and returns its exit status: 0 done, 1 failed, 2 refused (usage or a
 * domain rule), or what the command says (players import: 3 when rows were rejected).
 */
export async function runCommandLine(
  argv: readonly string[],
  io: CliIo,
  execute: Execute,
): Promise<number> {
  try {
    const first = argv[0];
    if (first === undefined || first === 'help' || first === '--help' || first === '-h') {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const command = findCommand(argv);
    const values = parseOptions(command, argv.slice(2));
    if (values.help) {
      io.stdout.write(`Usage: npm run cli -- ${command.name} ${command.usage} [--json]\n`);
      return 0;
    }
    // Every argument is checked before the database is opened, so mistakes fail fast.
    const work = command.prepare(values, io);
    const outcome = await execute(work, argv);
    if ('forwarded' in outcome) return outcome.forwarded;
    const result = outcome.ran;
    io.stdout.write(`${values.json ? JSON.stringify(result.json, null, 2) : result.text}\n`);
    return result.exitCode ?? 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`error: ${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    if (error instanceof AppError) {
      io.stderr.write(`error: ${error.message}\n`);
      return 2;
    }
    if (error instanceof ConfigError) {
      io.stderr.write(`configuration error: ${error.message}\n`);
      return 1;
    }
    if (error instanceof FolderInUseError) {
      io.stderr.write(`error: ${error.message}\n`);
      return 1;
    }
    io.stderr.write(`command failed: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}
