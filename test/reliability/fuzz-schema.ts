import fc from 'fast-check';
import type { JsonSchema } from './fuzz-openapi.ts';
import { BOUNDARY_NUMBERS, HOSTILE_DATES, HOSTILE_STRINGS } from './fuzz-values.ts';

/**
 * fast-check arbitraries from the request schemas of openapi.json: "valid-ish" values (right
 * shape, fields drawn from the tenants' real ids, boundary numbers, long and odd unicode strings,
 * now and then a wrong type or an extra field) and values that can never pass the schema.
 */

/** Real ids of the fuzzed tenants, by field name (`game_id` → the games), plus catch-alls. */
export interface Pools {
  readonly ints: readonly number[];
  readonly uuids: readonly string[];
  readonly byName: Readonly<Record<string, readonly unknown[]>>;
}

type JsonType = 'null' | 'boolean' | 'integer' | 'number' | 'string' | 'array' | 'object';

const WRONG_VALUES: readonly unknown[] = [
  null,
  true,
  false,
  1.5,
  7,
  'text',
  [],
  {},
  [null],
  { '': 0 },
];

/** Any JSON value of a random type: what a field of the wrong type receives. */
export const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...WRONG_VALUES),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 12 }),
);

const anyString = (minLength: number, maxLength: number) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.string({ minLength, maxLength, unit: 'grapheme-ascii' }) },
    { weight: 2, arbitrary: fc.string({ minLength, maxLength, unit: 'grapheme' }) },
    { weight: 1, arbitrary: fc.string({ minLength, maxLength, unit: 'binary' }) },
  );

export const hostileString: fc.Arbitrary<string> = fc.constantFrom(...HOSTILE_STRINGS);

export function jsonTypeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') return 'string';
  return 'object';
}

/** The JSON types a schema can accept, or undefined when it accepts every type. */
export function acceptedTypes(schema: JsonSchema): Set<JsonType> | undefined {
  if (schema.type !== undefined) {
    const types = new Set<JsonType>(
      (Array.isArray(schema.type) ? schema.type : [schema.type]) as JsonType[],
    );
    if (types.has('number')) types.add('integer');
    return types;
  }
  if (schema.enum) return new Set(schema.enum.map(jsonTypeOf));
  if (schema.anyOf) {
    const union = new Set<JsonType>();
    for (const branch of schema.anyOf) {
      const types = acceptedTypes(branch);
      if (!types) return undefined;
      for (const type of types) union.add(type);
    }
    return union;
  }
  return undefined;
}

/** Whether `value` fits the schema's type and enum (not its lengths or formats). */
function mayAccept(schema: JsonSchema, value: unknown): boolean {
  if (schema.anyOf) return schema.anyOf.some((branch) => mayAccept(branch, value));
  if (schema.enum) return schema.enum.includes(value);
  const types = acceptedTypes(schema);
  return !types || types.has(jsonTypeOf(value));
}

function poolOf(name: string, pools: Pools, kind: 'number' | 'string') {
  const named = (pools.byName[name] ?? []).filter((v) => typeof v === kind);
  if (named.length > 0) return named;
  return kind === 'number' ? pools.ints : pools.uuids;
}

function stringArb(
  schema: JsonSchema,
  name: string,
  pools: Pools,
  strict: boolean,
): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = Math.min(schema.maxLength ?? 40, 40);
  const fits = (s: string) => s.length >= min && s.length <= (schema.maxLength ?? Infinity);
  const named = (pools.byName[name] ?? []).filter((v): v is string => typeof v === 'string');
  let valid: fc.Arbitrary<string>;
  if (schema.enum) {
    valid = fc.constantFrom(...(schema.enum as string[]));
  } else if (schema.format === 'date-time' || schema.format === 'date') {
    const date = fc
      .date({ min: new Date('1900-01-01'), max: new Date('2200-01-01'), noInvalidDate: true })
      .map((d) => (schema.format === 'date' ? d.toISOString().slice(0, 10) : d.toISOString()));
    valid = strict
      ? date
      : fc.oneof({ weight: 4, arbitrary: date }, fc.constantFrom(...HOSTILE_DATES));
  } else if (schema.format === 'email') {
    valid = fc.emailAddress().filter(fits);
  } else if (schema.format === 'uuid') {
    const uuids = poolOf(name, pools, 'string') as string[];
    valid = uuids.length > 0 ? fc.oneof(fc.constantFrom(...uuids), fc.uuid()) : fc.uuid();
  } else if (schema.pattern) {
    valid = fc.stringMatching(new RegExp(schema.pattern), { size: 'xsmall' }).filter(fits);
  } else {
    valid = anyString(min, Math.max(min, max));
  }
  if (named.length > 0) valid = fc.oneof(fc.constantFrom(...named), valid);
  if (strict) return valid;
  const tooLong =
    schema.maxLength !== undefined
      ? [fc.constant('y'.repeat(schema.maxLength + 1))]
      : [fc.constant('z'.repeat(70_000))];
  return fc.oneof(
    { weight: 8, arbitrary: valid },
    { weight: 2, arbitrary: hostileString },
    { weight: 1, arbitrary: fc.oneof(...tooLong) },
  );
}

function numberArb(
  schema: JsonSchema,
  name: string,
  pools: Pools,
  integer: boolean,
  strict: boolean,
): fc.Arbitrary<number> {
  const min = schema.minimum ?? -(2 ** 31);
  const max = schema.maximum ?? 2 ** 31 - 1;
  const inRange = integer
    ? fc.integer({ min: Math.max(min, Number.MIN_SAFE_INTEGER), max: Math.min(max, 2 ** 40) })
    : fc.double({ min, max, noNaN: true });
  const boundaries = strict
    ? fc.constantFrom(min, max)
    : fc.constantFrom(...BOUNDARY_NUMBERS, min - 1, max + 1, min, max);
  const ids = (poolOf(name, pools, 'number') as number[]).filter(
    (id) => !strict || (id >= min && id <= max),
  );
  const arbitraries = [
    { weight: 4, arbitrary: inRange },
    { weight: 2, arbitrary: boundaries },
  ];
  if (ids.length > 0) arbitraries.push({ weight: 4, arbitrary: fc.constantFrom(...ids) });
  return fc.oneof(...arbitraries);
}

function objectArb(
  schema: JsonSchema,
  pools: Pools,
  depth: number,
  strict: boolean,
): fc.Arbitrary<unknown> {
  const properties = schema.properties ?? {};
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, sub] of Object.entries(properties)) {
    model[key] = schemaValue(sub, pools, key, depth + 1, strict);
  }
  const required = (schema.required ?? []).filter((key) => key in properties);
  const base = fc.record(model, { requiredKeys: required });
  const free =
    schema.additionalProperties === false || (strict && Object.keys(properties).length > 0)
      ? fc.constant({})
      : fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), {
          maxKeys: Math.min(schema.maxProperties ?? 4, 4),
        });
  const extra = strict
    ? fc.constant({})
    : fc.oneof(
        { weight: 9, arbitrary: fc.constant({}) },
        { weight: 1, arbitrary: fc.record({ fuzz_extra: wrongType }) },
      );
  return fc
    .tuple(free, base, extra)
    .map(([f, b, e]) => Object.assign(Object.create(null) as object, f, b, e));
}

/**
 * A value for `schema`; `name` is the field's name (used to pick real ids). Valid-ish by
 * default (odd strings, boundary numbers, now and then a wrong type); `strict` keeps to what
 * the schema accepts, so that a single hostile field can be planted in an otherwise valid body.
 */
export function schemaValue(
  schema: JsonSchema,
  pools: Pools,
  name = '',
  depth = 0,
  strict = false,
): fc.Arbitrary<unknown> {
  // A strict value of a named field is one of the tenants' real values when there are some
  // (ids, but also a phone number, a country, a game config the template accepts).
  const named = (pools.byName[name] ?? []).filter((v) => mayAccept(schema, v));
  if (strict && name !== '' && named.length > 0) return fc.constantFrom(...named);
  let typed: fc.Arbitrary<unknown>;
  const type: string =
    (Array.isArray(schema.type)
      ? (schema.type as readonly string[])[0]
      : (schema.type as string | undefined)) ?? '';
  if (schema.anyOf && schema.anyOf.length > 0) {
    typed = fc.oneof(
      ...schema.anyOf.map((branch) => schemaValue(branch, pools, name, depth, strict)),
    );
  } else if (schema.enum && type !== 'string') {
    typed = fc.constantFrom(...schema.enum);
  } else {
    switch (type) {
      case 'string':
        typed = stringArb(schema, name, pools, strict);
        break;
      case 'integer':
        typed = numberArb(schema, name, pools, true, strict);
        break;
      case 'number':
        typed = numberArb(schema, name, pools, false, strict);
        break;
      case 'boolean':
        typed = fc.boolean();
        break;
      case 'null':
        typed = fc.constant(null);
        break;
      case 'array': {
        const maxLength = Math.min(schema.maxItems ?? 4, 4);
        const items = schemaValue(schema.items ?? {}, pools, name, depth + 1, strict);
        const constraints = { minLength: Math.min(schema.minItems ?? 0, maxLength), maxLength };
        typed =
          strict && schema.uniqueItems
            ? fc.uniqueArray(items, { ...constraints, selector: (v) => JSON.stringify(v) })
            : fc.array(items, constraints);
        break;
      }
      case 'object':
        typed = objectArb(schema, pools, depth, strict);
        break;
      default:
        typed = fc.jsonValue({ maxDepth: strict ? 2 : 3 });
    }
  }
  // The top level keeps its shape; below it, one field in ten gets a value of another type.
  if (depth === 0 || strict) return typed;
  return fc.oneof({ weight: 9, arbitrary: typed }, { weight: 1, arbitrary: wrongType });
}

/**
 * Values `schema` can never accept: the wrong top-level type, a required field (without a
 * default) missing or of a type it does not take, or a field where none may be added.
 * Undefined when the schema accepts anything.
 */
export function invalidValue(schema: JsonSchema, pools: Pools): fc.Arbitrary<unknown> | undefined {
  const options: fc.Arbitrary<unknown>[] = [];
  const accepted = acceptedTypes(schema);
  if (accepted) {
    const wrong = WRONG_VALUES.filter((value) => !accepted.has(jsonTypeOf(value)));
    if (wrong.length > 0) options.push(fc.constantFrom(...wrong));
  }
  const properties = schema.properties;
  if (schema.type === 'object' && properties && !schema.anyOf) {
    const valid = schemaValue(schema, pools) as fc.Arbitrary<Record<string, unknown>>;
    const droppable = (schema.required ?? []).filter(
      (key) => (properties[key] as { default?: unknown } | undefined)?.default === undefined,
    );
    if (droppable.length > 0) {
      options.push(
        fc.tuple(valid, fc.constantFrom(...droppable)).map(([value, key]) => {
          const copy = { ...value };
          delete copy[key];
          return copy;
        }),
      );
    }
    const typed = (schema.required ?? []).flatMap((key) => {
      const sub = properties[key];
      const types = sub ? acceptedTypes(sub) : undefined;
      if (!types) return [];
      const wrong = WRONG_VALUES.filter((value) => !types.has(jsonTypeOf(value)));
      return wrong.length > 0 ? [{ key, wrong }] : [];
    });
    if (typed.length > 0) {
      options.push(
        fc
          .tuple(valid, fc.constantFrom(...typed))
          .chain(([value, { key, wrong }]) =>
            fc.constantFrom(...wrong).map((bad) => ({ ...value, [key]: bad })),
          ),
      );
    }
    if (schema.additionalProperties === false) {
      options.push(valid.map((value) => ({ ...value, fuzz_not_a_field: 1 })));
    }
  }
  return options.length > 0 ? fc.oneof(...options) : undefined;
}
