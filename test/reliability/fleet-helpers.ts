import { type ChildProcess, spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { Answer } from './load.ts';
import { LOG_DIR } from './paths.ts';
import type { ServerProcess } from './server.ts';

/** Shared by the fleet tests (promises 1 and 2): spreading load, timing, and a private Redis. */

/** Returns the fleet's base URLs in turn: the client is the balancer. */
export function roundRobin(fleet: readonly ServerProcess[]): () => string {
  let next = 0;
  return () => fleet[next++ % fleet.length]!.url;
}

/** Fisher–Yates with crypto randomness, in place. */
export function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Rate limits are fixed UTC minutes: when fewer than `neededMs` of the current minute remain,
 * waits for the next one, so a burst cannot straddle two windows. Returns the minute's start.
 */
export async function ensureMinuteLeft(neededMs: number): Promise<number> {
  const intoMinute = Date.now() % 60_000;
  if (60_000 - intoMinute < neededMs) await sleep(60_000 - intoMinute + 50);
  return Math.floor(Date.now() / 60_000) * 60_000;
}

export const minuteOf = (ms: number) => Math.floor(ms / 60_000);

/** The p-th percentile (0–100) of `values`, nearest rank; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

/** The `code` of an error envelope, or '' for any other body. */
export function errorCode(answer: Answer): string {
  try {
    const body = JSON.parse(answer.body) as { code?: unknown };
    return typeof body.code === 'string' ? body.code : '';
  } catch {
    return '';
  }
}

export function header(answer: Answer, name: string): string | undefined {
  const value = answer.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface RedisProcess {
  readonly port: number;
  readonly url: string;
  /** Kills the server (default SIGKILL: no shutdown, no persistence) and waits for it to end. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts a fresh, empty server on the same port. */
  start(): Promise<void>;
  /** SIGSTOP freezes the server with its connections open (a silent Redis); SIGCONT resumes. */
  pause(paused: boolean): void;
}

/**
 * A throwaway `redis-server` on `port`, without persistence, its output appended to
 * LOG_DIR/<name>.log: the test owns it and may kill and restart it.
 */
export function redisServer(name: string, port: number): RedisProcess {
  let child: ChildProcess | undefined;
  let ended: Promise<void> = Promise.resolve();
  mkdirSync(LOG_DIR, { recursive: true });
  const logFile = join(LOG_DIR, `${name}.log`);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      const log = createWriteStream(logFile, { flags: 'a' });
      const started = spawn(
        '/usr/bin/redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      child = started;
      started.stdout?.pipe(log, { end: false });
      started.stderr?.pipe(log, { end: false });
      ended = new Promise((resolve) => {
        started.once('close', () => {
          log.end();
          void finished(log).then(
            () => resolve(),
            () => resolve(),
          );
        });
      });
      const deadline = Date.now() + 10_000;
      while (!(await accepts(port))) {
        if (started.exitCode !== null) throw new Error(`redis-server exited (${logFile})`);
        if (Date.now() > deadline) throw new Error(`redis-server on ${port} did not start`);
        await sleep(20);
      }
    },
    pause(paused) {
      child?.kill(paused ? 'SIGSTOP' : 'SIGCONT');
    },
    async kill(signal = 'SIGKILL') {
      if (child && child.exitCode === null && child.signalCode === null) child.kill(signal);
      await ended;
    },
  };
}
