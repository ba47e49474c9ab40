// Spin the wheel: a lucky draw. The server decides the outcome when the play is completed;
// the wheel only animates to the segment it names, so nothing on the client can pick a prize.

const RADIUS = 100;
const LABEL_MAX = 14;
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

function shorten(label) {
  const chars = [...label];
  return chars.length > LABEL_MAX ? `${chars.slice(0, LABEL_MAX - 1).join('')}…` : label;
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
  const fontSize = n <= 6 ? 11 : n <= 8 ? 10 : 8.5;

  const slices = labels.map((label, i) => {
    const along = i * step + step / 2 - 90;
    // Radial labels centred in their slice; those on the left half are turned round so no
    // label is upside down when the wheel is at rest.
    const upright = Math.cos((along * Math.PI) / 180) < -1e-9 ? ' rotate(180)' : '';
    return svg(
      'g',
      { class: `segment tone-${tone(i, n)}`, testid: 'segment', 'data-index': i },
      svg('path', { d: slicePath(i * step, (i + 1) * step) }),
      svg(
        'text',
        {
          transform: `rotate(${along}) translate(${RADIUS * 0.6} 0)${upright}`,
          'text-anchor': 'middle',
          'dominant-baseline': 'central',
          'font-size': fontSize,
        },
        shorten(label),
      ),
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
