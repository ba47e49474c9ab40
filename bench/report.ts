import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { HttpResult, Operation } from './http.ts';
import type { PgbenchResult } from './pgbench.ts';
import type { PlayerOperation } from './players.ts';
import type { RawResult } from './raw.ts';
import type { WebhooksBench } from './webhooks-bench.ts';
import type { ComplianceBench } from './compliance-bench.ts';
import type { CampaignsBench } from './campaigns-bench.ts';
import type { JourneysBench } from './journeys-bench.ts';
import type { DashboardBench } from './dashboard-bench.ts';
import type { PlayPageBench } from './play-page-bench.ts';

export type Ceiling =
  | { kind: 'pgbench'; perSec: number; avgMs: number; p95Ms: number; result: PgbenchResult }
  | { kind: 'raw'; perSec: number; avgMs: number; p95Ms: number; result: RawResult };

export interface Row {
  operation: Operation | PlayerOperation;
  http: HttpResult;
  ceiling: Ceiling;
  /** HTTP req/s divided by the ceiling's statements per second. */
  ratio: number;
}

/** What the players rows ran on: the seed, and the statements one request sends (the ceiling). */
export interface PlayersReport {
  players: number;
  propertyId: string;
  insertSeconds: number;
  vacuumSeconds: number;
  requests: { operation: PlayerOperation; path: string; statements: string[] }[];
}

export interface TargetReport {
  target: 'postgres' | 'pglite';
  description: string;
  rows: Row[];
  players?: PlayersReport;
  /** Issue 11's webhook rows (PostgreSQL only). */
  webhooks?: WebhooksBench;
  /** Issue 12's pre-send check row (PostgreSQL only). */
  compliance?: ComplianceBench;
  /** Issue 13's campaign planning and delivery rows (PostgreSQL only). */
  campaigns?: CampaignsBench;
  /** Issue 14's journey row (PostgreSQL only). */
  journeys?: JourneysBench;
}

export interface Report {
  startedAt: string;
  finishedAt: string;
  node: string;
  cpus: number;
  seconds: number;
  connections: number;
  seededSessions: number;
  /** BENCH_PLAYERS: players seeded per target. */
  seededPlayers: number;
  targets: TargetReport[];
  /** Issue 15's dashboard first load (a server of its own). */
  dashboard?: DashboardBench;
  playPages?: PlayPageBench;
  failures: string[];
}

const RESULTS_DIR = new URL('./results/', import.meta.url);

function num(value: number, digits = 0): string {
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** Latencies: two decimals below 10 ms, one below 100 ms, none above. */
function ms(value: number): string {
  return num(value, value >= 100 ? 0 : value >= 10 ? 1 : 2);
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
    'p95 ms',
    'p99 ms',
    ceilingName,
    'ceiling avg ms',
    'ceiling p95 ms',
    'HTTP/ceiling',
    'responses',
    'unexpected',
  ];
  const leftAligned = new Set([0, header.indexOf('responses')]);
  const lines = report.rows.map((row) => [
    row.operation,
    num(row.http.requestsPerSec, row.http.requestsPerSec < 100 ? 1 : 0),
    ms(row.http.p50Ms),
    ms(row.http.p95Ms),
    ms(row.http.p99Ms),
    num(row.ceiling.perSec, row.ceiling.perSec < 100 ? 1 : 0),
    num(row.ceiling.avgMs, 3),
    ms(row.ceiling.p95Ms),
    `${num(row.ratio * 100, 1)} %`,
    statuses(row.http),
    String(row.http.unexpected + row.http.errors),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) =>
    `| ${cells.map((c, i) => (leftAligned.has(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const out = [
    `${report.target}: ${report.description}`,
    fmt(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...lines.map(fmt),
  ];
  const players = report.players;
  if (players) {
    const seconds = players.insertSeconds + players.vacuumSeconds;
    out.push(
      `players seed: ${num(players.players)} players in ${num(seconds, 1)} s ` +
        `(INSERT … generate_series ${num(players.insertSeconds, 1)} s, ` +
        `VACUUM ANALYZE ${num(players.vacuumSeconds, 1)} s)`,
    );
  }
  return out.join('\n');
}

/** Writes bench/results/latest.json (gitignored) and returns its path. */
export function writeReport(report: Report): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = new URL('latest.json', RESULTS_DIR);
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  return fileURLToPath(file);
}
