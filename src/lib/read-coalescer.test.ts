import { describe, expect, it } from 'vitest';
import { ReadCoalescer } from './read-coalescer.ts';

/** A read that waits for its "connection" until `connect()` and answers `value` when told. */
function pendingRead<T>(value: T) {
  let connect!: () => void;
  let finish!: () => void;
  const connected = new Promise<void>((resolve) => (connect = resolve));
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let calls = 0;
  let flightSignal: AbortSignal | undefined;
  const start = async (signal: AbortSignal, started: () => void) => {
    calls++;
    flightSignal = signal;
    await connected;
    started();
    await finished;
    return value;
  };
  return {
    start,
    connect,
    finish,
    calls: () => calls,
    signal: () => flightSignal,
  };
}

const live = () => new AbortController().signal;

describe('ReadCoalescer', () => {
  it('joins identical reads while the first waits, and answers them all', async () => {
    const reads = new ReadCoalescer();
    const read = pendingRead({ rows: 3 });
    const answers = [1, 2, 3].map(() => reads.run('k', live(), read.start));
    read.connect();
    read.finish();
    expect(await Promise.all(answers)).toEqual([{ rows: 3 }, { rows: 3 }, { rows: 3 }]);
    expect(read.calls()).toBe(1);
    expect(reads.stats).toEqual({ flights: 1, joined: 2 });
  });

  it('never joins a read that holds its connection: a later read starts its own', async () => {
    const reads = new ReadCoalescer();
    const first = pendingRead('before');
    const early = reads.run('k', live(), first.start);
    first.connect();
    await new Promise((resolve) => setImmediate(resolve));
    const second = pendingRead('after');
    const late = reads.run('k', live(), second.start);
    expect(second.calls()).toBe(1);
    first.finish();
    second.connect();
    second.finish();
    expect(await early).toBe('before');
    expect(await late).toBe('after');
  });

  it('keeps different keys apart', async () => {
    const reads = new ReadCoalescer();
    const a = pendingRead('a');
    const b = pendingRead('b');
    const answers = [
      reads.run('property-a', live(), a.start),
      reads.run('property-b', live(), b.start),
    ];
    for (const read of [a, b]) {
      read.connect();
      read.finish();
    }
    expect(await Promise.all(answers)).toEqual(['a', 'b']);
  });

  it('stops the flight only when every member has gone', async () => {
    const reads = new ReadCoalescer();
    const read = pendingRead('x');
    const one = new AbortController();
    const two = new AbortController();
    const answers = [
      reads.run('k', one.signal, read.start),
      reads.run('k', two.signal, read.start),
    ];
    one.abort();
    expect(read.signal()?.aborted).toBe(false);
    two.abort();
    expect(read.signal()?.aborted).toBe(true);
    // A newcomer does not join a flight whose members all left.
    const next = pendingRead('y');
    const fresh = reads.run('k', live(), next.start);
    expect(next.calls()).toBe(1);
    for (const r of [read, next]) {
      r.connect();
      r.finish();
    }
    await Promise.all([...answers, fresh]);
  });

  it('gives every member the error of a failed read', async () => {
    const reads = new ReadCoalescer();
    const failing = async () => {
      await new Promise((resolve) => setImmediate(resolve));
      throw new Error('database gone');
    };
    const answers = [reads.run('k', live(), failing), reads.run('k', live(), failing)];
    for (const answer of answers) await expect(answer).rejects.toThrow('database gone');
    expect(reads.stats.flights).toBe(1);
  });
});
