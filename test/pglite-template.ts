import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectDatabase, type Database } from '../src/db/connect.ts';
import { migrate } from '../src/db/migrate.ts';

/*
 * A fresh embedded database costs seconds (initdb inside WebAssembly, then every migration), and
 * the suite opens one per test file. The first opening in a run migrates and dumps the result
 * to a tarball in the temp folder, named by a hash of the migrations and the PGlite version; the
 * others load it (about a second) and run `migrate`, which finds nothing to do. A changed
 * migration changes the name, so a stale template is never used.
 */

const MIGRATIONS = new URL('../src/db/migrations/', import.meta.url);
const PGLITE_PACKAGE = new URL(
  '../node_modules/@electric-sql/pglite/package.json',
  import.meta.url,
);
const PREFIX = 'playloop-pglite-template-';

function templatePath(): string {
  const hash = createHash('sha256');
  hash.update(readFileSync(PGLITE_PACKAGE));
  for (const name of readdirSync(MIGRATIONS).sort()) {
    hash.update(name).update(readFileSync(new URL(name, MIGRATIONS)));
  }
  return join(tmpdir(), `${PREFIX}${hash.digest('hex').slice(0, 16)}.tar`);
}

function readTemplate(path: string): Blob | undefined {
  try {
    return new Blob([readFileSync(path)]);
  } catch {
    return undefined;
  }
}

/** Writes the template whole or not at all (a rename), and drops templates of older schemas. */
async function saveTemplate(database: Database, path: string): Promise<void> {
  if (!database.dumpDataDir) return;
  const dump = Buffer.from(await (await database.dumpDataDir()).arrayBuffer());
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, dump);
  renameSync(partial, path);
  for (const name of readdirSync(tmpdir())) {
    const other = join(tmpdir(), name);
    if (name.startsWith(PREFIX) && name.endsWith('.tar') && other !== path) {
      rmSync(other, { force: true });
    }
  }
}

/** A migrated in-memory PGlite database, from the run's template when there is one. */
export async function openPgliteFromTemplate(): Promise<Database> {
  const path = templatePath();
  const template = readTemplate(path);
  const database = await connectDatabase({
    kind: 'pglite',
    dataDir: 'memory://',
    ...(template ? { loadDataDir: template } : {}),
  });
  await migrate(database);
  if (!template) await saveTemplate(database, path);
  return database;
}
