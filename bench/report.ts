import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { HttpResult, Operation } from './http.ts';
import type { PgbenchResult } from './pgbench.ts';
import type { RawResult } from './raw.ts';

export type Ceiling =
  | { kind: 'pgbench'; perSec: number; avgMs: number; result: PgbenchResult }
  | { kind: 'raw'; perSec: number; avgMs: number; result: RawResult };

export interface Row {
  operation: Operation;
  http: HttpResult;
  ceiling: Ceiling;
  /** HTTP req/s divided by the ceiling's statements per second. */
  ratio: number;
}

export interface TargetReport {
  target: 'postgres' | 'pglite';
  description: string;
  rows: Row[];
}

export interface Report {
  startedAt: string;
  finishedAt: string;
  node: string;
  cpus: number;
  seconds: number;
  connections: number;
  seededSessions: number;
  targets: TargetReport[];
  failures: string[];
}

const RESULTS_DIR = new URL('./results/', import.meta.url);

function num(value: number, digits = 0): string {
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** autocannon records whole milliseconds; do not print a precision it does not have. */
function ms(value: number): string {
  return num(value, Number.isInteger(value) ? 0 : 2);
}

function statuses(http: HttpResult): string {
  const parts = Object.entries(http.statusCounts)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([status, count]) => `${status}: ${count}`);
  if (http.errors) parts.push(`errors: ${http.errors} (timeouts ${http.timeouts})`);
  return parts.join(', ');
}

export function formatTable(report: TargetReport): string {
  const ceilingName = report.target === 'postgres' ? 'pgbench tps' : 'raw stmt/s';
  const header = [
    'operation',
    'HTTP req/s',
    'p50 ms',
    'p99 ms',
    ceilingName,
    'ceiling avg ms',
    'HTTP/ceiling',
    'responses',
    'unexpected',
  ];
  const lines = report.rows.map((row) => [
    row.operation,
    num(row.http.requestsPerSec),
    ms(row.http.p50Ms),
    ms(row.http.p99Ms),
    num(row.ceiling.perSec),
    num(row.ceiling.avgMs, 3),
    `${num(row.ratio * 100, 1)} %`,
    statuses(row.http),
    String(row.http.unexpected + row.http.errors),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 || i === 7 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [
    `${report.target}: ${report.description}`,
    fmt(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...lines.map(fmt),
  ].join('\n');
}

/** Writes bench/results/latest.json (gitignored) and returns its path. */
export function writeReport(report: Report): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = new URL('latest.json', RESULTS_DIR);
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  return fileURLToPath(file);
}
