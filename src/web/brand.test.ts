import { describe, expect, it } from 'vitest';
import { brandCss, FONT_STACKS } from './brand.ts';
import type { BrandView, PlayView } from './play-view.ts';
import { renderPlayPage } from './render.ts';

// The brand in the page shell: text as text, only checked values in CSS, the neutral default.

const brand: BrandView = {
  name: 'Lotus <script>alert(1)</script> & "Co"',
  logo_url: '/play/assets/6f1c1d8e-3a8b-4c47-9a3e-1f2b3c4d5e6f',
  font: 'rounded',
  colors: { primary: '#b91c1c', secondary: null, background: '#111827' },
  background: { type: 'color' },
  powered_by: true,
};

const view = (b?: BrandView): PlayView => ({
  lang: 'th',
  screen: 'error',
  error: 'expired',
  ...(b ? { brand: b } : {}),
});

/** The page without its embedded JSON (which carries the view as data, not markup). */
const markup = (html: string) =>
  html.replace(/<script type="application\/json"[\s\S]*?<\/script>/g, '');

describe('the brand in the play page', () => {
  it('puts the name in the top bar, the logo alt and the title as text, never as HTML', () => {
    const html = markup(renderPlayPage(view(brand)));
    expect(html).not.toContain('<script>alert(1)');
    const escaped = 'Lotus &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;';
    expect(html).toContain(`alt="${escaped}"`);
    expect(html).toContain(`data-testid="brand-name">${escaped}</span>`);
    expect(html).toMatch(/<title>[^<]*Lotus &lt;script/);
    expect(html).toContain('ให้บริการโดย PlayLoop');
  });

  it('applies the colours with readable text, the font stack and a dark background', () => {
    const html = renderPlayPage(view(brand));
    expect(html).toContain('--primary:#b91c1c;--on-primary:#ffffff');
    expect(html).toContain('--bg:#111827;--on-bg:#ffffff');
    expect(html).toContain(`:root{font-family:${FONT_STACKS.rounded}}`);
    expect(html).toContain('<meta name="theme-color" content="#b91c1c">');
  });

  it('lets no unchecked value reach the CSS', () => {
    const hostile = {
      ...brand,
      logo_url: 'https://evil.example/x.png',
      colors: { primary: 'red;}body{display:none', secondary: null, background: null },
      background: { type: 'image', url: 'x");}*{display:none' },
    } as BrandView;
    const html = markup(renderPlayPage(view(hostile)));
    expect(html).not.toContain('evil.example');
    expect(html).not.toContain('display:none');
    expect(html).not.toContain('brand-logo');
    const gradient = brandCss({
      ...brand,
      background: { type: 'gradient', from: '#000', to: 'blue', angle: 12.5 },
    });
    expect(gradient).not.toContain('linear-gradient');
  });

  it('keeps PlayLoop and its defaults when there is no brand', () => {
    const html = renderPlayPage(view());
    expect(html).toContain('<span class="brand">PlayLoop</span>');
    expect(html).not.toContain('powered-by');
    expect(html).not.toContain('font-family:');
  });
});
