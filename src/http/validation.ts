import { Ajv, type ErrorObject, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';

function makeAjv(options: Options): Ajv {
  const ajv = new Ajv({ allErrors: false, useDefaults: true, removeAdditional: false, ...options });
  addFormats.default(ajv);
  return ajv;
}

// Query strings and path parameters are text on the wire, so "42" must become 42 there. JSON
// bodies carry real types: coercing them would turn `"is_active": "false"` into a revoke or
// `true` into org 1, so a wrong type in a body is a 400.
const coercing = makeAjv({ coerceTypes: 'array' });
const strict = makeAjv({ coerceTypes: false });

/** Deepest nesting of objects and arrays a request may carry (bodies, metadata, traits). */
export const MAX_DEPTH = 64;

/** In a `u` regular expression a surrogate pair is one code point: this finds unpaired ones. */
const UNPAIRED_SURROGATE = /[\uD800-\uDFFF]/u;

/** Why a string is not storable text, or undefined. */
function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain NUL characters';
  if (UNPAIRED_SURROGATE.test(text))
    return 'must be valid Unicode (it holds an unpaired surrogate)';
  return undefined;
}

/**
 * The first value of `data` no route may receive, with the reason, or undefined:
 * - a string (or object key) holding U+0000, which PostgreSQL text and jsonb cannot store, or
 *   an unpaired surrogate (`"\udfff"` is valid JSON, not Unicode), which jsonb refuses;
 * - a number that is not finite: Ajv's coercion turns the query string "Infinity" into
 *   Infinity and then skips `minimum`/`maximum`, which only apply to finite numbers;
 * - nesting deeper than MAX_DEPTH: JSON.parse takes any depth, but JSON.stringify (metadata,
 *   traits) and PostgreSQL's jsonb parser recurse, and overflow on a few thousand levels.
 * Iterative, and it stops at MAX_DEPTH, so a bomb of 10,000 levels costs little.
 */
export function refusedValue(data: unknown): { pointer: string; message: string } | undefined {
  const stack: [unknown, string, number][] = [[data, '', 0]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [value, pointer, depth] = next;
    if (typeof value === 'string') {
      const problem = textProblem(value);
      if (problem) return { pointer, message: problem };
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) return { pointer, message: 'must be a finite number' };
    } else if (typeof value === 'object' && value !== null) {
      if (depth === MAX_DEPTH) {
        return { pointer, message: `must not be nested more than ${MAX_DEPTH} levels deep` };
      }
      const entries = Array.isArray(value)
        ? value.map((item, i): [string, unknown] => [String(i), item])
        : Object.entries(value);
      for (const [key, item] of entries) {
        const problem = textProblem(key);
        if (problem) return { pointer, message: `has a key that ${problem}` };
        stack.push([item, `${pointer}/${key}`, depth + 1]);
      }
    }
  }
  return undefined;
}

/** The route's schema, then rules for every route (see `refusedValue`). */
export const validatorCompiler: FastifySchemaCompiler<FastifySchema> = ({ schema, httpPart }) => {
  const validate = (httpPart === 'body' ? strict : coercing).compile(schema as object);
  const checked = (data: unknown): boolean => {
    if (!validate(data)) {
      checked.errors = validate.errors ?? null;
      return false;
    }
    const refused = refusedValue(data);
    checked.errors = refused
      ? [
          {
            keyword: 'refused',
            instancePath: refused.pointer,
            schemaPath: '#',
            params: {},
            message: refused.message,
          },
        ]
      : null;
    return refused === undefined;
  };
  checked.errors = null as ErrorObject[] | null;
  return checked;
};
