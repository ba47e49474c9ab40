// Scratch card: a lucky draw. The server draws the outcome when the play is completed (on the
// first scratch or the Reveal button); the card only uncovers the slot it names.

const HEX = /^#[0-9a-f]{6}$/i;

function labelsOf(game) {
  const fromGame = Array.isArray(game.segments) ? game.segments : [];
  const fromConfig = Array.isArray(game.config?.segments) ? game.config.segments : [];
  return (fromGame.length >= 1 ? fromGame : fromConfig).map((s) => String(s?.label ?? ''));
}

/** Dark or white, whichever reads better on `hex`. */
function inkOn(hex) {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return 0.299 * r + 0.587 * g + 0.114 * b > 150 ? '#1f1933' : '#ffffff';
}

export async function play(area, { game, config, t, h, sleep, reducedMotion, complete }) {
  const labels = labelsOf(game);
  const cover = HEX.test(config.cover_color ?? '') ? config.cover_color : '#a8a29e';
  const percent = Number.isInteger(config.reveal_percent)
    ? Math.min(90, Math.max(30, config.reveal_percent))
    : 50;

  const prizeText = h('p', { class: 'sc-prize-text', testid: 'scratch-result' });
  const prize = h(
    'div',
    { class: 'sc-prize', 'aria-hidden': 'true' },
    h('span', { class: 'sc-star' }),
    prizeText,
  );
  const canvas = h('canvas', {
    class: 'sc-cover',
    testid: 'scratch-canvas',
    'aria-hidden': 'true',
  });
  const card = h('div', { class: 'sc-card', testid: 'scratch-card' }, prize, canvas);
  const button = h(
    'button',
    { type: 'button', class: 'btn btn-ghost', testid: 'reveal-button' },
    t['game.reveal'],
  );
  // Announced to screen readers; the card itself shows the prize.
  const banner = h('p', { class: 'sc-announce', role: 'status' });
  area.append(card, banner, button);

  const shownAt = performance.now();
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const ratio = Math.min(2, window.devicePixelRatio || 1);
  const box = card.getBoundingClientRect();
  canvas.width = Math.max(1, Math.round(box.width * ratio));
  canvas.height = Math.max(1, Math.round(box.height * ratio));
  paintCover(ctx, canvas, cover, t['game.scratch_here'], ratio);

  // The draw: asked for once, on the first scratch or the Reveal button.
  let answer;
  const draw = () => {
    if (!answer) {
      area.dataset.state = 'scratching';
      answer = complete({ duration_ms: Math.round(performance.now() - shownAt) }).then(
        (response) => {
          const index = response?.result?.segment_index;
          const label = Number.isInteger(index) ? labels[index] : undefined;
          prizeText.textContent = label || response?.prize?.slot?.name || '';
          if (Number.isInteger(index)) area.dataset.segmentIndex = String(index);
          return response;
        },
      );
    }
    return answer;
  };

  const revealed = new Promise((resolve, reject) => {
    let last = null;
    let strokes = 0;
    const done = () => {
      card.removeEventListener('pointerdown', down);
      draw().then(resolve, reject);
    };
    const at = (event) => {
      const rect = canvas.getBoundingClientRect();
      return [(event.clientX - rect.left) * ratio, (event.clientY - rect.top) * ratio];
    };
    const scratch = (from, to) => {
      ctx.globalCompositeOperation = 'destination-out';
      ctx.lineCap = 'round';
      ctx.lineJoin = 'round';
      ctx.lineWidth = 44 * ratio;
      ctx.beginPath();
      ctx.moveTo(from[0], from[1]);
      ctx.lineTo(to[0] + 0.01, to[1]);
      ctx.stroke();
    };
    const check = () => {
      if (cleared(ctx, canvas) * 100 >= percent) done();
    };
    const down = (event) => {
      if (event.button > 0) return;
      event.preventDefault();
      card.setPointerCapture?.(event.pointerId);
      draw().catch(reject);
      last = at(event);
      scratch(last, last);
    };
    const move = (event) => {
      if (!last) return;
      const next = at(event);
      scratch(last, next);
      last = next;
      strokes += 1;
      if (strokes % 8 === 0) check();
    };
    const up = () => {
      if (!last) return;
      last = null;
      check();
    };
    card.addEventListener('pointerdown', down);
    card.addEventListener('pointermove', move);
    card.addEventListener('pointerup', up);
    card.addEventListener('pointercancel', up);
    button.addEventListener('click', done, { once: true });
  });

  const response = await revealed;
  button.disabled = true;
  button.hidden = true;
  prize.removeAttribute('aria-hidden');
  if (reducedMotion) {
    canvas.hidden = true;
  } else {
    canvas.classList.add('gone');
    await sleep(450);
    canvas.hidden = true;
  }
  area.dataset.state = 'revealed';
  card.classList.add('revealed');
  banner.textContent = prizeText.textContent;
  await sleep(reducedMotion ? 150 : 900);
  return response;
}

function paintCover(ctx, canvas, color, text, ratio) {
  const { width, height } = canvas;
  ctx.fillStyle = color;
  ctx.fillRect(0, 0, width, height);
  // A little sheen and a coin-rubbed texture, so it reads as foil.
  const sheen = ctx.createLinearGradient(0, 0, width, height);
  sheen.addColorStop(0, 'rgb(255 255 255 / 28%)');
  sheen.addColorStop(0.5, 'rgb(255 255 255 / 0%)');
  sheen.addColorStop(1, 'rgb(0 0 0 / 12%)');
  ctx.fillStyle = sheen;
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = 'rgb(255 255 255 / 14%)';
  for (let x = 0; x < width; x += 14 * ratio) {
    for (let y = (x / (14 * ratio)) % 2 ? 7 * ratio : 0; y < height; y += 14 * ratio) {
      ctx.fillRect(x, y, 2 * ratio, 2 * ratio);
    }
  }
  ctx.fillStyle = inkOn(color);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  const font = window.getComputedStyle(canvas).fontFamily || 'sans-serif';
  ctx.font = `800 ${22 * ratio}px ${font}`;
  ctx.fillText(text, width / 2, height / 2, width * 0.85);
}

/** The share of the cover scratched away, sampled on a grid. */
function cleared(ctx, canvas) {
  const { width, height } = canvas;
  const data = ctx.getImageData(0, 0, width, height).data;
  const step = 8;
  let seen = 0;
  let clear = 0;
  for (let y = step / 2; y < height; y += step) {
    for (let x = step / 2; x < width; x += step) {
      seen += 1;
      if (data[(Math.floor(y) * width + Math.floor(x)) * 4 + 3] < 128) clear += 1;
    }
  }
  return seen ? clear / seen : 1;
}
