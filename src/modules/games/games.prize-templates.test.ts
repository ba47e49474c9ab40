import { describe, expect, it } from 'vitest';
import { configProblem, isLuckyDraw, withDefaults } from './games.templates.ts';

describe('scratch-card and grid-box-reveal settings', () => {
  it.each([
    [
      'scratch-card',
      { cover_color: '#c0c0c0', reveal_percent: 30, segments: [{ label: 'A' }, { label: 'B' }] },
    ],
    ['scratch-card', { reveal_percent: 90 }],
    ['grid-box-reveal', { boxes: 4 }],
    ['grid-box-reveal', { boxes: 6, segments: [{ label: 'A' }, { label: 'B' }] }],
    ['grid-box-reveal', { boxes: 9 }],
  ] as const)('accepts %s %j', (template, config) => {
    expect(configProblem(template, config)).toBeUndefined();
  });

  it.each([
    ['scratch-card', { reveal_percent: 29 }, 'config.reveal_percent must be >= 30'],
    ['scratch-card', { reveal_percent: 91 }, 'config.reveal_percent must be <= 90'],
    ['scratch-card', { cover_color: 'silver' }, 'config.cover_color must be a color like #6d28d9'],
    ['scratch-card', { boxes: 9 }, 'unknown key(s) for scratch-card: boxes'],
    ['grid-box-reveal', { boxes: 5 }, 'config.boxes must be 4, 6 or 9'],
    ['grid-box-reveal', { boxes: 12 }, 'config.boxes must be 4, 6 or 9'],
    [
      'grid-box-reveal',
      { reveal_percent: 50 },
      'unknown key(s) for grid-box-reveal: reveal_percent',
    ],
    ['grid-box-reveal', { segments: [{ label: 'only one' }] }, 'config.segments'],
  ] as const)('refuses %s %j', (template, config, problem) => {
    expect(configProblem(template, config)).toContain(problem);
  });

  it("fills defaults: a grey cover revealed at half, nine boxes, the wheel's segments", () => {
    const scratch = withDefaults('scratch-card', {});
    expect(scratch).toMatchObject({ cover_color: '#a8a29e', reveal_percent: 50 });
    expect(scratch.segments[0]).toEqual({ label: 'Prize 1' });
    expect(withDefaults('grid-box-reveal', {})).toMatchObject({ boxes: 9 });
    expect(withDefaults('grid-box-reveal', { boxes: 4 }).boxes).toBe(4);
    // A stored value that no longer fits falls back to the default rather than breaking a page.
    expect(withDefaults('grid-box-reveal', { boxes: 7 }).boxes).toBe(9);
  });

  it('knows which templates are lucky draws', () => {
    expect(['spin-wheel', 'scratch-card', 'grid-box-reveal'].every(isLuckyDraw)).toBe(true);
    expect(isLuckyDraw('memory-match') || isLuckyDraw('quick-tap')).toBe(false);
  });
});
