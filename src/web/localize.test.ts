import { describe, expect, it } from 'vitest';
import { localizeGame, localizePrize, localizeView } from './localize.ts';
import type { GameView, PlayView } from './play-view.ts';

const game: GameView = {
  id: 7,
  title: 'Lucky Wheel',
  description: 'Spin for a prize',
  template: 'spin-wheel',
  config: {
    intro_text: 'Welcome!',
    result_text: 'Thanks for playing',
    cta_text: 'Book now',
    cta_url: 'https://example.com',
  },
  segments: [
    { label: 'Free spin', translations: { th: 'หมุนฟรี' } },
    { label: 'Try again', translations: {} },
  ],
  translations: {
    th: { title: 'วงล้อนำโชค', intro_text: 'ยินดีต้อนรับ!', cta_text: 'จองเลย', description: '  ' },
  },
};

describe('localizeGame', () => {
  it('takes each translated text and falls back, text by text, to the default', () => {
    const th = localizeGame(game, 'th');
    expect(th.title).toBe('วงล้อนำโชค');
    // Blank counts as not translated.
    expect(th.description).toBe('Spin for a prize');
    expect(th.config).toMatchObject({
      intro_text: 'ยินดีต้อนรับ!',
      result_text: 'Thanks for playing',
      cta_text: 'จองเลย',
      cta_url: 'https://example.com',
    });
    expect(th.segments).toEqual([{ label: 'หมุนฟรี' }, { label: 'Try again' }]);
  });

  it("relabels the config's segments when the wheel shows them", () => {
    const config = { segments: [{ label: 'Free spin' }, { label: 'Try again' }] };
    expect(localizeGame({ ...game, config }, 'th').config.segments).toEqual([
      { label: 'หมุนฟรี' },
      { label: 'Try again' },
    ]);
    // Prize slots on the wheel: the config's (unused) segments stay as they are.
    const other = { segments: [{ label: 'A' }, { label: 'B' }] };
    expect(localizeGame({ ...game, config: other }, 'th').config.segments).toEqual(other.segments);
  });

  it('shows the defaults in a language without translations, and drops the translations', () => {
    const en = localizeGame(game, 'en');
    expect(en.title).toBe('Lucky Wheel');
    expect(en.config.intro_text).toBe('Welcome!');
    expect(en.segments).toEqual([{ label: 'Free spin' }, { label: 'Try again' }]);
    expect(en).not.toHaveProperty('translations');
    expect(localizeGame(game, 'th')).not.toHaveProperty('translations');
    // The input is not changed.
    expect(game.config.intro_text).toBe('Welcome!');
  });

  it('adds no call-to-action button of its own: a translated cta_text needs the game to have one', () => {
    const { cta_text: _text, cta_url: _url, ...config } = game.config;
    const th = localizeGame({ ...game, config }, 'th');
    expect(th.config).not.toHaveProperty('cta_text');
    // Other config texts are shown even when the default has none.
    const intro = localizeGame({ ...game, config: {} }, 'th');
    expect(intro.config.intro_text).toBe('ยินดีต้อนรับ!');
  });
});

describe('localizePrize', () => {
  it('translates the name and the description separately, falling back to each', () => {
    const slot = {
      name: 'Free drink',
      description: 'At any bar',
      type: 'item',
      translations: { th: { name: 'เครื่องดื่มฟรี' } },
    };
    expect(localizePrize(slot, 'th')).toEqual({
      name: 'เครื่องดื่มฟรี',
      description: 'At any bar',
      type: 'item',
    });
    expect(localizePrize(slot, 'en')).toEqual({
      name: 'Free drink',
      description: 'At any bar',
      type: 'item',
    });
    expect(localizePrize({ name: 'X', description: null }, 'th')).toEqual({
      name: 'X',
      description: null,
    });
  });
});

describe('localizeView', () => {
  const translations = { th: { name: 'ส่วนลด 10%', description: 'ใช้ได้ที่แคชเชียร์' } };

  it('localizes the game and a pending prize of a reopened result in the page language', () => {
    const view: PlayView = {
      lang: 'th',
      screen: 'result',
      game,
      prize: {
        state: 'pending',
        draw_token: 't',
        expires_at: '2026-12-07T12:00:00.000Z',
        slot: { name: '10% off', description: null, type: 'voucher', translations },
      },
    };
    const out = localizeView(view);
    expect(out.game?.title).toBe('วงล้อนำโชค');
    expect(out.prize).toEqual({
      state: 'pending',
      draw_token: 't',
      expires_at: '2026-12-07T12:00:00.000Z',
      slot: { name: 'ส่วนลด 10%', description: 'ใช้ได้ที่แคชเชียร์', type: 'voucher' },
    });
    expect(JSON.stringify(out)).not.toContain('translations');
  });

  it('localizes a claimed prize, and leaves views without a game alone', () => {
    const claimed: PlayView = {
      lang: 'th',
      screen: 'result',
      prize: {
        state: 'claimed',
        name: '10% off',
        description: null,
        translations,
        type: 'voucher',
        code: 'ABC',
        url: null,
      },
    };
    expect(localizeView(claimed).prize).toMatchObject({ name: 'ส่วนลด 10%', code: 'ABC' });
    expect(localizeView(claimed, 'en').prize).toMatchObject({ name: '10% off' });
    const error: PlayView = { lang: 'th', screen: 'error', error: 'expired' };
    expect(localizeView(error)).toEqual(error);
  });

  it("names a stream's games and the next game in the page language, else by their titles", () => {
    const view: PlayView = {
      lang: 'th',
      screen: 'result',
      next_game: { title: 'Tap Rush', translations: { th: 'แตะให้ไว' } },
      stream: {
        name: 'Songkran',
        completion_message: null,
        start_at: null,
        end_at: null,
        timezone: 'Asia/Bangkok',
        games: [
          {
            title: 'Tap Rush',
            template: 'quick-tap',
            state: 'next',
            translations: { th: 'แตะให้ไว' },
          },
          { title: 'Match', template: 'memory-match', state: 'upcoming', translations: {} },
        ],
      },
    };
    const out = localizeView(view);
    expect(out.next_game).toEqual({ title: 'แตะให้ไว' });
    expect(out.stream?.games).toEqual([
      { title: 'แตะให้ไว', template: 'quick-tap', state: 'next' },
      { title: 'Match', template: 'memory-match', state: 'upcoming' },
    ]);
    expect(localizeView(view, 'en').next_game).toEqual({ title: 'Tap Rush' });
  });
});
