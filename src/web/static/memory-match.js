// Memory match: find every pair before the time runs out. A face-down card carries no hint of
// its symbol in the DOM (the shape is added when it turns up), so the page cannot be read
// instead of played.

// Drawn with CSS (play.css `.shape-*`), so they look the same on every phone, with no emoji font.
const SYMBOLS = [
  'circle',
  'square',
  'triangle',
  'diamond',
  'star',
  'hexagon',
  'plus',
  'pentagon',
  'ring',
  'bolt',
  'chevron',
  'drop',
];
// How long a mismatched pair stays visible before turning back down.
const MISMATCH_MS = 800;

function intIn(value, min, max, fallback) {
  return Number.isInteger(value) ? Math.min(max, Math.max(min, value)) : fallback;
}

function shuffle(list) {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function columnsFor(cards) {
  if (cards <= 4) return 2;
  if (cards <= 6) return 3;
  return cards === 10 ? 5 : 4;
}

export async function play(area, { config, t, fmt, h, sleep, complete }) {
  const pairs = intIn(config.pairs, 2, SYMBOLS.length, 6);
  const limitMs = intIn(config.duration_s, 5, 3600, 60) * 1000;
  const deck = shuffle(
    shuffle(SYMBOLS)
      .slice(0, pairs)
      .flatMap((s) => [s, s]),
  );

  const timer = h('span', { class: 'stat-value', testid: 'timer' }, String(limitMs / 1000));
  const found = h('span', { class: 'stat-value', testid: 'pairs-found' }, `0/${pairs}`);
  const movesOut = h('span', { class: 'stat-value', testid: 'moves' }, '0');
  const stat = (label, value) =>
    h('div', { class: 'stat' }, h('span', { class: 'stat-label' }, label), value);
  const banner = h('p', { class: 'banner', role: 'status' });

  const cards = deck.map((_, i) =>
    h(
      'button',
      {
        type: 'button',
        class: 'mm-card',
        testid: 'card',
        'data-index': i,
        'aria-label': fmt(t['game.card'], { n: i + 1 }),
      },
      h('span', { class: 'mm-back', 'aria-hidden': 'true' }),
      h('span', { class: 'mm-front' }),
    ),
  );
  const grid = h('div', { class: deck.length > 16 ? 'mm-grid dense' : 'mm-grid' }, ...cards);
  // Set through the CSSOM, which a Content-Security-Policy without inline styles still allows.
  grid.style.setProperty('--cols', String(columnsFor(deck.length)));
  area.append(
    h(
      'div',
      { class: 'hud' },
      stat(t['game.time'], timer),
      stat(t['game.pairs'], found),
      stat(t['game.moves'], movesOut),
    ),
    grid,
    banner,
  );

  let first = null;
  let shown = null; // a mismatched pair still face up, and its flip-back timer
  let moves = 0;
  let pairsFound = 0;
  let finished = false;
  const startedAt = performance.now();

  const faceUp = (i) => {
    const card = cards[i];
    card.dataset.face = deck[i];
    card
      .querySelector('.mm-front')
      .replaceChildren(h('span', { class: `shape shape-${deck[i]}`, 'aria-hidden': 'true' }));
    card.setAttribute('aria-label', `${fmt(t['game.card'], { n: i + 1 })}: ${deck[i]}`);
    card.classList.add('up');
  };
  const faceDown = (i) => {
    const card = cards[i];
    delete card.dataset.face;
    card.classList.remove('up');
    card.setAttribute('aria-label', fmt(t['game.card'], { n: i + 1 }));
    // The shape stays until the card has turned away, then leaves the DOM.
    setTimeout(() => {
      if (!card.dataset.face) card.querySelector('.mm-front').replaceChildren();
    }, 300);
  };
  const hideShown = () => {
    if (!shown) return;
    clearTimeout(shown.timer);
    shown.cards.forEach(faceDown);
    shown = null;
  };

  return new Promise((resolve, reject) => {
    const finish = async (message) => {
      if (finished) return;
      finished = true;
      clearInterval(ticker);
      const duration = Math.min(Math.round(performance.now() - startedAt), limitMs);
      area.dataset.state = 'done';
      cards.forEach((card) => (card.disabled = true));
      banner.textContent = message;
      await sleep(600);
      complete({ pairs_found: pairsFound, moves, duration_ms: duration }).then(resolve, reject);
    };

    const ticker = setInterval(() => {
      const left = limitMs - (performance.now() - startedAt);
      timer.textContent = String(Math.max(0, Math.ceil(left / 1000)));
      timer.classList.toggle('warn', left < 10_000);
      if (left <= 0) void finish(t['game.time_up']);
    }, 200);

    const onFlip = (i) => {
      const card = cards[i];
      if (finished || card.dataset.matched || card.dataset.face) return;
      // A third tap while a wrong pair is showing turns that pair down at once: no waiting.
      hideShown();
      faceUp(i);
      if (first === null) {
        first = i;
        return;
      }
      const other = first;
      first = null;
      moves += 1;
      movesOut.textContent = String(moves);
      if (deck[other] === deck[i]) {
        for (const j of [other, i]) {
          cards[j].dataset.matched = 'true';
          cards[j].classList.add('matched');
        }
        pairsFound += 1;
        found.textContent = `${pairsFound}/${pairs}`;
        if (pairsFound === pairs) void finish(t['game.all_found']);
      } else {
        shown = { cards: [other, i], timer: setTimeout(hideShown, MISMATCH_MS) };
      }
    };
    cards.forEach((card, i) => card.addEventListener('click', () => onFlip(i)));
  });
}
