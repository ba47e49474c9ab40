// The play page's state machine (docs/play.md): start or resume → game → result → prize.
// The server renders the first screen; this script takes over from its start button.

const TEMPLATES = new Set(['spin-wheel', 'memory-match', 'quick-tap']);
const PAGE_ERRORS = new Set([
  'consumed',
  'expired',
  'revoked',
  'unknown',
  'wrong_game',
  'unavailable',
  'missing_token',
  'cap_reached',
]);

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
      body: JSON.stringify(body),
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
      h('div', { class: 'badge badge-error', 'aria-hidden': 'true' }),
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

function prizeOffer(prize) {
  if (!prize.draw_token || prize.slot?.type === 'no_prize') {
    return h(
      'div',
      { class: 'prize-box prize-none', testid: 'no-prize' },
      h('h2', {}, t['prize.none_title']),
      h('p', { class: 'muted' }, t['prize.none_body']),
    );
  }
  const expires = new Date(prize.expires_at);
  const claimBy = Number.isFinite(expires.getTime())
    ? fmt(t['prize.claim_by'], {
        time: expires.toLocaleTimeString(view.lang === 'th' ? 'th-TH' : 'en-GB', {
          hour: '2-digit',
          minute: '2-digit',
        }),
      })
    : null;
  const box = h(
    'div',
    { class: 'prize-box', testid: 'prize-offer' },
    h('p', { class: 'eyebrow' }, t['prize.won']),
    h('h2', { class: 'prize-name' }, prize.slot?.name ?? ''),
    prize.slot?.description && h('p', { class: 'muted' }, prize.slot.description),
  );
  const button = h(
    'button',
    {
      type: 'button',
      class: 'btn btn-secondary',
      testid: 'claim-button',
      onclick: () => void claim(prize.draw_token, box, button),
    },
    t['prize.claim'],
  );
  box.append(button);
  if (claimBy) box.append(h('p', { class: 'fine' }, claimBy));
  return box;
}

async function claim(drawToken, box, button) {
  setBusy(button, t['prize.claiming']);
  try {
    const { prize } = await post('/play/api/claim', { draw_token: drawToken }, 'claim_failed');
    box.replaceWith(claimedPrize(prize));
  } catch (error) {
    showError(error);
  }
}

function claimedPrize(prize) {
  const link = safeUrl(prize.url);
  const code = prize.code
    ? h(
        'div',
        { class: 'code-row' },
        h('p', { class: 'muted' }, t['prize.code']),
        h('p', { class: 'prize-code', testid: 'prize-code' }, prize.code),
        navigator.clipboard &&
          h(
            'button',
            {
              type: 'button',
              class: 'btn btn-ghost',
              onclick: (event) => {
                const copy = event.currentTarget;
                navigator.clipboard.writeText(prize.code).then(
                  () => (copy.textContent = t['prize.copied']),
                  () => {},
                );
              },
            },
            t['prize.copy'],
          ),
      )
    : null;
  return h(
    'div',
    { class: 'prize-box prize-claimed', testid: 'prize', 'data-type': prize.type },
    h('p', { class: 'eyebrow' }, t['prize.title']),
    h('h2', { class: 'prize-name' }, prize.name),
    prize.description && h('p', { class: 'muted' }, prize.description),
    code,
    link &&
      h(
        'a',
        {
          class: 'btn btn-secondary',
          testid: 'prize-link',
          href: link,
          target: '_blank',
          rel: 'noopener noreferrer',
        },
        t['prize.redeem'],
      ),
    !code && !link && h('p', { class: 'muted' }, t['prize.item']),
  );
}

/** A won prize whose claim deadline has passed (shown when the play's link is reopened). */
function expiredPrize(prize) {
  return h(
    'div',
    { class: 'prize-box prize-expired', testid: 'prize-expired' },
    h('p', { class: 'eyebrow' }, t['prize.won']),
    h('h2', { class: 'prize-name' }, prize.slot?.name ?? ''),
    prize.slot?.description && h('p', { class: 'muted' }, prize.slot.description),
    h('p', { class: 'muted' }, t['prize.expired']),
  );
}

/** The prize of a reopened play, by its state (docs/play.md, PrizeView). */
function reopenedPrize(prize) {
  if (prize?.state === 'claimed') return claimedPrize(prize);
  if (prize?.state === 'expired') return expiredPrize(prize);
  if (prize?.state === 'pending') return prizeOffer(prize);
  return null;
}

/** A public stream's "Next game" on a reopened result: starts the next play in place. */
function nextButton() {
  const button = h(
    'button',
    { type: 'button', class: 'btn btn-primary', testid: 'next-game' },
    t['next.game'],
  );
  button.addEventListener('click', () => void begin(button), { once: true });
  return button;
}

function showResult(game, outcome) {
  const score = typeof outcome?.score === 'number' ? outcome.score : 0;
  const index = outcome?.result?.segment_index;
  const landed = game.template === 'spin-wheel' ? game.segments?.[index]?.label : undefined;
  const next = safeUrl(outcome?.next_url);
  const resultText = game.config?.result_text;
  show(
    h(
      'section',
      { class: 'screen screen-result', testid: 'result-screen' },
      h('div', { class: 'badge badge-done', 'aria-hidden': 'true' }),
      h('h1', { class: 'title' }, t['result.title']),
      landed && h('p', { class: 'muted' }, t['result.landed']),
      landed && h('p', { class: 'landed', testid: 'segment-result' }, landed),
      h(
        'div',
        { class: game.template === 'spin-wheel' ? 'score-box compact' : 'score-box' },
        h('span', { class: 'muted' }, t['result.score']),
        h('span', { class: 'score', testid: 'score', 'data-score': score }, String(score)),
      ),
      typeof resultText === 'string' && resultText && h('p', { class: 'intro' }, resultText),
      outcome?.prize && prizeOffer(outcome.prize),
      outcome?.reopened && reopenedPrize(outcome.reopened),
      next && h('a', { class: 'btn btn-primary', testid: 'next-game', href: next }, t['next.game']),
      outcome?.nextPlay && nextButton(),
    ),
  );
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
