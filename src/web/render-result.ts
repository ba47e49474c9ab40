import { fmt, type Strings } from './i18n.ts';
import type { GameView, PlayView, PrizeView } from './play-view.ts';
import { escapeHtml } from './render.ts';

// The result screen of a reopened play, rendered on the server (play.js's result.js draws the
// same screens in the browser). Three outcomes (docs/play.md, "Result screens"): `win` (a prize
// was won), `no-prize` (a lucky draw that won nothing) and `score` (a skill game's score, with
// the personal best and leaderboard rank).

export type ResultOutcome = 'win' | 'no-prize' | 'score';

/** The lucky draws: their "score" means nothing, the landed label does. */
const LUCKY_DRAWS = new Set(['spin-wheel', 'scratch-card', 'grid-box-reveal']);

function p(className: string, text: string | null | undefined, testid?: string): string {
  if (!text) return '';
  const id = testid ? ` data-testid="${testid}"` : '';
  return `<p class="${className}"${id}>${escapeHtml(text)}</p>`;
}

function configString(game: GameView | undefined, key: string): string | undefined {
  const value = game?.config[key];
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

const locale = (lang: PlayView['lang']) => (lang === 'th' ? 'th-TH' : 'en-GB');

function segmentLabel(view: PlayView): string | undefined {
  const index = view.play?.result?.segment_index;
  if (!LUCKY_DRAWS.has(view.game?.template ?? '') || typeof index !== 'number') return undefined;
  return view.game?.segments[index]?.label;
}

/** Only http(s) links become links: a brand-supplied `javascript:` URL must not. */
export function safeHttpUrl(raw: string | null | undefined): string | undefined {
  if (!raw) return undefined;
  try {
    const url = new URL(raw);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** Which result screen a reopened play gets. */
export function resultOutcome(view: PlayView): ResultOutcome {
  if (view.prize) return 'win';
  return LUCKY_DRAWS.has(view.game?.template ?? '') ? 'no-prize' : 'score';
}

/** "7 Dec 2026, 21:40 GMT+7": date, time and the zone's name, in `timeZone` (else UTC). */
export function formatDeadline(iso: string, lang: PlayView['lang'], timeZone: string): string {
  const options: Intl.DateTimeFormatOptions = {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  };
  try {
    return new Intl.DateTimeFormat(locale(lang), { ...options, timeZone }).format(new Date(iso));
  } catch {
    return new Intl.DateTimeFormat(locale(lang), { ...options, timeZone: 'UTC' }).format(
      new Date(iso),
    );
  }
}

/** Only a path of the shape src/lib/qr.ts writes reaches the page. */
const QR_PATH = /^[Mhvz0-9 -]*$/;

/** The claimed code's QR code: black on white with its quiet zone, at least 160 px wide. */
export function qrSvg(qr: { size: number; path: string } | null | undefined, t: Strings): string {
  if (!qr || !Number.isInteger(qr.size) || qr.size <= 0 || !QR_PATH.test(qr.path)) return '';
  const { size } = qr;
  return (
    `<svg class="prize-qr" data-testid="prize-qr" viewBox="0 0 ${size} ${size}" role="img"` +
    ` aria-label="${escapeHtml(t['prize.qr'])}" shape-rendering="crispEdges">` +
    `<rect width="${size}" height="${size}" fill="#ffffff"/>` +
    `<path d="${qr.path}" fill="#000000"/></svg>`
  );
}

/** The prize of a reopened play; play.js re-renders it with working Claim and Copy buttons. */
export function prizeBox(prize: PrizeView, t: Strings, view?: PlayView): string {
  if (prize.state === 'claimed') {
    const link = safeHttpUrl(prize.url);
    return (
      `<div class="prize-box prize-claimed" data-testid="prize" data-type="${escapeHtml(prize.type)}">` +
      `<p class="eyebrow">${escapeHtml(t['prize.title'])}</p>` +
      `<h2 class="prize-name">${escapeHtml(prize.name)}</h2>${p('muted', prize.description)}` +
      (prize.code
        ? `<div class="code-row">${p('muted', t['prize.code'])}` +
          `<p class="prize-code" data-testid="prize-code">${escapeHtml(prize.code)}</p>` +
          `<button type="button" class="btn btn-ghost" data-testid="copy-code" disabled>${escapeHtml(t['prize.copy'])}</button>` +
          qrSvg(prize.qr, t) +
          `</div>`
        : '') +
      (link
        ? `<a class="btn btn-secondary" data-testid="prize-link" href="${escapeHtml(link)}" target="_blank" rel="noopener noreferrer">${escapeHtml(t['prize.redeem'])}</a>`
        : '') +
      (!prize.code && !link ? p('muted', t['prize.item']) : '') +
      `</div>`
    );
  }
  const expired = prize.state === 'expired';
  const deadline =
    !expired && view
      ? p(
          'fine',
          fmt(t['prize.claim_by_date'], {
            date: formatDeadline(prize.expires_at, view.lang, view.stream?.timezone ?? 'UTC'),
          }),
          'claim-by',
        )
      : '';
  return (
    `<div class="prize-box${expired ? ' prize-expired' : ''}" data-testid="${expired ? 'prize-expired' : 'prize-offer'}">` +
    `<p class="eyebrow">${escapeHtml(t['prize.won'])}</p>` +
    `<h2 class="prize-name">${escapeHtml(prize.slot.name)}</h2>${p('muted', prize.slot.description)}` +
    (expired
      ? p('muted', t['prize.expired'])
      : `<button type="button" class="btn btn-secondary" data-testid="claim-button" disabled>${escapeHtml(t['prize.claim'])}</button>`) +
    deadline +
    `</div>`
  );
}

/** The score with the personal best and rank lines, when known. */
function scoreBox(view: PlayView, t: Strings): string {
  const score = view.play?.score ?? 0;
  const number = new Intl.NumberFormat(locale(view.lang));
  const { best, rank } = view;
  return (
    `<div class="score-box">` +
    `<span class="muted">${escapeHtml(t['result.score'])}</span>` +
    `<span class="score" data-testid="score" data-score="${score}">${escapeHtml(number.format(score))}</span>` +
    (best
      ? p(
          best.is_new ? 'best best-new' : 'best',
          best.is_new
            ? t['result.best_new']
            : fmt(t['result.best'], { score: number.format(best.score) }),
          'best',
        )
      : '') +
    (rank
      ? p(
          'rank',
          fmt(t['result.rank'], {
            position: number.format(rank.position),
            players: number.format(rank.players),
          }),
          'rank',
        )
      : '') +
    `</div>`
  );
}

/** The brand's call to action (config `cta_text` + `cta_url`), on every result screen. */
export function ctaLink(game: GameView | undefined): string {
  const text = configString(game, 'cta_text');
  const url = safeHttpUrl(configString(game, 'cta_url'));
  if (!text || !url) return '';
  return `<a class="btn btn-cta" data-testid="cta" href="${escapeHtml(url)}" target="_blank" rel="noopener">${escapeHtml(text)}</a>`;
}

export function resultScreen(view: PlayView, t: Strings): string {
  const outcome = resultOutcome(view);
  // On a win the prize box names what was won; the landed label would only repeat it.
  const landed = outcome === 'win' ? undefined : segmentLabel(view);
  const lucky = LUCKY_DRAWS.has(view.game?.template ?? '');
  const title =
    outcome === 'win'
      ? t['result.win_title']
      : outcome === 'no-prize'
        ? t['result.none_title']
        : t['result.title'];
  const landedLabel =
    view.game?.template === 'spin-wheel' ? t['result.landed'] : t['result.revealed'];
  const next = view.next_game
    ? fmt(t['next.named'], { title: view.next_game.title })
    : t['next.game'];
  return (
    `<section class="screen screen-result result-${outcome}" data-testid="result-screen"` +
    ` data-outcome="${outcome}" data-celebrate="still">` +
    `<div class="badge ${outcome === 'win' ? 'badge-win' : outcome === 'no-prize' ? 'badge-none' : 'badge-done'}" aria-hidden="true"></div>` +
    `<h1 class="title">${escapeHtml(title)}</h1>` +
    (outcome === 'no-prize' ? p('lead', t['result.none_body']) : '') +
    (landed
      ? `<p class="muted">${escapeHtml(landedLabel)}</p><p class="landed" data-testid="segment-result">${escapeHtml(landed)}</p>`
      : '') +
    (view.prize ? prizeBox(view.prize, t, view) : '') +
    (lucky ? '' : scoreBox(view, t)) +
    p('intro', configString(view.game, 'result_text')) +
    ctaLink(view.game) +
    // A public stream's next play starts from here (play.js enables the button).
    (view.start
      ? `<button type="button" class="btn btn-primary" data-testid="next-game" disabled>${escapeHtml(next)}</button>`
      : '') +
    `</section>`
  );
}
