import fc from 'fast-check';
import { enc, type FuzzContext, pathIds } from './fuzz-parts.ts';
import { type FuzzCase, HEAD_LIMIT, headBytes, noiseHeaders } from './fuzz-http.ts';
import type { JsonSchema, Operation } from './fuzz-openapi.ts';
import { schemaValue } from './fuzz-schema.ts';
import { BOUNDARY_NUMBERS, HOSTILE_DATES, HOSTILE_STRINGS } from './fuzz-values.ts';

/**
 * Phase T: one hostile value planted in an otherwise valid request (real credentials, real ids,
 * a body the schema accepts), so it gets past validation into the services, the SQL and the
 * jsonb columns: one body field, or one query parameter, at a time.
 */

const nestArray = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const nestObject = (depth: number, leaf: string) =>
  '{"a":'.repeat(depth) + leaf + '}'.repeat(depth);

/** Hostile JSON texts, from scalars to nesting bombs (written as text: no recursion here). */
const HOSTILE_JSON: readonly string[] = [
  ...HOSTILE_STRINGS.map((s) => JSON.stringify(s)),
  ...HOSTILE_DATES.map((s) => JSON.stringify(s)),
  ...BOUNDARY_NUMBERS.map((n) => JSON.stringify(n)),
  '1e400',
  '-1e400',
  '123456789012345678901234567890',
  '0.1e-400',
  'null',
  'true',
  '[]',
  '{}',
  '[null]',
  '{"$gt":""}',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '"\\u0000"',
  '{"k":"\\u0000"}',
  '{"k\\u0000":1}',
  '"\\ud800"',
  `[${'1,'.repeat(5000)}1]`,
  JSON.stringify('x'.repeat(60_000)),
  ...[100, 1000, 5000, 10_000].map(nestArray),
  ...[100, 1000, 3000].map((d) => nestObject(d, '1')),
  ...[100, 1000, 5000, 8000].map((d) => `{"k":${nestArray(d)}}`),
  ...[1000, 3000].map((d) => `{"k":${nestObject(d, '{"__proto__":{"polluted":1}}')}}`),
];
const hostileJson = fc.constantFrom(...HOSTILE_JSON);

const PLACEHOLDER = 'fuzz-placeholder-5e1b';

/** Bodies whose schema says only "rows": rows are players, as PATCH /api/players/{id} takes. */
function bodySchema(op: Operation, ctx: FuzzContext): JsonSchema | undefined {
  const player = ctx.operations.find((o) => o.id === 'players.update')?.body?.['application/json'];
  const row: JsonSchema | undefined = player && { ...player, required: ['player_id'] };
  if (op.id === 'players.batchUpsert' && row) {
    return {
      type: 'object',
      required: ['players'],
      properties: { players: { type: 'array', items: row, minItems: 1, maxItems: 3 } },
    };
  }
  if (op.id === 'tables.insert' && row) return row;
  if (op.id === 'tables.update' && player) return player;
  return op.body?.['application/json'];
}

function plant(body: unknown, key: number, hostile: string): string {
  const target: unknown = Array.isArray(body) ? (body as unknown[])[0] : body;
  if (typeof target !== 'object' || target === null) return hostile;
  const container = target as Record<string, unknown>;
  // A players batch: plant inside the first row.
  const rows = container.players;
  const holder =
    Array.isArray(rows) && typeof rows[0] === 'object' && rows[0] !== null
      ? (rows[0] as Record<string, unknown>)
      : container;
  const keys = Object.keys(holder);
  const name = keys.length > 0 ? (keys[key % keys.length] ?? 'x') : 'x';
  holder[name] = PLACEHOLDER;
  return JSON.stringify(body).replace(JSON.stringify(PLACEHOLDER), hostile);
}

/**
 * Valid query parameters of the table routes, whose schema says little (filters are free-form):
 * each case takes some of them, and may plant the hostile value in one.
 */
const TABLE_QUERIES: Readonly<Record<string, readonly string[]>> = {
  'tables.list': [
    'select=id,player_id,email,status,traits',
    'order=created_at.desc,last_name.asc.nullslast',
    'limit=5',
    'offset=1',
    'count=exact',
    'q=ann',
    'status=eq.active',
    'player_id=in.(FUZZ-1,FUZZ-2)',
    'first_name.ilike=*o*',
    'adt=gte.0',
    'date_of_birth=lt.2000-01-01',
  ],
  // Filters that match nothing: the writes run their SQL without eating the tenant's players.
  'tables.update': ['player_id=eq.NOBODY-1', 'select=id,player_id', 'email=is.null'],
  'tables.delete': ['player_id=eq.NOBODY-2', 'select=id', 'tier=neq.gold'],
};

/** Roles of the fuzzer's own tenants: the request is then authorized, whatever it holds. */
const OWN_ROLES: Readonly<Record<Operation['security'], readonly string[]>> = {
  bearer: ['dpOwner'],
  apiKey: ['dpKey'],
  property: ['pk', 'propOwner'],
  none: ['none'],
};

export function targetedCase(op: Operation, ctx: FuzzContext): fc.Arbitrary<FuzzCase> | undefined {
  const pools = ctx.ownPools;
  const schema = bodySchema(op, ctx);
  const fixed = TABLE_QUERIES[op.id];
  const queryable = fixed
    ? fixed.map((q) => q.split('=')[0] ?? '')
    : op.query.filter((p) => p.name !== 'token' || !op.fixedQuery).map((p) => p.name);
  if (!schema && queryable.length === 0) return undefined;
  const roles = OWN_ROLES[op.security];
  const path = fc.record(
    Object.fromEntries(
      op.pathParams.map((p) => {
        const ids = pathIds(op, p.name, pools);
        const arb =
          ids.length > 0 ? fc.constantFrom(...ids) : schemaValue(p.schema, pools, p.name, 0, true);
        return [p.name, arb.map(enc)];
      }),
    ),
  );
  const query = fixed
    ? fc.subarray([...fixed], { minLength: op.id === 'tables.list' ? 0 : 1 })
    : fc.tuple(
        ...op.query.map((p) => {
          const value = schemaValue(p.schema, pools, p.name, 0, true).map(
            (v) => `${p.name}=${enc(v)}`,
          );
          return p.required ? value : fc.option(value, { nil: '' });
        }),
      );
  const body = schema ? schemaValue(schema, pools, '', 0, true) : fc.constant(undefined);
  const where = fc.constantFrom<'body' | 'query'>(
    ...(schema ? (['body'] as const) : []),
    ...(queryable.length > 0 ? (['query'] as const) : []),
  );
  return fc
    .record({
      role: fc.constantFrom(...roles),
      path,
      query,
      body,
      where,
      key: fc.nat(),
      hostile: hostileJson,
      noise: noiseHeaders,
    })
    .map(({ role, path: segments, query: params, body: value, where: at, key, hostile, noise }) => {
      let queryParts = params.filter((q) => q !== '');
      let text = value === undefined ? undefined : JSON.stringify(value);
      if (at === 'body') {
        text = plant(value, key, hostile);
      } else {
        const name = queryable[key % queryable.length] ?? 'x';
        const decoded = JSON.parse(hostile) as unknown;
        const raw = (typeof decoded === 'string' ? decoded : hostile).slice(0, 4000);
        // A filter keeps its operator: `status=eq.<hostile>`.
        const operator = /^[a-z_]+=((not\.)?[a-z]+\.)/.exec(
          (fixed ?? []).find((q) => q.startsWith(`${name}=`)) ?? '',
        )?.[1];
        queryParts = [
          ...queryParts.filter((q) => !q.startsWith(`${name}=`)),
          `${name}=${operator ?? ''}${enc(raw)}`,
        ];
      }
      let url = op.template.replace(/\{(\w+)\}/g, (_, n: string) => segments[n] ?? 'x');
      const qs = [op.fixedQuery, ...queryParts].filter((q) => q !== '').join('&');
      if (qs !== '') url += `?${qs}`;
      const headers: Record<string, string> = { ...noise };
      if (text !== undefined) headers['content-type'] = 'application/json';
      return {
        phase: 'T',
        label: `${at}:${hostile.slice(0, 12)}`,
        op: op.id,
        method: op.method,
        path: url,
        role,
        headers,
        ...(text !== undefined ? { body: text } : {}),
        mustFail: false,
        parserLevel: headBytes(op.method, url, headers, role) > HEAD_LIMIT,
        overLimit: text !== undefined && Buffer.byteLength(text) > 64 * 1024,
      };
    });
}
