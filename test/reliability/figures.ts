import { appendFileSync, mkdirSync } from 'node:fs';
import { FIGURES_FILE, OUTPUT_DIR, SECRETS_FILE } from './paths.ts';

export interface Figure {
  /** The numbered promise, e.g. "1. Fleet exactly-once". */
  readonly section: string;
  /** What was measured, e.g. "consume attempts". */
  readonly name: string;
  readonly value: string | number;
  /** What the value must be, in words (e.g. "= 1,000"), shown beside it in the report. */
  readonly expected?: string;
}

/** Prints a figure to the CI log and records it for reliability-report.md. */
export function recordFigure(figure: Figure): void {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  appendFileSync(FIGURES_FILE, `${JSON.stringify(figure)}\n`);
  const expected = figure.expected ? ` (expected ${figure.expected})` : '';
  console.info(`[reliability] ${figure.section} · ${figure.name}: ${figure.value}${expected}`);
}

/**
 * Registers secrets the test created (passwords, link tokens, session tokens …) so the final
 * secrets check greps the logs and the database dump for them. Keys and login tokens are also
 * found by their pattern, registered or not.
 */
export function recordSecrets(...secrets: string[]): void {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  const lines = secrets.filter((secret) => secret.length >= 12).map((secret) => `${secret}\n`);
  if (lines.length > 0) appendFileSync(SECRETS_FILE, lines.join(''));
}
