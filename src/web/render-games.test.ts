import { describe, expect, it } from 'vitest';
import type { GameView } from './play-view.ts';
import { heroArt, tone } from './render-games.ts';

const game = (template: GameView['template'], segments: string[], config = {}): GameView => ({
  id: 1,
  title: 'Game',
  description: null,
  template,
  config,
  segments: segments.map((label) => ({ label })),
});

const tones = (html: string) => [...html.matchAll(/segment tone-(\d)/g)].map((m) => Number(m[1]));

describe('start-screen hero', () => {
  it("draws the wheel hero with the game's own segment count and tones", () => {
    expect(tones(heroArt(game('spin-wheel', ['A', 'B', 'C', 'D', 'E'])))).toEqual([0, 1, 0, 1, 2]);
    expect(tones(heroArt(game('spin-wheel', ['A', 'B', 'C', 'D'])))).toEqual([0, 1, 0, 1]);
    const twelve = heroArt(
      game(
        'spin-wheel',
        Array.from({ length: 12 }, (_, i) => `P${i}`),
      ),
    );
    expect(twelve).toContain('data-segments="12"');
    // Prize slots off and no segments sent: the configured ones, as the wheel does.
    const fromConfig = heroArt(
      game('spin-wheel', [], { segments: [{ label: 'x' }, { label: 'y' }, { label: 'z' }] }),
    );
    expect(tones(fromConfig)).toEqual([0, 1, 2]);
    // No labels go into the hero (it is decoration, and brand text stays out of the markup).
    expect(heroArt(game('spin-wheel', ['<b>A</b>', 'B']))).not.toContain('<b>');
  });

  it('uses the same tone rule as the wheel: an odd count ends on a third tone', () => {
    expect(Array.from({ length: 7 }, (_, i) => tone(i, 7))).toEqual([0, 1, 0, 1, 0, 1, 2]);
  });

  it('draws a card for the scratch card and a 3×3 grid with one open box', () => {
    expect(heroArt(game('scratch-card', []))).toContain('hero-scratch-panel');
    const grid = heroArt(game('grid-box-reveal', []));
    expect(grid.match(/<span/g)).toHaveLength(9);
    expect(grid.match(/class="open"/g)).toHaveLength(1);
    // The game's own number of boxes.
    expect(heroArt(game('grid-box-reveal', [], { boxes: 4 })).match(/<span/g)).toHaveLength(4);
    expect(heroArt(game('grid-box-reveal', [], { boxes: 6 })).match(/<span/g)).toHaveLength(6);
    expect(heroArt(game('quick-tap', []))).toBe('');
  });
});
