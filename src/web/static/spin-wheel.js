// Spin the wheel: a lucky draw. The server decides the outcome when the play is completed;
// the wheel only animates to the segment it names, so nothing on the client can pick a prize.

const RADIUS = 100;
// Labels run along the radius from just inside the rim towards the hub, never past either.
const LABEL_OUTER = 88;
const LABEL_INNER = 20;
const LABEL_MAX = 24;
const MIN_FONT = 8.5;
// Degrees per millisecond while waiting for the server's answer (two turns a second).
const CRUISE = 0.72;

function polar(angleDeg, r) {
  const a = ((angleDeg - 90) * Math.PI) / 180;
  return [r * Math.cos(a), r * Math.sin(a)];
}

function slicePath(from, to) {
  const [x1, y1] = polar(from, RADIUS);
  const [x2, y2] = polar(to, RADIUS);
  const large = to - from > 180 ? 1 : 0;
  return `M0 0L${x1.toFixed(2)} ${y1.toFixed(2)}A${RADIUS} ${RADIUS} 0 ${large} 1 ${x2.toFixed(2)} ${y2.toFixed(2)}Z`;
}

/** Grapheme clusters, so a Thai vowel or tone mark is never cut from its consonant. */
function graphemes(label) {
  if (typeof Intl !== 'undefined' && Intl.Segmenter) {
    return [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(label)].map(
      (s) => s.segment,
    );
  }
  return [...label];
}

function shorten(label, max) {
  const parts = graphemes(label);
  return parts.length > max ? `${parts.slice(0, max - 1).join('')}…` : label;
}

/** The word break nearest the middle of `label` (any language), or -1. */
function middleBreak(label) {
  const words =
    typeof Intl !== 'undefined' && Intl.Segmenter
      ? [...new Intl.Segmenter(undefined, { granularity: 'word' }).segment(label)]
      : [];
  // After a space where there is one ("10% off"), else between words (Thai has no spaces).
  const spaced = words.some(({ index }) => /\s/.test(label[index - 1] ?? ''));
  let best = -1;
  for (const { index } of words) {
    if (index <= 0 || (spaced && !/\s/.test(label[index - 1]))) continue;
    if (Math.abs(index - label.length / 2) < Math.abs(best - label.length / 2)) {
      best = index;
    }
  }
  return best;
}

/**
 * Fits each label between the hub and the rim, measured in the page (Thai and wide letters take
 * what they really take): smaller first, then on two lines where the slice is wide enough, and
 * only then shortened with an ellipsis. The banner and the result show the whole label.
 */
function fitLabels(texts, labels, fontSize, step, svg) {
  const room = LABEL_OUTER - LABEL_INNER;
  const measure = (node) =>
    typeof node.getComputedTextLength === 'function' ? node.getComputedTextLength() : 0;
  const floor = Math.min(fontSize, MIN_FONT);
  texts.forEach((text, i) => {
    const label = labels[i];
    const sized = (size) => {
      text.setAttribute('font-size', size.toFixed(1));
      return size;
    };
    // Two lines need the slice to be about two letters high where the label ends.
    const cut = step >= 40 ? middleBreak(label) : -1;
    // A long label that can break goes on two lines before its letters get small.
    const oneLineFloor = cut > 0 ? Math.max(floor, fontSize - 2) : floor;
    for (let size = fontSize; size >= oneLineFloor; size -= 0.5) {
      sized(size);
      if (measure(text) <= room) return;
    }
    if (cut > 0) {
      const parts = [label.slice(0, cut).trim(), label.slice(cut).trim()];
      const lines = parts.map((part, k) =>
        svg('tspan', { x: 0, dy: k === 0 ? '-0.6em' : '1.2em' }, part),
      );
      text.replaceChildren(...lines);
      const widest = () => Math.max(...lines.map(measure));
      for (let size = fontSize; size >= floor; size -= 0.5) {
        sized(size);
        if (widest() <= room) return;
      }
      lines.forEach((line, k) => {
        let max = graphemes(parts[k]).length;
        while (measure(line) > room && max > 2) {
          max -= 1;
          line.textContent = shorten(parts[k], max);
        }
      });
      return;
    }
    sized(floor);
    let max = graphemes(label).length;
    while (measure(text) > room && max > 2) {
      max -= 1;
      text.textContent = shorten(label, max);
    }
  });
}

/** Alternating brand colors; an odd count gets a third color so the last and first differ. */
function tone(i, n) {
  return n % 2 === 1 && i === n - 1 ? 2 : i % 2;
}

function labelsOf(game) {
  const fromGame = Array.isArray(game.segments) ? game.segments : [];
  const fromConfig = Array.isArray(game.config?.segments) ? game.config.segments : [];
  const list = (fromGame.length >= 2 ? fromGame : fromConfig).map((s) => String(s?.label ?? ''));
  return list.length >= 2 ? list : ['1', '2', '3', '4', '5', '6'];
}

function landingIndex(response, labels) {
  const index = response?.result?.segment_index;
  if (Number.isInteger(index) && index >= 0 && index < labels.length) return index;
  const byName = labels.indexOf(response?.prize?.slot?.name);
  return byName >= 0 ? byName : 0;
}

export async function play(area, { game, t, h, svg, sleep, reducedMotion, complete }) {
  const labels = labelsOf(game);
  const n = labels.length;
  const step = 360 / n;
  const fontSize = n <= 4 ? 14 : n <= 6 ? 12.5 : n <= 8 ? 11 : 9.5;
  const texts = [];

  const slices = labels.map((label, i) => {
    const along = i * step + step / 2 - 90;
    // Radial labels centred in their slice; those on the left half are turned round so no
    // label is upside down when the wheel is at rest.
    // Anchored at the rim end, so short labels sit out where the slice is widest.
    const flipped = Math.cos((along * Math.PI) / 180) < -1e-9;
    const text = svg(
      'text',
      {
        transform: `rotate(${along}) translate(${LABEL_OUTER} 0)${flipped ? ' rotate(180)' : ''}`,
        'text-anchor': flipped ? 'start' : 'end',
        'dominant-baseline': 'central',
        'font-size': fontSize,
      },
      shorten(label, LABEL_MAX),
    );
    texts.push(text);
    return svg(
      'g',
      { class: `segment tone-${tone(i, n)}`, testid: 'segment', 'data-index': i },
      svg('path', { d: slicePath(i * step, (i + 1) * step) }),
      text,
    );
  });
  const rotor = svg('g', { class: 'rotor' }, ...slices);
  const wheel = svg(
    'svg',
    { class: 'wheel', testid: 'wheel', viewBox: '-110 -110 220 220', 'aria-hidden': 'true' },
    svg('circle', { class: 'rim', r: 108 }),
    // White under the slices, so the slices that did not win fade towards white, not the rim.
    svg('circle', { class: 'disc', r: RADIUS }),
    rotor,
    svg('circle', { class: 'hub', r: 14 }),
  );
  const button = h(
    'button',
    { type: 'button', class: 'btn btn-primary', testid: 'spin-button' },
    t['game.spin'],
  );
  const banner = h('p', { class: 'banner landed-label', role: 'status', hidden: true });
  area.append(
    h('div', { class: 'wheel-wrap' }, h('div', { class: 'pointer', 'aria-hidden': 'true' }), wheel),
    banner,
    button,
  );
  fitLabels(texts, labels, fontSize, step, svg);

  const shownAt = performance.now();
  await new Promise((resolve) => button.addEventListener('click', resolve, { once: true }));
  button.disabled = true;
  button.textContent = t['game.spinning'];
  area.dataset.state = 'spinning';

  // Keep turning while the server draws, then glide onto its answer.
  let angle = 0;
  let last = performance.now();
  let cruising = !reducedMotion;
  const cruise = (now) => {
    if (!cruising) return;
    angle += (now - last) * CRUISE;
    last = now;
    rotor.setAttribute('transform', `rotate(${angle % 360})`);
    requestAnimationFrame(cruise);
  };
  if (cruising) requestAnimationFrame(cruise);

  let response;
  try {
    response = await complete({ duration_ms: Math.round(performance.now() - shownAt) });
  } finally {
    cruising = false;
  }
  const index = landingIndex(response, labels);
  const jitter = (Math.random() - 0.5) * step * 0.6;
  const target = (((360 - (index * step + step / 2) + jitter) % 360) + 360) % 360;
  await settle(rotor, angle % 360, target, reducedMotion);

  area.dataset.state = 'landed';
  area.dataset.segmentIndex = String(index);
  slices[index]?.classList.add('won');
  button.hidden = true;
  banner.textContent = labels[index] ?? '';
  banner.hidden = false;
  await sleep(reducedMotion ? 150 : 900);
  return response;
}

/**
 * Decelerates from cruising speed to `target` (mod 360) with an ease-out curve whose starting
 * speed equals the cruise speed, so the hand-over from waiting to landing shows no jerk.
 */
function settle(rotor, from, target, reducedMotion) {
  if (reducedMotion) {
    rotor.setAttribute('transform', `rotate(${target})`);
    return Promise.resolve();
  }
  let distance = (((target - from) % 360) + 360) % 360;
  while (distance < 540) distance += 360;
  // Ease-out quad p(u) = 1 - (1 - u)^2 has p'(0) = 2, so this duration starts at CRUISE.
  const duration = (2 * distance) / CRUISE;
  const begin = performance.now();
  return new Promise((resolve) => {
    const frame = (now) => {
      const u = Math.min(1, (now - begin) / duration);
      const p = 1 - (1 - u) ** 2;
      rotor.setAttribute('transform', `rotate(${(from + distance * p) % 360})`);
      if (u < 1) requestAnimationFrame(frame);
      else resolve();
    };
    requestAnimationFrame(frame);
  });
}
