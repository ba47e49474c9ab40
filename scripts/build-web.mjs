// Builds the dashboard (web/) when its inputs changed since the last build, else returns at once.
//   node scripts/build-web.mjs           typed client + Vite build + .gz/.br copies (npm prestart)
//   node scripts/build-web.mjs --types   only web/src/api/schema.d.ts (before lint and typecheck)
// Up to date means: the sha256 of every file under web/ (not dist/, not the generated client),
// openapi.json, package-lock.json and this script equals the one written next to the last
// build's output.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const web = join(root, 'web');
// PLAYLOOP_WEB_DIST builds elsewhere (the server then serves from there): two checkouts' worth
// of test runs in one working tree would otherwise rebuild web/dist under each other's feet.
const dist = process.env.PLAYLOOP_WEB_DIST
  ? resolve(process.env.PLAYLOOP_WEB_DIST)
  : join(web, 'dist');
const schemaFile = join(web, 'src', 'api', 'schema.d.ts');
const openapiFile = join(root, 'openapi.json');
const HASH_FILE = '.build-hash';
/** Served files worth compressing; @fastify/static serves the .br or .gz copy (preCompressed). */
const COMPRESSIBLE = /\.(js|css|html|svg|json)$/;

function sha256(...parts) {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
}

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return entry.name === 'dist' || entry.name === 'node_modules' ? [] : filesUnder(path);
    }
    return path === schemaFile ? [] : [path];
  });
}

/** The generated client starts with the hash of the openapi.json it was made from. */
async function ensureTypes() {
  const stamp = `// Generated from openapi.json ${sha256(readFileSync(openapiFile))}; do not edit.\n`;
  if (existsSync(schemaFile) && readFileSync(schemaFile, 'utf8').startsWith(stamp)) return false;
  const { default: openapiTS, astToString } = await import('openapi-typescript');
  const ast = await openapiTS(JSON.parse(readFileSync(openapiFile, 'utf8')));
  writeFileSync(schemaFile, stamp + astToString(ast));
  return true;
}

function inputsHash() {
  const files = [
    ...filesUnder(web),
    openapiFile,
    join(root, 'package-lock.json'),
    fileURLToPath(import.meta.url),
  ].sort();
  return sha256(...files.flatMap((file) => [relative(root, file), '\0', readFileSync(file), '\0']));
}

function precompress(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) precompress(path);
    else if (COMPRESSIBLE.test(entry.name) && statSync(path).size > 512) {
      const body = readFileSync(path);
      writeFileSync(`${path}.gz`, gzipSync(body, { level: 9 }));
      writeFileSync(
        `${path}.br`,
        brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
      );
    }
  }
}

const started = performance.now();
const since = () => `${Math.round(performance.now() - started)} ms`;
const generated = await ensureTypes();
if (process.argv.includes('--types')) {
  if (generated) console.log(`dashboard: web/src/api/schema.d.ts generated (${since()})`);
  process.exit(0);
}

const hash = inputsHash();
const hashPath = join(dist, HASH_FILE);
if (existsSync(hashPath) && readFileSync(hashPath, 'utf8') === hash) {
  console.log(`dashboard: web/dist is up to date (checked in ${since()})`);
  process.exit(0);
}

let vite;
try {
  vite = await import('vite');
} catch {
  console.error('dashboard: web/dist is out of date and vite is not installed (run npm ci)');
  process.exit(1);
}
console.log('dashboard: building web/ with Vite…');
rmSync(hashPath, { force: true });
// Always React's production build: vitest's globalSetup, for one, runs this with NODE_ENV=test,
// which would otherwise give a development bundle (~40% larger, slower).
process.env.NODE_ENV = 'production';
await vite.build({
  configFile: join(web, 'vite.config.ts'),
  mode: 'production',
  logLevel: 'warn',
  build: { outDir: dist, emptyOutDir: true },
});
precompress(dist);
writeFileSync(hashPath, hash);
console.log(`dashboard: built ${relative(root, dist) || dist} in ${since()}`);
