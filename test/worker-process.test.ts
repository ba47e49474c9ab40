import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/connect.ts';
import { createJobs } from '../src/jobs/jobs.ts';
import { onPostgres, openTestDatabase, testConfig } from './harness.ts';
import { freePort } from './reliability/server.ts';

// `npm run worker` as a real process.
const ROOT = join(import.meta.dirname, '..');
const MAIN = join(ROOT, 'src', 'main.ts');
const WORKER = join(ROOT, 'src', 'worker.ts');
const ECHO_WORKER = join(ROOT, 'test', 'fixtures', 'echo-worker.ts');

function childEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { DATABASE_URL: _d, REDIS_URL: _r, TEST_DATABASE_URL: _t, ...env } = process.env;
  return { ...env, LOG_LEVEL: 'warn', SEED_DEMO: 'false', ...extra };
}

interface Output {
  stdout: string;
  stderr: string;
}

function start(script: string, env: NodeJS.ProcessEnv): { child: ChildProcess; output: Output } {
  const child = spawn(process.execPath, [script], {
    env: childEnv(env),
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout?.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  return { child, output };
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function until(check: () => boolean, what: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('npm run worker', () => {
  const children: ChildProcess[] = [];
  const folders: string[] = [];
  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });

  it('stops with the folder-in-use message, and no stack, beside a server on the same PGlite folder', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'playloop-worker-'));
    folders.push(dataDir);
    const port = await freePort();
    const server = start(MAIN, { DATA_DIR: dataDir, PORT: String(port) });
    children.push(server.child);
    let ready = false;
    for (let i = 0; i < 600 && !ready; i++) {
      const answer = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
      ready = answer?.status === 200;
      if (!ready) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(ready, server.output.stderr).toBe(true);

    const worker = start(WORKER, { DATA_DIR: dataDir });
    children.push(worker.child);
    expect(await exited(worker.child)).toBe(1);
    expect(worker.output.stderr).toContain('PlayLoop worker cannot start: the data folder');
    expect(worker.output.stderr).toContain(
      `is in use by a PlayLoop server (pid ${server.child.pid}`,
    );
    expect(worker.output.stderr).toContain('the server runs the workers itself');
    expect(worker.output.stderr).not.toMatch(/^\s+at /m);

    server.child.kill('SIGTERM');
    expect(await exited(server.child)).toBe(0);
  }, 120_000);

  describe.runIf(onPostgres)('on PostgreSQL', () => {
    let database: Database | undefined;
    afterAll(async () => {
      await database?.close();
    });

    it('runs a job another process sent, and exits cleanly on SIGTERM', async () => {
      const config = testConfig();
      const name = `test.echo_${randomBytes(5).toString('hex')}`;
      const worker = start(ECHO_WORKER, {
        DATABASE_URL: config.databaseUrl,
        ECHO_QUEUE: name,
        LOG_LEVEL: 'info',
      });
      children.push(worker.child);
      await until(() => worker.output.stdout.includes('PlayLoop worker is running'), 'the worker');

      // This test process is the other one: it sends, it never works on the queue.
      database = await openTestDatabase(config);
      const sender = createJobs({
        database,
        databaseUrl: config.databaseUrl,
        logger: pino({ level: 'silent' }),
        queues: [
          {
            name,
            retryLimit: 0,
            retryDelaySeconds: 0,
            retryBackoff: false,
            expireInSeconds: 60,
            concurrency: 1,
          },
        ],
      });
      await sender.start();
      await database.db.transaction().execute(async (trx) => {
        await sender.send(name, { hello: 'from another process' }, { trx });
      });
      await sender.stop();
      await until(
        () => worker.output.stdout.includes('ran {"hello":"from another process"}'),
        'the job to run',
        30_000,
      );

      const stopping = Date.now();
      worker.child.kill('SIGTERM');
      expect(await exited(worker.child)).toBe(0);
      expect(Date.now() - stopping).toBeLessThan(10_000);
      expect(worker.output.stdout).toContain('"msg":"worker stopping"');
      expect(worker.output.stderr).toBe('');
    }, 120_000);
  });
});
