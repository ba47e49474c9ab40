import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LOG_DIR, SECRETS_FILE } from './paths.ts';

/**
 * Promise 6: no key, login token or password the suite created is anywhere in clear, neither
 * in the processes' logs nor in a dump of the database. Keys (`dpk_…`, `pk_…`), webhook
 * signing secrets (`whsec_…`) and login tokens (`pls_…`) are found by their shape whoever
 * created them; passwords, link tokens and the like are registered by the tests that made them
 * (figures.ts, recordSecrets).
 *
 * DailyPlay session tokens are not in the registry: the DailyPlay API stores them as the random
 * UUIDs it returns (the spec's choice), so they are in the dump by design.
 */
const SHAPES: readonly [string, RegExp][] = [
  ['DailyPlay key', /dpk_[0-9a-f]{40}/g],
  ['PlayerOS key', /pk_[0-9a-f]{48}/g],
  ['login token', /pls_[A-Za-z0-9_-]{43}/g],
  // Webhook and connection signing secrets: stored sealed, shown once, never logged.
  ['webhook secret', /whsec_[A-Za-z0-9+/]{32,}/g],
];

/** Maximal runs of the characters secrets are made of: a registered secret is one of them. */
const RUN = /[A-Za-z0-9_-]{12,}/g;

export interface SecretsFinding {
  readonly source: string;
  readonly kind: string;
  /** The secret shortened to its first 8 characters, so the report does not leak it either. */
  readonly sample: string;
}

export interface SecretsResult {
  readonly sources: number;
  readonly bytes: number;
  readonly registered: number;
  readonly findings: SecretsFinding[];
}

function scan(source: string, text: string, registered: ReadonlySet<string>): SecretsFinding[] {
  const findings: SecretsFinding[] = [];
  for (const [kind, shape] of SHAPES) {
    for (const match of text.matchAll(shape)) {
      findings.push({ source, kind, sample: `${match[0].slice(0, 8)}…` });
    }
  }
  for (const match of text.matchAll(RUN)) {
    if (registered.has(match[0])) {
      findings.push({ source, kind: 'registered secret', sample: `${match[0].slice(0, 8)}…` });
    }
  }
  return findings;
}

export async function checkSecrets(databaseUrl: string): Promise<SecretsResult> {
  const registered = new Set(
    existsSync(SECRETS_FILE)
      ? readFileSync(SECRETS_FILE, 'utf8')
          .split('\n')
          .filter((line) => line !== '')
      : [],
  );
  const sources: [string, string][] = [];
  if (existsSync(LOG_DIR)) {
    for (const file of readdirSync(LOG_DIR)) {
      sources.push([`logs/${file}`, readFileSync(join(LOG_DIR, file), 'utf8')]);
    }
  }
  const dump = await promisify(execFile)('pg_dump', ['--data-only', '--no-owner', databaseUrl], {
    maxBuffer: 1024 * 1024 * 1024,
  });
  sources.push(['pg_dump --data-only', dump.stdout]);
  const findings = sources.flatMap(([source, text]) => scan(source, text, registered));
  return {
    sources: sources.length,
    bytes: sources.reduce((sum, [, text]) => sum + Buffer.byteLength(text), 0),
    registered: registered.size,
    findings,
  };
}
