import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../src/modules/organizations/index.ts';
import { makeUser, type TestUser } from '../factories.ts';
import { createHarness, errorBody, expectError, type Harness } from '../harness.ts';
import {
  freshObjects,
  ghostOf,
  type Kind,
  malformedOf,
  type Objects,
  type SecTenant,
  seedSecurityTenant,
} from './route-seed.ts';

/**
 * The shared per-route security suite (issue 9). A route declares once, in routes.ts, who may
 * call it (credential kind and minimum role or scope), the tenant objects its request names and
 * a valid request; `describeRouteSecurity` turns that into the cases every route must pass:
 * - no credential, and malformed, unknown, revoked or wrong-kind credentials: 401 envelope;
 * - each role below the minimum, a key without the scope: 403; roles at or above, and a key
 *   holding only the scope: success;
 * - another tenant's object (made by a second seeded tenant): 404, indistinguishable from an
 *   id never issued, and the other tenant's data unchanged;
 * - malformed ids: 400 validation_failed (a malformed X-Property-Id header: 400 bad_request);
 * - bodies of the wrong type, wrongly typed and unknown fields: 4xx envelope.
 * One harness and one seeded pair of tenants per test file; nothing here sleeps or times.
 */

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type Area = 'dashboard' | 'accounts' | 'integrations';

export interface Req {
  readonly url: string;
  readonly payload?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export type Auth =
  /** `Authorization: Bearer` of a member of the organization with at least `role`. */
  | { readonly kind: 'user'; readonly role: Role }
  /** `Authorization: Bearer` of any signed-in user; no membership needed. */
  | { readonly kind: 'signedIn' }
  /**
   * `x-api-key: dpk_…`. `scoped`: the key's allowed_game_ids / allowed_stream_ids apply to the
   * objects the request names, so a key restricted to others is 403.
   */
  | { readonly kind: 'dpk'; readonly scoped: boolean }
  /** A pk_ key holding `scope`, or a member's bearer token plus X-Property-Id (role → scopes). */
  | { readonly kind: 'property'; readonly scope: 'read' | 'write' }
  /** No credential by design; `reason` says why. Only the malformed-input cases run. */
  | { readonly kind: 'public'; readonly reason: string };

export interface RouteSpec {
  readonly operationId: string;
  readonly method: Method;
  /** The path as openapi.json spells it (its key under `paths`). */
  readonly path: string;
  readonly area: Area;
  readonly auth: Auth;
  /** A valid request naming the objects `o` (the caller's tenant's unless swapped). */
  readonly request: (o: Objects) => Req;
  /**
   * The tenant objects the request names, each of which must be walled off: another tenant's
   * is 404 like a never-issued one. Or an exemption with the reason there is none to aim at.
   */
  readonly tenant: readonly Kind[] | { readonly exempt: string };
  /** Kinds whose malformed values must be a 4xx; defaults to the walled kinds. */
  readonly ids?: readonly Kind[];
  /** Objects a successful call uses up (deletes, revokes): made fresh for each allowed call. */
  readonly fresh?: readonly (keyof typeof freshObjects)[];
  /** Objects made for the caller of each allowed call (an invitation to their address). */
  readonly prepare?: (h: Harness, t: SecTenant, caller: TestUser) => Promise<Partial<Objects>>;
  /** The allowed call uses up its caller (logout, password change): a fresh user each time. */
  readonly freshCaller?: boolean;
  /** What a refused request must leave unchanged, read as the tenant's Owner. */
  readonly state?: (h: Harness, t: SecTenant) => Promise<unknown>;
  /** Body fields whose type the schema leaves open (skipped by the wrong-type case). */
  readonly looseFields?: readonly string[];
  /** A JSON array is a valid body of this route (skipped by the wrong-type case). */
  readonly acceptsArray?: boolean;
}

interface Context {
  h: Harness;
  a: SecTenant;
  b: SecTenant;
  /** Request body schemas of the running app, by operationId: does it refuse unknown fields? */
  closedBodies: Set<string>;
}

type Headers = Record<string, string>;

/** The one 401 message of DailyPlay key routes (sessions.test.ts asserted it before). */
const DPK_401 = 'Missing, invalid, revoked or expired API key';

const bearer = (token: string): Headers => ({ authorization: `Bearer ${token}` });

function send(ctx: Context, spec: RouteSpec, o: Objects, credential: Headers) {
  const request = spec.request(o);
  return ctx.h.inject({
    method: spec.method,
    url: request.url,
    headers: { ...request.headers, ...credential },
    ...(request.payload === undefined ? {} : { payload: request.payload as object }),
  });
}

/** The credential of a member with `role`, as the route's credential kind takes it. */
function memberCredential(spec: RouteSpec, t: SecTenant, role: Role, o: Objects): Headers {
  const headers = t.users[role].auth;
  return spec.auth.kind === 'property'
    ? { ...headers, 'x-property-id': String(o.property) }
    : headers;
}

/** The credential that may do everything the route allows (to reach the wall and validator). */
function topCredential(spec: RouteSpec, t: SecTenant, o: Objects): Headers {
  switch (spec.auth.kind) {
    case 'user':
      return memberCredential(spec, t, 'Owner', o);
    case 'signedIn':
      return t.outsider.auth;
    case 'dpk':
      return { 'x-api-key': t.dpk.full };
    case 'property':
      return { 'x-api-key': t.pk.readWrite };
    case 'public':
      return {};
  }
}

/** Credentials that authenticate nobody, by route kind, each of which must be a 401. */
function badCredentials(spec: RouteSpec, t: SecTenant, o: Objects): [string, Headers][] {
  const garbageDpk = `dpk_${'0'.repeat(40)}`;
  const garbagePk = `pk_${'0'.repeat(40)}`;
  const property = { 'x-property-id': String(o.property) };
  switch (spec.auth.kind) {
    case 'user':
    case 'signedIn':
      return [
        ['a garbage bearer token', bearer('garbage')],
        ['a non-bearer scheme', { authorization: 'Basic dXNlcjpwYXNz' }],
        ['a forged login token', bearer(`pls_${'A'.repeat(28)}`)],
        ['a logged-out login token', bearer(t.loggedOutToken)],
        ['a dpk_ key, which is no dashboard credential', { 'x-api-key': t.dpk.full }],
        ['a pk_ key, which is no dashboard credential', { 'x-api-key': t.pk.readWrite }],
      ];
    case 'dpk':
      return [
        ['a malformed key', { 'x-api-key': 'dpk_short' }],
        ['an unknown key', { 'x-api-key': garbageDpk }],
        ['a revoked key', { 'x-api-key': t.dpk.revoked }],
        ['a pk_ key', { 'x-api-key': t.pk.readWrite }],
        ["a member's bearer token", t.users.Owner.auth],
        // `Authorization: Bearer dpk_…` is accepted too: the same refusals apply to it.
        ['an unknown key as Bearer', bearer(garbageDpk)],
        ['a revoked key as Bearer', bearer(t.dpk.revoked)],
      ];
    case 'property':
      return [
        ['a malformed key', { 'x-api-key': 'pk_short' }],
        ['an unknown key', { 'x-api-key': garbagePk }],
        ['a revoked key', { 'x-api-key': t.pk.revoked }],
        ['a dpk_ key', { 'x-api-key': t.dpk.full }],
        ['a garbage bearer token', { ...bearer('garbage'), ...property }],
        ['a logged-out login token', { ...bearer(t.loggedOutToken), ...property }],
      ];
    case 'public':
      return [];
  }
}

/** The documented error envelope with a 4xx status (which 4xx is the route's to choose). */
export function expectClientError(response: LightMyRequestResponse): void {
  expect(response.statusCode, response.body).toBeGreaterThanOrEqual(400);
  expect(response.statusCode, response.body).toBeLessThan(500);
  const body = errorBody(response);
  expect(body.error).not.toBe('');
  expect(body.request_id).not.toBe('');
}

function expectSuccess(response: LightMyRequestResponse): void {
  expect(response.statusCode, response.body).toBeGreaterThanOrEqual(200);
  expect(response.statusCode, response.body).toBeLessThan(300);
}

const walled = (spec: RouteSpec): readonly Kind[] => ('exempt' in spec.tenant ? [] : spec.tenant);

/** A value of the wrong JSON type for a field holding `value`. */
function wrongType(value: unknown): unknown {
  if (typeof value === 'number') return 'not-a-number';
  if (typeof value === 'string') return 12345;
  if (typeof value === 'boolean') return 'yes';
  if (Array.isArray(value)) return 'not-a-list';
  if (value && typeof value === 'object') return 'not-an-object';
  return undefined;
}

/** Runs `check` and asserts the Owner's view of the tenant is the same before and after. */
async function unchanged(
  ctx: Context,
  spec: RouteSpec,
  t: SecTenant,
  check: () => Promise<void>,
): Promise<void> {
  const before = await spec.state?.(ctx.h, t);
  await check();
  if (spec.state) expect(await spec.state(ctx.h, t)).toEqual(before);
}

async function allowedObjects(ctx: Context, spec: RouteSpec, caller: TestUser | undefined) {
  let o: Objects = { ...ctx.a.objects, ...(caller ? { password: caller.password } : {}) };
  for (const kind of spec.fresh ?? []) o = { ...o, [kind]: await freshObjects[kind](ctx.h, ctx.a) };
  if (spec.prepare && caller) o = { ...o, ...(await spec.prepare(ctx.h, ctx.a, caller)) };
  return o;
}

function describeOne(spec: RouteSpec, get: () => Context): void {
  const { auth } = spec;
  describe(`${spec.method} ${spec.path} (${spec.operationId})`, () => {
    if (auth.kind === 'public') {
      it(`answers without a credential, never a 5xx, being public (${auth.reason})`, async () => {
        const ctx = get();
        const response = await send(ctx, spec, await allowedObjects(ctx, spec, undefined), {});
        // Which answer is the route's (a login with a wrong password is a 401 of its own).
        expect(response.statusCode, response.body).toBeLessThan(500);
        if (response.statusCode >= 400) expectClientError(response);
      });
    } else {
      it('answers 401 in the envelope without a credential, changing nothing', async () => {
        const ctx = get();
        await unchanged(ctx, spec, ctx.a, async () => {
          const body = expectError(await send(ctx, spec, ctx.a.objects, {}), 401, 'unauthorized');
          if (auth.kind === 'dpk') expect(body.error).toBe(DPK_401);
        });
      });

      it('answers 401 to malformed, unknown, revoked and wrong-kind credentials', async () => {
        const ctx = get();
        const variants = badCredentials(spec, ctx.a, ctx.a.objects);
        const messages = new Map<string, string>();
        await unchanged(ctx, spec, ctx.a, async () => {
          for (const [label, headers] of variants) {
            const response = await send(ctx, spec, ctx.a.objects, headers);
            expect(response.statusCode, `${label}: ${response.body}`).toBe(401);
            messages.set(label, expectError(response, 401, 'unauthorized').error);
          }
        });
        // An unknown key and a revoked one must not be told apart (no key enumeration).
        if (messages.has('a revoked key')) {
          expect(messages.get('a revoked key')).toBe(messages.get('an unknown key'));
          expect(messages.get('a malformed key')).toBe(messages.get('an unknown key'));
        }
        // DailyPlay keys: one message for every refused key, whatever was wrong with it.
        if (auth.kind === 'dpk') {
          for (const [label, message] of messages) expect(message, label).toBe(DPK_401);
        }
      });
    }

    const minimum: Role | undefined =
      auth.kind === 'user'
        ? auth.role
        : auth.kind === 'property'
          ? auth.scope === 'read'
            ? 'Viewer'
            : 'Editor'
          : undefined;
    if (minimum) {
      const index = ROLES.indexOf(minimum);
      const below = ROLES.slice(index + 1);
      const allowed = ROLES.slice(0, index + 1);
      for (const role of below) {
        it(`answers 403 to ${role === 'Analyst' ? 'an' : 'a'} ${role}, changing nothing`, async () => {
          const ctx = get();
          const o = await allowedObjects(ctx, spec, undefined);
          await unchanged(ctx, spec, ctx.a, async () => {
            expectError(
              await send(ctx, spec, o, memberCredential(spec, ctx.a, role, o)),
              403,
              'forbidden',
            );
          });
        });
      }
      it(`succeeds for ${allowed.join(', ')}`, async () => {
        const ctx = get();
        for (const role of allowed) {
          const o = await allowedObjects(ctx, spec, undefined);
          const response = await send(ctx, spec, o, memberCredential(spec, ctx.a, role, o));
          expect(response.statusCode, `${role}: ${response.body}`).toBeLessThan(300);
        }
      });
    }

    if (auth.kind === 'property') {
      it(`succeeds with a pk_ key holding only the ${auth.scope} scope`, async () => {
        const ctx = get();
        const o = await allowedObjects(ctx, spec, undefined);
        expectSuccess(await send(ctx, spec, o, { 'x-api-key': ctx.a.pk[auth.scope] }));
      });

      const lacking = auth.scope === 'read' ? 'write' : 'read';
      it(`answers 403 to a pk_ key with only the ${lacking} scope, changing nothing`, async () => {
        const ctx = get();
        const o = await allowedObjects(ctx, spec, undefined);
        await unchanged(ctx, spec, ctx.a, async () => {
          expectError(
            await send(ctx, spec, o, { 'x-api-key': ctx.a.pk[lacking] }),
            403,
            'forbidden',
          );
        });
      });
    }

    if (auth.kind === 'dpk' || auth.kind === 'property' || auth.kind === 'signedIn') {
      it('succeeds with a valid credential', async () => {
        const ctx = get();
        const caller =
          auth.kind === 'signedIn'
            ? spec.freshCaller
              ? await makeUser(ctx.h)
              : ctx.a.outsider
            : undefined;
        const o = await allowedObjects(ctx, spec, caller);
        const headers = caller ? caller.auth : topCredential(spec, ctx.a, o);
        expectSuccess(await send(ctx, spec, o, headers));
      });
    }

    if (auth.kind === 'dpk' && auth.scoped) {
      it('answers 403 to a key restricted to other games and streams, changing nothing', async () => {
        const ctx = get();
        const o = await allowedObjects(ctx, spec, undefined);
        await unchanged(ctx, spec, ctx.a, async () => {
          expectError(
            await send(ctx, spec, o, { 'x-api-key': ctx.a.dpk.scoped }),
            403,
            'forbidden',
          );
        });
      });
    }

    for (const kind of walled(spec)) {
      it(`answers 404 for another tenant's ${kind}, exactly as for one never issued`, async () => {
        const ctx = get();
        const foreign = { ...ctx.a.objects, [kind]: ctx.b.objects[kind] };
        const ghost = { ...ctx.a.objects, [kind]: ghostOf(kind) };
        // The pk_ key's own property is the tenant: X-Property-Id only selects for users.
        const credentials =
          auth.kind === 'property' && kind !== 'property'
            ? [topCredential(spec, ctx.a, foreign), memberCredential(spec, ctx.a, 'Owner', foreign)]
            : [
                auth.kind === 'property'
                  ? memberCredential(spec, ctx.a, 'Owner', foreign)
                  : topCredential(spec, ctx.a, foreign),
              ];
        for (const credential of credentials) {
          await unchanged(ctx, spec, ctx.b, async () => {
            const theirs = expectError(
              await send(ctx, spec, foreign, credential),
              404,
              'not_found',
            );
            const ghostCredential = { ...credential };
            if ('x-property-id' in ghostCredential)
              ghostCredential['x-property-id'] = String(ghost.property);
            const never = expectError(
              await send(ctx, spec, ghost, ghostCredential),
              404,
              'not_found',
            );
            expect(theirs.error).toBe(never.error);
          });
        }
      });
    }

    for (const kind of spec.ids ?? walled(spec)) {
      for (const value of malformedOf(kind)) {
        it(`answers 400 in the envelope to ${kind} ${JSON.stringify(value)}`, async () => {
          const ctx = get();
          const o = { ...ctx.a.objects, [kind]: value };
          // On PlayerOS routes the property is the X-Property-Id header, not a validated field.
          const header = kind === 'property' && auth.kind === 'property';
          const headers = header
            ? memberCredential(spec, ctx.a, 'Owner', o)
            : topCredential(spec, ctx.a, o);
          const code = header ? 'bad_request' : 'validation_failed';
          expectError(await send(ctx, spec, o, headers), 400, code);
        });
      }
    }

    const sample = spec.request(placeholderObjects).payload;
    if (
      sample !== undefined &&
      typeof sample === 'object' &&
      sample !== null &&
      !Array.isArray(sample)
    ) {
      const bodies: [string, unknown][] = [
        ['a JSON string', 'just text'],
        ['a JSON number', 42],
        ...(spec.acceptsArray ? [] : ([['a JSON array', [{}]]] as [string, unknown][])),
      ];
      it.each(bodies)('answers 4xx in the envelope to a body that is %s', async (_label, body) => {
        const ctx = get();
        const o = await allowedObjects(ctx, spec, ctx.a.outsider);
        const request = spec.request(o);
        const response = await ctx.h.inject({
          method: spec.method,
          url: request.url,
          headers: { ...topCredential(spec, ctx.a, o), 'content-type': 'application/json' },
          payload: JSON.stringify(body),
        });
        expectClientError(response);
      });

      it('answers 4xx in the envelope to a body that is not JSON', async () => {
        const ctx = get();
        const request = spec.request(ctx.a.objects);
        const response = await ctx.h.inject({
          method: spec.method,
          url: request.url,
          headers: {
            ...topCredential(spec, ctx.a, ctx.a.objects),
            'content-type': 'application/json',
          },
          payload: '{"unterminated": ',
        });
        expectClientError(response);
      });

      const fields = Object.keys(sample).filter((field) => !spec.looseFields?.includes(field));
      if (fields.length > 0) {
        it('answers 4xx in the envelope to each field of the wrong type', async () => {
          const ctx = get();
          for (const field of fields) {
            const o = await allowedObjects(ctx, spec, ctx.a.outsider);
            const request = spec.request(o);
            const body = request.payload as Record<string, unknown>;
            const bad = wrongType(body[field]);
            if (bad === undefined) continue;
            const response = await ctx.h.inject({
              method: spec.method,
              url: request.url,
              headers: { ...request.headers, ...topCredential(spec, ctx.a, o) },
              payload: { ...body, [field]: bad },
            });
            expect(response.statusCode, `${field}: ${response.body}`).toBeGreaterThanOrEqual(400);
            expectClientError(response);
          }
        });
      }

      it('answers 400 to an unknown body field when the schema is closed', async (test) => {
        const ctx = get();
        if (!ctx.closedBodies.has(spec.operationId)) {
          test.skip();
          return;
        }
        const o = await allowedObjects(ctx, spec, ctx.a.outsider);
        const request = spec.request(o);
        const response = await ctx.h.inject({
          method: spec.method,
          url: request.url,
          headers: { ...request.headers, ...topCredential(spec, ctx.a, o) },
          payload: { ...(request.payload as object), unexpected_field: 1 },
        });
        expectError(response, 400, 'validation_failed');
      });
    }
  });
}

/** Values of every kind to shape a request with before the tenants exist (body field names). */
const placeholderObjects: Objects = {
  org: 1,
  game: 1,
  stream: 1,
  voucherSet: 1,
  apiKey: 1,
  member: 1,
  invitation: '00000000-0000-4000-8000-000000000000',
  invitationToken: 'token',
  property: '00000000-0000-4000-8000-000000000000',
  propertyKey: '00000000-0000-4000-8000-000000000000',
  player: '00000000-0000-4000-8000-000000000000',
  session: '00000000-0000-4000-8000-000000000000',
  webhook: '00000000-0000-4000-8000-000000000000',
  webhookMessage: 'msg_00000000000000000000000000000000',
  connection: 1,
  connectionMessage: 'msg_00000000000000000000000000000000',
  subscriptionGroup: '00000000-0000-4000-8000-000000000000',
  dncHash: '0'.repeat(64),
  privacyRequest: '00000000-0000-4000-8000-000000000000',
  inboundMessage: '00000000-0000-4000-8000-000000000000',
  template: '00000000-0000-4000-8000-000000000000',
  segment: '00000000-0000-4000-8000-000000000000',
  campaign: '00000000-0000-4000-8000-000000000000',
  scheduledCampaign: '00000000-0000-4000-8000-000000000000',
  message: '00000000-0000-4000-8000-000000000000',
  journey: '00000000-0000-4000-8000-000000000000',
  draftJourney: '00000000-0000-4000-8000-000000000000',
  pausedJourney: '00000000-0000-4000-8000-000000000000',
  journeyRun: '00000000-0000-4000-8000-000000000000',
  journeyVersion: 1,
  password: 'password',
  asset: '00000000-0000-4000-8000-000000000000',
};

interface SwaggerDocument {
  paths: Record<
    string,
    Record<
      string,
      {
        operationId?: string;
        requestBody?: { content: Record<string, { schema: { additionalProperties?: unknown } }> };
      }
    >
  >;
}

/**
 * Declares the security cases of every route in `specs`, on one harness and one seeded pair of
 * tenants (A is the caller, B the other tenant) for the whole file.
 */
export function describeRouteSecurity(specs: readonly RouteSpec[]): void {
  let ctx: Context | undefined;
  beforeAll(async () => {
    const h = await createHarness();
    // Routes that queue deliveries send jobs (no worker runs them here).
    await h.deps.jobs.start();
    const a = await seedSecurityTenant(h, 'A');
    const b = await seedSecurityTenant(h, 'B');
    const closedBodies = new Set<string>();
    const document = h.app.swagger() as unknown as SwaggerDocument;
    for (const operations of Object.values(document.paths)) {
      for (const operation of Object.values(operations)) {
        const schema = operation.requestBody?.content['application/json']?.schema;
        if (operation.operationId && schema?.additionalProperties === false) {
          closedBodies.add(operation.operationId);
        }
      }
    }
    ctx = { h, a, b, closedBodies };
  });
  afterAll(async () => {
    await ctx?.h.close();
  });
  const get = (): Context => {
    if (!ctx) throw new Error('the security harness is not ready');
    return ctx;
  };
  for (const spec of specs) describeOne(spec, get);
}
