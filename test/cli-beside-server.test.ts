import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onPostgres } from './harness.ts';
import { freePort } from './reliability/server.ts';

// Always the embedded database: this is about two processes and one PGlite folder. The
// PostgreSQL pass of the suite would repeat the very same run, so it skips it.
const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'src', 'cli.ts');
const MAIN = join(ROOT, 'src', 'main.ts');
const MIGRATE = join(ROOT, 'src', 'db', 'migrate-cli.ts');

let work: string;
let dataDir: string;
let port: number;
let server: ChildProcess | undefined;

function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const { DATABASE_URL: _d, REDIS_URL: _r, TEST_DATABASE_URL: _t, ...env } = process.env;
  return { ...env, DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...extra };
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a node script to its end; `input` is written to its stdin, which is then closed. */
function runNode(script: string, args: string[], options: { input?: string; cwd?: string } = {}) {
  return new Promise<Run>((resolve) => {
    const child = spawn(process.execPath, [script, ...args], {
      env: childEnv(),
      cwd: options.cwd ?? ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

const cli = (args: string[], options?: { input?: string; cwd?: string }) =>
  runNode(CLI, args, options);

async function cliJson<T>(args: string[], options?: { input?: string; cwd?: string }) {
  const result = await cli([...args, '--json'], options);
  if (result.code !== 0) throw new Error(`cli ${args.join(' ')}: ${result.code} ${result.stderr}`);
  return { value: JSON.parse(result.stdout) as T, stderr: result.stderr };
}

async function startServer(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [MAIN], {
    env: childEnv({ PORT: String(port), SEED_DEMO: 'false' }),
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (let i = 0; i < 300; i++) {
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
    if (ready?.status === 200) return child;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('server did not start');
}

function stopServer(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

async function login(email: string, password: string): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const body = (await response.json()) as { data: { token: string } };
  return body.data.token;
}

async function gameTitles(token: string, orgId: number): Promise<string[]> {
  const response = await fetch(`http://127.0.0.1:${port}/api/games?org_id=${orgId}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { data: { title: string }[] };
  return body.data.map((game) => game.title);
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'playloop-beside-'));
  dataDir = join(work, 'data');
  port = await freePort();
});

afterAll(async () => {
  if (server && server.exitCode === null && server.signalCode === null) {
    await stopServer(server, 'SIGKILL');
  }
  rmSync(work, { recursive: true, force: true });
});

// Every case starts processes (a server, several CLI runs), each loading the whole code base.
describe.skipIf(onPostgres)(
  'the CLI beside a running server on one PGlite folder',
  { timeout: 120_000 },
  () => {
    let orgId: number;
    let token: string;
    const email = 'beside@example.test';
    const password = 'beside-password-1';

    it('sends commands to the running server, which lists what they made', async () => {
      server = await startServer();
      const org = await cliJson<{ id: number }>(['org', 'create', '--name', 'Beside Casino']);
      expect(org.stderr).toMatch(
        /running in the PlayLoop server that holds the data folder, pid \d+/,
      );
      orgId = org.value.id;
      await cliJson([
        'user',
        'create',
        '--email',
        email,
        '--password',
        password,
        '--org',
        String(orgId),
        '--role',
        'Owner',
      ]);
      const game = await cliJson<{ id: number; title: string }>([
        'game',
        'create',
        '--org',
        String(orgId),
        '--title',
        'Made beside the server',
      ]);
      token = await login(email, password);
      expect(await gameTitles(token, orgId)).toContain('Made beside the server');
      expect(game.value.title).toBe('Made beside the server');
    });

    it('relays files by the CLI’s own directory, standard input and exit status', async () => {
      const property = await cliJson<{ id: string }>([
        'property',
        'create',
        '--org',
        String(orgId),
        '--name',
        'Beside Property',
      ]);
      const csvDir = join(work, 'exports');
      rmSync(csvDir, { recursive: true, force: true });
      const { mkdirSync } = await import('node:fs');
      mkdirSync(csvDir);
      writeFileSync(
        join(csvDir, 'players.csv'),
        'player_id,email\nA1,a1@example.test\nA2,bad-email\n',
      );
      // A relative path is the CLI's, not the server's (the server runs in the project folder).
      const fromFile = await cli(
        [
          'players',
          'import',
          '--property',
          property.value.id,
          '--file',
          'players.csv',
          '--errors',
          'rejected.csv',
        ],
        { cwd: csvDir },
      );
      expect(fromFile.code).toBe(3); // one row rejected: the import's own exit status
      expect(fromFile.stdout).toMatch(/1 inserted, 0 updated, 1 rejected/);
      expect(existsSync(join(csvDir, 'rejected.csv'))).toBe(true);

      const fromStdin = await cli(
        ['players', 'import', '--property', property.value.id, '--file', '-'],
        { input: 'player_id,email\nB1,b1@example.test\nB2,b2@example.test\n' },
      );
      expect(fromStdin.code).toBe(0);
      expect(fromStdin.stdout).toMatch(/2 inserted, 0 updated, 0 rejected/);

      const refused = await cli(['game', 'create', '--org', '999999', '--title', 'Nowhere']);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/error: .*not found/i);
    });

    it('keeps a second server and a migration off the folder, with a clear message', async () => {
      const second = await runNode(MAIN, []);
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(
        /PlayLoop cannot start: the data folder .* is in use by a PlayLoop server \(pid \d+/,
      );
      expect(second.stderr).not.toMatch(/\n\s+at /); // no stack trace
      const migration = await runNode(MIGRATE, []);
      expect(migration.code).toBe(1);
      expect(migration.stderr).toMatch(/in use by a PlayLoop server/);
    });

    it('opens the folder itself once the server stopped, and the server later sees it', async () => {
      await stopServer(server!, 'SIGTERM');
      expect(existsSync(join(dataDir, 'playloop.sock'))).toBe(false);
      const alone = await cliJson<{ title: string }>([
        'game',
        'create',
        '--org',
        String(orgId),
        '--title',
        'Made while stopped',
      ]);
      expect(alone.stderr).not.toMatch(/running in the PlayLoop server/);
      server = await startServer();
      token = await login(email, password);
      expect(await gameTitles(token, orgId)).toEqual(
        expect.arrayContaining(['Made beside the server', 'Made while stopped']),
      );
    });

    it('takes the folder over after a server killed with -9', async () => {
      await stopServer(server!, 'SIGKILL');
      expect(existsSync(join(dataDir, 'playloop.sock'))).toBe(true); // left behind
      const after = await cli([
        'game',
        'create',
        '--org',
        String(orgId),
        '--title',
        'After a crash',
      ]);
      expect(after.code).toBe(0);
      expect(after.stderr).not.toMatch(/running in the PlayLoop server/);
    });

    it('while a CLI command holds the folder, a server and another command are told who', async () => {
      // An import reading a stdin that stays open keeps the folder for as long as we like.
      const property = await cliJson<{ id: string }>([
        'property',
        'create',
        '--org',
        String(orgId),
        '--name',
        'Held',
      ]);
      const holder = spawn(
        process.execPath,
        [CLI, 'players', 'import', '--property', property.value.id, '--file', '-'],
        {
          env: childEnv(),
          cwd: ROOT,
          stdio: ['pipe', 'pipe', 'pipe'],
        },
      );
      holder.stdin.write('player_id,email\n');
      let holderOut = '';
      holder.stdout.on('data', (chunk: Buffer) => (holderOut += chunk.toString()));
      const holderDone = new Promise<number>((resolve) =>
        holder.on('close', (code) => resolve(code ?? -1)),
      );
      // Wait until it holds the folder.
      for (let i = 0; i < 100 && !existsSync(join(dataDir, 'playloop.sock')); i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      const other = await cli(['game', 'create', '--org', String(orgId), '--title', 'Blocked']);
      expect(other.code).toBe(1);
      expect(other.stderr).toMatch(
        new RegExp(`in use by a PlayLoop cli command \\(pid ${holder.pid}`),
      );
      const blockedServer = await runNode(MAIN, []);
      expect(blockedServer.code).toBe(1);
      expect(blockedServer.stderr).toMatch(/in use by a PlayLoop cli command/);

      holder.stdin.end('C1,c1@example.test\n');
      expect(await holderDone).toBe(0);
      expect(holderOut).toMatch(/1 inserted/);
      expect(existsSync(join(dataDir, 'playloop.sock'))).toBe(false);
    });
  },
);
