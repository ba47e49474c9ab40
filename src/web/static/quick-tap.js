// Quick tap: after a 3-2-1 countdown, tap the target as often as possible until the time is up.
// The target jumps somewhere else after every tap; it never moves on its own, so a tap aimed at
// it cannot miss because it left while the finger was on its way.

function intIn(value, min, max, fallback) {
  return Number.isInteger(value) ? Math.min(max, Math.max(min, value)) : fallback;
}

export async function play(area, { config, t, h, sleep, reducedMotion, complete }) {
  const seconds = intIn(config.duration_s, 3, 60, 10);
  const difficulty = intIn(config.difficulty, 1, 10, 5);
  // Harder games get a smaller target; 56 px stays above the usual minimum touch size.
  const size = Math.round(108 - difficulty * 5.2);

  const timer = h('span', { class: 'stat-value', testid: 'timer' }, String(seconds));
  const tapsOut = h('span', { class: 'stat-value', testid: 'taps' }, '0');
  const stat = (label, value) =>
    h('div', { class: 'stat' }, h('span', { class: 'stat-label' }, label), value);
  const countdown = h('div', { class: 'qt-countdown', testid: 'tap-countdown', role: 'status' });
  const target = h(
    'button',
    {
      type: 'button',
      class: 'qt-target',
      testid: 'tap-target',
      'aria-label': t['game.target'],
      hidden: true,
    },
    h('span', { class: 'qt-ring', 'aria-hidden': 'true' }),
  );
  target.style.setProperty('--size', `${size}px`);
  const arena = h('div', { class: 'qt-arena', testid: 'tap-arena' }, countdown, target);
  const banner = h('p', { class: 'banner', role: 'status' });
  area.append(
    h('div', { class: 'hud' }, stat(t['game.time'], timer), stat(t['game.taps'], tapsOut)),
    arena,
    banner,
  );

  const tick = reducedMotion ? 500 : 800;
  for (const step of ['3', '2', '1']) {
    countdown.textContent = step;
    countdown.classList.remove('pop');
    // Restarting the CSS animation needs a reflow between removing and re-adding the class.
    void countdown.offsetWidth;
    countdown.classList.add('pop');
    await sleep(tick);
  }
  countdown.textContent = t['game.go'];
  await sleep(300);
  countdown.hidden = true;

  let taps = 0;
  let x = 0.5;
  let y = 0.5;
  const place = () => {
    // Positions are fractions of the free space, so the target always stays fully inside.
    let nx;
    let ny;
    let tries = 0;
    do {
      nx = Math.random();
      ny = Math.random();
      tries += 1;
    } while (Math.hypot(nx - x, ny - y) < 0.35 && tries < 8);
    x = nx;
    y = ny;
    target.style.left = `calc((100% - ${size}px) * ${x.toFixed(3)})`;
    target.style.top = `calc((100% - ${size}px) * ${y.toFixed(3)})`;
  };
  place();
  target.hidden = false;
  area.dataset.state = 'running';
  const startedAt = performance.now();

  target.addEventListener('click', () => {
    if (area.dataset.state !== 'running') return;
    taps += 1;
    tapsOut.textContent = String(taps);
    place();
  });

  await new Promise((resolve) => {
    const ticker = setInterval(() => {
      const left = seconds * 1000 - (performance.now() - startedAt);
      timer.textContent = String(Math.max(0, Math.ceil(left / 1000)));
      timer.classList.toggle('warn', left < 3000);
      if (left <= 0) {
        clearInterval(ticker);
        resolve();
      }
    }, 100);
  });
  const duration = Math.round(performance.now() - startedAt);
  area.dataset.state = 'done';
  target.disabled = true;
  banner.textContent = t['game.time_up'];
  await sleep(500);
  return complete({ taps, duration_ms: duration });
}
