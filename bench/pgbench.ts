import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_EXPIRES_IN_MINUTES } from '../src/modules/sessions/sessions.service.ts';
import { LatencyRecorder, type Percentiles } from './latency.ts';
import { runCommand } from './proc.ts';
import { type BenchSeed, SEEDED_SESSIONS, seededTokenSql } from './seed.ts';
import type { Operation } from './http.ts';
import { SINGLE_ROW_STATEMENTS } from './statements.ts';

/** The single-row statements, whitespace folded for a pgbench script line. */
export function sessionStatements(): Record<'insert' | 'find' | 'consume', string> {
  const fold = (text: string) => text.replace(/\s+/g, ' ').trim();
  return {
    insert: fold(SINGLE_ROW_STATEMENTS.insert),
    find: fold(SINGLE_ROW_STATEMENTS.find),
    consume: fold(SINGLE_ROW_STATEMENTS.consume),
  };
}

/** Replaces the $n placeholders of a statement; every placeholder must have a value. */
function bind(text: string, values: Record<number, string>): string {
  return text.replace(/\$(\d+)/g, (_, n: string) => {
    const value = values[Number(n)];
    if (value === undefined) throw new Error(`no pgbench value for $${n} in: ${text}`);
    return value;
  });
}

/**
 * One pgbench script per operation, with the parameters the HTTP path binds: the key's
 * org/key/game ids, a fresh gen_random_uuid() token and the default expiry for create, and a
 * random seeded token (md5('bench-' || i)::uuid) for validate and consume.
 */
export function pgbenchScripts(seed: BenchSeed): Record<Operation, string> {
  const statements = sessionStatements();
  const token = `(${seededTokenSql(':i')})`;
  const pick = `\\set i random(1, ${SEEDED_SESSIONS})\n`;
  const ids = `\\set org ${seed.orgId}\n\\set key ${seed.keyId}\n\\set game ${seed.gameId}\n`;
  return {
    create:
      ids +
      bind(statements.insert, {
        1: ':org',
        2: '(gen_random_uuid())',
        3: ':key',
        4: ':game',
        5: '(NULL)',
        6: '(NULL)',
        7: '(NULL)',
        8: `(now() + interval '${DEFAULT_EXPIRES_IN_MINUTES} minutes')`,
        9: '(now())',
      }) +
      ';\n',
    validate: pick + bind(statements.find, { 1: token }) + ';\n',
    consume: pick + bind(statements.consume, { 1: token, 2: '(now())', 3: '(NULL)' }) + ';\n',
  };
}

export interface PgbenchResult extends Percentiles {
  tps: number;
  latencyAvgMs: number;
  transactions: number;
  failed: number;
  script: string;
}

export function findPgbench(): string {
  const candidates = [
    process.env.PGBENCH,
    '/usr/lib/postgresql/17/bin/pgbench',
    '/usr/lib/postgresql/16/bin/pgbench',
    '/usr/lib/postgresql/15/bin/pgbench',
  ];
  for (const candidate of candidates) if (candidate && existsSync(candidate)) return candidate;
  return 'pgbench'; // from PATH
}

function parseNumber(output: string, pattern: RegExp, what: string): number {
  const match = pattern.exec(output);
  if (!match?.[1]) throw new Error(`could not find ${what} in pgbench output:\n${output}`);
  return Number(match[1]);
}

/**
 * Percentiles of the transaction times in pgbench's per-transaction logs (`-l`): one file per
 * thread, `<prefix>.<pid>[.<thread>]`, whose third field is the transaction's time in µs. The
 * files are deleted once read.
 */
function loggedLatencies(dir: string, prefix: string): Percentiles {
  const latencies = new LatencyRecorder();
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(`${prefix}.`)) continue;
    const path = join(dir, name);
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      const micros = Number(line.split(' ')[2]);
      if (line && Number.isFinite(micros)) latencies.record(micros / 1000);
    }
    rmSync(path);
  }
  return latencies.percentiles();
}

/**
 * `pgbench -n -M prepared -c <connections> -j 2 -T <seconds> -l` on one script; the
 * per-transaction log gives the percentiles pgbench's summary does not.
 */
export async function runPgbench(options: {
  url: string;
  script: string;
  dir: string;
  /** The run's name, also used for the script and log file names. */
  operation: string;
  connections: number;
  seconds: number;
}): Promise<PgbenchResult> {
  const base = options.operation.replace(/\W+/g, '-');
  const file = join(options.dir, `${base}.sql`);
  const logPrefix = `${base}-log`;
  writeFileSync(file, options.script);
  const args = [
    '-n', // no pgbench_* tables to vacuum
    '-M',
    'prepared',
    '-c',
    String(options.connections),
    '-j',
    '2',
    '-T',
    String(options.seconds),
    '-l',
    `--log-prefix=${join(options.dir, logPrefix)}`,
    '-f',
    file,
    options.url,
  ];
  const result = await runCommand(findPgbench(), args, (options.seconds + 60) * 1000);
  const output = `${result.stdout}\n${result.stderr}`;
  if (result.timedOut) throw new Error(`pgbench ${options.operation} timed out`);
  if (result.code !== 0) {
    throw new Error(`pgbench ${options.operation} exited with ${result.code}:\n${output}`);
  }
  const failed = /number of failed transactions: (\d+)/.exec(output);
  return {
    tps: parseNumber(output, /^tps = ([\d.]+)/m, 'tps'),
    latencyAvgMs: parseNumber(output, /^latency average = ([\d.]+) ms/m, 'latency average'),
    transactions: parseNumber(
      output,
      /number of transactions actually processed: (\d+)/,
      'transaction count',
    ),
    failed: failed?.[1] ? Number(failed[1]) : 0,
    ...loggedLatencies(options.dir, logPrefix),
    script: options.script,
  };
}
