import { describe, expect, it } from 'vitest';
import { AppError } from './errors.ts';
import {
  type Filter,
  isCalendarDate,
  parseInList,
  parseQuery,
  preferredCount,
  type RawQuery,
  type TableSpec,
} from './postgrest-filter.ts';

const spec: TableSpec = {
  columns: {
    id: { type: 'uuid' },
    name: { type: 'text', write: true },
    status: { type: 'text' },
    age: { type: 'integer' },
    score: { type: 'numeric' },
    vip: { type: 'boolean' },
    created_at: { type: 'timestamptz' },
    born: { type: 'date' },
    traits: { type: 'jsonb' },
    secret: { type: 'text', select: false },
    notes: { type: 'text', filter: false, sort: false },
  },
  defaultLimit: 100,
  maxLimit: 1000,
  tiebreaker: 'id',
  search: true,
};

const UUID = '0b7c1a52-8c7e-4f5e-9d3a-3f1f2b9e8c11';

const filtersOf = (query: RawQuery) => parseQuery(spec, query).filters;
const oneFilter = (query: RawQuery): Filter => {
  const filters = filtersOf(query);
  expect(filters).toHaveLength(1);
  return filters[0]!;
};

/** The validation error a query gets; fails the test when it parses. */
function refusal(query: RawQuery, options: Parameters<typeof parseQuery>[2] = {}): string {
  try {
    parseQuery(spec, query, options);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('validation_failed');
    return (error as AppError).message;
  }
  throw new Error(`expected ${JSON.stringify(query)} to be refused`);
}

describe('parseQuery defaults', () => {
  it('selects every selectable column, in spec order, when nothing is asked', () => {
    const plan = parseQuery(spec, {});
    expect(plan.select).toEqual([
      'id',
      'name',
      'status',
      'age',
      'score',
      'vip',
      'created_at',
      'born',
      'traits',
      'notes',
    ]);
    expect(plan.filters).toEqual([]);
    expect(plan.order).toEqual([{ column: 'id', direction: 'asc' }]);
    expect(plan.limit).toBe(100);
    expect(plan.offset).toBe(0);
    expect(plan.count).toBe('estimated');
    expect(plan.q).toBeUndefined();
  });
});

describe('filters in both syntaxes', () => {
  const cases: [op: string, column: string, raw: string, value: unknown][] = [
    ['eq', 'status', 'active', 'active'],
    ['neq', 'status', 'banned', 'banned'],
    ['gt', 'age', '21', 21],
    ['gte', 'age', '-5', -5],
    ['lt', 'score', '100.50', '100.50'],
    ['lte', 'created_at', '2026-01-02T03:04:05Z', '2026-01-02T03:04:05.000Z'],
    ['like', 'name', 'Ann*', 'Ann%'],
    ['ilike', 'name', '*smith*', '%smith%'],
  ];

  for (const [op, column, raw, value] of cases) {
    it(`reads ${column}.${op}=… and ${column}=${op}.… the same way`, () => {
      const playerOs = oneFilter({ [`${column}.${op}`]: raw });
      const postgrest = oneFilter({ [column]: `${op}.${raw}` });
      expect(playerOs).toEqual({
        column,
        type: spec.columns[column]!.type,
        op,
        negate: false,
        value,
      });
      expect(postgrest).toEqual(playerOs);
    });

    it(`reads ${column}.not.${op}=… and ${column}=not.${op}.… as negations`, () => {
      const playerOs = oneFilter({ [`${column}.not.${op}`]: raw });
      const postgrest = oneFilter({ [column]: `not.${op}.${raw}` });
      expect(playerOs).toMatchObject({ column, op, negate: true, value });
      expect(postgrest).toEqual(playerOs);
    });
  }

  it('reads in lists with and without parentheses, in both syntaxes', () => {
    const expected = { column: 'status', op: 'in', negate: false, value: ['a', 'b', 'c,d'] };
    expect(oneFilter({ 'status.in': '(a,b,"c,d")' })).toMatchObject(expected);
    expect(oneFilter({ status: 'in.(a,b,"c,d")' })).toMatchObject(expected);
    expect(oneFilter({ 'status.in': 'a,b,"c,d"' })).toMatchObject(expected);
    expect(oneFilter({ status: 'not.in.(a,b,"c,d")' })).toMatchObject({
      ...expected,
      negate: true,
    });
    expect(oneFilter({ 'status.not.in': '(a,b,"c,d")' })).toMatchObject({
      ...expected,
      negate: true,
    });
  });

  it('converts in list items to the column type', () => {
    expect(oneFilter({ 'age.in': '(1, 2,3)' }).value).toEqual([1, 2, 3]);
    expect(oneFilter({ id: `in.(${UUID.toUpperCase()})` }).value).toEqual([UUID]);
    expect(refusal({ 'age.in': '(1,two)' })).toMatch(/"two".*age/);
  });

  it('reads is null, is true and is false, negated too', () => {
    expect(oneFilter({ 'name.is': 'null' })).toMatchObject({
      op: 'is',
      value: null,
      negate: false,
    });
    expect(oneFilter({ name: 'not.is.null' })).toMatchObject({
      op: 'is',
      value: null,
      negate: true,
    });
    expect(oneFilter({ vip: 'is.true' })).toMatchObject({ op: 'is', value: true });
    expect(oneFilter({ 'vip.not.is': 'FALSE' })).toMatchObject({ value: false, negate: true });
  });

  it('allows only is null on a JSON column that is filterable', () => {
    const withJson: TableSpec = {
      ...spec,
      columns: { ...spec.columns, traits: { type: 'jsonb', filter: true } },
    };
    expect(parseQuery(withJson, { 'traits.is': 'null' }).filters[0]?.column).toBe('traits');
    expect(() => parseQuery(withJson, { 'traits.eq': '{}' })).toThrow(
      /only be tested with is.null/,
    );
    expect(() => parseQuery(withJson, { 'traits.in': '(a)' })).toThrow(/in is not available/);
  });

  it('takes a PlayerOS value literally, even when it looks like an operator', () => {
    expect(oneFilter({ 'status.eq': 'eq.x' }).value).toBe('eq.x');
    expect(oneFilter({ status: 'eq.not.x' }).value).toBe('not.x');
    expect(oneFilter({ 'name.eq': '' }).value).toBe('');
  });

  it('ANDs repeated parameters and different columns together', () => {
    const filters = filtersOf({
      'age.gte': ['18', '21'],
      age: 'lt.65',
      'status.eq': 'active',
    });
    expect(filters.map((f) => [f.column, f.op, f.value])).toEqual([
      ['age', 'gte', 18],
      ['age', 'gte', 21],
      ['age', 'lt', 65],
      ['status', 'eq', 'active'],
    ]);
  });

  it('accepts numbers and booleans a schema coercion already produced', () => {
    expect(oneFilter({ 'age.eq': 7 }).value).toBe(7);
    expect(oneFilter({ 'vip.eq': true }).value).toBe(true);
  });
});

describe('values are converted and validated by column type', () => {
  it('lower-cases UUIDs and refuses anything else', () => {
    expect(oneFilter({ 'id.eq': UUID.toUpperCase() }).value).toBe(UUID);
    expect(refusal({ 'id.eq': 'not-a-uuid' })).toMatch(/"not-a-uuid" for id: expected a UUID/);
    expect(refusal({ 'id.eq': `${UUID}' or '1'='1` })).toMatch(/for id/);
  });

  it('refuses integers that are not integers or do not fit int4', () => {
    expect(refusal({ 'age.eq': '1.5' })).toMatch(/age.*integer/);
    expect(refusal({ 'age.eq': '99999999999' })).toMatch(/age/);
    expect(refusal({ 'age.eq': '2147483648' })).toMatch(/age/);
    expect(oneFilter({ 'age.eq': '2147483647' }).value).toBe(2_147_483_647);
    expect(refusal({ 'age.eq': '' })).toMatch(/age/);
  });

  it('keeps numerics as text and refuses non-numbers', () => {
    expect(oneFilter({ 'score.gt': '-0.5' }).value).toBe('-0.5');
    expect(oneFilter({ 'score.gt': '.5' }).value).toBe('.5');
    for (const bad of ['1e5', 'NaN', 'Infinity', '1,5', '0x10', '', '1 OR 1=1']) {
      expect(refusal({ 'score.gt': bad })).toMatch(/score: expected a number/);
    }
  });

  it('accepts only true and false for booleans, and only eq, neq, in and is', () => {
    expect(oneFilter({ 'vip.eq': 'false' }).value).toBe(false);
    expect(refusal({ 'vip.eq': 'yes' })).toMatch(/vip: expected true or false/);
    expect(refusal({ 'vip.gt': 'true' })).toMatch(/gt.*vip/);
    expect(oneFilter({ 'vip.in': '(true,false)' }).value).toEqual([true, false]);
  });

  it('normalizes timestamps to UTC ISO and refuses impossible ones', () => {
    const at = (raw: string) => oneFilter({ 'created_at.gte': raw }).value;
    expect(at('2026-03-01')).toBe('2026-03-01T00:00:00.000Z');
    expect(at('2026-03-01T10:00')).toBe('2026-03-01T10:00:00.000Z');
    expect(at('2026-03-01T10:00:00.123456Z')).toBe('2026-03-01T10:00:00.123Z');
    expect(at('2026-03-01T10:00:00+02:00')).toBe('2026-03-01T08:00:00.000Z');
    expect(at('2026-03-01T10:00:00-0130')).toBe('2026-03-01T11:30:00.000Z');
    // `+02:00` unescaped in a URL arrives as ` 02:00`.
    expect(at('2026-03-01T10:00:00 02:00')).toBe('2026-03-01T08:00:00.000Z');
    for (const bad of ['2026-02-30', '2026-13-01', '2026-03-01T25:00', 'yesterday', '1700000000']) {
      expect(refusal({ 'created_at.gte': bad })).toMatch(/created_at: expected an ISO-8601/);
    }
  });

  it('accepts real calendar dates only', () => {
    expect(oneFilter({ 'born.lt': '2000-02-29' }).value).toBe('2000-02-29');
    expect(refusal({ 'born.lt': '2001-02-29' })).toMatch(/born: expected a date/);
    expect(refusal({ 'born.lt': '2001-2-3' })).toMatch(/born/);
    expect(isCalendarDate('0000-01-01')).toBe(false);
    expect(isCalendarDate('2024-12-31')).toBe(true);
  });

  it('allows like and ilike on text columns only', () => {
    expect(refusal({ 'age.like': '1*' })).toMatch(/like needs a text column; age is integer/);
    expect(refusal({ 'id.ilike': '*' })).toMatch(/ilike.*id/);
  });

  it('refuses a like pattern ending in a lone escape character, which PostgreSQL rejects', () => {
    expect(refusal({ 'name.ilike': '\\' })).toMatch(/name\.ilike ends with an escape/);
    expect(refusal({ name: 'like.a\\\\\\' })).toMatch(/escape character/);
    expect(oneFilter({ 'name.like': 'a\\\\' }).value).toBe('a\\\\');
    expect(oneFilter({ 'name.like': '100\\%' }).value).toBe('100\\%');
  });

  it('allows is true/false on booleans only and refuses other is values', () => {
    expect(refusal({ 'name.is': 'true' })).toMatch(/name\.is: expected null/);
    expect(refusal({ 'vip.is': 'maybe' })).toMatch(/expected null, true or false/);
  });

  it('refuses over-long values', () => {
    expect(refusal({ 'name.eq': 'x'.repeat(2001) })).toMatch(/name is longer than 2000/);
    expect(refusal({ 'name.like': 'x'.repeat(33) })).toMatch(/name\.like is longer than 32/);
  });
});

describe('in lists', () => {
  it('splits on commas outside double quotes and unescapes backslashes', () => {
    expect(parseInList('c', '(a,"b,c","d\\"e","f)g", h )')).toEqual([
      'a',
      'b,c',
      'd"e',
      'f)g',
      'h',
    ]);
    expect(parseInList('c', '("")')).toEqual(['']);
    expect(parseInList('c', '()')).toEqual([]);
  });

  it('refuses malformed lists naming the column', () => {
    expect(() => parseInList('status', '(a,b')).toThrow(/status: unbalanced parentheses/);
    expect(() => parseInList('status', '("a,b)')).toThrow(/status: unterminated quote/);
    expect(() => parseInList('status', '(a,,b)')).toThrow(/status: empty item/);
    expect(() => parseInList('status', '(a,)')).toThrow(/status: empty item/);
    expect(() => parseInList('status', '("a"b)')).toThrow(/text after a quoted item/);
    expect(() => parseInList('status', '(a(b)')).toThrow(/quote items/);
  });

  it('caps the number of items', () => {
    const many = `(${Array.from({ length: 1001 }, (_, i) => i).join(',')})`;
    expect(refusal({ 'age.in': many })).toMatch(/more than 1000 items/);
  });

  it('refuses in on JSON columns', () => {
    expect(refusal({ 'traits.in': '(a)' })).toMatch(/traits cannot be filtered/);
  });
});

describe('column and operator checks', () => {
  it('refuses unknown columns, naming them', () => {
    expect(refusal({ 'nope.eq': 'x' })).toBe('Unknown column "nope"');
    expect(refusal({ nope: 'eq.x' })).toBe('Unknown column "nope"');
  });

  it('refuses unknown operators, naming them', () => {
    expect(refusal({ 'status.contains': 'x' })).toMatch(
      /Unknown operator "contains" on column status/,
    );
    expect(refusal({ status: 'between.1.2' })).toMatch(/Unknown operator "between"/);
    expect(refusal({ status: 'not.sorta.x' })).toMatch(/Unknown operator "sorta"/);
    expect(refusal({ 'status.not': 'x' })).toMatch(/Unknown operator "not"/);
  });

  it('refuses a PostgREST filter without an operator', () => {
    expect(refusal({ status: 'active' })).toMatch(/Filter on status needs an operator/);
    expect(refusal({ status: 'not.active' })).toMatch(/needs an operator/);
  });

  it('refuses keys with too many parts', () => {
    expect(refusal({ 'status.eq.eq': 'x' })).toMatch(/Invalid filter "status.eq.eq"/);
    expect(refusal({ 'status.not.not.eq': 'x' })).toMatch(/Invalid filter/);
  });

  it('treats columns that are not selectable as unknown everywhere', () => {
    expect(refusal({ 'secret.eq': 'x' })).toBe('Unknown column "secret"');
    expect(refusal({ order: 'secret' })).toBe('Unknown column "secret"');
    expect(refusal({ select: 'id,secret' })).toBe('Unknown column "secret"');
  });

  it('refuses filtering and ordering on columns that do not allow it', () => {
    expect(refusal({ 'notes.eq': 'x' })).toBe('Column notes cannot be filtered');
    expect(refusal({ 'traits.eq': '{}' })).toBe('Column traits cannot be filtered');
    expect(refusal({ order: 'notes.asc' })).toBe('Column notes cannot be used in order');
    expect(refusal({ order: 'traits' })).toBe('Column traits cannot be used in order');
  });

  it('never resolves inherited object properties as columns', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(refusal({ [`${name}.eq`]: 'x' })).toBe(`Unknown column ${JSON.stringify(name)}`);
      expect(refusal({ order: name })).toMatch(/Unknown column/);
    }
  });

  it('refuses injection attempts in column names, operators and order', () => {
    expect(refusal({ "name'--.eq": 'x' })).toBe('Unknown column "name\'--"');
    expect(refusal({ 'name"; drop table players; --.eq': 'x' })).toMatch(/Unknown column/);
    expect(refusal({ 'name.eq;drop': 'x' })).toMatch(/Unknown operator "eq;drop"/);
    expect(refusal({ order: 'created_at;drop table players' })).toMatch(
      /Unknown column "created_at;drop table players"/,
    );
    expect(refusal({ order: 'created_at.desc;drop table players' })).toMatch(
      /Invalid order modifier "desc;drop table players"/,
    );
    expect(refusal({ select: 'id,(select 1)' })).toMatch(/Unknown column/);
  });

  it('passes injection-looking values through as plain bound values', () => {
    expect(oneFilter({ 'status.eq': "' or 1=1--" }).value).toBe("' or 1=1--");
  });

  it('refuses logical operators explicitly', () => {
    expect(refusal({ or: '(a.eq.1,b.eq.2)' })).toMatch(/or=\(…\) is not supported/);
  });

  it('caps the number of filters', () => {
    expect(refusal({ 'age.gt': Array.from({ length: 21 }, () => '1') })).toMatch(
      /At most 20 filters/,
    );
  });

  it('refuses NUL characters, which PostgreSQL text cannot hold', () => {
    expect(refusal({ 'name.eq': 'a\u0000b' })).toMatch(/"name.eq" contains a NUL/);
    expect(refusal({ q: '\u0000' })).toMatch(/"q" contains a NUL/);
  });

  it('refuses values that are not text', () => {
    expect(refusal({ 'name.eq': { nested: 'x' } })).toMatch(/not text/);
  });
});

describe('select', () => {
  it('keeps the asked columns in order, once each', () => {
    expect(parseQuery(spec, { select: 'name, id,name' }).select).toEqual(['name', 'id']);
    expect(parseQuery(spec, { select: '*' }).select).toContain('traits');
  });

  it('refuses empty and unknown names', () => {
    expect(refusal({ select: '' })).toMatch(/empty column name/);
    expect(refusal({ select: 'id,,name' })).toMatch(/empty column name/);
    expect(refusal({ select: 'id,nickname' })).toBe('Unknown column "nickname"');
    expect(refusal({ select: 'alias:name' })).toMatch(/Unknown column "alias:name"/);
  });

  it('may be given once only', () => {
    expect(refusal({ select: ['id', 'name'] })).toMatch(/select may be given only once/);
  });
});

describe('order', () => {
  it('reads directions and nulls placement, and appends the tiebreaker', () => {
    expect(parseQuery(spec, { order: 'created_at.desc,name.asc.nullsfirst,age' }).order).toEqual([
      { column: 'created_at', direction: 'desc' },
      { column: 'name', direction: 'asc', nulls: 'first' },
      { column: 'age', direction: 'asc' },
      { column: 'id', direction: 'asc' },
    ]);
    expect(parseQuery(spec, { order: 'age.nullslast' }).order[0]).toEqual({
      column: 'age',
      direction: 'asc',
      nulls: 'last',
    });
  });

  it('gives the tiebreaker the direction of the last term', () => {
    expect(parseQuery(spec, { order: 'created_at.desc' }).order).toEqual([
      { column: 'created_at', direction: 'desc' },
      { column: 'id', direction: 'desc' },
    ]);
  });

  it('does not add the tiebreaker twice', () => {
    expect(parseQuery(spec, { order: 'id.desc,name' }).order).toEqual([
      { column: 'id', direction: 'desc' },
      { column: 'name', direction: 'asc' },
    ]);
  });

  it('refuses bad modifiers, repeats and empty terms', () => {
    expect(refusal({ order: 'name.up' })).toMatch(/Invalid order modifier "up" on name/);
    expect(refusal({ order: 'name.asc.desc' })).toMatch(/modifier "desc"/);
    expect(refusal({ order: 'name.nullsfirst.asc' })).toMatch(/modifier "asc"/);
    expect(refusal({ order: 'name,name.desc' })).toMatch(/name appears twice/);
    expect(refusal({ order: 'name,' })).toMatch(/empty term/);
  });
});

describe('limit, offset, count and q', () => {
  it('reads limit and offset within the spec bounds', () => {
    const plan = parseQuery(spec, { limit: '25', offset: '50' });
    expect([plan.limit, plan.offset]).toEqual([25, 50]);
    expect(parseQuery(spec, { limit: '0' }).limit).toBe(0);
    expect(parseQuery(spec, { limit: '1000' }).limit).toBe(1000);
  });

  it('refuses limits above the maximum and malformed numbers', () => {
    expect(refusal({ limit: '1001' })).toBe(
      'Invalid limit "1001": expected an integer from 0 to 1000',
    );
    expect(refusal({ limit: '-1' })).toMatch(/Invalid limit/);
    expect(refusal({ limit: '10abc' })).toMatch(/Invalid limit/);
    expect(refusal({ offset: '100001' })).toMatch(/Invalid offset "100001".*100000/);
    expect(refusal({ offset: '1.5' })).toMatch(/Invalid offset/);
    expect(refusal({ limit: ['1', '2'] })).toMatch(/limit may be given only once/);
  });

  it('honours a spec offset cap', () => {
    expect(() => parseQuery({ ...spec, maxOffset: 10 }, { offset: '11' })).toThrow(/0 to 10/);
  });

  it('reads count from the query or the Prefer header, the query winning', () => {
    expect(parseQuery(spec, { count: 'planned' }).count).toBe('planned');
    expect(parseQuery(spec, {}, { prefer: 'count=estimated' }).count).toBe('estimated');
    expect(parseQuery(spec, {}, { prefer: 'return=representation, count=none' }).count).toBe(
      'none',
    );
    expect(parseQuery(spec, { count: 'exact' }, { prefer: 'count=none' }).count).toBe('exact');
    expect(refusal({ count: 'some' })).toMatch(/Invalid count "some"/);
    expect(refusal({}, { prefer: 'count=lots' })).toMatch(/Invalid Prefer count "lots"/);
    expect(preferredCount('return=minimal')).toBeUndefined();
    expect(preferredCount(undefined)).toBeUndefined();
  });

  it('trims q, drops an empty one and refuses it where the table has no search', () => {
    expect(parseQuery(spec, { q: '  gold ' }).q).toBe('gold');
    expect(parseQuery(spec, { q: '   ' }).q).toBeUndefined();
    expect(refusal({ q: 'x'.repeat(65) })).toMatch(/q is longer than 64/);
    expect(() => parseQuery({ ...spec, search: false }, { q: 'x' })).toThrow(
      /q \(free-text search\)/,
    );
  });
});

describe('write mode (PATCH and DELETE)', () => {
  it('accepts filters and select', () => {
    const plan = parseQuery(spec, { 'status.eq': 'x', select: 'id' }, { mode: 'write' });
    expect(plan.filters).toHaveLength(1);
    expect(plan.select).toEqual(['id']);
  });

  it('refuses paging, counting and search parameters', () => {
    for (const key of ['order', 'limit', 'offset', 'count', 'q']) {
      expect(refusal({ [key]: '1' }, { mode: 'write' })).toBe(
        `Parameter ${key} is not supported on PATCH or DELETE`,
      );
    }
  });

  it('ignores a Prefer count', () => {
    expect(parseQuery(spec, {}, { mode: 'write', prefer: 'count=bogus' }).count).toBe('estimated');
  });
});
