import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ALLOWLIST,
  BODY_OVERRIDES,
  EXTRA_QUERY,
  ID_LIKE,
  type Location,
  type Role,
  ruleFor,
  VALUES,
} from './walls-rules.ts';
import type { Kind } from './walls-seed.ts';

/**
 * The tenant-walls matrix, generated from openapi.json: for every operation, where a reference
 * to a tenant object goes (path, query, header, body), as slots that walls-variants.ts fills
 * with tenant B's objects while the credential is tenant A's. Which object fills a slot is
 * walls-rules.ts.
 */

export class Slot {
  readonly name: string;
  readonly location: Location;
  readonly kind: Kind;
  readonly role: Role;
  readonly required: boolean;
  readonly list: boolean;
  constructor(
    name: string,
    location: Location,
    kind: Kind,
    role: Role,
    required: boolean,
    list: boolean,
  ) {
    this.name = name;
    this.location = location;
    this.kind = kind;
    this.role = role;
    this.required = required;
    this.list = list;
  }
  get label(): string {
    return `${this.location}.${this.name}`;
  }
}

/** The operation being read, and what of it could not be mapped. */
interface Context {
  readonly operationId: string;
  readonly path: string;
  readonly unmapped: string[];
}

const ruleOf = (ctx: Context, location: Location, name: string) =>
  ruleFor(ctx.operationId, ctx.path, location, name);

interface Schema {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  minItems?: number;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  format?: string;
}

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: Schema;
}

interface Operation {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}

interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

const ROOT = join(import.meta.dirname, '..', '..');
const spec = JSON.parse(readFileSync(join(ROOT, 'openapi.json'), 'utf8')) as OpenApi;

function resolve(schema: Schema): Schema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.split('/').pop() ?? '';
  return spec.components?.schemas?.[name] ?? {};
}

function sample(schema: Schema, name: string): unknown {
  const byName = VALUES[name];
  if (byName) return byName();
  if (schema.enum) return schema.enum[0];
  if (schema.type === 'integer' || schema.type === 'number') {
    return Math.min(Math.max(schema.minimum ?? 1, 1), schema.maximum ?? Number.MAX_SAFE_INTEGER);
  }
  if (schema.type === 'boolean') return false;
  if (schema.type !== 'string') return undefined;
  if (schema.format === 'date-time') return new Date(Date.now() + 30 * 86_400_000).toISOString();
  return `walls-${randomBytes(3).toString('hex')}`.slice(0, schema.maxLength ?? 64);
}

/** A body with slots where tenant objects go: required fields, plus every mapped reference. */
function generate(ctx: Context, schema: Schema, path: string, required: boolean): unknown {
  const s = resolve(schema);
  const branches = s.anyOf ?? s.oneOf;
  if (branches) {
    const chosen = branches.map(resolve).find((branch) => branch.type !== 'null');
    return chosen ? generate(ctx, chosen, path, required) : null;
  }
  const leaf = path.split('.').pop() ?? path;
  if (ID_LIKE.test(leaf)) {
    const rule = ruleOf(ctx, 'body', path);
    if (!rule) {
      ctx.unmapped.push(`${ctx.operationId} body.${path}`);
      return undefined;
    }
    if ('omit' in rule) return undefined;
    if ('constant' in rule) return rule.constant;
    if (!required && rule.role === 'scoped') return undefined;
    return new Slot(path, 'body', rule.kind, rule.role, required, s.type === 'array');
  }
  if (s.type === 'object' || s.properties) {
    const result: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(s.properties ?? {})) {
      const isRequired = s.required?.includes(key) ?? false;
      const childPath = path ? `${path}.${key}` : key;
      const value = generate(ctx, child, childPath, isRequired);
      const keep = isRequired || value instanceof Slot || containsSlot(value);
      if (value !== undefined && keep) result[key] = value;
    }
    return result;
  }
  if (s.type === 'array') {
    if (!required && !(s.minItems && s.minItems > 0)) return undefined;
    const item = s.items ? generate(ctx, s.items, `${path}[]`, true) : undefined;
    return item === undefined ? [] : [item];
  }
  if (!required) return undefined;
  return sample(s, leaf);
}

function containsSlot(value: unknown): boolean {
  if (value instanceof Slot) return true;
  if (Array.isArray(value)) return value.some(containsSlot);
  if (value && typeof value === 'object') return Object.values(value).some(containsSlot);
  return false;
}

function slotsIn(value: unknown, into: Slot[] = []): Slot[] {
  if (value instanceof Slot) into.push(value);
  else if (Array.isArray(value)) for (const item of value) slotsIn(item, into);
  else if (value && typeof value === 'object')
    for (const item of Object.values(value)) slotsIn(item, into);
  return into;
}

/** One request shape of an operation (one per body branch), with its slots. */
export interface Template {
  readonly operationId: string;
  readonly method: string;
  /** `operationId` plus `#n` when the body has several branches. */
  readonly id: string;
  readonly path: string;
  readonly pathParams: readonly [string, Slot | string][];
  readonly query: readonly [string, Slot | string][];
  readonly headers: readonly [string, Slot][];
  readonly body: unknown;
  readonly slots: readonly Slot[];
}

export interface Matrix {
  readonly templates: Template[];
  readonly operations: string[];
  readonly allowlisted: string[];
  /** Operations or parameters the generator could not map; must be empty. */
  readonly unmapped: string[];
  /** Allowlist entries naming no operation of openapi.json; must be empty. */
  readonly staleAllowlist: string[];
}

function templatesOf(
  method: string,
  pathKey: string,
  op: Operation,
  operationId: string,
  unmapped: string[],
): Template[] {
  const [path = pathKey, literalQuery = ''] = pathKey.split('?');
  const ctx: Context = { operationId, path, unmapped };
  /** A slot for a hand-written body: `name` picks the rule, `field` is where it goes. */
  const slotFor = (name: string, field = name): Slot => {
    const rule = ruleOf(ctx, 'body', name);
    if (!rule || !('kind' in rule)) throw new Error(`no object rule for body.${name}`);
    return new Slot(field, 'body', rule.kind, rule.role, true, false);
  };
  const params = op.parameters ?? [];
  const pathParams: [string, Slot | string][] = [];
  for (const name of [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '')) {
    const rule = ruleOf(ctx, 'path', name);
    if (!rule || 'omit' in rule) unmapped.push(`${operationId} path.${name}`);
    else if ('constant' in rule) pathParams.push([name, rule.constant]);
    else pathParams.push([name, new Slot(name, 'path', rule.kind, rule.role, true, false)]);
  }
  const query: [string, Slot | string][] = [];
  for (const pair of literalQuery.split('&').filter(Boolean)) {
    const [name = '', value = ''] = pair.split('=');
    if (!value.startsWith('{')) query.push([name, value]);
  }
  const headers: [string, Slot][] = [];
  for (const param of params) {
    if (param.in !== 'query' && param.in !== 'header') continue;
    const location = param.in;
    const name = location === 'header' ? param.name.toLowerCase() : param.name;
    const required = param.required ?? false;
    if (ID_LIKE.test(name)) {
      const rule = ruleOf(ctx, location, name);
      if (!rule) unmapped.push(`${operationId} ${location}.${name}`);
      else if ('kind' in rule && (required || rule.role !== 'scoped')) {
        const slot = new Slot(name, location, rule.kind, rule.role, required, false);
        if (location === 'header') headers.push([name, slot]);
        else query.push([name, slot]);
      } else if ('constant' in rule) query.push([name, rule.constant]);
    } else if (required && location === 'query') {
      query.push([name, String(sample(param.schema ?? {}, name))]);
    }
  }
  for (const [name, kind] of EXTRA_QUERY[operationId] ?? []) {
    query.push([name, new Slot(name, 'query', kind, 'filter', false, false)]);
  }
  const schema = op.requestBody?.content['application/json']?.schema;
  let bodies: unknown[] = [undefined];
  const override = BODY_OVERRIDES[operationId];
  if (override) bodies = override(slotFor);
  else if (schema) {
    const s = resolve(schema);
    const branches = s.anyOf ?? s.oneOf;
    bodies = branches
      ? branches.map((branch) => generate(ctx, branch, '', true))
      : [generate(ctx, s, '', true)];
  }
  const shared = [
    ...pathParams.flatMap(([, v]) => (v instanceof Slot ? [v] : [])),
    ...query.flatMap(([, v]) => (v instanceof Slot ? [v] : [])),
    ...headers.map(([, v]) => v),
  ];
  return bodies.map((body, index) => ({
    operationId,
    method: method.toUpperCase(),
    id: bodies.length > 1 ? `${operationId}#${index + 1}` : operationId,
    path,
    pathParams,
    query,
    headers,
    body,
    slots: [...shared, ...slotsIn(body)],
  }));
}

export function buildMatrix(): Matrix {
  const templates: Template[] = [];
  const operations: string[] = [];
  const allowlisted: string[] = [];
  const unmapped: string[] = [];
  for (const [pathKey, methods] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const operationId = op.operationId;
      if (!operationId) continue;
      if (ALLOWLIST[operationId]) {
        allowlisted.push(operationId);
        continue;
      }
      operations.push(operationId);
      const made = templatesOf(method, pathKey, op, operationId, unmapped);
      for (const template of made) {
        if (!template.slots.some((slot) => slot.role !== 'credential')) {
          unmapped.push(`${template.id}: names no tenant object (map a parameter or allowlist it)`);
        }
      }
      templates.push(...made);
    }
  }
  const known = new Set([...operations, ...allowlisted]);
  return {
    templates,
    operations,
    allowlisted,
    unmapped,
    staleAllowlist: Object.keys(ALLOWLIST).filter((id) => !known.has(id)),
  };
}
