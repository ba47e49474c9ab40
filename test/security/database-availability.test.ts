import { createServer, type Server, type Socket, connect } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { connectDatabase } from '../../src/db/connect.ts';
import { makePropertyTenant, type PropertyTenant } from '../factories.ts';
import { createHarness, expectError, type Harness, json, onPostgres } from '../harness.ts';

/**
 * Issue 9 item 11 (a database restart answered 500) and `/readyz` (a saturated pool read as a
 * dead database), against the real PostgreSQL: a local TCP proxy in front of it is cut and
 * restored, and the pool is filled with pg_sleep statements. No mock of our own code.
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A TCP proxy to PostgreSQL that can refuse and cut connections like a restarting server. */
class CuttableProxy {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #up = true;
  port = 0;

  constructor(target: URL) {
    this.#server = createServer((client) => {
      if (!this.#up) {
        client.destroy();
        return;
      }
      const upstream = connect(Number(target.port || 5432), target.hostname);
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.port = (this.#server.address() as { port: number }).port;
  }

  /** Every open connection is reset and new ones are refused until `restore`. */
  cut(): void {
    this.#up = false;
    for (const socket of this.#sockets) socket.destroy();
  }

  restore(): void {
    this.#up = true;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}

describe.runIf(onPostgres)('database availability (PostgreSQL)', () => {
  let h: Harness;
  let proxy: CuttableProxy;
  let tenant: PropertyTenant;

  beforeAll(async () => {
    const target = new URL(process.env.TEST_DATABASE_URL!);
    proxy = new CuttableProxy(target);
    await proxy.start();
    const through = new URL(target);
    through.hostname = '127.0.0.1';
    through.port = String(proxy.port);
    h = await createHarness({
      config: { databaseUrl: through.toString(), dbPoolSize: 2 },
      beforeReady: (app, deps) => {
        // Test-only: holds a pool connection for `seconds`.
        app.get('/test/sleep', async (request) => {
          const { seconds } = request.query as { seconds: string };
          await sql`SELECT pg_sleep(${Number(seconds)}::float8)`.execute(deps.database.db);
          return { ok: true };
        });
      },
    });
    tenant = await makePropertyTenant(h);
  });

  afterAll(async () => {
    await h.close();
    await proxy.stop();
  });

  it('answers 503 with Retry-After while the database is unreachable, logs the outage once, and recovers', async () => {
    const list = () => h.inject({ url: '/api/players?limit=1', headers: tenant.keyHeaders });
    expect((await list()).statusCode).toBe(200);
    proxy.cut();
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const response = await list();
      statuses.push(response.statusCode);
      if (response.statusCode !== 503) continue;
      const body = expectError(response, 503, 'service_unavailable');
      expect(body.retry_after).toBeGreaterThanOrEqual(1);
      expect(body.retry_after).toBeLessThanOrEqual(2);
      expect(response.headers['retry-after']).toBe(String(body.retry_after));
    }
    // The key lookup may still be cached for the first request; none is a 500.
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThanOrEqual(8);
    expect(statuses).not.toContain(500);
    proxy.restore();
    let recovered = false;
    for (let i = 0; i < 50 && !recovered; i++) {
      recovered = (await list()).statusCode === 200;
      if (!recovered) await sleep(100);
    }
    expect(recovered).toBe(true);
    // The probe logs the recovery within about a second.
    for (let i = 0; i < 40 && !h.logs().includes('database reachable again'); i++) await sleep(100);
    const logs = h.logs();
    expect(logs.match(/database unavailable/g)?.length).toBe(1);
    expect(logs).not.toMatch(/unhandled error/);
    const recovery = logs.split('\n').find((line) => line.includes('database reachable again'));
    expect(recovery).toBeDefined();
    const refused = (JSON.parse(recovery!) as { refused_requests: number }).refused_requests;
    expect(refused).toBe(statuses.filter((s) => s === 503).length);
  });

  it('reads a saturated pool as busy, not dead: /readyz stays 200 and answers promptly', async () => {
    const sleepers = Array.from({ length: 3 }, () => h.inject({ url: '/test/sleep?seconds=1.5' }));
    // Wait until both pool connections are taken and one request queues.
    for (let i = 0; i < 50 && h.deps.database.poolState().waiting === 0; i++) await sleep(20);
    const started = performance.now();
    const ready = await h.inject({ url: '/readyz' });
    const elapsed = performance.now() - started;
    console.log(`[database-availability] /readyz with a saturated pool: ${elapsed.toFixed(0)} ms`);
    expect(ready.statusCode, ready.body).toBe(200);
    expect(json(ready)).toMatchObject({
      status: 'ready',
      database: 'busy',
      pool: { size: 2, in_use: 2 },
    });
    expect((json(ready).pool as { waiting: number }).waiting).toBeGreaterThanOrEqual(1);
    // Well before the sleepers are done (1.5 s each, two at a time).
    expect(elapsed).toBeLessThan(1400);
    for (const response of await Promise.all(sleepers)) expect(response.statusCode).toBe(200);
    expect(json(await h.inject({ url: '/readyz' }))).toMatchObject({ database: 'ok' });
  });

  it('answers /readyz 503 when the database does not answer', async () => {
    const dead = await connectDatabase({
      kind: 'postgres',
      // Nothing listens on port 1.
      url: 'postgres://postgres@127.0.0.1:1/none',
      poolSize: 1,
    });
    const app = await buildApp({ ...h.deps, database: dead });
    try {
      await app.ready();
      const ready = await app.inject({ url: '/readyz' });
      expectError(ready, 503, 'service_unavailable');
    } finally {
      await app.close();
      await dead.close();
    }
  });
});
