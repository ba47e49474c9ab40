import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
// Two runs at once (say, on a developer's machine) each set RELIABILITY_OUTPUT_DIR and
// RELIABILITY_DATABASE so neither wipes the other's files or database.
const custom = process.env.RELIABILITY_OUTPUT_DIR;

/** Everything a reliability run leaves behind for inspection (gitignored). */
export const OUTPUT_DIR = custom ?? join(ROOT, 'test-output', 'reliability');
/** One log file per server or CLI process the suite starts: the secrets check reads them all. */
export const LOG_DIR = join(OUTPUT_DIR, 'logs');
/** One JSON line per figure a test reports; run.ts turns them into reliability-report.md. */
export const FIGURES_FILE = join(OUTPUT_DIR, 'figures.jsonl');
/** One secret per line that a test created and wants proven absent from logs and the dump. */
export const SECRETS_FILE = join(OUTPUT_DIR, 'secrets.txt');
export const REPORT_FILE = custom
  ? join(custom, 'reliability-report.md')
  : join(ROOT, 'reliability-report.md');
