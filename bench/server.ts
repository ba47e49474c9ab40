import type { ChildProcess } from 'node:child_process';
import { get } from 'node:http';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { freePort, sleep, spawnTracked } from './proc.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Only these are inherited: the server's configuration is exactly what the benchmark sets. */
const INHERITED_ENV = [
  'PATH',
  'HOME',
  'TMPDIR',
  'LANG',
  'LC_ALL',
  'TZ',
  'DB_POOL_SIZE',
  'DB_STATEMENT_TIMEOUT_MS',
];

export interface RunningServer {
  readonly baseUrl: string;
  readonly child: ChildProcess;
  /** Throws when the server died (a crash under load must not pass for a slow run). */
  assertAlive(): void;
  /**
   * Waits until the server has worked off what a load run left behind, so the next run (or
   * pgbench) starts on an idle server. A run that stops leaves up to one request per connection
   * in flight; the server still executes each (a client going away cancels nothing), and on
   * PGlite, whose queries block the server's event loop, its connections may not even have been
   * accepted yet. So: /readyz over a new connection (accepted after those), whose `SELECT 1`
   * queues behind their statements, until it answers quickly twice in a row.
   */
  settle(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Milliseconds /readyz took over a fresh connection, or Infinity when it did not answer 200. */
function timedReady(baseUrl: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve) => {
    const start = performance.now();
    const request = get(
      `${baseUrl}/readyz`,
      { agent: false, headers: { connection: 'close' }, timeout: timeoutMs },
      (response) => {
        response.resume();
        response.once('end', () =>
          resolve(response.statusCode === 200 ? performance.now() - start : Infinity),
        );
      },
    );
    request.once('timeout', () => request.destroy());
    request.once('error', () => resolve(Infinity));
  });
}

/** An idle server answers /readyz faster than this. */
const IDLE_READY_MS = 250;

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Starts `node src/main.ts` on a free loopback port with `env` on top of LOG_LEVEL=warn and
 * SEED_DEMO=false, and waits until /readyz answers 200.
 */
export async function startServer(
  label: string,
  env: Record<string, string>,
  readyTimeoutMs = 60_000,
): Promise<RunningServer> {
  const port = await freePort();
  const childEnv: NodeJS.ProcessEnv = {};
  for (const name of INHERITED_ENV) {
    if (process.env[name] !== undefined) childEnv[name] = process.env[name];
  }
  Object.assign(childEnv, {
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    SEED_DEMO: 'false',
    ...env,
  });
  const child = spawnTracked(process.execPath, ['src/main.ts'], {
    cwd: ROOT,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const forward = (chunk: string) => {
    for (const line of chunk.split('\n')) {
      if (line.trim()) process.stderr.write(`[server ${label}] ${line}\n`);
    }
  };
  child.stdout?.setEncoding('utf8').on('data', forward);
  child.stderr?.setEncoding('utf8').on('data', forward);

  const baseUrl = `http://127.0.0.1:${port}`;
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const server: RunningServer = {
    baseUrl,
    child,
    assertAlive() {
      if (exited()) {
        throw new Error(`server (${label}) exited during the run (code ${child.exitCode})`);
      }
    },
    async settle(timeoutMs = 300_000) {
      const deadline = Date.now() + timeoutMs;
      let quick = 0;
      while (quick < 2) {
        server.assertAlive();
        const remaining = deadline - Date.now();
        if (remaining <= 0) {
          throw new Error(`server (${label}) still busy ${timeoutMs} ms after a run`);
        }
        quick = (await timedReady(baseUrl, remaining)) < IDLE_READY_MS ? quick + 1 : 0;
        if (quick < 2) await sleep(100);
      }
    },
    async stop() {
      if (exited()) return;
      child.kill('SIGTERM');
      if (!(await waitForExit(child, 15_000))) {
        child.kill('SIGKILL');
        await waitForExit(child, 5_000);
      }
    },
  };

  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exited()) throw new Error(`server (${label}) exited before ready (code ${child.exitCode})`);
    try {
      const response = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`server (${label}) not ready after ${readyTimeoutMs} ms`);
    }
    await sleep(200);
  }
}
