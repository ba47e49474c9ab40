import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './harness.ts';

type Schema = {
  $ref?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  required?: string[];
  anyOf?: Schema[];
  content?: Record<string, { schema: Schema }>;
};
type Operation = {
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, Schema>;
  parameters?: { name: string; in: string }[];
};
type Document = {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; responses?: Record<string, Schema> };
};

const spec = JSON.parse(
  readFileSync(new URL('../../shared/spec/dailyplay-openapi.json', import.meta.url), 'utf8'),
) as Document;

function resolve(doc: Document, schema: Schema | undefined): Schema | undefined {
  let current = schema;
  for (let i = 0; current?.$ref && i < 5; i++) {
    const [, section, name] = /#\/components\/(schemas|responses)\/(.+)$/.exec(current.$ref) ?? [];
    if (!section || !name) return undefined;
    current = (section === 'schemas' ? doc.components.schemas : doc.components.responses)?.[name];
  }
  return current;
}

/** Properties of an object schema, looking through `anyOf` (nullable) wrappers. */
function properties(doc: Document, schema: Schema | undefined): Record<string, Schema> {
  const resolved = resolve(doc, schema);
  if (resolved?.properties) return resolved.properties;
  for (const option of resolved?.anyOf ?? []) {
    const found = properties(doc, option);
    if (Object.keys(found).length) return found;
  }
  return {};
}

const jsonBody = (doc: Document, response: Schema | undefined) =>
  resolve(doc, resolve(doc, response)?.content?.['application/json']?.schema);

let h: Harness;
let ours: Document;
beforeAll(async () => {
  h = await createHarness();
  ours = h.app.swagger() as unknown as Document;
});
afterAll(async () => {
  await h.close();
});

const operations = Object.entries(spec.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, op]) => ({ path, method, op })),
);

describe("DailyPlay's OpenAPI document against ours", () => {
  it.each(operations)('has $method $path', ({ path, method }) => {
    expect(ours.paths[path]?.[method], `${method} ${path}`).toBeDefined();
  });

  it.each(operations)(
    '$method $path accepts every documented request field',
    ({ path, method, op }) => {
      const theirs = properties(spec, op.requestBody?.content['application/json']?.schema);
      const mine = properties(
        ours,
        ours.paths[path]?.[method]?.requestBody?.content['application/json']?.schema,
      );
      for (const field of Object.keys(theirs)) expect(mine, field).toHaveProperty(field);
      const theirParams = (op.parameters ?? []).map((p) => `${p.in}:${p.name}`);
      const myParams = (ours.paths[path]?.[method]?.parameters ?? []).map(
        (p) => `${p.in}:${p.name}`,
      );
      for (const parameter of theirParams) expect(myParams).toContain(parameter);
    },
  );

  it.each(operations)(
    '$method $path answers every documented status and field',
    ({ path, method, op }) => {
      const mine = ours.paths[path]?.[method];
      for (const status of Object.keys(op.responses)) {
        expect(mine?.responses, `status ${status}`).toHaveProperty(status);
      }
      const theirData = properties(
        spec,
        properties(spec, jsonBody(spec, op.responses['200'])).data,
      );
      const myData = properties(
        ours,
        properties(ours, jsonBody(ours, mine?.responses['200'])).data,
      );
      for (const field of Object.keys(theirData))
        expect(myData, `data.${field}`).toHaveProperty(field);
    },
  );

  it('resolves the documented fields it compares (the checks above are not vacuous)', () => {
    const create = spec.paths['/api/org-api-keys?action=create-session']!.post!;
    const data = properties(spec, properties(spec, jsonBody(spec, create.responses['200'])).data);
    expect(Object.keys(data)).toEqual([
      'token',
      'stream_id',
      'game_id',
      'expires_at',
      'external_ref',
    ]);
    const mine = ours.paths['/api/org-api-keys?action=create-session']!.post!;
    const myData = properties(ours, properties(ours, jsonBody(ours, mine.responses['200'])).data);
    expect(Object.keys(myData)).toContain('play_url');
    const body = properties(spec, create.requestBody?.content['application/json']?.schema);
    expect(Object.keys(body)).toContain('expires_in_minutes');
  });
});
