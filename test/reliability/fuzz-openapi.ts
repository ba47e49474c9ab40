import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The subset of JSON Schema the committed openapi.json uses (TypeBox output, no $ref). */
export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly enum?: readonly unknown[];
  readonly format?: string;
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly items?: JsonSchema;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly uniqueItems?: boolean;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly maxProperties?: number;
  readonly anyOf?: readonly JsonSchema[];
}

export type Security = 'none' | 'bearer' | 'apiKey' | 'property';

export interface Param {
  readonly name: string;
  readonly required: boolean;
  readonly schema: JsonSchema;
}

/** One operation of the OpenAPI document, ready to be filled in by the fuzzer. */
export interface Operation {
  readonly id: string;
  readonly method: string;
  /** The path part of the documented key, e.g. `/api/games/{id}`. */
  readonly template: string;
  /** The fixed query of DailyPlay's `?action=` forms, e.g. `action=create-session`. */
  readonly fixedQuery: string;
  readonly pathParams: readonly Param[];
  readonly query: readonly Param[];
  /** Content types the body may have, with their schema; undefined when there is no body. */
  readonly body: Readonly<Record<string, JsonSchema>> | undefined;
  readonly security: Security;
  /** Statuses the operation documents with a `text/html` answer (a page for browsers). */
  readonly htmlStatuses: ReadonlySet<number>;
  /**
   * Whether it documents any 4xx. One that documents none (the email open pixel answers its
   * image whatever the message id) has no path value that must fail.
   */
  readonly documentsClientErrors: boolean;
}

interface RawParameter {
  in: string;
  name: string;
  required?: boolean;
  schema?: JsonSchema;
}
interface RawOperation {
  operationId?: string;
  parameters?: RawParameter[];
  requestBody?: { content: Record<string, { schema?: JsonSchema }> };
  security?: Record<string, unknown>[];
  responses?: Record<string, { content?: Record<string, unknown> }>;
}
interface Document {
  paths: Record<string, Record<string, RawOperation>>;
  security?: Record<string, unknown>[];
}

function securityOf(op: RawOperation, doc: Document): Security {
  const names = (op.security ?? doc.security ?? []).flatMap((entry) => Object.keys(entry));
  if (names.includes('propertyApiKey')) return 'property';
  if (names.includes('apiKey')) return 'apiKey';
  if (names.includes('bearerAuth')) return 'bearer';
  return 'none';
}

/** Every operation of openapi.json, the `?action=` forms included. */
export function loadOperations(): Operation[] {
  const file = join(import.meta.dirname, '..', '..', 'openapi.json');
  const doc = JSON.parse(readFileSync(file, 'utf8')) as Document;
  const operations: Operation[] = [];
  for (const [key, methods] of Object.entries(doc.paths)) {
    const [template = key, query = ''] = key.split('?');
    // `?action=validate-session&token={token}`: keep the action, fuzz the token as a query param.
    const fixedQuery = query
      .split('&')
      .filter((part) => part !== '' && !part.includes('{'))
      .join('&');
    const placeholders = new Set([...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]));
    for (const [method, op] of Object.entries(methods)) {
      const params = op.parameters ?? [];
      const toParam = (p: RawParameter): Param => ({
        name: p.name,
        required: p.required ?? false,
        schema: p.schema ?? {},
      });
      operations.push({
        id: op.operationId ?? `${method} ${key}`,
        method: method.toUpperCase(),
        template,
        fixedQuery,
        pathParams: params.filter((p) => p.in === 'path' && placeholders.has(p.name)).map(toParam),
        query: params.filter((p) => p.in === 'query').map(toParam),
        body: op.requestBody
          ? Object.fromEntries(
              Object.entries(op.requestBody.content).map(([type, c]) => [type, c.schema ?? {}]),
            )
          : undefined,
        security: securityOf(op, doc),
        htmlStatuses: new Set(
          Object.entries(op.responses ?? {})
            .filter(([, response]) => response.content?.['text/html'] !== undefined)
            .map(([status]) => Number(status)),
        ),
        documentsClientErrors: Object.keys(op.responses ?? {}).some((status) =>
          status.startsWith('4'),
        ),
      });
    }
  }
  return operations;
}
