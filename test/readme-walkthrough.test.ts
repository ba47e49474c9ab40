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
    // The first start prints the PlayerOS half too: a property, a pk_ key and its quickstart.
    const pk = /PlayerOS key\s+(pk_\w+)/.exec(printed)?.[1];
    expect(pk).toBeDefined();
    expect(printed).toMatch(
      /property\s+[0-9a-f-]{36} \("Demo Casino Las Vegas", America\/Los_Angeles\), 300 sample players/,
    );
    expect(printed).toMatch(
      /curl -s 'http:\/\/[^']+\/api\/players\?status\.eq=active&order=created_at\.desc&limit=25'/,
    );
    expect(printed).toContain(`-H 'x-api-key: ${pk!}'`);

    // A mistyped password stops the walkthrough at step 1 with the server's message, no stack.
    const failed = await run('bash', ['-euo', 'pipefail', '-c', block!], {
      env: { ...env, BASE: base, DEMO_PASSWORD: 'mistyped-password', PK: pk },
      timeout: 30_000,
    }).then(
      () => undefined,
      (error: unknown) => error as { code: number; stdout: string; stderr: string },
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toBe('PlayLoop answered unauthorized: Invalid email or password\n');
    expect(failed?.stdout).toBe('');

    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', block!], {
      env: { ...env, BASE: base, DEMO_PASSWORD: password, PK: pk },
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
    // The quickstart answers with the seeded sample players through the printed pk_ key.
    const quickstart = stdout.split('\n').find((line) => line.includes('"totalCount"'));
    const answer = JSON.parse(quickstart!) as { data: { status: string }[]; totalCount: number };
    expect(answer.data).toHaveLength(25);
    expect(answer.data.every((p) => p.status === 'active')).toBe(true);
    expect(answer.totalCount).toBeGreaterThan(200);
    expect(stdout).toContain('"inserted":2,"updated":0,"errors":[]');
    expect(stdout).toContain('{"player_id":"100234","tier":"Gold","adt":250}');
    expect(stdout).toMatch(/"tier":"Platinum","coin_in":/);
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 180_000);
