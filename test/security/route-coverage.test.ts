import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../harness.ts';
import { ROUTES } from './routes.ts';

/**
 * Every route must run the shared security suite: each operation of the running app and of the
 * committed openapi.json needs its declaration in test/security/routes.ts (a `public` credential
 * and a tenant `exempt` each carry their reason). A new route fails here until it declares one.
 */

interface Document {
  paths: Record<string, Record<string, { operationId?: string }>>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

interface Operation {
  readonly label: string;
  readonly operationId: string;
}

function operationsOf(document: Document): Operation[] {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => ({
        label: `${method.toUpperCase()} ${path}`,
        operationId: op.operationId ?? `(no operationId) ${method.toUpperCase()} ${path}`,
      })),
  );
}

const declared = new Map(ROUTES.map((spec) => [spec.operationId, spec]));

/** The routes of `operations` lacking a declaration, or declared with another method or path. */
function undeclared(operations: readonly Operation[]): string[] {
  return operations.flatMap(({ label, operationId }) => {
    const spec = declared.get(operationId);
    if (!spec) {
      return [`${label} (${operationId}) has no declaration in test/security/routes.ts`];
    }
    const mine = `${spec.method} ${spec.path}`;
    return mine === label
      ? []
      : [
          `${operationId} is declared as ${mine} but the API has ${label}: fix test/security/routes.ts`,
        ];
  });
}

const committed = operationsOf(
  JSON.parse(readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8')) as Document,
);

let h: Harness;
let live: Operation[];
beforeAll(async () => {
  h = await createHarness();
  live = operationsOf(h.app.swagger() as unknown as Document);
});
afterAll(async () => {
  await h.close();
});

describe('route security coverage', () => {
  it('declares every route of the running app', () => {
    expect(undeclared(live)).toEqual([]);
  });

  it('declares every route of openapi.json', () => {
    expect(undeclared(committed)).toEqual([]);
  });

  it('declares no route the app does not have, and each route once', () => {
    const known = new Set([...live, ...committed].map((op) => op.operationId));
    expect(ROUTES.filter((spec) => !known.has(spec.operationId)).map((s) => s.operationId)).toEqual(
      [],
    );
    expect(ROUTES.length).toBe(declared.size);
  });

  it('gives a reason for every exemption', () => {
    for (const spec of ROUTES) {
      if (spec.auth.kind === 'public')
        expect(spec.auth.reason.length, spec.operationId).toBeGreaterThan(10);
      if ('exempt' in spec.tenant)
        expect(spec.tenant.exempt.length, spec.operationId).toBeGreaterThan(10);
      else expect(spec.tenant.length, spec.operationId).toBeGreaterThan(0);
    }
  });

  it('walls every non-public route that names an organization or property', () => {
    // A route taking org_id / orgId / property_id must wall it, or say why not.
    for (const spec of ROUTES) {
      if (spec.auth.kind === 'public' || 'exempt' in spec.tenant) continue;
      const sample = JSON.stringify(spec.request(PROBE));
      for (const kind of ['org', 'property'] as const) {
        if (sample.includes(String(PROBE[kind])))
          expect(spec.tenant, spec.operationId).toContain(kind);
      }
    }
  });
});

const PROBE = {
  org: 918_273_645,
  game: 1,
  stream: 1,
  voucherSet: 1,
  apiKey: 1,
  member: 1,
  invitation: '00000000-0000-4000-8000-000000000001',
  invitationToken: 'token',
  property: '00000000-0000-4000-8000-0000000000aa',
  propertyKey: '00000000-0000-4000-8000-000000000002',
  player: '00000000-0000-4000-8000-000000000003',
  session: '00000000-0000-4000-8000-000000000004',
  webhook: '00000000-0000-4000-8000-000000000005',
  webhookMessage: 'msg_00000000000000000000000000000006',
  connection: 1,
  connectionMessage: 'msg_00000000000000000000000000000007',
  subscriptionGroup: '00000000-0000-4000-8000-000000000008',
  dncHash: '9'.repeat(64),
  privacyRequest: '00000000-0000-4000-8000-000000000009',
  inboundMessage: '00000000-0000-4000-8000-00000000000b',
  template: '00000000-0000-4000-8000-00000000000a',
  segment: '00000000-0000-4000-8000-00000000000c',
  campaign: '00000000-0000-4000-8000-00000000000d',
  scheduledCampaign: '00000000-0000-4000-8000-00000000000e',
  message: '00000000-0000-4000-8000-00000000000f',
  journey: '00000000-0000-4000-8000-000000000010',
  draftJourney: '00000000-0000-4000-8000-000000000011',
  pausedJourney: '00000000-0000-4000-8000-000000000012',
  journeyRun: '00000000-0000-4000-8000-000000000013',
  journeyVersion: 1,
  password: 'password',
  asset: '00000000-0000-4000-8000-000000000014',
} as const;
