// The play page's result and prize screens (docs/play.md, "Result screens"). play.js stays the
// state machine and hands this module its helpers; nothing here fetches except the claim.
//
// Three outcomes, marked `data-outcome` on the result section: `win` (a prize was won),
// `no-prize` (a lucky draw that won nothing) and `score` (a skill game's score, personal best
// and rank). A fresh win gets a short confetti burst in the brand colours (none under
// prefers-reduced-motion: `data-celebrate="still"`) and, when the player turned sound on, a
// chime made with WebAudio.

const LUCKY_DRAWS = new Set(['spin-wheel', 'scratch-card', 'grid-box-reveal']);
const SOUND_KEY = 'playloop.sound';
/** Only a path of the shape the server's src/lib/qr.ts writes is drawn. */
const QR_PATH = /^[Mhvz0-9 -]*$/;

function storedSound() {
  try {
    return window.localStorage.getItem(SOUND_KEY) === 'on';
  } catch {
    return false;
  }
}

function storeSound(on) {
  try {
    window.localStorage.setItem(SOUND_KEY, on ? 'on' : 'off');
  } catch {
    // Private mode: the choice lasts for this page only.
  }
}

/**
 * `ctx`: `{ view, t, fmt, h, svg, post, safeUrl, show, showError, setBusy, begin }` from play.js.
 * Returns `{ showResult }`.
 */
export function createResult(ctx) {
  const { view, t, fmt, h, svg, post, safeUrl, show, showError, setBusy, begin } = ctx;
  const locale = view?.lang === 'th' ? 'th-TH' : 'en-GB';
  const number = new Intl.NumberFormat(locale);
  const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)').matches;

  // Sound: off unless the player turned it on (remembered on this device).
  let soundOn = storedSound();
  let audio = null;

  function audioContext() {
    const Context = window.AudioContext ?? window.webkitAudioContext;
    if (!Context) return null;
    audio ??= new Context();
    return audio;
  }

  /** Three rising notes, about half a second. */
  function chime() {
    const context = audioContext();
    if (!context) return;
    if (context.state === 'suspended') void context.resume();
    const start = context.currentTime + 0.02;
    [1046.5, 1318.5, 1568].forEach((frequency, i) => {
      const osc = context.createOscillator();
      const gain = context.createGain();
      const at = start + i * 0.11;
      osc.type = 'sine';
      osc.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.18, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.45);
      osc.connect(gain).connect(context.destination);
      osc.start(at);
      osc.stop(at + 0.5);
    });
  }

  function mountSoundToggle() {
    const bar = document.querySelector('.topbar');
    if (!bar || bar.querySelector('[data-testid="sound-toggle"]')) return;
    const button = h(
      'button',
      {
        type: 'button',
        class: 'sound-toggle',
        testid: 'sound-toggle',
        'aria-pressed': String(soundOn),
        onclick: () => {
          soundOn = !soundOn;
          button.setAttribute('aria-pressed', String(soundOn));
          storeSound(soundOn);
          // Created in the tap, so that iOS lets it play later.
          if (soundOn) audioContext()?.resume?.();
        },
      },
      svg(
        'svg',
        { viewBox: '0 0 24 24', width: '18', height: '18', 'aria-hidden': 'true' },
        svg('path', { d: 'M4 9h4l5-4v14l-5-4H4z', fill: 'currentColor' }),
        svg('path', {
          class: 'sound-waves',
          d: 'M16 8.5a5 5 0 0 1 0 7M18.5 6a8.5 8.5 0 0 1 0 12',
          fill: 'none',
          stroke: 'currentColor',
          'stroke-width': '2',
          'stroke-linecap': 'round',
        }),
      ),
      h('span', {}, t['sound.label']),
    );
    bar.append(button);
  }

  /** A short confetti burst in the brand colours; removed when it has fallen. */
  function confetti(section) {
    const layer = h('div', { class: 'confetti', 'aria-hidden': 'true' });
    for (let i = 0; i < 28; i++) {
      const piece = h('span', { class: i % 2 ? 'c-secondary' : 'c-primary' });
      piece.style.setProperty('--x', `${Math.round(Math.random() * 100)}%`);
      piece.style.setProperty('--dx', `${Math.round(Math.random() * 80 - 40)}px`);
      piece.style.setProperty('--delay', `${Math.round(Math.random() * 350)}ms`);
      piece.style.setProperty('--spin', `${Math.round(Math.random() * 720 - 360)}deg`);
      layer.append(piece);
    }
    section.prepend(layer);
    setTimeout(() => layer.remove(), 2600);
  }

  /** "7 Dec 2026, 21:40 GMT+7": in the stream's zone when there is one, else the phone's. */
  function deadline(iso) {
    const at = new Date(iso);
    if (!Number.isFinite(at.getTime())) return null;
    const options = {
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      timeZoneName: 'short',
    };
    const zone = view?.stream?.timezone;
    try {
      return new Intl.DateTimeFormat(
        locale,
        zone ? { ...options, timeZone: zone } : options,
      ).format(at);
    } catch {
      return new Intl.DateTimeFormat(locale, options).format(at);
    }
  }

  function prizeOffer(prize) {
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
    const by = deadline(prize.expires_at);
    if (by)
      box.append(
        h('p', { class: 'fine', testid: 'claim-by' }, fmt(t['prize.claim_by_date'], { date: by })),
      );
    return box;
  }

  async function claim(drawToken, box, button) {
    setBusy(button, t['prize.claiming']);
    try {
      const { prize } = await post('/play/api/claim', { draw_token: drawToken }, 'claim_failed');
      const claimed = claimedPrize(prize);
      box.replaceWith(claimed);
      claimed.querySelector('[data-testid="copy-code"]')?.focus({ preventScroll: true });
    } catch (error) {
      showError(error);
    }
  }

  /** The code's QR code, black on white with its quiet zone whatever the brand colours. */
  function qrCode(qr) {
    if (!qr || !Number.isInteger(qr.size) || qr.size <= 0 || !QR_PATH.test(qr.path ?? '')) {
      return null;
    }
    return svg(
      'svg',
      {
        class: 'prize-qr',
        testid: 'prize-qr',
        viewBox: `0 0 ${qr.size} ${qr.size}`,
        role: 'img',
        'aria-label': t['prize.qr'],
        'shape-rendering': 'crispEdges',
      },
      svg('rect', { width: qr.size, height: qr.size, fill: '#ffffff' }),
      svg('path', { d: qr.path, fill: '#000000' }),
    );
  }

  /** Copies the code; where the clipboard API is missing, selects it for the player to copy. */
  function copyButton(code, codeElement) {
    const select = () => {
      const range = document.createRange();
      range.selectNodeContents(codeElement);
      const selection = window.getSelection();
      selection?.removeAllRanges();
      selection?.addRange(range);
    };
    return h(
      'button',
      {
        type: 'button',
        class: 'btn btn-ghost',
        testid: 'copy-code',
        onclick: (event) => {
          const copy = event.currentTarget;
          const selected = () => {
            select();
            copy.textContent = t['prize.selected'];
          };
          if (!navigator.clipboard?.writeText) return selected();
          navigator.clipboard
            .writeText(code)
            .then(() => (copy.textContent = t['prize.copied']), selected);
        },
      },
      t['prize.copy'],
    );
  }

  function claimedPrize(prize) {
    const link = safeUrl(prize.url);
    let code = null;
    if (prize.code) {
      const text = h('p', { class: 'prize-code', testid: 'prize-code' }, prize.code);
      code = h(
        'div',
        { class: 'code-row' },
        h('p', { class: 'muted' }, t['prize.code']),
        text,
        copyButton(prize.code, text),
        qrCode(prize.qr),
      );
    }
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

  function nextLabel(outcome) {
    const title = outcome?.next_game?.title ?? view?.next_game?.title;
    return typeof title === 'string' && title ? fmt(t['next.named'], { title }) : t['next.game'];
  }

  /** A public stream's "Next game" on a reopened result: starts the next play in place. */
  function nextButton(label) {
    const button = h(
      'button',
      { type: 'button', class: 'btn btn-primary', testid: 'next-game' },
      label,
    );
    button.addEventListener('click', () => void begin(button), { once: true });
    return button;
  }

  /** The brand's call to action (config `cta_text` + `cta_url`), on every result screen. */
  function cta(game) {
    const text = game.config?.cta_text;
    const href = safeUrl(game.config?.cta_url);
    if (typeof text !== 'string' || !text.trim() || !href) return null;
    return h(
      'a',
      { class: 'btn btn-cta', testid: 'cta', href, target: '_blank', rel: 'noopener' },
      text,
    );
  }

  function scoreBox(score, best, rank) {
    return h(
      'div',
      { class: 'score-box' },
      h('span', { class: 'muted' }, t['result.score']),
      h('span', { class: 'score', testid: 'score', 'data-score': score }, number.format(score)),
      best &&
        h(
          'p',
          { class: best.is_new ? 'best best-new' : 'best', testid: 'best' },
          best.is_new
            ? t['result.best_new']
            : fmt(t['result.best'], { score: number.format(best.score) }),
        ),
      rank &&
        h(
          'p',
          { class: 'rank', testid: 'rank' },
          fmt(t['result.rank'], {
            position: number.format(rank.position),
            players: number.format(rank.players),
          }),
        ),
    );
  }

  function outcomeOf(game, outcome) {
    const offer = outcome?.prize;
    if (offer?.draw_token && offer.slot?.type !== 'no_prize') return 'win';
    if (outcome?.reopened) return 'win';
    return LUCKY_DRAWS.has(game.template) ? 'no-prize' : 'score';
  }

  function showResult(game, outcome) {
    const kind = outcomeOf(game, outcome);
    const lucky = LUCKY_DRAWS.has(game.template);
    const score = typeof outcome?.score === 'number' ? outcome.score : 0;
    const index = outcome?.result?.segment_index;
    // On a win the prize box names what was won; the landed label would only repeat it.
    const landed = lucky && kind !== 'win' ? game.segments?.[index]?.label : undefined;
    const next = safeUrl(outcome?.next_url);
    const resultText = game.config?.result_text;
    // A reopened result shows the standing the server put on the page.
    const best = outcome?.best ?? (outcome?.reopened ? view?.best : null);
    const rank = outcome?.rank ?? (outcome?.reopened ? view?.rank : null);
    const celebrate = kind === 'win' && !outcome?.reopened && !reducedMotion;
    const title =
      kind === 'win'
        ? t['result.win_title']
        : kind === 'no-prize'
          ? t['result.none_title']
          : t['result.title'];
    const section = h(
      'section',
      {
        class: `screen screen-result result-${kind}`,
        testid: 'result-screen',
        'data-outcome': kind,
        'data-celebrate': celebrate ? 'motion' : 'still',
      },
      h('div', {
        class: `badge ${kind === 'win' ? 'badge-win' : kind === 'no-prize' ? 'badge-none' : 'badge-done'}`,
        'aria-hidden': 'true',
      }),
      h('h1', { class: 'title' }, title),
      kind === 'no-prize' && h('p', { class: 'lead' }, t['result.none_body']),
      landed &&
        h(
          'p',
          { class: 'muted' },
          game.template === 'spin-wheel' ? t['result.landed'] : t['result.revealed'],
        ),
      landed && h('p', { class: 'landed', testid: 'segment-result' }, landed),
      kind === 'win' && outcome?.prize && prizeOffer(outcome.prize),
      outcome?.reopened && reopenedPrize(outcome.reopened),
      !lucky && scoreBox(score, best, rank),
      typeof resultText === 'string' && resultText && h('p', { class: 'intro' }, resultText),
      cta(game),
      next &&
        h('a', { class: 'btn btn-primary', testid: 'next-game', href: next }, nextLabel(outcome)),
      outcome?.nextPlay && nextButton(nextLabel(outcome)),
    );
    show(section);
    if (celebrate) confetti(section);
    if (kind === 'win' && !outcome?.reopened && soundOn) chime();
  }

  // Only where a game is played or its result shown, not on error, countdown or finished pages.
  if ((view?.game || view?.start) && ['start', 'resume', 'result'].includes(view.screen)) {
    mountSoundToggle();
  }
  return { showResult };
}
