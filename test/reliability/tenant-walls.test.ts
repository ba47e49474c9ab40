import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from '../harness.ts';
import { recordFigure, recordSecrets } from './figures.ts';
import { type Answer, request, runConcurrently } from './load.ts';
import { OUTPUT_DIR } from './paths.ts';
import { openSeeder } from './seeder.ts';
import { type ServerProcess, startServer } from './server.ts';
import { type Cell, judge, POSITIVE_EXCEPTIONS, type Verdict } from './walls-judge.ts';
import { buildMatrix, type Matrix, type Template } from './walls-matrix.ts';
import { type Built, build, ownVariant, variantsOf } from './walls-variants.ts';
import { fingerprint } from './walls-fingerprint.ts';
import { type Credential, ghostObjects, seedTenant, type WallTenant } from './walls-seed.ts';

/**
 * Promise 5: for every route, tenant A's credentials (each role, key kind and scope) against
 * tenant B's objects never succeed, and a foreign object is 404 — generated from openapi.json.
 */
const SECTION = '5. Tenant walls';
const CONCURRENCY = 16;

let h: Harness;
let server: ServerProcess;
let a: WallTenant;
let b: WallTenant;
let matrix: Matrix;
let before: Record<string, string>;
let requests = 0;

beforeAll(async () => {
  h = await openSeeder('walls');
  a = await seedTenant(h, 'A');
  b = await seedTenant(h, 'B');
  for (const tenant of [a, b]) {
    recordSecrets(...Object.values(tenant.users).map((user) => user.password));
  }
  server = await startServer('walls', {
    env: {
      // The seeded endpoints and connections deliver to loopback (HOOK_URL, walls-rules.ts), and
      // the server opens what the seeder sealed (their secrets) with the same key.
      WEBHOOKS_ALLOW_PRIVATE_NETWORKS: 'true',
      SECRETS_KEY: h.deps.config.secretsKey!.toString('hex'),
      // One user answers every cell of its role within a minute (146 operations × variants):
      // the per-user limit would turn the matrix's later cells into 429s, which say nothing
      // about the walls (security-cost.test.ts checks that limit).
      USER_RATE_LIMIT_PER_MINUTE: '1000000',
    },
  });
});

afterAll(async () => {
  await server?.kill();
  await h?.close();
});

function send(built: Built, credential: Credential): Promise<Answer> {
  requests += 1;
  return request(`${server.url}${built.url}`, {
    method: built.method,
    headers: { ...built.headers, ...credential.headers },
    ...(built.body === undefined ? {} : { body: built.body }),
  });
}

/** Every cell's answers, for reading after a run (no secrets: ids and statuses only). */
function writeCells(verdicts: readonly Verdict[]): void {
  const lines = verdicts.map(({ cell, kind, outcome }) =>
    [
      cell.template.id,
      cell.variant,
      cell.credential.name,
      kind,
      outcome,
      cell.answer.status,
      cell.ghost.status,
      cell.own?.status ?? '',
    ].join('\t'),
  );
  const header = 'request\tvariant\tA credential\tkind\toutcome\tstatus\tghost\town';
  mkdirSync(OUTPUT_DIR, { recursive: true });
  writeFileSync(join(OUTPUT_DIR, 'tenant-walls-cells.tsv'), [header, ...lines, ''].join('\n'));
}

describe('tenant walls', () => {
  it("answers every request of tenant A's credentials naming tenant B's objects with 404, never 2xx", async () => {
    matrix = buildMatrix();
    expect(matrix.unmapped, 'operations the matrix cannot map').toEqual([]);
    expect(matrix.staleAllowlist, 'allowlist entries naming no operation').toEqual([]);
    before = await fingerprint(h, b);
    const ghost = ghostObjects();

    const seen = new Set<string>();
    const tasks: (() => Promise<Verdict>)[] = [];
    for (const template of matrix.templates) {
      for (const variant of variantsOf(template)) {
        for (const credential of a.credentials) {
          const foreign = build(template, variant, a.objects, b.objects);
          // The same request twice (a variant equal to `foreign`) is one cell.
          const key = JSON.stringify([template.id, credential.name, foreign]);
          if (seen.has(key)) continue;
          seen.add(key);
          const twin = build(template, variant, a.objects, ghost);
          tasks.push(async () => {
            const answer = await send(foreign, credential);
            const ghostAnswer = await send(twin, credential);
            const cell: Cell = {
              template,
              variant: variant.name,
              credential,
              built: foreign,
              answer,
              ghost: ghostAnswer,
              own: undefined,
            };
            if (answer.status === 401 || answer.status === 403) {
              cell.own = await send(build(template, ownVariant, a.objects, a.objects), credential);
            }
            return judge(cell, b.privateStrings);
          });
        }
      }
    }
    const verdicts = await runConcurrently(tasks, CONCURRENCY);
    const after = await fingerprint(h, b);
    const changed = Object.keys(before).filter((table) => before[table] !== after[table]);

    const cells = verdicts.filter((v) => v.kind !== 'skipped');
    const target = cells.filter((v) => v.kind === 'target');
    const narrowing = cells.filter((v) => v.kind === 'filter' || v.kind === 'scoped');
    const count = (list: Verdict[], outcome: Verdict['outcome']) =>
      list.filter((v) => v.outcome === outcome).length;
    // One line per request and failure, with the credentials it happened to.
    const grouped = new Map<string, string[]>();
    for (const v of verdicts) {
      for (const failure of v.failures) {
        const line = `${v.cell.template.id} [${v.cell.variant}]: ${failure}`;
        grouped.set(line, [...(grouped.get(line) ?? []), v.cell.credential.name]);
      }
    }
    const failures = [...grouped].map(([line, names]) => `${line} (as A's ${names.join(', ')})`);
    writeCells(verdicts);
    const justifiedOps = [
      ...new Set(target.filter((v) => v.outcome === 'justified').map((v) => v.cell.template.id)),
    ];

    const figure = (name: string, value: string | number, expected?: string) =>
      recordFigure({ section: SECTION, name, value, ...(expected ? { expected } : {}) });
    figure('operations in openapi.json', matrix.operations.length + matrix.allowlisted.length);
    figure('operations covered by the generated matrix', matrix.operations.length);
    figure(
      'operations allowlisted (no tenant object, or a capability secret is the only credential)',
      `${matrix.allowlisted.length}: ${matrix.allowlisted.join(', ')}`,
    );
    figure('request shapes (body branches included)', matrix.templates.length);
    figure(
      'credentials of tenant A per request (5 roles, dpk_ full and scoped, 3 pk_ scopes, play cookie)',
      a.credentials.length,
    );
    figure('cells (A credential × request naming B objects)', cells.length);
    figure('requests sent (cells, their never-issued-id twins, own-object controls)', requests);
    figure('2xx answers to requests naming B objects', count(target, '2xx'), '0');
    figure('foreign-object answers 404', count(target, '404'));
    figure(
      "401/403: credential cannot use the route (same answer on A's own objects)",
      count(target, 'credential'),
    );
    figure(
      'other answers justified in walls-judge.ts (operations)',
      `${count(target, 'justified')} (${justifiedOps.join(', ') || 'none'})`,
    );
    figure(
      'foreign-object answers neither 404 nor justified',
      target.filter((v) => v.outcome === 'wrong').length,
      '0',
    );
    figure(
      "answers telling B's object from a never-issued id",
      verdicts.filter((v) => v.failures.some((f) => f.startsWith('distinguishable'))).length,
      '0',
    );
    figure(
      "filter and natural-key cells (B's id inside A's own tenant: like a never-issued id, no B row)",
      narrowing.length,
    );
    figure(
      'answers holding B names, emails or rows',
      verdicts.filter((v) => v.failures.some((f) => f.startsWith('B data'))).length,
      '0',
    );
    figure('server errors (5xx or no answer)', count(cells, 'error'), '0');
    figure(
      "B's rows changed by the matrix",
      changed.length ? `yes: ${changed.join(', ')}` : 'no',
      'no',
    );

    expect(failures).toEqual([]);
    expect(changed).toEqual([]);
    expect(target.length).toBeGreaterThan(0);
  });

  it("gets past the object lookup with tenant B's own credentials for every request the matrix sent", async () => {
    // Runs after the matrix (and its fingerprint): these requests do change B's objects.
    const credentials = [
      b.credentials.find((c) => c.name === 'user Owner')!,
      b.credentials.find((c) => c.kind === 'dpk')!,
      b.credentials.find((c) => c.name === 'pk_ key read+write')!,
      b.invitee,
      b.credentials.find((c) => c.kind === 'player')!,
    ];
    // Reads, then writes, then deletes; a delete of something hanging on an object (a member, a
    // stream's link to a connection: more path parameters) before the delete of the object.
    const order = (t: Template) =>
      t.method === 'GET' ? 0 : t.method === 'DELETE' ? 10 - t.pathParams.length : 1;
    const templates = [...matrix.templates].sort((x, y) => order(x) - order(y));
    const results: { id: string; status: number; by: string; body: string }[] = [];
    for (const template of templates) {
      const own = build(template, variantsOf(template)[0]!, b.objects, b.objects);
      // The most telling answer: 2xx, else any answer past authentication and lookup.
      const rank = (status: number) =>
        status >= 200 && status < 300 ? 0 : [401, 403, 404, 0].includes(status) ? 2 : 1;
      let best = { status: 0, by: '', body: '' };
      for (const credential of credentials) {
        const answer = await send(own, credential);
        if (best.status === 0 || rank(answer.status) < rank(best.status)) {
          best = { status: answer.status, by: credential.name, body: answer.body };
        }
        if (rank(answer.status) === 0) break;
      }
      results.push({ id: template.id, ...best });
    }
    const passed = results.filter((r) => r.status >= 200 && r.status < 300);
    const excused = results.filter(
      (r) => !(r.status >= 200 && r.status < 300) && POSITIVE_EXCEPTIONS[r.id]?.status === r.status,
    );
    const failed = results
      .filter((r) => !passed.includes(r) && !excused.includes(r))
      .map((r) => `${r.id}: best answer ${r.status} (${r.by}) ${r.body.slice(0, 200)}`);
    recordFigure({
      section: SECTION,
      name: "positive control: request shapes B's own credential answered 2xx",
      value: `${passed.length} of ${results.length}`,
    });
    recordFigure({
      section: SECTION,
      name: 'positive control: listed exceptions (not 404, reason in walls-judge.ts)',
      value: excused.map((r) => `${r.id} ${r.status}`).join(', ') || 'none',
    });
    recordFigure({
      section: SECTION,
      name: 'positive control: request shapes B could not get past the lookup',
      value: failed.length,
      expected: '0',
    });
    expect(failed).toEqual([]);
  });
});
