// The play page's state machine (docs/play.md): start or resume → game → result → prize.
// The server renders the first screen; this script takes over from its start button.

import { createResult } from './result.js';

const TEMPLATES = new Set([
  'spin-wheel',
  'memory-match',
  'quick-tap',
  'scratch-card',
  'grid-box-reveal',
]);
const PAGE_ERRORS = new Set([
  'consumed',
  'expired',
  'revoked',
  'unknown',
  'wrong_game',
  'unavailable',
  'missing_token',
  'cap_reached',
  'stream_paused',
  'stream_ended',
  'stream_full',
]);

const STREAM_BADGES = {
  stream_paused: 'badge-clock',
  cap_reached: 'badge-done',
  stream_ended: 'badge-done',
  stream_full: 'badge-done',
};

const readJson = (id) => JSON.parse(document.getElementById(id)?.textContent ?? 'null');
const view = readJson('play-view');
const t = readJson('play-strings');
const app = document.getElementById('app');
const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)').matches;

function fmt(text, values) {
  return text.replace(/\{(\w+)\}/g, (whole, name) =>
    name in values ? String(values[name]) : whole,
  );
}

function build(element, attrs, children) {
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'testid') {
      element.setAttribute('data-testid', value);
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  // Text goes in as text nodes, never as markup: labels and prize names come from brands.
  element.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return element;
}

/** `h('p', { class: 'lead', testid: 'x' }, 'text', child)`: a DOM element, attributes as given. */
const h = (tag, attrs, ...children) => build(document.createElement(tag), attrs, children);
const svg = (tag, attrs, ...children) =>
  build(document.createElementNS('http://www.w3.org/2000/svg', tag), attrs, children);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

class PlayFailure extends Error {
  constructor(kind) {
    super(kind);
    this.kind = kind;
  }
}

/**
 * POSTs JSON and unwraps the `{ success, data }` envelope. A refusal becomes a PlayFailure whose
 * kind picks the error screen: the server's `details.reason` when it names a page error,
 * otherwise what this call's failures mean (`fallback`).
 */
async function post(path, body, fallback) {
  let response;
  try {
    response = await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      // Every play API body says the page's language: game texts and prizes come back in it.
      body: JSON.stringify({ ...body, lang: view?.lang }),
    });
  } catch {
    throw new PlayFailure('network');
  }
  const payload = await response.json().catch(() => null);
  if (!response.ok) {
    const reason = payload?.details?.reason;
    if (PAGE_ERRORS.has(reason)) throw new PlayFailure(reason);
    if (response.status >= 500 || response.status === 429) throw new PlayFailure('error');
    throw new PlayFailure(typeof fallback === 'function' ? fallback(response.status) : fallback);
  }
  return payload?.success === true && 'data' in payload ? payload.data : payload;
}

/** Only http(s) links are followed: a brand-supplied `javascript:` URL must not become a link. */
function safeUrl(raw) {
  if (typeof raw !== 'string' || raw === '') return null;
  try {
    const url = new URL(raw, window.location.href);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

function show(section) {
  app.replaceChildren(section);
  window.scrollTo({ top: 0 });
  // Screen readers and keyboards follow the new screen rather than a removed button.
  const heading = section.querySelector('h1');
  heading?.setAttribute('tabindex', '-1');
  heading?.focus({ preventScroll: true });
}

function showError(error) {
  const kind = error instanceof PlayFailure ? error.kind : 'error';
  if (!(error instanceof PlayFailure)) console.error(error);
  const retryable = kind === 'network' || kind === 'error';
  show(
    h(
      'section',
      { class: 'screen screen-error', testid: 'error-screen', 'data-error': kind },
      // A stream that is paused or used up is not a fault: a clock or a tick (render-stream.ts).
      h('div', { class: `badge ${STREAM_BADGES[kind] ?? 'badge-error'}`, 'aria-hidden': 'true' }),
      h('h1', { class: 'title' }, t[`error.${kind}.title`]),
      h('p', { class: 'lead' }, t[`error.${kind}.body`]),
      retryable &&
        h(
          'button',
          { type: 'button', class: 'btn btn-primary', onclick: () => window.location.reload() },
          t['error.retry'],
        ),
    ),
  );
}

function setBusy(button, label) {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  button.textContent = label;
}

async function begin(button) {
  setBusy(button, t['start.loading']);
  try {
    const started = await post('/play/api/start', view.start, (status) =>
      status === 404 ? 'unknown' : 'unavailable',
    );
    const game = started.game ?? view.game;
    if (!TEMPLATES.has(game?.template)) throw new PlayFailure('unavailable');
    const template = await import(`./${game.template}.js`);

    const area = h('div', {
      class: `game-area game-${game.template}`,
      testid: 'game-area',
      'data-template': game.template,
      'data-state': 'ready',
    });
    show(
      h(
        'section',
        { class: 'screen screen-game', testid: 'game-screen' },
        h('h1', { class: 'game-title' }, game.title),
        area,
      ),
    );
    const complete = (facts) =>
      post(`/play/api/plays/${encodeURIComponent(started.play.id)}/complete`, facts, 'rejected');
    const outcome = await template.play(area, {
      game,
      config: game.config ?? {},
      t,
      fmt,
      h,
      svg,
      sleep,
      reducedMotion,
      resumed: started.resumed === true,
      complete,
    });
    showResult(game, outcome);
  } catch (error) {
    showError(error);
  }
}

/** Same format as the server's formatRemaining. */
function formatRemaining(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const days = Math.floor(total / 86400);
  const clock = [Math.floor(total / 3600) % 24, Math.floor(total / 60) % 60, total % 60]
    .map((n) => String(n).padStart(2, '0'))
    .join(':');
  return days > 0 ? `${fmt(t['countdown.days'], { d: days })} ${clock}` : clock;
}

function runCountdown(section) {
  const startAt = Date.parse(section.dataset.startAt ?? '');
  const out = section.querySelector('[data-testid="countdown-time"]');
  if (!Number.isFinite(startAt) || !out) return;
  // Measured against the server's clock, so a phone set a few minutes off still opens on time.
  const serverNow = Date.parse(section.dataset.serverNow ?? '');
  const skew = Number.isFinite(serverNow) ? serverNow - Date.now() : 0;
  const left = () => startAt - (Date.now() + skew);
  if (left() <= 0) {
    // The server still says "not yet": ask again later rather than reloading in a loop.
    setTimeout(() => window.location.reload(), 10_000);
    return;
  }
  const timer = setInterval(() => {
    const ms = left();
    if (ms > 0) {
      out.textContent = formatRemaining(ms);
      return;
    }
    clearInterval(timer);
    out.textContent = t['countdown.soon'];
    setTimeout(() => window.location.reload(), 1000);
  }, 250);
}

const { showResult } = createResult({
  view,
  t,
  fmt,
  h,
  svg,
  post,
  safeUrl,
  show,
  showError,
  setBusy,
  begin,
});

function boot() {
  // A finished play's link reopened: its result and prize again, with a working Claim button.
  if (view?.screen === 'result' && view.game) {
    showResult(view.game, {
      score: view.play?.score,
      result: view.play?.result,
      reopened: view.prize,
      nextPlay: Boolean(view.start),
    });
    return;
  }
  const button = app?.querySelector('[data-testid="start-button"]');
  if (button && view?.start) {
    button.disabled = false;
    button.addEventListener('click', () => void begin(button), { once: true });
  }
  const countdown = app?.querySelector('[data-testid="countdown"]');
  if (countdown) runCountdown(countdown);
}

boot();
