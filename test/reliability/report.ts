import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Figure } from './figures.ts';
import { FIGURES_FILE, REPORT_FILE } from './paths.ts';

const cell = (value: unknown) => String(value).replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** reliability-report.md: every figure the run recorded, grouped by promise, in run order. */
export function writeReport(header: readonly string[]): string {
  const figures: Figure[] = existsSync(FIGURES_FILE)
    ? readFileSync(FIGURES_FILE, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Figure)
    : [];
  const sections = [...new Set(figures.map((figure) => figure.section))].sort((a, b) =>
    a.localeCompare(b, 'en', { numeric: true }),
  );
  const lines = ['# Reliability report', '', ...header, ''];
  for (const section of sections) {
    lines.push(`## ${section}`, '', '| figure | value | expected |', '| --- | --- | --- |');
    for (const figure of figures.filter((f) => f.section === section)) {
      lines.push(
        `| ${cell(figure.name)} | ${cell(figure.value)} | ${cell(figure.expected ?? '')} |`,
      );
    }
    lines.push('');
  }
  const text = lines.join('\n');
  writeFileSync(REPORT_FILE, text);
  return text;
}
