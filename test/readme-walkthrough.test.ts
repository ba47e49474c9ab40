import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { freePort } from './reliability/server.ts';

const run = promisify(execFile);

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
      // About seventy requests, each read by a fresh `node -e`: slow on a busy machine.
      timeout: 150_000,
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
    // Steps 8–13: a game from a template, its voucher set and prizes, a stream, one play, analytics.
    const lines = stdout.split('\n');
    const gameLine = lines.find((line) => line.includes('"title":"Summer Match","description"'));
    const game = JSON.parse(gameLine!) as Record<string, unknown> & { id: number };
    expect(game).toMatchObject({
      template: 'memory-match',
      status: 'Active',
      prize_enabled: true,
      config: { pairs: 8, duration_s: 90, primary_color: '#0ea5e9' },
    });
    expect(stdout).toMatch(/^SUMMER-[0-9A-Z]{8}$/m);
    expect(stdout).toContain('{"added":2,"duplicates":0,"total":22}');
    expect(stdout).toContain('15% off: 30%, Try again: 70%');
    expect(stdout).toContain(`[{"id":${game.id},"title":"Summer Match"}]`);
    expect(stdout).toMatch(/share the stream: http:\/\/localhost:\d+\/stream\/demo\/summer-\d+\n/);
    expect(stdout).toMatch(
      /\{"score":\d+,"result":\{\},"prize":\{.*"slot":\{"name":"(15% off|Try again)"/,
    );
    expect(stdout).toContain(
      '{"started":1,"completed":1,"completion_rate":1,"prize_draws":1,"prize_wins":',
    );
    expect(stdout).toContain(
      `[{"game_id":${game.id},"title":"Summer Match","started":1,"completed":1,"average_score":`,
    );
    // The quickstart answers with the seeded sample players through the printed pk_ key.
    const quickstart = stdout.split('\n').find((line) => line.includes('"totalCount"'));
    const answer = JSON.parse(quickstart!) as { data: { status: string }[]; totalCount: number };
    expect(answer.data).toHaveLength(25);
    expect(answer.data.every((p) => p.status === 'active')).toBe(true);
    expect(answer.totalCount).toBeGreaterThan(200);
    expect(stdout).toContain('"inserted":2,"updated":0,"errors":[]');
    expect(stdout).toContain('{"player_id":"100234","tier":"Gold","adt":250}');
    expect(stdout).toMatch(/"tier":"Platinum","coin_in":/);
    // Steps 17–22: content with a game link, a segment, a campaign sent, its messages, the play.
    expect(stdout).toMatch(/^grant$/m);
    expect(stdout).toContain(
      '{"size":2,"evaluated":2,"would_send":1,"skipped":1,"would_skip":{"no_address":1,"player_inactive":1},"sampled":false}',
    );
    expect(stdout).toMatch(/^sending$/m);
    expect(stdout).toMatch(/"queued":0,"skipped":1,"sent":1,/);
    expect(stdout).toContain('sent, skipped (no_address,player_inactive)');
    expect(stdout).toMatch(
      /Ana's link: http:\/\/localhost:\d+\/play\/game\/1\?session_token=[0-9a-f-]{36}\n/,
    );
    expect(stdout).toContain("Ana's plays: 1");
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 240_000);
