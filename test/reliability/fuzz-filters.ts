import fc from 'fast-check';
import { enc, type FuzzContext } from './fuzz-parts.ts';
import { type FuzzCase, HEAD_LIMIT, headBytes, noiseHeaders } from './fuzz-http.ts';
import { schemaValue } from './fuzz-schema.ts';
import {
  FILTER_COLUMNS,
  FILTER_OPERATORS,
  FILTER_VALUES,
  ORDER_VALUES,
  SELECT_VALUES,
  SQL_FRAGMENTS,
} from './fuzz-values.ts';

/**
 * Phase C: PostgREST query strings built from SQL fragments against GET/PATCH/DELETE
 * /api/players and /api/{random table}. A fragment is sent percent-encoded, or raw where the
 * HTTP client allows it (spaces and `#` are always escaped).
 */

/** Escapes only what the HTTP client cannot send raw, and the query syntax itself (% # &). */
const lightlyEscaped = (value: string) =>
  [...value]
    .map((char) => (/^[!-~]$/.test(char) && !'%#&'.includes(char) ? char : enc(char)))
    .join('');

const escaped = fc.constantFrom<(value: string) => string>(enc, lightlyEscaped);

const filterTerm: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(...FILTER_COLUMNS),
    fc.constantFrom(...FILTER_OPERATORS),
    fc.oneof(fc.constantFrom(...FILTER_VALUES), fc.string({ maxLength: 20, unit: 'binary' })),
    fc.constantFrom('value', 'key', 'bare'),
    escaped,
  )
  .map(([column, op, value, form, esc]) => {
    if (form === 'value') return `${esc(column)}=${esc(`${op}.${value}`)}`;
    if (form === 'key') return `${esc(`${column}.${op}`)}=${esc(value)}`;
    return `${esc(column)}=${esc(value)}`;
  });

const reservedTerm: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...SELECT_VALUES).map((v) => `select=${lightlyEscaped(v)}`),
  fc.constantFrom(...ORDER_VALUES).map((v) => `order=${lightlyEscaped(v)}`),
  fc
    .constantFrom('-1', '1e3', '1001', '99999999999', '0x10', '', 'all', '1;DROP TABLE players')
    .map((v) => `limit=${lightlyEscaped(v)}`),
  fc
    .constantFrom('-1', '100001', '9'.repeat(40), 'NaN', "0'")
    .map((v) => `offset=${lightlyEscaped(v)}`),
  fc
    .constantFrom('exact', 'planned', 'estimated', 'none', 'EXACT', 'all', '')
    .map((v) => `count=${v}`),
  fc
    .constantFrom(...SQL_FRAGMENTS, 'ann', 'x'.repeat(300), '%', '\u0000')
    .map((v) => `q=${enc(v)}`),
  fc.constantFrom('or=(status.eq.active,id.gt.0)', 'and=(a.eq.1)', 'not.status=eq.active'),
  fc.constantFrom('status=eq.active&status=eq.banned', 'select=id&select=email', 'limit=1&limit=2'),
);

export function filterCase(ctx: FuzzContext): fc.Arbitrary<FuzzCase> {
  const patch = ctx.operations.find((op) => op.id === 'players.update')?.body?.['application/json'];
  const table = fc.oneof(
    { weight: 5, arbitrary: fc.constant('players') },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('users', 'api_keys', 'player', 'players;', 'pg_user', 'Players')
        .filter((name) => !ctx.staticSegments.has(name)),
    },
  );
  return fc
    .record({
      method: fc.oneof(
        { weight: 6, arbitrary: fc.constant('GET') },
        { weight: 2, arbitrary: fc.constant('PATCH') },
        { weight: 1, arbitrary: fc.constant('DELETE') },
        { weight: 1, arbitrary: fc.constant('HEAD') },
      ),
      table,
      terms: fc.array(fc.oneof(filterTerm, reservedTerm), { minLength: 1, maxLength: 4 }),
      role: fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom('pk', 'propOwner') },
        { weight: 1, arbitrary: fc.constantFrom('pkB', 'none', 'dpKey', 'propOwnerForeign') },
      ),
      noise: noiseHeaders,
      body: patch ? schemaValue(patch, ctx.pools) : fc.constant({}),
    })
    .map(({ method, table: name, terms, role, noise, body }) => {
      const path = `/api/${name}?${terms.join('&')}`;
      const headers: Record<string, string> = { ...noise };
      const withBody = method === 'PATCH';
      if (withBody) headers['content-type'] = 'application/json';
      return {
        phase: 'C',
        label: `filter:${method}`,
        op: `tables.${method.toLowerCase()}`,
        method,
        path,
        role,
        headers,
        ...(withBody ? { body: JSON.stringify(body) } : {}),
        mustFail: false,
        parserLevel: headBytes(method, path, headers, role) > HEAD_LIMIT,
        overLimit: false,
      };
    });
}
