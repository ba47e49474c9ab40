import { describe, expect, it } from 'vitest';
import { CLIENT_ERROR_KINDS, PAGE_ERROR_KINDS, pickLang, stringsFor } from './i18n.ts';
import type { GameView, PlayView } from './play-view.ts';
import { embedJson, errorScreen, escapeHtml, renderPlayPage } from './render.ts';

const game: GameView = {
  id: 7,
  title: 'Summer Spin',
  description: 'Win a voucher',
  template: 'spin-wheel',
  config: { primary_color: '#0f766e', intro_text: 'One spin per link' },
  segments: [{ label: 'A' }, { label: 'B' }],
};

const startView: PlayView = {
  lang: 'en',
  screen: 'start',
  start: { session_token: '6f1c1d8e-3a8b-4c47-9a3e-1f2b3c4d5e6f', game_id: 7 },
  game,
};

/** The text of `<script type="application/json" id="…">`, as the browser would read it. */
function embedded(html: string, id: string): unknown {
  const open = `<script type="application/json" id="${id}">`;
  const start = html.indexOf(open);
  expect(start).toBeGreaterThan(-1);
  const end = html.indexOf('</script>', start + open.length);
  return JSON.parse(html.slice(start + open.length, end));
}

describe('renderPlayPage', () => {
  it('embeds the view model so that no field can close the script element', () => {
    const hostile = '</script><script>alert(1)</script><!--';
    const view: PlayView = {
      ...startView,
      game: { ...game, title: hostile, segments: [{ label: '</SCRIPT >' }, { label: '\u2028' }] },
    };
    const html = renderPlayPage(view, {});
    expect(html).not.toContain('<script>alert(1)');
    // play.js, the view and the strings: nothing else opens or closes a script.
    expect(html.toLowerCase().match(/<\/script/g)).toHaveLength(3);
    expect(html.toLowerCase().match(/<script/g)).toHaveLength(3);
    expect(embedded(html, 'play-view')).toEqual(view);
    expect(embedJson({ a: '<&>' })).toBe('{"a":"\\u003c\\u0026\\u003e"}');
  });

  it('escapes brand text in the visible page', () => {
    const html = renderPlayPage({ ...startView, game: { ...game, title: '<b>"Big" & bold</b>' } });
    expect(html).toContain('&lt;b&gt;&quot;Big&quot; &amp; bold&lt;/b&gt;');
    expect(html).not.toContain('<b>"Big"');
  });

  it('only lets #rrggbb colors into the stylesheet', () => {
    const html = renderPlayPage({
      ...startView,
      game: { ...game, config: { primary_color: 'red}</style><script>x()</script>' } },
    });
    expect(html).not.toContain('x()</script>');
    expect(html).toContain('--primary:#6d28d9');
    expect(renderPlayPage(startView)).toContain('--primary:#0f766e');
  });

  it('renders a mobile document that loads only its own assets', () => {
    const html = renderPlayPage(startView, { title: 'Custom title' });
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<meta name="viewport" content="width=device-width');
    expect(html).toContain('<title>Custom title</title>');
    expect(html).toContain('href="/play/static/play.css"');
    expect(html).toContain('src="/play/static/play.js"');
    expect(html).toContain('href="/play/static/spin-wheel.js"');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('shows the start screen with a start button that play.js enables', () => {
    const html = renderPlayPage(startView);
    expect(html).toContain('data-testid="start-screen"');
    expect(html).toMatch(/<button[^>]*data-testid="start-button"[^>]*disabled>Play<\/button>/);
    expect(html).toContain('Tap Spin and see where the wheel stops.');
    expect(html).toContain('One spin per link');
  });

  it('fills template instructions from the config', () => {
    const memory: GameView = {
      ...game,
      template: 'memory-match',
      config: { pairs: 8, duration_s: 45 },
      segments: [],
    };
    const html = renderPlayPage({ ...startView, lang: 'th', game: memory });
    expect(html).toContain('จับคู่ให้ครบ 8 คู่ภายใน 45 วินาที');
    expect(html).toContain('href="/play/static/memory-match.js"');
  });

  it('shows the resume screen with the same start button', () => {
    const html = renderPlayPage({
      ...startView,
      screen: 'resume',
      play: { id: 3, status: 'started', score: null, result: null },
    });
    expect(html).toContain('data-testid="resume-screen"');
    expect(html).toMatch(/data-testid="start-button" data-resume="true" disabled>Continue</);
  });

  it('shows a completed wheel play that won nothing with its segment and no score', () => {
    const html = renderPlayPage({
      ...startView,
      screen: 'result',
      play: { id: 3, status: 'completed', score: 0, result: { segment_index: 1 } },
    });
    expect(html).toContain('data-testid="result-screen" data-outcome="no-prize"');
    expect(html).toContain('data-testid="segment-result">B<');
    // A lucky draw's score means nothing (src/web/render-result.test.ts has the rest).
    expect(html).not.toContain('data-testid="score"');
  });

  it('counts down to the stream start from the given instant', () => {
    const html = renderPlayPage(
      {
        lang: 'en',
        screen: 'countdown',
        stream: {
          name: 'Songkran',
          completion_message: null,
          start_at: '2026-04-13T03:00:00.000Z',
          end_at: null,
          timezone: 'Asia/Bangkok',
        },
      },
      { now: new Date('2026-04-11T01:58:55.000Z') },
    );
    expect(html).toContain('data-testid="countdown"');
    expect(html).toContain('data-start-at="2026-04-13T03:00:00.000Z"');
    expect(html).toContain('Starts in');
    expect(html).toContain('>2d 01:01:05<');
    expect(html).toContain('Opens 13 Apr 2026, 10:00 GMT+7');
  });

  it('shows the stream completion message when finished', () => {
    const stream = {
      name: 'Songkran',
      completion_message: 'See you next year',
      start_at: null,
      end_at: '2026-04-16T00:00:00.000Z',
      timezone: 'UTC',
    };
    const html = renderPlayPage({ lang: 'th', screen: 'finished', stream });
    expect(html).toContain('data-testid="finished"');
    expect(html).toContain('แคมเปญนี้จบแล้ว');
    expect(html).toContain('See you next year');
    const fallback = renderPlayPage({
      lang: 'en',
      screen: 'finished',
      stream: { ...stream, completion_message: null },
    });
    expect(fallback).toContain('Thanks for playing!');
  });

  it('tells a player who used their plays so, not that the campaign ended', () => {
    const stream = {
      name: 'Songkran',
      completion_message: null,
      start_at: null,
      end_at: null,
      timezone: 'UTC',
    };
    const played = { plays: 3, allowed: 3 };
    // The screen itself, not the strings the page embeds for its script.
    const screen = (html: string) =>
      /<section[^>]*data-testid="finished"[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
    const en = screen(renderPlayPage({ lang: 'en', screen: 'finished', stream, played }));
    expect(en).toContain('data-finished="played-all"');
    expect(en).toContain('You have played all your turns');
    expect(en).toContain('You played 3 of 3. The campaign goes on for others.');
    expect(en).not.toContain('This campaign has ended');
    const th = screen(renderPlayPage({ lang: 'th', screen: 'finished', stream, played }));
    expect(th).toContain('คุณใช้สิทธิ์เล่นครบแล้ว');
    expect(th).toContain('คุณเล่นไปแล้ว 3 จาก 3 ครั้ง');
    const ended = screen(renderPlayPage({ lang: 'en', screen: 'finished', stream }));
    expect(ended).toContain('data-finished="ended"');
    expect(ended).toContain('This campaign has ended');
    expect(ended).not.toContain('You have played all your turns');
  });

  it('embeds the strings of the page language', () => {
    const html = renderPlayPage({ ...startView, lang: 'th' });
    expect(html).toContain('<html lang="th">');
    expect(embedded(html, 'play-strings')).toEqual(stringsFor('th'));
  });

  describe.each(['en', 'th'] as const)('error screens in %s', (lang) => {
    it.each(PAGE_ERROR_KINDS)('renders %s with its data-error and message', (kind) => {
      const html = renderPlayPage({ lang, screen: 'error', error: kind });
      const t = stringsFor(lang);
      expect(html).toContain(`data-testid="error-screen" data-error="${kind}"`);
      expect(html).toContain(escapeHtml(t[`error.${kind}.title`]));
      expect(html).toContain(escapeHtml(t[`error.${kind}.body`]));
    });
  });

  it('says the link was used in both languages', () => {
    expect(renderPlayPage({ lang: 'en', screen: 'error', error: 'consumed' })).toContain(
      'This link has already been used',
    );
    expect(renderPlayPage({ lang: 'th', screen: 'error', error: 'consumed' })).toContain(
      'ลิงก์นี้ถูกใช้ไปแล้ว',
    );
  });

  it('has every text in Thai, distinct from English where words are translated', () => {
    const en = stringsFor('en');
    const th = stringsFor('th');
    expect(Object.keys(th).sort()).toEqual(Object.keys(en).sort());
    for (const kind of [...PAGE_ERROR_KINDS, ...CLIENT_ERROR_KINDS]) {
      expect(th[`error.${kind}.title`]).not.toBe(en[`error.${kind}.title`]);
      expect(errorScreen(kind, th)).toContain(`data-error="${kind}"`);
    }
  });
});

describe('pickLang', () => {
  it.each([
    ['th', 'en-US,en;q=0.9', 'th'],
    ['EN', 'th-TH', 'en'],
    ['fr', 'th-TH,th;q=0.9', 'th'],
    [undefined, 'th', 'th'],
    [undefined, 'th-TH,en;q=0.8', 'th'],
    [undefined, 'en-US,en;q=0.9,th;q=0.8', 'en'],
    [undefined, 'fr-FR, th;q=0.5, en;q=0.4', 'th'],
    [undefined, 'en;q=0.3, th;q=0.7', 'th'],
    [undefined, 'th;q=0, en;q=0.1', 'en'],
    [undefined, 'de-DE,fr', 'en'],
    [undefined, undefined, 'en'],
    [null, '', 'en'],
    [['th', 'en'], undefined, 'th'],
  ] as const)('query %j with Accept-Language %j picks %s', (query, header, expected) => {
    expect(pickLang(query, header)).toBe(expected);
  });
});
