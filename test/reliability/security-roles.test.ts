import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from '../harness.ts';
import { recordFigure, recordSecrets } from './figures.ts';
import { runConcurrently } from './load.ts';
import { liveOperations, send, statusOf } from './security-http.ts';
import {
  type Extras,
  type Finding,
  scan,
  type Secrets,
  secretsOf,
  seedExtras,
} from './security-roles-scan.ts';
import { openSeeder } from './seeder.ts';
import { type ServerProcess, startServer } from './server.ts';
import { buildMatrix, type Template } from './walls-matrix.ts';
import { build, ownVariant, type Variant } from './walls-variants.ts';
import { type Objects, seedTenant, type WallTenant } from './walls-seed.ts';

/**
 * Section 8, class "role reads": every GET a member's login token can call (read from the
 * server's own /openapi.json, requests built by the tenant-walls matrix) is fetched as a
 * Viewer, an Analyst and an Editor of one tenant, and each whole answer is scanned for secret
 * material. Viewers and Analysts must find no voucher or prize code, no key or token, no hash;
 * Viewers nothing of a Draft game (Analysts see every game, as games.list documents). The
 * Editor must find the codes: the positive control that the scan and the requests work.
 */
const SECTION = '8. Security classes';
const ROLES = ['Viewer', 'Analyst', 'Editor'] as const;
type ReadRole = (typeof ROLES)[number];

let h: Harness;
let server: ServerProcess;
let t: WallTenant;
let extras: Extras;
let secrets: Secrets;

const figure = (name: string, value: string | number, expected?: string) =>
  recordFigure({ section: SECTION, name, value, ...(expected ? { expected } : {}) });

beforeAll(async () => {
  h = await openSeeder('security-roles');
  t = await seedTenant(h, 'R');
  recordSecrets(...Object.values(t.users).map((user) => user.password));
  extras = await seedExtras(h, t);
  secrets = await secretsOf(h, t, extras);
  server = await startServer('security-roles');
});

afterAll(async () => {
  await server?.kill();
  await h?.close();
});

/** Every slot filled with the tenant's own object, optional filters included. */
const everySlot: Variant = { name: 'every slot', choose: () => 'self' };

interface Probe {
  readonly operationId: string;
  readonly label: string;
  readonly url: string;
  readonly headers: Record<string, string>;
}

function probesOf(template: Template): Probe[] {
  const kinds = new Set(template.slots.map((slot) => slot.kind));
  const variants: [string, Variant, Objects][] = [['', ownVariant, t.objects]];
  if (kinds.has('game')) {
    variants.push([' (Draft game)', everySlot, { ...t.objects, game: extras.draftGameId }]);
    variants.push([' (shared-code game)', everySlot, { ...t.objects, game: extras.sharedGameId }]);
  }
  if (kinds.has('voucherSet')) {
    variants.push([
      ' (prize voucher set)',
      everySlot,
      { ...t.objects, voucherSet: t.objects.prizeVoucherSet },
    ]);
  }
  const seen = new Set<string>();
  return variants.flatMap(([suffix, variant, objects]) => {
    const built = build(template, variant, objects, objects);
    const key = `${built.url} ${JSON.stringify(built.headers)}`;
    if (seen.has(key)) return [];
    seen.add(key);
    return [
      {
        operationId: template.operationId,
        label: `${template.operationId}${suffix}`,
        url: built.url,
        headers: built.headers,
      },
    ];
  });
}

describe('security class: role reads', () => {
  const probes: Probe[] = [];

  it('builds a request for every GET operation a login token can call (live /openapi.json)', async () => {
    const live = await liveOperations(server.url);
    const readable = live.filter((op) => op.method === 'GET' && op.security.includes('bearerAuth'));
    const templates = buildMatrix().templates.filter((tpl) => tpl.method === 'GET');
    const unbuildable: string[] = [];
    for (const op of readable) {
      const own = templates.filter((tpl) => tpl.operationId === op.id);
      if (own.length > 0) probes.push(...own.flatMap(probesOf));
      else if (!op.key.includes('{')) {
        probes.push({ operationId: op.id, label: op.id, url: op.key, headers: {} });
      } else unbuildable.push(op.id);
    }
    figure('roles: GET operations a login token can call (live document)', readable.length);
    figure('roles: requests per role (operations × Draft / shared-code variants)', probes.length);
    figure(
      'roles: GET operations no request could be built for (regenerate openapi.json, map in walls-rules.ts)',
      unbuildable.join(', ') || 'none',
      'none',
    );
    expect(unbuildable).toEqual([]);
    expect(probes.length).toBeGreaterThan(0);
  });

  it('shows Viewers and Analysts no code, key, hash or Draft game anywhere; shows Editors the codes', async () => {
    const results = await runConcurrently(
      ROLES.flatMap((role) =>
        probes.map((probe) => async () => {
          const answer = await send(`${server.url}${probe.url}`, {
            headers: { ...probe.headers, authorization: `Bearer ${t.users[role].token}` },
          });
          const findings = scan(answer.body, secrets, extras, { drafts: role === 'Viewer' });
          return { role, probe, answer, findings };
        }),
      ),
      8,
    );
    const of = (role: ReadRole) => results.filter((r) => r.role === role);
    const lines = (role: ReadRole) =>
      of(role).flatMap(({ probe, answer, findings }) =>
        findings.map(
          (f: Finding) => `${role} ${probe.label} (${answer.status}): ${f.kind} ${f.sample}`,
        ),
      );
    const errors = results.filter((r) => r.answer.status === 0 || r.answer.status >= 500);
    for (const role of ROLES) {
      const ok = of(role).filter((r) => r.answer.status === 200).length;
      figure(
        `roles: ${role}: requests / 200 / answers holding secret material`,
        `${of(role).length} / ${ok} / ${of(role).filter((r) => r.findings.length > 0).length}`,
        role === 'Editor' ? 'codes found (control)' : '0 holding',
      );
    }
    const editor = of('Editor').flatMap((r) => r.findings);
    const editorCodes = new Set(editor.filter((f) => f.kind === 'code').map((f) => f.sample));
    const editorSawDraft = of('Editor').some((r) => r.answer.body.includes(extras.draftMarker));
    figure(
      'roles: Editor control: distinct codes seen / Draft game seen',
      `${editorCodes.size} / ${editorSawDraft ? 'yes' : 'no'}`,
      '≥ 2 / yes',
    );
    const leaks = [...lines('Viewer'), ...lines('Analyst')];
    for (const line of leaks.slice(0, 40)) console.error(`role read leak: ${line}`);
    figure('roles: Viewer and Analyst findings', leaks.length, '0');
    expect(errors.map((r) => `${r.role} ${r.probe.label}: ${statusOf(r.answer)}`)).toEqual([]);
    // The control: the scan finds what an Editor may read, so an empty scan above means something.
    expect(editorCodes.size).toBeGreaterThanOrEqual(2);
    expect(editorSawDraft).toBe(true);
    expect(editor.filter((f) => f.kind !== 'code' && f.kind !== 'draft game')).toEqual([]);
    expect(leaks).toEqual([]);
  });
});
