/**
 * `npm run test:reliability`: the reliability and security suite (test/reliability/*.test.ts)
 * against real PostgreSQL + Redis and real server processes, then the secrets check over
 * everything the run logged and stored, then reliability-report.md.
 *
 * RELIABILITY_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres) is only used to
 * drop and recreate the database `playloop_reliability`, which the suite then owns. Redis
 * (RELIABILITY_REDIS_URL, default redis://127.0.0.1:6379) gets a fresh key prefix per run.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { connectDatabase } from '../../src/db/connect.ts';
import { migrate } from '../../src/db/migrate.ts';
import { startSmtpCatcher } from '../smtp.ts';
import { recordFigure } from './figures.ts';
import { OUTPUT_DIR, REPORT_FILE } from './paths.ts';
import { writeReport } from './report.ts';
import { checkSecrets } from './secrets-check.ts';

const DATABASE = process.env.RELIABILITY_DATABASE ?? 'playloop_reliability';
if (!/^[a-z_][a-z0-9_]{0,62}$/.test(DATABASE))
  throw new Error('RELIABILITY_DATABASE must be a plain lower-case name');
const adminUrl = process.env.RELIABILITY_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.RELIABILITY_REDIS_URL ?? 'redis://127.0.0.1:6379';
const ROOT = join(import.meta.dirname, '..', '..');

async function recreateDatabase(): Promise<string> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${DATABASE}`;
  const database = await connectDatabase({ kind: 'postgres', url: url.toString(), poolSize: 1 });
  try {
    await migrate(database);
  } finally {
    await database.close();
  }
  return url.toString();
}

function runVitest(env: NodeJS.ProcessEnv, args: readonly string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'),
        'run',
        '--config',
        'vitest.reliability.config.ts',
        ...args,
      ],
      { cwd: ROOT, env, stdio: 'inherit' },
    );
    child.once('close', (code) => resolve(code ?? 1));
  });
}

async function main(): Promise<number> {
  const started = Date.now();
  rmSync(OUTPUT_DIR, { recursive: true, force: true });
  mkdirSync(OUTPUT_DIR, { recursive: true });
  const databaseUrl = await recreateDatabase();
  const smtp = await startSmtpCatcher();
  const env = {
    ...process.env,
    RELIABILITY_DATABASE_URL: databaseUrl,
    RELIABILITY_REDIS_URL: redisUrl,
    RELIABILITY_REDIS_PREFIX: `playloop:reliability:${randomBytes(6).toString('hex')}:`,
    RELIABILITY_SMTP_URL: smtp.url,
  };
  let suite: number;
  try {
    suite = await runVitest(env, process.argv.slice(2));
  } finally {
    await smtp.close();
  }

  const secrets = await checkSecrets(databaseUrl);
  const section = '6. Secrets';
  recordFigure({
    section,
    name: 'sources searched (log files and the database dump)',
    value: secrets.sources,
  });
  recordFigure({ section, name: 'bytes searched', value: secrets.bytes.toLocaleString('en-US') });
  recordFigure({
    section,
    name: 'registered secrets looked for (passwords, link tokens …)',
    value: secrets.registered,
  });
  recordFigure({
    section,
    name: 'secrets found in clear',
    value: secrets.findings.length,
    expected: '0',
  });
  for (const finding of secrets.findings.slice(0, 20)) {
    console.error(`secret in clear: ${finding.kind} ${finding.sample} in ${finding.source}`);
  }

  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  const verdict = suite === 0 && secrets.findings.length === 0 ? 'passed' : 'FAILED';
  const report = writeReport([
    `Run ${new Date().toISOString()} · ${minutes} min · suite exit ${suite} · ${verdict}.`,
    'Figures are printed by the tests as they run (`[reliability]` lines in the CI log).',
  ]);
  console.info(`\n${report}\nwritten to ${REPORT_FILE}`);
  return suite !== 0 ? suite : secrets.findings.length > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
