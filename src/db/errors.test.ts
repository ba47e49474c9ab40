import type { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { createLogger } from '../deps.ts';
import { isDatabaseUnavailable, isStatementCancelled, isTransientConflict } from './errors.ts';
import { DatabaseOutageLog } from './outage.ts';

const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it.each([
    ['08006 connection failure', pgError('08006')],
    ['08001 unable to connect', pgError('08001')],
    ['57P01 admin shutdown (the database system is shutting down)', pgError('57P01')],
    ['57P02 crash shutdown', pgError('57P02')],
    ['57P03 cannot connect now (the database system is starting up)', pgError('57P03')],
    ['53300 too many connections', pgError('53300')],
    ['ECONNREFUSED', pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['ECONNRESET', pgError('ECONNRESET', 'read ECONNRESET')],
    ['Connection terminated unexpectedly', new Error('Connection terminated unexpectedly')],
    [
      'a client in error',
      new Error('Client has encountered a connection error and is not queryable'),
    ],
    [
      'an AggregateError of refused addresses',
      new AggregateError([pgError('ECONNREFUSED'), pgError('ECONNREFUSED')], ''),
    ],
    ['a wrapped cause', new Error('query failed', { cause: pgError('57P01') })],
  ])('is true for %s', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', pgError('23505')],
    ['a syntax error', pgError('42601')],
    ['a statement timeout', pgError('57014')],
    ['a plain error', new Error('boom')],
    ['not an error', 'ECONNREFUSED'],
    ['null', null],
  ])('is false for %s', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});

describe('isStatementCancelled', () => {
  it('is true for 57014 only', () => {
    expect(isStatementCancelled(pgError('57014'))).toBe(true);
    expect(isStatementCancelled(pgError('57P01'))).toBe(false);
    expect(isStatementCancelled(undefined)).toBe(false);
  });
});

describe('DatabaseOutageLog', () => {
  function logged() {
    const lines: string[] = [];
    const sink = { write: (chunk: string) => lines.push(chunk) } as unknown as Writable;
    const logger = createLogger(loadConfig({ LOG_LEVEL: 'info' }), sink);
    return {
      logger,
      lines: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    };
  }

  it('warns once per outage, counts the refusals, and reports them when the database answers', async () => {
    const { logger, lines } = logged();
    let up = false;
    const outage = new DatabaseOutageLog(
      logger,
      () => (up ? Promise.resolve() : Promise.reject(new Error('down'))),
      10,
    );
    for (let i = 0; i < 5; i++) outage.refused(new Error('Connection terminated unexpectedly'));
    expect(lines()).toHaveLength(1);
    expect(lines()[0]?.level).toBe(40);
    expect(lines()[0]?.msg).toMatch(/unavailable/);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(lines()).toHaveLength(1);
    up = true;
    for (let i = 0; i < 100 && lines().length < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(lines()[1]).toMatchObject({
      level: 30,
      msg: 'database reachable again',
      refused_requests: 5,
    });
    expect(outage.ongoing).toBe(false);
    // A later outage is logged again.
    outage.refused(new Error('x'));
    expect(lines()).toHaveLength(3);
    outage.close();
  });
});

describe('isTransientConflict', () => {
  it('is true for a deadlock or a serialization failure and false otherwise', () => {
    expect(isTransientConflict(pgError('40P01'))).toBe(true);
    expect(isTransientConflict(pgError('40001'))).toBe(true);
    expect(isTransientConflict(pgError('23505'))).toBe(false);
    expect(isTransientConflict(undefined)).toBe(false);
  });
});
