import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { pglitePoolConfig } from './pglite-connection.ts';

let open: { pool: pg.Pool; lite: PGlite } | undefined;
afterEach(async () => {
  await open?.pool.end().catch(() => undefined);
  await open?.lite.close();
  open = undefined;
});

async function poolWith(config: (lite: PGlite) => unknown): Promise<pg.Pool> {
  const lite = await PGlite.create('memory://');
  const pool = new pg.Pool(config(lite) as pg.PoolConfig);
  pool.on('error', () => undefined);
  open = { pool, lite };
  await pool.query('CREATE TABLE p (id int PRIMARY KEY); INSERT INTO p VALUES (1)');
  return pool;
}

/** A failing statement, then a good one: how many of the good ones still answer right. */
async function queriesAfterFailures(pool: pg.Pool): Promise<number> {
  let right = 0;
  for (let i = 0; i < 3; i++) {
    await expect(pool.query('INSERT INTO p VALUES ($1)', [1])).rejects.toThrow(/duplicate key/);
    const next = await pool.query<{ x: number }>('SELECT $1::int AS x', [7]).catch(() => undefined);
    if (next?.rows[0]?.x === 7) right++;
  }
  return right;
}

// With PGlite's own adapter (createPgConfig) the first two of these fail: 0 of 3 queries after a
// failure answer right, and the concurrent batch hangs after its first error.
describe('PGlite connection for node-postgres', () => {
  it('keeps answering correctly after statements fail', async () => {
    expect(await queriesAfterFailures(await poolWith(pglitePoolConfig))).toBe(3);
  });

  it('answers each of many concurrent statements, failing ones included, with its own result', async () => {
    const pool = await poolWith(pglitePoolConfig);
    const results = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) =>
        pool.query<{ x: number }>('SELECT 60 / $1::int AS x', [i % 3]),
      ),
    );
    results.forEach((result, i) => {
      if (i % 3 === 0) expect(result.status).toBe('rejected');
      else expect(result.status === 'fulfilled' && result.value.rows[0]?.x).toBe(60 / (i % 3));
    });
  });

  it('rolls a failed transaction back and leaves the connection usable', async () => {
    const pool = await poolWith(pglitePoolConfig);
    const client = await pool.connect();
    await client.query('BEGIN');
    await client.query('INSERT INTO p VALUES (5)');
    await expect(client.query('INSERT INTO p VALUES ($1)', [5])).rejects.toThrow(/duplicate/);
    await client.query('ROLLBACK');
    client.release();
    const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM p');
    expect(rows[0]?.n).toBe(1);
  });

  it('keeps named prepared statements usable across the clients the pool replaces', async () => {
    const pool = await poolWith(pglitePoolConfig);
    const named = (value: number) =>
      pool.query<{ x: number }>({
        name: 'double',
        text: 'SELECT $1::int * 2 AS x',
        values: [value],
      });
    expect((await named(2)).rows[0]?.x).toBe(4);
    await expect(pool.query('INSERT INTO p VALUES ($1)', [1])).rejects.toThrow(/duplicate key/);
    expect((await named(5)).rows[0]?.x).toBe(10);
  });
});
