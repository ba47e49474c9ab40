import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The deployment files (Dockerfile, compose.yaml, deploy/nginx.conf, docs/deploy.md) name
 * commands and variables of this repository: they must keep existing as the code moves. (Docker
 * itself is not run here.) compose.yaml is read with patterns, not a YAML parser: the project
 * has none among its dependencies.
 */
const ROOT = join(import.meta.dirname, '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** The variables src/config.ts reads (`(env, 'NAME'`). */
const configVars = new Set(
  [...read('src/config.ts').matchAll(/\(env, '([A-Z0-9_]+)'/g)].map((match) => match[1]!),
);

const compose = read('compose.yaml');
/** One service's block of compose.yaml, up to the next service. */
function service(name: string): string {
  const start = compose.indexOf(`\n  ${name}:\n`);
  expect(start, `service ${name} in compose.yaml`).toBeGreaterThan(0);
  const next = compose.slice(start + 1).search(/\n {2}[a-z][a-z-]*:\n|\n[a-z]/);
  return compose.slice(start, next < 0 ? undefined : start + 1 + next);
}
/** `command: ['node', 'src/main.ts']` → ['node', 'src/main.ts']. */
function command(block: string): string[] {
  const list = /command: \[(.*)\]/.exec(block)?.[1] ?? '';
  return [...list.matchAll(/'([^']*)'/g)].map((match) => match[1]!);
}
/** Upper-case keys (environment variables) set in a block. */
const variables = (block: string) =>
  [...block.matchAll(/^\s+([A-Z][A-Z0-9_]+):/gm)].map((match) => match[1]!);

const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;

describe('deployment files', () => {
  it('reads ~60 variables from src/config.ts (the pattern still finds them)', () => {
    expect(configVars.size).toBeGreaterThan(50);
    expect(configVars).toContain('METRICS_TOKEN');
  });

  it('documents every variable of src/config.ts in docs/deploy.md', () => {
    const doc = read('docs/deploy.md');
    expect([...configVars].filter((name) => !doc.includes(`\`${name}\``))).toEqual([]);
  });

  it('sets in compose.yaml only variables src/config.ts reads (and PostgreSQL its own)', () => {
    const names = variables(compose).filter((name) => !name.startsWith('POSTGRES_'));
    expect(names).toContain('DATABASE_URL');
    expect(names.filter((name) => !configVars.has(name))).toEqual([]);
  });

  it('runs commands that exist: the entry points and the migrate script', () => {
    const commands = ['migrate', 'api', 'worker'].map((name) => command(service(name)));
    expect(commands).toEqual([
      ['npm', 'run', 'db:migrate'],
      ['node', 'src/main.ts'],
      ['node', 'src/worker.ts'],
    ]);
    expect(scripts['db:migrate']).toBe('node src/db/migrate-cli.ts');
    for (const file of ['src/main.ts', 'src/worker.ts', 'src/db/migrate-cli.ts']) {
      expect(existsSync(join(ROOT, file)), file).toBe(true);
    }
    expect(read('Dockerfile')).toContain('CMD ["node", "src/main.ts"]');
  });

  it('splits the fleet: API processes without workers behind one trusted proxy, workers apart', () => {
    const api = service('api');
    expect(api).toContain("WORKERS: 'false'");
    expect(api).toContain("TRUST_PROXY: '1'");
    expect(api).toMatch(/replicas: [2-9]/);
    expect(variables(service('worker'))).toContain('METRICS_PORT');
    expect(service('postgres')).toContain('image: postgres:15');
    expect(service('lb')).toContain('./deploy/nginx.conf:');
  });

  it('keeps /metrics off the balancer and forwards the client address it saw', () => {
    const nginx = read('deploy/nginx.conf');
    expect(nginx).toMatch(/location = \/metrics \{\s*return 404;/);
    expect(nginx).toContain('X-Forwarded-For $proxy_add_x_forwarded_for');
    expect(nginx).toContain('X-Forwarded-Proto $scheme');
  });

  it('health-checks the path the server answers readiness on', () => {
    expect(read('Dockerfile')).toContain('/readyz');
    expect(read('src/http/health.ts')).toContain("'/readyz'");
  });
});
