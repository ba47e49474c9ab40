import {
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
} from 'kysely';
import type { DB } from '../src/db/schema.ts';

export interface CapturedStatement {
  sql: string;
  parameters: readonly unknown[];
  rows: readonly unknown[];
}

/**
 * A driver that hands every compiled statement to `target` (the real database) and records it
 * with its parameters and rows. The bench runs the server's own query code over it once to learn
 * the exact SQL a request sends, so the ceiling is that SQL rather than a hand-written copy of it.
 */
class RecordingDriver implements Driver {
  readonly #target: Kysely<DB>;
  readonly #log: CapturedStatement[];

  constructor(target: Kysely<DB>, log: CapturedStatement[]) {
    this.#target = target;
    this.#log = log;
  }

  async init(): Promise<void> {}

  acquireConnection(): Promise<DatabaseConnection> {
    const target = this.#target;
    const log = this.#log;
    return Promise.resolve({
      async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
        const result = await target.executeQuery<R>(query);
        log.push({ sql: query.sql, parameters: query.parameters, rows: result.rows });
        return result;
      },
      streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
        throw new Error('capture: streaming is not recorded');
      },
    });
  }

  beginTransaction(): Promise<void> {
    return Promise.reject(new Error('capture: transactions are not recorded'));
  }

  commitTransaction(): Promise<void> {
    return Promise.reject(new Error('capture: transactions are not recorded'));
  }

  rollbackTransaction(): Promise<void> {
    return Promise.reject(new Error('capture: transactions are not recorded'));
  }

  async releaseConnection(): Promise<void> {}

  async destroy(): Promise<void> {}
}

/**
 * Runs `work` with a Kysely<DB> that executes on `target` and returns what it did, statement by
 * statement, in order.
 */
export async function captureStatements(
  target: Kysely<DB>,
  work: (db: Kysely<DB>) => Promise<unknown>,
): Promise<CapturedStatement[]> {
  const log: CapturedStatement[] = [];
  const db = new Kysely<DB>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new RecordingDriver(target, log),
      createIntrospector: (kysely) => new PostgresIntrospector(kysely),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
  try {
    await work(db);
  } finally {
    await db.destroy();
  }
  return log;
}

/** A value as a SQL literal: what the statement would read had the value been written in it. */
function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' || typeof value === 'bigint') {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new Error(`capture: cannot inline ${value}`);
    }
    return value < 0 ? `(${String(value)})` : String(value);
  }
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return literal(value.toISOString());
  if (Array.isArray(value)) {
    return value.length === 0 ? `'{}'` : `ARRAY[${value.map(literal).join(', ')}]`;
  }
  if (typeof value === 'string') {
    if (value.includes('\u0000')) throw new Error('capture: NUL in a parameter');
    return `'${value.replaceAll("'", "''")}'`;
  }
  throw new Error(`capture: cannot inline a parameter of type ${typeof value}`);
}

/**
 * The statement on one line (a pgbench script line) with each `$n` replaced by its parameter as a
 * literal. The statements captured here come from query code that writes identifiers and
 * keywords only, so a `$` in the text is always a placeholder; whitespace is folded before the
 * values go in, so none inside a value is touched.
 */
export function inlineParameters(statement: Pick<CapturedStatement, 'sql' | 'parameters'>): string {
  const folded = statement.sql.replace(/\s+/g, ' ').trim();
  return folded.replace(/\$(\d+)/g, (_, n: string) => {
    const index = Number(n) - 1;
    if (index < 0 || index >= statement.parameters.length) {
      throw new Error(`capture: no parameter for $${n} in: ${statement.sql}`);
    }
    return literal(statement.parameters[index]);
  });
}
