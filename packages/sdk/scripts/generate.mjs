// Writes src/schema.d.ts, the API's types, from the repository's openapi.json (or the file named
// by the first argument). Run by `npm run generate`, by `prepack`, and by the root project's
// lint and typecheck scripts. Skips the work when the file already matches openapi.json's hash.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(new URL('..', import.meta.url));

/** Generates the types when openapi.json changed; answers whether it wrote the file. */
export async function generateSchema(openapiFile = resolve(here, '../../openapi.json')) {
  const schemaFile = resolve(here, 'src/schema.d.ts');
  const source = readFileSync(openapiFile);
  const hash = createHash('sha256').update(source).digest('hex');
  const stamp = `// Generated from openapi.json ${hash}; do not edit (npm run generate).\n`;
  if (existsSync(schemaFile) && readFileSync(schemaFile, 'utf8').startsWith(stamp)) return false;
  const { default: openapiTS, astToString } = await import('openapi-typescript');
  const ast = await openapiTS(JSON.parse(source.toString('utf8')));
  writeFileSync(schemaFile, stamp + astToString(ast));
  return true;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const written = await generateSchema(process.argv[2] ? resolve(process.argv[2]) : undefined);
  if (written) console.log('sdk: src/schema.d.ts generated');
}
