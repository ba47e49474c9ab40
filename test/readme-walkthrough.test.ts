import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

it('runs the README curl walkthrough as written against a fresh server', async () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const block =
    /<!-- walkthrough:start -->\s*```bash\n([\s\S]*?)```\s*<!-- walkthrough:end -->/.exec(
      readme,
    )?.[1];
  expect(block).toBeDefined();

  const dataDir = mkdtempSync(join(tmpdir(), 'playloop-readme-'));
  const port = await freePort();
  const password = 'walkthrough-password';
  const env = { ...process.env, DATABASE_URL: '', REDIS_URL: '' };
  const server = spawn(process.execPath, ['src/main.ts'], {
    env: {
      ...env,
      PORT: String(port),
      DATA_DIR: dataDir,
      DEMO_PASSWORD: password,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let printed = '';
  server.stdout.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  try {
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 900 && !printed.includes('playable link'); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(printed).toContain('demo@playloop.local / walkthrough-password');
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', block!], {
      env: { ...env, BASE: base, DEMO_PASSWORD: password },
      timeout: 30_000,
    });
    expect(stdout).toContain('"valid":true,"status":"active"');
    expect(stdout).toContain('"session_id"');
    expect(stdout).toContain('second consume: 410');
    expect(stdout).toContain('revoked key: 401');
    expect(stdout).toContain('reactivated key: 200');
    expect(stdout).toMatch(
      /send the player to: http:\/\/localhost:\d+\/play\/game\/1\?session_token=/,
    );
    expect(stdout).toContain('"action":"create-session","outcome":"rejected","status_code":401');
    expect(stdout).toContain('"inserted":2,"updated":0,"errors":[]');
    expect(stdout).toMatch(/"player_id":"100234"[^\n]*"totalCount":1/);
    expect(stdout).toContain('{"player_id":"100234","tier":"Gold","adt":250}');
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 180_000);
