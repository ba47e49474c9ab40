import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { connectDatabase } from '../db/connect.ts';
import { closeDeps, createDeps } from '../deps.ts';

const OUTPUT = fileURLToPath(new URL('../../openapi.json', import.meta.url));

/**
 * `npm run openapi` writes the OpenAPI document the routes declare to openapi.json;
 * `npm run openapi -- --check` fails (exit 1) when the committed file is not what they declare.
 */
async function main(): Promise<number> {
  const check = process.argv.slice(2).includes('--check');
  // The document depends on the routes only; a throwaway database keeps this self-contained.
  const config = loadConfig({
    ...process.env,
    SEED_DEMO: 'false',
    DATABASE_URL: undefined,
    REDIS_URL: undefined,
  });
  const database = await connectDatabase({ kind: 'pglite', dataDir: 'memory://' });
  const deps = await createDeps(config, { database });
  const app = await buildApp(deps);
  let document: string;
  try {
    await app.ready();
    document = JSON.stringify(app.swagger(), null, 2) + '\n';
  } finally {
    await app.close();
    await closeDeps(deps);
  }

  if (!check) {
    writeFileSync(OUTPUT, document);
    process.stdout.write(`wrote ${OUTPUT}\n`);
    return 0;
  }
  let committed: string | undefined;
  try {
    committed = readFileSync(OUTPUT, 'utf8');
  } catch {
    committed = undefined;
  }
  if (committed !== document) {
    const problem = committed === undefined ? 'is missing' : 'is out of date with the routes';
    process.stderr.write(`${OUTPUT} ${problem}: run \`npm run openapi\` and commit the result\n`);
    return 1;
  }
  process.stdout.write(`${OUTPUT} is up to date\n`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`openapi failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
