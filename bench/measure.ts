import { performance } from 'node:perf_hooks';
import type { HttpResult } from './http.ts';
import { CONNECTIONS, SECONDS, WARMUP_SECONDS } from './options.ts';
import { log } from './proc.ts';
import type { Ceiling, Row } from './report.ts';
import type { RunningServer } from './server.ts';

/** Everything that makes the run fail; printed at the end and kept in latest.json. */
export const failures: string[] = [];

function checkHttp(target: string, operation: string, http: HttpResult): void {
  if (http.total === 0) failures.push(`${target} ${operation}: no response during the run`);
  if (http.unexpected > 0 || http.errors > 0) {
    failures.push(
      `${target} ${operation}: ${http.unexpected} unexpected statuses, ${http.errors} connection errors ` +
        `(${JSON.stringify(http.statusCounts)})`,
    );
  }
}

export function row(operation: Row['operation'], http: HttpResult, ceiling: Ceiling): Row {
  return {
    operation,
    http,
    ceiling,
    ratio: ceiling.perSec > 0 ? http.requestsPerSec / ceiling.perSec : 0,
  };
}

async function settle(target: string, after: string, server: RunningServer): Promise<void> {
  const start = performance.now();
  await server.settle();
  const seconds = (performance.now() - start) / 1000;
  if (seconds >= 1) {
    log(
      `${target}: server busy ${seconds.toFixed(1)} s after ${after} with what it left in flight`,
    );
  }
}

/**
 * An unrecorded warm-up run, then the measured run of `load`; after each, the server works off
 * what the run left in flight before anything else starts.
 */
export async function measureLoad(
  target: string,
  server: RunningServer,
  operation: string,
  load: (seconds: number, warmup: boolean) => Promise<HttpResult>,
): Promise<HttpResult> {
  if (WARMUP_SECONDS > 0) {
    const warm = await load(WARMUP_SECONDS, true);
    server.assertAlive();
    await settle(target, `the ${operation} warm-up`, server);
    if (warm.unexpected > 0 || warm.errors > 0) {
      log(
        `${target} ${operation} warm-up: unexpected responses ${JSON.stringify(warm.statusCounts)}`,
      );
    }
  }
  log(`${target}: HTTP ${operation}, ${CONNECTIONS} connections, ${SECONDS} s`);
  const http = await load(SECONDS, false);
  server.assertAlive();
  await settle(target, `the ${operation} run`, server);
  checkHttp(target, operation, http);
  return http;
}
