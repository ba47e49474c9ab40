import type { Deps } from '../../deps.ts';
import { BRAND_FONTS } from '../../web/brand.ts';
import type { BrandFont, BrandView } from '../../web/play-view.ts';
import { DEFAULT_COLORS } from '../games/index.ts';
import * as repo from './branding.repo.ts';
import { assetUrl } from './branding.service.ts';

/**
 * Whose link a play page is, as far as the link itself says: a session token names its session's
 * organization (also once consumed, expired or revoked), a public stream link its stream's. A link that
 * names nothing known gets no brand (the neutral PlayLoop look).
 */
export type BrandRef = { token: string | undefined } | { orgSlug: string; streamSlug: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX = /^#[0-9a-fA-F]{6}$/;

async function orgOf(
  deps: Deps,
  ref: BrandRef,
): Promise<{ orgId: number; gameId: number | null } | undefined> {
  const db = deps.database.db;
  if ('token' in ref) {
    if (!ref.token || !UUID.test(ref.token)) return undefined;
    const session = await repo.orgOfSession(db, ref.token);
    return session && { orgId: session.org_id, gameId: session.game_id };
  }
  const stream = await repo.orgOfStreamSlugs(db, ref.orgSlug, ref.streamSlug);
  return stream && { orgId: stream.org_id, gameId: null };
}

type Key = keyof typeof DEFAULT_COLORS;

/**
 * A colour the game set itself. The dashboard's game form saves the template's default colours
 * along with everything else, so a default colour counts as not set: the organization's shows.
 */
function gameColor(config: Record<string, unknown>, key: Key): string | undefined {
  const value = config[key];
  if (typeof value !== 'string' || !HEX.test(value)) return undefined;
  const hex = value.toLowerCase();
  return hex === DEFAULT_COLORS[key] ? undefined : hex;
}

const text = (config: Record<string, unknown>, key: string): string | undefined => {
  const value = config[key];
  return typeof value === 'string' && UUID.test(value) ? value.toLowerCase() : undefined;
};

function gradientOf(value: unknown): { from: string; to: string; angle: number } | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { from, to, angle } = value as Record<string, unknown>;
  if (typeof from !== 'string' || !HEX.test(from) || typeof to !== 'string' || !HEX.test(to)) {
    return undefined;
  }
  const degrees = typeof angle === 'number' && Number.isInteger(angle) ? angle : 180;
  return { from: from.toLowerCase(), to: to.toLowerCase(), angle: degrees };
}

/**
 * The brand of a play page: the game's own settings (`logo_asset`, `background_asset`,
 * `background_gradient`, non-default colours) over the organization's branding over PlayLoop's
 * defaults. `gameId` is the game the page shows, else the session's; a game or an asset of
 * another organization is never used (assets are looked up within the organization).
 */
export async function pageBrand(
  deps: Deps,
  ref: BrandRef,
  gameId: number | undefined,
): Promise<BrandView | undefined> {
  const owner = await orgOf(deps, ref);
  if (!owner) return undefined;
  const sources = await repo.brandSources(
    deps.database.db,
    owner.orgId,
    gameId ?? owner.gameId ?? null,
  );
  if (!sources) return undefined;
  const b = sources.branding;
  const g = sources.gameConfig ?? {};

  const gameLogo = text(g, 'logo_asset');
  const gameBackground = text(g, 'background_asset');
  const wanted = [gameLogo, gameBackground, b?.logo_asset, b?.background_asset].filter(
    (id): id is string => Boolean(id),
  );
  const own = new Set(await repo.ownAssetIds(deps.database.db, owner.orgId, wanted));
  const usable = (id: string | null | undefined) => (id && own.has(id) ? id : undefined);

  const logo = usable(gameLogo) ?? usable(b?.logo_asset);
  const gradient = gradientOf(g.background_gradient);
  let background: BrandView['background'] = { type: 'color' };
  const gameImage = usable(gameBackground);
  if (gameImage) background = { type: 'image', url: assetUrl(gameImage) };
  else if (gradient) background = { type: 'gradient', ...gradient };
  else if (!gameColor(g, 'background_color') && b) {
    const orgImage = b.background_type === 'image' ? usable(b.background_asset) : undefined;
    if (orgImage) background = { type: 'image', url: assetUrl(orgImage) };
    else if (b.background_type === 'gradient' && b.gradient_from && b.gradient_to) {
      background = {
        type: 'gradient',
        from: b.gradient_from,
        to: b.gradient_to,
        angle: b.gradient_angle ?? 180,
      };
    }
  }
  const font = [g.font, b?.font].find((f): f is BrandFont =>
    (BRAND_FONTS as readonly unknown[]).includes(f),
  );
  return {
    name: b?.display_name ?? sources.name,
    logo_url: logo ? assetUrl(logo) : null,
    font: font ?? 'system',
    colors: {
      primary: gameColor(g, 'primary_color') ?? b?.primary_color ?? null,
      secondary: gameColor(g, 'secondary_color') ?? b?.secondary_color ?? null,
      background: gameColor(g, 'background_color') ?? b?.background_color ?? null,
    },
    background,
    powered_by: b?.powered_by ?? false,
  };
}
