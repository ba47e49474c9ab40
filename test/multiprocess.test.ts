import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTenant } from './factories.ts';
import { createHarness, type Harness, onPostgres, onRedis } from './harness.ts';

// Several processes only make sense on a shared PostgreSQL + Redis (PGlite is one process).
const enabled = onPostgres && onRedis;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

async function startServer(
  env: Record<string, string>,
): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['src/main.ts'], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) return { url, child };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('server did not become ready');
}

describe.skipIf(!enabled)('two server processes on one PostgreSQL + Redis', () => {
  let h: Harness;
  let servers: { url: string; child: ChildProcess }[] = [];

  beforeAll(async () => {
    h = await createHarness();
    const env = {
      DATABASE_URL: process.env.TEST_DATABASE_URL!,
      REDIS_URL: process.env.TEST_REDIS_URL!,
      REDIS_PREFIX: `playloop:test:${randomBytes(6).toString('hex')}:`,
      SEED_DEMO: 'false',
      LOG_LEVEL: 'warn',
      DB_POOL_SIZE: '10',
    };
    servers = await Promise.all([startServer(env), startServer(env)]);
  }, 60_000);

  afterAll(async () => {
    for (const s of servers) s.child.kill('SIGTERM');
    await h?.close();
  });

  const post = (base: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  it('consumes each token exactly once when both processes race for it', async () => {
    const t = await makeTenant(h);
    const tokens: string[] = [];
    for (let i = 0; i < 40; i++) {
      const response = await post(
        servers[i % 2]!.url,
        '/api/org-api-keys?action=create-session',
        { game_id: t.gameIds[0] },
        t.keyHeaders,
      );
      tokens.push(((await response.json()) as { data: { token: string } }).data.token);
    }
    const attempts = tokens.flatMap((token) =>
      Array.from({ length: 10 }, (_, i) =>
        post(servers[i % 2]!.url, '/api/org-api-keys?action=consume-session', { token }).then(
          (r) => ({ token, status: r.status }),
        ),
      ),
    );
    const results = await Promise.all(attempts);
    for (const token of tokens) {
      const mine = results.filter((r) => r.token === token).map((r) => r.status);
      expect(mine.filter((s) => s === 200)).toHaveLength(1);
      expect(mine.filter((s) => s === 410)).toHaveLength(9);
    }
    const rows = await h.deps.database.db
      .selectFrom('game_sessions')
      .select('status')
      .where('token', 'in', tokens)
      .execute();
    expect(rows.every((row) => row.status === 'consumed')).toBe(true);
  });

  it('shares one per-minute limit between the processes', async () => {
    // Stay inside one UTC minute so the window cannot roll over mid-test.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 50_000) await new Promise((r) => setTimeout(r, 60_000 - intoMinute + 100));
    const t = await makeTenant(h, { perMinute: 30, perDay: 1000 });
    const statuses = await Promise.all(
      Array.from({ length: 80 }, (_, i) =>
        post(
          servers[i % 2]!.url,
          '/api/org-api-keys?action=create-session',
          { game_id: t.gameIds[0] },
          t.keyHeaders,
        ).then((r) => r.status),
      ),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(30);
    expect(statuses.filter((s) => s === 429)).toHaveLength(50);
  });

  it('refuses a revoked key on the other process within one second', async () => {
    const t = await makeTenant(h);
    const a = servers[0]!;
    const b = servers[1]!;
    const use = () =>
      post(
        b.url,
        '/api/org-api-keys?action=create-session',
        { game_id: t.gameIds[0] },
        t.keyHeaders,
      );
    expect((await use()).status).toBe(200);
    const revoked = await fetch(`${a.url}/api/org-api-keys`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', ...t.owner.auth },
      body: JSON.stringify({ id: t.keyId, org_id: t.org.id, is_active: false }),
    });
    expect(revoked.status).toBe(200);
    const revokedAt = Date.now();
    let refusedAfter = Number.POSITIVE_INFINITY;
    while (Date.now() - revokedAt < 3000) {
      if ((await use()).status === 401) {
        refusedAfter = Date.now() - revokedAt;
        break;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    console.log(`revoked key refused by the other process after ${refusedAfter} ms`);
    expect(refusedAfter).toBeLessThanOrEqual(1000);
  });
});
