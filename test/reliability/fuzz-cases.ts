import fc from 'fast-check';
import { bodyArbitrary, type Breaker, jsonSchemaOf } from './fuzz-bodies.ts';
import {
  acceptedRoles,
  type FuzzCase,
  MALFORMED_ROLES,
  noiseHeaders,
  refusedRoles,
  VALID_ROLES,
} from './fuzz-http.ts';
import type { Operation, Param } from './fuzz-openapi.ts';
import {
  assemble,
  type FuzzContext,
  invalidQueryValue,
  queryArb,
  segmentArb,
} from './fuzz-parts.ts';
import { invalidValue } from './fuzz-schema.ts';

/**
 * Phases A (must fail) and B (valid-ish) of the fuzzer: one fast-check arbitrary per
 * operation of openapi.json, building path, query, credential, headers and body.
 */

/** The ways this operation can be made to fail for certain. */
export function breakersOf(op: Operation): Breaker[] {
  const breakers: Breaker[] = [];
  if (op.security !== 'none') breakers.push('auth');
  const schema = jsonSchemaOf(op);
  if (schema && invalidValue(schema, { ints: [], uuids: [], byName: {} })) breakers.push('body');
  if (op.body) breakers.push('raw');
  // An unknown or malformed id in the path fails, unless the route documents no failure at all.
  if (op.pathParams.length > 0 && op.documentsClientErrors) breakers.push('path');
  if (op.query.some((p) => invalidQueryValue(p.schema))) breakers.push('query');
  return breakers;
}

/** Phase A: each case carries at least one fault that makes it fail whatever else it holds. */
export function mustFailCase(op: Operation, ctx: FuzzContext): fc.Arbitrary<FuzzCase> {
  // Arbitraries are built once per operation and fault (building them is the costly part).
  const variants = breakersOf(op).flatMap((breaker) => {
    const roles = breaker === 'auth' ? refusedRoles(op.security) : acceptedRoles(op.security);
    const brokenParams: (Param | undefined)[] =
      breaker === 'path'
        ? [...op.pathParams]
        : breaker === 'query'
          ? op.query.filter((p) => invalidQueryValue(p.schema))
          : [undefined];
    const body = bodyArbitrary(op, ctx, breaker);
    return brokenParams.map((broken) =>
      fc
        .record({
          role: fc.constantFrom(...roles),
          body,
          noise: noiseHeaders,
          path: fc.record(
            Object.fromEntries(
              op.pathParams.map((p) => [p.name, segmentArb(op, p, ctx, p === broken)]),
            ),
          ),
          query: queryArb(op, ctx, breaker === 'query' ? broken : undefined),
        })
        .map(({ role, body: b, noise, path, query }) =>
          assemble('A', op, {
            label:
              breaker === 'raw'
                ? (b?.label ?? 'raw')
                : b && breaker !== 'body'
                  ? `${breaker}+${b.label}`
                  : breaker,
            role,
            path,
            query,
            body: b,
            noise,
            mustFail: true,
          }),
        ),
    );
  });
  return fc.oneof(...variants);
}

const ALL_ROLES = [
  ...VALID_ROLES,
  ...MALFORMED_ROLES.slice(0, 6),
  'none',
  'propOwnerNoHeader',
  'propOwnerForeign',
  'propOwnerBadHeader',
];

/** Phase B: valid-ish requests with mixed credentials; any outcome but a 5xx is allowed. */
export function validishCase(op: Operation, ctx: FuzzContext): fc.Arbitrary<FuzzCase> {
  const accepted = acceptedRoles(op.security);
  // Logging out would end the session every other case relies on: only throwaway tokens.
  const roles = op.id === 'auth.logout' ? ['throwaway', 'none', ...MALFORMED_ROLES] : undefined;
  const role = roles
    ? fc.constantFrom(...roles)
    : fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...accepted) },
        { weight: 1, arbitrary: fc.constantFrom(...ALL_ROLES) },
      );
  return fc
    .record({
      role,
      body: bodyArbitrary(op, ctx, undefined),
      noise: noiseHeaders,
      path: fc.record(
        Object.fromEntries(op.pathParams.map((p) => [p.name, segmentArb(op, p, ctx, false)])),
      ),
      query: queryArb(op, ctx, undefined),
    })
    .map((parts) =>
      assemble('B', op, {
        ...parts,
        label: parts.body?.label ?? 'no-body',
        mustFail: false,
      }),
    );
}

const ODD_METHODS = ['PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND', 'SEARCH'];

/** Phase B, method confusion: a documented path with a method it does not document. */
export function oddMethodCase(op: Operation, ctx: FuzzContext): fc.Arbitrary<FuzzCase> {
  return fc.tuple(validishCase(op, ctx), fc.constantFrom(...ODD_METHODS)).map(([c, method]) => {
    // TRACE and HEAD requests carry no body (Node refuses a body on TRACE).
    const noBody = method === 'TRACE' || method === 'HEAD';
    const { body: _body, ...rest } = c;
    const base = noBody ? rest : c;
    return { ...base, method, label: `method:${method}` };
  });
}
