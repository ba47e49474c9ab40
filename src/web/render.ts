import { heroArt } from './render-games.ts';
import { brandCss, brandHex, brandTopbar, poweredByLine } from './brand.ts';
import { type ErrorKind, fmt, type Strings, stringsFor } from './i18n.ts';
import type { GameView, PlayView } from './play-view.ts';
import { resultScreen } from './render-result.ts';
import { errorBadge, finishedScreen, streamStartScreen } from './render-stream.ts';

export type {
  GameTemplate,
  GameView,
  Lang,
  PlayErrorKind,
  PlayScreen,
  PlayView,
  PrizeView,
  StartRequest,
  TemplateConfig,
} from './play-view.ts';

const STATIC = '/play/static';

const DEFAULT_COLORS = { primary: '#6d28d9', secondary: '#f59e0b', background: '#f4f1fb' };

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/**
 * JSON for a `<script type="application/json">` block. The HTML parser ends a script at the
 * first `</script` whatever the JSON means, so every `<` is written as its JSON escape; `>`
 * and `&` too, and the two line separators JavaScript once treated as newlines.
 */
export function embedJson(value: unknown): string {
  return JSON.stringify(value)
    .replaceAll('<', '\\u003c')
    .replaceAll('>', '\\u003e')
    .replaceAll('&', '\\u0026')
    .replaceAll('\u2028', '\\u2028')
    .replaceAll('\u2029', '\\u2029');
}

function configString(game: GameView | undefined, key: string): string | undefined {
  const value = game?.config[key];
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function configNumber(game: GameView, key: string, fallback: number): number {
  const value = game.config[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/** Only `#rgb` / `#rrggbb` reach the stylesheet, so config cannot inject CSS. */
function color(game: GameView | undefined, key: string, fallback: string): string {
  const value = configString(game, key);
  if (value && /^#[0-9a-f]{6}$/i.test(value)) return value.toLowerCase();
  if (value && /^#[0-9a-f]{3}$/i.test(value)) {
    return `#${[...value.slice(1)].map((c) => c + c).join('')}`.toLowerCase();
  }
  return fallback;
}

/** Dark or white text, whichever contrasts more with `hex` (WCAG relative luminance). */
function textOn(hex: string): string {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const l = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return (l + 0.05) / 0.05 > 1.05 / (l + 0.05) ? '#1f1933' : '#ffffff';
}

/** The brand's colours (the game's own already merged in) win over the template's defaults. */
function themeCss(game: GameView | undefined, brand?: PlayView['brand']): string {
  const c = brand?.colors;
  const primary = brandHex(c?.primary) ?? color(game, 'primary_color', DEFAULT_COLORS.primary);
  const secondary =
    brandHex(c?.secondary) ?? color(game, 'secondary_color', DEFAULT_COLORS.secondary);
  const background =
    brandHex(c?.background) ?? color(game, 'background_color', DEFAULT_COLORS.background);
  return (
    `:root{--primary:${primary};--on-primary:${textOn(primary)};` +
    `--secondary:${secondary};--on-secondary:${textOn(secondary)};` +
    `--bg:${background};--on-bg:${textOn(background)}}`
  );
}

export function instructions(game: GameView, t: Strings): string {
  const seconds = configNumber(game, 'duration_s', game.template === 'memory-match' ? 60 : 10);
  const pairs = configNumber(game, 'pairs', 6);
  const boxes = configNumber(game, 'boxes', 9);
  return fmt(t[`instructions.${game.template}`], { pairs, seconds, boxes });
}

function p(className: string, text: string | null | undefined): string {
  return text ? `<p class="${className}">${escapeHtml(text)}</p>` : '';
}

function startScreen(view: PlayView, t: Strings): string {
  const { game } = view;
  const resume = view.screen === 'resume';
  if (!game && !resume && view.stream?.games) return streamStartScreen(view, t);
  const heading = resume
    ? t['resume.title']
    : (game?.title ?? view.stream?.name ?? t['start.ready']);
  const body = resume
    ? p('lead', t['resume.body'])
    : p('lead', game?.description) + p('intro', configString(game, 'intro_text'));
  const howTo = game
    ? `<div class="howto"><h2>${escapeHtml(t['start.how_to_play'])}</h2>${p('', instructions(game, t))}</div>`
    : '';
  // Disabled until play.js takes the button over, so an early tap is never lost silently.
  const button =
    `<button type="button" class="btn btn-primary" data-testid="start-button"` +
    `${resume ? ' data-resume="true"' : ''} disabled>` +
    `${escapeHtml(resume ? t['resume.continue'] : t['start.play'])}</button>`;
  return (
    `<section class="screen screen-start" data-testid="${resume ? 'resume-screen' : 'start-screen'}">` +
    `<div class="hero hero-${game?.template ?? 'none'}" aria-hidden="true">` +
    heroArt(game) +
    `</div>` +
    (resume && game ? `<p class="eyebrow">${escapeHtml(game.title)}</p>` : '') +
    `<h1 class="title">${escapeHtml(heading)}</h1>${body}${howTo}${button}</section>`
  );
}

export function errorScreen(kind: ErrorKind, t: Strings): string {
  return (
    `<section class="screen screen-error" data-testid="error-screen" data-error="${kind}">` +
    `<div class="badge ${errorBadge(kind)}" aria-hidden="true"></div>` +
    `<h1 class="title">${escapeHtml(t[`error.${kind}.title`])}</h1>` +
    `${p('lead', t[`error.${kind}.body`])}</section>`
  );
}

/** `1d 02:03:04` / `02:03:04`, the same format play.js keeps ticking. */
export function formatRemaining(ms: number, t: Strings): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const days = Math.floor(total / 86_400);
  const clock = [Math.floor(total / 3600) % 24, Math.floor(total / 60) % 60, total % 60]
    .map((n) => String(n).padStart(2, '0'))
    .join(':');
  return days > 0 ? `${fmt(t['countdown.days'], { d: days })} ${clock}` : clock;
}

function formatInstant(iso: string, lang: PlayView['lang'], timeZone: string): string {
  const options: Intl.DateTimeFormatOptions = {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  };
  const locale = lang === 'th' ? 'th-TH' : 'en-GB';
  try {
    return new Intl.DateTimeFormat(locale, { ...options, timeZone }).format(new Date(iso));
  } catch {
    // An unknown zone name must not break the page; UTC is still a true statement.
    return new Intl.DateTimeFormat(locale, { ...options, timeZone: 'UTC' }).format(new Date(iso));
  }
}

function countdownScreen(view: PlayView, t: Strings, now: Date): string {
  const startAt = view.stream?.start_at;
  const startMs = startAt ? Date.parse(startAt) : NaN;
  const valid = Number.isFinite(startMs);
  const remaining = valid ? startMs - now.getTime() : 0;
  const time = remaining > 0 ? formatRemaining(remaining, t) : t['countdown.soon'];
  return (
    `<section class="screen screen-countdown" data-testid="countdown"` +
    (valid ? ` data-start-at="${new Date(startMs).toISOString()}"` : '') +
    ` data-server-now="${now.toISOString()}">` +
    `<div class="badge badge-clock" aria-hidden="true"></div>` +
    (view.stream ? `<p class="eyebrow">${escapeHtml(view.stream.name)}</p>` : '') +
    `<h1 class="title">${escapeHtml(t['countdown.title'])}</h1>` +
    `<p class="countdown-time" data-testid="countdown-time">${escapeHtml(time)}</p>` +
    (valid && view.stream
      ? p(
          'muted',
          fmt(t['countdown.opens'], {
            date: formatInstant(startAt ?? '', view.lang, view.stream.timezone),
          }),
        )
      : '') +
    `</section>`
  );
}

function screenHtml(view: PlayView, t: Strings, now: Date): string {
  switch (view.screen) {
    case 'start':
    case 'resume':
      return startScreen(view, t);
    case 'result':
      return resultScreen(view, t);
    case 'error':
      return errorScreen(view.error ?? 'unknown', t);
    case 'countdown':
      return countdownScreen(view, t, now);
    case 'finished':
      return finishedScreen(view, t);
  }
}

export interface RenderOptions {
  /** The document title; defaults to the game's title, then the stream's name. */
  title?: string;
  /** The instant the countdown is measured from (tests pin it); defaults to now. */
  now?: Date;
}

/**
 * The complete play page: the current screen rendered on the server (so error, countdown and
 * finished pages need no script), plus the view model and this language's strings as JSON for
 * `/play/static/play.js`, which takes over for playing.
 */
export function renderPlayPage(view: PlayView, options: RenderOptions = {}): string {
  const t = stringsFor(view.lang);
  const { game } = view;
  const name = view.brand?.name ?? t['app.name'];
  const heading = options.title ?? game?.title ?? view.stream?.name;
  const title = heading && view.brand ? `${heading} · ${name}` : (heading ?? name);
  const playable = view.screen === 'start' || view.screen === 'resume' || Boolean(view.start);
  const preload =
    playable && game ? `<link rel="modulepreload" href="${STATIC}/${game.template}.js">\n` : '';
  const brand = view.stream?.name ?? t['app.name'];
  return `<!doctype html>
<html lang="${view.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="color-scheme" content="light">
<meta name="theme-color" content="${brandHex(view.brand?.colors.primary) ?? color(game, 'primary_color', DEFAULT_COLORS.primary)}">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${STATIC}/play.css">
<style>${themeCss(game, view.brand)}${view.brand ? brandCss(view.brand) : ''}</style>
${preload}<link rel="modulepreload" href="${STATIC}/result.js">
<script type="module" src="${STATIC}/play.js"></script>
</head>
<body class="lang-${view.lang}">
<div class="page">
${view.brand ? brandTopbar(view.brand) : `<header class="topbar"><span class="logo" aria-hidden="true"></span><span class="brand">${escapeHtml(brand)}</span></header>`}
<main id="app" class="card" aria-live="polite">${screenHtml(view, t, options.now ?? new Date())}</main>
${playable ? `<noscript><p class="noscript">${escapeHtml(t['app.noscript'])}</p></noscript>\n` : ''}${poweredByLine(view.brand, t['brand.powered_by'])}</div>
<script type="application/json" id="play-view">${embedJson(view)}</script>
<script type="application/json" id="play-strings">${embedJson(t)}</script>
</body>
</html>
`;
}
