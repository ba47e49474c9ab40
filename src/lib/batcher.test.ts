import { describe, expect, it } from 'vitest';
import { Batcher } from './batcher.ts';

describe('Batcher', () => {
  it('runs the calls of one event-loop turn as one batch, answering each in order', async () => {
    const batches: number[][] = [];
    const batcher = new Batcher<number, number>((inputs) => {
      batches.push(inputs);
      return Promise.resolve(inputs.map((n) => n * 2));
    });
    const results = await Promise.all([1, 2, 3].map((n) => batcher.load(n)));
    expect(results).toEqual([2, 4, 6]);
    expect(batches).toEqual([[1, 2, 3]]);
    expect(await batcher.load(4)).toBe(8);
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it('splits at the maximum batch size', async () => {
    const sizes: number[] = [];
    const batcher = new Batcher<number, number>((inputs) => {
      sizes.push(inputs.length);
      return Promise.resolve(inputs);
    }, 2);
    await Promise.all([1, 2, 3, 4, 5].map((n) => batcher.load(n)));
    expect(sizes).toEqual([2, 2, 1]);
  });

  it('fails only the call whose result is an Error, and every call when the batch throws', async () => {
    const batcher = new Batcher<number, number>((inputs) =>
      inputs.includes(0)
        ? Promise.reject(new Error('batch failed'))
        : Promise.resolve(inputs.map((n) => (n < 0 ? new Error(`bad ${n}`) : n))),
    );
    const mixed = await Promise.allSettled([batcher.load(1), batcher.load(-1)]);
    expect(mixed.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    const failed = await Promise.allSettled([batcher.load(0), batcher.load(2)]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
