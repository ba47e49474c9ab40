import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../src/db/connect.ts';
import { runCli, runCliJson } from './cli.ts';
import { writePlayersCsv } from './players-csv.ts';

/**
 * `npm run cli -- players import`: the real command as a child process, on a 100,000-row file.
 * The rows are then counted in the database the command wrote to.
 */

const ROWS = 100_000;
let dir: string;
let dataDir: string;
let propertyId: string;
let csvPath: string;

/** Opens the database the CLI used (PGlite allows one process at a time: only between runs). */
async function countPlayers(where = sql`TRUE`): Promise<number> {
  const testUrl = process.env.TEST_DATABASE_URL;
  const database = await connectDatabase(
    testUrl ? { kind: 'postgres', url: testUrl, poolSize: 1 } : { kind: 'pglite', dataDir },
  );
  try {
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM players WHERE property_id = ${propertyId} AND ${where}`.execute(
      database.db,
    );
    return rows[0]?.n ?? -1;
  } finally {
    await database.close();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'playloop-import-'));
  dataDir = join(dir, 'data');
  csvPath = join(dir, 'players.csv');
  await writePlayersCsv(csvPath, ROWS);
  const org = await runCliJson<{ id: number }>(
    dataDir,
    `org create --name Import-Casino --slug import-${randomBytes(5).toString('hex')}`,
  );
  const property = await runCliJson<{ id: string }>(
    dataDir,
    `property create --org ${org.id} --name Riverside`,
  );
  propertyId = property.id;
}, 120_000);

/** `players import --property <id> --file <path> …extra`. */
const importFile = (path: string, ...extra: string[]) =>
  runCli(dataDir, ['players', 'import', '--property', propertyId, '--file', path, ...extra]);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('players import (CLI)', () => {
  it(`imports ${ROWS.toLocaleString('en-US')} rows with a progress bar, and a second run converges`, async () => {
    const first = await importFile(csvPath, '--json');
    expect(first.code, first.stderr).toBe(0);
    const summary = JSON.parse(first.stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({ rows: ROWS, inserted: ROWS, updated: 0, rejected: 0 });
    // Not a terminal: one progress line per 10 %, ending at 100 % with every row counted.
    const progress = first.stderr.trim().split('\n');
    expect(progress.length).toBeGreaterThanOrEqual(5);
    expect(progress.length).toBeLessThanOrEqual(12);
    expect(progress.at(-1)).toMatch(/^players import \[#{30}\] 100% 100,000 rows · /);
    console.info(`players import: ${ROWS} rows in ${String(summary.seconds)} s`);

    expect(await countPlayers()).toBe(ROWS);
    expect(await countPlayers(sql`status = 'inactive'`)).toBe(Math.ceil(ROWS / 7));
    expect(
      await countPlayers(
        sql`player_id = 'P12345' AND first_name = 'First12345' AND last_name = 'Last, 12345'
            AND adt = 345.5 AND coin_in = 123450 AND phone = '+17025552345'
            AND traits = '{"host":"host0"}'::jsonb AND date_of_birth = '1980-01-26'`,
      ),
    ).toBe(1);

    const second = await importFile(csvPath);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(
      /^imported 100,000 rows into property .* 0 inserted, 100,000 updated, 0 rejected\n$/,
    );
    expect(await countPlayers()).toBe(ROWS);
  }, 240_000);

  it('rejects bad rows with their line numbers, imports the rest and exits 3', async () => {
    const path = join(dir, 'mixed.csv');
    const errorsPath = join(dir, 'rejected.csv');
    await writePlayersCsv(path, 0);
    const rows = [
      'M1,m1@example.test,,Ann,,,,,,,,',
      'M2,not-an-email,,Bob,,,,,,,,',
      'M3,,,Cy,,,,lots,,,,',
      'M4,,,"Dee',
      'says ""hi""",,,,,,,,',
      'M5,too,few',
      ',,,NoId,,,,,,,,',
    ];
    appendFileSync(path, `${rows.join('\n')}\n`);
    const result = await importFile(path, '--errors', errorsPath);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stdout).toContain('2 inserted, 0 updated, 4 rejected');
    expect(result.stdout).toContain('line 3 (M2): email "not-an-email" is not a valid email');
    expect(result.stdout).toContain('line 4 (M3): adt "lots" is not a number');
    expect(result.stdout).toContain('line 7 (M5): has 3 fields but the header has 12');
    expect(result.stdout).toContain('line 8: player_id is required');
    const errors = readFileSync(errorsPath, 'utf8').trim().split('\n');
    expect(errors[0]).toBe('line,player_id,error');
    expect(errors).toHaveLength(5);
    // The quoted cell ran over two lines and kept its newline and quotes.
    expect(await countPlayers(sql`player_id = 'M4' AND first_name = ${'Dee\nsays "hi"'}`)).toBe(1);
  }, 60_000);

  it('stops before writing anything when the header is wrong, the file is missing or the property unknown', async () => {
    const path = join(dir, 'bad-header.csv');
    writeFileSync(path, 'player_id,emial\nX1,x1@example.test\n');
    const before = await countPlayers();
    const header = await importFile(path);
    expect(header.code).toBe(2);
    expect(header.stderr).toContain('Unknown column "emial" in the header');

    const missing = await importFile(join(dir, 'nope.csv'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--file .*nope\.csv: ENOENT/);

    const unknown = await runCli(dataDir, [
      'players',
      'import',
      '--property',
      '00000000-0000-4000-8000-000000000000',
      '--file',
      csvPath,
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('error: Property not found\n');
    expect(await countPlayers()).toBe(before);
  }, 60_000);
});
