import type { GameView } from './play-view.ts';

// Start-screen art per template ("hero"), drawn on the server so it shows before any script.

const RADIUS = 100;

/** The segment labels the wheel will show: as spin-wheel.js `labelsOf` picks them. */
export function wheelLabels(game: GameView): string[] {
  const fromConfig = Array.isArray(game.config.segments)
    ? (game.config.segments as { label?: unknown }[])
    : [];
  const list = (game.segments.length >= 2 ? game.segments : fromConfig).map((s) =>
    typeof s?.label === 'string' ? s.label : '',
  );
  return list.length >= 2 ? list : ['1', '2', '3', '4', '5', '6'];
}

/** The wheel's alternating tones; an odd count gives the last slice a third (spin-wheel.js). */
export function tone(i: number, n: number): number {
  return n % 2 === 1 && i === n - 1 ? 2 : i % 2;
}

function point(angleDeg: number): string {
  const a = ((angleDeg - 90) * Math.PI) / 180;
  return `${(RADIUS * Math.cos(a)).toFixed(2)} ${(RADIUS * Math.sin(a)).toFixed(2)}`;
}

/** The game's own wheel in miniature: its segment count and tone colours, no labels. */
function wheelHero(game: GameView): string {
  const n = wheelLabels(game).length;
  const step = 360 / n;
  const slices = Array.from({ length: n }, (_, i) => {
    const large = step > 180 ? 1 : 0;
    const d = `M0 0L${point(i * step)}A${RADIUS} ${RADIUS} 0 ${large} 1 ${point((i + 1) * step)}Z`;
    return `<g class="segment tone-${tone(i, n)}"><path d="${d}"/></g>`;
  }).join('');
  return (
    `<svg class="hero-wheel" data-testid="hero-wheel" data-segments="${n}" viewBox="-110 -110 220 220" focusable="false">` +
    `<circle class="rim" r="108"/><circle class="disc" r="${RADIUS}"/>${slices}` +
    `<circle class="hub" r="14"/></svg>`
  );
}

/** The inner markup of `.hero-<template>`; the rest is CSS (play.css). */
export function heroArt(game: GameView | undefined): string {
  switch (game?.template) {
    case 'spin-wheel':
      return wheelHero(game);
    case 'memory-match':
      return '<span></span><span></span><span></span>';
    case 'scratch-card':
      return '<span class="hero-scratch-panel"></span><span class="hero-scratch-coin"></span>';
    case 'grid-box-reveal': {
      // As many boxes as the game has, one of them open.
      const boxes = [4, 6, 9].includes(game.config.boxes as number)
        ? (game.config.boxes as number)
        : 9;
      const open = boxes === 9 ? 4 : 1;
      return Array.from(
        { length: boxes },
        (_, i) => `<span${i === open ? ' class="open"' : ''}></span>`,
      ).join('');
    }
    case 'quick-tap':
    case undefined:
      return '';
  }
}
