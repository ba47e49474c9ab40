import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Database } from '../src/db/connect.ts';
import { DEFAULT_EXPIRES_IN_MINUTES } from '../src/modules/sessions/sessions.service.ts';
import type { Operation } from './http.ts';
import { LatencyRecorder } from './latency.ts';
import { type BenchSeed, randomSeededToken } from './seed.ts';
import { SINGLE_ROW_STATEMENTS } from './statements.ts';

export interface RawResult {
  opsPerSec: number;
  avgMs: number;
  total: number;
  durationSec: number;
  /** create: rows inserted; validate: tokens found; consume: tokens consumed (the 200s). */
  hits: number;
  /** validate: tokens not found (a failure); consume: nothing matched (the 410s). */
  misses: number;
  /** Percentiles of the time each step took (bench/latency.ts). */
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

/**
 * Runs `step` back to back for `seconds` and times each call. A step returns whether it found
 * what it looked for (counted in hits, else in misses).
 */
export async function runLoop(step: () => Promise<boolean>, seconds: number): Promise<RawResult> {
  const latencies = new LatencyRecorder();
  let hits = 0;
  let misses = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  let now = start;
  let stepStart = start;
  let nextYield = start + 50;
  while (now < end) {
    if (await step()) hits++;
    else misses++;
    now = performance.now();
    latencies.record(now - stepStart);
    if (now >= nextYield) {
      // PGlite answers without real I/O, so this loop would otherwise starve timers and
      // signal handlers (Ctrl-C, the watchdog) for the whole run.
      await new Promise(setImmediate);
      nextYield = now + 50;
      stepStart = performance.now();
    } else {
      stepStart = now;
    }
  }
  const elapsedMs = now - start;
  const total = hits + misses;
  return {
    opsPerSec: total / (elapsedMs / 1000),
    avgMs: total ? elapsedMs / total : 0,
    total,
    durationSec: elapsedMs / 1000,
    hits,
    misses,
    ...latencies.percentiles(),
  };
}

/**
 * The embedded database's ceiling: the single-row statements (bench/statements.ts) as named
 * prepared statements through the same pg adapter over PGlite, back to back in this process,
 * no HTTP. PGlite is one connection, so one loop is all the concurrency it can use.
 */
export function runRaw(
  database: Database,
  seed: BenchSeed,
  operation: Operation,
  seconds: number,
  warmup = false,
): Promise<RawResult> {
  const step = async (): Promise<boolean> => {
    switch (operation) {
      case 'create': {
        const now = new Date();
        await database.prepared('bench_insert', SINGLE_ROW_STATEMENTS.insert, [
          seed.orgId,
          randomUUID(),
          seed.keyId,
          seed.gameId,
          null,
          null,
          null,
          new Date(now.getTime() + DEFAULT_EXPIRES_IN_MINUTES * 60_000),
          now,
        ]);
        return true;
      }
      case 'validate': {
        const rows = await database.prepared('bench_find', SINGLE_ROW_STATEMENTS.find, [
          randomSeededToken(),
        ]);
        return rows.length > 0;
      }
      case 'consume': {
        // Warm-up consumes unknown tokens: the same UPDATE, but no seeded token is used up.
        const token = warmup ? randomUUID() : randomSeededToken();
        const rows = await database.prepared('bench_consume', SINGLE_ROW_STATEMENTS.consume, [
          token,
          new Date(),
          null,
        ]);
        return rows.length > 0;
      }
    }
  };
  return runLoop(step, seconds);
}
