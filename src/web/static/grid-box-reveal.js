// Grid box reveal (pick a box): a lucky draw. The player picks a box; the server draws the
// outcome when the play is completed and the picked box opens on the slot it names. The other
// boxes stay closed: what they "held" was never drawn, so showing it would be make-believe.

const SIZES = new Set([4, 6, 9]);

function labelsOf(game) {
  const fromGame = Array.isArray(game.segments) ? game.segments : [];
  const fromConfig = Array.isArray(game.config?.segments) ? game.config.segments : [];
  return (fromGame.length >= 1 ? fromGame : fromConfig).map((s) => String(s?.label ?? ''));
}

export async function play(area, { game, config, t, fmt, h, sleep, reducedMotion, complete }) {
  const labels = labelsOf(game);
  const count = SIZES.has(config.boxes) ? config.boxes : 9;
  const boxes = Array.from({ length: count }, (_, i) =>
    h(
      'button',
      {
        type: 'button',
        class: 'gb-box',
        testid: 'box',
        'data-index': i,
        'aria-label': fmt(t['game.box'], { n: i + 1 }),
      },
      h('span', { class: 'gb-lid', 'aria-hidden': 'true' }),
      h('span', { class: 'gb-body', 'aria-hidden': 'true' }),
      h('span', { class: 'gb-inside' }),
    ),
  );
  const grid = h('div', { class: `gb-grid gb-${count}`, testid: 'box-grid' }, ...boxes);
  const banner = h('p', { class: 'banner landed-label', role: 'status' }, t['game.pick_box']);
  area.append(grid, banner);

  const shownAt = performance.now();
  const picked = await new Promise((resolve) => {
    grid.addEventListener('click', function pick(event) {
      const box = event.target?.closest?.('.gb-box');
      if (!box) return;
      grid.removeEventListener('click', pick);
      resolve(Number(box.dataset.index));
    });
  });
  const box = boxes[picked];
  for (const other of boxes) {
    other.disabled = other !== box;
    other.classList.toggle('dim', other !== box);
  }
  box.classList.add('picked');
  box.setAttribute('aria-disabled', 'true');
  area.dataset.state = 'opening';
  area.dataset.boxIndex = String(picked);
  banner.textContent = t['game.opening'];

  const [response] = await Promise.all([
    complete({ duration_ms: Math.round(performance.now() - shownAt), box_index: picked }),
    // A short shake while the server draws, so the pick is felt before the box opens.
    sleep(reducedMotion ? 0 : 600),
  ]);
  const index = response?.result?.segment_index;
  const label =
    (Number.isInteger(index) ? labels[index] : undefined) || response?.prize?.slot?.name || '';
  if (Number.isInteger(index)) area.dataset.segmentIndex = String(index);
  const inside = box.querySelector('.gb-inside');
  inside.textContent = label;
  inside.setAttribute('data-testid', 'box-prize');
  box.classList.add('open');
  box.setAttribute('aria-label', `${fmt(t['game.box'], { n: picked + 1 })}: ${label}`);
  area.dataset.state = 'opened';
  banner.textContent = label;
  await sleep(reducedMotion ? 150 : 1100);
  return response;
}
