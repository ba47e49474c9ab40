import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort, sleep, spawnTracked } from './proc.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Only these are inherited: the server's configuration is exactly what the benchmark sets. */
const INHERITED_ENV = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'LC_ALL', 'TZ', 'DB_POOL_SIZE'];

export interface RunningServer {
  readonly baseUrl: string;
  readonly child: ChildProcess;
  /** Throws when the server died (a crash under load must not pass for a slow run). */
  assertAlive(): void;
  stop(): Promise<void>;
}

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
