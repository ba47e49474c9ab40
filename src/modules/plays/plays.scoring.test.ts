import { describe, expect, it } from 'vitest';
import { scorePlay } from './plays.scoring.ts';

const memory = (facts: Record<string, number>, serverElapsedMs = 20_000) =>
  scorePlay({
    template: 'memory-match',
    config: { pairs: 6, duration_s: 60 },
    facts: { duration_ms: 20_000, ...facts },
    serverElapsedMs,
  });

describe('scorePlay', () => {
  it('scores memory-match by pairs and the seconds left on the server clock', () => {
    expect(memory({ pairs_found: 6, moves: 9, duration_ms: 20_000 })).toBe(600 + 40 * 10);
  });

  it('does not believe a browser that claims to be faster than the server saw', () => {
    expect(memory({ pairs_found: 6, moves: 9, duration_ms: 1_000 }, 30_000)).toBe(600 + 33 * 10);
  });

  it.each([
    [{ pairs_found: 7, moves: 9 }, 'pairs found'],
    [{ pairs_found: 6, moves: 3 }, 'fewer moves'],
    [{ pairs_found: 6, moves: 6, duration_ms: 500 }, 'humanly possible'],
    [{ pairs_found: 2, moves: 6, duration_ms: 70_000 }, 'time limit'],
  ])('refuses the memory-match report %j', (facts, reason) => {
    expect(() => memory(facts, 0)).toThrow(reason);
  });

  it('scores quick-tap by taps, within 15 taps a second, after the full duration', () => {
    const tap = (taps: number, serverElapsedMs: number) =>
      scorePlay({
        template: 'quick-tap',
        config: { duration_s: 10 },
        facts: { duration_ms: 10_000, taps },
        serverElapsedMs,
      });
    expect(tap(42, 10_500)).toBe(42);
    expect(() => tap(151, 10_500)).toThrow('taps in 10 s');
    expect(() => tap(42, 2_000)).toThrow('finished too early');
  });

  it('gives a lucky draw no score', () => {
    expect(
      scorePlay({
        template: 'spin-wheel',
        config: {},
        facts: { duration_ms: 1 },
        serverElapsedMs: 1,
      }),
    ).toBe(0);
  });
});
