import fc from 'fast-check';
import type { FuzzContext } from './fuzz-parts.ts';
import type { JsonSchema, Operation } from './fuzz-openapi.ts';
import { acceptedTypes, hostileString, invalidValue, schemaValue } from './fuzz-schema.ts';

/**
 * Request bodies: valid-ish JSON from the operation's schema, hostile JSON that may still be
 * accepted, and raw bodies no route can accept (broken JSON, invalid UTF-8, over the limit,
 * wrong content types, nesting bombs).
 */

const BULK_LIMIT = 4 * 1024 * 1024;
const DEFAULT_LIMIT = 64 * 1024;
const BODY_LIMITS: Readonly<Record<string, number>> = {
  'tables.insert': BULK_LIMIT,
  'players.batchUpsert': BULK_LIMIT,
  'voucherCodes.upload': 2 * 1024 * 1024,
  'playerEvents.recordBatch': 1024 * 1024,
};
/** Fields whose value is free-form JSON stored as jsonb: where nesting bombs are aimed. */
const FREE_FORM = ['metadata', 'traits', 'config', 'utm'];

export function jsonSchemaOf(op: Operation): JsonSchema | undefined {
  return op.body?.['application/json'];
}

function validBodyText(op: Operation, ctx: FuzzContext): fc.Arbitrary<string> {
  const schema = jsonSchemaOf(op);
  return schema
    ? schemaValue(schema, ctx.pools).map((v) => JSON.stringify(v) ?? 'null')
    : fc.constant('{}');
}

export type Breaker = 'auth' | 'body' | 'raw' | 'path' | 'query';

const WRONG_CONTENT_TYPES = [
  'application/xml',
  'text/html',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=zz',
  'application/octet-stream',
  'image/png',
  'application/jsonx',
  'application/json-patch+json',
  'json',
  'application/*',
];

export interface RawBody {
  readonly label: string;
  readonly contentType?: string | string[];
  readonly body: string | Buffer;
  readonly overLimit?: boolean;
}

const nestArray = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const nestObject = (depth: number, leaf = '1') => '{"a":'.repeat(depth) + leaf + '}'.repeat(depth);

const INVALID_JSON = [
  "{'a':1}",
  '{"a":1,}',
  '{"a":1}{"b":2}',
  '{"a":01}',
  '{"a":"\\x41"}',
  '{"a":"\\u12"}',
  '{"a":NaN}',
  '{"a":Infinity}',
  '{"a":undefined}',
  '{a:1}',
  '{"a":1',
  '"unterminated',
  '\u0000',
  '{"a":"b\u0000"}',
  '{"a":"line\nbreak"}',
  '}',
  '[,]',
  '{"":}',
  '/* comment */ {}',
];

/**
 * Request bodies no route can accept, whatever its schema: broken JSON, invalid UTF-8 outside
 * strings, bodies over the route's limit, content types no route parses.
 * `acceptsArrays`/`acceptsObjects` say which nesting bombs are also certain to fail.
 */
export function brokenBody(
  valid: fc.Arbitrary<string>,
  limit: number,
  accepts: { arrays: boolean; objectsWithAnyKey: boolean },
): fc.Arbitrary<RawBody> {
  const options: fc.Arbitrary<RawBody>[] = [
    fc.constantFrom(...INVALID_JSON).map((body) => ({
      label: 'raw:invalid-json',
      contentType: 'application/json',
      body,
    })),
    valid.chain((text) =>
      fc.integer({ min: 0, max: Math.max(0, text.length - 1) }).map((cut) => ({
        label: cut === 0 ? 'raw:empty' : 'raw:truncated',
        contentType: 'application/json',
        body: text.slice(0, cut),
      })),
    ),
    fc
      .constantFrom(
        [0xff, 0xfe],
        [0xc3, 0x28],
        [0xed, 0xa0, 0x80],
        [0xf8, 0x88, 0x80, 0x80, 0x80],
        [0x00],
      )
      .map((bytes) => ({
        label: 'raw:invalid-utf8',
        contentType: 'application/json',
        body: Buffer.concat([Buffer.from('{"a":1,'), Buffer.from(bytes), Buffer.from('}')]),
      })),
    fc.tuple(valid, fc.constantFrom(...WRONG_CONTENT_TYPES)).map(([body, contentType]) => ({
      label: 'raw:content-type',
      contentType,
      body,
    })),
    fc.constantFrom(1, 2).map((n) => ({
      label: 'raw:over-limit',
      contentType: 'application/json',
      body: `{"name":"${'x'.repeat(limit + n * 1024 * 1024)}"}`,
      overLimit: true,
    })),
  ];
  if (!accepts.arrays) {
    options.push(
      fc.constantFrom(100, 1000, 5000, 10_000).map((depth) => ({
        label: `raw:nested-array-${depth}`,
        contentType: 'application/json',
        body: nestArray(depth),
      })),
    );
  }
  if (!accepts.objectsWithAnyKey) {
    options.push(
      fc.tuple(fc.constantFrom(100, 1000, 5000, 10_000), fc.boolean()).map(([depth, proto]) => ({
        label: `raw:nested-object-${depth}${proto ? '-proto' : ''}`,
        contentType: 'application/json',
        body: nestObject(depth, proto ? '{"__proto__":{"polluted":1}}' : '1'),
      })),
    );
  }
  return fc.oneof(
    { weight: 4, arbitrary: fc.oneof(...options.slice(0, 4)) },
    { weight: 1, arbitrary: fc.oneof(...options.slice(4)) },
  );
}

/**
 * Hostile JSON that may still be acceptable: nesting bombs inside free-form fields (metadata,
 * traits, config, utm), invalid UTF-8 inside strings, a BOM, duplicate content types.
 */
export function oddBody(valid: fc.Arbitrary<string>, freeFields: readonly string[]) {
  const options: fc.Arbitrary<RawBody>[] = [
    fc
      .tuple(valid, fc.constantFrom([0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xe2, 0x82]))
      .map(([text, bytes]) => {
        const at = text.indexOf('":"');
        const cut = at < 0 ? 1 : at + 3;
        return {
          label: 'odd:invalid-utf8-in-string',
          contentType: 'application/json',
          body: Buffer.concat([
            Buffer.from(text.slice(0, cut)),
            Buffer.from(bytes),
            Buffer.from(text.slice(cut)),
          ]),
        };
      }),
    valid.map((text) => ({
      label: 'odd:bom',
      contentType: 'application/json',
      body: `\uFEFF${text}`,
    })),
    valid.map((text) => ({
      label: 'odd:charset',
      contentType: 'application/json; charset=latin1',
      body: text,
    })),
    valid.map((text) => ({
      label: 'odd:duplicate-content-type',
      contentType: ['application/json', 'text/plain'],
      body: text,
    })),
    valid.map((text) => ({
      label: 'odd:no-content-type',
      body: text,
    })),
    fc.constantFrom('null', '0', '""', '[]', '{}', 'true', '[{}]', '[null]').map((body) => ({
      label: 'odd:scalar',
      contentType: 'application/json',
      body,
    })),
  ];
  if (freeFields.length > 0) {
    options.push(
      fc
        .tuple(
          valid,
          fc.constantFrom(...freeFields),
          fc.constantFrom(500, 2000, 5000, 8000, 10_000),
          fc.constantFrom('array', 'object', 'string'),
        )
        .map(([text, field, depth, kind]) => {
          const inner =
            kind === 'array'
              ? nestArray(depth)
              : kind === 'object'
                ? nestObject(Math.floor(depth / 3))
                : `"${'\\u0000'.repeat(Math.floor(depth / 10))}"`;
          const bomb = kind === 'array' ? `{"k":${inner}}` : inner;
          const body = text.startsWith('{')
            ? `{"${field}":${bomb},${text.slice(1)}`.replace(/,}$/, '}')
            : `{"${field}":${bomb}}`;
          return { label: `odd:deep-${kind}-in-${field}`, contentType: 'application/json', body };
        }),
    );
  }
  return fc.oneof(...options);
}

export function bodyArbitrary(op: Operation, ctx: FuzzContext, breaker: Breaker | undefined) {
  if (!op.body) return fc.constant(undefined);
  const schema = jsonSchemaOf(op);
  const valid = validBodyText(op, ctx);
  if (breaker === 'body' && schema) {
    const invalid = invalidValue(schema, ctx.pools);
    if (invalid) {
      return invalid.map((v): RawBody => ({
        label: 'body:invalid',
        contentType: 'application/json',
        body: JSON.stringify(v) ?? 'null',
      }));
    }
  }
  if (breaker === 'raw') {
    const types = schema ? acceptedTypes(schema) : undefined;
    return brokenBody(valid, BODY_LIMITS[op.id] ?? DEFAULT_LIMIT, {
      arrays: types === undefined || types.has('array'),
      objectsWithAnyKey:
        schema?.additionalProperties !== false && (schema?.required ?? []).length === 0,
    });
  }
  const freeFields = FREE_FORM.filter((field) => JSON.stringify(schema ?? {}).includes(field));
  const text = op.body['text/csv'] ? [csvBody] : [];
  return fc.oneof(
    {
      weight: 8,
      arbitrary: valid.map((body): RawBody => ({
        label: 'body:valid-ish',
        contentType: 'application/json',
        body,
      })),
    },
    { weight: 2, arbitrary: oddBody(valid, freeFields) },
    ...text.map((arbitrary) => ({ weight: 2, arbitrary })),
  );
}

const csvBody: fc.Arbitrary<RawBody> = fc
  .tuple(
    fc.array(fc.oneof(fc.string({ maxLength: 70, unit: 'binary' }), hostileString), {
      minLength: 0,
      maxLength: 20,
    }),
    fc.constantFrom('text/csv', 'text/plain', 'text/csv; charset=utf-16'),
    fc.constantFrom('\n', '\r\n', '\r'),
  )
  .map(([lines, contentType, eol]) => ({
    label: 'body:csv',
    contentType,
    body: lines.map((line) => (line.includes(',') ? `"${line}",x` : line)).join(eol),
  }));
