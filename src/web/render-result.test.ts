import { describe, expect, it } from 'vitest';
import { qrPath } from '../lib/qr.ts';
import type { GameView, PlayView } from './play-view.ts';
import { renderPlayPage } from './render.ts';
import { formatDeadline } from './render-result.ts';

const wheel: GameView = {
  id: 7,
  title: 'Summer Spin',
  description: null,
  template: 'spin-wheel',
  config: { cta_text: 'Visit our shop', cta_url: 'https://shop.example/deals?a=1&b=2' },
  segments: [{ label: '10% off' }, { label: 'Try again' }],
};

const tap: GameView = {
  id: 8,
  title: 'Tap Rush',
  description: null,
  template: 'quick-tap',
  config: {},
  segments: [],
};

const result = (fields: Partial<PlayView>): string =>
  renderPlayPage({
    lang: 'en',
    screen: 'result',
    game: wheel,
    play: { id: 3, status: 'completed', score: 0, result: { segment_index: 0 } },
    ...fields,
  });

/** The result section's opening tag. */
const section = (html: string) => /<section class="screen screen-result[^>]*>/.exec(html)?.[0];

describe('result screens', () => {
  it('shows a won and claimed prize with its code, copy button and QR code', () => {
    const qr = qrPath('WIN-1')!;
    const html = result({
      prize: {
        state: 'claimed',
        name: '10% off',
        description: null,
        type: 'voucher_set',
        code: 'WIN-1',
        url: null,
        qr,
      },
    });
    expect(section(html)).toContain('data-outcome="win"');
    expect(section(html)).toContain('data-celebrate="still"');
    expect(html).toContain('<h1 class="title">You won!</h1>');
    expect(html).toContain('data-testid="prize-code">WIN-1<');
    expect(html).toContain('data-testid="copy-code"');
    expect(html).toContain('data-testid="prize-qr"');
    expect(html).toContain(`viewBox="0 0 ${qr.size} ${qr.size}"`);
    expect(html).toContain(`<path d="${qr.path}" fill="#000000"/>`);
    // Black on white, whatever the brand's colours.
    expect(html).toContain(`<rect width="${qr.size}" height="${qr.size}" fill="#ffffff"/>`);
    expect(html).not.toContain('data-testid="score"');
    // play.js imports result.js: fetched alongside it rather than after it.
    expect(html).toContain('<link rel="modulepreload" href="/play/static/result.js">');
  });

  it('draws no QR code from a path that is not one', () => {
    const html = result({
      prize: {
        state: 'claimed',
        name: '10% off',
        description: null,
        type: 'voucher',
        code: 'X',
        url: null,
        qr: { size: 21, path: '"/><script>alert(1)</script>' },
      },
    });
    expect(html).not.toContain('data-testid="prize-qr"');
    expect(html).not.toContain('<script>alert(1)');
  });

  it('names the claim deadline with date, time and the stream time zone', () => {
    const html = result({
      prize: {
        state: 'pending',
        draw_token: 'tok',
        expires_at: '2026-12-07T14:40:00.000Z',
        slot: { name: 'Free drink', description: null, type: 'voucher' },
      },
      stream: {
        name: 'Songkran',
        completion_message: null,
        start_at: null,
        end_at: null,
        timezone: 'Asia/Bangkok',
      },
    });
    expect(section(html)).toContain('data-outcome="win"');
    expect(html).toContain('data-testid="claim-by">Claim by 7 Dec 2026, 21:40 GMT+7<');
    expect(formatDeadline('2026-12-07T14:40:00.000Z', 'th', 'Asia/Bangkok')).toMatch(/ธ\.ค\./);
  });

  it('shows a lucky draw that won nothing kindly, without a score', () => {
    const html = result({
      play: { id: 3, status: 'completed', score: 0, result: { segment_index: 1 } },
    });
    expect(section(html)).toContain('data-outcome="no-prize"');
    expect(html).toContain('<h1 class="title">Not this time</h1>');
    expect(html).toContain('data-testid="segment-result">Try again<');
    expect(html).not.toContain('data-testid="score"');
  });

  it('shows a skill score with the personal best and rank', () => {
    const html = result({
      game: tap,
      play: { id: 3, status: 'completed', score: 1240, result: {} },
      best: { score: 1500, previous: 1500, is_new: false },
      rank: { position: 3, players: 57 },
    });
    expect(section(html)).toContain('data-outcome="score"');
    expect(html).toContain('data-testid="score" data-score="1240">1,240<');
    expect(html).toContain('data-testid="best">Your best: 1,500<');
    expect(html).toContain('data-testid="rank">You are #3 of 57 players<');
    const fresh = result({
      game: tap,
      lang: 'th',
      play: { id: 3, status: 'completed', score: 9, result: {} },
      best: { score: 9, previous: null, is_new: true },
      rank: null,
    });
    expect(fresh).toContain('data-testid="best">สถิติใหม่ของคุณ!<');
    expect(fresh).not.toContain('data-testid="rank"');
  });

  it('keeps the score on the win screen of a skill game that won a prize', () => {
    const html = result({
      game: tap,
      play: { id: 3, status: 'completed', score: 12, result: {} },
      prize: {
        state: 'expired',
        draw_token: null,
        expires_at: '2026-12-07T14:40:00.000Z',
        slot: { name: 'Free drink', description: null, type: 'voucher' },
      },
    });
    expect(section(html)).toContain('data-outcome="win"');
    expect(html).toContain('data-testid="score" data-score="12">12<');
  });

  it('links the call to action safely on every outcome, and never a javascript: URL', () => {
    const cta =
      '<a class="btn btn-cta" data-testid="cta" href="https://shop.example/deals?a=1&amp;b=2" target="_blank" rel="noopener">Visit our shop</a>';
    expect(result({})).toContain(cta);
    expect(result({ game: { ...tap, config: wheel.config } })).toContain(cta);
    const hostile = result({
      game: { ...wheel, config: { cta_text: 'Go', cta_url: 'javascript:alert(1)' } },
    });
    expect(hostile).not.toContain('data-testid="cta"');
    expect(result({ game: { ...wheel, config: { cta_text: 'Go' } } })).not.toContain(
      'data-testid="cta"',
    );
  });

  it('names the next game on the Next button when it is known', () => {
    const start = { org_slug: 'acme', stream_slug: 'daily' };
    expect(result({ start, next_game: { title: 'Tap Rush' } })).toMatch(
      /data-testid="next-game" disabled>Next: Tap Rush</,
    );
    expect(result({ start })).toMatch(/data-testid="next-game" disabled>Next game</);
  });
});
