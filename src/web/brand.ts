import type { BrandFont, BrandView } from './play-view.ts';

/**
 * An organization's branding on the play pages (docs/play.md, "Branding"): the fonts it may
 * pick, and the CSS and top bar made from a BrandView. Everything that reaches CSS is checked
 * here again (`#rrggbb`, a whole-number angle, a `/play/assets/<uuid>` URL), so a stored value
 * that slipped past the API still cannot inject CSS; names reach HTML escaped.
 */

export const BRAND_FONTS = ['system', 'rounded', 'serif', 'slab', 'condensed', 'mono'] as const;

// Thai glyphs come from the platform's Thai faces (Noto on Android/Linux, Thonburi on Apple,
// Leelawadee on Windows) listed before the generic family, whatever the Latin face is.
const THAI = `'Noto Sans Thai','Noto Sans Thai UI',Thonburi,'Leelawadee UI',Tahoma`;
const THAI_SERIF = `'Noto Serif Thai','Noto Sans Thai',Thonburi,'Leelawadee UI',Tahoma`;

/** Local stacks only: no web font is ever downloaded (page budget, CSP, privacy). */
export const FONT_STACKS: Readonly<Record<BrandFont, string>> = {
  system: `system-ui,-apple-system,'Segoe UI',Roboto,${THAI},'Noto Sans','Helvetica Neue',Arial,sans-serif`,
  rounded: `ui-rounded,'SF Pro Rounded','Arial Rounded MT Bold','Varela Round',Nunito,'Noto Sans Thai Looped',${THAI},system-ui,sans-serif`,
  serif: `ui-serif,'New York',Georgia,Cambria,'Times New Roman',${THAI_SERIF},serif`,
  slab: `Rockwell,'Roboto Slab','Zilla Slab','Courier New',${THAI_SERIF},serif`,
  condensed: `'Arial Narrow','Roboto Condensed','Helvetica Neue Condensed','Noto Sans Condensed',${THAI},sans-serif`,
  mono: `ui-monospace,'SF Mono',Menlo,Consolas,'DejaVu Sans Mono','Noto Sans Mono',${THAI},monospace`,
};

const HEX = /^#[0-9a-f]{6}$/;
const ASSET_URL = /^\/play\/assets\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const brandHex = (value: string | null | undefined): string | undefined =>
  value && HEX.test(value) ? value : undefined;

export const brandAssetUrl = (value: string | null | undefined): string | undefined =>
  value && ASSET_URL.test(value) ? value : undefined;

function escape(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/**
 * The brand's font and background, after the theme's colour variables. Over a gradient or an
 * image the text colour cannot be checked against every pixel, so the top bar and the powered-by
 * line sit on a chip of the background colour, whose text colour (--on-bg) is AA on it.
 */
export function brandCss(brand: BrandView): string {
  const font = FONT_STACKS[brand.font] ?? FONT_STACKS.system;
  let css = `:root{font-family:${font}}`;
  const bg = brand.background;
  let art = false;
  if (bg.type === 'gradient') {
    const from = brandHex(bg.from);
    const to = brandHex(bg.to);
    const angle = Number.isInteger(bg.angle) ? Math.min(360, Math.max(0, bg.angle)) : 180;
    if (from && to) {
      css += `body{background:linear-gradient(${angle}deg,${from},${to}) fixed,var(--bg)}`;
      art = true;
    }
  } else if (bg.type === 'image') {
    const url = brandAssetUrl(bg.url);
    if (url) {
      css += `body{background:var(--bg) url("${url}") center/cover no-repeat fixed}`;
      art = true;
    }
  }
  if (art) css += `.topbar,.powered-by{background:var(--bg);color:var(--on-bg)}`;
  return css;
}

/** The top bar: the logo (when there is one) and the organization's name. */
export function brandTopbar(brand: BrandView): string {
  const name = escape(brand.name);
  const logo = brandAssetUrl(brand.logo_url);
  return (
    `<header class="topbar topbar-brand" data-testid="brand-bar">` +
    (logo
      ? `<img class="brand-logo" data-testid="brand-logo" src="${logo}" alt="${name}">`
      : `<span class="logo" aria-hidden="true"></span>`) +
    `<span class="brand" data-testid="brand-name">${name}</span></header>`
  );
}

/** The "Powered by PlayLoop" line, only where the organization asked for it. */
export function poweredByLine(brand: BrandView | undefined, text: string): string {
  return brand?.powered_by
    ? `<p class="powered-by" data-testid="powered-by">${escape(text)}</p>\n`
    : '';
}
