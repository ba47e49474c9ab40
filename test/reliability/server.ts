import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { reliabilityEnv } from './env.ts';
import { LOG_DIR } from './paths.ts';

const ROOT = join(import.meta.dirname, '..', '..');

export async function freePort(): Promise<number> {
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

/** The environment of every server process the suite starts; `extra` overrides it. */
export function serverEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = reliabilityEnv();
  const {
    TEST_DATABASE_URL: _t,
    TEST_REDIS_URL: _r,
    DATABASE_URL: _d,
    REDIS_URL: _u,
    ...inherited
  } = process.env;
  return {
    ...inherited,
    DATABASE_URL: env.databaseUrl,
    REDIS_URL: env.redisUrl,
    REDIS_PREFIX: env.redisPrefix,
    SMTP_URL: env.smtpUrl,
    SEED_DEMO: 'false',
    // info, not warn: the secrets check must see what a production log would hold.
    LOG_LEVEL: 'info',
    DB_POOL_SIZE: '10',
    PUBLIC_URL: 'http://playloop.reliability.test',
    ...extra,
  };
}

/** Starts `command` from the repository root, its stdout and stderr appended to a log file. */
export function spawnLogged(
  name: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): { child: ChildProcess; logFile: string; logged: Promise<void> } {
  mkdirSync(LOG_DIR, { recursive: true });
  const logFile = join(LOG_DIR, `${name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const logged = new Promise<void>((resolve) => {
    child.once('close', () => {
      log.end();
      void finished(log).then(
        () => resolve(),
        () => resolve(),
      );
    });
  });
  return { child, logFile, logged };
}

export interface ServerProcess {
  readonly name: string;
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Sends the signal and waits for the process (and its log) to end. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts a fresh process on the same port (after `kill`). */
  restart(): Promise<ServerProcess>;
}

async function waitReady(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`server exited with ${child.exitCode} before ready`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`server at ${url} did not become ready in ${timeoutMs} ms`);
}

/** `node src/main.ts` on a loopback port, on the suite's database, Redis and SMTP catcher. */
export async function startServer(
  name: string,
  options: { port?: number; env?: Record<string, string> } = {},
): Promise<ServerProcess> {
  const port = options.port ?? (await freePort());
  const env = serverEnv({ ...options.env, PORT: String(port), HOST: '127.0.0.1' });
  const { child, logged } = spawnLogged(name, ['src/main.ts'], env);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitReady(url, child, 30_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const server: ServerProcess = {
    name,
    url,
    port,
    pid: child.pid ?? -1,
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await logged;
    },
    restart: () => startServer(name, { ...options, port }),
  };
  return server;
}

/** Several server processes on the same database and Redis: one fleet, no balancer. */
export async function startFleet(
  size: number,
  prefix: string,
  env: Record<string, string> = {},
): Promise<ServerProcess[]> {
  const started = await Promise.allSettled(
    Array.from({ length: size }, (_, i) => startServer(`${prefix}-${i + 1}`, { env })),
  );
  const servers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    // The ones that did start would run their workers into the next files' tests: stop them.
    await Promise.all(servers.map((server) => server.kill('SIGKILL')));
    throw failed.reason;
  }
  return servers;
}
