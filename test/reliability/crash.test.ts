import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticateApiKey } from '../../src/modules/api-keys/index.ts';
import { createSession } from '../../src/modules/sessions/index.ts';
import { makePropertyTenant, makeTenant, type Tenant } from '../factories.ts';
import type { Harness } from '../harness.ts';
import { type KillRun, streamThenKill, waitForOrphanedStatements } from './crash-helpers.ts';
import { recordFigure, recordSecrets } from './figures.ts';
import { type Answer, postJson, request, runConcurrently, statusCounts } from './load.ts';
import { writePlayersCsv } from '../players-csv.ts';
import { openSeeder } from './seeder.ts';
import { type ServerProcess, serverEnv, spawnLogged, startServer } from './server.ts';

/**
 * Promise 3: a process killed with SIGKILL loses nothing it acknowledged and does nothing
 * twice. A 200 that reached a client is committed; whatever was in flight at the kill either
 * happened once or not at all; an interrupted CSV import converges when run again.
 */
const SECTION = '3. Crash';
const CLIENTS = 32;
const IMPORT_ROWS = 100_000;

let h: Harness;
let server: ServerProcess;
let dir: string;

beforeAll(async () => {
  h = await openSeeder('crash');
  server = await startServer('crash');
  dir = mkdtempSync(join(tmpdir(), 'playloop-crash-'));
});

afterAll(async () => {
  await server.kill();
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

const figure = (name: string, value: string | number, expected?: string) =>
  recordFigure({ section: SECTION, name, value, ...(expected === undefined ? {} : { expected }) });

const count = (n: number) => n.toLocaleString('en-US');

async function sessionTenant(): Promise<Tenant> {
  const t = await makeTenant(h, { perMinute: 1_000_000, perDay: 100_000_000 });
  recordSecrets(t.owner.password);
  return t;
}

/** Restarts the killed server and returns how long it took to answer /readyz. */
async function restart(): Promise<number> {
  const started = performance.now();
  server = await server.restart();
  return Math.round(performance.now() - started);
}

/** The answers of a kill run: what reached clients with 200, what failed, anything else. */
function outcomes<T>(run: KillRun<T>) {
  const ok = run.sent.filter((s) => s.answer.status === 200);
  const failed = run.sent.filter((s) => s.answer.status === 0);
  const other = run.sent.filter((s) => s.answer.status !== 200 && s.answer.status !== 0);
  return { ok, failed, other };
}

const tokenOf = (answer: Answer) =>
  (JSON.parse(answer.body) as { data: { token: string } }).data.token;

describe('crash: kill -9 mid-stream', () => {
  it('keeps every acknowledged session, once, through a kill -9 under create-session load', async () => {
    const t = await sessionTenant();
    const url = `${server.url}/api/org-api-keys?action=create-session`;
    const run = await streamThenKill(server, {
      clients: CLIENTS,
      killAfterMs: 2000,
      next: () => ({ game_id: t.gameIds[0] }),
      send: (body) => postJson(url, body, t.keyHeaders),
    });
    const restartMs = await restart();
    const { ok, failed, other } = outcomes(run);
    const acknowledged = ok.map((s) => tokenOf(s.answer));
    const distinct = new Set(acknowledged);

    await waitForOrphanedStatements(h.deps.database.db, 'game_sessions');
    const { rows } = await sql<{ token: string; n: number }>`
      SELECT token::text AS token, count(*)::int AS n FROM game_sessions
       WHERE api_key_id = ${t.keyId} GROUP BY token`.execute(h.deps.database.db);
    const stored = new Map(rows.map((row) => [row.token, row.n]));
    const rowCount = rows.reduce((sum, row) => sum + row.n, 0);
    const missing = acknowledged.filter((token) => stored.get(token) !== 1);

    const validated = await runConcurrently(
      acknowledged.map(
        (token) => () =>
          request(`${server.url}/api/org-api-keys?action=validate-session&token=${token}`),
      ),
      CLIENTS,
    );
    const valid = validated.filter(
      (a) => a.status === 200 && (JSON.parse(a.body) as { data: { valid: boolean } }).data.valid,
    ).length;

    figure('create-session: answers received before the kill', count(run.answeredBeforeKill));
    figure('create-session: sessions acknowledged (200 with a token)', count(acknowledged.length));
    figure('create-session: requests in flight at the kill', run.inFlightAtKill);
    figure('create-session: requests failed by the kill (connection error)', failed.length);
    figure('create-session: other answers (not 200, not a connection error)', other.length, '0');
    figure(
      'create-session: rows in the database for the key',
      count(rowCount),
      `acknowledged + 0 … ${run.inFlightAtKill} (in flight)`,
    );
    figure('create-session: acknowledged but missing in the database', missing.length, '0');
    figure(
      'create-session: duplicate tokens (answers and rows)',
      acknowledged.length - distinct.size + (rowCount - stored.size),
      '0',
    );
    figure(
      'create-session: acknowledged tokens valid after the restart',
      count(valid),
      `= ${count(acknowledged.length)}`,
    );
    figure('create-session: restart time (ms to ready)', restartMs);

    expect(run.ranDry).toBe(false);
    expect(run.answeredBeforeKill).toBeGreaterThan(0);
    expect(other.map((s) => s.answer.status)).toEqual([]);
    expect(distinct.size).toBe(acknowledged.length);
    expect(missing).toEqual([]);
    expect(rowCount).toBe(stored.size);
    expect(rowCount).toBeGreaterThanOrEqual(acknowledged.length);
    expect(rowCount - acknowledged.length).toBeLessThanOrEqual(run.inFlightAtKill);
    expect(statusCounts(validated)).toEqual({ 200: acknowledged.length });
    expect(valid).toBe(acknowledged.length);
  });

  it('answers 200 at most once per token through a kill -9 under consume load', async () => {
    const t = await sessionTenant();
    // Tokens minted in-process beforehand: more than the stream can use before the kill.
    const check = await authenticateApiKey(h.deps, t.key);
    if (!check.ok) throw check.error;
    const tokens = await Promise.all(
      Array.from({ length: 20_000 }, () =>
        createSession(h.deps, check.key, { game_id: t.gameIds[0] }).then((row) => row.token),
      ),
    );
    let next = 0;
    const url = `${server.url}/api/org-api-keys?action=consume-session`;
    const consume = (token: string) => postJson(url, { token });
    const run = await streamThenKill(server, {
      clients: CLIENTS,
      killAfterMs: 1500,
      next: () => tokens[next++],
      send: consume,
    });
    const restartMs = await restart();
    const { ok, failed, other } = outcomes(run);

    await waitForOrphanedStatements(h.deps.database.db, 'game_sessions');
    const attempted = run.sent.map((s) => s.item);
    const { rows } = await sql<{ token: string; status: string }>`
      SELECT token::text AS token, status FROM game_sessions
       WHERE token = ANY(${attempted}::uuid[])`.execute(h.deps.database.db);
    const statusOf = new Map(rows.map((row) => [row.token, row.status]));
    const notConsumed = ok.filter((s) => statusOf.get(s.item) !== 'consumed');
    const failedButConsumed = failed.filter((s) => statusOf.get(s.item) === 'consumed').length;

    // Every token tried again on the restarted server: a second 200 would be a double use.
    const again = await runConcurrently(
      attempted.map((token) => () => consume(token)),
      CLIENTS,
    );
    const secondWins = attempted.filter(
      (token, i) => again[i]?.status === 200 && statusOf.get(token) === 'consumed',
    );
    const mismatched = attempted.filter(
      (token, i) => again[i]?.status !== (statusOf.get(token) === 'consumed' ? 410 : 200),
    );

    figure('consume: answers received before the kill', count(run.answeredBeforeKill));
    figure('consume: consumes acknowledged (200)', count(ok.length));
    figure('consume: requests in flight at the kill', run.inFlightAtKill);
    figure('consume: requests failed by the kill (connection error)', failed.length);
    figure('consume: of those, committed before the process died', failedButConsumed);
    figure('consume: other answers (not 200, not a connection error)', other.length, '0');
    figure('consume: acknowledged but not consumed in the database', notConsumed.length, '0');
    figure('consume: second 200 for a token after the restart', secondWins.length, '0');
    figure(
      'consume: re-consume answers not matching the database (410 iff consumed)',
      mismatched.length,
      '0',
    );
    figure('consume: restart time (ms to ready)', restartMs);

    expect(run.ranDry).toBe(false);
    expect(other.map((s) => s.answer.status)).toEqual([]);
    expect(notConsumed).toEqual([]);
    expect(secondWins).toEqual([]);
    expect(mismatched).toEqual([]);
    expect(failed.length).toBeLessThanOrEqual(run.inFlightAtKill);
  });
});

describe('crash: kill -9 during a CSV import', () => {
  it('leaves a partial import that a second run completes to exactly the file', async () => {
    const t = await makePropertyTenant(h);
    recordSecrets(t.owner.password);
    const csv = join(dir, 'players.csv');
    await writePlayersCsv(csv, IMPORT_ROWS);
    const args = ['src/cli.ts', 'players', 'import', '--property', t.property.id, '--file', csv];
    const db = h.deps.database.db;
    const countRows = async (where = sql`TRUE`) => {
      const { rows } = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM players
         WHERE property_id = ${t.property.id} AND ${where}`.execute(db);
      return rows[0]?.n ?? -1;
    };

    // Not a terminal: the CLI prints a progress line per 10 % of the file read.
    const first = spawnLogged('crash-import-killed', args, serverEnv());
    let progressed = 0;
    let killed = false;
    let settled = false;
    await new Promise<void>((resolve) => {
      const deadline = setTimeout(resolve, 60_000);
      first.child.stderr?.on('data', (chunk: Buffer) => {
        for (const match of chunk.toString('utf8').matchAll(/\] +(\d+)% /g)) {
          progressed = Math.max(progressed, Number(match[1]));
        }
        if (!settled && progressed >= 40) {
          settled = true;
          clearTimeout(deadline);
          // A progress line is drawn right after a batch commits; half a batch later the kill
          // lands while the next upsert is running, not in the quiet gap after a commit.
          setTimeout(() => {
            killed = first.child.kill('SIGKILL');
            resolve();
          }, 75);
        }
      });
      first.child.once('exit', () => {
        if (settled) return;
        clearTimeout(deadline);
        resolve();
      });
    });
    await first.logged;
    expect(killed, 'the import ended before 40 % progress').toBe(true);
    await waitForOrphanedStatements(db, 'players');
    const partial = await countRows();

    const second = spawnLogged('crash-import-rerun', [...args, '--json'], serverEnv());
    let stdout = '';
    second.child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    const exitCode = await new Promise<number | null>((resolve) =>
      second.child.once('exit', (code) => resolve(code)),
    );
    await second.logged;
    expect(exitCode, stdout).toBe(0);
    const summary = JSON.parse(stdout) as { inserted: number; updated: number; rejected: number };
    const total = await countRows();
    const spotChecks = await Promise.all([
      countRows(sql`player_id = 'P0' AND status = 'inactive' AND tier = 'Gold'
                    AND last_name = 'Last, 0' AND traits = '{"host":"host0"}'::jsonb`),
      countRows(sql`player_id = 'P12345' AND first_name = 'First12345' AND last_name = 'Last, 12345'
                    AND adt = 345.5 AND coin_in = 123450 AND phone = '+17025552345'
                    AND traits = '{"host":"host0"}'::jsonb AND date_of_birth = '1980-01-26'`),
      countRows(sql`player_id = 'P99999' AND email = 'p99999@example.test' AND status = 'active'
                    AND tier = 'Gold' AND adt = 499.5 AND coin_in = 999990`),
    ]);

    figure('import: progress reported when killed (%)', progressed, '≥ 40');
    figure(
      'import: rows present after the kill',
      count(partial),
      `whole batches of 1,000, 0 < n < ${count(IMPORT_ROWS)}`,
    );
    figure('import: rows after the re-run', count(total), `= ${count(IMPORT_ROWS)}`);
    figure(
      'import: re-run summary (inserted / updated / rejected)',
      `${count(summary.inserted)} / ${count(summary.updated)} / ${summary.rejected}`,
      `${count(IMPORT_ROWS - partial)} / ${count(partial)} / 0`,
    );
    figure(
      'import: spot-checked rows matching the file',
      `${spotChecks.filter((n) => n === 1).length} of 3`,
      '3 of 3',
    );

    // Each batch of 1,000 rows is one statement: a kill keeps whole batches or none of one.
    expect(partial % 1000).toBe(0);
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(IMPORT_ROWS);
    expect(total).toBe(IMPORT_ROWS);
    expect(summary).toMatchObject({
      inserted: IMPORT_ROWS - partial,
      updated: partial,
      rejected: 0,
    });
    expect(spotChecks).toEqual([1, 1, 1]);
  });
});
