import { fmt, type StringKey, type Strings } from './i18n.ts';
import type { PlayView, StreamGameView } from './play-view.ts';
import { escapeHtml } from './render.ts';

// A stream's own screens, rendered on the server: its start screen (the games in order with
// this player's progress and the next one named) and its end (what they played, the total).

/**
 * The badge of an error screen: a paused stream shows a clock and a used-up one a tick, since
 * neither is a fault (play.js `STREAM_BADGES` says the same); anything else the error mark.
 */
export function errorBadge(kind: string): string {
  if (kind === 'stream_paused') return 'badge-clock';
  if (kind === 'cap_reached' || kind === 'stream_ended' || kind === 'stream_full') {
    return 'badge-done';
  }
  return 'badge-error';
}

function p(className: string, text: string | null | undefined, testid?: string): string {
  if (!text) return '';
  const id = testid ? ` data-testid="${testid}"` : '';
  return `<p class="${className}"${id}>${escapeHtml(text)}</p>`;
}

/** Games scored by skill; the others are lucky draws, where the prize is what counts. */
const SKILL = new Set(['memory-match', 'quick-tap']);

const svg = (body: string) =>
  `<svg viewBox="0 0 24 24" width="24" height="24" fill="none" stroke="currentColor"` +
  ` stroke-width="2" stroke-linecap="round" stroke-linejoin="round">${body}</svg>`;

/** A small line icon per template; an unknown template gets a star. */
const ICONS: Record<string, string> = {
  'spin-wheel': svg(
    '<circle cx="12" cy="12" r="9"/><path d="M12 3v18M3 12h18M5.6 5.6l12.8 12.8M18.4 5.6 5.6 18.4"/>',
  ),
  'memory-match': svg(
    '<rect x="3" y="5" width="10" height="14" rx="2"/><rect x="11" y="3" width="10" height="14" rx="2"/>',
  ),
  'quick-tap': svg(
    '<circle cx="12" cy="12" r="9"/><circle cx="12" cy="12" r="5"/><circle cx="12" cy="12" r="1"/>',
  ),
  'scratch-card': svg(
    '<rect x="3" y="5" width="18" height="14" rx="2"/><path d="m7 15 4-6M11 15l4-6M15 15l2-3"/>',
  ),
  'grid-box-reveal': svg(
    '<rect x="3" y="3" width="7" height="7" rx="1.5"/><rect x="14" y="3" width="7" height="7" rx="1.5"/>' +
      '<rect x="3" y="14" width="7" height="7" rx="1.5"/><rect x="14" y="14" width="7" height="7" rx="1.5"/>',
  ),
};
const STAR = svg(
  '<path d="m12 3 2.7 5.6 6.1.9-4.4 4.3 1 6.1L12 17l-5.4 2.9 1-6.1-4.4-4.3 6.1-.9z"/>',
);

function kindOf(template: string, t: Strings): string {
  const key = `stream.kind.${template}`;
  return key in t ? t[key as StringKey] : '';
}

/** What a game's row says on its right: its score or prize, or where it is in the order. */
function statusOf(game: StreamGameView, t: Strings): string {
  if (game.state === 'next') return t['stream.state.next'];
  if (game.state === 'upcoming') return t['stream.state.upcoming'];
  if (game.prize) return game.prize;
  if (SKILL.has(game.template)) return fmt(t['stream.score'], { score: game.score ?? 0 });
  return t['stream.no_prize'];
}

function gameRow(game: StreamGameView, t: Strings): string {
  const kind = kindOf(game.template, t);
  const won = game.state === 'played' && game.prize ? ' sg-won' : '';
  return (
    `<li class="sg sg-${game.state}" data-testid="stream-game" data-state="${game.state}"` +
    ` data-template="${escapeHtml(game.template)}">` +
    `<span class="sg-icon" aria-hidden="true">${ICONS[game.template] ?? STAR}</span>` +
    `<span class="sg-text"><span class="sg-title">${escapeHtml(game.title)}</span>` +
    (kind ? `<span class="sg-kind">${escapeHtml(kind)}</span>` : '') +
    `</span><span class="sg-status${won}" data-testid="stream-game-status">` +
    `${escapeHtml(statusOf(game, t))}</span></li>`
  );
}

function gameList(games: readonly StreamGameView[], t: Strings, label: string): string {
  if (games.length === 0) return '';
  return (
    `<ol class="stream-games" data-testid="stream-games" aria-label="${escapeHtml(label)}">` +
    games.map((game) => gameRow(game, t)).join('') +
    `</ol>`
  );
}

/** "Game 2 of 3 · 2 plays left", while this player has plays left. */
function countLine(progress: { plays: number; allowed: number }, t: Strings): string {
  const left = progress.allowed - progress.plays;
  if (left <= 0) return '';
  const count = fmt(t['stream.count'], { n: progress.plays + 1, allowed: progress.allowed });
  const remaining = left === 1 ? t['stream.left.one'] : fmt(t['stream.left'], { left });
  return (
    `<p class="stream-count" data-testid="stream-count">` +
    `<span>${escapeHtml(count)}</span><span>${escapeHtml(remaining)}</span></p>`
  );
}

/**
 * A stream's start screen when its games are known: the games in order with this player's
 * progress, the next one named, and the Play button play.js takes over.
 */
export function streamStartScreen(view: PlayView, t: Strings): string {
  const stream = view.stream!;
  const next = stream.games?.find((game) => game.state === 'next');
  return (
    `<section class="screen screen-start screen-stream" data-testid="start-screen">` +
    (stream.progress ? countLine(stream.progress, t) : '') +
    `<h1 class="title">${escapeHtml(stream.name)}</h1>` +
    (next
      ? p('lead stream-next', fmt(t['stream.next'], { title: next.title }), 'stream-next')
      : '') +
    gameList(stream.games ?? [], t, t['stream.games']) +
    // Disabled until play.js takes the button over, so an early tap is never lost silently.
    `<button type="button" class="btn btn-primary" data-testid="start-button" disabled>` +
    `${escapeHtml(t['start.play'])}</button></section>`
  );
}

/** What the player played, each game with its score or prize, and the skill games' total. */
function summary(view: PlayView, t: Strings): string {
  const played = (view.stream?.games ?? []).filter((game) => game.state === 'played');
  if (played.length === 0) return '';
  const scored = played.some((game) => SKILL.has(game.template));
  const total = view.stream?.progress?.score ?? 0;
  return (
    `<div class="stream-summary" data-testid="stream-summary">` +
    `<h2 class="stream-summary-title">${escapeHtml(t['stream.summary'])}</h2>` +
    gameList(played, t, t['stream.summary']) +
    (scored
      ? `<p class="stream-total" data-testid="stream-total" data-total="${total}">` +
        `<span>${escapeHtml(t['stream.total'])}</span><strong>${total}</strong></p>`
      : '') +
    `</div>`
  );
}

/**
 * The end: of the stream (its schedule ended), or of this player's plays while the stream goes
 * on for others, which says how many they played and sums them up rather than saying the
 * campaign ended.
 */
export function finishedScreen(view: PlayView, t: Strings): string {
  const message = view.stream?.completion_message;
  const { played } = view;
  return (
    `<section class="screen screen-finished" data-testid="finished"` +
    ` data-finished="${played ? 'played-all' : 'ended'}">` +
    `<div class="badge badge-done" aria-hidden="true"></div>` +
    (view.stream ? `<p class="eyebrow">${escapeHtml(view.stream.name)}</p>` : '') +
    `<h1 class="title">${escapeHtml(played ? t['finished.played.title'] : t['finished.title'])}</h1>` +
    (played
      ? p('lead', fmt(t['finished.played.count'], { plays: played.plays, allowed: played.allowed }))
      : '') +
    summary(view, t) +
    `${p(played ? 'muted stream-message' : 'lead', message ?? t['finished.body'], 'stream-message')}</section>`
  );
}
