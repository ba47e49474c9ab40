import fc from 'fast-check';
import { type FuzzCase, HEAD_LIMIT, headBytes } from './fuzz-http.ts';
import type { RawBody } from './fuzz-bodies.ts';
import type { JsonSchema, Operation, Param } from './fuzz-openapi.ts';
import { acceptedTypes, hostileString, type Pools, schemaValue } from './fuzz-schema.ts';
import { PATH_SEGMENTS } from './fuzz-values.ts';

/**
 * The pieces of a fuzzed request (path segments, query string) and how they are put together.
 */

/** What the case builders draw from. */
export interface FuzzContext {
  readonly operations: readonly Operation[];
  readonly pools: Pools;
  /** The fuzzer's own tenants' ids and valid field values (phase T). */
  readonly ownPools: Pools;
  /** First segments of static `/api/…` routes, which `/api/{table}` must not be fuzzed with. */
  readonly staticSegments: ReadonlySet<string>;
}

/** Percent-encodes every byte but the unreserved ones (lone surrogates become U+FFFD). */
export function enc(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~]/.test(char)
      ? char
      : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * The real ids a path parameter draws from: `/api/games/{id}` → pool `games.id`, or for a
 * DELETE `delete:games.id` (objects made to be deleted), then the parameter's name.
 */
export function pathIds(op: Operation, name: string, pools: Pools): readonly unknown[] {
  const segments = op.template.split('/');
  const key = `${segments[segments.indexOf(`{${name}}`) - 1] ?? ''}.${name}`;
  const doomed = op.method === 'DELETE' ? pools.byName[`delete:${key}`] : undefined;
  return doomed ?? pools.byName[key] ?? pools.byName[name] ?? [];
}

const INVALID_INTEGER_SEGMENTS = [
  'Infinity',
  '-Infinity',
  '0',
  '-1',
  '2147483648',
  '9223372036854775808',
  '9'.repeat(400),
  'abc',
  '1.5',
  'NaN',
  'true',
  '%00',
  '1%00',
  '%C3%28',
  '%27%20OR%201%3D1--',
  'x'.repeat(2000),
];
const INVALID_UUID_SEGMENTS = [
  '0',
  'abc',
  '%00',
  "1'--",
  '00000000-0000-0000-0000-00000000000g',
  '{00000000-0000-0000-0000-000000000000}',
  '%C3%28',
  'x'.repeat(2000),
];

export function segmentArb(op: Operation, param: Param, ctx: FuzzContext, broken: boolean) {
  const { schema } = param;
  if (param.name === 'table') {
    const unknown = fc
      .oneof(
        fc.constantFrom(
          'users',
          'api_keys',
          'pg_catalog.pg_user',
          'players;',
          'Players',
          'player',
          'players%00',
          '__proto__',
          'constructor',
          'hasOwnProperty',
          'toString',
          'players%2F..',
          '%C3%28',
        ),
        fc.string({ minLength: 1, maxLength: 30 }).map(enc),
        hostileString.filter((s) => s !== '').map(enc),
      )
      .filter((s) => !ctx.staticSegments.has(decodeSafely(s)) && decodeSafely(s) !== 'players');
    return broken ? unknown : fc.oneof({ weight: 4, arbitrary: fc.constant('players') }, unknown);
  }
  if (broken) {
    return fc.constantFrom(
      ...(schema.format === 'uuid' ? INVALID_UUID_SEGMENTS : INVALID_INTEGER_SEGMENTS),
    );
  }
  const ids = pathIds(op, param.name, ctx.pools);
  const options = [
    { weight: 2, arbitrary: fc.constantFrom(...PATH_SEGMENTS) },
    { weight: 2, arbitrary: schemaValue(schema, ctx.pools, param.name).map(enc) },
    { weight: 1, arbitrary: hostileString.map(enc) },
  ];
  if (ids.length > 0) options.push({ weight: 5, arbitrary: fc.constantFrom(...ids).map(enc) });
  return fc.oneof(...options);
}

function decodeSafely(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** A query-string value that the parameter's schema refuses (undefined when none exists). */
export function invalidQueryValue(schema: JsonSchema): fc.Arbitrary<string> | undefined {
  const types = acceptedTypes(schema);
  if (schema.format === 'uuid') return fc.constantFrom('abc', '0', "1'--", '%00');
  if (schema.format === 'date-time') return fc.constantFrom('yesterday', '2026-13-01', '%00');
  if (schema.enum || (schema.anyOf && types?.has('string') && types.size === 1)) {
    return fc.constantFrom('zzz', '%00', "'; DROP TABLE players;--".replaceAll(' ', '%20'));
  }
  if (types?.has('integer') && !types.has('string')) {
    // Out of range only where the schema has a bound: some ids are bigint cursors.
    const bounds = [
      ...(schema.maximum === undefined ? [] : [String(schema.maximum + 1)]),
      ...(schema.minimum === undefined ? [] : [String(schema.minimum - 1)]),
    ];
    return fc.constantFrom('abc', '1.5', 'null', '%00', 'Infinity', '-Infinity', ...bounds);
  }
  if (types?.has('boolean')) return fc.constantFrom('maybe', '2', '%00');
  return undefined;
}

const QUERY_JUNK = [
  '__proto__=1',
  'constructor[prototype][polluted]=1',
  'a[b]=c',
  '&&&',
  '=',
  '%ZZ=1',
  'x=%ZZ',
  'x=%',
  `${'k'.repeat(500)}=v`,
  'limit=1e3',
  'select=*',
];

export function queryArb(op: Operation, ctx: FuzzContext, broken: Param | undefined) {
  const parts = op.query.map((param) => {
    if (param.name === 'token' && op.fixedQuery.includes('validate-session') && !broken) {
      const tokens = ctx.pools.byName.token ?? [];
      return fc
        .oneof(
          fc.constantFrom(...(tokens.length > 0 ? tokens : ['x'])),
          schemaValue(param.schema, ctx.pools, 'token'),
        )
        .map((v) => `token=${enc(v)}`);
    }
    if (param === broken) {
      const bad = invalidQueryValue(param.schema);
      if (bad && param.required) {
        return fc.oneof(
          bad.map((v) => `${param.name}=${v}`),
          fc.constant(''),
        );
      }
      return (bad ?? fc.constant('')).map((v) => `${param.name}=${v}`);
    }
    const value = schemaValue(param.schema, ctx.pools, param.name).map(
      (v) => `${param.name}=${enc(v)}`,
    );
    return param.required ? value : fc.option(value, { nil: '' });
  });
  const junk = fc.array(fc.constantFrom(...QUERY_JUNK), { maxLength: broken ? 0 : 1 });
  return fc
    .tuple(fc.tuple(...parts), junk)
    .map(([values, extra]) => [...values, ...extra].filter((v) => v !== ''));
}

export interface Parts {
  readonly label: string;
  readonly role: string;
  readonly path: Record<string, string>;
  readonly query: string[];
  readonly body: RawBody | undefined;
  readonly noise: Record<string, string>;
  readonly mustFail: boolean;
}

export function assemble(phase: string, op: Operation, parts: Parts): FuzzCase {
  let path = op.template.replace(/\{(\w+)\}/g, (_, name: string) => parts.path[name] ?? 'x');
  const query = [op.fixedQuery, ...parts.query].filter((q) => q !== '').join('&');
  if (query !== '') path += `?${query}`;
  const headers: Record<string, string | string[]> = { ...parts.noise };
  if (parts.body?.contentType !== undefined) headers['content-type'] = parts.body.contentType;
  const size = headBytes(op.method, path, headers, parts.role);
  return {
    phase,
    label: parts.label,
    op: op.id,
    method: op.method,
    path,
    role: parts.role,
    headers,
    ...(parts.body ? { body: parts.body.body } : {}),
    mustFail: parts.mustFail,
    parserLevel: size > HEAD_LIMIT,
    overLimit: parts.body?.overLimit ?? false,
  };
}
